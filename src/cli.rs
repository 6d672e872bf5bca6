//! The top-level parser (clap derive): the global flags and the subcommands,
//! both defined in [`crate::commands`] beside the code that runs them.
//! Parsing only: no behaviour here.

use crate::commands::{Command, GlobalArgs};
use clap::Parser;

/// Container supply-chain gate: scan, sign, SBOM and promote images by digest.
#[derive(Debug, Parser)]
#[command(name = "vimes", version, about, propagate_version = true)]
pub struct Cli {
    /// Options shared by every command.
    #[command(flatten)]
    pub global: GlobalArgs,

    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}
