//! `trivy sbom`: re-judging an image from its stored CycloneDX SBOM, with no
//! layer pulled.
//!
//! Trivy matches an OS package against its distribution's advisories by the
//! *source* package (`openssl` for `libssl3`) and the source version. Its own
//! SBOMs carry both as `aquasecurity:trivy:Src*` properties; Syft's carry the
//! source name (`syft:metadata:source`, the purl's `upstream`) and the source
//! version only when it differs (`syft:metadata:sourceVersion`). Handed a
//! Syft SBOM as it is, Trivy 0.59 finds no OS vulnerability at all and says
//! only "third-party SBOM may lead to inaccurate detection": a rescan would
//! report every image clean. So the document is first given the properties
//! Trivy reads ([`for_trivy`]), and the report is then checked to cover every
//! OS package the SBOM lists ([`check_coverage`]).

use super::{failed, parse_report, report_options, Report};
use crate::error::{Error, Result};
use crate::process::{absolute, Invocation};
use crate::sbom::purl::{facts, Purl};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

const SRC_NAME: &str = "aquasecurity:trivy:SrcName";
const SRC_VERSION: &str = "aquasecurity:trivy:SrcVersion";
const SRC_RELEASE: &str = "aquasecurity:trivy:SrcRelease";
const SRC_EPOCH: &str = "aquasecurity:trivy:SrcEpoch";

/// Package URL types of operating-system packages, which Trivy judges by
/// their source package.
const OS_PURL_TYPES: [&str; 3] = ["deb", "rpm", "apk"];

/// An SBOM made ready for `trivy sbom`.
#[derive(Clone, Debug)]
pub struct TrivySbom {
    /// The document to hand to Trivy.
    pub bytes: Vec<u8>,
    /// The distinct purls (qualifiers dropped) of its OS packages: Trivy's
    /// report must list a package for each.
    pub os_packages: BTreeSet<String>,
}

fn bad(message: String) -> Error {
    Error::Tool {
        tool: "trivy".into(),
        message,
    }
}

/// `document` (a CycloneDX JSON SBOM) with Trivy's source-package properties
/// added to each OS package that lacks them, from Syft's metadata or the
/// purl. SPDX and other documents are refused: vimes cannot make Trivy read
/// their OS packages reliably.
pub fn for_trivy(document: &Value) -> Result<TrivySbom> {
    if document.get("bomFormat").and_then(Value::as_str) != Some("CycloneDX") {
        return Err(bad(
            "only a CycloneDX SBOM can be rescanned (set sbom.format: cyclonedx-json and attach a new SBOM)".into(),
        ));
    }
    let mut document = document.clone();
    let mut os_packages = BTreeSet::new();
    if let Some(components) = document.get_mut("components").and_then(Value::as_array_mut) {
        for component in components {
            if let Some(purl) = os_purl(component) {
                os_packages.insert(purl);
                add_source_properties(component);
            }
        }
    }
    let bytes = serde_json::to_vec(&document)
        .map_err(|e| bad(format!("cannot write the SBOM for Trivy: {e}")))?;
    Ok(TrivySbom { bytes, os_packages })
}

/// The component's purl in the form both sides are compared in, when it is
/// an OS package.
fn os_purl(component: &Value) -> Option<String> {
    let purl = Purl::parse(component.get("purl")?.as_str()?).ok()?;
    OS_PURL_TYPES
        .contains(&purl.kind.as_str())
        .then(|| comparable(&purl))
}

/// `pkg:type/namespace/name@[epoch:]version` (the project's PURL parser
/// decodes and normalises it), qualifiers dropped except the epoch, which
/// Trivy writes as `?epoch=N` and Syft inside the version.
fn comparable_purl(text: &str) -> String {
    Purl::parse(text).map_or_else(|_| text.to_string(), |purl| comparable(&purl))
}

fn comparable(purl: &Purl) -> String {
    let version = purl.version.as_deref().unwrap_or_default();
    match purl.qualifier("epoch") {
        Some(epoch) if !version.contains(':') && epoch != "0" => {
            format!("pkg:{}@{epoch}:{version}", purl.key())
        }
        _ => format!("pkg:{}@{version}", purl.key()),
    }
}

fn property<'a>(component: &'a Value, name: &str) -> Option<&'a str> {
    component
        .get("properties")?
        .as_array()?
        .iter()
        .find(|p| p.get("name").and_then(Value::as_str) == Some(name))?
        .get("value")?
        .as_str()
}

/// Splits a Debian/RPM version `[epoch:]version[-release]` the way Trivy
/// stores it: epoch apart; for RPM the release apart too.
fn split_epoch(version: &str) -> (Option<&str>, &str) {
    match version.split_once(':') {
        Some((epoch, rest)) if !epoch.is_empty() && epoch.bytes().all(|b| b.is_ascii_digit()) => {
            (Some(epoch), rest)
        }
        _ => (None, version),
    }
}

fn add_source_properties(component: &mut Value) {
    if property(component, SRC_NAME).is_some() && property(component, SRC_VERSION).is_some() {
        return;
    }
    let purl = component
        .get("purl")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let name = component
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let version = component
        .get("version")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    // The purl's `upstream` may carry the source version (`tiff@4.5.0-6`).
    let upstream = facts(&purl).and_then(|f| f.upstream);
    let source = property(component, "syft:metadata:source")
        .map(str::to_string)
        .or_else(|| upstream.as_ref().map(|(name, _)| name.clone()))
        .filter(|s| !s.is_empty())
        // dpkg's `Source:` may carry the version: `glibc (2.36-9)`.
        .map(|s| s.split_whitespace().next().unwrap_or_default().to_string())
        .unwrap_or_else(|| name.clone());
    let source_version = property(component, "syft:metadata:sourceVersion")
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .or_else(|| upstream.and_then(|(_, version)| version))
        .unwrap_or_else(|| version.clone());
    let (epoch, rest) = split_epoch(&source_version);
    let is_rpm = purl.starts_with("pkg:rpm/");
    let (src_version, src_release) = match (is_rpm, rest.rsplit_once('-')) {
        (true, Some((v, r))) => (v.to_string(), Some(r.to_string())),
        _ => (rest.to_string(), None),
    };
    let mut added = vec![
        json!({"name": SRC_NAME, "value": source}),
        json!({"name": SRC_VERSION, "value": src_version}),
    ];
    if let Some(release) = src_release {
        added.push(json!({"name": SRC_RELEASE, "value": release}));
    }
    if let Some(epoch) = epoch {
        added.push(json!({"name": SRC_EPOCH, "value": epoch}));
    }
    let Some(object) = component.as_object_mut() else {
        return;
    };
    let properties = object
        .entry("properties")
        .or_insert_with(|| Value::Array(Vec::new()));
    match properties.as_array_mut() {
        Some(list) => {
            list.retain(|p| {
                !matches!(
                    p.get("name").and_then(Value::as_str),
                    Some(SRC_NAME | SRC_VERSION | SRC_RELEASE | SRC_EPOCH)
                )
            });
            list.extend(added);
        }
        None => *properties = Value::Array(added),
    }
}

/// Refuses a report that does not list every OS package of the SBOM: a
/// package Trivy skipped is a package nobody judged.
pub fn check_coverage(report: &Report, sbom: &TrivySbom) -> Result<()> {
    if sbom.os_packages.is_empty() {
        return Ok(());
    }
    let listed: BTreeSet<String> = report
        .results
        .iter()
        .filter(|r| r.class == "os-pkgs")
        .flat_map(|r| &r.packages)
        .filter_map(|p| p.identifier.as_ref())
        .map(|i| comparable_purl(&i.purl))
        .collect();
    let missed: Vec<&String> = sbom
        .os_packages
        .iter()
        .filter(|p| !listed.contains(*p))
        .collect();
    if missed.is_empty() {
        return Ok(());
    }
    let shown: Vec<&str> = missed.iter().take(3).map(|p| p.as_str()).collect();
    Err(bad(format!(
        "its report leaves out {} of the SBOM's {} OS packages ({}{}): refusing to call them clean",
        missed.len(),
        sbom.os_packages.len(),
        shown.join(", "),
        if missed.len() > shown.len() {
            ", ..."
        } else {
            ""
        }
    )))
}

/// How to run one `trivy sbom`.
#[derive(Clone, Debug)]
pub struct SbomScanRequest {
    /// Trivy program (path or name on PATH).
    pub program: String,
    /// The SBOM file (written by the caller from [`TrivySbom::bytes`]).
    pub sbom_file: PathBuf,
    /// What the report is about (`host/repo@sha256:…`): it replaces the file
    /// name Trivy puts in `ArtifactName`.
    pub subject: String,
    /// A cache dir owned by this process only, holding the DB.
    pub cache_dir: PathBuf,
    /// Client/server mode: server URL and token.
    pub server: Option<(String, Option<String>)>,
    /// No network requests to identify dependencies.
    pub offline: bool,
    /// Killed after this long.
    pub timeout: Duration,
}

/// The arguments of `trivy sbom` that decide what the report holds: those of
/// an image scan, less `--image-src`, plus every package listed (for
/// [`check_coverage`]).
pub fn sbom_report_options(offline: bool, server: Option<&str>) -> Vec<String> {
    let mut args = report_options(offline, server);
    if let Some(at) = args.iter().position(|a| a == "--image-src") {
        args.drain(at..(at + 2).min(args.len()));
    }
    args.push("--list-all-pkgs".into());
    args
}

/// Runs `trivy sbom` (never updating the DB: the caller did, under a lock)
/// and parses the report, named after `request.subject`.
pub async fn scan_sbom(request: &SbomScanRequest) -> Result<Report> {
    let mut invocation = Invocation::new("trivy", &request.program, request.timeout)
        .args(["sbom", "--quiet", "--cache-dir"])
        .args([absolute(&request.cache_dir).display().to_string()])
        .args(sbom_report_options(
            request.offline,
            request.server.as_ref().map(|(url, _)| url.as_str()),
        ))
        .args(["--skip-db-update", "--skip-java-db-update"]);
    if let Some((_, Some(token))) = &request.server {
        invocation = invocation.env("TRIVY_TOKEN", token.clone());
    }
    invocation = invocation
        .env("TRIVY_NO_PROGRESS", "true")
        .env("TRIVY_DISABLE_VEX_NOTICE", "true")
        .args([absolute(&request.sbom_file).display().to_string()]);
    let done = invocation.run().await?;
    if done.code != Some(0) {
        return Err(failed(
            &format!("scanning the SBOM of {}", request.subject),
            &done,
        ));
    }
    let mut report = parse_report(&done.stdout)?;
    if !report.has_results_key {
        if let Some(line) = done
            .stderr
            .lines()
            .rev()
            .find(|l| l.contains("FATAL") || l.contains("ERROR"))
        {
            return Err(bad(format!(
                "its report has no Results and it printed: {}",
                line.trim()
            )));
        }
    }
    report.artifact_name = request.subject.clone();
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syft_fixture() -> Value {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/sbom/syft-1.18.1-debian.cdx.json"
        );
        let text = std::fs::read_to_string(path).unwrap();
        serde_json::from_str(&text).unwrap()
    }

    fn component<'a>(doc: &'a Value, name: &str) -> &'a Value {
        doc["components"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap()
    }

    #[test]
    fn syft_debian_packages_get_trivys_source_properties() {
        let prepared = for_trivy(&syft_fixture()).unwrap();
        let doc: Value = serde_json::from_slice(&prepared.bytes).unwrap();
        assert_eq!(prepared.os_packages.len(), 4, "{:?}", prepared.os_packages);
        // Source version differs from the binary's: Syft's sourceVersion wins.
        let tiff = component(&doc, "libtiff6");
        assert_eq!(property(tiff, SRC_NAME), Some("tiff"));
        assert_eq!(property(tiff, SRC_VERSION), Some("4.5.0-6"));
        // Language packages are left alone.
        let pypi = doc["components"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| {
                c["purl"]
                    .as_str()
                    .is_some_and(|p| p.starts_with("pkg:pypi/"))
            })
            .unwrap();
        assert_eq!(property(pypi, SRC_NAME), None);
    }

    #[test]
    fn an_epoch_is_split_off_and_upstream_names_the_source() {
        let mut doc = json!({"bomFormat": "CycloneDX", "components": [{
            "type": "library", "name": "zlib1g", "version": "1:1.2.13.dfsg-1",
            "purl": "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&upstream=zlib&distro=debian-12"
        }]});
        let prepared = for_trivy(&doc).unwrap();
        doc = serde_json::from_slice(&prepared.bytes).unwrap();
        let zlib = component(&doc, "zlib1g");
        assert_eq!(property(zlib, SRC_NAME), Some("zlib"));
        assert_eq!(property(zlib, SRC_VERSION), Some("1.2.13.dfsg-1"));
        assert_eq!(property(zlib, SRC_EPOCH), Some("1"));
        assert_eq!(
            prepared.os_packages.iter().next().map(String::as_str),
            Some("pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1")
        );
    }

    #[test]
    fn an_rpm_source_version_keeps_its_release_apart() {
        let doc = json!({"bomFormat": "CycloneDX", "components": [{
            "type": "library", "name": "openssl-libs", "version": "1:3.0.7-27.el9",
            "purl": "pkg:rpm/redhat/openssl-libs@1:3.0.7-27.el9?arch=x86_64&upstream=openssl-3.0.7-27.el9.src.rpm",
            "properties": [{"name": "syft:metadata:sourceRpm", "value": "openssl-3.0.7-27.el9.src.rpm"}]
        }]});
        let doc: Value = serde_json::from_slice(&for_trivy(&doc).unwrap().bytes).unwrap();
        let c = component(&doc, "openssl-libs");
        assert_eq!(property(c, SRC_VERSION), Some("3.0.7"));
        assert_eq!(property(c, SRC_RELEASE), Some("27.el9"));
        assert_eq!(property(c, SRC_EPOCH), Some("1"));
    }

    #[test]
    fn purls_compare_whatever_side_wrote_the_epoch_and_escapes() {
        assert_eq!(
            comparable_purl(
                "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1%2Bdeb12u1?arch=amd64&upstream=zlib"
            ),
            comparable_purl(
                "pkg:deb/debian/zlib1g@1.2.13.dfsg-1%2Bdeb12u1?arch=amd64&distro=debian-12&epoch=1"
            ),
        );
        assert_eq!(
            comparable_purl("pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64"),
            "pkg:deb/debian/libc6@2.36-9+deb12u4"
        );
    }

    #[test]
    fn spdx_is_refused() {
        let spdx = json!({"spdxVersion": "SPDX-2.3", "packages": []});
        let err = for_trivy(&spdx).unwrap_err().to_string();
        assert!(err.contains("only a CycloneDX SBOM"), "{err}");
    }

    #[test]
    fn a_report_that_skips_an_os_package_is_refused() {
        let prepared = for_trivy(&syft_fixture()).unwrap();
        let empty = parse_report(br#"{"SchemaVersion": 2, "Results": []}"#).unwrap();
        let err = check_coverage(&empty, &prepared).unwrap_err().to_string();
        assert!(
            err.contains("leaves out 4 of the SBOM's 4 OS packages"),
            "{err}"
        );
        let packages: Vec<Value> = prepared
            .os_packages
            .iter()
            .map(|p| json!({"Name": "x", "Identifier": {"PURL": format!("{p}?arch=amd64")}}))
            .collect();
        let full = json!({"SchemaVersion": 2, "Results": [{"Target": "t", "Class": "os-pkgs", "Type": "debian", "Packages": packages}]});
        let report = parse_report(full.to_string().as_bytes()).unwrap();
        check_coverage(&report, &prepared).unwrap();
    }
}
