//! vimes.yaml: discovery, interpolation, validation, schema.

mod model;

pub use model::*;

use crate::error::Result;
use std::path::{Path, PathBuf};

/// A configuration together with the file it came from.
#[derive(Clone, Debug)]
pub struct LoadedConfig {
    /// The file read, or `None` when built-in defaults are used.
    pub path: Option<PathBuf>,
    /// The validated configuration.
    pub config: Config,
}

/// Finds and loads vimes.yaml (STUB: replaced by the real loader).
pub fn load(explicit: Option<&Path>, required: bool) -> Result<LoadedConfig> {
    let _ = (explicit, required);
    Ok(LoadedConfig {
        path: None,
        config: Config {
            version: 1,
            ..Default::default()
        },
    })
}
