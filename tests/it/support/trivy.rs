//! Real Trivy, offline, against a vulnerability DB we make ourselves.
//!
//! - The DB: `ci/trivy-db` (a small Go program, built in GOPATH mode with
//!   Debian's `golang-go` and `golang-github-coreos-bbolt-dev`) turns
//!   `fixtures/trivy-db/db.json` into `<cache>/db/{trivy.db,metadata.json}`,
//!   once per test process ([`trivy_db_cache`]). Trivy locks its cache dir,
//!   so every concurrent scan needs its own copy ([`fresh_cache_dir`]).
//! - The images: `fixtures/images/<name>/` build contexts (FROM scratch + a
//!   tiny Debian 12 rootfs), built with real buildah (`--timestamp 0`: same
//!   digest on every build) and pushed to a test registry
//!   ([`build_fixture_image`]).
//! - [`run_trivy`] scans an image with the real Trivy and returns its JSON.
//!
//! Call [`trivy_available`] (and [`buildah_available`]) first: like
//! `require_tool`, they skip outside CI and panic under `CI=true`.
//!
//! Process-lifetime files live in `$CARGO_TARGET_TMPDIR/trivy-bed/p<pid>-*`;
//! dirs left by processes that are gone are removed on first use.
#![allow(dead_code)]

use std::collections::HashSet;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use super::{require_tool, Registry};

/// The crate root (fixtures and `ci/` are found from here).
const MANIFEST_DIR: &str = env!("CARGO_MANIFEST_DIR");

/// Debian's GOPATH root holding `go.etcd.io/bbolt` (golang-github-coreos-bbolt-dev).
pub const DEBIAN_GOCODE: &str = "/usr/share/gocode";

/// The bbolt sources the DB writer needs, inside [`DEBIAN_GOCODE`].
const BBOLT_SRC: &str = "/usr/share/gocode/src/go.etcd.io/bbolt";

/// The fixture images under `fixtures/images/`.
pub const FIXTURE_IMAGES: [&str; 3] = ["vulnerable", "clean", "unfixed-only"];

/// Limit for one Trivy run (it hangs forever on a cache dir locked by another
/// process).
const TRIVY_TIMEOUT: Duration = Duration::from_secs(120);

/// Limit for one `go build` or buildah invocation.
const TOOL_TIMEOUT: Duration = Duration::from_secs(300);

/// Numbers the cache dirs handed out by [`fresh_cache_dir`].
static CACHE_SEQ: AtomicU64 = AtomicU64::new(0);

/// `fixtures/trivy-db/db.json`.
pub fn db_fixture_path() -> PathBuf {
    Path::new(MANIFEST_DIR).join("fixtures/trivy-db/db.json")
}

/// `fixtures/images/<name>` (a build context with a `Containerfile`).
pub fn fixture_image_dir(name: &str) -> PathBuf {
    Path::new(MANIFEST_DIR).join("fixtures/images").join(name)
}

/// `fixtures/trivy/` (captured real Trivy reports).
pub fn captured_reports_dir() -> PathBuf {
    Path::new(MANIFEST_DIR).join("fixtures/trivy")
}

/// Whether Trivy and the DB writer's toolchain (`go` + Debian's bbolt
/// sources) are installed. Outside CI a missing one prints `SKIPPED: ...`
/// and returns false; under `CI=true` it panics.
pub fn trivy_available() -> bool {
    require_tool("trivy") && require_tool("go") && require_path(BBOLT_SRC, "bbolt Go sources")
}

/// Whether buildah is installed (same skip/panic rule as [`trivy_available`]).
pub fn buildah_available() -> bool {
    require_tool("buildah")
}

/// [`super::require_tool`] for something that is a path, not a command.
fn require_path(path: &str, what: &str) -> bool {
    if Path::new(path).exists() {
        return true;
    }
    let test = std::thread::current()
        .name()
        .unwrap_or("<unnamed test>")
        .to_string();
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!(
            "{test}: required {what} ({path}) not installed, and CI=true: \
             CI must install it (Debian: golang-github-coreos-bbolt-dev)"
        );
    }
    eprintln!("SKIPPED: {test}: {what} ({path}) not installed");
    false
}

/// This process's private dir for the DB, caches, buildah storage and a HOME
/// for Trivy. Made once; kept until the process ends (a later process removes
/// it).
fn process_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("trivy-bed");
        fs::create_dir_all(&root).unwrap_or_else(|e| panic!("create {}: {e}", root.display()));
        remove_stale_process_dirs(&root);
        let dir = tempfile::Builder::new()
            .prefix(&format!("p{}-", std::process::id()))
            .tempdir_in(&root)
            .expect("create this process's trivy-bed dir")
            .keep();
        dir
    })
}

/// Removes `p<pid>-*` dirs whose process no longer runs.
fn remove_stale_process_dirs(root: &Path) {
    let Ok(entries) = fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix('p')
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// A Trivy cache dir holding only the DB built from
/// `fixtures/trivy-db/db.json` (`<dir>/db/trivy.db`, `<dir>/db/metadata.json`).
/// Built once per process: `go build` of `ci/trivy-db`, then one run of it.
/// Shared: scan with a [`fresh_cache_dir`] instead, since Trivy locks it.
/// Panics when the toolchain is missing: call [`trivy_available`] first.
pub fn trivy_db_cache() -> PathBuf {
    static CACHE: OnceLock<PathBuf> = OnceLock::new();
    CACHE.get_or_init(build_db).clone()
}

fn build_db() -> PathBuf {
    let cache = process_dir().join("db-build").join("cache");
    write_db(&db_fixture_path(), &cache);
    cache
}

/// `ci/trivy-db`, built once per process.
fn db_writer() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let base = process_dir().join("db-build");
        let gopath = base.join("gopath");
        fs::create_dir_all(&gopath).unwrap_or_else(|e| panic!("create {}: {e}", gopath.display()));
        let bin = base.join("trivy-db");
        let started = Instant::now();
        let mut go = Command::new("go");
        go.args(["build", "-o"])
            .arg(&bin)
            .arg("./ci/trivy-db")
            .current_dir(MANIFEST_DIR)
            .env("GO111MODULE", "off")
            .env("GOFLAGS", "")
            .env(
                "GOPATH",
                format!("{}:{DEBIAN_GOCODE}", gopath.to_string_lossy()),
            );
        let no_default_cache = std::env::var_os("GOCACHE").is_none()
            && std::env::var_os("HOME").is_none()
            && std::env::var_os("XDG_CACHE_HOME").is_none();
        if no_default_cache {
            go.env("GOCACHE", base.join("gocache"));
        }
        run_checked(&mut go, "go build ./ci/trivy-db");
        eprintln!(
            "trivy bed: go build ci/trivy-db took {:?}",
            started.elapsed()
        );
        bin
    })
    .clone()
}

/// Writes the Trivy DB of `fixture` (the format of `fixtures/trivy-db/db.json`)
/// into the cache dir `cache`.
pub fn write_db(fixture: &Path, cache: &Path) {
    let started = Instant::now();
    run_checked(
        Command::new(db_writer())
            .arg("-fixture")
            .arg(fixture)
            .arg("-cache")
            .arg(cache),
        "trivy-db (write the DB)",
    );
    eprintln!(
        "trivy bed: writing the DB {} took {:?}",
        cache.display(),
        started.elapsed()
    );
    for file in ["db/trivy.db", "db/metadata.json"] {
        assert!(
            cache.join(file).is_file(),
            "trivy-db ran but did not write {}",
            cache.join(file).display()
        );
    }
}

/// A new Trivy cache dir (kept for the process) holding a copy of the DB from
/// [`trivy_db_cache`]: Trivy locks its cache, so use one per concurrent scan.
pub fn fresh_cache_dir() -> PathBuf {
    let source = trivy_db_cache().join("db");
    let n = CACHE_SEQ.fetch_add(1, Ordering::Relaxed);
    let dir = process_dir().join(format!("cache-{n}"));
    let db = dir.join("db");
    fs::create_dir_all(&db).unwrap_or_else(|e| panic!("create {}: {e}", db.display()));
    for file in ["trivy.db", "metadata.json"] {
        fs::copy(source.join(file), db.join(file))
            .unwrap_or_else(|e| panic!("copy {file} into {}: {e}", db.display()));
    }
    dir
}

/// Serializes buildah (one storage, one process at a time) and remembers
/// which fixture images this process has built.
fn buildah_lock() -> &'static Mutex<HashSet<String>> {
    static LOCK: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    LOCK.get_or_init(|| Mutex::new(HashSet::new()))
}

/// `buildah` with this process's vfs storage.
fn buildah() -> Command {
    let dir = process_dir().join("buildah");
    let mut cmd = Command::new("buildah");
    cmd.arg("--storage-driver")
        .arg("vfs")
        .arg("--root")
        .arg(dir.join("root"))
        .arg("--runroot")
        .arg(dir.join("runroot"));
    cmd
}

/// Builds `fixtures/images/<name>` (`vulnerable`, `clean` or `unfixed-only`)
/// with buildah (once per process, `--timestamp 0`) and pushes it to
/// `registry` as `repo:tag`. Returns the manifest digest (`sha256:...`).
/// Works with TLS and auth registries too. Panics when buildah is missing:
/// call [`buildah_available`] first.
pub fn build_fixture_image(registry: &Registry, name: &str, repo: &str, tag: &str) -> String {
    let context = fixture_image_dir(name);
    assert!(
        context.join("Containerfile").is_file(),
        "no fixture image {name:?}: {} has no Containerfile (known: {FIXTURE_IMAGES:?})",
        context.display()
    );
    let local = format!("localhost/vimes-fixture-{name}:latest");
    let mut built = buildah_lock()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());

    if !built.contains(name) {
        let started = Instant::now();
        run_checked(
            buildah()
                .args(["bud", "--isolation", "chroot", "--format", "oci"])
                .args(["--timestamp", "0", "--quiet", "-t", &local, "-f"])
                .arg(context.join("Containerfile"))
                .arg(&context),
            &format!("buildah bud fixtures/images/{name}"),
        );
        eprintln!("trivy bed: buildah bud {name} took {:?}", started.elapsed());
        built.insert(name.to_string());
    }

    let n = CACHE_SEQ.fetch_add(1, Ordering::Relaxed);
    let digest_file = process_dir().join(format!("push-{n}.digest"));
    let mut push = buildah();
    push.arg("push");
    if registry.is_tls() {
        let ca = registry
            .ca_cert_path()
            .expect("a TLS registry has a CA certificate");
        let cert_dir = process_dir().join(format!("certs-{n}"));
        fs::create_dir_all(&cert_dir)
            .unwrap_or_else(|e| panic!("create {}: {e}", cert_dir.display()));
        fs::copy(&ca, cert_dir.join("ca.crt"))
            .unwrap_or_else(|e| panic!("copy {}: {e}", ca.display()));
        push.arg("--cert-dir").arg(cert_dir);
    } else {
        push.arg("--tls-verify=false");
    }
    if let Some((user, password)) = registry.credentials() {
        push.arg("--creds").arg(format!("{user}:{password}"));
    }
    let started = Instant::now();
    run_checked(
        push.arg("--quiet")
            .arg("--digestfile")
            .arg(&digest_file)
            .arg(&local)
            .arg(format!("docker://{}/{repo}:{tag}", registry.host())),
        &format!("buildah push {name} to {}/{repo}:{tag}", registry.host()),
    );
    drop(built);
    eprintln!(
        "trivy bed: buildah push {name} took {:?}",
        started.elapsed()
    );
    let digest = fs::read_to_string(&digest_file)
        .unwrap_or_else(|e| panic!("read {}: {e}", digest_file.display()))
        .trim()
        .to_string();
    assert!(
        digest.starts_with("sha256:") && digest.len() == 71,
        "buildah push wrote an odd digest: {digest:?}"
    );
    digest
}

/// Runs `trivy image --cache-dir CACHE --skip-db-update --skip-java-db-update
/// --scanners vuln --insecure --format json --quiet IMAGE_REF` and returns its
/// JSON report. Panics (with stderr) unless Trivy exits 0.
pub fn run_trivy(cache: &Path, image_ref: &str) -> serde_json::Value {
    let text = run_trivy_raw(cache, image_ref, &[], &[]);
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("trivy printed no JSON report: {e}\n{text}"))
}

/// [`run_trivy`] with more arguments (before the image ref) and environment
/// variables (e.g. `TRIVY_USERNAME`), returning stdout as Trivy wrote it.
/// Trivy runs with a cleared environment: PATH, a private HOME (no
/// `~/.docker/config.json`), `TRIVY_NO_PROGRESS=true`, then `envs`.
pub fn run_trivy_raw(
    cache: &Path,
    image_ref: &str,
    extra_args: &[&str],
    envs: &[(&str, &str)],
) -> String {
    let home = process_dir().join("trivy-home");
    fs::create_dir_all(&home).unwrap_or_else(|e| panic!("create {}: {e}", home.display()));
    let mut cmd = Command::new("trivy");
    cmd.arg("image")
        .arg("--cache-dir")
        .arg(cache)
        .args([
            "--skip-db-update",
            "--skip-java-db-update",
            "--scanners",
            "vuln",
        ])
        .args(["--insecure", "--format", "json", "--quiet"])
        .args(extra_args)
        .arg(image_ref)
        .env_clear()
        .env(
            "PATH",
            std::env::var_os("PATH").unwrap_or_else(|| "/usr/local/bin:/usr/bin:/bin".into()),
        )
        .env("HOME", &home)
        .env("TRIVY_NO_PROGRESS", "true");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let started = Instant::now();
    let out = run_with_timeout(&mut cmd, TRIVY_TIMEOUT, &format!("trivy image {image_ref}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "trivy image {image_ref} failed ({}) after {:?}\n---- stdout ----\n{stdout}\n---- stderr ----\n{}",
        out.status,
        started.elapsed(),
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!(
        "trivy bed: trivy image {image_ref} took {:?}",
        started.elapsed()
    );
    stdout
}

/// Runs a command to completion (killed after [`TOOL_TIMEOUT`]); panics with
/// its output unless it exits 0.
fn run_checked(cmd: &mut Command, what: &str) -> Output {
    let out = run_with_timeout(cmd, TOOL_TIMEOUT, what);
    assert!(
        out.status.success(),
        "{what} failed ({})\n---- stdout ----\n{}\n---- stderr ----\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Runs a command with stdin closed and output captured; kills it and panics
/// when it takes longer than `timeout`.
fn run_with_timeout(cmd: &mut Command, timeout: Duration, what: &str) -> Output {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {what}: {e}"));
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("poll a child process") {
            break Some(status);
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let stdout = stdout.join().expect("stdout reader thread");
    let stderr = stderr.join().expect("stderr reader thread");
    let Some(status) = status else {
        panic!(
            "{what} did not finish within {timeout:?} and was killed\n---- stdout ----\n{}\n---- stderr ----\n{}",
            String::from_utf8_lossy(&stdout),
            String::from_utf8_lossy(&stderr)
        );
    };
    Output {
        status,
        stdout,
        stderr,
    }
}

fn drain<R: Read + Send + 'static>(pipe: Option<R>) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(mut p) = pipe {
            let _ = p.read_to_end(&mut buf);
        }
        buf
    })
}

/// One finding of a Trivy report, reduced to what the self-tests and most
/// assertions care about. Missing fields read as "".
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    /// `VulnerabilityID`.
    pub id: String,
    /// `PkgName` (the binary package for Debian).
    pub package: String,
    /// `Severity`.
    pub severity: String,
    /// `FixedVersion` ("" when absent: no fix).
    pub fixed_version: String,
    /// `Status` (`fixed`, `affected`, ...).
    pub status: String,
    /// `SeveritySource` (`debian`, `nvd`, `ghsa`, ...).
    pub severity_source: String,
}

impl Finding {
    /// A finding from string literals, in field order.
    pub fn new(
        id: &str,
        package: &str,
        severity: &str,
        fixed_version: &str,
        status: &str,
        severity_source: &str,
    ) -> Finding {
        Finding {
            id: id.to_string(),
            package: package.to_string(),
            severity: severity.to_string(),
            fixed_version: fixed_version.to_string(),
            status: status.to_string(),
            severity_source: severity_source.to_string(),
        }
    }
}

/// Every finding of a Trivy JSON report (all Results), sorted.
pub fn findings(report: &serde_json::Value) -> Vec<Finding> {
    let field = |v: &serde_json::Value, k: &str| v[k].as_str().unwrap_or("").to_string();
    let mut rows: Vec<Finding> = report["Results"]
        .as_array()
        .map(|results| results.as_slice())
        .unwrap_or_default()
        .iter()
        .filter_map(|result| result["Vulnerabilities"].as_array())
        .flatten()
        .map(|v| Finding {
            id: field(v, "VulnerabilityID"),
            package: field(v, "PkgName"),
            severity: field(v, "Severity"),
            fixed_version: field(v, "FixedVersion"),
            status: field(v, "Status"),
            severity_source: field(v, "SeveritySource"),
        })
        .collect();
    rows.sort();
    rows
}
