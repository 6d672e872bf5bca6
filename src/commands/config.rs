//! `vimes config schema|show`.

use super::Ctx;
use crate::cli::ConfigCommand;
use crate::exit::Exit;

/// Runs `vimes config ...`.
pub fn run(_ctx: &Ctx, _cmd: ConfigCommand) -> anyhow::Result<Exit> {
    Err(crate::error::Error::Usage("config: not implemented yet".into()).into())
}
