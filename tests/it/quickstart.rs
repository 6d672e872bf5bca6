//! README's main-job command (`scripts/quickstart`) as a newcomer runs it on
//! a fresh machine or a CI runner: an empty home, no git identity, no `USER`,
//! nothing else in the environment. It must promote and verify.

use crate::support::{TestBed, VIMES_BIN};
use std::process::Command;

#[test]
fn the_quickstart_passes_with_an_empty_home_no_git_identity_and_no_user() {
    let Some(_bed) = TestBed::builder()
        .tools([
            "docker-registry",
            "buildah",
            "trivy",
            "syft",
            "go",
            "curl",
            "python3",
        ])
        .build()
    else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Command::new(format!("{root}/scripts/quickstart"))
        .current_dir(root)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("VIMES_BIN", VIMES_BIN)
        .env("VIMES_QUICKSTART_DIR", work.path())
        // git must find no identity: no global or system configuration.
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "scripts/quickstart failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    assert!(
        stdout.contains("==> done: production holds"),
        "{stdout}\n{stderr}"
    );
    assert!(
        stderr.contains("sign: key sha256:") || stdout.contains("sign: key sha256:"),
        "the sign step names the key as a key:\n{stdout}\n{stderr}"
    );
}
