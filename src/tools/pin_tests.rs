//! Pins on real files: match, mismatch, unpinned under `require_pinned`, and
//! a binary rewritten in place (same size, modification time put back) that
//! the cache must not vouch for.

use super::*;
use std::os::unix::fs::PermissionsExt as _;

fn tool(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, body).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

fn pin(sha256: Option<&str>, required: bool) -> Pin<'_> {
    Pin {
        key: "tools.trivy.sha256",
        sha256,
        required,
    }
}

const BODY: &str = "#!/bin/sh\necho trivy\n";
/// BODY's hash as `sha256sum` printed it.
fn body_sha256() -> String {
    "98c72d6cefc77a299474f5fa51285c13b686fa44c39f60283d891a13d4f88787".to_string()
}

#[test]
fn a_matching_pin_passes_and_names_the_resolved_binary() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let real = tool(dir.path(), "trivy-0.59", BODY);
    let link = dir.path().join("trivy");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let expected = body_sha256();
    let found = identify(
        "trivy",
        &link.display().to_string(),
        pin(Some(&expected), true),
        &cache,
    )
    .unwrap();
    assert_eq!(found.path, std::fs::canonicalize(&real).unwrap());
    assert_eq!(found.sha256, expected);
    assert!(found.pinned);
}

#[test]
fn a_mismatch_is_a_tool_error_naming_both_hashes() {
    let dir = tempfile::tempdir().unwrap();
    let path = tool(dir.path(), "trivy", BODY);
    let wrong = "0".repeat(64);
    let err = identify(
        "trivy",
        &path.display().to_string(),
        pin(Some(&wrong), false),
        dir.path(),
    )
    .unwrap_err();
    assert_eq!(err.exit(), crate::exit::Exit::Tool);
    let text = err.to_string();
    assert!(
        text.contains(&wrong) && text.contains(&body_sha256()),
        "{text}"
    );
    assert!(text.contains("tools.trivy.sha256"), "{text}");
}

#[test]
fn unpinned_is_allowed_unless_required() {
    let dir = tempfile::tempdir().unwrap();
    let path = tool(dir.path(), "trivy", BODY);
    let program = path.display().to_string();
    let found = identify("trivy", &program, pin(None, false), dir.path()).unwrap();
    assert!(!found.pinned);
    assert_eq!(found.sha256, body_sha256());
    let err = identify("trivy", &program, pin(None, true), dir.path()).unwrap_err();
    assert_eq!(err.exit(), crate::exit::Exit::Usage);
    let text = err.to_string();
    assert!(text.contains("tools.require_pinned"), "{text}");
    assert!(
        text.contains(&format!("tools.trivy.sha256: {}", body_sha256())),
        "{text}"
    );
}

#[test]
fn a_missing_program_is_a_tool_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = identify("trivy", "vimes-no-such-trivy", pin(None, false), dir.path()).unwrap_err();
    assert_eq!(err.exit(), crate::exit::Exit::Tool);
    assert!(err.to_string().contains("not found"), "{err}");
}

#[test]
fn a_binary_rewritten_in_place_is_hashed_again() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let path = tool(dir.path(), "trivy", BODY);
    let program = path.display().to_string();
    let first = identify("trivy", &program, pin(None, false), &cache).unwrap();
    assert!(cache.join(CACHE_FILE).exists(), "the hash is cached");
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    // Same length, same inode, modification time put back: only the change
    // time tells.
    let evil = BODY.replace("trivy", "evily");
    assert_eq!(evil.len(), BODY.len());
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .and_then(|mut f| {
            use std::io::Write as _;
            f.write_all(evil.as_bytes())
        })
        .unwrap();
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(modified)
        .unwrap();
    let second = identify("trivy", &program, pin(Some(&first.sha256), false), &cache);
    let err = second.unwrap_err();
    assert!(
        err.to_string()
            .contains(&hex::encode(Sha256::digest(evil.as_bytes()))),
        "{err}"
    );
}

#[test]
fn a_corrupt_cache_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let path = tool(dir.path(), "trivy", BODY);
    std::fs::write(dir.path().join(CACHE_FILE), "{ not json").unwrap();
    let found = identify(
        "trivy",
        &path.display().to_string(),
        pin(None, false),
        dir.path(),
    )
    .unwrap();
    assert_eq!(found.sha256, body_sha256());
}
