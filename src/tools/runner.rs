//! Running external programs: resolved path, an environment built from
//! nothing (only the variables vimes chooses; secrets only here, never in
//! argv), a private empty working directory, captured output with a size cap,
//! and a timeout that kills the whole process group.
//!
//! Why from nothing: a scanner reads its configuration from its environment
//! (`TRIVY_SEVERITY=LOW`, `SYFT_SELECT_CATALOGERS`), from its working
//! directory (`.trivyignore`, `trivy.yaml`, `.syft.yaml`) and from its home
//! (`~/.trivy/modules`, `~/.config/syft`). Any of them would change a verdict
//! or a signed SBOM without vimes knowing, so none of them reaches a child.

use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::io::AsyncReadExt;

/// Most bytes kept of a child's stdout (stderr keeps its tail only).
pub const MAX_STDOUT: usize = 512 * 1024 * 1024;
const MAX_STDERR: usize = 64 * 1024;

/// One invocation of an external program.
#[derive(Clone, Debug)]
pub struct Invocation {
    /// Name used in messages (`trivy`, `syft`).
    pub tool: String,
    /// The program (a path, or a name looked up on PATH).
    pub program: String,
    /// Arguments; never a secret.
    pub args: Vec<String>,
    /// The child's environment, beside the [`PASS_THROUGH`] variables and
    /// those of [`Invocation::inherit`] (credentials go here).
    pub env: BTreeMap<String, String>,
    /// Names of more variables copied from vimes' environment when set.
    pub inherit: Vec<String>,
    /// Killed after this long.
    pub timeout: Duration,
    /// `HOME` and the XDG base directories point into [`Invocation::cwd`]
    /// (always so when `cwd` is `None`).
    pub home_in_cwd: bool,
    /// Working directory; `None`: a private empty directory made for this run
    /// (also the child's `HOME` and XDG config/cache/data base), removed after.
    pub cwd: Option<PathBuf>,
}

/// Variables every child gets from vimes' environment when they are set: how
/// to find programs, which CAs to trust and which proxy to use. None of them
/// changes what a scanner reports.
pub const PASS_THROUGH: &[&str] = &[
    "PATH",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "NO_PROXY",
    "no_proxy",
    "TZ",
];

/// What a finished child left behind.
#[derive(Clone, Debug)]
pub struct Finished {
    /// Exit status code (`None` if killed by a signal).
    pub code: Option<i32>,
    /// Everything it printed on stdout (up to [`MAX_STDOUT`]).
    pub stdout: Vec<u8>,
    /// The tail of what it printed on stderr.
    pub stderr: String,
    /// Wall time.
    pub elapsed: Duration,
}

impl Finished {
    /// The last lines of stderr, for error messages.
    pub fn stderr_tail(&self, lines: usize) -> String {
        let all: Vec<&str> = self
            .stderr
            .lines()
            .filter(|l| !l.trim().is_empty())
            .collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }
}

impl Invocation {
    /// A new invocation of `program` for `tool`.
    pub fn new(tool: &str, program: &str, timeout: Duration) -> Self {
        Invocation {
            tool: tool.to_string(),
            program: program.to_string(),
            args: Vec::new(),
            env: BTreeMap::new(),
            inherit: Vec::new(),
            timeout,
            home_in_cwd: false,
            cwd: None,
        }
    }

    /// Appends arguments.
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Sets a variable in the child's environment only.
    pub fn env(mut self, key: &str, value: impl Into<String>) -> Self {
        self.env.insert(key.to_string(), value.into());
        self
    }

    /// Runs in `dir` (a [`PrivateDir`] the caller prepared, e.g. with an
    /// empty config file to name explicitly), with `HOME` and the XDG base
    /// directories inside it.
    pub fn in_private_dir(mut self, dir: &PrivateDir) -> Self {
        self.cwd = Some(dir.path().to_path_buf());
        self.home_in_cwd = true;
        self
    }

    /// Copies these variables from vimes' environment too, when set (the
    /// builders' storage and socket settings).
    pub fn inherit<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.inherit.extend(names.into_iter().map(Into::into));
        self
    }

    /// The environment the child starts with: the pass-through and inherited
    /// variables that are set, then [`Invocation::env`] over them.
    pub fn child_env(&self) -> BTreeMap<String, String> {
        let mut env: BTreeMap<String, String> = PASS_THROUGH
            .iter()
            .map(|name| name.to_string())
            .chain(self.inherit.iter().cloned())
            .filter_map(|name| std::env::var(&name).ok().map(|value| (name, value)))
            .collect();
        env.extend(self.env.iter().map(|(k, v)| (k.clone(), v.clone())));
        env
    }

    /// Runs the program to completion (or its timeout).
    pub async fn run(&self) -> Result<Finished> {
        let program = resolve_program(&self.program).ok_or_else(|| Error::Tool {
            tool: self.tool.clone(),
            message: format!(
                "{} not found (install it, or set tools.{}.path in vimes.yaml)",
                self.program, self.tool
            ),
        })?;
        let mut command = tokio::process::Command::new(&program);
        command
            .args(&self.args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            // Its own process group, so a timeout can kill grandchildren too.
            .process_group(0);
        let mut env = self.child_env();
        // Held until the child is reaped, then removed with what it wrote.
        let own_dir;
        let dir = match &self.cwd {
            Some(dir) => dir.clone(),
            None => {
                own_dir = PrivateDir::new(&self.tool)?;
                own_dir.path().to_path_buf()
            }
        };
        if self.cwd.is_none() || self.home_in_cwd {
            for (key, value) in private_home(&dir) {
                env.entry(key.to_string()).or_insert(value);
            }
        }
        command.current_dir(&dir);
        command.env_clear().envs(&env);
        let started = Instant::now();
        let mut child = command.spawn().map_err(|e| Error::Tool {
            tool: self.tool.clone(),
            message: format!("cannot run {}: {e}", program.display()),
        })?;
        let pid = child.id();
        // Dropping this run before the child is reaped (a cancelled promotion,
        // a blocked scan that no longer needs the SBOM) kills the whole group:
        // kill_on_drop alone would leave grandchildren behind.
        let mut group = GroupGuard { pid };
        let mut stdout = child.stdout.take();
        let mut stderr = child.stderr.take();
        let read_out = async move {
            let mut buf = Vec::new();
            if let Some(out) = stdout.as_mut() {
                let _ = out.take(MAX_STDOUT as u64).read_to_end(&mut buf).await;
            }
            buf
        };
        let read_err = async move {
            let mut buf = Vec::new();
            if let Some(err) = stderr.as_mut() {
                let _ = err.read_to_end(&mut buf).await;
            }
            let start = buf.len().saturating_sub(MAX_STDERR);
            String::from_utf8_lossy(&buf[start..]).into_owned()
        };
        let waited = tokio::time::timeout(self.timeout, async {
            let (out, err, status) = tokio::join!(read_out, read_err, child.wait());
            (out, err, status)
        })
        .await;
        match waited {
            Ok((stdout, stderr, status)) => {
                group.pid = None;
                let status = status.map_err(|e| Error::Tool {
                    tool: self.tool.clone(),
                    message: format!("waiting for it failed: {e}"),
                })?;
                Ok(Finished {
                    code: status.code(),
                    stdout,
                    stderr,
                    elapsed: started.elapsed(),
                })
            }
            Err(_) => {
                // The guard kills the group as it goes out of scope here.
                drop(group);
                Err(Error::Tool {
                    tool: self.tool.clone(),
                    message: format!("timed out after {}s and was killed", self.timeout.as_secs()),
                })
            }
        }
    }
}

/// A private, initially empty directory for one child: its working directory
/// and home, removed when dropped.
pub struct PrivateDir {
    dir: tempfile::TempDir,
}

impl PrivateDir {
    /// Makes one under the system's temporary directory.
    pub fn new(tool: &str) -> Result<Self> {
        tempfile::Builder::new()
            .prefix(&format!("vimes-{tool}-"))
            .tempdir()
            .map(|dir| PrivateDir { dir })
            .map_err(|e| Error::Tool {
                tool: tool.to_string(),
                message: format!("cannot make a private working directory: {e}"),
            })
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes an empty file `name` in it and returns its path (a config file
    /// the child is told to read instead of searching for one).
    pub fn empty_file(&self, name: &str) -> Result<PathBuf> {
        let path = self.dir.path().join(name);
        std::fs::write(&path, b"").map_err(|error| Error::File {
            path: path.clone(),
            error,
        })?;
        Ok(path)
    }
}

/// `path` made absolute against vimes' working directory: a child runs in
/// its own directory, where a relative path would name something else.
pub fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// `HOME` and the XDG base directories inside `dir`, so that no per-user
/// configuration, plugin or module of the tool is found.
fn private_home(dir: &Path) -> [(&'static str, String); 4] {
    let under = |sub: &str| dir.join(sub).display().to_string();
    [
        ("HOME", dir.display().to_string()),
        ("XDG_CONFIG_HOME", under(".config")),
        ("XDG_CACHE_HOME", under(".cache")),
        ("XDG_DATA_HOME", under(".local/share")),
    ]
}

/// Kills the child's process group when dropped, unless the child was reaped.
struct GroupGuard {
    pid: Option<u32>,
}

impl Drop for GroupGuard {
    fn drop(&mut self) {
        if let Some(pid) = self.pid.take() {
            kill_group(pid);
        }
    }
}

/// Kills the process group led by `pid` (SIGKILL).
fn kill_group(pid: u32) {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return;
    };
    // The child leads its own group (process_group(0)), so the group id is
    // its pid. SAFETY: killpg takes plain integers; an already gone group
    // only makes it return ESRCH.
    unsafe {
        libc::killpg(pid, libc::SIGKILL);
    }
}

/// A path as given, or the first executable of that name on PATH.
pub fn resolve_program(program: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let executable = |p: &Path| {
        p.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    };
    if program.contains('/') {
        let path = PathBuf::from(program);
        return executable(&path).then_some(path);
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(program))
            .find(|p| executable(p))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn captures_output_and_exit_code() {
        let done = Invocation::new("sh", "sh", Duration::from_secs(5))
            .args(["-c", "echo out; echo err >&2; exit 3"])
            .run()
            .await
            .unwrap();
        assert_eq!(done.code, Some(3));
        assert_eq!(done.stdout, b"out\n");
        assert_eq!(done.stderr_tail(1), "err");
    }

    #[tokio::test]
    async fn environment_is_per_child() {
        let done = Invocation::new("sh", "sh", Duration::from_secs(5))
            .args(["-c", "printf %s \"$VIMES_TEST_SECRET\""])
            .env("VIMES_TEST_SECRET", "s3")
            .run()
            .await
            .unwrap();
        assert_eq!(done.stdout, b"s3");
        assert!(std::env::var("VIMES_TEST_SECRET").is_err());
    }

    #[tokio::test]
    async fn the_environment_is_built_from_nothing() {
        // cargo sets CARGO_MANIFEST_DIR for the test process; a child must
        // not inherit what vimes did not choose to pass.
        assert!(std::env::var("CARGO_MANIFEST_DIR").is_ok());
        let done = Invocation::new("sh", "sh", Duration::from_secs(5))
            .args(["-c", "env; echo cwd=$(pwd); ls -A"])
            .run()
            .await
            .unwrap();
        let out = String::from_utf8(done.stdout).unwrap();
        assert!(!out.contains("CARGO_MANIFEST_DIR"), "{out}");
        assert!(out.contains("PATH="), "{out}");
        let cwd = out
            .lines()
            .find_map(|l| l.strip_prefix("cwd="))
            .unwrap()
            .to_string();
        assert!(cwd.contains("vimes-sh-"), "{out}");
        assert!(out.contains(&format!("HOME={cwd}")), "{out}");
        // The working directory was empty: `ls -A` printed nothing after cwd.
        assert!(out.trim_end().ends_with(&format!("cwd={cwd}")), "{out}");
        assert!(!Path::new(&cwd).exists(), "the private dir is removed");
    }

    #[tokio::test]
    async fn inherited_variables_are_named() {
        let done = Invocation::new("sh", "sh", Duration::from_secs(5))
            .args(["-c", "printf %s \"$CARGO_MANIFEST_DIR\""])
            .inherit(["CARGO_MANIFEST_DIR"])
            .run()
            .await
            .unwrap();
        assert_eq!(done.stdout, env!("CARGO_MANIFEST_DIR").as_bytes());
    }

    #[tokio::test]
    async fn timeout_kills_the_whole_group() {
        let started = Instant::now();
        let err = Invocation::new("sh", "sh", Duration::from_millis(300))
            .args(["-c", "sleep 30 & sleep 30; wait"])
            .run()
            .await
            .unwrap_err();
        assert!(err.to_string().contains("timed out"), "{err}");
        assert_eq!(err.exit(), crate::exit::Exit::Tool);
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[tokio::test]
    async fn a_cancelled_run_kills_the_whole_group() {
        let dir = tempfile::tempdir().unwrap();
        let pid_file = dir.path().join("grandchild.pid");
        let script = format!("sleep 30 & echo $! > {}; wait", pid_file.display());
        let invocation =
            Invocation::new("sh", "sh", Duration::from_secs(60)).args(["-c", script.as_str()]);
        // Dropping the future mid-run is what a blocked scan does to the SBOM job.
        let cancelled = tokio::time::timeout(Duration::from_millis(500), invocation.run()).await;
        assert!(cancelled.is_err(), "the run should still have been going");
        let pid = std::fs::read_to_string(&pid_file).unwrap();
        let alive = |pid: &str| {
            // A killed grandchild is gone or a zombie waiting for init to reap it.
            std::fs::read_to_string(format!("/proc/{}/stat", pid.trim()))
                .is_ok_and(|stat| !stat.contains(") Z "))
        };
        let deadline = Instant::now() + Duration::from_secs(5);
        while alive(&pid) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(
            !alive(&pid),
            "grandchild {} survived the cancelled run",
            pid.trim()
        );
    }

    #[tokio::test]
    async fn missing_program_is_a_tool_error() {
        let err = Invocation::new("trivy", "/nonexistent/trivy", Duration::from_secs(1))
            .run()
            .await
            .unwrap_err();
        assert_eq!(err.exit(), crate::exit::Exit::Tool);
        assert!(err.to_string().contains("not found"));
    }
}
