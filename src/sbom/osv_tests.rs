//! OSV evaluation: Debian epochs and tildes, PEP 440 pre/post releases, and
//! the refusals.

use super::*;

fn advisory(affected: &str) -> Result<Advisory, OsvError> {
    parse(
        format!(r#"{{"id":"TEST-1","modified":"2024-01-01T00:00:00Z","affected":[{affected}]}}"#)
            .as_bytes(),
    )
}

fn entry(ecosystem: &str, name: &str, events: &str) -> Entry {
    advisory(&format!(
        r#"{{"package":{{"ecosystem":"{ecosystem}","name":"{name}"}},"ranges":[{{"type":"ECOSYSTEM","events":[{events}]}}]}}"#
    ))
    .unwrap()
    .entries
    .remove(0)
}

#[test]
fn debian_tilde_and_epoch() {
    let openssl = entry(
        "Debian:12",
        "openssl",
        r#"{"introduced":"0"},{"fixed":"3.0.13-1~deb12u1"}"#,
    );
    assert_eq!(openssl.purl_type, "deb");
    assert_eq!(openssl.distro.as_deref(), Some("debian-12"));
    assert_eq!(openssl.affects("3.0.11-1~deb12u1"), Ok(true));
    assert_eq!(openssl.affects("3.0.13-1~deb12u0"), Ok(true));
    assert_eq!(openssl.affects("3.0.13-1~deb12u1"), Ok(false));
    assert_eq!(
        openssl.affects("3.0.13-1"),
        Ok(false),
        "~deb12u1 sorts before -1"
    );
    let zlib = entry(
        "Debian",
        "zlib",
        r#"{"introduced":"0"},{"fixed":"1:1.2.13.dfsg-2"}"#,
    );
    assert_eq!(zlib.distro, None);
    assert_eq!(zlib.affects("1:1.2.13.dfsg-1"), Ok(true));
    assert_eq!(
        zlib.affects("1.3.dfsg-9"),
        Ok(true),
        "epoch 0 is below epoch 1"
    );
    assert_eq!(zlib.affects("1:1.2.13.dfsg-2"), Ok(false));
    assert_eq!(zlib.affects("2:0.1"), Ok(false));
}

#[test]
fn pep440_ranges() {
    let requests = entry(
        "PyPI",
        "requests",
        r#"{"introduced":"2.3.0"},{"fixed":"2.31.0"}"#,
    );
    assert_eq!(requests.purl_type, "pypi");
    assert_eq!(requests.affects("2.28.1"), Ok(true));
    assert_eq!(
        requests.affects("2.31.0rc1"),
        Ok(true),
        "a pre-release of the fix is before it"
    );
    assert_eq!(requests.affects("2.31.0"), Ok(false));
    assert_eq!(requests.affects("2.31.0.post1"), Ok(false));
    assert_eq!(
        requests.affects("2.3.0.dev1"),
        Ok(false),
        "a dev release is before 2.3.0"
    );
    assert_eq!(requests.affects("2.3"), Ok(true));
    assert!(requests.affects("not-a-version").is_err());
}

#[test]
fn several_intervals_last_affected_and_versions() {
    let e = entry(
        "npm",
        "left-pad",
        r#"{"introduced":"1.0.0"},{"last_affected":"1.2.0"},{"introduced":"2.0.0"},{"fixed":"2.1.0"}"#,
    );
    let answers = [
        ("0.9.0", false),
        ("1.0.0", true),
        ("1.2.0", true),
        ("1.2.1", false),
        ("2.0.0-rc.1", false),
        ("2.0.5", true),
        ("2.1.0", false),
    ];
    for (v, expected) in answers {
        assert_eq!(e.affects(v), Ok(expected), "{v}");
    }
    let listed = advisory(
        r#"{"package":{"ecosystem":"crates.io","name":"smallvec"},"versions":["1.6.0","1.6.1"]}"#,
    )
    .unwrap();
    assert_eq!(listed.entries[0].purl_type, "cargo");
    assert_eq!(listed.entries[0].affects("1.6.1"), Ok(true));
    assert_eq!(listed.entries[0].affects("1.6.2"), Ok(false));
    // Events in any order are sorted before evaluation; SEMVER ranges in Go.
    let go = advisory(
        r#"{"package":{"ecosystem":"Go","name":"golang.org/x/net"},"ranges":[{"type":"SEMVER","events":[{"fixed":"0.17.0"},{"introduced":"0"}]},{"type":"GIT","repo":"x","events":[{"introduced":"abc"}]}]}"#,
    )
    .unwrap();
    assert_eq!(go.entries[0].purl_type, "golang");
    assert_eq!(go.entries[0].affects("v0.16.0"), Ok(true));
    assert_eq!(go.entries[0].affects("v0.17.0"), Ok(false));
}

#[test]
fn refusals() {
    let cases = [
        (
            r#"{"package":{"ecosystem":"Maven","name":"x"}}"#,
            "not supported",
        ),
        (
            r#"{"package":{"ecosystem":"Debian:","name":"x"}}"#,
            "not supported",
        ),
        (
            r#"{"package":{"ecosystem":"Ubuntu:22.04","name":"x"}}"#,
            "not supported",
        ),
        (r#"{"versions":["1"]}"#, "has no package"),
        (
            r#"{"package":{"ecosystem":"PyPI","name":"x"},"ranges":[{"type":"RANGE","events":[{"introduced":"0"}]}]}"#,
            "unknown range type",
        ),
        (
            r#"{"package":{"ecosystem":"PyPI","name":"x"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0","fixed":"1"}]}]}"#,
            "exactly one",
        ),
        (
            r#"{"package":{"ecosystem":"PyPI","name":"x"},"ranges":[{"type":"ECOSYSTEM","events":[{}]}]}"#,
            "exactly one",
        ),
        (
            r#"{"package":{"ecosystem":"PyPI","name":"x"},"ranges":[{"type":"ECOSYSTEM","events":[{"fixed":"1.0"}]}]}"#,
            "no introduced",
        ),
        (
            r#"{"package":{"ecosystem":"PyPI","name":"x"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"one point oh"}]}]}"#,
            "malformed version",
        ),
        (
            r#"{"package":{"ecosystem":"Debian:12","name":"x"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"v1"}]}]}"#,
            "malformed version",
        ),
    ];
    for (affected, needle) in cases {
        let err = advisory(affected).unwrap_err();
        assert!(err.to_string().contains(needle), "{affected}: {err}");
    }
    assert!(matches!(parse(b"not json"), Err(OsvError::NotOsv(_))));
    assert!(parse(b"not json")
        .unwrap_err()
        .to_string()
        .starts_with("not an OSV record: "));
    assert!(parse(b"{\"affected\":[]}").is_err(), "id is required");
}

#[test]
fn real_shaped_fixture() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/sbom/osv-fixture-advisory.json");
    let advisory = parse(&std::fs::read(path).unwrap()).unwrap();
    assert_eq!(advisory.id, "VIMES-TEST-2024-0001");
    assert_eq!(advisory.entries.len(), 4);
}
