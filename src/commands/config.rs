//! `vimes config schema|show`.

use super::Ctx;
use crate::config;
use crate::exit::Exit;
use clap::Subcommand;

/// `vimes config ...`.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the JSON Schema of vimes.yaml.
    Schema,
    /// Print the resolved configuration, secrets redacted.
    Show,
}

/// Runs `vimes config ...`.
pub fn run(ctx: &Ctx, cmd: ConfigCommand) -> anyhow::Result<Exit> {
    match cmd {
        ConfigCommand::Schema => {
            // The schema is JSON whatever --output says: it is a document
            // for editors and validators, not a report.
            let schema = config::json_schema();
            ctx.ui
                .print(&format!("{}\n", serde_json::to_string_pretty(&schema)?))?;
        }
        ConfigCommand::Show => {
            // Without a file, the built-in defaults are what vimes runs with,
            // so they are worth showing too (the header says so).
            let loaded = ctx.optional_config()?;
            if ctx.ui.json() {
                let value = config::redacted(&loaded.config);
                ctx.ui
                    .print(&format!("{}\n", serde_json::to_string_pretty(&value)?))?;
            } else {
                let header = match &loaded.path {
                    Some(path) => format!("# from {}", path.display()),
                    None => "# built-in defaults (no vimes.yaml found)".to_string(),
                };
                let shown = config::redacted_config(&loaded.config);
                let yaml = serde_saphyr::to_string(&shown)
                    .map_err(|e| anyhow::anyhow!("cannot render the configuration: {e}"))?;
                ctx.ui.print(&format!("{header}\n{yaml}"))?;
            }
        }
    }
    Ok(Exit::Success)
}
