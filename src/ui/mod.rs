//! Rendering: text and JSON on stdout, logs and errors on stderr. The engine
//! never prints; commands hand their results here.

pub mod escape;

use crate::exit::Exit;
use std::io::{IsTerminal, Write};

mod log_writer;
pub mod progress;
pub mod progress_view;
pub mod table;

pub use progress::Progress;
pub use progress_view::ProgressView;

/// What is printed on stdout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Human-readable text.
    Text,
    /// One JSON document.
    Json,
    /// SARIF 2.1.0 (commands that report findings).
    Sarif,
}

/// What the global flags say about output, as the UI needs it (the CLI
/// layer fills it in; the UI does not know the flags).
#[derive(Clone, Copy, Debug)]
pub struct OutputOptions {
    /// `--output`.
    pub format: OutputFormat,
    /// `-q`.
    pub quiet: bool,
    /// `-v` count.
    pub verbose: u8,
    /// `--no-color`.
    pub no_color: bool,
}

/// How the user asked output to look.
#[derive(Clone, Debug)]
pub struct Ui {
    /// Format of stdout.
    pub format: OutputFormat,
    /// Only results and errors.
    pub quiet: bool,
    /// Whether colours may be used on stderr.
    pub color: bool,
    /// Whether stdin and stderr are a terminal (prompts and progress allowed).
    pub interactive: bool,
}

impl Ui {
    /// Builds the UI settings from the global flags and the environment.
    pub fn new(global: &OutputOptions) -> Self {
        let no_color_env = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let stderr_tty = std::io::stderr().is_terminal();
        Ui {
            format: global.format,
            quiet: global.quiet,
            color: !global.no_color && !no_color_env && stderr_tty,
            interactive: stderr_tty && std::io::stdin().is_terminal(),
        }
    }

    /// Whether stdout carries JSON.
    pub fn json(&self) -> bool {
        self.format == OutputFormat::Json
    }

    /// Prints a result: `text` in text mode, `value` as JSON in JSON mode.
    pub fn result(&self, text: &str, value: &serde_json::Value) {
        let mut out = std::io::stdout().lock();
        let _ = if self.json() {
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(value).unwrap_or_default()
            )
        } else if text.is_empty() {
            Ok(())
        } else {
            writeln!(out, "{text}")
        };
    }

    /// A progress or status line on stderr (silenced by `-q`).
    pub fn status(&self, line: &str) {
        if !self.quiet {
            eprintln!("{line}");
        }
    }

    /// The terminal's progress view for a workflow (see [`ProgressView`]).
    pub fn progress(&self) -> ProgressView {
        ProgressView::new(self)
    }

    /// `warning: LINE` on stderr, even with `-q`: something the user must
    /// know although the command goes on.
    pub fn warning(&self, line: &str) {
        eprintln!("warning: {line}");
    }

    /// `vimes: LINE` on stderr, even with `-q` (as cosign warns about keys).
    pub fn notice(&self, line: &str) {
        eprintln!("vimes: {line}");
    }

    /// Text on stderr, even with `-q`: what a prompt asks about.
    pub fn show(&self, text: &str) {
        eprintln!("{text}");
    }

    /// `text` on stdout exactly as given (a document in a format of its own:
    /// SARIF, YAML, a report). A reader that closed the pipe (`| head`) is
    /// not an error.
    pub fn print(&self, text: &str) -> std::io::Result<()> {
        match std::io::stdout().lock().write_all(text.as_bytes()) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e),
            _ => Ok(()),
        }
    }

    /// Copies `from` to stdout; a reader that closed the pipe early
    /// (`vimes sbom IMAGE | head`) is not a failure.
    pub fn copy_to_stdout(&self, from: &mut impl std::io::Read) -> std::io::Result<()> {
        match std::io::copy(from, &mut std::io::stdout().lock()) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e),
            _ => Ok(()),
        }
    }

    /// Reports an error: always on stderr; in JSON mode also as the stdout document.
    pub fn error(&self, err: &anyhow::Error, kind: &str, exit: Exit) {
        let message = crate::redact::redact(&format!("{err:#}")).into_owned();
        if self.color {
            eprintln!("\x1b[1;31merror\x1b[0m: {message}");
        } else {
            eprintln!("error: {message}");
        }
        if self.json() {
            let doc = serde_json::json!({
                "error": { "kind": kind, "message": message, "exit_code": exit.code() }
            });
            println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
    }
}

/// Sets up `tracing` logging on stderr according to `-v` (warnings by default).
pub fn init_logging(global: &OutputOptions) {
    let level = match (global.quiet, global.verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, 2) => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("VIMES_LOG").unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new(format!(
            "vimes={level},oci_client={}",
            if global.verbose >= 2 { level } else { "error" }
        ))
    });
    let no_color = global.no_color || std::env::var_os("NO_COLOR").is_some();
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(log_writer::RedactedStderr)
        .with_ansi(!no_color && std::io::stderr().is_terminal())
        .with_target(false)
        .try_init();
}
