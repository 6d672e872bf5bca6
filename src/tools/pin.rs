//! Which binary a tool is, and whether it is the one vimes.yaml pins.
//!
//! The gate trusts whatever the scanner says, so the scanner binary is part of
//! what is trusted: a compromised release channel (Trivy's, March 2026,
//! GHSA-69fq-xp46-6x23) or a swapped file on PATH must not run unnoticed.
//! Every tool vimes runs is identified by the SHA-256 of its resolved binary;
//! `tools.*.sha256` pins it and a mismatch refuses to run it.
//!
//! Hashing Trivy's 147 MB binary on every run would cost more than a cached
//! scan, so the hash is cached per file identity: device, inode, size,
//! modification time and change time. The change time cannot be set back by
//! an unprivileged user (unlike the modification time), so a file rewritten
//! in place is hashed again.

use crate::config::Config;
use crate::error::{ConfigError, Error, ProcessError, ProcessErrorKind, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use std::collections::BTreeMap;
use std::io::Read as _;
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};

/// A tool's binary as vimes found it, before running it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ToolBinary {
    /// The tool (`trivy`, `syft`, `buildah`, ...).
    pub tool: String,
    /// The resolved binary, symlinks followed: what is hashed is what runs.
    pub path: PathBuf,
    /// SHA-256 of the binary, lowercase hex.
    pub sha256: String,
    /// Whether vimes.yaml pins it (and the pin matched).
    pub pinned: bool,
    /// The file identity the hash belongs to (the version is cached under it too).
    #[serde(skip)]
    identity: FileIdentity,
}

impl ToolBinary {
    /// The tool's version, cached beside its hash under the same file
    /// identity, so that a version check does not start the tool on every
    /// run (starting Trivy costs more than a whole cached re-gate).
    pub async fn version(
        &self,
        cache_dir: &Path,
        fetch: impl AsyncFnOnce(String) -> Result<String>,
    ) -> Result<String> {
        let key = self.path.display().to_string();
        let mut cache = read_cache(cache_dir);
        if let Some(version) = cache
            .files
            .get(&key)
            .filter(|c| c.identity == self.identity && c.sha256 == self.sha256)
            .and_then(|c| c.version.clone())
        {
            return Ok(version);
        }
        let version = fetch(key.clone()).await?;
        cache.files.insert(
            key,
            CachedHash {
                identity: self.identity.clone(),
                sha256: self.sha256.clone(),
                version: Some(version.clone()),
            },
        );
        write_cache(&cache, cache_dir);
        Ok(version)
    }
}

/// What vimes.yaml says about one tool's binary.
#[derive(Clone, Copy, Debug)]
pub struct Pin<'a> {
    /// The config key that holds the pin (`tools.trivy.sha256`), for messages.
    pub key: &'a str,
    /// The pinned SHA-256, if any.
    pub sha256: Option<&'a str>,
    /// `tools.require_pinned`: an unpinned tool is refused.
    pub required: bool,
}

/// Finds `program` (a path, or a name on PATH), hashes it (cached) and checks
/// it against `pin`. Not found or a mismatch is a tool failure (exit 3); an
/// unpinned tool under `tools.require_pinned` is a configuration error (exit 2).
pub fn identify(tool: &str, program: &str, pin: Pin<'_>, cache_dir: &Path) -> Result<ToolBinary> {
    let found = crate::process::resolve_program(program).ok_or_else(|| {
        ProcessError::new(
            ProcessErrorKind::NotFound,
            tool,
            format!("{program} not found (install it, or set tools.{tool}.path in vimes.yaml)"),
        )
    })?;
    let path = std::fs::canonicalize(&found).unwrap_or(found);
    let (sha256, identity) = cached_sha256(&path, cache_dir).map_err(|error| Error::Tool {
        tool: tool.into(),
        message: format!("cannot read {} to check it: {error}", path.display()),
    })?;
    match pin.sha256 {
        Some(expected) if expected != sha256 => Err(Error::Tool {
            tool: tool.into(),
            message: format!(
                "{} pins {expected} but {} has sha256 {sha256}: refusing to run it (a changed \
                 binary is not trusted until the pin is updated on purpose)",
                pin.key,
                path.display()
            ),
        }),
        Some(_) => Ok(ToolBinary {
            tool: tool.into(),
            path,
            sha256,
            pinned: true,
            identity,
        }),
        None if pin.required => Err(ConfigError::new(format!(
            "tools.require_pinned is set but {} is not: pin {} with `{}: {sha256}` (its hash \
             now) once you trust it",
            pin.key,
            path.display(),
            pin.key
        ))
        .into()),
        None => Ok(ToolBinary {
            tool: tool.into(),
            path,
            sha256,
            pinned: false,
            identity,
        }),
    }
}

/// Trivy's binary (`tools.trivy.path`), checked against `tools.trivy.sha256`.
pub fn trivy(config: &Config) -> Result<ToolBinary> {
    let tool = &config.tools.trivy;
    identify(
        "trivy",
        &tool.path,
        Pin {
            key: "tools.trivy.sha256",
            sha256: tool.sha256.as_deref(),
            required: config.tools.require_pinned,
        },
        &crate::paths::cache_dir_or_temp(),
    )
}

/// Syft's binary (`tools.syft.path`), checked against `tools.syft.sha256`.
pub fn syft(config: &Config) -> Result<ToolBinary> {
    let tool = &config.tools.syft;
    identify(
        "syft",
        &tool.path,
        Pin {
            key: "tools.syft.sha256",
            sha256: tool.sha256.as_deref(),
            required: config.tools.require_pinned,
        },
        &crate::paths::cache_dir_or_temp(),
    )
}

/// The chosen builder's binary (`name` at `program`), checked against
/// `tools.builder_sha256`.
pub fn builder(config: &Config, name: &str, program: &Path) -> Result<ToolBinary> {
    identify(
        name,
        &program.display().to_string(),
        Pin {
            key: "tools.builder_sha256",
            sha256: config.tools.builder_sha256.as_deref(),
            required: config.tools.require_pinned,
        },
        &crate::paths::cache_dir_or_temp(),
    )
}

/// One tool as `config show` reports it: what would run, or why it would not.
#[derive(Clone, Debug, Serialize)]
pub struct ToolReport {
    /// `trivy`, `syft` or `builder`.
    pub tool: String,
    /// The binary, when it is found and its pin (if any) matches.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub binary: Option<ToolBinary>,
    /// Why it would not run (not found, pin mismatch, unpinned under
    /// `tools.require_pinned`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// Trivy, Syft and the builder as they would run now, each hashed and held
/// against its pin; nothing is run.
pub fn report(config: &Config) -> Vec<ToolReport> {
    let entry = |tool: &str, found: Result<ToolBinary>| match found {
        Ok(binary) => ToolReport {
            tool: tool.into(),
            binary: Some(binary),
            problem: None,
        },
        Err(e) => ToolReport {
            tool: tool.into(),
            binary: None,
            problem: Some(e.to_string()),
        },
    };
    let builder = super::builder::select(config.tools.builder)
        .and_then(|b| self::builder(config, b.kind.name(), &b.program));
    vec![
        entry("trivy", trivy(config)),
        entry("syft", syft(config)),
        entry("builder", builder),
    ]
}

/// The identity of a file that a hash is cached under.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct FileIdentity {
    dev: u64,
    ino: u64,
    size: u64,
    mtime_ns: i128,
    ctime_ns: i128,
}

impl FileIdentity {
    fn of(meta: &std::fs::Metadata) -> FileIdentity {
        let ns = |secs: i64, nanos: i64| i128::from(secs) * 1_000_000_000 + i128::from(nanos);
        FileIdentity {
            dev: meta.dev(),
            ino: meta.ino(),
            size: meta.size(),
            mtime_ns: ns(meta.mtime(), meta.mtime_nsec()),
            ctime_ns: ns(meta.ctime(), meta.ctime_nsec()),
        }
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct HashCache {
    #[serde(default)]
    files: BTreeMap<String, CachedHash>,
}

#[derive(Debug, Serialize, Deserialize)]
struct CachedHash {
    identity: FileIdentity,
    sha256: String,
    #[serde(default)]
    version: Option<String>,
}

const CACHE_FILE: &str = "tool-hashes.json";

/// The SHA-256 of `path`, from the cache when the file's identity is
/// unchanged. The cache is only a shortcut: unreadable, or written by another
/// version, it is ignored and rewritten.
fn cached_sha256(path: &Path, cache_dir: &Path) -> std::io::Result<(String, FileIdentity)> {
    let before = FileIdentity::of(&std::fs::metadata(path)?);
    let mut cache = read_cache(cache_dir);
    let key = path.display().to_string();
    if let Some(hit) = cache.files.get(&key).filter(|c| c.identity == before) {
        return Ok((hit.sha256.clone(), before));
    }
    let sha256 = sha256_file(path)?;
    // Changed while being read: report the hash, but cache nothing.
    if FileIdentity::of(&std::fs::metadata(path)?) == before {
        cache.files.insert(
            key,
            CachedHash {
                identity: before.clone(),
                sha256: sha256.clone(),
                version: None,
            },
        );
        write_cache(&cache, cache_dir);
    }
    Ok((sha256, before))
}

fn read_cache(cache_dir: &Path) -> HashCache {
    std::fs::read(cache_dir.join(CACHE_FILE))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

/// Writes the cache through a temporary file and a rename, so concurrent
/// runs never read half a file. Failing to cache only costs time.
fn write_cache(cache: &HashCache, cache_dir: &Path) {
    let Ok(bytes) = serde_json::to_vec_pretty(cache) else {
        return;
    };
    if std::fs::create_dir_all(cache_dir).is_err() {
        return;
    }
    if let Ok(mut tmp) = tempfile::NamedTempFile::new_in(cache_dir) {
        use std::io::Write as _;
        if tmp.write_all(&bytes).is_ok() {
            let _ = tmp.persist(cache_dir.join(CACHE_FILE));
        }
    }
}

/// SHA-256 of a file's bytes, lowercase hex.
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

#[cfg(test)]
#[path = "pin_tests.rs"]
mod tests;
