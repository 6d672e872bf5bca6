//! The one place that defines vimes' exit codes and maps error kinds to them.
//!
//! These numbers are part of the interface contract (design.md): scripts and
//! hooks branch on them, so they never change meaning.

use std::process::ExitCode;

/// Every exit status vimes can end with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Exit {
    /// The command did what was asked: scan passed, verified, promoted, check clean.
    Success,
    /// A policy said no (blocked, unsigned, disallowed, immutable tag elsewhere, ...).
    PolicyDenied,
    /// Usage or configuration error.
    Usage,
    /// An external tool is missing, failed, timed out or printed unparseable output.
    Tool,
    /// Registry, Harbor, network or authentication failure (after retries).
    Registry,
    /// Internal bug (a panic).
    Internal,
}

impl Exit {
    /// Every exit, in the order README's table lists them.
    pub const ALL: [Exit; 6] = [
        Exit::Success,
        Exit::PolicyDenied,
        Exit::Usage,
        Exit::Tool,
        Exit::Registry,
        Exit::Internal,
    ];

    /// The numeric process status of this exit.
    pub const fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::PolicyDenied => 1,
            Exit::Usage => 2,
            Exit::Tool => 3,
            Exit::Registry => 4,
            Exit::Internal => 101,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit.code())
    }
}
