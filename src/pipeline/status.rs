//! `vimes status`: what is in production now. Every tag of every production
//! repository (or of the repositories asked for) → its digest, judged as
//! `vimes verify` judges it: which trusted keys signed it, which signed
//! attestations it has, when its newest signed scan ran and with which
//! vulnerability DB, whether it has a signed SBOM, and a verdict.

use crate::clock::{date_of_timestamp, Date};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::pipeline::registry_walk::RegistryWalk;
use crate::registry::reference::Side;
use crate::registry::{ImageRef, RegistryClient};
use crate::signing::keys::PublicKey;
use crate::signing::verify::{verified_statements, verify_image, VerifiedStatement, VerifyPolicy};
use crate::signing::AttestationType;
use futures_util::{stream, StreamExt};
use serde::Serialize;

/// Digests judged at once (each is a handful of small reads).
const JUDGED_AT_ONCE: usize = 8;

/// What to look at.
pub struct StatusRequest {
    /// Repositories (short names resolve under `promotion.to`); empty: every
    /// repository of the production registry's project.
    pub repositories: Vec<String>,
    /// Keys a signature or attestation must verify with.
    pub keys: Vec<PublicKey>,
    /// Attestation types every image must carry (`signing.require_attestations`).
    pub required: Vec<AttestationType>,
    /// A scan older than this many days (or none at all) is stale.
    pub max_scan_age_days: Option<u32>,
    /// What "today" is for the scan's age.
    pub today: Date,
}

/// One verdict on a production image, worst first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// No signature by a trusted key.
    Unsigned,
    /// A required attestation is missing or not validly signed.
    MissingAttestation,
    /// The newest signed scan is older than `policy.max_scan_age_days`, or
    /// there is none.
    StaleScan,
    /// Signed, attested and (when asked) recently scanned.
    Verified,
}

impl Verdict {
    /// The words the table shows.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Unsigned => "unsigned",
            Verdict::MissingAttestation => "missing attestation",
            Verdict::StaleScan => "stale scan",
            Verdict::Verified => "verified",
        }
    }
}

/// The newest signed vulnerability scan of an image.
#[derive(Clone, Debug, Serialize)]
pub struct LastScan {
    /// `metadata.scanFinishedOn` of the vuln predicate.
    pub finished_on: String,
    /// Whole days since then (on the request's today).
    pub age_days: Option<i64>,
    /// The scanner (`scanner.uri`, `scanner.version`).
    pub scanner: Option<String>,
    /// The vulnerability DB's version or update time (`scanner.db.version`).
    pub db: Option<String>,
}

/// One production digest and what is known about it.
#[derive(Clone, Debug, Serialize)]
pub struct ImageStatus {
    /// `host/repository`.
    pub repository: String,
    /// The manifest digest the tags name.
    pub digest: String,
    /// Every tag naming it.
    pub tags: Vec<String>,
    /// Names of the trusted keys with a valid signature.
    pub signers: Vec<String>,
    /// Attestation types with a valid signed attestation, in display order.
    pub attestations: Vec<String>,
    /// Required attestation types without one.
    pub missing_attestations: Vec<String>,
    /// The newest signed scan, if any.
    pub scan: Option<LastScan>,
    /// Whether a signed CycloneDX or SPDX SBOM is attached.
    pub sbom: bool,
    /// The verdict.
    pub verdict: Verdict,
    /// Why it is not verified (empty when it is).
    pub reasons: Vec<String>,
}

/// Everything `status` found.
#[derive(Debug)]
pub struct StatusReport {
    /// The repositories looked at (`host/repository`).
    pub repositories: Vec<String>,
    /// Every tagged digest, by repository and digest.
    pub images: Vec<ImageStatus>,
    /// Repositories or digests that could not be read, with why.
    pub failed: Vec<(String, Error)>,
}

impl StatusReport {
    /// Whether every image is verified and nothing failed to be read.
    pub fn all_verified(&self) -> bool {
        self.failed.is_empty() && self.images.iter().all(|i| i.verdict == Verdict::Verified)
    }
}

/// Looks at production as `request` asks.
pub async fn status(config: &Config, request: &StatusRequest) -> Result<StatusReport> {
    let client = RegistryClient::new(config)?;
    let walk = RegistryWalk::new(config, &client).await?;
    let targets = production_repositories(config, &walk, &request.repositories).await?;
    let mut report = StatusReport {
        repositories: targets.iter().map(ImageRef::repository_name).collect(),
        images: Vec::new(),
        failed: Vec::new(),
    };
    let digests = walk
        .tagged_images(
            &targets,
            !request.repositories.is_empty(),
            &mut report.failed,
        )
        .await;
    let client = &client;
    let judged: Vec<(String, Result<ImageStatus>)> = stream::iter(digests)
        .map(|(repository, digest, tags)| async move {
            let name = format!("{}@{digest}", repository.repository_name());
            (name, judge(client, repository, digest, tags, request).await)
        })
        .buffered(JUDGED_AT_ONCE)
        .collect()
        .await;
    for (name, outcome) in judged {
        match outcome {
            Ok(image) => report.images.push(image),
            Err(e) => report.failed.push((name, e)),
        }
    }
    Ok(report)
}

/// The repositories asked for (resolved under `promotion.to`), else every
/// repository of the production registry's project.
pub async fn production_repositories(
    config: &Config,
    walk: &RegistryWalk<'_>,
    asked: &[String],
) -> Result<Vec<ImageRef>> {
    if !asked.is_empty() {
        let mut found = Vec::new();
        for name in asked {
            let image = ImageRef::resolve(config, name, Side::Destination)?;
            if image.tag.is_some() || image.digest.is_some() {
                return Err(Error::Usage(format!(
                    "{name}: give a repository, not an image (no :tag or @digest)"
                )));
            }
            found.push(image);
        }
        return Ok(found);
    }
    let route = config.route().ok_or_else(|| {
        Error::Usage(
            "no production registry: set promotion.to in vimes.yaml or name repositories".into(),
        )
    })?;
    walk.repositories(route.to).await
}

/// The status of one digest.
async fn judge(
    client: &RegistryClient,
    repository: &ImageRef,
    digest: String,
    tags: Vec<String>,
    request: &StatusRequest,
) -> Result<ImageStatus> {
    let image = repository.with_digest(&digest);
    let signatures_only = VerifyPolicy::default();
    let (verified, statements) = tokio::join!(
        verify_image(client, &image, &digest, &request.keys, &signatures_only),
        verified_statements(client, &image, &digest, &request.keys, &|_| true),
    );
    let (verified, statements) = (verified?, statements?);
    if let Some(failure) = statements.registry_failure {
        return Err(failure.into_error());
    }
    let mut signers: Vec<String> = verified
        .signatures
        .iter()
        .filter_map(|s| s.verdict.key().map(str::to_string))
        .collect();
    signers.sort();
    signers.dedup();
    let present: Vec<AttestationType> = AttestationType::ALL
        .into_iter()
        .filter(|t| statements.verified.iter().any(|s| is_of(s, *t)))
        .collect();
    let missing: Vec<String> = request
        .required
        .iter()
        .filter(|t| !present.contains(t))
        .map(|t| t.name().to_string())
        .collect();
    let scan = statements
        .verified
        .iter()
        .find(|s| is_of(s, AttestationType::Vuln))
        .and_then(|s| last_scan(&s.statement, request.today));
    let mut reasons = Vec::new();
    let mut verdict = Verdict::Verified;
    if signers.is_empty() {
        verdict = Verdict::Unsigned;
        reasons.extend(verified.reasons.iter().cloned());
    }
    if !missing.is_empty() {
        verdict = verdict.min(Verdict::MissingAttestation);
        reasons.push(format!(
            "required attestations missing or not validly signed: {}",
            missing.join(", ")
        ));
    }
    if let Some(limit) = request.max_scan_age_days {
        let stale = match &scan {
            None => Some("no signed vulnerability scan".to_string()),
            Some(LastScan {
                age_days: Some(age),
                finished_on,
                ..
            }) if *age > i64::from(limit) => Some(format!(
                "last signed scan {finished_on} is {age} days old (policy.max_scan_age_days: {limit})"
            )),
            Some(LastScan { age_days: None, finished_on, .. }) => Some(format!(
                "the signed scan's time {finished_on:?} is not a timestamp"
            )),
            Some(_) => None,
        };
        if let Some(why) = stale {
            verdict = verdict.min(Verdict::StaleScan);
            reasons.push(why);
        }
    }
    Ok(ImageStatus {
        repository: repository.repository_name(),
        digest,
        tags,
        signers,
        attestations: present.iter().map(|t| t.name().to_string()).collect(),
        missing_attestations: missing,
        sbom: present
            .iter()
            .any(|t| matches!(t, AttestationType::Cyclonedx | AttestationType::Spdx)),
        scan,
        verdict,
        reasons,
    })
}

fn is_of(statement: &VerifiedStatement, kind: AttestationType) -> bool {
    statement
        .check
        .predicate_type
        .as_deref()
        .is_some_and(|p| kind.matches_uri(p))
}

/// The scan a signed cosign vuln statement records (`None` when it records
/// no finishing time: it cannot say when the image was scanned).
pub fn last_scan(statement: &[u8], today: Date) -> Option<LastScan> {
    let value: serde_json::Value = serde_json::from_slice(statement).ok()?;
    let predicate = &value["predicate"];
    let finished_on = predicate["metadata"]["scanFinishedOn"]
        .as_str()?
        .to_string();
    let text = |v: &serde_json::Value| v.as_str().filter(|s| !s.is_empty()).map(str::to_string);
    let scanner = match (
        text(&predicate["scanner"]["uri"]),
        text(&predicate["scanner"]["version"]),
    ) {
        (Some(uri), Some(version)) => Some(format!("{uri} {version}")),
        (uri, version) => uri.or(version),
    };
    Some(LastScan {
        age_days: date_of_timestamp(&finished_on).map(|d| today.days_since(d)),
        finished_on,
        scanner,
        db: text(&predicate["scanner"]["db"]["version"]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::parse("2026-12-04").unwrap()
    }

    #[test]
    fn a_vuln_statement_gives_the_scan_time_scanner_and_db() {
        let statement = br#"{"predicate":{"scanner":{"uri":"pkg:github/aquasecurity/trivy","version":"0.59.1",
            "db":{"uri":"ghcr.io/aquasecurity/trivy-db:2","version":"2026-11-30T06:00:00Z"}},
            "metadata":{"scanStartedOn":"2026-11-27T10:00:00Z","scanFinishedOn":"2026-11-27T10:00:09Z"}}}"#;
        let scan = last_scan(statement, today()).unwrap();
        assert_eq!(scan.finished_on, "2026-11-27T10:00:09Z");
        assert_eq!(scan.age_days, Some(7));
        assert_eq!(
            scan.scanner.as_deref(),
            Some("pkg:github/aquasecurity/trivy 0.59.1")
        );
        assert_eq!(scan.db.as_deref(), Some("2026-11-30T06:00:00Z"));
    }

    #[test]
    fn a_statement_without_a_finishing_time_records_no_scan() {
        assert!(last_scan(br#"{"predicate":{"metadata":{}}}"#, today()).is_none());
        assert!(last_scan(b"not json", today()).is_none());
        let odd = last_scan(
            br#"{"predicate":{"metadata":{"scanFinishedOn":"yesterday"}}}"#,
            today(),
        )
        .unwrap();
        assert_eq!(odd.age_days, None);
    }

    #[test]
    fn verdicts_order_worst_first() {
        assert!(Verdict::Unsigned < Verdict::MissingAttestation);
        assert!(Verdict::MissingAttestation < Verdict::StaleScan);
        assert!(Verdict::StaleScan < Verdict::Verified);
    }
}
