//! The one owner of running programs: every child vimes starts (Trivy,
//! Syft, the builders, git, docker credential helpers) is an [`Invocation`]:
//! resolved path, an environment built from nothing (only the variables
//! vimes chooses; secrets only here, never in argv), a private empty working
//! directory, optional stdin, captured output with a size cap, a timeout that
//! kills the whole process group, and one error shape for a failed run
//! ([`Finished::failure`]). It displays as a shell-escaped command line,
//! which never holds a secret.
//!
//! Why from nothing: a scanner reads its configuration from its environment
//! (`TRIVY_SEVERITY=LOW`, `SYFT_SELECT_CATALOGERS`), from its working
//! directory (`.trivyignore`, `trivy.yaml`, `.syft.yaml`) and from its home
//! (`~/.trivy/modules`, `~/.config/syft`). Any of them would change a verdict
//! or a signed SBOM without vimes knowing, so none of them reaches a child.
//! The exceptions are the user's own tools acting for the user (git on the
//! user's repository, the credential helper the user configured), which
//! need the user's environment: [`Invocation::inherit_environment`].

mod run;

use crate::error::{Error, ProcessError, ProcessErrorKind, Result};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

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
    /// (also the child's `HOME` and XDG config/cache/data base), removed after
    /// (vimes' own working directory with [`Invocation::inherit_environment`]).
    pub cwd: Option<PathBuf>,
    /// Written to the child's stdin (then closed); `None`: stdin is empty.
    pub stdin: Option<Vec<u8>>,
    /// The child starts with vimes' whole environment instead of one built
    /// from nothing.
    pub inherit_environment: bool,
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
    /// The signal that ended it, if one did.
    pub signal: Option<i32>,
    /// Everything it printed on stdout (up to [`MAX_STDOUT`]).
    pub stdout: Vec<u8>,
    /// The tail of what it printed on stderr.
    pub stderr: String,
    /// Wall time.
    pub elapsed: Duration,
}

impl Finished {
    /// How it ended, in words: `exited with status N` or `was killed by a
    /// signal (N)`.
    pub fn ended(&self) -> String {
        match (self.code, self.signal) {
            (Some(code), _) => format!("exited with status {code}"),
            (None, Some(signal)) => format!("was killed by a signal ({signal})"),
            (None, None) => "was killed by a signal".to_string(),
        }
    }

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
            stdin: None,
            inherit_environment: false,
        }
    }

    /// Runs in `dir`, with the `HOME` it would have otherwise.
    pub fn current_dir(mut self, dir: &Path) -> Self {
        self.cwd = Some(dir.to_path_buf());
        self.home_in_cwd = false;
        self
    }

    /// Writes `input` to the child's stdin.
    pub fn stdin(mut self, input: impl Into<Vec<u8>>) -> Self {
        self.stdin = Some(input.into());
        self
    }

    /// Starts the child with vimes' whole environment and working directory
    /// (for the user's own tools: git, credential helpers), still with its
    /// own process group, timeout and captured output.
    pub fn inherit_environment(mut self) -> Self {
        self.inherit_environment = true;
        self
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
        if self.inherit_environment {
            let mut env: BTreeMap<String, String> = std::env::vars().collect();
            env.extend(self.env.iter().map(|(k, v)| (k.clone(), v.clone())));
            return env;
        }
        let mut env: BTreeMap<String, String> = PASS_THROUGH
            .iter()
            .map(|name| name.to_string())
            .chain(self.inherit.iter().cloned())
            .filter_map(|name| std::env::var(&name).ok().map(|value| (name, value)))
            .collect();
        env.extend(self.env.iter().map(|(k, v)| (k.clone(), v.clone())));
        env
    }

    /// The error for a run that did not succeed: the command line, how it
    /// ended (status or signal) and the tail of its stderr.
    pub fn failure(&self, done: &Finished) -> Error {
        let ended = done.ended();
        let tail = done.stderr_tail(5);
        ProcessError::new(
            ProcessErrorKind::Failed,
            &self.tool,
            if tail.is_empty() {
                format!("`{self}` {ended}")
            } else {
                format!("`{self}` {ended}: {tail}")
            },
        )
        .into()
    }

    /// Runs it (blocking) and fails unless it exits 0 ([`Invocation::failure`]).
    pub fn run_ok_blocking(&self) -> Result<Finished> {
        let done = self.run_blocking()?;
        match done.code {
            Some(0) => Ok(done),
            _ => Err(self.failure(&done)),
        }
    }
}

/// The command line as a POSIX shell would read it: what a user can paste
/// to run the same thing (the environment, where secrets are, is not shown).
impl fmt::Display for Invocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&shell_word(&self.program))?;
        for arg in &self.args {
            write!(f, " {}", shell_word(arg))?;
        }
        Ok(())
    }
}

/// One word for a POSIX shell: as is when it holds only safe characters,
/// otherwise in single quotes (a quote inside as `'\''`).
fn shell_word(word: &str) -> String {
    let safe = !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:=@%+,".contains(&b));
    if safe {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
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
            .map_err(|e| {
                ProcessError::new(
                    ProcessErrorKind::Spawn,
                    tool,
                    format!("cannot make a private working directory: {e}"),
                )
                .into()
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

/// A path as given, or the first executable of that name on PATH (`which`'s
/// rules: a name with a `/` is taken as a path and must be executable).
pub fn resolve_program(program: &str) -> Option<PathBuf> {
    which::which(program).ok()
}

#[cfg(test)]
mod tests;
