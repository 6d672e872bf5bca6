//! Running external programs: resolved path, an explicit environment (secrets
//! only here, never in argv), captured output with a size cap, and a timeout
//! that kills the whole process group.

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
    /// Extra environment for this child only (credentials go here).
    pub env: BTreeMap<String, String>,
    /// Variables removed from the inherited environment.
    pub env_remove: Vec<String>,
    /// Killed after this long.
    pub timeout: Duration,
    /// Working directory.
    pub cwd: Option<PathBuf>,
}

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
            env_remove: Vec::new(),
            timeout,
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
        for key in &self.env_remove {
            command.env_remove(key);
        }
        command.envs(&self.env);
        if let Some(dir) = &self.cwd {
            command.current_dir(dir);
        }
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
    // The child leads its own group (process_group(0)), so -pid is that group.
    let _ = std::process::Command::new("kill")
        .args(["-KILL", "--", &format!("-{pid}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
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
