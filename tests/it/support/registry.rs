//! A real registry for the tests: Debian's `docker-registry` (CNCF distribution
//! 2.8) on a free loopback port, with its storage, configuration and logs in a
//! tempdir. Optional htpasswd (Basic) auth and TLS with a CA made by `openssl`.
//! The process is killed and reaped on drop; its log tail is printed when the
//! test is panicking.
#![allow(dead_code)]

use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// The registry binary (Debian package `docker-registry`).
pub const REGISTRY_BIN: &str = "/usr/bin/docker-registry";

/// How long the registry may take to answer `GET /v2/`.
const START_TIMEOUT: Duration = Duration::from_secs(10);

/// Attempts when the chosen port was taken between picking and binding it.
const START_ATTEMPTS: usize = 5;

/// Distinguishes registries (and their CAs) started by this process.
static INSTANCE: AtomicU64 = AtomicU64::new(0);

/// What kind of registry to start.
#[derive(Clone, Debug, Default)]
pub struct RegistryOptions {
    /// Serve HTTPS with a leaf signed by a fresh test CA.
    pub tls: bool,
    /// Require HTTP Basic auth with these credentials (htpasswd, bcrypt).
    pub auth: Option<(String, String)>,
    /// Require bearer tokens from this realm (distribution's `auth.token`),
    /// so that `/v2/` answers `WWW-Authenticate: Bearer realm="<this>"`.
    pub token_realm: Option<String>,
}

/// A running `docker-registry` owned by a test.
pub struct Registry {
    dir: TempDir,
    child: Child,
    port: u16,
    tls: bool,
    credentials: Option<(String, String)>,
    ca_cert: Option<PathBuf>,
}

impl Registry {
    /// Plain HTTP, anonymous.
    pub fn plain() -> Registry {
        Registry::start(RegistryOptions::default())
    }

    /// HTTPS (test CA, see [`Registry::ca_cert_path`]) with Basic auth.
    pub fn tls_auth(user: &str, password: &str) -> Registry {
        Registry::start(RegistryOptions {
            tls: true,
            auth: Some((user.to_string(), password.to_string())),
            ..Default::default()
        })
    }

    /// HTTPS (test CA), anonymous.
    pub fn tls() -> Registry {
        Registry::start(RegistryOptions {
            tls: true,
            ..Default::default()
        })
    }

    /// Any combination of TLS and auth.
    pub fn start(options: RegistryOptions) -> Registry {
        assert!(
            Path::new(REGISTRY_BIN).exists(),
            "{REGISTRY_BIN} is missing: install Debian's docker-registry \
             (call support::require_tool(\"docker-registry\") first to skip instead)"
        );
        let instance = INSTANCE.fetch_add(1, Ordering::Relaxed);
        let dir = tempfile::Builder::new()
            .prefix("vimes-registry-")
            .tempdir()
            .expect("create a tempdir for the registry");
        let storage = dir.path().join("storage");
        fs::create_dir_all(&storage).expect("create the registry storage dir");

        let ca_cert = if options.tls {
            Some(make_tls_files(dir.path(), instance))
        } else {
            None
        };
        if let Some((user, password)) = &options.auth {
            write_htpasswd(dir.path(), user, password);
        }
        if options.token_realm.is_some() {
            make_token_root(dir.path());
        }

        let mut last_failure = String::new();
        for attempt in 1..=START_ATTEMPTS {
            let port = free_port();
            let token = format!("{}-{}-{}-{}", std::process::id(), instance, attempt, port);
            let config = dir.path().join("config.yml");
            fs::write(&config, config_yaml(dir.path(), port, &token, &options))
                .expect("write the registry config");
            let log_path = dir.path().join("registry.log");
            let log = fs::File::create(&log_path).expect("create the registry log file");
            let log_err = log.try_clone().expect("clone the registry log handle");
            let mut child = Command::new(REGISTRY_BIN)
                .arg("serve")
                .arg(&config)
                .stdin(Stdio::null())
                .stdout(Stdio::from(log))
                .stderr(Stdio::from(log_err))
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {REGISTRY_BIN}: {e}"));

            match wait_ready(&mut child, port, &token, ca_cert.as_deref()) {
                Ok(()) => {
                    return Registry {
                        dir,
                        child,
                        port,
                        tls: options.tls,
                        credentials: options.auth,
                        ca_cert,
                    };
                }
                Err(why) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    let logs = fs::read_to_string(&log_path).unwrap_or_default();
                    last_failure = format!("attempt {attempt} on port {port}: {why}\n{logs}");
                    // Only a lost port race is worth retrying.
                    if !logs.contains("address already in use") {
                        break;
                    }
                }
            }
        }
        panic!("docker-registry did not start:\n{last_failure}");
    }

    /// `127.0.0.1:PORT`.
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("{}://{}", self.scheme(), self.host())
    }

    /// `http` or `https`.
    pub fn scheme(&self) -> &'static str {
        if self.tls {
            "https"
        } else {
            "http"
        }
    }

    /// Whether it serves HTTPS.
    pub fn is_tls(&self) -> bool {
        self.tls
    }

    /// PEM of the CA that signed the server certificate (TLS registries only).
    pub fn ca_cert_path(&self) -> Option<PathBuf> {
        self.ca_cert.clone()
    }

    /// The user and password it requires (auth registries only).
    pub fn credentials(&self) -> Option<(String, String)> {
        self.credentials.clone()
    }

    /// Root of the filesystem storage driver.
    pub fn storage_root(&self) -> PathBuf {
        self.dir.path().join("storage")
    }

    /// Where distribution keeps the bytes of a blob (`sha256:<hex>` or `<hex>`).
    pub fn blob_path(&self, digest: &str) -> PathBuf {
        let hex = digest.strip_prefix("sha256:").unwrap_or(digest);
        assert!(
            hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()),
            "not a sha256 digest: {digest}"
        );
        self.storage_root()
            .join("docker/registry/v2/blobs/sha256")
            .join(&hex[..2])
            .join(hex)
            .join("data")
    }

    /// Overwrites a stored blob with different bytes of the same length, so the
    /// registry serves content that no longer matches its digest.
    pub fn corrupt_blob(&self, digest: &str) {
        let path = self.blob_path(digest);
        let mut bytes = fs::read(&path)
            .unwrap_or_else(|e| panic!("cannot read blob {digest} at {}: {e}", path.display()));
        assert!(
            !bytes.is_empty(),
            "blob {digest} is empty: nothing to corrupt"
        );
        for b in bytes.iter_mut() {
            *b ^= 0x5a;
        }
        fs::write(&path, &bytes).unwrap_or_else(|e| {
            panic!("cannot overwrite blob {digest} at {}: {e}", path.display())
        });
    }

    /// The tempdir holding config, certificates, storage and log.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Everything the registry logged so far.
    pub fn logs(&self) -> String {
        fs::read_to_string(self.dir.path().join("registry.log"))
            .unwrap_or_else(|e| format!("(cannot read the registry log: {e})"))
    }
}

/// Registries held in statics, which are never dropped: (pid, directory).
static AT_EXIT: std::sync::Mutex<Vec<(u32, PathBuf)>> = std::sync::Mutex::new(Vec::new());

extern "C" fn stop_static_registries() {
    if let Ok(registries) = AT_EXIT.lock() {
        for (pid, dir) in registries.iter() {
            if let Ok(pid) = libc::pid_t::try_from(*pid) {
                // SAFETY: kill(2) on a child this process started.
                unsafe { libc::kill(pid, libc::SIGKILL) };
            }
            let _ = fs::remove_dir_all(dir);
        }
    }
}

impl Registry {
    /// For a registry kept in a `static` (shared by several tests): stops it
    /// and removes its files when the test process exits, since a static is
    /// never dropped and the registry would outlive the run.
    pub fn stop_at_exit(&self) {
        static REGISTERED: std::sync::Once = std::sync::Once::new();
        REGISTERED.call_once(|| {
            // SAFETY: registers a plain extern "C" function with no captured state.
            unsafe { libc::atexit(stop_static_registries) };
        });
        if let Ok(mut registries) = AT_EXIT.lock() {
            registries.push((self.child.id(), self.dir.path().to_path_buf()));
        }
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            let logs = self.logs();
            let lines: Vec<&str> = logs.lines().collect();
            let tail = &lines[lines.len().saturating_sub(40)..];
            eprintln!(
                "---- docker-registry {} log (last {} lines) ----\n{}\n---- end of registry log ----",
                self.host(),
                tail.len(),
                tail.join("\n")
            );
        }
    }
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry")
            .field("host", &self.host())
            .field("tls", &self.tls)
            .field("auth", &self.credentials.is_some())
            .field("dir", &self.dir.path())
            .finish()
    }
}

/// A port the kernel just handed out on 127.0.0.1 (released again: the
/// registry binds it right after, and a lost race is retried).
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0 to pick a port");
    listener
        .local_addr()
        .expect("local address of the port probe")
        .port()
}

fn config_yaml(dir: &Path, port: u16, token: &str, options: &RegistryOptions) -> String {
    let mut yaml = format!(
        "version: 0.1\n\
         log:\n  level: info\n  formatter: text\n  accesslog:\n    disabled: true\n\
         storage:\n  filesystem:\n    rootdirectory: {storage}\n  delete:\n    enabled: true\n\
         http:\n  addr: 127.0.0.1:{port}\n  secret: vimes-test-secret\n  headers:\n    X-Vimes-Testbed: [\"{token}\"]\n",
        storage = dir.join("storage").display(),
    );
    if options.tls {
        yaml.push_str(&format!(
            "  tls:\n    certificate: {}\n    key: {}\n",
            dir.join("server.crt").display(),
            dir.join("server.key").display()
        ));
    }
    if options.auth.is_some() {
        yaml.push_str(&format!(
            "auth:\n  htpasswd:\n    realm: vimes-test\n    path: {}\n",
            dir.join("htpasswd").display()
        ));
    } else if let Some(realm) = &options.token_realm {
        yaml.push_str(&format!(
            "auth:\n  token:\n    realm: \"{realm}\"\n    service: vimes-test\n    issuer: vimes-test\n    rootcertbundle: {}\n",
            dir.join("token-root.crt").display()
        ));
    }
    yaml
}

/// The certificate distribution would check token signatures against (the
/// tests never issue tokens; the registry only needs one to start).
fn make_token_root(dir: &Path) {
    run_tool(
        dir,
        "openssl",
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "token-root.key",
            "-out",
            "token-root.crt",
            "-days",
            "3650",
            "-subj",
            "/CN=vimes test token root",
        ],
    );
}

/// Polls `GET /v2/` until this very instance answers (checked through a
/// per-start response header, so another process on a recycled port cannot
/// pass for it).
fn wait_ready(child: &mut Child, port: u16, token: &str, ca: Option<&Path>) -> Result<(), String> {
    let scheme = if ca.is_some() { "https" } else { "http" };
    let mut builder = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(2))
        .no_proxy();
    if let Some(ca) = ca {
        let pem = fs::read(ca).expect("read the test CA");
        let cert = reqwest::Certificate::from_pem(&pem).expect("parse the test CA");
        builder = builder.tls_certs_only([cert]);
    }
    let client = builder.build().expect("build the readiness-probe client");
    let url = format!("{scheme}://127.0.0.1:{port}/v2/");
    let deadline = Instant::now() + START_TIMEOUT;
    let mut last = String::from("no answer yet");
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().expect("poll the registry process") {
            return Err(format!("docker-registry exited early ({status})"));
        }
        match client.get(&url).send() {
            Ok(resp) => {
                let ours = resp
                    .headers()
                    .get("x-vimes-testbed")
                    .and_then(|v| v.to_str().ok())
                    == Some(token);
                if ours {
                    return Ok(());
                }
                last = format!(
                    "port {port} is answered by another server ({})",
                    resp.status()
                );
            }
            Err(e) => last = format!("{e}"),
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    Err(format!("no answer within {START_TIMEOUT:?}: {last}"))
}

fn run_tool(dir: &Path, program: &str, args: &[&str]) -> Vec<u8> {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program} (is it installed?): {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// A CA, then a leaf for `IP:127.0.0.1` signed by it (rustls refuses a
/// self-signed server certificate). Returns the CA certificate path.
fn make_tls_files(dir: &Path, instance: u64) -> PathBuf {
    let ca_subject = format!("/CN=vimes test CA {} {}", std::process::id(), instance);
    run_tool(
        dir,
        "openssl",
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.crt",
            "-days",
            "3650",
            "-subj",
            &ca_subject,
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    );
    run_tool(
        dir,
        "openssl",
        &[
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=127.0.0.1",
        ],
    );
    fs::write(
        dir.join("server.ext"),
        "basicConstraints=critical,CA:FALSE\n\
         keyUsage=critical,digitalSignature\n\
         extendedKeyUsage=serverAuth\n\
         subjectAltName=IP:127.0.0.1\n",
    )
    .expect("write the leaf extensions file");
    run_tool(
        dir,
        "openssl",
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-set_serial",
            "2",
            "-days",
            "3650",
            "-extfile",
            "server.ext",
            "-out",
            "server.crt",
        ],
    );
    dir.join("ca.crt")
}

fn write_htpasswd(dir: &Path, user: &str, password: &str) {
    let line = run_tool(dir, "htpasswd", &["-Bbn", user, password]);
    fs::write(dir.join("htpasswd"), line).expect("write the htpasswd file");
}
