//! git, as vimes uses it: the tracked files, the files a pre-push range
//! changes (read as they are in the pushed commits, not the working tree),
//! the facts an image is labelled with, and the user's identity. git runs
//! through [`crate::process`] with the user's environment (it is the user's
//! tool on the user's repository: a hook's `GIT_DIR` must reach it).

use crate::error::{Error, Result};
use crate::process::Invocation;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

/// Longest any one git command may take (a large repository's `ls-files` or
/// `log` is seconds; a hung credential prompt is forever).
const GIT_TIMEOUT: Duration = Duration::from_secs(300);

fn git(dir: &Path, args: &[&str]) -> Invocation {
    Invocation::new("git", "git", GIT_TIMEOUT)
        .args(args.iter().copied())
        .current_dir(dir)
        .inherit_environment()
        // git must never stop to ask for a password or open an editor.
        .env("GIT_TERMINAL_PROMPT", "0")
}

fn tool_error(message: String) -> Error {
    Error::Tool {
        tool: "git".into(),
        message,
    }
}

/// Runs git and returns stdout; a failure says what git said.
fn output_ok(dir: &Path, args: &[&str]) -> Result<Vec<u8>> {
    Ok(git(dir, args).run_ok_blocking()?.stdout)
}

/// Runs git and returns stdout; `Ok(None)` when git ran and failed.
fn output(dir: &Path, args: &[&str]) -> Result<Option<Vec<u8>>> {
    let done = git(dir, args).run_blocking()?;
    Ok((done.code == Some(0)).then_some(done.stdout))
}

fn split_nul(bytes: &[u8]) -> Vec<String> {
    bytes
        .split(|b| *b == 0)
        .filter(|s| !s.is_empty())
        .map(|s| String::from_utf8_lossy(s).into_owned())
        .collect()
}

/// The files git tracks under `dir`, relative to it (`git ls-files`).
pub fn ls_files(dir: &Path) -> Result<Vec<String>> {
    match output(dir, &["ls-files", "-z", "--cached"])? {
        Some(out) => Ok(split_nul(&out)),
        None => Err(Error::Usage(
            "not inside a git work tree: name the files or directories to check".into(),
        )),
    }
}

/// One line git feeds a pre-push hook on stdin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushUpdate {
    /// The local ref being pushed (`refs/heads/main`, or `(delete)`).
    pub local_ref: String,
    /// Its commit (all zeros for a deletion).
    pub local_sha: String,
    /// The remote ref it updates.
    pub remote_ref: String,
    /// What the remote has now (all zeros for a new branch).
    pub remote_sha: String,
}

fn is_zero(sha: &str) -> bool {
    sha.bytes().all(|b| b == b'0')
}

fn is_object_name(sha: &str) -> bool {
    matches!(sha.len(), 40 | 64) && sha.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Parses the pre-push hook input: `<local ref> <local sha> <remote ref> <remote sha>` lines.
pub fn parse_push_lines(text: &str) -> Result<Vec<PushUpdate>> {
    let mut updates = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [local_ref, local_sha, remote_ref, remote_sha] = fields[..] else {
            return Err(Error::Usage(format!(
                "pre-push input line {}: expected `<local ref> <local sha> <remote ref> <remote sha>`, got {line:?}",
                n + 1
            )));
        };
        if !is_object_name(local_sha) || !is_object_name(remote_sha) {
            return Err(Error::Usage(format!(
                "pre-push input line {}: {line:?} does not hold two object names",
                n + 1
            )));
        }
        updates.push(PushUpdate {
            local_ref: local_ref.into(),
            local_sha: local_sha.into(),
            remote_ref: remote_ref.into(),
            remote_sha: remote_sha.into(),
        });
    }
    Ok(updates)
}

/// The `(commit, path)` of every file that the pushed ranges add or change.
/// An update of an existing branch is the diff from what the remote has to
/// what is pushed; a new branch (or a remote commit this clone does not
/// have) is every commit not yet on any remote-tracking branch. Deletions
/// push no content and are skipped.
pub fn pushed_files(repo: &Path, updates: &[PushUpdate]) -> Result<Vec<(String, String)>> {
    let mut out: Vec<(String, String)> = Vec::new();
    for update in updates {
        if is_zero(&update.local_sha) {
            continue;
        }
        let local = update.local_sha.as_str();
        let known_remote = !is_zero(&update.remote_sha)
            && output(
                repo,
                &[
                    "cat-file",
                    "-e",
                    &format!("{}^{{commit}}", update.remote_sha),
                ],
            )?
            .is_some();
        let listed = if known_remote {
            output_ok(
                repo,
                &[
                    "diff",
                    "--name-only",
                    "-z",
                    "--no-renames",
                    "--diff-filter=d",
                    &update.remote_sha,
                    local,
                ],
            )
        } else {
            output_ok(
                repo,
                &[
                    "log",
                    "-z",
                    "--format=",
                    "--name-only",
                    "--no-renames",
                    "--diff-filter=d",
                    local,
                    "--not",
                    "--remotes",
                ],
            )
        }
        .map_err(|e| {
            tool_error(format!(
                "cannot list the files changed by {} ({local}): {e}",
                update.local_ref
            ))
        })?;
        for path in split_nul(&listed) {
            let path = path.trim_matches('\n').to_string();
            if path.is_empty() || out.iter().any(|(c, p)| c == local && *p == path) {
                continue;
            }
            out.push((local.to_string(), path));
        }
    }
    Ok(out)
}

/// One answer of `git cat-file --batch`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BatchAnswer {
    /// The object name is `missing` or `ambiguous` (git's word).
    Unavailable(String),
    /// The object: its type (`blob`, `tree`, ...) and content.
    Object {
        /// git's object type.
        kind: String,
        /// Its size as git announced it.
        size: u64,
        /// Its content.
        bytes: Vec<u8>,
    },
}

/// Asks one `git cat-file --batch` for each of `names` (`commit:path`, no
/// newline in them) and returns git's answers in order: one process,
/// whatever the number of objects.
pub fn cat_file_batch(repo: &Path, names: &[String]) -> Result<Vec<BatchAnswer>> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let (mut command, _dir) = git(repo, &["cat-file", "--batch"]).std_command()?;
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| tool_error(format!("cannot run git cat-file: {e}")))?;
    // Reaped (and its group killed) whatever happens below.
    let child_guard = ReapOnDrop(&mut child);
    let requests: String = names.iter().map(|n| format!("{n}\n")).collect();
    let mut stdin = child_guard
        .0
        .stdin
        .take()
        .ok_or_else(|| tool_error("git cat-file has no stdin".into()))?;
    // Written from another thread: git answers while it reads, and a full
    // pipe on both sides would deadlock.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(requests.as_bytes());
    });
    let stdout = child_guard
        .0
        .stdout
        .take()
        .ok_or_else(|| tool_error("git cat-file has no stdout".into()))?;
    let mut reader = BufReader::new(stdout);
    let bad = |what: &str| tool_error(format!("git cat-file --batch answered oddly: {what}"));
    let mut answers = Vec::with_capacity(names.len());
    for _ in names {
        let mut header = String::new();
        if reader
            .read_line(&mut header)
            .map_err(|e| bad(&e.to_string()))?
            == 0
        {
            return Err(bad("no answer"));
        }
        let fields: Vec<&str> = header.split_whitespace().collect();
        if let Some(&answer @ ("missing" | "ambiguous")) = fields.last() {
            answers.push(BatchAnswer::Unavailable(answer.to_string()));
            continue;
        }
        let [_, kind, size] = fields[..] else {
            return Err(bad(header.trim()));
        };
        let size: u64 = size.parse().map_err(|_| bad(header.trim()))?;
        let mut bytes = Vec::new();
        (&mut reader)
            .take(size)
            .read_to_end(&mut bytes)
            .map_err(|e| bad(&e.to_string()))?;
        let mut newline = [0u8; 1];
        reader
            .read_exact(&mut newline)
            .map_err(|e| bad(&e.to_string()))?;
        answers.push(BatchAnswer::Object {
            kind: kind.to_string(),
            size,
            bytes,
        });
    }
    let _ = writer.join();
    Ok(answers)
}

/// Waits for the child when dropped (killing its group first if it is still
/// running), so no `git` outlives the read that started it.
struct ReapOnDrop<'a>(&'a mut std::process::Child);

impl Drop for ReapOnDrop<'_> {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
        }
        let _ = self.0.wait();
    }
}

/// The top of the work tree containing `dir`.
pub fn toplevel(dir: &Path) -> Result<std::path::PathBuf> {
    match output(dir, &["rev-parse", "--show-toplevel"])? {
        Some(out) => Ok(String::from_utf8_lossy(&out).trim().into()),
        None => Err(Error::Usage(format!(
            "{} is not inside a git work tree",
            dir.display()
        ))),
    }
}

/// The hooks directory (honours `core.hooksPath`), absolute.
pub fn hooks_dir(dir: &Path) -> Result<std::path::PathBuf> {
    match output(dir, &["rev-parse", "--git-path", "hooks"])? {
        Some(out) => {
            let path = std::path::PathBuf::from(String::from_utf8_lossy(&out).trim());
            Ok(if path.is_absolute() {
                path
            } else {
                dir.join(path)
            })
        }
        None => Err(Error::Usage(format!(
            "{} is not inside a git repository",
            dir.display()
        ))),
    }
}

fn trimmed(dir: &Path, args: &[&str]) -> Option<String> {
    output(dir, args)
        .ok()
        .flatten()
        .map(|o| String::from_utf8_lossy(&o).trim().to_string())
        .filter(|s| !s.is_empty())
}

/// `git describe --tags --always`, made a valid image tag.
pub fn describe(dir: &Path) -> Option<String> {
    trimmed(dir, &["describe", "--tags", "--always"]).map(|d| sanitize_tag(&d))
}

/// The commit checked out (`git rev-parse HEAD`).
pub fn revision(dir: &Path) -> Option<String> {
    trimmed(dir, &["rev-parse", "HEAD"])
}

/// The URL of `origin` (or the first remote), without any credentials it embeds.
pub fn source_url(dir: &Path) -> Option<String> {
    let url = trimmed(dir, &["remote", "get-url", "origin"]).or_else(|| {
        let first = trimmed(dir, &["remote"])?.lines().next()?.to_string();
        trimmed(dir, &["remote", "get-url", &first])
    })?;
    Some(strip_credentials(&url))
}

/// git's `user.email` as seen from vimes' working directory, if set.
pub fn user_email() -> Option<String> {
    let dir = std::env::current_dir().ok()?;
    trimmed(&dir, &["config", "user.email"])
}

/// `https://user:token@host/x` → `https://host/x`: a label is public.
pub fn strip_credentials(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://{}", &rest[at + 1..]),
        None => url.to_string(),
    }
}

/// Replaces what a tag may not contain with `-` (128 characters at most).
pub fn sanitize_tag(text: &str) -> String {
    let mut tag: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "_.-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .take(128)
        .collect();
    if tag.starts_with(['.', '-']) {
        tag.replace_range(0..1, "_");
    }
    tag
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_pre_push_lines() {
        let z = "0".repeat(40);
        let a = "a".repeat(40);
        let text =
            format!("refs/heads/main {a} refs/heads/main {z}\n\n(delete) {z} refs/heads/old {a}\n");
        let updates = parse_push_lines(&text).unwrap();
        assert_eq!(updates.len(), 2);
        assert!(is_zero(&updates[0].remote_sha));
        assert!(is_zero(&updates[1].local_sha));
        assert!(parse_push_lines("refs/heads/main abc").is_err());
        assert!(parse_push_lines(&format!("a {a} b nothex")).is_err());
    }

    #[test]
    fn labels_are_safe() {
        assert_eq!(
            strip_credentials("https://bob:s3cret@git.example.com/a/b.git"),
            "https://git.example.com/a/b.git"
        );
        assert_eq!(
            strip_credentials("git@github.com:org/repo.git"),
            "git@github.com:org/repo.git"
        );
        assert_eq!(sanitize_tag("v1.2-3-gabc/x+y"), "v1.2-3-gabc-x-y");
        assert_eq!(sanitize_tag(".hidden"), "_hidden");
    }
}
