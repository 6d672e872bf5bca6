//! Invalid configuration (exit 2): vimes.yaml, the exceptions file, docker's
//! auth file, CA bundles, and the environment variables they name.

use std::fmt;

/// Where in a file a configuration error is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The file, as shown to the user.
    pub file: String,
    /// `(line, column)`, 1-based, when known.
    pub position: Option<(u64, u64)>,
}

impl Location {
    /// The whole file.
    pub fn file(file: impl fmt::Display) -> Self {
        Location {
            file: file.to_string(),
            position: None,
        }
    }

    /// One position in the file.
    pub fn at(file: impl fmt::Display, line: u64, column: u64) -> Self {
        Location {
            file: file.to_string(),
            position: Some((line, column)),
        }
    }
}

/// `file:line:column`, the form editors jump to.
impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        match self.position {
            Some((line, column)) => write!(f, ":{line}:{column}"),
            None => Ok(()),
        }
    }
}

/// A configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{}{message}", location.as_ref().map(|l| format!("{l}: ")).unwrap_or_default())]
pub struct ConfigError {
    /// Where it is, when it is in a file.
    pub location: Option<Location>,
    /// What is wrong and, where possible, how to fix it.
    pub message: String,
}

impl ConfigError {
    /// An error not tied to a place in a file.
    pub fn new(message: impl Into<String>) -> Self {
        ConfigError {
            location: None,
            message: message.into(),
        }
    }

    /// An error at `location`.
    pub fn at(location: Location, message: impl Into<String>) -> Self {
        ConfigError {
            location: Some(location),
            message: message.into(),
        }
    }

    /// An error about the whole of `file`.
    pub fn in_file(file: impl fmt::Display, message: impl Into<String>) -> Self {
        Self::at(Location::file(file), message)
    }
}
