//! Opening files the user names as input (SBOMs, advisories, keys, the
//! configuration) only when they are regular files. Opening a FIFO for
//! reading blocks until a writer appears, so `sbom query --advisory FIFO`
//! used to hang forever; a character device such as `/dev/zero` never ends.

use std::fs::File;
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

/// Opens `path` for reading if it is a regular file (symbolic links
/// followed); anything else is an `InvalidInput` error naming what it is.
pub fn open(path: &Path) -> io::Result<File> {
    // Refuse before opening where the type is already visible...
    check(&std::fs::metadata(path)?)?;
    // ...and judge what was actually opened, in case the path changed in
    // between: O_NONBLOCK makes opening a FIFO return at once instead of
    // waiting for a writer; it has no effect on reading a regular file.
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)?;
    check(&file.metadata()?)?;
    Ok(file)
}

/// The whole content of `path`, if it is a regular file (see [`open`]).
pub fn read(path: &Path) -> io::Result<Vec<u8>> {
    let mut file = open(path)?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

fn check(meta: &std::fs::Metadata) -> io::Result<()> {
    let kind = meta.file_type();
    let what = if kind.is_file() {
        return Ok(());
    } else if kind.is_dir() {
        "a directory"
    } else if kind.is_fifo() {
        "a named pipe (FIFO)"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else {
        "not a file"
    };
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("{what}, not a regular file: not read"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn mkfifo(path: &Path) {
        let name = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path; mkfifo touches nothing else.
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
    }

    #[test]
    fn a_fifo_is_refused_at_once_instead_of_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("advisory.json");
        mkfifo(&fifo);
        // Run on a thread: on the old code the read blocks forever, and the
        // test must fail rather than hang with it.
        let (tx, rx) = std::sync::mpsc::channel();
        let path = fifo.clone();
        std::thread::spawn(move || {
            let _ = tx.send(read(&path).map_err(|e| (e.kind(), e.to_string())));
        });
        let started = Instant::now();
        let result = rx
            .recv_timeout(Duration::from_secs(10))
            .expect("reading a FIFO must not block");
        let (kind, message) = result.expect_err("a FIFO is not an input file");
        assert_eq!(kind, io::ErrorKind::InvalidInput);
        assert!(message.contains("named pipe"), "{message}");
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn devices_and_directories_are_refused_and_files_read() {
        let dir = tempfile::tempdir().unwrap();
        for (path, what) in [
            (Path::new("/dev/zero"), "character device"),
            (dir.path(), "directory"),
        ] {
            let e = read(path).unwrap_err();
            assert!(e.to_string().contains(what), "{}: {e}", path.display());
        }
        let file = dir.path().join("f.json");
        std::fs::write(&file, b"{}").unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        assert_eq!(read(&file).unwrap(), b"{}");
        assert_eq!(read(&link).unwrap(), b"{}");
        assert_eq!(
            read(&dir.path().join("missing")).unwrap_err().kind(),
            io::ErrorKind::NotFound
        );
    }
}
