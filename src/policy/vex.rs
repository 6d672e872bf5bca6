//! Signed VEX: OpenVEX documents (`policy.vex`) whose statements suppress
//! findings only when the document is signed by a `policy.approvers` key
//! (`FILE.sig`, the format of the exceptions file), the statement names this
//! image (by digest, or a repository glob in the exceptions file's syntax)
//! and has not lapsed (`vimes:expires`, or `policy.vex_max_age_days` after
//! its timestamp). vimes decides which statements count; Trivy is handed only
//! those, rewritten to name the image as Trivy names it ([`trivy_document`]),
//! never `--vex oci`, which trusts whatever anyone pushed.

use super::exceptions::{
    check_signature, glob_match, signature_path, write_signature, SignatureStatus,
};
use crate::clock::{date_of_timestamp, Date};
use crate::error::{ConfigError, Error, Result};
use crate::sbom::purl::Purl;
use crate::signing::keys::{PublicKey, SigningKey};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// The statuses that suppress a finding (as in Trivy).
const SUPPRESSING: [&str; 2] = ["not_affected", "fixed"];

/// One OpenVEX document as vimes reads it.
#[derive(Clone, Debug, Deserialize)]
struct Document {
    #[serde(rename = "@context")]
    context: String,
    #[serde(default)]
    timestamp: Option<String>,
    statements: Vec<RawStatement>,
}

#[derive(Clone, Debug, Deserialize)]
struct RawStatement {
    vulnerability: Vulnerability,
    #[serde(default)]
    products: Vec<Product>,
    status: String,
    #[serde(default)]
    justification: Option<String>,
    #[serde(default)]
    impact_statement: Option<String>,
    #[serde(default)]
    timestamp: Option<String>,
    #[serde(rename = "vimes:expires", default)]
    expires: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
struct Vulnerability {
    #[serde(default)]
    name: Option<String>,
    #[serde(rename = "@id", default)]
    id: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
struct Product {
    #[serde(rename = "@id")]
    id: String,
}

/// One statement of a loaded document.
#[derive(Clone, Debug, Serialize)]
pub struct VexStatement {
    /// The vulnerability id (`CVE-…`).
    pub vulnerability: String,
    /// The products it names (`pkg:oci/…@sha256:…`, `host/repo@sha256:…`,
    /// or a repository glob).
    pub products: Vec<String>,
    /// `not_affected`, `fixed`, `affected`, `under_investigation`.
    pub status: String,
    /// The justification or impact statement.
    pub statement: String,
    /// Its timestamp (or the document's).
    pub timestamp: Option<String>,
    /// `vimes:expires`, when given.
    pub expires: Option<String>,
}

/// A VEX document of `policy.vex`, read and its signature checked.
#[derive(Clone, Debug, Serialize)]
pub struct LoadedVex {
    /// The file.
    pub path: PathBuf,
    /// Whether an approver signed it.
    pub signature: SignatureStatus,
    /// Its statements.
    pub statements: Vec<VexStatement>,
}

/// A statement that counts for one image.
#[derive(Clone, Debug, Serialize)]
pub struct AppliedVex {
    /// The vulnerability id.
    pub vulnerability: String,
    /// Its status.
    pub status: String,
    /// The justification or impact statement.
    pub statement: String,
    /// The document it comes from.
    pub source: String,
    /// The approver key that signed the document.
    pub signed_by: String,
}

/// A document or statement that suppresses nothing here, and why.
#[derive(Clone, Debug, Serialize)]
pub struct IgnoredVex {
    /// The document.
    pub source: String,
    /// The vulnerability, for a statement (absent for a whole document).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vulnerability: Option<String>,
    /// Why it does not count.
    pub reason: String,
}

/// What the VEX documents say about one image.
#[derive(Clone, Debug, Default, Serialize)]
pub struct VexSelection {
    /// The statements that count.
    pub applied: Vec<AppliedVex>,
    /// Everything that does not, named.
    pub ignored: Vec<IgnoredVex>,
}

/// Reads every document of `paths` and checks each one's signature. A file
/// that is missing or is not an OpenVEX document is a configuration error
/// (exit 2): a VEX file nobody can read must not pass as "no suppressions".
pub fn load(paths: &[PathBuf], approvers: &[PublicKey]) -> Result<Vec<LoadedVex>> {
    paths
        .iter()
        .map(|path| {
            let bytes = std::fs::read(path).map_err(|error| Error::File {
                path: path.clone(),
                error,
            })?;
            let statements = parse(&bytes, path)?;
            Ok(LoadedVex {
                path: path.clone(),
                signature: check_signature(&bytes, &signature_path(path), approvers),
                statements,
            })
        })
        .collect()
}

/// An OpenVEX document attested on the image (the predicate of an `openvex`
/// attestation whose signature an approver key verified), named `source`.
/// A predicate that is not OpenVEX is reported as the reason it counts for
/// nothing, not as an error: the image may carry anything.
pub fn from_attestation(
    predicate: &[u8],
    source: &str,
    signer: &str,
) -> std::result::Result<LoadedVex, IgnoredVex> {
    match parse(predicate, Path::new(source)) {
        Ok(statements) => Ok(LoadedVex {
            path: PathBuf::from(source),
            signature: SignatureStatus::Valid {
                key: signer.to_string(),
                fingerprint: String::new(),
            },
            statements,
        }),
        Err(e) => Err(IgnoredVex {
            source: source.to_string(),
            vulnerability: None,
            reason: format!("{e}: suppresses nothing"),
        }),
    }
}

/// Parses an OpenVEX document (exit 2 naming the file when it is not one).
fn parse(bytes: &[u8], path: &Path) -> Result<Vec<VexStatement>> {
    let bad = |why: String| -> Error {
        ConfigError::in_file(path.display(), format!("not an OpenVEX document: {why}")).into()
    };
    let doc: Document = serde_json::from_slice(bytes).map_err(|e| bad(e.to_string()))?;
    if !doc.context.starts_with("https://openvex.dev/ns") {
        return Err(bad(format!("@context {:?} is not OpenVEX's", doc.context)));
    }
    doc.statements
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let vulnerability = s
                .vulnerability
                .name
                .or(s.vulnerability.id)
                .filter(|v| !v.trim().is_empty())
                .ok_or_else(|| bad(format!("statement {} names no vulnerability", i + 1)))?;
            if s.products.is_empty() {
                return Err(bad(format!("statement {} names no product", i + 1)));
            }
            if let Some(expires) = &s.expires {
                if Date::parse(expires).is_none() {
                    return Err(bad(format!(
                        "statement {}: vimes:expires {expires:?} is not a date YYYY-MM-DD",
                        i + 1
                    )));
                }
            }
            Ok(VexStatement {
                vulnerability,
                products: s.products.into_iter().map(|p| p.id).collect(),
                status: s.status,
                statement: s.justification.or(s.impact_statement).unwrap_or_default(),
                timestamp: s.timestamp.or_else(|| doc.timestamp.clone()),
                expires: s.expires,
            })
        })
        .collect()
}

/// Signs an OpenVEX document with an approver's key (`FILE.sig`); the file
/// must parse as one first.
pub fn sign(path: &Path, key: &SigningKey) -> Result<PathBuf> {
    let bytes = std::fs::read(path).map_err(|error| Error::File {
        path: path.to_path_buf(),
        error,
    })?;
    parse(&bytes, path)?;
    write_signature(path, &bytes, key)
}

/// Which statements count for `repository@digest` on `today`.
pub fn select(
    documents: &[LoadedVex],
    repository: &str,
    digest: &str,
    today: Date,
    max_age_days: Option<u32>,
) -> VexSelection {
    let mut selection = VexSelection::default();
    for doc in documents {
        let source = doc.path.display().to_string();
        let signer = match &doc.signature {
            SignatureStatus::Valid { key, .. } => key.clone(),
            SignatureStatus::Unsigned => {
                selection.ignored.push(IgnoredVex {
                    source,
                    vulnerability: None,
                    reason: "not signed by an approver (no .sig): suppresses nothing".into(),
                });
                continue;
            }
            SignatureStatus::Invalid { reason } => {
                selection.ignored.push(IgnoredVex {
                    source,
                    vulnerability: None,
                    reason: format!("{reason}: suppresses nothing"),
                });
                continue;
            }
        };
        for statement in &doc.statements {
            let ignore = |reason: String| IgnoredVex {
                source: source.clone(),
                vulnerability: Some(statement.vulnerability.clone()),
                reason,
            };
            if !statement
                .products
                .iter()
                .any(|p| names_image(p, repository, digest))
            {
                selection.ignored.push(ignore(format!(
                    "names other images ({}), not {repository}@{digest}",
                    statement.products.join(", ")
                )));
                continue;
            }
            if !SUPPRESSING.contains(&statement.status.as_str()) {
                selection.ignored.push(ignore(format!(
                    "status {:?} suppresses nothing",
                    statement.status
                )));
                continue;
            }
            if let Some(reason) = lapsed(statement, today, max_age_days) {
                selection.ignored.push(ignore(reason));
                continue;
            }
            selection.applied.push(AppliedVex {
                vulnerability: statement.vulnerability.clone(),
                status: statement.status.clone(),
                statement: statement.statement.clone(),
                source: source.clone(),
                signed_by: signer.clone(),
            });
        }
    }
    selection
}

/// Why the statement no longer counts on `today`, if it does not.
fn lapsed(statement: &VexStatement, today: Date, max_age_days: Option<u32>) -> Option<String> {
    if let Some(expires) = statement.expires.as_deref().and_then(Date::parse) {
        return (today.days_since(expires) > 0)
            .then(|| format!("expired on {expires} (vimes:expires)"));
    }
    let Some(max_age) = max_age_days else {
        return Some(
            "carries no expiry: give it vimes:expires or set policy.vex_max_age_days".into(),
        );
    };
    let Some(stamped) = statement.timestamp.as_deref().and_then(date_of_timestamp) else {
        return Some(
            "has no timestamp to age by policy.vex_max_age_days: give it vimes:expires".into(),
        );
    };
    (today.days_since(stamped) > i64::from(max_age)).then(|| {
        format!("made on {stamped}, more than policy.vex_max_age_days ({max_age}) days ago")
    })
}

/// Whether a product id names `repository@digest`: a `pkg:oci` purl or an
/// image reference with this digest, or a repository glob (exceptions
/// syntax) matching the repository. The digest is the content's identity:
/// a statement about it holds in staging and, after promotion copied the
/// same digest, in production.
fn names_image(product: &str, repository: &str, digest: &str) -> bool {
    if product.starts_with("pkg:") {
        return Purl::parse(product)
            .is_ok_and(|p| p.kind == "oci" && p.version.as_deref() == Some(digest));
    }
    if let Some((_, named_digest)) = product.split_once('@') {
        return named_digest == digest;
    }
    glob_match(product, repository)
}

/// The OpenVEX document handed to Trivy for one scanned manifest: the
/// applied statements only, each naming `repository@digest` the way Trivy
/// names the image it scans (`pkg:oci/NAME@DIGEST?repository_url=…`).
pub fn trivy_document(applied: &[AppliedVex], repository: &str, digest: &str) -> Value {
    let name = repository.rsplit('/').next().unwrap_or(repository);
    let product = format!(
        "pkg:oci/{name}@{}?repository_url={repository}",
        digest.replacen(':', "%3A", 1)
    );
    let statements: Vec<Value> = applied
        .iter()
        .map(|a| {
            let mut s = json!({
                "vulnerability": {"name": a.vulnerability},
                "products": [{"@id": product}],
                "status": a.status,
            });
            if a.status == "not_affected" {
                s["impact_statement"] =
                    json!(format!("{} (signed by {})", a.statement, a.signed_by));
            }
            s
        })
        .collect();
    json!({
        "@context": "https://openvex.dev/ns/v0.2.0",
        "@id": format!("https://vimes.dev/vex/verified/{digest}"),
        "author": "vimes (statements verified from policy.vex)",
        "timestamp": crate::clock::now_rfc3339(),
        "version": 1,
        "statements": statements,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIGEST: &str = "sha256:094fc1d9cbd9cc7af964197d0242561f37e922edc90898b3b26c4ba1fcf24878";

    fn statement(
        products: &[&str],
        status: &str,
        expires: Option<&str>,
        ts: Option<&str>,
    ) -> VexStatement {
        VexStatement {
            vulnerability: "CVE-2099-0004".into(),
            products: products.iter().map(|p| p.to_string()).collect(),
            status: status.into(),
            statement: "vulnerable_code_not_in_execute_path".into(),
            timestamp: ts.map(str::to_string),
            expires: expires.map(str::to_string),
        }
    }

    fn signed(statements: Vec<VexStatement>) -> Vec<LoadedVex> {
        vec![LoadedVex {
            path: "web.openvex.json".into(),
            signature: SignatureStatus::Valid {
                key: "security/team.pub".into(),
                fingerprint: "f".into(),
            },
            statements,
        }]
    }

    fn today() -> Date {
        Date::parse("2026-12-04").unwrap()
    }

    #[test]
    fn products_name_the_image_by_purl_reference_or_glob() {
        let repo = "reg.example.com/production/web";
        let purl = format!(
            "pkg:oci/web@{}?repository_url={repo}",
            DIGEST.replace(':', "%3A")
        );
        assert!(names_image(&purl, repo, DIGEST));
        assert!(names_image(&format!("pkg:oci/web@{DIGEST}"), repo, DIGEST));
        // The digest names the content, in staging as in production.
        assert!(names_image(&purl, "reg.example.com/staging/web", DIGEST));
        assert!(!names_image(
            &format!("pkg:oci/web@sha256:{}", "0".repeat(64)),
            repo,
            DIGEST
        ));
        assert!(names_image(&format!("{repo}@{DIGEST}"), repo, DIGEST));
        assert!(!names_image(&format!("{repo}@sha256:00"), repo, DIGEST));
        assert!(names_image("reg.example.com/production/*", repo, DIGEST));
        assert!(!names_image("reg.example.com/staging/*", repo, DIGEST));
    }

    #[test]
    fn only_signed_current_suppressing_statements_for_this_image_count() {
        let repo = "reg.example.com/production/web";
        let here = format!("{repo}@{DIGEST}");
        let docs = signed(vec![
            statement(&[&here], "not_affected", Some("2027-01-31"), None),
            statement(&[&here], "affected", Some("2027-01-31"), None),
            statement(&[&here], "not_affected", Some("2026-12-03"), None),
            statement(&[&here], "fixed", None, Some("2026-11-30T10:00:00Z")),
            statement(&[&here], "not_affected", None, None),
            statement(
                &["reg.example.com/production/api@sha256:00"],
                "not_affected",
                Some("2027-01-31"),
                None,
            ),
        ]);
        let picked = select(&docs, repo, DIGEST, today(), None);
        assert_eq!(picked.applied.len(), 1, "{picked:?}");
        assert_eq!(picked.applied[0].signed_by, "security/team.pub");
        let reasons: Vec<&str> = picked.ignored.iter().map(|i| i.reason.as_str()).collect();
        assert_eq!(reasons.len(), 5, "{reasons:?}");
        assert!(reasons[4].contains("names other images"), "{reasons:?}");
        assert!(reasons[0].contains("suppresses nothing"));
        assert!(reasons[1].contains("expired on 2026-12-03"));
        assert!(reasons[2].contains("no expiry"));
        // With a maximum age, the timestamped statement counts until it lapses.
        let aged = select(&docs, repo, DIGEST, today(), Some(7));
        assert_eq!(aged.applied.len(), 2, "{aged:?}");
        let later = Date::parse("2026-12-20").unwrap();
        assert_eq!(select(&docs, repo, DIGEST, later, Some(7)).applied.len(), 1);
    }

    #[test]
    fn an_unsigned_or_tampered_document_suppresses_nothing_and_is_named() {
        let repo = "reg.example.com/production/web";
        let mut docs = signed(vec![statement(
            &[repo],
            "not_affected",
            Some("2027-01-31"),
            None,
        )]);
        docs[0].signature = SignatureStatus::Unsigned;
        let picked = select(&docs, repo, DIGEST, today(), None);
        assert!(picked.applied.is_empty());
        assert!(picked.ignored[0].reason.contains("not signed"));
        docs[0].signature = SignatureStatus::Invalid {
            reason: "tampered".into(),
        };
        let picked = select(&docs, repo, DIGEST, today(), None);
        assert!(picked.applied.is_empty());
        assert!(picked.ignored[0].reason.starts_with("tampered"));
    }

    #[test]
    fn malformed_documents_are_refused_naming_the_file() {
        let path = Path::new("bad.openvex.json");
        for (bytes, why) in [
            (&b"{"[..], "not an OpenVEX document"),
            (br#"{"@context":"https://example.com","statements":[]}"#, "is not OpenVEX's"),
            (br#"{"@context":"https://openvex.dev/ns/v0.2.0","statements":[{"vulnerability":{},"products":[{"@id":"x"}],"status":"fixed"}]}"#, "names no vulnerability"),
            (br#"{"@context":"https://openvex.dev/ns/v0.2.0","statements":[{"vulnerability":{"name":"CVE-1"},"products":[],"status":"fixed"}]}"#, "names no product"),
            (br#"{"@context":"https://openvex.dev/ns/v0.2.0","statements":[{"vulnerability":{"name":"CVE-1"},"products":[{"@id":"x"}],"status":"fixed","vimes:expires":"soon"}]}"#, "not a date"),
        ] {
            let err = parse(bytes, path).unwrap_err().to_string();
            assert!(err.contains(why) && err.contains("bad.openvex.json"), "{err}");
        }
    }

    #[test]
    fn trivys_document_names_the_scanned_manifest() {
        let applied = vec![AppliedVex {
            vulnerability: "CVE-2099-0004".into(),
            status: "not_affected".into(),
            statement: "vulnerable_code_not_in_execute_path".into(),
            source: "web.openvex.json".into(),
            signed_by: "security/team.pub".into(),
        }];
        let doc = trivy_document(&applied, "127.0.0.1:5999/prod/vx", DIGEST);
        assert_eq!(
            doc["statements"][0]["products"][0]["@id"],
            format!(
                "pkg:oci/vx@{}?repository_url=127.0.0.1:5999/prod/vx",
                DIGEST.replace(':', "%3A")
            )
        );
        assert_eq!(doc["statements"][0]["status"], "not_affected");
    }
}
