//! Syft: a typed invocation (`syft scan registry:HOST/REPO@DIGEST -o
//! FORMAT=FILE`, never a tag, never a Docker daemon; credentials for that one
//! registry in the child's environment only) and a typed check of what it
//! wrote: the file must be a valid SBOM of the requested format.

use crate::config::SbomFormat;
use crate::error::{Error, Result};
use crate::process::{absolute, Finished, Invocation, PrivateDir};
use crate::sbom::document::{self, ReadError};
use crate::sbom::inventory::format_name;
use crate::sbom::Sbom;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How to run one scan.
#[derive(Clone, Debug)]
pub struct ScanRequest {
    /// Syft program (path or name on PATH).
    pub program: String,
    /// `host/repo@sha256:...`: always a digest.
    pub image: String,
    /// The SBOM format to write.
    pub format: SbomFormat,
    /// Where Syft writes the SBOM.
    pub output: PathBuf,
    /// The registry host, named as the authority of the credentials.
    pub registry: String,
    /// Credentials for that registry only (user name, password or token).
    pub credentials: Option<(String, String)>,
    /// The registry is plain HTTP.
    pub insecure: bool,
    /// Extra CA to trust for the registry.
    pub ca_file: Option<PathBuf>,
    /// Killed after this long.
    pub timeout: Duration,
    /// The name the SBOM gives its subject (`--source-name`) when it is not
    /// the repository read: promotion reads the source and names production.
    pub source_name: Option<String>,
}

/// What a scan produced.
#[derive(Clone, Debug)]
pub struct ScanOutput {
    /// The SBOM as read back from the file Syft wrote.
    pub sbom: Sbom,
    /// How long Syft ran.
    pub elapsed: Duration,
}

/// Syft's version from `syft version -o json`.
pub async fn version(program: &str, timeout: Duration) -> Result<String> {
    let done = Invocation::new("syft", program, timeout)
        .args(["version", "-o", "json"])
        .env("SYFT_CHECK_FOR_APP_UPDATE", "false")
        .run()
        .await?;
    if done.code != Some(0) {
        return Err(failed("syft version", &done));
    }
    parse_version(&done.stdout)
}

/// Reads the `version` field of `syft version -o json`.
pub fn parse_version(stdout: &[u8]) -> Result<String> {
    #[derive(Deserialize)]
    struct V {
        application: Option<String>,
        version: String,
    }
    let v: V = serde_json::from_slice(stdout).map_err(|e| Error::Tool {
        tool: "syft".into(),
        message: format!("`syft version -o json` printed something unexpected: {e}"),
    })?;
    if v.application.as_deref().is_some_and(|a| a != "syft") || v.version.trim().is_empty() {
        return Err(Error::Tool {
            tool: "syft".into(),
            message: "`syft version -o json` does not describe syft".into(),
        });
    }
    Ok(v.version)
}

/// Runs the scan and checks that the file written is a valid SBOM of the
/// requested format.
pub async fn scan(request: &ScanRequest) -> Result<ScanOutput> {
    let format = format_name(request.format);
    // Syft runs in a private empty directory (no `.syft.yaml` of the project,
    // none of the user's) with an empty config file named explicitly, so only
    // these arguments decide which catalogers run and what the SBOM holds.
    let dir = PrivateDir::new("syft")?;
    let config = dir.empty_file("syft.yaml")?;
    // The output path may be relative to vimes' working directory.
    let output = absolute(&request.output);
    let mut invocation = Invocation::new("syft", &request.program, request.timeout)
        .in_private_dir(&dir)
        .args([
            "scan".to_string(),
            format!("registry:{}", request.image),
            "--config".to_string(),
            config.display().to_string(),
            "-o".to_string(),
            format!("{format}={}", output.display()),
        ])
        .env("SYFT_CHECK_FOR_APP_UPDATE", "false");
    if let Some(name) = &request.source_name {
        invocation = invocation.args(["--source-name", name.as_str()]);
    }
    // The environment is built from nothing (the runner): credentials
    // exported for some other run never reach this one.
    if let Some((username, password)) = &request.credentials {
        invocation = invocation
            .env("SYFT_REGISTRY_AUTH_AUTHORITY", request.registry.clone())
            .env("SYFT_REGISTRY_AUTH_USERNAME", username.clone())
            .env("SYFT_REGISTRY_AUTH_PASSWORD", password.clone());
    }
    if request.insecure {
        invocation = invocation.env("SYFT_REGISTRY_INSECURE_USE_HTTP", "true");
    }
    if let Some(ca) = &request.ca_file {
        invocation = invocation.env("SYFT_REGISTRY_CA_CERT", absolute(ca).display().to_string());
    }
    let done = invocation.run().await?;
    if done.code != Some(0) {
        return Err(failed("syft scan", &done));
    }
    let sbom = read_output(&request.output, request.format)?;
    Ok(ScanOutput {
        sbom,
        elapsed: done.elapsed,
    })
}

/// Reads back the SBOM Syft wrote; anything but a valid document of the
/// requested format is Syft's failure (exit 3).
pub fn read_output(path: &Path, format: SbomFormat) -> Result<Sbom> {
    let tool_error = |message: String| Error::Tool {
        tool: "syft".into(),
        message,
    };
    let sbom = document::parse_file(path).map_err(|e| match e {
        ReadError::Io(e) => tool_error(format!(
            "exited 0 but its SBOM {} cannot be read: {e}",
            path.display()
        )),
        ReadError::Invalid(why) => tool_error(format!("wrote an SBOM vimes cannot read: {why}")),
    })?;
    if sbom.format != format {
        return Err(tool_error(format!(
            "was asked for {} but wrote {}",
            format_name(format),
            format_name(sbom.format)
        )));
    }
    Ok(sbom)
}

/// A non-zero exit (or a signal) as a tool error with the tail of stderr,
/// terminal colour codes removed.
fn failed(what: &str, done: &Finished) -> Error {
    let status = done.ended();
    let tail = strip_ansi(&done.stderr_tail(5));
    Error::Tool {
        tool: "syft".into(),
        message: if tail.is_empty() {
            format!("`{what}` {status}")
        } else {
            format!("`{what}` {status}: {tail}")
        },
    }
}

fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            // Parameters and intermediates up to the final byte (@ to ~).
            for c in chars.by_ref() {
                if ('@'..='~').contains(&c) {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/sbom")
            .join(name)
    }

    #[test]
    fn version_of_syft_1_18_1() {
        let out = std::fs::read(fixture("syft-1.18.1-version.json")).unwrap();
        assert_eq!(parse_version(&out).unwrap(), "1.18.1");
        for bad in [
            &b"Application: syft"[..],
            b"{}",
            b"{\"application\":\"grype\",\"version\":\"1\"}",
        ] {
            assert_eq!(
                parse_version(bad).unwrap_err().exit(),
                crate::exit::Exit::Tool
            );
        }
    }

    #[test]
    fn output_must_be_the_requested_format() {
        let cdx = fixture("syft-1.18.1-debian.cdx.json");
        assert_eq!(
            read_output(&cdx, SbomFormat::CyclonedxJson)
                .unwrap()
                .packages
                .len(),
            9
        );
        let err = read_output(&cdx, SbomFormat::SpdxJson).unwrap_err();
        assert_eq!(err.exit(), crate::exit::Exit::Tool);
        assert!(err.to_string().contains("asked for spdx-json"), "{err}");
        let garbage = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(garbage.path(), "Segmentation fault").unwrap();
        let err = read_output(garbage.path(), SbomFormat::SpdxJson).unwrap_err();
        assert_eq!(err.exit(), crate::exit::Exit::Tool);
        assert!(err.to_string().contains("not JSON"), "{err}");
    }

    #[test]
    fn syft_errors_lose_their_colours() {
        // As Syft 1.18.1 prints a missing image.
        let line = "[0000] ERROR \u{1b}[31mcould not determine source: MANIFEST_UNKNOWN\u{1b}[0m";
        assert_eq!(
            strip_ansi(line),
            "[0000] ERROR could not determine source: MANIFEST_UNKNOWN"
        );
    }
}
