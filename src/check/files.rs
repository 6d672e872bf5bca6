//! Which files `vimes check` reads, and how: name-based classification,
//! directory walks that cannot loop, a size cap, and decoding that refuses
//! binary files and survives invalid UTF-8.

use super::Skipped;
use std::borrow::Cow;
use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Files larger than this are skipped: no Dockerfile or manifest is this big,
/// and a hook must not stall on a stray artefact.
pub const MAX_FILE_BYTES: u64 = 5 * 1024 * 1024;

/// How far into a file to look for a NUL byte (git's binary heuristic).
const BINARY_SNIFF_BYTES: usize = 8000;

/// How a file is scanned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A Dockerfile or Containerfile.
    Dockerfile,
    /// YAML: Kubernetes manifests, kustomizations and compose files.
    Yaml,
    /// JSON (read as the YAML it also is): Kubernetes manifests.
    Json,
}

/// One file's bytes, with the name shown in findings.
#[derive(Clone, Debug)]
pub struct Input {
    /// The path as shown in findings.
    pub path: String,
    /// How to scan it.
    pub kind: FileKind,
    /// Its contents.
    pub bytes: Vec<u8>,
}

/// The kind of file a path names, by its name alone.
pub fn kind_of(path: &str) -> Option<FileKind> {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let dockerfile = ["dockerfile", "containerfile"].iter().any(|base| {
        name == *base
            || name
                .strip_prefix(base)
                .is_some_and(|rest| rest.starts_with('.'))
            || name
                .strip_suffix(base)
                .is_some_and(|rest| rest.ends_with('.'))
    }) || (name.len() > 3 && name.ends_with(".df"));
    if dockerfile {
        Some(FileKind::Dockerfile)
    } else if name.ends_with(".yaml") || name.ends_with(".yml") {
        Some(FileKind::Yaml)
    } else if name.ends_with(".json") {
        Some(FileKind::Json)
    } else {
        None
    }
}

/// Text of a file: refuses binary content (a NUL byte early on) and decodes
/// invalid UTF-8 with replacement characters, with a warning, rather than
/// skipping: a stray Latin-1 comment must not hide a `FROM` line.
pub fn decode(bytes: &[u8]) -> Result<(Cow<'_, str>, Vec<String>), String> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes[..bytes.len().min(BINARY_SNIFF_BYTES)].contains(&0) {
        return Err("binary file (contains NUL bytes)".into());
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok((Cow::Borrowed(text), Vec::new())),
        Err(e) => Ok((
            String::from_utf8_lossy(bytes),
            vec![format!(
                "not valid UTF-8 (first bad byte at offset {}); read with replacement characters",
                e.valid_up_to()
            )],
        )),
    }
}

fn too_large(size: u64) -> String {
    format!(
        "larger than {} MiB ({size} bytes): not read",
        MAX_FILE_BYTES / (1024 * 1024)
    )
}

/// Reads a file from disk with the size cap; the error is the reason to skip it.
pub fn read_capped(path: &Path) -> Result<Vec<u8>, String> {
    use std::os::unix::fs::OpenOptionsExt;
    // Opening a FIFO blocks until some writer appears (forever, in a hook) and
    // a device may never reach end of file: look at what the path is first.
    let meta = std::fs::metadata(path).map_err(describe_io)?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    // Non-blocking, in case the path became a FIFO after the look above; it
    // changes nothing for a regular file.
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(describe_io)?;
    let meta = file.metadata().map_err(describe_io)?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // The file may grow between metadata and read: cap the read as well.
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(describe_io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Why a path that is not a regular file is not read.
fn not_regular(meta: &std::fs::Metadata) -> String {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    let what = if t.is_fifo() {
        "a FIFO (named pipe)"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_block_device() || t.is_char_device() {
        "a device"
    } else if t.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    };
    format!("{what}, not a regular file: not read")
}

fn describe_io(e: std::io::Error) -> String {
    // ELOOP has no stable ErrorKind; its raw errno is 40 on Linux.
    if e.raw_os_error() == Some(40) {
        return "symbolic link loop".into();
    }
    match e.kind() {
        std::io::ErrorKind::NotFound => "does not exist (or is a dangling symbolic link)".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => format!("cannot be read: {e}"),
    }
}

/// Reads the files a list of repository paths names (as `git ls-files`
/// prints them), keeping only the kinds `vimes check` scans.
pub fn read_listed(base: &Path, paths: &[String]) -> (Vec<Input>, Vec<Skipped>) {
    let mut inputs = Vec::new();
    let mut skipped = Vec::new();
    for path in paths {
        let Some(kind) = kind_of(path) else {
            continue;
        };
        match read_capped(&base.join(path)) {
            Ok(bytes) => inputs.push(Input {
                path: path.clone(),
                kind,
                bytes,
            }),
            Err(reason) => skipped.push(Skipped {
                file: path.clone(),
                reason,
            }),
        }
    }
    (inputs, skipped)
}

/// Reads the files and directories named on the command line. A named file
/// is scanned whatever its name (a template, `Dockerfile-prod`): as YAML when
/// it reads as YAML mappings, as a Dockerfile otherwise; directories are walked without following the symbolic links
/// to directories inside them (so a link loop cannot recurse), skipping `.git`.
pub fn read_paths(paths: &[PathBuf]) -> (Vec<Input>, Vec<Skipped>) {
    let mut inputs = Vec::new();
    let mut skipped = Vec::new();
    let mut seen_dirs = HashSet::new();
    for path in paths {
        let shown = path.display().to_string();
        // A named path is followed (a link to a directory is walked); links
        // found inside directories are not.
        match std::fs::metadata(path) {
            Err(e) => skipped.push(Skipped {
                file: shown,
                reason: describe_io(e),
            }),
            Ok(meta) if meta.is_dir() => {
                walk(path, &mut seen_dirs, &mut inputs, &mut skipped);
            }
            Ok(_) => match read_capped(path) {
                Err(reason) => skipped.push(Skipped {
                    file: shown,
                    reason,
                }),
                Ok(bytes) => {
                    let kind = kind_of(&shown).unwrap_or_else(|| sniff(&bytes));
                    inputs.push(Input {
                        path: shown,
                        kind,
                        bytes,
                    })
                }
            },
        }
    }
    (inputs, skipped)
}

/// Dockerfile instructions (a named file that starts with one is a Dockerfile).
const INSTRUCTIONS: [&str; 18] = [
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

/// How to read an oddly named file given on the command line: as YAML when
/// it does not start with a Dockerfile instruction and parses as YAML
/// mappings, else as a Dockerfile (so nothing named is silently left out).
fn sniff(bytes: &[u8]) -> FileKind {
    let head = &bytes[..bytes.len().min(64 * 1024)];
    let text = String::from_utf8_lossy(head);
    let first_word = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .and_then(|l| l.split_whitespace().next())
        .map(str::to_ascii_uppercase);
    if first_word.is_some_and(|w| INSTRUCTIONS.contains(&w.as_str())) {
        return FileKind::Dockerfile;
    }
    let whole = String::from_utf8_lossy(bytes);
    match super::yaml::parse_documents(&whole) {
        Ok(docs)
            if !docs.is_empty() && docs.iter().all(|d| matches!(d, super::yaml::Node::Map(_))) =>
        {
            FileKind::Yaml
        }
        _ => FileKind::Dockerfile,
    }
}

fn walk(
    dir: &Path,
    seen: &mut HashSet<(u64, u64)>,
    inputs: &mut Vec<Input>,
    skipped: &mut Vec<Skipped>,
) {
    use std::os::unix::fs::MetadataExt;
    // A directory reached twice (bind mounts, or a root given twice) is walked once.
    if let Ok(meta) = std::fs::metadata(dir) {
        if !seen.insert((meta.dev(), meta.ino())) {
            return;
        }
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            skipped.push(Skipped {
                file: dir.display().to_string(),
                reason: describe_io(e),
            });
            return;
        }
    };
    let mut children = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) => children.push(entry.path()),
            // An entry that cannot be listed might be a Dockerfile.
            Err(e) => skipped.push(Skipped {
                file: dir.display().to_string(),
                reason: format!("an entry cannot be listed: {}", describe_io(e)),
            }),
        }
    }
    children.sort();
    for child in children {
        let shown = child
            .strip_prefix("./")
            .unwrap_or(&child)
            .display()
            .to_string();
        let meta = match std::fs::symlink_metadata(&child) {
            Ok(meta) => meta,
            Err(e) => {
                if kind_of(&shown).is_some() {
                    skipped.push(Skipped {
                        file: shown,
                        reason: describe_io(e),
                    });
                }
                continue;
            }
        };
        if meta.is_dir() {
            if child.file_name().is_some_and(|n| n == ".git") {
                continue;
            }
            walk(&child, seen, inputs, skipped);
            continue;
        }
        // Symbolic links to directories are not followed; links to files are
        // read (and a looping or dangling one is reported).
        let Some(kind) = kind_of(&shown) else {
            continue;
        };
        if meta.file_type().is_symlink() && std::fs::metadata(&child).is_ok_and(|m| m.is_dir()) {
            continue;
        }
        match read_capped(&child) {
            Ok(bytes) => inputs.push(Input {
                path: shown,
                kind,
                bytes,
            }),
            Err(reason) => skipped.push(Skipped {
                file: shown,
                reason,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_name() {
        for name in [
            "Dockerfile",
            "svc/Containerfile",
            "Dockerfile.dev",
            "build/api.Dockerfile",
            "x.containerfile",
            "build/api.df",
            "Containerfile.prod",
        ] {
            assert_eq!(kind_of(name), Some(FileKind::Dockerfile), "{name}");
        }
        for name in ["k8s/deploy.yaml", "compose.yml"] {
            assert_eq!(kind_of(name), Some(FileKind::Yaml), "{name}");
        }
        assert_eq!(kind_of("k8s/deploy.json"), Some(FileKind::Json));
        for name in [
            "Dockerfiles.md",
            "README",
            "dockerfile-lint.sh",
            ".df",
            "pdf",
        ] {
            assert_eq!(kind_of(name), None, "{name}");
        }
    }

    #[test]
    fn decodes_or_explains() {
        assert!(decode(b"FROM a\n\0\0").unwrap_err().contains("binary"));
        let (text, warnings) = decode(b"# caf\xe9\nFROM alpine:3\n").unwrap();
        assert!(text.contains("FROM alpine:3"));
        assert_eq!(warnings.len(), 1);
        let (text, warnings) = decode(b"\xEF\xBB\xBFFROM a").unwrap();
        assert_eq!(text, "FROM a");
        assert!(warnings.is_empty());
        let big = vec![b'a'; MAX_FILE_BYTES as usize + 1];
        assert!(decode(&big).unwrap_err().contains("larger than"));
    }

    #[test]
    fn named_files_with_odd_names_are_always_read() {
        assert_eq!(sniff(b"# comment\n\nFROM alpine\n"), FileKind::Dockerfile);
        assert_eq!(sniff(b"onbuild copy --from=x a b\n"), FileKind::Dockerfile);
        assert_eq!(sniff(b"apiVersion: v1\nkind: Pod\n"), FileKind::Yaml);
        assert_eq!(sniff(b"{\"kind\": \"Pod\"}"), FileKind::Yaml);
        // Neither: read as a Dockerfile rather than not at all.
        assert_eq!(sniff(b"hello world\n"), FileKind::Dockerfile);
    }

    #[test]
    fn a_fifo_is_refused_without_being_opened() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("Dockerfile");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let (tx, rx) = std::sync::mpsc::channel();
        let path = fifo.clone();
        std::thread::spawn(move || {
            let _ = tx.send(read_capped(&path));
        });
        let got = rx
            .recv_timeout(std::time::Duration::from_secs(5))
            .expect("read_capped blocked on a FIFO");
        assert!(got.unwrap_err().contains("FIFO"));
    }
}
