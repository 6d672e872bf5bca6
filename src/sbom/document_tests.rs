//! Parser tests against real Syft 1.18.1 output (fixtures/sbom, captured from
//! a fixture image: four deb, three Python and two npm packages).

use super::*;
use std::collections::BTreeSet;

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/sbom")
        .join(name)
}

const DIGEST: &str = "sha256:6b06d26fa3f9f77f1185dc11724964ee94c05eecbd8a363cc553ff617aca5299";

type Row = (
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn rows(sbom: &Sbom) -> BTreeSet<Row> {
    sbom.packages
        .iter()
        .map(|p| {
            (
                p.name.clone(),
                p.version.clone(),
                p.kind.clone(),
                p.purl_key.clone(),
                p.source.clone(),
                p.source_version.clone(),
            )
        })
        .collect()
}

fn expected() -> BTreeSet<Row> {
    let deb = |n: &str, v: &str, s: &str, sv: Option<&str>| {
        (
            n.to_string(),
            v.to_string(),
            "deb".to_string(),
            Some(format!("deb/debian/{n}")),
            Some(s.to_string()),
            sv.map(str::to_string),
        )
    };
    let other = |kind: &str, n: &str, v: &str, key: &str| {
        (
            n.to_string(),
            v.to_string(),
            kind.to_string(),
            Some(key.to_string()),
            None,
            None,
        )
    };
    BTreeSet::from([
        deb("zlib1g", "1:1.2.13.dfsg-1", "zlib", None),
        deb("libssl3", "3.0.11-1~deb12u1", "openssl", None),
        deb("libc6", "2.36-9+deb12u3", "glibc", None),
        deb("libtiff6", "4.5.0-6+deb12u1", "tiff", Some("4.5.0-6")),
        other("pypi", "requests", "2.28.1", "pypi//requests"),
        other("pypi", "urllib3", "2.0.0rc1", "pypi//urllib3"),
        other("pypi", "django", "4.2.post1", "pypi//django"),
        other("npm", "left-pad", "1.3.0", "npm//left-pad"),
        other("npm", "@babel/core", "7.22.0-beta.1", "npm/@babel/core"),
    ])
}

#[test]
fn syft_cyclonedx() {
    let sbom = parse_file(&fixture("syft-1.18.1-debian.cdx.json")).unwrap();
    assert_eq!(sbom.format, SbomFormat::CyclonedxJson);
    assert_eq!(sbom.spec_version, "1.6");
    assert_eq!(
        sbom.subject,
        Some(Subject {
            name: "127.0.0.1:5187/fixtures/debian".into(),
            digest: Some(DIGEST.into()),
        })
    );
    // The operating-system component is not a package.
    assert_eq!(rows(&sbom), expected());
    let zlib = sbom.packages.iter().find(|p| p.name == "zlib1g").unwrap();
    assert_eq!(
        zlib.purl.as_deref(),
        Some("pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12&upstream=zlib")
    );
}

#[test]
fn syft_spdx_has_the_same_packages() {
    let sbom = parse_file(&fixture("syft-1.18.1-debian.spdx.json")).unwrap();
    assert_eq!(sbom.format, SbomFormat::SpdxJson);
    assert_eq!(sbom.spec_version, "SPDX-2.3");
    // The image itself is Syft's CONTAINER root package: the subject, not a package.
    assert_eq!(
        sbom.subject.as_ref().unwrap().digest.as_deref(),
        Some(DIGEST)
    );
    assert_eq!(rows(&sbom), expected());
}

#[test]
fn streaming_reads_the_same_as_whole() {
    for name in [
        "syft-1.18.1-debian.cdx.json",
        "syft-1.18.1-debian.spdx.json",
    ] {
        let bytes = std::fs::read(fixture(name)).unwrap();
        let whole = parse_slice(&bytes).unwrap();
        let streamed = parse_reader(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(whole, streamed, "{name}");
    }
}

#[test]
fn statement_with_sbom_predicate() {
    let sbom = std::fs::read_to_string(fixture("syft-1.18.1-debian.cdx.json")).unwrap();
    let statement = format!(
        r#"{{"_type":"https://in-toto.io/Statement/v0.1","predicateType":"https://cyclonedx.org/bom","subject":[{{"name":"r/x","digest":{{"sha256":"{}"}}}}],"predicate":{sbom}}}"#,
        &DIGEST[7..]
    );
    let parsed = parse_statement(statement.as_bytes()).unwrap();
    assert_eq!(parsed.packages.len(), 9);
}

#[test]
fn nested_components_are_packages_too() {
    let doc = br#"{"bomFormat":"CycloneDX","specVersion":"1.5","components":[
        {"type":"application","name":"app","version":"1.0","components":[
            {"type":"library","name":"serde","version":"1.0.200","purl":"pkg:cargo/serde@1.0.200"}]},
        {"type":"file","name":"/etc/passwd"}]}"#;
    let sbom = parse_slice(doc).unwrap();
    let names: Vec<&str> = sbom.packages.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["app", "serde"]);
    assert_eq!(sbom.packages[1].kind, "cargo");
    assert_eq!(sbom.packages[0].kind, "");
    assert_eq!(sbom.subject, None);
}

#[test]
fn bad_documents_say_why() {
    let cases: &[(&[u8], &str)] = &[
        (b"", "not JSON"),
        (b"<html>", "not JSON"),
        (b"{\"bomFormat\":\"CycloneDX\"", "not JSON"),
        (b"[1,2]", "not an SBOM"),
        (b"{\"name\":\"x\"}", "neither CycloneDX"),
        (b"{\"bomFormat\":\"SPDX\",\"specVersion\":\"1\"}", "is not CycloneDX"),
        (b"{\"bomFormat\":\"CycloneDX\"}", "without specVersion"),
        (b"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":\"x\"}", "not an SBOM"),
        (b"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[{\"version\":\"1\"}]}", "has no name"),
        (b"{\"spdxVersion\":\"SPDX-3.0\"}", "not supported"),
        (b"{\"spdxVersion\":\"SPDX-2.3\",\"packages\":[{\"versionInfo\":\"1\"}]}", "has no name"),
        (b"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\"} trailing", "not JSON"),
    ];
    for (doc, needle) in cases {
        let err = parse_slice(doc).unwrap_err();
        assert!(
            err.to_string().contains(needle),
            "{:?}: {err}",
            String::from_utf8_lossy(doc)
        );
        match parse_reader(std::io::Cursor::new(doc.to_vec())) {
            Err(ReadError::Invalid(e)) => {
                assert!(e.to_string().contains(needle), "streamed: {e}")
            }
            other => panic!("streamed {:?}: {other:?}", String::from_utf8_lossy(doc)),
        }
    }
    assert!(matches!(
        parse_file(Path::new("/nonexistent/sbom.json")),
        Err(ReadError::Io(_))
    ));
}
