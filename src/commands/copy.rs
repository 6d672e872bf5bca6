//! `vimes copy SRC DST`.

use super::Ctx;
use crate::cli::CopyArgs;
use crate::exit::Exit;

/// Runs `vimes copy`.
pub async fn run(_ctx: &Ctx, _args: CopyArgs) -> anyhow::Result<Exit> {
    Err(crate::error::Error::Usage("copy: not implemented yet".into()).into())
}
