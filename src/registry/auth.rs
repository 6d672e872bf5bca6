//! Registry credentials, found the way docker finds them: explicit
//! `username_env`/`password_env` from vimes.yaml first, then `REGISTRY_AUTH_FILE`,
//! then `$DOCKER_CONFIG/config.json` or `~/.docker/config.json` (`credHelpers`,
//! `credsStore`, `auths`). Secrets never reach a command line or a log.

use crate::config::RegistryConfig;
use crate::error::{ConfigError, Error, Location, Result};
use crate::process::Invocation;
use base64::Engine;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Credentials for one registry host. `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    /// No credentials: anonymous access.
    Anonymous,
    /// User name and password (or token) for Basic auth and the token flow.
    Basic {
        /// User name.
        username: String,
        /// Password or token.
        password: String,
    },
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::Anonymous => write!(f, "Anonymous"),
            Credentials::Basic { username, .. } => write!(f, "Basic({username}, <redacted>)"),
        }
    }
}

/// Where a credential came from, for `-v` logs and error hints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CredentialSource {
    /// No credential was found.
    None,
    /// `username_env`/`password_env` of vimes.yaml.
    Environment,
    /// A docker-style auth file (`auths`).
    AuthFile(PathBuf),
    /// A `docker-credential-<name>` helper.
    Helper(String),
}

/// The docker config.json subset vimes reads.
#[derive(Debug, Default, Deserialize)]
struct DockerConfig {
    #[serde(default)]
    auths: HashMap<String, AuthEntry>,
    #[serde(default, rename = "credHelpers")]
    cred_helpers: HashMap<String, String>,
    #[serde(default, rename = "credsStore")]
    creds_store: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct AuthEntry {
    #[serde(default)]
    auth: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<String>,
}

#[derive(Deserialize)]
struct HelperAnswer {
    #[serde(rename = "Username")]
    username: String,
    #[serde(rename = "Secret")]
    secret: String,
}

/// How long a credential helper may take before it is killed.
const HELPER_TIMEOUT: Duration = Duration::from_secs(30);

/// Finds the credentials for `host`, using `registry` settings when vimes.yaml
/// has an entry for that host.
pub async fn credentials_for(
    host: &str,
    registry: Option<&RegistryConfig>,
) -> Result<(Credentials, CredentialSource)> {
    let found = find_credentials(host, registry).await?;
    if let Credentials::Basic { username, password } = &found.0 {
        // Whatever echoes it back later (a 401 body, a debug log) is withheld.
        crate::redact::register(Some(username), password);
    }
    Ok(found)
}

async fn find_credentials(
    host: &str,
    registry: Option<&RegistryConfig>,
) -> Result<(Credentials, CredentialSource)> {
    if let Some(reg) = registry {
        if let Some(creds) = from_env_settings(host, reg)? {
            return Ok((creds, CredentialSource::Environment));
        }
    }
    for path in auth_files() {
        let Some(config) = read_auth_file(&path)? else {
            continue;
        };
        if let Some(found) = from_docker_config(host, &config, &path).await? {
            return Ok(found);
        }
    }
    Ok((Credentials::Anonymous, CredentialSource::None))
}

/// Credentials for an external program that logs in by itself (Trivy, Syft,
/// the image builder): those of [`credentials_for`], but only once the
/// registry's token realm has passed [`super::realm::probe`] (asked with
/// `ca_file` trusted). vimes cannot stop the program from following a realm
/// elsewhere, so such a realm refuses the run (exit 3) instead.
pub async fn credentials_for_tool(
    tool: &str,
    host: &str,
    registry: Option<&RegistryConfig>,
    ca_file: Option<&Path>,
) -> Result<(Credentials, CredentialSource)> {
    let found = credentials_for(host, registry).await?;
    if matches!(found.0, Credentials::Basic { .. }) {
        let ca: Vec<PathBuf> = ca_file.map(Path::to_path_buf).into_iter().collect();
        let http = super::realm::probe_client(&ca)?;
        if let Err(why) = super::realm::probe(&http, host, registry).await? {
            return Err(Error::Tool {
                tool: tool.to_string(),
                message: format!(
                    "not run: it would send the credentials for {host} to the registry's token service, and {why}"
                ),
            });
        }
    }
    Ok(found)
}

fn from_env_settings(host: &str, reg: &RegistryConfig) -> Result<Option<Credentials>> {
    let (Some(user_var), Some(pass_var)) = (&reg.username_env, &reg.password_env) else {
        return Ok(None);
    };
    let read = |var: &str| {
        std::env::var(var).map_err(|_| {
            ConfigError::new(format!(
                "registry {host}: environment variable {var} (named in vimes.yaml) is not set"
            ))
        })
    };
    Ok(Some(Credentials::Basic {
        username: read(user_var)?,
        password: read(pass_var)?,
    }))
}

/// The auth files to look in, most specific first.
fn auth_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    if let Some(path) = std::env::var_os("REGISTRY_AUTH_FILE") {
        files.push(PathBuf::from(path));
    }
    if let Some(dir) = std::env::var_os("DOCKER_CONFIG") {
        files.push(Path::new(&dir).join("config.json"));
    } else if let Some(home) = std::env::var_os("HOME") {
        files.push(Path::new(&home).join(".docker").join("config.json"));
    }
    files
}

fn read_auth_file(path: &Path) -> Result<Option<DockerConfig>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => {
            return Err(Error::File {
                path: path.to_path_buf(),
                error,
            })
        }
    };
    serde_json::from_str(&text).map(Some).map_err(|e| {
        ConfigError::at(
            Location::at(path.display(), e.line() as u64, e.column() as u64),
            format!("not a valid docker config.json: {e}"),
        )
        .into()
    })
}

async fn from_docker_config(
    host: &str,
    config: &DockerConfig,
    path: &Path,
) -> Result<Option<(Credentials, CredentialSource)>> {
    let helper = find_key(&config.cred_helpers, host).cloned();
    if let Some(name) = helper {
        return run_helper(&name, host).await;
    }
    if let Some(entry) = find_key(&config.auths, host) {
        if let Some(creds) = decode_entry(entry, path)? {
            return Ok(Some((
                creds,
                CredentialSource::AuthFile(path.to_path_buf()),
            )));
        }
    }
    if let Some(store) = &config.creds_store {
        return run_helper(store, host).await;
    }
    Ok(None)
}

/// The entry for `host`: the one spelled as `host` is, else one naming the
/// same registry in another spelling (`localhost:5000` for
/// `127.0.0.1:5000`). Spelling first, so that two entries for one registry
/// give a predictable answer.
fn find_key<'a, T>(map: &'a HashMap<String, T>, host: &str) -> Option<&'a T> {
    let keys = || map.iter().map(|(k, v)| (normalize_key(k), v));
    keys()
        .find(|(k, _)| k == host)
        .or_else(|| keys().find(|(k, _)| super::identity::same_registry(k, host)))
        .map(|(_, v)| v)
}

/// `https://index.docker.io/v1/` → `docker.io`; `http://h:5000/x` → `h:5000`.
fn normalize_key(key: &str) -> String {
    let no_scheme = key
        .strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))
        .unwrap_or(key);
    let host = no_scheme
        .split('/')
        .next()
        .unwrap_or(no_scheme)
        .to_ascii_lowercase();
    match host.as_str() {
        "index.docker.io" | "registry-1.docker.io" => super::reference::DOCKER_HUB.to_string(),
        _ => host,
    }
}

fn decode_entry(entry: &AuthEntry, path: &Path) -> Result<Option<Credentials>> {
    if let (Some(u), Some(p)) = (&entry.username, &entry.password) {
        return Ok(Some(Credentials::Basic {
            username: u.clone(),
            password: p.clone(),
        }));
    }
    let Some(auth) = entry.auth.as_deref().filter(|a| !a.is_empty()) else {
        return Ok(None);
    };
    let invalid = || {
        ConfigError::in_file(
            path.display(),
            "an `auth` entry is not base64 of user:password".to_string(),
        )
    };
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(auth.trim())
        .map_err(|_| invalid())?;
    let text = String::from_utf8(decoded).map_err(|_| invalid())?;
    let (username, password) = text.split_once(':').ok_or_else(invalid)?;
    Ok(Some(Credentials::Basic {
        username: username.to_string(),
        password: password.to_string(),
    }))
}

/// Runs `docker-credential-<name> get` as docker does: server URL on stdin,
/// JSON on stdout. "not found" is not an error: the registry is then anonymous.
async fn run_helper(name: &str, host: &str) -> Result<Option<(Credentials, CredentialSource)>> {
    let program = format!("docker-credential-{name}");
    let tool_err = |message: String| Error::Tool {
        tool: program.clone(),
        message,
    };
    // The user's own helper, with the user's environment (a keychain or
    // `pass` needs its session); the server URL on stdin, as docker sends it.
    let helper = Invocation::new(&program, &program, HELPER_TIMEOUT)
        .args(["get"])
        .stdin(host.as_bytes().to_vec())
        .inherit_environment();
    let output = helper.run().await?;
    if output.code != Some(0) {
        let said = String::from_utf8_lossy(&output.stdout).to_string() + &output.stderr;
        if said.to_ascii_lowercase().contains("credentials not found") {
            return Ok(None);
        }
        return Err(helper.failure(&output));
    }
    let answer: HelperAnswer = serde_json::from_slice(&output.stdout).map_err(|e| {
        tool_err(format!(
            "printed something that is not its JSON answer: {e}"
        ))
    })?;
    if answer.secret.is_empty() {
        return Ok(None);
    }
    Ok(Some((
        Credentials::Basic {
            username: answer.username,
            password: answer.secret,
        },
        CredentialSource::Helper(program),
    )))
}

/// Writes a docker-style `config.json` with `auths` for each `(host, user,
/// password)` into `dir` (which the caller keeps private), mode 0600.
pub fn write_auth_file(dir: &Path, entries: &[(String, String, String)]) -> Result<PathBuf> {
    use base64::Engine as _;
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut auths = serde_json::Map::new();
    for (host, user, password) in entries {
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        auths.insert(host.clone(), serde_json::json!({ "auth": token }));
    }
    let body = zeroize::Zeroizing::new(
        serde_json::to_vec(&serde_json::json!({ "auths": auths })).unwrap_or_default(),
    );
    let path = dir.join("config.json");
    let io = |error| Error::File {
        path: path.clone(),
        error,
    };
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .map_err(io)?;
    file.write_all(&body).map_err(io)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_normalise_like_docker() {
        assert_eq!(normalize_key("https://index.docker.io/v1/"), "docker.io");
        assert_eq!(normalize_key("http://127.0.0.1:5000"), "127.0.0.1:5000");
        assert_eq!(normalize_key("Harbor.example.com"), "harbor.example.com");
    }

    #[test]
    fn decodes_auth_entries() {
        let entry = AuthEntry {
            auth: Some(base64::engine::general_purpose::STANDARD.encode("alice:s3:cret")),
            ..Default::default()
        };
        let creds = decode_entry(&entry, Path::new("c.json")).unwrap().unwrap();
        assert_eq!(
            creds,
            Credentials::Basic {
                username: "alice".into(),
                password: "s3:cret".into()
            }
        );
        let bad = AuthEntry {
            auth: Some("!!!".into()),
            ..Default::default()
        };
        assert!(decode_entry(&bad, Path::new("c.json")).is_err());
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let c = Credentials::Basic {
            username: "u".into(),
            password: "hunter2".into(),
        };
        assert!(!format!("{c:?}").contains("hunter2"));
    }
}
