//! Vulnerability exceptions that carry the security team's approval: a YAML
//! file that counts only with a detached signature (cosign `sign-blob`
//! format: base64 ECDSA P-256 over the file bytes, in `FILE.sig`) by one of
//! `policy.approvers`. Unsigned, tampered, foreign-signed or expired entries
//! are never applied, and the reason is reported.

use crate::clock::Date;
use crate::error::{ConfigError, Error, Location, Result};
use crate::signing::keys::{PublicKey, SigningKey};
use crate::signing::payload::{b64, unb64};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The longest an exception may run: its expiry is at most this many days
/// after the day it is judged on (design.md names no other limit and no
/// configuration key sets one). An exception "until 2099" is refused.
pub const MAX_EXCEPTION_DAYS: i64 = 365;

/// The exceptions file.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ExceptionsFile {
    /// Format version; only 1.
    pub version: u32,
    /// Raised on every change (`vimes exceptions add` does): vimes keeps the
    /// highest serial of a signed file it has seen and refuses a lower one,
    /// so an older signed file cannot be restored once an exception was
    /// withdrawn. Absent counts as 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial: Option<u64>,
    /// The entries.
    #[serde(default)]
    pub exceptions: Vec<Exception>,
}

/// One approved exception.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Exception {
    /// CVE or GHSA id the exception waives.
    pub id: String,
    /// Repository globs it is limited to (all images when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<String>,
    /// Package names it is limited to (all packages when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub packages: Vec<String>,
    /// Why the risk is accepted.
    pub reason: String,
    /// Last day (UTC) the exception is valid, `YYYY-MM-DD`.
    pub expires: String,
    /// Who approved it.
    pub approved_by: String,
}

/// The exceptions file as read: the parsed entries plus whether the file's
/// signature makes them count.
#[derive(Clone, Debug, Serialize)]
pub struct LoadedExceptions {
    /// The file.
    pub path: PathBuf,
    /// The entries in it.
    pub entries: Vec<Exception>,
    /// The file's serial (0 when it has none).
    pub serial: u64,
    /// Signature status of the file.
    pub signature: SignatureStatus,
}

/// Whether the file carries a valid approver signature.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum SignatureStatus {
    /// Signed by this approver key.
    Valid {
        /// The approver key's name.
        key: String,
        /// Its fingerprint.
        fingerprint: String,
    },
    /// No `.sig` file.
    Unsigned,
    /// A signature that no approver key verifies (tampered file, other signer).
    Invalid {
        /// Why.
        reason: String,
    },
}

impl LoadedExceptions {
    /// Whether the entries may be applied at all.
    pub fn trusted(&self) -> bool {
        matches!(self.signature, SignatureStatus::Valid { .. })
    }
}

/// Where the detached signature of `path` lives.
pub fn signature_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".sig");
    PathBuf::from(name)
}

/// YAML merge keys (`<<: *defaults`) are refused: an entry's scope or expiry
/// must be written in the entry that an approver reads and signs, not pulled
/// in from elsewhere in the file.
fn yaml_options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        merge_keys: serde_saphyr::MergeKeyPolicy::Error,
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::Error,
    }
}

/// Parses and validates the exceptions YAML (exit 2 with `file:line:column`);
/// expiries are measured from `today`.
pub fn parse(text: &str, path: &Path, today: Date) -> Result<ExceptionsFile> {
    let located = |message: String, line: Option<(u64, u64)>| -> Error {
        let location = match line {
            Some((l, c)) => Location::at(path.display(), l, c),
            None => Location::file(path.display()),
        };
        ConfigError::at(location, message).into()
    };
    let file: ExceptionsFile =
        serde_saphyr::from_str_with_options(text, yaml_options()).map_err(|e| {
            let at = e.location().map(|l| (l.line(), l.column()));
            let message = e.to_string();
            let first = message.lines().next().unwrap_or("invalid YAML").to_string();
            located(first, at)
        })?;
    if file.version != 1 {
        return Err(located(
            format!("version {} is not supported (only 1)", file.version),
            find_line(text, "version"),
        ));
    }
    for entry in &file.exceptions {
        let at = find_line(text, &entry.id);
        let field = |name: &str| {
            at.and_then(|(line, _)| find_line_from(text, line, &format!("{name}:")))
                .or(at)
        };
        let bad = |m: String, at| located(format!("exception {}: {m}", entry.id), at);
        if !valid_id(&entry.id) {
            return Err(bad(
                "id must look like CVE-YYYY-NNNN or GHSA-xxxx-xxxx-xxxx".into(),
                at,
            ));
        }
        if entry.reason.trim().is_empty() {
            return Err(bad(
                "reason is empty; say why the risk is accepted".into(),
                field("reason"),
            ));
        }
        if entry.approved_by.trim().is_empty() {
            return Err(bad("approved_by is empty".into(), field("approved_by")));
        }
        let Some(expires) = Date::parse(&entry.expires) else {
            return Err(bad(
                format!("expires {:?} is not a date (YYYY-MM-DD)", entry.expires),
                field("expires"),
            ));
        };
        if expires.days_since(today) > MAX_EXCEPTION_DAYS {
            return Err(bad(
                format!(
                    "expires {expires} is more than {MAX_EXCEPTION_DAYS} days after {today}: exceptions are granted for a year at most, then reviewed"
                ),
                field("expires"),
            ));
        }
    }
    Ok(file)
}

fn find_line(text: &str, needle: &str) -> Option<(u64, u64)> {
    text.lines()
        .enumerate()
        .find_map(|(i, line)| line.find(needle).map(|col| (i as u64 + 1, col as u64 + 1)))
}

/// The first line at or after `from` (1-based) containing `needle`.
fn find_line_from(text: &str, from: u64, needle: &str) -> Option<(u64, u64)> {
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1) as usize)
        .find_map(|(i, line)| line.find(needle).map(|col| (i as u64 + 1, col as u64 + 1)))
}

fn valid_id(id: &str) -> bool {
    let upper = id.to_ascii_uppercase();
    (upper.starts_with("CVE-")
        && upper.len() >= 13
        && upper[4..].split_once('-').is_some_and(|(y, n)| {
            y.len() == 4
                && y.bytes().all(|b| b.is_ascii_digit())
                && n.len() >= 4
                && n.bytes().all(|b| b.is_ascii_digit())
        }))
        || (upper.starts_with("GHSA-") && upper.len() == 19)
        || (!id.is_empty()
            && id.len() <= 64
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
            && id.contains('-'))
}

/// Reads the file (expiries measured from `today`) and checks its detached
/// signature against `approvers`.
pub fn load(path: &Path, approvers: &[PublicKey], today: Date) -> Result<LoadedExceptions> {
    let bytes = std::fs::read(path).map_err(|error| Error::File {
        path: path.to_path_buf(),
        error,
    })?;
    let text = String::from_utf8(bytes.clone())
        .map_err(|_| ConfigError::in_file(path.display(), "not UTF-8 text"))?;
    let file = parse(&text, path, today)?;
    let signature = check_signature(&bytes, &signature_path(path), approvers);
    Ok(LoadedExceptions {
        path: path.to_path_buf(),
        entries: file.exceptions,
        serial: file.serial.unwrap_or(0),
        signature,
    })
}

/// Whether `sig_path` holds an approver's signature over `bytes` (the
/// detached format of exceptions files, and of signed VEX documents).
pub fn check_signature(bytes: &[u8], sig_path: &Path, approvers: &[PublicKey]) -> SignatureStatus {
    let Ok(sig_text) = std::fs::read_to_string(sig_path) else {
        return SignatureStatus::Unsigned;
    };
    let Some(sig) = unb64(sig_text.trim()) else {
        return SignatureStatus::Invalid {
            reason: format!("{} is not base64", sig_path.display()),
        };
    };
    if approvers.is_empty() {
        return SignatureStatus::Invalid {
            reason: "policy.approvers lists no key, so no signature can count".into(),
        };
    }
    match approvers.iter().find(|k| k.verifies(&sig, bytes)) {
        Some(key) => SignatureStatus::Valid {
            key: key.name.clone(),
            fingerprint: key.fingerprint.clone(),
        },
        None => SignatureStatus::Invalid {
            reason: "the signature does not verify with any approver key (file changed after signing, or signed by someone else)".into(),
        },
    }
}

/// Signs the file's exact bytes; returns the base64 signature (also written to `FILE.sig`).
/// The file must be valid as of `today`: nobody signs what would be refused.
pub fn sign(path: &Path, key: &SigningKey, today: Date) -> Result<PathBuf> {
    let bytes = std::fs::read(path).map_err(|error| Error::File {
        path: path.to_path_buf(),
        error,
    })?;
    let text = String::from_utf8_lossy(&bytes);
    parse(&text, path, today)?;
    write_signature(path, &bytes, key)
}

/// Signs `bytes` (the content of `path`) and writes the base64 signature to
/// `FILE.sig`; returns that path.
pub fn write_signature(path: &Path, bytes: &[u8], key: &SigningKey) -> Result<PathBuf> {
    let sig = b64(&key.sign(bytes)?);
    let sig_path = signature_path(path);
    std::fs::write(&sig_path, format!("{sig}\n")).map_err(|error| Error::File {
        path: sig_path.clone(),
        error,
    })?;
    Ok(sig_path)
}

/// The state of one entry on a given day, for a given image.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryState {
    /// In force.
    Active,
    /// Past its expiry day.
    Expired,
}

impl Exception {
    /// Active or expired on `today` (valid through the expiry day itself).
    pub fn state(&self, today: Date) -> EntryState {
        match Date::parse(&self.expires) {
            Some(expires) if today <= expires => EntryState::Active,
            _ => EntryState::Expired,
        }
    }

    /// Whether this entry covers finding `id` in `package` of `repository`.
    pub fn covers(&self, id: &str, package: &str, repository: &str) -> bool {
        self.id.eq_ignore_ascii_case(id)
            && (self.packages.is_empty() || self.packages.iter().any(|p| p == package))
            && (self.images.is_empty() || self.images.iter().any(|g| glob_match(g, repository)))
    }
}

/// `*` matches within one path segment, `**` across segments; a glob without a
/// host also matches the repository path alone.
pub fn glob_match(glob: &str, repository: &str) -> bool {
    fn matches(p: &[u8], s: &[u8]) -> bool {
        match (p.first(), s.first()) {
            (None, None) => true,
            (Some(b'*'), _) if p.get(1) == Some(&b'*') => {
                (0..=s.len()).any(|i| matches(&p[2..], &s[i..]))
            }
            (Some(b'*'), _) => {
                let limit = s.iter().position(|&c| c == b'/').unwrap_or(s.len());
                (0..=limit).any(|i| matches(&p[1..], &s[i..]))
            }
            (Some(a), Some(b)) if a == b => matches(&p[1..], &s[1..]),
            _ => false,
        }
    }
    let path_only = repository
        .split_once('/')
        .map_or(repository, |(_, rest)| rest);
    matches(glob.as_bytes(), repository.as_bytes())
        || matches(glob.as_bytes(), path_only.as_bytes())
        || path_only
            .split_once('/')
            .is_some_and(|(_, below_project)| matches(glob.as_bytes(), below_project.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> Date {
        Date::parse("2026-12-03").unwrap()
    }

    const GOOD: &str = "version: 1\nexceptions:\n  - id: CVE-2099-0002\n    packages: [zlib1g]\n    images: [\"payments/*\"]\n    reason: vendor fix pending\n    expires: 2027-01-31\n    approved_by: alice@example.com\n";

    #[test]
    fn parses_and_scopes() {
        let f = parse(GOOD, Path::new("e.yaml"), day()).unwrap();
        let e = &f.exceptions[0];
        assert!(e.covers("cve-2099-0002", "zlib1g", "h:5000/staging/payments/api"));
        assert!(!e.covers("CVE-2099-0002", "openssl", "h:5000/staging/payments/api"));
        assert!(!e.covers("CVE-2099-0002", "zlib1g", "h:5000/staging/other/api"));
        assert_eq!(
            e.state(Date::parse("2027-01-31").unwrap()),
            EntryState::Active
        );
        assert_eq!(
            e.state(Date::parse("2027-02-01").unwrap()),
            EntryState::Expired
        );
    }

    #[test]
    fn bad_files_are_config_errors_with_a_line() {
        let no_reason = GOOD.replace("    reason: vendor fix pending\n", "");
        let err = parse(&no_reason, Path::new("e.yaml"), day()).unwrap_err();
        assert_eq!(err.exit(), crate::exit::Exit::Usage);
        assert!(err.to_string().contains("reason"), "{err}");
        assert!(err.to_string().starts_with("e.yaml:"), "{err}");
        let empty_approver = GOOD.replace("alice@example.com", "\"\"");
        assert!(parse(&empty_approver, Path::new("e.yaml"), day())
            .unwrap_err()
            .to_string()
            .contains("approved_by"));
        let bad_date = GOOD.replace("2027-01-31", "next year");
        assert!(parse(&bad_date, Path::new("e.yaml"), day())
            .unwrap_err()
            .to_string()
            .contains("e.yaml:7:"));
        assert!(parse("version: 1\nexceptions: [\n", Path::new("e.yaml"), day()).is_err());
        assert!(parse(
            &GOOD.replace("reason:", "reasn:"),
            Path::new("e.yaml"),
            day()
        )
        .is_err());
    }

    #[test]
    fn expiry_is_a_strict_date_at_most_a_year_ahead() {
        let today = Date::parse("2026-12-03").unwrap();
        let path = Path::new("e.yaml");
        let with = |expires: &str| GOOD.replace("2027-01-31", expires);
        assert!(parse(&with("2027-12-03"), path, today).is_ok());
        let err = parse(&with("2027-12-04"), path, today).unwrap_err();
        assert_eq!(err.exit(), crate::exit::Exit::Usage);
        assert!(err.to_string().contains("more than 365 days"), "{err}");
        assert!(err.to_string().starts_with("e.yaml:7:"), "{err}");
        assert!(parse(&with("2099-12-31"), path, today).is_err());
        for not_a_date in ["2099-+1-+1", "\"2027-+1-01\"", "\" 2027-01-01\""] {
            let err = parse(&with(not_a_date), path, today).unwrap_err();
            assert!(
                err.to_string().contains("is not a date"),
                "{not_a_date}: {err}"
            );
        }
        // Past expiries stay readable (they are reported as expired).
        assert!(parse(&with("2000-01-01"), path, today).is_ok());
    }

    #[test]
    fn merge_keys_and_duplicate_keys_are_refused() {
        let merged = "version: 1\ndefaults: &d\n  reason: r\nexceptions:\n  - id: CVE-2099-0002\n    <<: *d\n    expires: 2027-01-31\n    approved_by: a@example.com\n";
        assert!(parse(
            merged,
            Path::new("e.yaml"),
            Date::parse("2026-12-03").unwrap()
        )
        .is_err());
        let merged_only = "version: 1\nexceptions:\n  - &e\n    id: CVE-2099-0002\n    reason: r\n    expires: 2027-01-31\n    approved_by: a@example.com\n  - <<: *e\n    id: CVE-2099-0003\n";
        let err = parse(
            merged_only,
            Path::new("e.yaml"),
            Date::parse("2026-12-03").unwrap(),
        )
        .unwrap_err();
        assert_eq!(err.exit(), crate::exit::Exit::Usage);
        assert!(err.to_string().to_lowercase().contains("merge"), "{err}");
        let twice = GOOD.replace(
            "    reason: vendor fix pending\n",
            "    reason: vendor fix pending\n    reason: other\n",
        );
        assert!(parse(
            &twice,
            Path::new("e.yaml"),
            Date::parse("2026-12-03").unwrap()
        )
        .is_err());
    }

    #[test]
    fn the_serial_is_read_and_absent_is_zero() {
        let today = Date::parse("2026-12-03").unwrap();
        let f = parse(
            &GOOD.replace("version: 1\n", "version: 1\nserial: 7\n"),
            Path::new("e"),
            today,
        )
        .unwrap();
        assert_eq!(f.serial, Some(7));
        assert_eq!(parse(GOOD, Path::new("e"), today).unwrap().serial, None);
        assert!(parse(
            &GOOD.replace("version: 1\n", "version: 1\nserial: -1\n"),
            Path::new("e"),
            today
        )
        .is_err());
    }

    #[test]
    fn globs() {
        assert!(glob_match("payments/*", "h/staging/payments/api"));
        assert!(glob_match("h/staging/**", "h/staging/payments/api"));
        assert!(!glob_match("payments/*", "h/staging/payments/api/v2"));
        assert!(glob_match("*", "h/p/x"));
    }

    #[test]
    fn signatures_count_only_from_approvers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("exceptions.yaml");
        std::fs::write(&path, GOOD).unwrap();
        let approver = crate::signing::keys::generate(b"pw").unwrap();
        let other = crate::signing::keys::generate(b"pw").unwrap();
        let approver_pub = PublicKey::from_pem(approver.public_pem.as_bytes(), "team.pub").unwrap();
        assert_eq!(
            load(&path, std::slice::from_ref(&approver_pub), day())
                .unwrap()
                .signature,
            SignatureStatus::Unsigned
        );
        let other_key =
            crate::signing::keys::load_signing_key(other.private_pem.as_bytes(), b"pw", "o")
                .unwrap();
        sign(&path, &other_key, day()).unwrap();
        assert!(matches!(
            load(&path, std::slice::from_ref(&approver_pub), day())
                .unwrap()
                .signature,
            SignatureStatus::Invalid { .. }
        ));
        let key =
            crate::signing::keys::load_signing_key(approver.private_pem.as_bytes(), b"pw", "a")
                .unwrap();
        sign(&path, &key, day()).unwrap();
        assert!(load(&path, std::slice::from_ref(&approver_pub), day())
            .unwrap()
            .trusted());
        std::fs::write(&path, GOOD.replace("2027-01-31", "2027-01-30")).unwrap();
        assert!(
            !load(&path, &[approver_pub], day()).unwrap().trusted(),
            "tampered after signing"
        );
    }
}
