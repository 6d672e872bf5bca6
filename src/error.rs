//! Typed errors of the engine. Each variant carries the kind that decides the
//! exit code; `anyhow` context is only added at the command edge.

use crate::exit::Exit;
use std::path::PathBuf;

/// What went wrong, classified the way the exit codes are.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A policy refused (exit 1).
    #[error("{0}")]
    Policy(String),

    /// Bad command-line usage (exit 2).
    #[error("{0}")]
    Usage(String),

    /// The configuration file is invalid (exit 2). `location` is `file:line:column` when known.
    #[error("{}{message}", location.as_ref().map(|l| format!("{l}: ")).unwrap_or_default())]
    Config {
        /// `file:line:column` (or just the file) the error points at.
        location: Option<String>,
        /// What is wrong and, where possible, how to fix it.
        message: String,
    },

    /// A file vimes had to read or write could not be (exit 2).
    #[error("{}: {error}", path.display())]
    File {
        /// The file in question.
        path: PathBuf,
        /// The underlying I/O error (shown in the message, so not a `source`).
        error: std::io::Error,
    },

    /// An image reference could not be parsed (exit 2).
    #[error("invalid image reference {reference:?}: {reason}")]
    Reference {
        /// The reference as the user wrote it.
        reference: String,
        /// Why it is not valid.
        reason: String,
    },

    /// An external program failed (exit 3).
    #[error("{tool}: {message}")]
    Tool {
        /// The program's name.
        tool: String,
        /// What happened.
        message: String,
    },

    /// A registry, network, TLS or authentication failure (exit 4).
    #[error("{registry}: {message}")]
    Registry {
        /// The registry host the failure concerns.
        registry: String,
        /// What happened (never contains a credential).
        message: String,
    },

    /// Content from a registry did not match its digest (exit 4): nothing was written.
    #[error("{registry}: digest mismatch for {what}: expected {expected}, got {actual}")]
    DigestMismatch {
        /// The registry that served the bytes.
        registry: String,
        /// What was being fetched (blob, manifest, with its reference).
        what: String,
        /// The digest that was asked for.
        expected: String,
        /// The digest of the bytes that arrived.
        actual: String,
    },

    /// A broken invariant inside vimes, not the user's doing (exit 101,
    /// with the bug-report line).
    #[error("internal error (this is a bug, please report it): {0}")]
    Internal(String),
}

impl Error {
    /// The exit status this error ends the process with.
    pub fn exit(&self) -> Exit {
        match self {
            Error::Policy(_) => Exit::PolicyDenied,
            Error::Usage(_)
            | Error::Config { .. }
            | Error::File { .. }
            | Error::Reference { .. } => Exit::Usage,
            Error::Tool { .. } => Exit::Tool,
            Error::Registry { .. } | Error::DigestMismatch { .. } => Exit::Registry,
            Error::Internal(_) => Exit::Internal,
        }
    }

    /// A short machine-readable name of the error kind, used in JSON output.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Policy(_) => "policy",
            Error::Usage(_) => "usage",
            Error::Config { .. } => "config",
            Error::File { .. } => "file",
            Error::Reference { .. } => "reference",
            Error::Tool { .. } => "tool",
            Error::Registry { .. } => "registry",
            Error::DigestMismatch { .. } => "digest_mismatch",
            Error::Internal(_) => "internal",
        }
    }
}

/// Result type of the engine.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Maps any error that reached `main` to its exit status: the first typed
/// [`Error`] in the chain decides; anything untyped is a usage error only if
/// clap produced it, otherwise it is treated as internal.
pub fn exit_for(err: &anyhow::Error) -> Exit {
    for cause in err.chain() {
        if let Some(e) = cause.downcast_ref::<Error>() {
            return e.exit();
        }
    }
    Exit::Internal
}

/// The kind name for the first typed error in the chain, `internal` otherwise.
pub fn kind_for(err: &anyhow::Error) -> &'static str {
    err.chain()
        .find_map(|c| c.downcast_ref::<Error>())
        .map(Error::kind)
        .unwrap_or("internal")
}

/// An error and its causes on one line, each cause once (libraries often
/// repeat their source in their own message).
pub fn chain_text(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        let s_text = s.to_string();
        if !text.contains(&s_text) {
            text.push_str(": ");
            text.push_str(&s_text);
        }
        source = s.source();
    }
    text
}

impl Error {
    /// The registry failed to deliver (or delivered altered) content: a
    /// signature that could not be read this way is "unknown", not "unsigned".
    pub fn is_registry_failure(&self) -> bool {
        matches!(self, Error::Registry { .. } | Error::DigestMismatch { .. })
    }
}
