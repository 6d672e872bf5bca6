//! vimes.yaml: discovery, `${VAR}` interpolation, parsing with
//! `file:line:column` errors, cross-checks, schema, redacted view and the
//! template `vimes init` writes. This layer never prints.

mod interpolate;
mod inventory;
mod load;
pub(crate) mod lookup;
mod model;
mod parse;
pub mod pkcs11_uri;
mod redact;
mod schema;
mod shapes;
mod template;
pub(crate) mod tree;
mod validate;

#[cfg(test)]
mod parse_tests;
#[cfg(test)]
mod schema_tests;

pub use inventory::{is_postgres_url, parse_inventory, InventoryTarget, PostgresUrl};
pub use load::load;
pub use model::*;
pub use redact::{redacted, redacted_config};
pub use schema::json_schema;
pub use shapes::{check_registry_url, check_repo_path, ShapeError};
pub use template::{render as render_template, InitAnswers};

use crate::error::Result;
use std::path::PathBuf;

/// A configuration together with the file it came from.
#[derive(Clone, Debug)]
pub struct LoadedConfig {
    /// The file read, or `None` when built-in defaults are used.
    pub path: Option<PathBuf>,
    /// The validated configuration.
    pub config: Config,
}

/// Parses and validates configuration text as `load` would a file shown as
/// `name` in errors (interpolating from the process environment).
pub fn parse_str(text: &str, name: &str) -> Result<Config> {
    load::load_str(text, name, &load::process_env)
}

/// [`parse_str`] with the environment made explicit: `lookup` answers each
/// `${VAR}` (`Ok(None)` when unset, `Err(())` when not UTF-8). Reads no file
/// and no process environment (fuzzing, property tests).
pub(crate) fn parse_str_with(
    text: &str,
    name: &str,
    lookup: &dyn Fn(&str) -> std::result::Result<Option<String>, ()>,
) -> Result<Config> {
    load::load_str(text, name, lookup)
}
