//! Entry points for fuzz targets and property tests: each feeds arbitrary
//! bytes to one parser of untrusted input and discards the result. They exist
//! so the parsers can stay private to the crate; a panic in any of them is a
//! bug.
//!
//! Some entry points also check cheap invariants of what they parsed (an image
//! reference prints back to itself, version comparison is a total order
//! consistent with equality, a PURL's fast path agrees with the full parse);
//! a broken invariant panics too, so the fuzzer reports it like a crash.
//!
//! Nothing here reads the process environment or the filesystem.

use crate::check::{self, CheckOptions, FileKind, Input};
use crate::registry::manifest::Manifest;
use crate::registry::reference::ImageRef;
use crate::sbom::range::Range;
use crate::sbom::version::{Ecosystem, Version};
use std::cmp::Ordering;
use std::path::Path;

/// The text of `data`, when it is UTF-8 (the parsers that read files refuse
/// anything else before parsing).
fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// A fixed, fake environment for `${VAR}` interpolation: some names are set,
/// `BAD*` is "not UTF-8", everything else is unset.
fn fake_env(name: &str) -> Result<Option<String>, ()> {
    match name {
        n if n.starts_with("BAD") => Err(()),
        "REG" | "REGISTRY" => Ok(Some("registry.example.com:5000".into())),
        "PROJECT" => Ok(Some("team".into())),
        "EMPTY" => Ok(Some(String::new())),
        n if n.starts_with("SET") => Ok(Some(format!("value-of-{n}"))),
        _ => Ok(None),
    }
}

/// vimes.yaml: interpolation, parse and validation, as `vimes` loads a file
/// (non-UTF-8 input is refused before parsing, as the loader does).
pub fn config(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let _ = crate::config::parse_str_with(text, "vimes.yaml", &fake_env);
}

/// The signed exceptions file (`policy.exceptions`): YAML parse and checks.
pub fn exceptions(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let _ = crate::policy::exceptions::parse(
        text,
        Path::new("exceptions.yaml"),
        crate::clock::Clock::system().today(),
    );
}

/// Trivy's JSON report.
pub fn trivy_report(data: &[u8]) {
    let _ = crate::tools::trivy::parse_report(data);
}

/// An SBOM document (CycloneDX or SPDX JSON, as Syft writes them), read from
/// memory and streamed, and as the predicate of an in-toto statement; plus
/// `syft version -o json`.
pub fn sbom_document(data: &[u8]) {
    use crate::sbom::document;
    let whole = document::parse_slice(data);
    let streamed = document::parse_reader(data);
    // Both readers accept exactly the same documents.
    assert_eq!(
        whole.is_ok(),
        streamed.is_ok(),
        "parse_slice and parse_reader disagree: {:?} vs {:?}",
        whole.as_ref().err(),
        streamed.as_ref().err()
    );
    if let (Ok(a), Ok(b)) = (&whole, &streamed) {
        assert_eq!(a.packages.len(), b.packages.len());
    }
    let _ = document::parse_statement(data);
    let _ = crate::tools::syft::parse_version(data);
}

/// An OCI/Docker manifest or index, as pulled from a registry.
pub fn oci_manifest(data: &[u8]) {
    if let Ok(m) = Manifest::from_bytes(data.to_vec()) {
        assert_eq!(m.bytes, data, "the bytes are kept as they came");
        let _ = m.content.descriptors();
    }
}

/// The check options the `vimes check` entry points use: default policy,
/// a build argument and a target platform with a variant.
fn check_options() -> CheckOptions {
    let mut options = CheckOptions {
        platform: Some("linux/arm64/v8".into()),
        ..CheckOptions::default()
    };
    options.build_args.insert("TAG".into(), "1.2.3".into());
    options.policy.allowed_registries = vec!["registry.example.com/team".into()];
    options
}

/// Scans one file as `vimes check` does (decoding, scanner, rules).
fn check_file(path: &str, kind: FileKind, data: &[u8]) {
    let input = Input {
        path: path.into(),
        kind,
        bytes: data.to_vec(),
    };
    let _ = check::check_inputs(std::slice::from_ref(&input), Vec::new(), &check_options());
}

/// A Dockerfile/Containerfile scanned by `vimes check`.
pub fn check_dockerfile(data: &[u8]) {
    check_file("Dockerfile", FileKind::Dockerfile, data);
}

/// A YAML file scanned by `vimes check` as a Kubernetes manifest.
pub fn check_kubernetes(data: &[u8]) {
    check_file("deploy/app.yaml", FileKind::Yaml, data);
}

/// A YAML file scanned by `vimes check` as a compose file.
pub fn check_compose(data: &[u8]) {
    check_file("compose.yaml", FileKind::Yaml, data);
}

/// The budgeted YAML parser of `vimes check`, with the Kubernetes and
/// compose scanners run on every document whatever its shape.
pub fn check_yaml(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(documents) = check::yaml::parse_documents(&text) else {
        return;
    };
    let mut mentions = Vec::new();
    for doc in &documents {
        let _ = check::kube::is_manifest(doc);
        let _ = check::compose::is_compose("compose.yaml", doc);
        check::kube::scan(doc, &mut mentions);
        check::compose::scan(doc, &mut mentions);
    }
}

/// An image reference, full or short. A reference that parses prints back
/// to a reference that parses to the same thing.
pub fn image_reference(input: &str) {
    let _ = ImageRef::is_short(input);
    if let Ok(image) = ImageRef::parse(input) {
        let shown = image.to_string();
        match ImageRef::parse(&shown) {
            Ok(again) => assert_eq!(again, image, "{input:?} -> {shown:?}"),
            Err(e) => panic!("{input:?} parses but its display {shown:?} does not: {e}"),
        }
        let _ = image.repository_name();
        let _ = image.to_oci();
    }
    let _ = ImageRef::parse_under(input, "registry.example.com:5000", "/team/");
}

/// The orderings `data` selects: its first byte picks one, or all.
fn ecosystems(selector: u8) -> &'static [Ecosystem] {
    match selector % 4 {
        0 => &[Ecosystem::Debian],
        1 => &[Ecosystem::Pep440],
        2 => &[Ecosystem::Semver],
        _ => &[Ecosystem::Debian, Ecosystem::Pep440, Ecosystem::Semver],
    }
}

/// Checks that `compare` is a total order consistent with `==` on `versions`.
fn assert_total_order(versions: &[Version]) {
    for a in versions {
        assert_eq!(
            a.compare(a),
            Some(Ordering::Equal),
            "{a:?} is not equal to itself"
        );
        for b in versions {
            let (Some(ab), Some(ba)) = (a.compare(b), b.compare(a)) else {
                continue;
            };
            assert_eq!(ab, ba.reverse(), "{a:?} vs {b:?} is not antisymmetric");
            assert_eq!(
                ab == Ordering::Equal,
                a == b,
                "{a:?} vs {b:?}: cmp and == disagree"
            );
            for c in versions {
                let (Some(bc), Some(ac)) = (b.compare(c), a.compare(c)) else {
                    continue;
                };
                if ab != Ordering::Greater && bc != Ordering::Greater {
                    assert_ne!(
                        ac,
                        Ordering::Greater,
                        "{a:?} <= {b:?} <= {c:?} but {a:?} > {c:?}"
                    );
                }
            }
        }
    }
}

/// Versions of each ecosystem (one per line after a selector byte), parsed
/// and compared pairwise; the comparison must be a total order consistent
/// with equality.
pub fn version_compare(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    for &ecosystem in ecosystems(selector) {
        let versions: Vec<Version> = text
            .split('\n')
            .take(4)
            .filter_map(|line| ecosystem.parse(line).ok())
            .collect();
        assert_total_order(&versions);
    }
}

/// A version range (first line) compiled for each ecosystem, and matched
/// against the versions on the following lines.
pub fn version_range(input: &str) {
    let mut lines = input.split('\n');
    let Ok(range) = Range::parse(lines.next().unwrap_or_default()) else {
        return;
    };
    let candidates: Vec<&str> = lines.take(8).collect();
    for ecosystem in [Ecosystem::Debian, Ecosystem::Pep440, Ecosystem::Semver] {
        let Ok(compiled) = range.compile(ecosystem) else {
            continue;
        };
        for candidate in &candidates {
            if let Ok(version) = ecosystem.parse(candidate) {
                let _ = compiled.contains(&version);
            }
        }
    }
}

/// A package URL. The fast path the inventory uses ([`facts`]) agrees with
/// the full parse.
///
/// [`facts`]: crate::sbom::purl::facts
pub fn purl(input: &str) {
    use crate::sbom::purl::{facts, normalize_name, Purl};
    let parsed = Purl::parse(input);
    let fast = facts(input);
    assert_eq!(
        parsed.is_ok(),
        fast.is_some(),
        "{input:?}: parse and facts disagree"
    );
    if let (Ok(p), Some(f)) = (&parsed, &fast) {
        assert_eq!(p.key(), f.key, "{input:?}");
        assert_eq!(p.version, f.version, "{input:?}");
        assert_eq!(p.kind, f.kind, "{input:?}");
        let _ = p.qualifier("upstream");
        let _ = normalize_name(&p.kind, &p.name);
    }
}

/// An OSV advisory, and whether it affects a few versions of each ecosystem.
pub fn osv_advisory(data: &[u8]) {
    let Ok(advisory) = crate::sbom::osv::parse(data) else {
        return;
    };
    for entry in &advisory.entries {
        for version in [
            "0",
            "1.0",
            "1.2.3",
            "2:1.0-1",
            "1.0rc1",
            "v1.2.3-beta.1",
            "1.0~rc1",
        ] {
            let _ = entry.affects(version);
        }
    }
}

/// cosign's signed documents: a simple-signing payload, a DSSE envelope
/// (its base64 payload, PAE and in-toto statement) and a bare statement.
pub fn cosign_payload(data: &[u8]) {
    use crate::signing::payload::{pae, unb64, Envelope, SimpleSigning, Statement};
    if let Ok(payload) = serde_json::from_slice::<SimpleSigning>(data) {
        let _ = payload.to_bytes();
    }
    if let Ok(envelope) = serde_json::from_slice::<Envelope>(data) {
        if let Some(statement) = unb64(&envelope.payload) {
            let _ = pae(&envelope.payload_type, &statement);
            let _ = serde_json::from_slice::<Statement>(&statement);
        }
        for signature in &envelope.signatures {
            let _ = unb64(&signature.sig);
        }
    }
    let _ = serde_json::from_slice::<Statement>(data);
    if let Some(text) = text(data) {
        let _ = unb64(text);
    }
}

/// The canonical form (`host/path[:tag][@digest]`) of an image reference,
/// or `None` when it does not parse. For property tests.
pub fn canonical_image_reference(input: &str) -> Option<String> {
    ImageRef::parse(input).ok().map(|image| image.to_string())
}

/// The ecosystem whose ordering applies to packages of `purl_type` (`deb`,
/// `pypi`, `npm`, `cargo`, `golang`).
fn ecosystem_of(purl_type: &str) -> Option<Ecosystem> {
    Ecosystem::for_purl_type(purl_type)
}

/// The order of two versions of packages of `purl_type`, or `None` when
/// either does not parse. For property tests.
pub fn compare_versions(purl_type: &str, a: &str, b: &str) -> Option<Ordering> {
    let ecosystem = ecosystem_of(purl_type)?;
    let (a, b) = (ecosystem.parse(a).ok()?, ecosystem.parse(b).ok()?);
    a.compare(&b)
}

/// Whether `version` of a package of `purl_type` is in `range` (as `vimes
/// sbom query --version` reads it); the error says what did not parse. For
/// property tests. The error is text because the engine's error types are
/// private to the crate.
pub fn range_matches(range: &str, purl_type: &str, version: &str) -> Result<bool, String> {
    let ecosystem =
        ecosystem_of(purl_type).ok_or_else(|| format!("no ordering for {purl_type:?}"))?;
    let compiled = Range::parse(range)
        .and_then(|r| r.compile(ecosystem))
        .map_err(|e| e.to_string())?;
    let version = ecosystem.parse(version).map_err(|e| e.to_string())?;
    Ok(compiled.contains(&version))
}
