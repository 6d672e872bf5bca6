//! Queries over an inventory holding the captured Syft SBOM twice: image A
//! as captured, image B with fixed versions of some packages.

use super::*;
use crate::exit::Exit;
use crate::sbom::document::{parse_file, Package, Sbom};
use crate::sbom::inventory::ImageRecord;

const A: &str = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const B: &str = "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

fn set_version(sbom: &mut Sbom, name: &str, version: &str) {
    let p = sbom.packages.iter_mut().find(|p| p.name == name).unwrap();
    p.version = version.to_string();
}

fn inventory(dir: &tempfile::TempDir) -> Inventory {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/sbom/syft-1.18.1-debian.cdx.json");
    let a = parse_file(&path).unwrap();
    let mut b = a.clone();
    set_version(&mut b, "libssl3", "3.0.13-1~deb12u1");
    set_version(&mut b, "zlib1g", "1:1.2.13.dfsg-3");
    set_version(&mut b, "requests", "2.31.0");
    set_version(&mut b, "django", "4.2");
    set_version(&mut b, "urllib3", "2.0.0");
    b.packages.push(Package {
        name: "weird".into(),
        version: "not a version".into(),
        kind: "pypi".into(),
        purl: Some("pkg:pypi/weird@x".into()),
        purl_key: Some("pypi//weird".into()),
        source: None,
        source_version: None,
    });
    b.packages.push(Package {
        name: "mystery".into(),
        version: "1.0".into(),
        kind: "apk".into(),
        purl: None,
        purl_key: None,
        source: None,
        source_version: None,
    });
    let mut inv = Inventory::open(&dir.path().join("inv.db")).unwrap();
    let rec = |repo: &str, digest: &str| ImageRecord {
        repository: repo.into(),
        digest: digest.into(),
        tags: vec!["t".into()],
        replace_tags: false,
        origin: "test".into(),
    };
    inv.index(&[(rec("reg/a", A), &a), (rec("reg/b", B), &b)])
        .unwrap();
    inv
}

fn images(answer: &Answer) -> Vec<(String, String)> {
    answer
        .matches
        .iter()
        .map(|m| (m.repository.clone(), m.package.clone()))
        .collect()
}

#[test]
fn package_and_range() {
    let dir = tempfile::tempdir().unwrap();
    let inv = inventory(&dir);
    assert_eq!(
        by_package(&inv, "libssl3", None, None)
            .unwrap()
            .image_count(),
        2
    );
    let r = Range::parse("<3.0.13-1~deb12u1").unwrap();
    let a = by_package(&inv, "openssl", None, Some(&r)).unwrap();
    assert_eq!(images(&a), [("reg/a".to_string(), "libssl3".to_string())]);
    assert_eq!(a.matches[0].source.as_deref(), Some("openssl"));
    let r = Range::parse(">=2.3.0, <2.31.0").unwrap();
    let a = by_package(&inv, "requests", Some("pypi"), Some(&r)).unwrap();
    assert_eq!(images(&a), [("reg/a".to_string(), "requests".to_string())]);
    // PEP 440: 2.0.0rc1 < 2.0.0.
    let r = Range::parse("<2.0.0").unwrap();
    assert_eq!(
        images(&by_package(&inv, "urllib3", None, Some(&r)).unwrap()).len(),
        1
    );
    // Debian epoch: 1:1.2.13.dfsg-1 is above any epoch-0 version.
    let r = Range::parse(">=2.0").unwrap();
    assert_eq!(
        by_package(&inv, "zlib1g", None, Some(&r))
            .unwrap()
            .matches
            .len(),
        2
    );
    // Source versions are used when the SBOM recorded them.
    let r = Range::parse("=4.5.0-6").unwrap();
    let tiff = by_package(&inv, "tiff", None, Some(&r)).unwrap();
    assert_eq!(tiff.image_count(), 2);
    assert_eq!(tiff.matches[0].version, "4.5.0-6");
}

#[test]
fn undecided_and_cannot_compare() {
    let dir = tempfile::tempdir().unwrap();
    let inv = inventory(&dir);
    let r = Range::parse(">=1.0").unwrap();
    let a = by_package(&inv, "weird", None, Some(&r)).unwrap();
    assert!(a.matches.is_empty());
    assert_eq!(a.undecided.len(), 1);
    let err = by_package(&inv, "mystery", None, Some(&r)).unwrap_err();
    assert_eq!(err.exit(), Exit::Usage);
    assert!(
        err.to_string().contains("cannot compare versions of apk"),
        "{err}"
    );
    // Without a range, any package type is fine.
    assert_eq!(
        by_package(&inv, "mystery", None, None)
            .unwrap()
            .matches
            .len(),
        1
    );
    assert!(check_range(&Range::parse(">=abc").unwrap(), None).is_err());
    assert!(check_range(&Range::parse(">=1.0").unwrap(), Some("apk")).is_err());
    assert!(check_range(&Range::parse(">=1:1.0-1").unwrap(), None).is_ok());
    assert!(check_range(&Range::parse(">=1:1.0-1").unwrap(), Some("pypi")).is_err());
}

#[test]
fn purl_queries() {
    let dir = tempfile::tempdir().unwrap();
    let inv = inventory(&dir);
    let q = |p: &str| by_purl(&inv, &Purl::parse(p).unwrap()).unwrap();
    assert_eq!(q("pkg:pypi/Django").image_count(), 2);
    assert_eq!(
        images(&q("pkg:pypi/django@4.2.0")),
        [("reg/b".to_string(), "django".to_string())]
    );
    assert_eq!(
        q("pkg:deb/debian/libssl3@3.0.11-1~deb12u1?distro=debian-12").image_count(),
        1
    );
    assert_eq!(
        q("pkg:deb/debian/libssl3?distro=debian-11").image_count(),
        0
    );
    assert_eq!(q("pkg:npm/%40babel/core@7.22.0-beta.1").image_count(), 2);
}

#[test]
fn advisory_returns_exactly_the_affected() {
    let dir = tempfile::tempdir().unwrap();
    let inv = inventory(&dir);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/sbom/osv-fixture-advisory.json");
    let advisory = crate::sbom::osv::parse(&std::fs::read(path).unwrap()).unwrap();
    let a = by_advisory(&inv, &advisory).unwrap();
    let found: Vec<(String, String, String)> = a
        .matches
        .iter()
        .map(|m| (m.repository.clone(), m.package.clone(), m.version.clone()))
        .collect();
    let s = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
    assert_eq!(
        found,
        [
            s("reg/a", "libssl3", "3.0.11-1~deb12u1"),
            s("reg/a", "requests", "2.28.1"),
            s("reg/a", "zlib1g", "1:1.2.13.dfsg-1"),
            s("reg/b", "django", "4.2"),
        ]
    );
    assert_eq!(a.matches[0].advisory_package.as_deref(), Some("openssl"));
}

#[test]
fn debian_advisories_keep_to_their_release() {
    assert!(applies_to_distro(
        Some("debian-12"),
        "deb",
        Some("pkg:deb/debian/x@1?distro=debian-12")
    ));
    assert!(applies_to_distro(
        Some("debian-12"),
        "deb",
        Some("pkg:deb/debian/x@1?distro=debian-12.2")
    ));
    assert!(!applies_to_distro(
        Some("debian-12"),
        "deb",
        Some("pkg:deb/debian/x@1?distro=debian-11")
    ));
    assert!(!applies_to_distro(
        None,
        "deb",
        Some("pkg:deb/ubuntu/x@1?distro=ubuntu-22.04")
    ));
    assert!(applies_to_distro(
        Some("debian-12"),
        "deb",
        Some("pkg:deb/debian/x@1")
    ));
}
