//! A SoftHSM2 token of its own for one test: a config file and token
//! directory in a tempdir (`SOFTHSM2_CONF`), initialised with
//! `softhsm2-util`; `pkcs11-tool` (opensc) makes keys vimes did not make.

use super::env::{require_tool, TestEnv};
use std::path::PathBuf;
use std::process::Command;
use tempfile::TempDir;

/// Debian's SoftHSM2 module.
pub const MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";

/// The token's user PIN. Distinctive, so a test can tell it never shows.
pub const PIN: &str = "271828";

/// Whether SoftHSM2 is here (skip with a reason, or fail with `CI=true`).
pub fn available() -> bool {
    require_tool("softhsm2-util") && module_present()
}

fn module_present() -> bool {
    if std::path::Path::new(MODULE).is_file() {
        return true;
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{MODULE} is missing and CI=true: CI must install softhsm2");
    }
    eprintln!("SKIPPED: {MODULE} not installed");
    false
}

/// One initialised token.
pub struct SoftHsm {
    dir: TempDir,
    /// The token's label.
    pub label: String,
}

impl SoftHsm {
    /// A fresh token directory holding one token labelled `label`.
    pub fn new(label: &str) -> SoftHsm {
        let dir = tempfile::Builder::new()
            .prefix("vimes-softhsm-")
            .tempdir()
            .expect("tempdir for the token");
        std::fs::create_dir(dir.path().join("tokens")).expect("token dir");
        std::fs::write(
            dir.path().join("softhsm2.conf"),
            format!(
                "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
                dir.path().join("tokens").display()
            ),
        )
        .expect("softhsm2.conf");
        let hsm = SoftHsm {
            dir,
            label: label.to_string(),
        };
        hsm.run(
            "softhsm2-util",
            &[
                "--init-token",
                "--free",
                "--label",
                label,
                "--pin",
                PIN,
                "--so-pin",
                "5678",
            ],
        );
        hsm
    }

    /// The `SOFTHSM2_CONF` to hand to every process using this token.
    pub fn conf(&self) -> PathBuf {
        self.dir.path().join("softhsm2.conf")
    }

    /// Points `env`'s runs at this token, with the PIN in `COSIGN_PKCS11_PIN`.
    pub fn attach(&self, env: &mut TestEnv) {
        env.env("SOFTHSM2_CONF", self.conf().display().to_string());
        env.env("COSIGN_PKCS11_PIN", PIN);
    }

    /// A key pair made by opensc's `pkcs11-tool`, e.g. `EC:secp384r1` or
    /// `rsa:2048`; false (skipped, or panics in CI) without pkcs11-tool.
    pub fn keypair(&self, key_type: &str, label: &str, id: &str) -> bool {
        if !require_tool("pkcs11-tool") {
            return false;
        }
        self.run(
            "pkcs11-tool",
            &[
                "--module",
                MODULE,
                "--login",
                "--pin",
                PIN,
                "--keypairgen",
                "--key-type",
                key_type,
                "--label",
                label,
                "--id",
                id,
            ],
        );
        true
    }

    /// The URI of `object` in this token, with the module path.
    pub fn uri(&self, object: &str) -> String {
        format!(
            "pkcs11:token={};object={object}?module-path={MODULE}",
            self.label
        )
    }

    fn run(&self, program: &str, args: &[&str]) {
        let out = Command::new(program)
            .args(args)
            .env("SOFTHSM2_CONF", self.conf())
            .output()
            .unwrap_or_else(|e| panic!("{program}: {e}"));
        assert!(
            out.status.success(),
            "{program} {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
