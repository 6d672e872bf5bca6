//! Running the real `vimes` binary in a sealed environment: a tempdir that is
//! both HOME and the working directory, an emptied environment (PATH, HOME and
//! what the test sets), and helpers for the files vimes reads.
#![allow(dead_code)]

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// The binary under test.
pub const VIMES_BIN: &str = env!("CARGO_BIN_EXE_vimes");

/// Default limit for one run of the binary.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// Name of the bin dir (inside HOME) put first on PATH.
const BIN_DIR: &str = ".testbin";

/// Whether an external tool the test needs is installed. When it is not: in
/// CI (`CI=true`) the test panics, since CI must provide it; elsewhere this
/// prints `SKIPPED: <test>: <tool> not installed` and returns false so the
/// test can return early.
pub fn require_tool(name: &str) -> bool {
    if find_on_path(name).is_some() {
        return true;
    }
    let test = std::thread::current()
        .name()
        .unwrap_or("<unnamed test>")
        .to_string();
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!(
            "{test}: required tool `{name}` is not installed, and CI=true: \
             CI must install it (see .ci/run)"
        );
    }
    eprintln!("SKIPPED: {test}: {name} not installed");
    false
}

/// Where `name` is found: an existing path when it contains a slash, else the
/// first executable file of that name on PATH.
pub fn find_on_path(name: &str) -> Option<PathBuf> {
    if name.contains('/') {
        let p = PathBuf::from(name);
        return is_executable(&p).then_some(p);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

/// Quotes a string for a POSIX shell script.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// A sealed place to run `vimes`.
#[derive(Debug)]
pub struct TestEnv {
    dir: TempDir,
    envs: Vec<(String, String)>,
    timeout: Duration,
}

impl Default for TestEnv {
    fn default() -> Self {
        TestEnv::new()
    }
}

impl TestEnv {
    /// A fresh tempdir as HOME and working directory; no environment yet.
    pub fn new() -> TestEnv {
        let dir = tempfile::Builder::new()
            .prefix("vimes-home-")
            .tempdir()
            .expect("create a tempdir for HOME");
        TestEnv {
            dir,
            envs: Vec::new(),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// HOME, also the working directory of every run.
    pub fn home(&self) -> &Path {
        self.dir.path()
    }

    /// An absolute path inside HOME.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// The dir put first on PATH for helper scripts (created on demand).
    pub fn bin_dir(&self) -> PathBuf {
        self.path(BIN_DIR)
    }

    /// Sets an environment variable for every run (later values win).
    pub fn env(&mut self, key: &str, value: impl AsRef<str>) -> &mut TestEnv {
        let value = value.as_ref().to_string();
        self.envs.retain(|(k, _)| k != key);
        self.envs.push((key.to_string(), value));
        self
    }

    /// Removes a variable set with [`TestEnv::env`].
    pub fn unset_env(&mut self, key: &str) -> &mut TestEnv {
        self.envs.retain(|(k, _)| k != key);
        self
    }

    /// Limit for each run (default 120 s); the process is killed after it.
    pub fn timeout(&mut self, timeout: Duration) -> &mut TestEnv {
        self.timeout = timeout;
        self
    }

    /// Writes a file relative to HOME (parents created).
    pub fn write(&mut self, rel: &str, contents: impl AsRef<[u8]>) -> &mut TestEnv {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .unwrap_or_else(|e| panic!("create {}: {e}", parent.display()));
        }
        fs::write(&path, contents).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        self
    }

    /// Reads a file relative to HOME as text.
    pub fn read(&self, rel: &str) -> String {
        let path = self.path(rel);
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
    }

    /// Writes `vimes.yaml` in the working directory.
    pub fn config_yaml(&mut self, yaml: &str) -> &mut TestEnv {
        self.write("vimes.yaml", yaml)
    }

    /// Writes `$HOME/.docker/config.json`.
    pub fn docker_config(&mut self, json: &str) -> &mut TestEnv {
        self.write(".docker/config.json", json)
    }

    /// Writes an executable `docker-credential-<name>` into the bin dir. For
    /// `get` it answers each listed `(server_url, username, secret)` whose
    /// server URL equals stdin (trimmed) with
    /// `{"ServerURL","Username","Secret"}`; any other server gets "credentials
    /// not found in native keychain" and exit 1. Every call is appended to
    /// [`TestEnv::credential_helper_calls`].
    pub fn credential_helper(
        &mut self,
        name: &str,
        entries: &[(&str, &str, &str)],
    ) -> &mut TestEnv {
        let log = self.path(&format!("{BIN_DIR}/docker-credential-{name}.calls"));
        let mut cases = String::new();
        for (server, user, secret) in entries {
            let answer = serde_json::json!({
                "ServerURL": server,
                "Username": user,
                "Secret": secret,
            })
            .to_string();
            cases.push_str(&format!(
                "  {}) printf '%s\\n' {}; exit 0 ;;\n",
                shell_quote(server),
                shell_quote(&answer)
            ));
        }
        let script = format!(
            "#!/bin/sh\n\
             # test credential helper written by tests/it/support\n\
             server=$(cat | tr -d ' \\t\\r\\n')\n\
             printf '%s %s\\n' \"$1\" \"$server\" >> {log}\n\
             if [ \"$1\" != get ]; then echo \"unsupported action: $1\" >&2; exit 1; fi\n\
             case \"$server\" in\n\
             {cases}\
             esac\n\
             echo 'credentials not found in native keychain'\n\
             exit 1\n",
            log = shell_quote(&log.to_string_lossy()),
        );
        self.write_executable(&format!("docker-credential-{name}"), &script)
    }

    /// Lines `<action> <server>` logged by a credential helper so far.
    pub fn credential_helper_calls(&self, name: &str) -> Vec<String> {
        let path = self.path(&format!("{BIN_DIR}/docker-credential-{name}.calls"));
        fs::read_to_string(path)
            .map(|s| s.lines().map(str::to_string).collect())
            .unwrap_or_default()
    }

    /// Writes an executable script into the bin dir (first on PATH).
    pub fn write_executable(&mut self, name: &str, script: &str) -> &mut TestEnv {
        use std::os::unix::fs::PermissionsExt;
        let rel = format!("{BIN_DIR}/{name}");
        self.write(&rel, script);
        let path = self.path(&rel);
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755))
            .unwrap_or_else(|e| panic!("chmod {}: {e}", path.display()));
        self
    }

    /// PATH for runs: the bin dir, then the test process's PATH.
    pub fn path_var(&self) -> String {
        let inherited = std::env::var("PATH").unwrap_or_else(|_| "/usr/bin:/bin".to_string());
        format!("{}:{inherited}", self.bin_dir().display())
    }

    /// A `Command` for the binary with the sealed environment (for tests that
    /// need more control than [`TestEnv::run`]).
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(VIMES_BIN);
        cmd.args(args)
            .current_dir(self.home())
            .env_clear()
            .env("PATH", self.path_var())
            .env("HOME", self.home());
        for (k, v) in &self.envs {
            cmd.env(k, v);
        }
        cmd
    }

    /// Runs `vimes ARGS` with stdin closed.
    pub fn run(&self, args: &[&str]) -> RunOutput {
        self.run_with_stdin(args, None)
    }

    /// Runs `vimes ARGS`, feeding `stdin` when given (closed otherwise).
    pub fn run_with_stdin(&self, args: &[&str], stdin: Option<&str>) -> RunOutput {
        let mut cmd = self.command(args);
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        cmd.stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        let started = Instant::now();
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {VIMES_BIN}: {e}"));
        if let (Some(input), Some(mut pipe)) = (stdin, child.stdin.take()) {
            let input = input.to_string();
            std::thread::spawn(move || {
                let _ = pipe.write_all(input.as_bytes());
            });
        }
        let stdout = reader(child.stdout.take());
        let stderr = reader(child.stderr.take());
        let status = loop {
            if let Some(status) = child.try_wait().expect("poll vimes") {
                break Some(status);
            }
            if started.elapsed() > self.timeout {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        let out = RunOutput {
            args: args.iter().map(|s| s.to_string()).collect(),
            code: status
                .map(|s| {
                    use std::os::unix::process::ExitStatusExt;
                    s.code().unwrap_or_else(|| 128 + s.signal().unwrap_or(0))
                })
                .unwrap_or(-1),
            stdout: stdout.join().expect("stdout reader thread"),
            stderr: stderr.join().expect("stderr reader thread"),
            elapsed: started.elapsed(),
        };
        if status.is_none() {
            panic!(
                "vimes {:?} did not finish within {:?} and was killed\n{}",
                out.args,
                self.timeout,
                out.dump()
            );
        }
        out
    }
}

fn reader<R: Read + Send + 'static>(pipe: Option<R>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(mut p) = pipe {
            let _ = p.read_to_end(&mut buf);
        }
        String::from_utf8_lossy(&buf).into_owned()
    })
}

/// What one run of the binary produced.
#[derive(Clone, Debug)]
pub struct RunOutput {
    /// The arguments it ran with.
    pub args: Vec<String>,
    /// Exit code (128 + signal when killed by one; -1 on timeout).
    pub code: i32,
    /// Everything printed on stdout.
    pub stdout: String,
    /// Everything printed on stderr.
    pub stderr: String,
    /// Wall time of the run.
    pub elapsed: Duration,
}

impl RunOutput {
    /// Both streams, for failure messages.
    pub fn dump(&self) -> String {
        format!(
            "---- vimes {:?}: exit {} in {:?} ----\n---- stdout ----\n{}\n---- stderr ----\n{}\n---- end ----",
            self.args, self.code, self.elapsed, self.stdout, self.stderr
        )
    }

    /// Panics (showing stdout and stderr) unless the exit code is `expected`.
    #[track_caller]
    pub fn assert_code(&self, expected: i32) -> &RunOutput {
        if self.code != expected {
            panic!(
                "expected exit code {expected}, got {}\n{}",
                self.code,
                self.dump()
            );
        }
        self
    }

    /// Same as `assert_code(0)`.
    #[track_caller]
    pub fn assert_success(&self) -> &RunOutput {
        self.assert_code(0)
    }

    /// Panics (showing both streams) unless stdout contains `needle`.
    #[track_caller]
    pub fn assert_stdout_contains(&self, needle: &str) -> &RunOutput {
        if !self.stdout.contains(needle) {
            panic!("stdout does not contain {needle:?}\n{}", self.dump());
        }
        self
    }

    /// Panics (showing both streams) unless stderr contains `needle`.
    #[track_caller]
    pub fn assert_stderr_contains(&self, needle: &str) -> &RunOutput {
        if !self.stderr.contains(needle) {
            panic!("stderr does not contain {needle:?}\n{}", self.dump());
        }
        self
    }

    /// stdout parsed as one JSON document (panics with both streams if not).
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON document: {e}\n{}", self.dump()))
    }
}
