//! A throwaway PostgreSQL server (Debian's `postgresql`) for one test: a
//! fresh cluster in a temporary directory, owned by and run as the
//! `postgres` user (the server refuses to run as root), on a free loopback
//! port, with scram-sha-256 password authentication and, on request, TLS
//! with a certificate from a CA made here with `openssl`. Dropping it stops
//! the server and deletes the directory.
#![allow(dead_code)]

use super::env::{find_on_path, require_tool};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The database user the cluster is made with.
pub const USER: &str = "vimes";
/// Its password (scram-sha-256).
pub const PASSWORD: &str = "inventory test password";

/// A running server.
pub struct Postgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    tls: bool,
}

/// The directory of `initdb` and `pg_ctl` (Debian keeps them off PATH).
fn bin_dir() -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|bin| bin.join("initdb").is_file())
        .collect();
    found.sort();
    found.pop()
}

/// Whether the test bed can run PostgreSQL here (skip or, in CI, fail as
/// `require_tool` does).
pub fn available() -> bool {
    let initdb = bin_dir().map(|b| b.join("initdb"));
    let initdb = initdb
        .as_deref()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_else(|| "initdb".into());
    require_tool(&initdb) && require_tool("runuser") && require_tool("openssl")
}

fn run(what: &str, cmd: &mut Command) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed: {}\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn as_postgres(program: &Path) -> Command {
    let mut cmd = Command::new("runuser");
    cmd.args(["-u", "postgres", "--"]).arg(program);
    cmd
}

fn chown_postgres(path: &Path) {
    run(
        "chown",
        Command::new("chown")
            .arg("-R")
            .arg("postgres:postgres")
            .arg(path),
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

impl Postgres {
    /// A server with password authentication over plain TCP on 127.0.0.1.
    pub fn start() -> Postgres {
        Self::start_with(false)
    }

    /// A server that also offers TLS (certificate for 127.0.0.1 signed by
    /// [`Postgres::ca_file`]).
    pub fn start_tls() -> Postgres {
        Self::start_with(true)
    }

    fn start_with(tls: bool) -> Postgres {
        let bin = bin_dir().expect("PostgreSQL's initdb (apt-get install postgresql)");
        let dir = tempfile::Builder::new()
            .prefix("vimes-pg-")
            .tempdir()
            .expect("tempdir for PostgreSQL");
        std::fs::write(dir.path().join("pwfile"), PASSWORD).expect("write pwfile");
        chown_postgres(dir.path());
        run(
            "initdb",
            as_postgres(&bin.join("initdb"))
                .arg("-D")
                .arg(dir.path().join("data"))
                .args(["-A", "scram-sha-256", "-U", USER, "--no-sync"])
                .arg(format!("--pwfile={}", dir.path().join("pwfile").display())),
        );
        let mut pg = Postgres {
            dir,
            bin,
            port: 0,
            tls,
        };
        if tls {
            pg.make_certificates();
        }
        // Another developer's test may take the port between our probe and
        // the server's bind: try a few.
        for _ in 0..5 {
            pg.port = free_port();
            if pg.pg_ctl_start() {
                // initdb makes only `postgres`; the tests' URLs name `vimes`.
                pg.psql_in("postgres", &format!("CREATE DATABASE {USER}"));
                return pg;
            }
        }
        panic!(
            "PostgreSQL did not start\n{}",
            std::fs::read_to_string(pg.dir.path().join("log")).unwrap_or_default()
        );
    }

    fn pg_ctl_start(&self) -> bool {
        let d = self.dir.path();
        let mut options = format!(
            "-c listen_addresses=127.0.0.1 -p {} -k {} -c fsync=off -c max_connections=40",
            self.port,
            d.display()
        );
        if self.tls {
            options.push_str(&format!(
                " -c ssl=on -c ssl_cert_file={} -c ssl_key_file={}",
                d.join("server.crt").display(),
                d.join("server.key").display()
            ));
        }
        as_postgres(&self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(d.join("data"))
            .args(["-o", &options, "-l"])
            .arg(d.join("log"))
            .args(["-w", "-t", "30", "start"])
            .output()
            .is_ok_and(|o| o.status.success())
    }

    /// A CA, and a server certificate for IP 127.0.0.1 signed by it (rustls
    /// refuses a self-signed certificate used directly).
    fn make_certificates(&self) {
        let d = self.dir.path();
        let openssl = find_on_path("openssl").expect("openssl");
        let ssl = |args: &[&str]| {
            run("openssl", Command::new(&openssl).current_dir(d).args(args));
        };
        ssl(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=vimes test CA",
            "-keyout",
            "ca.key",
            "-out",
            "ca.crt",
        ]);
        std::fs::write(
            d.join("leaf.ext"),
            "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1\n",
        )
        .expect("write leaf.ext");
        ssl(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
        ]);
        ssl(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "leaf.ext",
            "-out",
            "server.crt",
        ]);
        chown_postgres(d);
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(d.join("server.key"), std::fs::Permissions::from_mode(0o600))
            .expect("chmod server.key");
    }

    /// The port it listens on (127.0.0.1).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `postgres://vimes@127.0.0.1:PORT/vimes`, plain (`sslmode=disable`) or
    /// verified TLS (the default `verify-full`).
    pub fn url(&self, tls: bool) -> String {
        let mode = if tls { "" } else { "?sslmode=disable" };
        format!("postgres://{USER}@127.0.0.1:{}/{USER}{mode}", self.port)
    }

    /// The CA that signed the server's certificate (TLS servers).
    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("ca.crt")
    }

    /// Runs SQL as the superuser with `psql` (from the same installation).
    pub fn psql(&self, sql: &str) -> String {
        self.psql_in(USER, sql)
    }

    /// Runs SQL in database `db`.
    pub fn psql_in(&self, db: &str, sql: &str) -> String {
        let out = run(
            "psql",
            Command::new(self.bin.join("psql"))
                .env("PGPASSWORD", PASSWORD)
                .args([
                    "-X",
                    "-q",
                    "-t",
                    "-A",
                    "-v",
                    "ON_ERROR_STOP=1",
                    "-h",
                    "127.0.0.1",
                ])
                .args([
                    "-p",
                    &self.port.to_string(),
                    "-U",
                    USER,
                    "-d",
                    db,
                    "-c",
                    sql,
                ]),
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// A fresh empty database on this server (its name in the URL instead of `vimes`).
    pub fn create_database(&self, name: &str) -> String {
        self.psql(&format!("CREATE DATABASE {name}"));
        format!(
            "postgres://{USER}@127.0.0.1:{}/{name}?sslmode=disable",
            self.port
        )
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        if self.port != 0 {
            let _ = as_postgres(&self.bin.join("pg_ctl"))
                .arg("-D")
                .arg(self.dir.path().join("data"))
                .args(["-m", "immediate", "-w", "stop"])
                .output();
        }
        // The TempDir deletes the cluster (root may delete postgres' files).
    }
}
