//! `vimes init`.

use super::Ctx;
use crate::cli::InitArgs;
use crate::exit::Exit;

/// Runs `vimes init`.
pub fn run(_ctx: &Ctx, _args: InitArgs) -> anyhow::Result<Exit> {
    Err(crate::error::Error::Usage("init: not implemented yet".into()).into())
}
