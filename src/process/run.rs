//! Starting a child and waiting for it: async for the tools the engine runs
//! side by side, blocking for the few callers that are not async (git under
//! `vimes check`). Both put the child in its own process group, feed stdin,
//! cap what they keep of its output, and kill the whole group on timeout or
//! when the run is dropped.

use super::{
    private_home, resolve_program, Finished, Invocation, PrivateDir, MAX_STDERR, MAX_STDOUT,
};
use crate::error::{Error, ProcessError, ProcessErrorKind, Result};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// What a child starts with: program, environment, directory.
struct Prepared {
    program: PathBuf,
    env: BTreeMap<String, String>,
    dir: Option<PathBuf>,
    /// The private directory made for this run, removed when dropped (after
    /// the child is reaped).
    _own_dir: Option<PrivateDir>,
}

impl Invocation {
    fn prepare(&self) -> Result<Prepared> {
        let program = resolve_program(&self.program).ok_or_else(|| {
            ProcessError::new(
                ProcessErrorKind::NotFound,
                &self.tool,
                if self.inherit_environment {
                    format!("{} not found (install it)", self.program)
                } else {
                    format!(
                        "{} not found (install it, or set tools.{}.path in vimes.yaml)",
                        self.program, self.tool
                    )
                },
            )
        })?;
        let mut env = self.child_env();
        if self.inherit_environment {
            return Ok(Prepared {
                program,
                env,
                dir: self.cwd.clone(),
                _own_dir: None,
            });
        }
        let mut own_dir = None;
        let dir = match &self.cwd {
            Some(dir) => dir.clone(),
            None => {
                let made = PrivateDir::new(&self.tool)?;
                let path = made.path().to_path_buf();
                own_dir = Some(made);
                path
            }
        };
        if self.cwd.is_none() || self.home_in_cwd {
            for (key, value) in private_home(&dir) {
                env.entry(key.to_string()).or_insert(value);
            }
        }
        Ok(Prepared {
            program,
            env,
            dir: Some(dir),
            _own_dir: own_dir,
        })
    }

    /// The child as every run starts it: program, arguments, environment,
    /// directory, stdin (piped only when there is input), stdout and stderr
    /// piped, and its own process group, so a timeout can kill
    /// grandchildren too.
    fn command(&self, prepared: &Prepared) -> std::process::Command {
        let mut command = std::process::Command::new(&prepared.program);
        command
            .args(&self.args)
            .stdin(match self.stdin {
                Some(_) => Stdio::piped(),
                None => Stdio::null(),
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env_clear()
            .envs(&prepared.env);
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        if let Some(dir) = &prepared.dir {
            command.current_dir(dir);
        }
        command
    }

    fn spawn_error(&self, program: &std::path::Path, e: std::io::Error) -> Error {
        ProcessError::new(
            ProcessErrorKind::Spawn,
            &self.tool,
            format!("cannot run {}: {e}", program.display()),
        )
        .into()
    }

    fn timed_out(&self) -> Error {
        ProcessError::new(
            ProcessErrorKind::TimedOut,
            &self.tool,
            format!(
                "`{self}` timed out after {}s and was killed",
                self.timeout.as_secs()
            ),
        )
        .into()
    }

    /// Runs the program to completion (or its timeout).
    pub async fn run(&self) -> Result<Finished> {
        let prepared = self.prepare()?;
        let mut command = tokio::process::Command::from(self.command(&prepared));
        command.kill_on_drop(true);
        let started = Instant::now();
        let mut child = command
            .spawn()
            .map_err(|e| self.spawn_error(&prepared.program, e))?;
        // Dropping this run before the child is reaped (a cancelled promotion,
        // a blocked scan that no longer needs the SBOM) kills the whole group:
        // kill_on_drop alone would leave grandchildren behind.
        let mut group = GroupGuard { pid: child.id() };
        let mut stdin = child.stdin.take();
        let input = self.stdin.clone();
        let write_in = async move {
            if let (Some(pipe), Some(bytes)) = (stdin.as_mut(), input) {
                // A child that exits without reading all of it is its business.
                let _ = pipe.write_all(&bytes).await;
            }
            drop(stdin);
        };
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
            tail(&buf)
        };
        let waited = tokio::time::timeout(self.timeout, async {
            let ((), out, err, status) = tokio::join!(write_in, read_out, read_err, child.wait());
            (out, err, status)
        })
        .await;
        match waited {
            Ok((stdout, stderr, status)) => {
                group.pid = None;
                let status = status.map_err(|e| {
                    ProcessError::new(
                        ProcessErrorKind::Spawn,
                        &self.tool,
                        format!("waiting for it failed: {e}"),
                    )
                })?;
                Ok(Finished::of(status, stdout, stderr, started))
            }
            Err(_) => {
                // The guard kills the group as it goes out of scope here.
                drop(group);
                Err(self.timed_out())
            }
        }
    }

    /// [`Invocation::run`] for callers that are not async: the same child,
    /// environment, limits and timeout, with threads for the pipes.
    pub fn run_blocking(&self) -> Result<Finished> {
        let prepared = self.prepare()?;
        let mut command = self.command(&prepared);
        let started = Instant::now();
        let mut child = command
            .spawn()
            .map_err(|e| self.spawn_error(&prepared.program, e))?;
        let mut group = GroupGuard {
            pid: Some(child.id()),
        };
        let writer = match (child.stdin.take(), self.stdin.clone()) {
            (Some(mut pipe), Some(bytes)) => Some(std::thread::spawn(move || {
                let _ = pipe.write_all(&bytes);
            })),
            _ => None,
        };
        let stdout = child.stdout.take().map(|out| {
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                let _ = out.take(MAX_STDOUT as u64).read_to_end(&mut buf);
                buf
            })
        });
        let stderr = child.stderr.take().map(|mut err| {
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                let _ = err.read_to_end(&mut buf);
                tail(&buf)
            })
        });
        let deadline = started + self.timeout;
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if Instant::now() >= deadline => {
                    drop(group);
                    let _ = child.wait();
                    return Err(self.timed_out());
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(5)),
                Err(e) => {
                    return Err(ProcessError::new(
                        ProcessErrorKind::Spawn,
                        &self.tool,
                        format!("waiting for it failed: {e}"),
                    )
                    .into())
                }
            }
        };
        group.pid = None;
        if let Some(writer) = writer {
            let _ = writer.join();
        }
        let stdout = stdout.and_then(|t| t.join().ok()).unwrap_or_default();
        let stderr = stderr.and_then(|t| t.join().ok()).unwrap_or_default();
        Ok(Finished::of(status, stdout, stderr, started))
    }

    /// A `std::process::Command` set up as [`Invocation::run_blocking`] would
    /// start it (program, environment, directory, own process group), for
    /// the one caller that talks to a child as it runs (`git cat-file
    /// --batch`). The caller may rewire stdio and must reap the child.
    pub fn std_command(&self) -> Result<(std::process::Command, ChildDir)> {
        let prepared = self.prepare()?;
        let command = self.command(&prepared);
        Ok((
            command,
            ChildDir {
                _dir: prepared._own_dir,
            },
        ))
    }
}

impl Finished {
    /// What a reaped child left: how it ended, its output, its wall time.
    fn of(
        status: std::process::ExitStatus,
        stdout: Vec<u8>,
        stderr: String,
        started: Instant,
    ) -> Finished {
        Finished {
            code: status.code(),
            signal: status.signal(),
            stdout,
            stderr,
            elapsed: started.elapsed(),
        }
    }
}

/// Keeps a child's private directory until the child is done with it.
pub struct ChildDir {
    _dir: Option<PrivateDir>,
}

/// The last [`MAX_STDERR`] bytes, as text.
fn tail(buf: &[u8]) -> String {
    let start = buf.len().saturating_sub(MAX_STDERR);
    String::from_utf8_lossy(&buf[start..]).into_owned()
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
