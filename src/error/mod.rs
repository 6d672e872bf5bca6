//! Typed errors of the engine. Each variant carries the kind that decides the
//! exit code; `anyhow` context is only added at the command edge.

use crate::exit::Exit;
use std::path::PathBuf;

mod config;
mod process;
mod registry;
mod verify;

pub use config::{ConfigError, Location};
pub use process::{ProcessError, ProcessErrorKind};
pub use registry::{HarborError, RegistryError, RegistryErrorKind};
pub use verify::{BundleError, VerifyError};

/// What went wrong, classified the way the exit codes are. The engine
/// modules' own errors are lifted in with `#[from]`, so `?` carries them up
/// with their kind intact.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A policy refused (exit 1).
    #[error("{0}")]
    Policy(String),

    /// A signature or attestation was refused (exit 1, a policy answer).
    #[error(transparent)]
    Verification(#[from] VerifyError),

    /// Bad command-line usage (exit 2).
    #[error("{0}")]
    Usage(String),

    /// The configuration is invalid (exit 2).
    #[error(transparent)]
    Config(#[from] ConfigError),

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

    /// An external program could not be run to success (exit 3).
    #[error(transparent)]
    Process(#[from] ProcessError),

    /// An external program's result is unusable, or a step it serves
    /// failed (exit 3).
    #[error("{tool}: {message}")]
    Tool {
        /// The program's name.
        tool: String,
        /// What happened.
        message: String,
    },

    /// A registry, network, TLS or authentication failure, or content that
    /// did not match its digest (exit 4).
    #[error(transparent)]
    Registry(#[from] RegistryError),

    /// Harbor's API failed (exit 4).
    #[error(transparent)]
    Harbor(#[from] HarborError),

    /// A broken invariant inside vimes, not the user's doing (exit 101,
    /// with the bug-report line).
    #[error("internal error (this is a bug, please report it): {0}")]
    Internal(String),
}

impl Error {
    /// The exit status this error ends the process with. With [`exit_for`]
    /// the only mapping from errors to exit codes.
    pub fn exit(&self) -> Exit {
        match self {
            Error::Policy(_) | Error::Verification(_) => Exit::PolicyDenied,
            Error::Usage(_) | Error::Config(_) | Error::File { .. } | Error::Reference { .. } => {
                Exit::Usage
            }
            Error::Process(_) | Error::Tool { .. } => Exit::Tool,
            Error::Registry(_) | Error::Harbor(_) => Exit::Registry,
            Error::Internal(_) => Exit::Internal,
        }
    }

    /// A short machine-readable name of the error kind, used in JSON output
    /// (part of the output contract: these strings do not change).
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Policy(_) | Error::Verification(_) => "policy",
            Error::Usage(_) => "usage",
            Error::Config(_) => "config",
            Error::File { .. } => "file",
            Error::Reference { .. } => "reference",
            Error::Process(_) | Error::Tool { .. } => "tool",
            Error::Registry(e) if e.kind == RegistryErrorKind::DigestMismatch => "digest_mismatch",
            Error::Registry(_) | Error::Harbor(_) => "registry",
            Error::Internal(_) => "internal",
        }
    }

    /// A broken invariant or a failure to serialise vimes' own data.
    pub fn internal(message: impl Into<String>) -> Self {
        Error::Internal(message.into())
    }
}

/// Result type of the engine.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Maps any error that reached `main` to its exit status: the first typed
/// error in the chain decides (the crate [`Error`], or a module's error that
/// reached `anyhow` without being lifted); anything untyped is internal.
pub fn exit_for(err: &anyhow::Error) -> Exit {
    classify(err, Error::exit).unwrap_or(Exit::Internal)
}

/// The kind name for the first typed error in the chain, `internal` otherwise.
pub fn kind_for(err: &anyhow::Error) -> &'static str {
    classify(err, Error::kind).unwrap_or("internal")
}

/// `f` of the first cause that is the crate error or one it lifts. A lifted
/// error is classified through a stand-in of its variant, so [`Error::exit`]
/// and [`Error::kind`] stay the only mapping.
fn classify<T>(err: &anyhow::Error, f: fn(&Error) -> T) -> Option<T> {
    err.chain().find_map(|cause| {
        if let Some(e) = cause.downcast_ref::<Error>() {
            return Some(f(e));
        }
        let stand_in: Error = if let Some(e) = cause.downcast_ref::<RegistryError>() {
            RegistryError::new(e.kind, "", "").into()
        } else if let Some(e) = cause.downcast_ref::<HarborError>() {
            HarborError::new(e.kind, "", "").into()
        } else if cause.is::<ConfigError>() {
            ConfigError::new("").into()
        } else if let Some(e) = cause.downcast_ref::<ProcessError>() {
            ProcessError::new(e.kind, "", "").into()
        } else if let Some(e) = cause.downcast_ref::<VerifyError>() {
            e.clone().into()
        } else {
            return None;
        };
        Some(f(&stand_in))
    })
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
        matches!(self, Error::Registry(_) | Error::Harbor(_))
    }
}

#[cfg(test)]
mod tests;
