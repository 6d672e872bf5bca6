//! `vimes report`: the production view of `vimes status` (and, when asked,
//! the images of the inventory holding a package or an advisory's affected
//! versions) as one self-contained HTML page: inline CSS, a small inline
//! script that sorts the tables, an inline SVG chart of the verdicts, and no
//! URL of any kind, so it opens the same from a CI artifact, a mail or a
//! machine without network.
//!
//! This module holds what the page is made of ([`Report`], [`Counts`]) and
//! how it is put in place ([`write_atomically`]); [`html`] renders it.

mod assets;
pub mod html;

use crate::error::{Error, Result};
use crate::pipeline::status::{StatusReport, Verdict};
use crate::sbom::query::Answer;
use serde::Serialize;
use std::io::Write as _;
use std::path::Path;

pub use html::render;

/// Everything one page shows.
pub struct Report<'a> {
    /// What `status` found.
    pub status: &'a StatusReport,
    /// The inventory's answer, when a package or an advisory was asked about.
    pub affected: Option<Affected<'a>>,
    /// The day the images were judged on (`VIMES_TODAY` when set).
    pub judged_on: String,
    /// When the page was made (RFC 3339).
    pub generated_at: String,
}

/// The images of the inventory that hold what was asked about.
pub struct Affected<'a> {
    /// The question in words ("advisory GHSA-...", "openssl <3.0.13").
    pub question: &'a str,
    /// The inventory's answer.
    pub answer: &'a Answer,
    /// How many images the inventory holds.
    pub images_indexed: u64,
}

/// How many production images have each verdict.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Signed, attested and recently scanned.
    pub verified: usize,
    /// No signature by a trusted key.
    pub unsigned: usize,
    /// A required attestation is missing.
    pub missing_attestation: usize,
    /// The newest signed scan is too old, or there is none.
    pub stale_scan: usize,
}

impl Counts {
    /// The counts of `report`'s images.
    pub fn of(report: &StatusReport) -> Counts {
        let mut counts = Counts::default();
        for image in &report.images {
            *counts.slot(image.verdict) += 1;
        }
        counts
    }

    fn slot(&mut self, verdict: Verdict) -> &mut usize {
        match verdict {
            Verdict::Verified => &mut self.verified,
            Verdict::Unsigned => &mut self.unsigned,
            Verdict::MissingAttestation => &mut self.missing_attestation,
            Verdict::StaleScan => &mut self.stale_scan,
        }
    }

    /// Every verdict with its count, in the chart's order (best first).
    pub fn each(&self) -> [(Verdict, usize); 4] {
        [
            (Verdict::Verified, self.verified),
            (Verdict::Unsigned, self.unsigned),
            (Verdict::MissingAttestation, self.missing_attestation),
            (Verdict::StaleScan, self.stale_scan),
        ]
    }
}

/// The JSON name of a verdict (`missing_attestation`), also the page's CSS
/// class and `data-verdict` of it.
pub fn verdict_name(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Verified => "verified",
        Verdict::Unsigned => "unsigned",
        Verdict::MissingAttestation => "missing_attestation",
        Verdict::StaleScan => "stale_scan",
    }
}

/// Checks, before any work, that `dest` can take the page: a regular file or
/// nothing yet (a directory, FIFO or device is refused, exit 2), in a
/// directory that exists. Returns the mode the file gets: an existing
/// file's own, else `0644`.
pub fn check_destination(dest: &Path) -> Result<u32> {
    let file_error = |error: std::io::Error| Error::File {
        path: dest.to_path_buf(),
        error,
    };
    let mode = match std::fs::metadata(dest) {
        Ok(meta) if meta.is_file() => {
            use std::os::unix::fs::PermissionsExt;
            meta.permissions().mode() & 0o7777
        }
        Ok(meta) => {
            let what = match meta.is_dir() {
                true => "is a directory; name a file",
                false => "is not a regular file; name a file, or `-` for stdout",
            };
            return Err(file_error(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                what,
            )));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => 0o644,
        Err(e) => return Err(file_error(e)),
    };
    let dir = parent_dir(dest);
    if !dir.is_dir() {
        return Err(Error::File {
            path: dir.to_path_buf(),
            error: std::io::Error::new(std::io::ErrorKind::NotFound, "no such directory"),
        });
    }
    Ok(mode)
}

fn parent_dir(dest: &Path) -> &Path {
    dest.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Writes `bytes` to `dest` so that a reader sees the old file or the whole
/// new one, never a part: a temporary file in the same directory, flushed,
/// then renamed over `dest` (checked as [`check_destination`] does).
pub fn write_atomically(dest: &Path, bytes: &[u8]) -> Result<()> {
    let file_error = |error: std::io::Error| Error::File {
        path: dest.to_path_buf(),
        error,
    };
    let mode = check_destination(dest)?;
    let dir = parent_dir(dest);
    let mut temp = tempfile::Builder::new()
        .prefix(".vimes-report-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|error| Error::File {
            path: dir.to_path_buf(),
            error,
        })?;
    {
        use std::os::unix::fs::PermissionsExt;
        let file = temp.as_file_mut();
        file.set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(file_error)?;
        file.write_all(bytes).map_err(file_error)?;
        file.sync_all().map_err(file_error)?;
    }
    temp.persist(dest).map_err(|e| file_error(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests;
