//! Finding and reading vimes.yaml.

use super::model::Config;
use super::parse::{parse, Lookup};
use super::validate::validate;
use super::LoadedConfig;
use crate::error::{ConfigError, Error, Result};
use std::path::{Path, PathBuf};

/// File names looked for in each directory, in order of preference.
pub const FILE_NAMES: &[&str] = &["vimes.yaml", "vimes.yml"];

/// Finds and loads the configuration.
///
/// Discovery order: `explicit` (the `--config` flag), then `$VIMES_CONFIG`,
/// then `vimes.yaml`/`vimes.yml` in the working directory or the nearest
/// parent that has one. A file named by the flag or the variable must exist.
/// When nothing is found, `required` makes that an error (exit 2); otherwise
/// the built-in defaults are returned with `path: None`.
pub fn load(explicit: Option<&Path>, required: bool) -> Result<LoadedConfig> {
    let from_env = std::env::var_os("VIMES_CONFIG")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from);
    // The working directory is only needed to search; it may be gone.
    let cwd = std::env::current_dir().ok();
    load_with(
        explicit,
        from_env.as_deref(),
        cwd.as_deref(),
        required,
        &process_env,
    )
}

/// Reads a variable of the process environment for interpolation.
pub(crate) fn process_env(name: &str) -> std::result::Result<Option<String>, ()> {
    match std::env::var(name) {
        Ok(v) => Ok(Some(v)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(()),
    }
}

/// [`load`] with its inputs made explicit, for tests.
pub(crate) fn load_with(
    explicit: Option<&Path>,
    from_env: Option<&Path>,
    cwd: Option<&Path>,
    required: bool,
    lookup: Lookup<'_>,
) -> Result<LoadedConfig> {
    let named = explicit
        .map(|p| (p, "given with --config"))
        .or(from_env.map(|p| (p, "named by VIMES_CONFIG")));
    let path = match named {
        Some((path, how)) => {
            if !path.exists() {
                return Err(
                    ConfigError::in_file(path.display(), format!("no such file ({how})")).into(),
                );
            }
            path.to_path_buf()
        }
        None => match cwd.and_then(find_upwards) {
            Some(found) => found,
            None if required => {
                let place = cwd
                    .map(|d| format!(" in {} or any parent directory", d.display()))
                    .unwrap_or_default();
                return Err(ConfigError::new(format!(
                    "no vimes.yaml found{place}; run `vimes init` to write one, or pass \
                         --config FILE"
                ))
                .into());
            }
            None => {
                return Ok(LoadedConfig {
                    path: None,
                    config: Config {
                        version: 1,
                        ..Default::default()
                    },
                })
            }
        },
    };
    let name = display_name(&path, cwd);
    let bytes = crate::regular_file::read(&path).map_err(|error| Error::File {
        path: path.clone(),
        error,
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        ConfigError::in_file(
            &name,
            format!(
                "not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        )
    })?;
    let config = load_str(&text, &name, lookup)?;
    Ok(LoadedConfig {
        path: Some(path),
        config,
    })
}

/// Parses and validates the text of a configuration shown as `name` in errors.
pub(crate) fn load_str(text: &str, name: &str, lookup: Lookup<'_>) -> Result<Config> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (config, source) = parse(text, name, lookup)?;
    validate(&config, &source)?;
    Ok(config)
}

/// The nearest `vimes.yaml` (or `vimes.yml`) in `start` or its ancestors.
pub(crate) fn find_upwards(start: &Path) -> Option<PathBuf> {
    start.ancestors().find_map(|dir| {
        FILE_NAMES
            .iter()
            .map(|name| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

/// How a file is named in messages: relative to the working directory when
/// it is inside it (the usual `vimes.yaml:3:5:`), else as given.
fn display_name(path: &Path, cwd: Option<&Path>) -> String {
    cwd.and_then(|cwd| path.strip_prefix(cwd).ok())
        .filter(|rel| !rel.as_os_str().is_empty())
        .unwrap_or(path)
        .display()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn no_env(_: &str) -> std::result::Result<Option<String>, ()> {
        Ok(None)
    }

    const GOOD: &str = "version: 1\nregistries:\n  staging: {url: localhost:5000}\n";

    #[test]
    fn walks_up_to_the_nearest_file() {
        let root = tempfile::tempdir().unwrap();
        let deep = root.path().join("a/b/c");
        fs::create_dir_all(&deep).unwrap();
        fs::write(root.path().join("vimes.yaml"), GOOD).unwrap();
        fs::write(root.path().join("a/vimes.yml"), GOOD).unwrap();
        assert_eq!(find_upwards(&deep), Some(root.path().join("a/vimes.yml")));
        assert_eq!(
            find_upwards(root.path()),
            Some(root.path().join("vimes.yaml"))
        );
        let loaded = load_with(None, None, Some(&deep), true, &no_env).unwrap();
        assert_eq!(loaded.path, Some(root.path().join("a/vimes.yml")));
        assert!(loaded.config.registries.contains_key("staging"));
    }

    #[test]
    fn explicit_beats_env_beats_discovery() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.yaml");
        let b = dir.path().join("b.yaml");
        fs::write(&a, GOOD).unwrap();
        fs::write(&b, "version: 1\n").unwrap();
        fs::write(dir.path().join("vimes.yaml"), "version: 1\n").unwrap();
        let l = load_with(Some(&a), Some(&b), Some(dir.path()), true, &no_env).unwrap();
        assert_eq!(l.path.as_deref(), Some(a.as_path()));
        let l = load_with(None, Some(&b), Some(dir.path()), true, &no_env).unwrap();
        assert_eq!(l.path.as_deref(), Some(b.as_path()));
        let l = load_with(None, None, Some(dir.path()), true, &no_env).unwrap();
        assert_eq!(l.path, Some(dir.path().join("vimes.yaml")));
    }

    #[test]
    fn missing_files_and_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let nope = dir.path().join("nope.yaml");
        for required in [true, false] {
            let e = load_with(Some(&nope), None, None, required, &no_env).unwrap_err();
            assert!(
                e.to_string()
                    .ends_with("nope.yaml: no such file (given with --config)"),
                "{e}"
            );
            assert_eq!(e.exit(), crate::exit::Exit::Usage);
        }
        let e = load_with(None, Some(&nope), None, false, &no_env).unwrap_err();
        assert!(e.to_string().contains("VIMES_CONFIG"), "{e}");
        // Nothing to find (an empty temp dir has no vimes.yaml above it in
        // practice, but test the search from an empty start set instead).
        let e = load_with(None, None, None, true, &no_env).unwrap_err();
        assert!(e.to_string().contains("run `vimes init`"), "{e}");
        let l = load_with(None, None, None, false, &no_env).unwrap();
        assert_eq!(l.path, None);
        assert_eq!(l.config.version, 1);
        assert_eq!(l.config.tools.trivy.timeout_secs, 600);
    }

    #[test]
    fn errors_name_the_file_relative_to_the_working_directory() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sub");
        fs::create_dir(&sub).unwrap();
        fs::write(dir.path().join("vimes.yaml"), "version: 3\n").unwrap();
        let e = load_with(None, None, Some(dir.path()), true, &no_env).unwrap_err();
        assert_eq!(
            e.to_string(),
            "vimes.yaml:1:10: unsupported version 3; this vimes reads \"version: 1\""
        );
        let e = load_with(None, None, Some(&sub), true, &no_env).unwrap_err();
        let expected = format!("{}:1:10:", dir.path().join("vimes.yaml").display());
        assert!(e.to_string().starts_with(&expected), "{e}");
    }

    #[test]
    fn interpolates_from_the_given_environment() {
        let env = |n: &str| Ok((n == "REG").then(|| "r.example.com:5000".to_string()));
        let text =
            "version: 1\nregistries:\n  s:\n    url: ${REG}\n    project: ${PROJECT:-team}\n";
        let config = load_str(text, "vimes.yaml", &env).unwrap();
        assert_eq!(config.registries["s"].url, "r.example.com:5000");
        assert_eq!(config.registries["s"].project, "team");
        let e = load_str(
            "\u{feff}version: 1\nregistries:\n  s: {url: '${REGX}'}\n",
            "vimes.yaml",
            &env,
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("vimes.yaml:3:13: environment variable REGX is not set"),
            "{e}"
        );
    }
}
