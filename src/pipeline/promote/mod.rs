//! Promotion: resolve → scan gate → review → copy by digest (untagged) →
//! sign → attest (SBOM, vuln, review, promotion) → verify in production →
//! tag. The production tag is the last write, so it never exists without a
//! valid signature and attestations; every step is idempotent, so re-running
//! an interrupted promotion completes it. Syft reads the source from the
//! start of the scan gate on (see [`sbom`]); it writes nothing, and nothing is
//! written to production before the gate and the review pass.

mod inventory;
mod provenance;
mod sbom;
mod tag;
mod vsa;

use super::evidence::{applied_exceptions, vuln_predicate, PromotionRecord, StepRecord};
use super::review::{ReviewDecision, ReviewRecord};
use super::scan::{scan_image, ScanOptions, ScanOutcome};
use crate::clock::{now_rfc3339, Clock};
use crate::config::{Config, RegistryConfig, SbomFormat};
use crate::error::{Error, Result};
use crate::policy::gate::severity_name;
use crate::registry::copy::{copy_image, CopyOptions};
use crate::registry::reference::Side;
use crate::registry::{ImageRef, RegistryClient};
use crate::signing::keys::{PublicKey, SigningKey};
use crate::signing::sign::{attest_image_once_each, sign_image};
use crate::signing::verify::{verify_image, Format, VerifyPolicy};
use crate::signing::AttestationType;
use crate::ui::progress::{watch, Progress};
pub use inventory::{record_promotion, InventoryFeed};
pub use provenance::CheckedProvenance;
pub use sbom::SbomJob;
use std::collections::BTreeMap;
use std::path::Path;

/// What `prepare` established, before anything is written.
#[derive(Debug)]
pub struct Prepared {
    /// The source, pinned to its digest.
    pub source: ImageRef,
    /// The digest promoted.
    pub digest: String,
    /// The production repository (no tag).
    pub destination: ImageRef,
    /// The production tag to apply.
    pub tag: String,
    /// Whether production already has `tag` on this digest.
    pub tag_in_place: bool,
    /// The scan and its (passing) verdict.
    pub scan: ScanOutcome,
    /// Syft's run for the SBOM attestation, when `prepare` was asked for it.
    pub sbom: Option<SbomJob>,
    /// The provenance the gate accepted (`policy.provenance.required`).
    pub provenance: Option<CheckedProvenance>,
}

/// A finished promotion: its evidence, and the SBOM it attested as the
/// inventory files it.
#[derive(Debug)]
pub struct Promoted {
    /// The promotion record (printed, logged, attested).
    pub record: PromotionRecord,
    /// `host/repository` in production.
    pub repository: String,
    /// The attested SBOM, read for the inventory (or why it could not be).
    pub sbom: std::result::Result<crate::sbom::Sbom, crate::sbom::document::SbomError>,
}

/// Everything promotion needs from the edge (keys are loaded before anything runs).
pub struct Context<'a> {
    /// The configuration.
    pub config: &'a Config,
    /// Directory of vimes.yaml (relative paths in it resolve there).
    pub config_dir: Option<&'a Path>,
    /// The registry client.
    pub client: &'a RegistryClient,
    /// Progress receiver. Step names, in order: resolve, provenance (with
    /// `policy.provenance.required`), scan, review, copy, sign, sbom, attest
    /// (the SLSA verification summary with the evidence), verify, tag; the
    /// same names appear in the evidence and in the test-only fault switch
    /// `VIMES_FAULT_AFTER_STEP`.
    pub progress: &'a dyn Progress,
    /// The day exceptions are judged on.
    pub clock: Clock,
}

/// Resolves, checks the production tag and runs the scan gate. Writes nothing.
/// With `generate_sbom`, Syft starts beside the scan (for [`execute`]); a
/// blocked gate or an error stops it.
pub async fn prepare(
    cx: &Context<'_>,
    image: &str,
    tag: Option<&str>,
    generate_sbom: bool,
) -> Result<Prepared> {
    let config = cx.config;
    let route = config.route().ok_or_else(|| {
        Error::Usage("promote needs `promotion: {from, to}` in vimes.yaml".into())
    })?;
    let (from_name, from, to) = (route.from_name, route.from, route.to);
    cx.progress.started("resolve", image);
    let resolved = async {
        let source = ImageRef::resolve(config, image, Side::Source)?;
        let relative = relative_to_project(&source, from).ok_or_else(|| {
            Error::Usage(format!(
                "{source} is not under the promotion source {from_name} ({}/{}): promote only takes images from there",
                from.url, from.project
            ))
        })?;
        let tag = tag
            .map(str::to_string)
            .or_else(|| source.tag.clone())
            .ok_or_else(|| Error::Usage("no tag to apply in production: pass --tag".into()))?;
        let destination = ImageRef::parse_under(&relative, &to.url, &to.project)?;
        // Two independent reads: one round trip for both.
        let (found, existing) = tokio::join!(
            cx.client.get_manifest(&source),
            tag::existing_tag(cx, &destination, to, &tag)
        );
        let digest = match found? {
            Some(m) => m.digest,
            None => return Err(Error::Usage(format!("{source} not found in {from_name}"))),
        };
        let existing = existing?;
        if let Some(current) = &existing {
            if current != &digest {
                return Err(Error::Policy(format!(
                    "{}:{tag} already points to {current}; refusing to move it to {digest}",
                    destination.repository_name()
                )));
            }
        }
        Ok((source, tag, destination, digest, existing))
    };
    let (source, tag, destination, digest, existing) =
        watch(cx.progress, "resolve", resolved.await)?;
    cx.progress.finished(
        "resolve",
        &format!("{}@{digest}", source.repository_name()),
        false,
    );

    let pinned = source.with_digest(&digest);
    let provenance = match cx.config.policy.provenance.required {
        true => {
            cx.progress.started("provenance", "policy.provenance");
            let checked = provenance::check(cx, &pinned, &digest).await;
            let checked = watch(cx.progress, "provenance", checked)?;
            let detail = checked.as_ref().map_or(String::new(), |c| {
                format!("built by {} (key {})", c.accepted.builder_id, c.signer)
            });
            cx.progress.finished("provenance", &detail, false);
            checked
        }
        false => None,
    };
    let sbom = match generate_sbom {
        true => Some(SbomJob::start(cx, &pinned, &destination).await?),
        false => None,
    };
    cx.progress.started("scan", "trivy");
    let registry = cx.client.registry_config(&source);
    let scanned = async {
        let scan = scan_image(
            config,
            cx.config_dir,
            &pinned,
            &digest,
            registry,
            &ScanOptions::on(cx.clock),
            cx.progress,
        )
        .await?;
        if !scan.verdict.passed {
            return Err(Error::Policy(format!(
                "scan gate blocked {}@{digest}:\n  {}",
                source.repository_name(),
                scan.verdict.reasons.join("\n  ")
            )));
        }
        Ok(scan)
    };
    let scan = watch(cx.progress, "scan", scanned.await)?;
    cx.progress.finished(
        "scan",
        &format!(
            "passed ({} findings{})",
            scan.verdict.findings.len(),
            if scan.cached { ", cached report" } else { "" }
        ),
        false,
    );
    Ok(Prepared {
        source: pinned,
        digest,
        destination,
        tag,
        tag_in_place: existing.is_some(),
        scan,
        sbom,
        provenance,
    })
}

/// The repository path below the registry's project, if the image is in it.
fn relative_to_project(image: &ImageRef, registry: &RegistryConfig) -> Option<String> {
    if !crate::registry::identity::same_registry(&image.registry, &registry.url) {
        return None;
    }
    let project = registry.project.trim_matches('/');
    if project.is_empty() {
        return Some(image.repository.clone());
    }
    image
        .repository
        .strip_prefix(project)
        .and_then(|rest| rest.strip_prefix('/'))
        .map(str::to_string)
}

/// Test builds only (`--features fault-injection`): ends the process right
/// after `step`, as a crash would, so the tests can interrupt a promotion at
/// each step. A release binary has no such switch.
#[cfg(feature = "fault-injection")]
fn fault_after(step: &str) {
    if std::env::var("VIMES_FAULT_AFTER_STEP").as_deref() == Ok(step) {
        eprintln!("vimes: VIMES_FAULT_AFTER_STEP={step}: stopping here (test fault switch)");
        std::process::exit(86);
    }
}

/// Without the `fault-injection` feature there is nothing to inject.
#[cfg(not(feature = "fault-injection"))]
fn fault_after(_step: &str) {}

/// Writes the promotion into production. Requires an approving review.
pub async fn execute(
    cx: &Context<'_>,
    mut prepared: Prepared,
    review: &ReviewRecord,
    key: &SigningKey,
    trusted: &[PublicKey],
) -> Result<Promoted> {
    let started_at = now_rfc3339();
    let mut steps = vec![
        step(
            "resolve",
            "done",
            &format!("{}@{}", prepared.source.repository_name(), prepared.digest),
        ),
        step("scan", "done", "passed"),
    ];
    if review.decision != ReviewDecision::Approved || review.digest != prepared.digest {
        return Err(Error::Policy(format!(
            "{}@{} has no approving review",
            prepared.source.repository_name(),
            prepared.digest
        )));
    }
    let mut sbom_job = match prepared.sbom.take() {
        Some(job) => job,
        None => SbomJob::start(cx, &prepared.source, &prepared.destination).await?,
    };
    // A Syft that already failed (missing, crashed) stops us before production is touched.
    sbom_job.failed_early().await?;
    steps.push(step(
        "review",
        "done",
        &format!("approved by {}", review.reviewer),
    ));
    fault_after("review");
    let dst = prepared.destination.with_digest(&prepared.digest);
    let digest = prepared.digest.as_str();

    // Copy by digest: no tag yet.
    cx.progress.started("copy", &dst.repository_name());
    let copy = copy_image(
        cx.client,
        &prepared.source,
        &dst,
        &CopyOptions {
            signatures: false,
            jobs: 4,
            immutable: false,
            force: false,
            write_tag: false,
        },
    )
    .await;
    let copy = watch(cx.progress, "copy", copy)?;
    let detail = if copy.unchanged {
        "already in production".to_string()
    } else {
        format!(
            "{} blobs copied, {} mounted, {} bytes",
            copy.blobs_copied, copy.blobs_mounted, copy.bytes_copied
        )
    };
    cx.progress.finished("copy", &detail, copy.unchanged);
    steps.push(step(
        "copy",
        if copy.unchanged { "skipped" } else { "done" },
        &detail,
    ));
    fault_after("copy");

    cx.progress
        .started("sign", &format!("key {}", key.fingerprint));
    let format = cx.config.signing.format;
    let signed = sign_image(cx.client, &dst, digest, key, &BTreeMap::new(), format).await;
    let signed = watch(cx.progress, "sign", signed)?;
    let detail = if signed.added() {
        let tags: Vec<&str> = signed.iter().map(|s| s.outcome.tag.as_str()).collect();
        format!("signed ({})", tags.join(", "))
    } else {
        "already signed by this key".to_string()
    };
    cx.progress.finished("sign", &detail, !signed.added());
    steps.push(step(
        "sign",
        if signed.added() { "done" } else { "skipped" },
        &detail,
    ));
    fault_after("sign");

    cx.progress.started("sbom", "syft (started with the scan)");
    let sbom = watch(cx.progress, "sbom", sbom_job.finish().await)?;
    let sbom_type = match sbom.format {
        SbomFormat::CyclonedxJson => AttestationType::Cyclonedx,
        SbomFormat::SpdxJson => AttestationType::Spdx,
    };
    let detail = format!(
        "{} SBOM from Syft {} ({:.1}s)",
        sbom_type.name(),
        sbom.syft_version,
        sbom.seconds
    );
    cx.progress.finished("sbom", &detail, false);
    steps.push(step("sbom", "done", &detail));
    let filed_sbom = crate::sbom::document::parse_value(&sbom.document);
    fault_after("sbom");

    cx.progress
        .started("attest", "sbom, vuln, review, promotion, vsa");
    let mut record = PromotionRecord {
        source: format!("{}@{digest}", prepared.source.repository_name()),
        digest: digest.to_string(),
        destination: format!("{}@{digest}", dst.repository_name()),
        tag: prepared.tag.clone(),
        unchanged: false,
        trivy_version: prepared.scan.trivy_version.clone(),
        db_updated_at: prepared.scan.db_updated_at.clone(),
        findings: prepared
            .scan
            .verdict
            .counts
            .iter()
            .map(|(s, c)| (severity_name(*s).to_string(), c.total))
            .collect(),
        exceptions_applied: applied_exceptions(&prepared.scan),
        vex: prepared.scan.vex.clone(),
        today_overridden: prepared.scan.today_overridden.clone(),
        reviewer: review.reviewer.clone(),
        reviewer_ci: review.ci.clone(),
        review_decision: review.decision,
        review_interactive: review.interactive,
        signer: key.fingerprint.clone(),
        syft_version: Some(sbom.syft_version),
        tools: prepared
            .scan
            .trivy_binary
            .iter()
            .cloned()
            .chain([sbom.syft_binary])
            .collect(),
        trivy_seconds: prepared.scan.trivy_seconds,
        syft_seconds: sbom.seconds,
        started_at,
        finished_at: String::new(),
        vimes_version: env!("CARGO_PKG_VERSION").to_string(),
        steps,
    };
    let to_json = |what: &str, value: serde_json::Result<serde_json::Value>| {
        value.map_err(|e| Error::Internal(format!("{what}: {e}")))
    };
    // The gates passed: the summary goes in with the evidence, before the tag.
    let summary = vsa::predicate(
        &record.destination,
        &vsa::policy_digest(cx.config, trusted)?,
        prepared.provenance.as_ref(),
        &now_rfc3339(),
    );
    let attested = attest_image_once_each(
        cx.client,
        &dst,
        digest,
        key,
        vec![
            (sbom_type.uri(), sbom.document),
            (AttestationType::Vuln.uri(), vuln_predicate(&prepared.scan)),
            (
                AttestationType::Review.uri(),
                to_json("review record", serde_json::to_value(review))?,
            ),
            (
                AttestationType::Promotion.uri(),
                to_json("promotion record", serde_json::to_value(&record))?,
            ),
            (AttestationType::Vsa.uri(), summary),
        ],
        format,
    )
    .await;
    let attested = watch(cx.progress, "attest", attested)?;
    // Counted per attestation: one stored in both layouts is one.
    let added = attested.iter().filter(|a| a.added()).count();
    let detail = format!("{added} of {} attestations added", attested.len());
    cx.progress.finished("attest", &detail, added == 0);
    record.steps.push(step(
        "attest",
        if added > 0 { "done" } else { "skipped" },
        &detail,
    ));
    fault_after("attest");

    // Verify in production with the configured keys before the tag exists.
    cx.progress.started("verify", &dst.repository_name());
    let mut required: Vec<AttestationType> = cx
        .config
        .signing
        .require_attestations
        .iter()
        .filter_map(|n| AttestationType::from_name(n))
        .collect();
    for t in [
        sbom_type,
        AttestationType::Vuln,
        AttestationType::Review,
        AttestationType::Promotion,
        AttestationType::Vsa,
    ] {
        if !required.contains(&t) {
            required.push(t);
        }
    }
    // Every layout written must verify on its own: with `both`, a verifier
    // that reads only one layout must accept the image once it is tagged.
    let policy = VerifyPolicy {
        annotations: BTreeMap::new(),
        required_attestations: required,
        required_formats: Format::written_for(format).to_vec(),
    };
    let verified = async {
        let report = verify_image(cx.client, &dst, digest, trusted, &policy).await?;
        if !report.verified {
            return Err(Error::Policy(format!(
                "verification in production failed, so {}:{} was not tagged: {}",
                dst.repository_name(),
                prepared.tag,
                report.reasons.join("; ")
            )));
        }
        Ok(())
    };
    watch(cx.progress, "verify", verified.await)?;
    cx.progress
        .finished("verify", "signature and attestations verified", false);
    record.steps.push(step(
        "verify",
        "done",
        "signature and attestations verified with the configured keys",
    ));
    fault_after("verify");

    // Only now does the production tag appear.
    cx.progress.started("tag", &prepared.tag);
    let tagged = watch(
        cx.progress,
        "tag",
        tag::apply_tag(cx, &dst, &prepared).await,
    )?;
    let detail = format!("{}:{}", dst.repository_name(), prepared.tag);
    cx.progress.finished("tag", &detail, !tagged);
    record.steps.push(step(
        "tag",
        if tagged { "done" } else { "skipped" },
        &detail,
    ));
    const WRITES: [&str; 4] = ["copy", "sign", "attest", "tag"];
    record.unchanged = record
        .steps
        .iter()
        .filter(|s| WRITES.contains(&s.step.as_str()))
        .all(|s| s.status == "skipped");
    record.finished_at = now_rfc3339();
    Ok(Promoted {
        record,
        repository: dst.repository_name(),
        sbom: filed_sbom,
    })
}

fn step(name: &str, status: &str, detail: &str) -> StepRecord {
    StepRecord {
        step: name.to_string(),
        status: status.to_string(),
        detail: detail.to_string(),
    }
}
