//! The pushed files `vimes check --hook` reads, as they are in the pushed
//! commits: git's answers ([`crate::tools::git`]) classified into the
//! inputs the scanners take, and what could not be read.

use super::files::{kind_of, FileKind, Input, MAX_FILE_BYTES};
use super::Skipped;
use crate::error::Result;
use crate::tools::git::{cat_file_batch, BatchAnswer};
use std::path::Path;

/// Reads `(commit, path)` blobs of the kinds `vimes check` scans in one
/// `git cat-file --batch` (one process, whatever the number of files).
pub fn read_blobs(repo: &Path, wanted: &[(String, String)]) -> Result<(Vec<Input>, Vec<Skipped>)> {
    let mut selected: Vec<(&str, &str, FileKind)> = Vec::new();
    let mut skipped = Vec::new();
    for (commit, path) in wanted {
        let Some(kind) = kind_of(path) else {
            continue;
        };
        if path.contains('\n') {
            skipped.push(Skipped {
                file: path.clone(),
                reason: "file name contains a newline".into(),
            });
            continue;
        }
        selected.push((commit, path, kind));
    }
    let names: Vec<String> = selected
        .iter()
        .map(|(commit, path, _)| format!("{commit}:{path}"))
        .collect();
    let answers = cat_file_batch(repo, &names)?;
    let mut inputs = Vec::new();
    for ((_, path, kind), answer) in selected.iter().zip(answers) {
        match answer {
            // A pushed file vimes cannot read is not a pass.
            BatchAnswer::Unavailable(answer) => skipped.push(Skipped {
                file: path.to_string(),
                reason: format!("git cat-file: the pushed blob is {answer}"),
            }),
            BatchAnswer::Object { kind: object, .. } if object != "blob" => {}
            BatchAnswer::Object { size, .. } if size > MAX_FILE_BYTES => skipped.push(Skipped {
                file: path.to_string(),
                reason: format!(
                    "larger than {} MiB ({size} bytes): not read",
                    MAX_FILE_BYTES / (1024 * 1024)
                ),
            }),
            BatchAnswer::Object { bytes, .. } => inputs.push(Input {
                path: path.to_string(),
                kind: *kind,
                bytes,
            }),
        }
    }
    Ok((inputs, skipped))
}
