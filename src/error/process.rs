//! Failures of running an external program (exit 3): the one shape every
//! child started through `process::Invocation` fails with.

/// Why a program could not be run to success.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcessErrorKind {
    /// The program is not installed (not found on PATH or at its path).
    NotFound,
    /// It exists but could not be started, waited for, or given its directory.
    Spawn,
    /// It ran longer than its timeout and was killed.
    TimedOut,
    /// It exited with a non-zero status or was killed by a signal.
    Failed,
}

/// A program that did not run to success.
#[derive(Debug, thiserror::Error)]
#[error("{tool}: {message}")]
pub struct ProcessError {
    /// The program's name in messages (`trivy`, `syft`).
    pub tool: String,
    /// Why it failed.
    pub kind: ProcessErrorKind,
    /// The command line, how it ended and its stderr's tail.
    pub message: String,
}

impl ProcessError {
    /// A failure of `kind` running `tool`.
    pub fn new(
        kind: ProcessErrorKind,
        tool: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        ProcessError {
            tool: tool.into(),
            kind,
            message: message.into(),
        }
    }

    /// The same failure with `prefix` before its message (which platform,
    /// which image), so a failure in a fan-out says which branch failed.
    pub fn prefixed(self, prefix: &str) -> Self {
        ProcessError {
            message: format!("{prefix}{}", self.message),
            ..self
        }
    }
}
