//! Rollback protection for the signed exceptions file. A signature proves who
//! approved a file, not that it is the current one: after an exception is
//! withdrawn, the older file and its `.sig` (still in git history, still
//! validly signed) could simply be restored. The file carries a `serial`
//! raised on every change; vimes keeps the highest serial it has seen for
//! each file in its state directory and refuses a signed file below it.

use crate::error::{ConfigError, Error, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

#[derive(Default, Deserialize, Serialize)]
struct Seen {
    /// The exceptions file this record is about (for people reading it).
    path: String,
    /// The highest serial of a validly signed version of it seen so far.
    serial: u64,
}

/// The record for `file` inside `state_dir`: one per exceptions file, named
/// by its canonical path (a file is the same file under another spelling).
fn record_path(state_dir: &Path, file: &Path) -> (PathBuf, String) {
    let canonical = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
    let name = canonical.display().to_string();
    let key = hex::encode(Sha256::digest(name.as_bytes()));
    (
        state_dir
            .join("exceptions-serial")
            .join(format!("{key}.json")),
        name,
    )
}

/// Accepts `serial` for the signed `file` when it is not below the highest
/// seen before, and records it if higher; a lower one is a policy refusal
/// (exit 1) that names both serials. Only call this for a file whose
/// signature counts: an unsigned file must not raise the mark.
pub fn check_and_record(state_dir: &Path, file: &Path, serial: u64) -> Result<()> {
    let (record, name) = record_path(state_dir, file);
    let io = |error| Error::File {
        path: record.clone(),
        error,
    };
    if let Some(dir) = record.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let mut handle = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&record)
        .map_err(io)?;
    // Two runs at once must not lower the mark between read and write.
    handle.lock().map_err(io)?;
    let mut text = String::new();
    handle.read_to_string(&mut text).map_err(io)?;
    let seen: Seen = if text.trim().is_empty() {
        Seen::default()
    } else {
        // A damaged record is not a reason to trust any serial again.
        serde_json::from_str(&text).map_err(|e| ConfigError::in_file(record.display(), format!(
                "the record of the highest exceptions serial seen is damaged ({e}); fix or remove it knowingly"
            )))?
    };
    if serial < seen.serial {
        return Err(Error::Policy(format!(
            "{} has serial {serial}, but a signed version with serial {} was seen before: an older exceptions file (restored after a change, e.g. a withdrawn exception) is refused; sign the current file with a serial of at least {}",
            file.display(),
            seen.serial,
            seen.serial
        )));
    }
    if serial > seen.serial || text.trim().is_empty() {
        let updated = serde_json::to_string(&Seen { path: name, serial })
            .map_err(|e| Error::internal(format!("cannot record the exceptions serial: {e}")))?;
        handle.set_len(0).map_err(io)?;
        handle.rewind().map_err(io)?;
        handle.write_all(updated.as_bytes()).map_err(io)?;
        handle.sync_all().map_err(io)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lower_serial_is_refused_once_a_higher_one_was_seen() {
        let state = tempfile::tempdir().unwrap();
        let files = tempfile::tempdir().unwrap();
        let file = files.path().join("exceptions.yaml");
        std::fs::write(&file, "version: 1\n").unwrap();
        check_and_record(state.path(), &file, 0).unwrap();
        check_and_record(state.path(), &file, 3).unwrap();
        check_and_record(state.path(), &file, 3).unwrap();
        let err = check_and_record(state.path(), &file, 2).unwrap_err();
        assert_eq!(err.exit(), crate::exit::Exit::PolicyDenied);
        assert!(err.to_string().contains("serial 2"), "{err}");
        assert!(err.to_string().contains("serial 3 was seen"), "{err}");
        // Another spelling of the same path is the same file.
        let other_spelling = files.path().join(".").join("exceptions.yaml");
        assert!(check_and_record(state.path(), &other_spelling, 0).is_err());
        // Another file has its own mark.
        let other = files.path().join("other.yaml");
        std::fs::write(&other, "version: 1\n").unwrap();
        check_and_record(state.path(), &other, 1).unwrap();
        check_and_record(state.path(), &file, 4).unwrap();
        assert!(check_and_record(state.path(), &file, 3).is_err());
    }

    #[test]
    fn a_damaged_record_is_an_error_not_a_reset() {
        let state = tempfile::tempdir().unwrap();
        let files = tempfile::tempdir().unwrap();
        let file = files.path().join("exceptions.yaml");
        std::fs::write(&file, "version: 1\n").unwrap();
        check_and_record(state.path(), &file, 5).unwrap();
        let (record, _) = record_path(state.path(), &file);
        std::fs::write(&record, "{not json").unwrap();
        assert!(check_and_record(state.path(), &file, 0).is_err());
    }
}
