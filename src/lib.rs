//! vimes: container supply-chain gate. The library holds the engine and the
//! CLI layer; the `vimes` binary only calls [`run`]. The crate is a library so
//! that fuzz targets and benchmarks can reach the parsers (see [`fuzzing`]).

mod check;
mod cli;
mod clock;
mod commands;
mod config;
mod error;
pub mod exit;
mod harbor;
mod paths;
mod pipeline;
mod policy;
mod process;
mod redact;
mod registry;
mod regular_file;
mod sbom;
mod signing;
mod tools;
mod ui;

pub mod fuzzing;

use clap::Parser;
use std::process::ExitCode;

/// Runs the `vimes` command line: parses the arguments, runs the command and
/// maps errors to the exit codes of the interface contract.
pub fn run() -> ExitCode {
    // Like other Unix filters, end quietly when the reader of our output goes
    // away (`vimes ... | head`) instead of failing on EPIPE.
    // SAFETY: called first thing, before any other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }

    // A panic is a bug: say so plainly, keep the default 101 status.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        eprintln!("vimes: internal error (this is a bug, please report it)");
        default_hook(info);
    }));

    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return match err.kind() {
                clap::error::ErrorKind::DisplayHelp
                | clap::error::ErrorKind::DisplayVersion
                | clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                    exit::Exit::Success.into()
                }
                _ => exit::Exit::Usage.into(),
            };
        }
    };

    let output = ui::OutputOptions {
        format: cli.global.output,
        quiet: cli.global.quiet,
        verbose: cli.global.verbose,
        no_color: cli.global.no_color,
    };
    let ui = ui::Ui::new(&output);
    ui::init_logging(&output);
    // "Today" is read from the environment here, once, and handed down.
    let today_override = std::env::var("VIMES_TODAY").ok();
    let clock = match clock::Clock::from_today_override(today_override.as_deref()) {
        Ok(clock) => clock,
        Err(bad) => {
            let err = anyhow::Error::from(error::Error::Usage(bad.to_string()));
            let exit = error::exit_for(&err);
            ui.error(&err, error::kind_for(&err), exit);
            return exit.into();
        }
    };
    if let Some(warning) = clock.override_warning() {
        ui.notice(&warning);
    }

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("vimes: cannot start the async runtime: {err}");
            return exit::Exit::Internal.into();
        }
    };

    let ctx = commands::Ctx::new(
        cli.global.clone(),
        ui.clone(),
        clock,
        <cli::Cli as clap::CommandFactory>::command,
    );
    match runtime.block_on(commands::run(&ctx, cli.command)) {
        Ok(exit) => exit.into(),
        Err(err) => {
            let exit = error::exit_for(&err);
            ui.error(&err, error::kind_for(&err), exit);
            exit.into()
        }
    }
}
