//! Inventory tests on a real SQLite file with the captured Syft fixture.

use super::*;
use crate::exit::Exit;
use crate::sbom::document::parse_file;
use crate::sbom::lookup::Lookup;
use crate::sbom::Sbom;
use rusqlite::Connection;

fn fixture_sbom(name: &str) -> Sbom {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/sbom")
        .join(name);
    parse_file(&path).unwrap()
}

fn record(repo: &str, digest: &str, tags: &[&str]) -> ImageRecord {
    ImageRecord {
        repository: repo.into(),
        digest: digest.into(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        replace_tags: false,
        origin: "test".into(),
    }
}

const D1: &str = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
const D2: &str = "sha256:2222222222222222222222222222222222222222222222222222222222222222";

#[test]
fn index_and_look_up() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/dir/inventory.db");
    let mut inv = Inventory::open(&path).unwrap();
    assert_eq!(inv.counts().unwrap(), (0, 0));
    let cdx = fixture_sbom("syft-1.18.1-debian.cdx.json");
    let spdx = fixture_sbom("syft-1.18.1-debian.spdx.json");
    let done = inv
        .index(&[
            (record("reg/app", D1, &["1.0"]), &cdx),
            (record("reg/other", D2, &[]), &spdx),
        ])
        .unwrap();
    assert_eq!(done.len(), 2);
    assert_eq!(done[0].packages, 9);
    assert_eq!(done[1].format, "spdx-json");
    assert_eq!(inv.counts().unwrap(), (2, 18));

    let by_name = inv
        .lookup(Lookup::Name {
            name: "zlib1g",
            kind: None,
        })
        .unwrap();
    assert_eq!(by_name.len(), 2);
    assert_eq!(by_name[0].repository, "reg/app");
    assert_eq!(by_name[0].tags, vec!["1.0"]);
    assert_eq!(by_name[0].version, "1:1.2.13.dfsg-1");
    // Source package names find binary packages.
    let by_source = inv
        .lookup(Lookup::Name {
            name: "openssl",
            kind: None,
        })
        .unwrap();
    assert_eq!(by_source.len(), 2);
    assert_eq!(by_source[0].name, "libssl3");
    // PyPI names are compared in their PEP 503 form.
    let py = inv
        .lookup(Lookup::Name {
            name: "Django",
            kind: Some("pypi"),
        })
        .unwrap();
    assert_eq!(py.len(), 2);
    assert!(inv
        .lookup(Lookup::Name {
            name: "Django",
            kind: Some("npm")
        })
        .unwrap()
        .is_empty());
    let babel = crate::sbom::purl::Purl::parse("pkg:npm/%40babel/core").unwrap();
    let scoped = inv.lookup(Lookup::Purl(&babel)).unwrap();
    assert_eq!(scoped.len(), 2);
    let typed = inv
        .lookup(Lookup::Typed {
            kind: "deb",
            name: "tiff",
        })
        .unwrap();
    assert_eq!(typed[0].source_version.as_deref(), Some("4.5.0-6"));
    assert!(inv
        .lookup(Lookup::Name {
            name: "nothing",
            kind: None
        })
        .unwrap()
        .is_empty());
}

#[test]
fn reindexing_replaces_and_merges_tags() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inv.db");
    let mut inv = Inventory::open(&path).unwrap();
    let cdx = fixture_sbom("syft-1.18.1-debian.cdx.json");
    inv.index(&[(record("reg/app", D1, &["1.0"]), &cdx)])
        .unwrap();
    inv.index(&[(record("reg/app", D1, &["latest"]), &cdx)])
        .unwrap();
    assert_eq!(inv.counts().unwrap(), (1, 9));
    let rows = inv
        .lookup(Lookup::Name {
            name: "libc6",
            kind: None,
        })
        .unwrap();
    assert_eq!(rows.len(), 1, "no duplicate rows after re-indexing");
    assert_eq!(rows[0].tags, vec!["1.0", "latest"]);
    // A repository listing knows the whole tag set.
    let mut listing = record("reg/app", D1, &["2.0"]);
    listing.replace_tags = true;
    let mut fewer = cdx.clone();
    fewer.packages.retain(|p| p.kind == "deb");
    inv.index(&[(listing, &fewer)]).unwrap();
    assert_eq!(inv.counts().unwrap(), (1, 4));
    let rows = inv
        .lookup(Lookup::Name {
            name: "libc6",
            kind: None,
        })
        .unwrap();
    assert_eq!(rows[0].tags, vec!["2.0"]);
    assert!(inv
        .lookup(Lookup::Name {
            name: "requests",
            kind: None
        })
        .unwrap()
        .is_empty());
    // The same digest twice in one batch: the later SBOM wins.
    inv.index(&[
        (record("reg/app", D1, &[]), &cdx),
        (record("reg/app", D1, &[]), &fewer),
    ])
    .unwrap();
    assert_eq!(inv.counts().unwrap(), (1, 4));
    // Rows filed under aliases (source names) were replaced too.
    let by_source = inv
        .lookup(Lookup::Name {
            name: "openssl",
            kind: None,
        })
        .unwrap();
    assert_eq!(by_source.len(), 1);
    // Reopening keeps everything.
    drop(inv);
    assert_eq!(Inventory::open(&path).unwrap().counts().unwrap(), (1, 4));
}

#[test]
fn corrupt_or_foreign_files_ask_for_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.db");
    std::fs::write(&garbage, vec![0x5a_u8; 8192]).unwrap();
    let err = Inventory::open(&garbage).err().unwrap();
    assert_eq!(err.exit(), Exit::Usage);
    assert!(err.to_string().contains("--rebuild"), "{err}");
    assert!(err.to_string().contains("garbage.db"), "{err}");
    let mut fixed = Inventory::recreate(&garbage).unwrap();
    assert_eq!(fixed.counts().unwrap(), (0, 0));
    fixed
        .index(&[(
            record("r", D1, &[]),
            &fixture_sbom("syft-1.18.1-debian.cdx.json"),
        )])
        .unwrap();

    let foreign = dir.path().join("foreign.db");
    Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE t (x)")
        .unwrap();
    let err = Inventory::open(&foreign).err().unwrap();
    assert!(
        err.to_string().contains("not a vimes SBOM inventory"),
        "{err}"
    );

    // An inventory of another schema version is not guessed at.
    let older = dir.path().join("older.db");
    Connection::open(&older)
        .unwrap()
        .execute_batch("CREATE TABLE images (x); PRAGMA user_version = 1;")
        .unwrap();
    let err = Inventory::open(&older).err().unwrap();
    assert!(err.to_string().contains("schema version 1"), "{err}");
    assert!(err.to_string().contains("--rebuild"), "{err}");

    let missing = dir.path().join("missing.db");
    let err = Inventory::open_existing(&missing).err().unwrap();
    assert_eq!(err.exit(), Exit::Usage);
    assert!(!missing.exists());
}

#[test]
fn default_path_is_relative_to_the_config() {
    let p = Inventory::default_path(Some("inv/sbom.db"), Some(Path::new("/etc/vimes"))).unwrap();
    assert_eq!(p, Path::new("/etc/vimes/inv/sbom.db"));
    let p = Inventory::default_path(Some("/var/x.db"), Some(Path::new("/etc"))).unwrap();
    assert_eq!(p, Path::new("/var/x.db"));
}

fn promotion(digest: &str, tag: &str) -> PromotionEntry {
    PromotionEntry {
        repository: "reg/production/app".into(),
        digest: digest.into(),
        tag: tag.into(),
        promoted_at: "2026-01-01T00:00:00Z".into(),
        record: format!(r#"{{"digest":"{digest}","tag":"{tag}"}}"#),
    }
}

#[test]
fn a_promotion_is_recorded_once_per_digest() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inventory.db");
    let mut inv = Inventory::open(&path).unwrap();
    assert!(inv.record_promotion(&promotion(D1, "1.0")).unwrap());
    // A re-run, even naming another tag, keeps the first record.
    assert!(!inv.record_promotion(&promotion(D1, "1.1")).unwrap());
    assert!(inv.record_promotion(&promotion(D2, "2.0")).unwrap());
    assert_eq!(inv.promotion_count().unwrap(), 2);
    let conn = Connection::open(&path).unwrap();
    let (tag, record): (String, String) = conn
        .query_row(
            "SELECT tag, record FROM promotions WHERE digest = ?1",
            [D1],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(tag, "1.0");
    assert!(record.contains(r#""tag":"1.0""#), "{record}");
}

#[test]
fn a_version_2_file_migrates_to_3_and_keeps_its_images() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inventory.db");
    {
        let mut inv = Inventory::open(&path).unwrap();
        let cdx = fixture_sbom("syft-1.18.1-debian.cdx.json");
        inv.index(&[(record("reg/app", D1, &["1.0"]), &cdx)])
            .unwrap();
    }
    // Back to version 2, as a vimes before promotions left it.
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch("DROP TABLE promotions; PRAGMA user_version = 2;")
        .unwrap();
    drop(conn);
    let mut inv = Inventory::open(&path).unwrap();
    assert_eq!(inv.image_count().unwrap(), 1);
    assert!(inv.record_promotion(&promotion(D1, "1.0")).unwrap());
    let conn = Connection::open(&path).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 3);
}
