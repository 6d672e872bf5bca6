//! `vimes hook install`: the pre-push hook that runs `vimes check --hook`.

use super::Ctx;
use crate::check::hook;
use crate::error::Error;
use crate::exit::Exit;
use clap::{Args, Subcommand};

/// `vimes hook ...`.
#[derive(Debug, Subcommand)]
pub enum HookCommand {
    /// Install the pre-push hook (honours core.hooksPath; an existing hook is kept as
    /// pre-push.local and run first).
    Install(HookInstallArgs),
}

/// `vimes hook install`.
#[derive(Debug, Args)]
pub struct HookInstallArgs {
    /// Replace an existing hook that cannot be chained (it is saved as pre-push.vimes-backup).
    #[arg(long)]
    pub force: bool,
}

/// Runs `vimes hook ...`.
pub fn run(ctx: &Ctx, command: HookCommand) -> anyhow::Result<Exit> {
    match command {
        HookCommand::Install(args) => {
            let cwd = std::env::current_dir()
                .map_err(|e| Error::Usage(format!("cannot read the working directory: {e}")))?;
            // The hook calls this very binary (PATH in git hooks is often not the shell's).
            let exe = std::env::current_exe()
                .and_then(|p| p.canonicalize())
                .map_err(|e| Error::Usage(format!("cannot find the vimes binary: {e}")))?;
            let installed = hook::install(&cwd, &exe, args.force)?;
            let mut text = format!(
                "{} pre-push hook {}",
                if installed.updated {
                    "updated"
                } else {
                    "installed"
                },
                installed.hook.display()
            );
            if let Some(local) = &installed.chained {
                text.push_str(&format!(
                    "\nthe earlier hook runs first, as {}",
                    local.display()
                ));
            }
            if let Some(backup) = &installed.backup {
                text.push_str(&format!(
                    "\nthe replaced hook is saved as {}",
                    backup.display()
                ));
            }
            ctx.ui.result(&text, &serde_json::to_value(&installed)?);
            Ok(Exit::Success)
        }
    }
}
