//! One file per subcommand: read the arguments, call the engine, render.

mod admission;
mod attest;
mod build;
mod check;
mod completions;
mod config;
mod copy;
mod exceptions;
mod harbor;
mod hook;
mod init;
mod key;
mod promote;
mod review;
mod sbom;
mod scan;
mod sign;
mod signing_args;
mod verify;

use crate::cli::{Command, GlobalArgs};
use crate::config::LoadedConfig;
use crate::exit::Exit;
use crate::ui::Ui;

/// What every command gets: the global flags and the renderer.
pub struct Ctx {
    /// The global flags.
    pub global: GlobalArgs,
    /// Output settings.
    pub ui: Ui,
}

impl Ctx {
    /// Creates the context.
    pub fn new(global: GlobalArgs, ui: Ui) -> Self {
        Ctx { global, ui }
    }

    /// The configuration, which must exist (exit 2 when none is found).
    pub fn require_config(&self) -> crate::error::Result<LoadedConfig> {
        crate::config::load(self.global.config.as_deref(), true)
    }

    /// The configuration if one is found, else the built-in defaults.
    pub fn optional_config(&self) -> crate::error::Result<LoadedConfig> {
        crate::config::load(self.global.config.as_deref(), false)
    }
}

/// Runs one command and returns its exit status.
pub async fn run(ctx: &Ctx, command: Command) -> anyhow::Result<Exit> {
    match command {
        Command::Init(args) => init::run(ctx, args),
        Command::Config(cmd) => self::config::run(ctx, cmd),
        Command::Copy(args) => copy::run(ctx, args).await,
        Command::Key(cmd) => key::run(ctx, cmd),
        Command::Sign(args) => sign::run(ctx, args).await,
        Command::Attest(args) => attest::run(ctx, args).await,
        Command::Verify(args) => verify::run(ctx, args).await,
        Command::Admission(cmd) => admission::run(ctx, cmd),
        Command::Scan(args) => scan::run(ctx, args).await,
        Command::Exceptions(cmd) => exceptions::run(ctx, cmd),
        Command::Review(args) => review::run(ctx, args).await,
        Command::Completions(args) => completions::completions(args),
        Command::GenerateMan(args) => completions::man_pages(args),
        Command::Promote(args) => promote::run(ctx, args).await,
        Command::Sbom(args) => sbom::run(ctx, args).await,
        Command::Check(args) => check::run(ctx, args).await,
        Command::Hook(cmd) => hook::run(ctx, cmd),
        Command::Build(args) => build::run(ctx, args).await,
        Command::Harbor(cmd) => harbor::run(ctx, cmd).await,
    }
}
