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
            let tools = crate::tools::pin::report(&loaded.config);
            if ctx.ui.json() {
                let mut value = config::redacted(&loaded.config);
                if let Some(object) = value.as_object_mut() {
                    object.insert("tool_binaries".into(), serde_json::to_value(&tools)?);
                }
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
                ctx.ui
                    .print(&format!("{header}\n{yaml}{}", tool_lines(&tools)))?;
            }
        }
    }
    Ok(Exit::Success)
}

/// The tools as found now, as YAML comments under the configuration.
fn tool_lines(tools: &[crate::tools::pin::ToolReport]) -> String {
    let mut text =
        String::from("# tools as they would run now (SHA-256 of each resolved binary):\n");
    for t in tools {
        let line = match (&t.binary, &t.problem) {
            (Some(b), _) => format!(
                "#   {:<8} {} sha256 {} ({})",
                t.tool,
                crate::ui::escape::escape_control(&b.path.display().to_string()),
                b.sha256,
                if b.pinned { "pinned" } else { "not pinned" }
            ),
            (None, Some(problem)) => format!(
                "#   {:<8} {}",
                t.tool,
                crate::ui::escape::escape_control(problem)
            ),
            (None, None) => format!("#   {:<8} unknown", t.tool),
        };
        text.push_str(&line);
        text.push('\n');
    }
    text
}
