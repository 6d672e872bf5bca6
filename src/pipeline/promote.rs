//! Promotion: resolve → scan gate → review → copy by digest (untagged) →
//! sign → attest (SBOM, vuln, review, promotion) → verify in production →
//! tag. The production tag is the last write, so it never exists without a
//! valid signature and attestations; every step is idempotent, so re-running
//! an interrupted promotion completes it.

use super::evidence::{applied_exceptions, vuln_predicate, PromotionRecord, StepRecord};
use super::review::{ReviewDecision, ReviewRecord};
use super::scan::{scan_image, ScanOptions, ScanOutcome};
use crate::config::{Config, RegistryConfig, RegistryType, SbomFormat};
use crate::error::{Error, Result};
use crate::harbor::{self, HarborClient};
use crate::policy::date::now_rfc3339;
use crate::policy::gate::severity_name;
use crate::registry::copy::{copy_image, CopyOptions};
use crate::registry::reference::Side;
use crate::registry::{auth, ImageRef, RegistryClient};
use crate::signing::keys::{PublicKey, SigningKey};
use crate::signing::sign::{attest_image_once, sign_image};
use crate::signing::verify::{verify_image, VerifyPolicy};
use crate::signing::AttestationType;
use crate::tools::syft;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Receives progress (step names, in order: resolve, scan, review, copy, sign,
/// sbom, attest, verify, tag; the same names appear in the evidence and in the
/// test-only fault switch `VIMES_FAULT_AFTER_STEP`); the CLI renders it (the engine never prints).
pub trait Progress: Send + Sync {
    /// A step started.
    fn started(&self, step: &str, detail: &str);
    /// A step finished (`skipped` when it had nothing to do).
    fn finished(&self, step: &str, detail: &str, skipped: bool);
}

/// What `prepare` established, before anything is written.
#[derive(Clone, Debug)]
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
}

/// Everything promotion needs from the edge (keys are loaded before anything runs).
pub struct Context<'a> {
    /// The configuration.
    pub config: &'a Config,
    /// Directory of vimes.yaml (relative paths in it resolve there).
    pub config_dir: Option<&'a Path>,
    /// The registry client.
    pub client: &'a RegistryClient,
    /// Progress receiver.
    pub progress: &'a dyn Progress,
}

/// Resolves, checks the production tag and runs the scan gate. Writes nothing.
pub async fn prepare(cx: &Context<'_>, image: &str, tag: Option<&str>) -> Result<Prepared> {
    let config = cx.config;
    let (from_name, from) = config.promotion_source().ok_or_else(|| {
        Error::Usage("promote needs `promotion: {from, to}` in vimes.yaml".into())
    })?;
    let (_, to) = config
        .promotion_target()
        .ok_or_else(|| Error::Usage("promotion.to names no registry".into()))?;
    cx.progress.started("resolve", image);
    let source = ImageRef::resolve(config, image, Side::Source)?;
    let relative = relative_to_project(&source, from).ok_or_else(|| {
        Error::Usage(format!(
            "{source} is not under the promotion source {from_name} ({}/{}): promote only takes images from there",
            from.url, from.project
        ))
    })?;
    let digest = match cx.client.get_manifest(&source).await? {
        Some(m) => m.digest,
        None => return Err(Error::Usage(format!("{source} not found in {from_name}"))),
    };
    let tag = tag
        .map(str::to_string)
        .or_else(|| source.tag.clone())
        .ok_or_else(|| Error::Usage("no tag to apply in production: pass --tag".into()))?;
    let destination = ImageRef::parse_under(&relative, &to.url, &to.project)?;
    let existing = existing_tag(cx, &destination, to, &tag).await?;
    if let Some(current) = &existing {
        if current != &digest {
            return Err(Error::Policy(format!(
                "{}:{tag} already points to {current}; refusing to move it to {digest}",
                destination.repository_name()
            )));
        }
    }
    cx.progress.finished(
        "resolve",
        &format!("{}@{digest}", source.repository_name()),
        false,
    );

    cx.progress.started("scan", "trivy");
    let pinned = source.with_digest(&digest);
    let registry = cx.client.registry_config(&source);
    let scan = scan_image(
        config,
        cx.config_dir,
        &pinned,
        &digest,
        registry,
        &ScanOptions::default(),
    )
    .await?;
    if !scan.verdict.passed {
        return Err(Error::Policy(format!(
            "scan gate blocked {}@{digest}:\n  {}",
            source.repository_name(),
            scan.verdict.reasons.join("\n  ")
        )));
    }
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
    })
}

/// The repository path below the registry's project, if the image is in it.
fn relative_to_project(image: &ImageRef, registry: &RegistryConfig) -> Option<String> {
    if !image.registry.eq_ignore_ascii_case(&registry.url) {
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

/// Where `tag` points in production now. On Harbor the API is asked:
/// `prevent_vul` blocks manifest reads through /v2.
async fn existing_tag(
    cx: &Context<'_>,
    destination: &ImageRef,
    to: &RegistryConfig,
    tag: &str,
) -> Result<Option<String>> {
    if to.kind == RegistryType::Harbor {
        let client = HarborClient::for_registry_config(cx.config, to).await?;
        let (project, repository) = harbor::split_repository(&destination.repository)?;
        return client.tag_digest(project, repository, tag).await;
    }
    Ok(cx
        .client
        .get_manifest(&destination.with_tag(tag))
        .await?
        .map(|m| m.digest))
}

/// Test-only fault switch: ends the process right after `step`, as a crash would.
fn fault_after(step: &str) {
    if std::env::var("VIMES_FAULT_AFTER_STEP").as_deref() == Ok(step) {
        eprintln!("vimes: VIMES_FAULT_AFTER_STEP={step}: stopping here (test fault switch)");
        std::process::exit(86);
    }
}

/// Writes the promotion into production. Requires an approving review.
pub async fn execute(
    cx: &Context<'_>,
    prepared: &Prepared,
    review: &ReviewRecord,
    key: &SigningKey,
    trusted: &[PublicKey],
) -> Result<PromotionRecord> {
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
        },
    )
    .await?;
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

    cx.progress.started("sign", &key.fingerprint);
    let signed = sign_image(cx.client, &dst, digest, key, &BTreeMap::new()).await?;
    let detail = if signed.added {
        format!("signed ({})", signed.tag)
    } else {
        "already signed by this key".to_string()
    };
    cx.progress.finished("sign", &detail, !signed.added);
    steps.push(step(
        "sign",
        if signed.added { "done" } else { "skipped" },
        &detail,
    ));
    fault_after("sign");

    cx.progress.started("sbom", "syft");
    let format = cx.config.sbom.format;
    let sbom_type = match format {
        SbomFormat::CyclonedxJson => AttestationType::Cyclonedx,
        SbomFormat::SpdxJson => AttestationType::Spdx,
    };
    let (sbom, syft_version, syft_seconds) = make_sbom(cx, &dst, format).await?;
    let attested = attest_image_once(cx.client, &dst, digest, key, sbom_type.uri(), sbom).await?;
    let detail = format!(
        "{} SBOM{}",
        sbom_type.name(),
        if attested.added {
            " attested"
        } else {
            " already attested"
        }
    );
    cx.progress.finished("sbom", &detail, !attested.added);
    steps.push(step(
        "sbom",
        if attested.added { "done" } else { "skipped" },
        &detail,
    ));
    fault_after("sbom");

    cx.progress.started("attest", "vuln, review, promotion");
    let vuln = vuln_predicate(&prepared.scan);
    let v = attest_image_once(
        cx.client,
        &dst,
        digest,
        key,
        AttestationType::Vuln.uri(),
        vuln,
    )
    .await?;
    let review_value =
        serde_json::to_value(review).map_err(|e| Error::Usage(format!("review record: {e}")))?;
    let r = attest_image_once(
        cx.client,
        &dst,
        digest,
        key,
        AttestationType::Review.uri(),
        review_value,
    )
    .await?;
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
        reviewer: review.reviewer.clone(),
        review_decision: review.decision,
        review_interactive: review.interactive,
        signer: key.fingerprint.clone(),
        syft_version: Some(syft_version),
        trivy_seconds: prepared.scan.trivy_seconds,
        syft_seconds,
        started_at,
        finished_at: String::new(),
        vimes_version: env!("CARGO_PKG_VERSION").to_string(),
        steps,
    };
    let promotion_value = serde_json::to_value(&record)
        .map_err(|e| Error::Usage(format!("promotion record: {e}")))?;
    let p = attest_image_once(
        cx.client,
        &dst,
        digest,
        key,
        AttestationType::Promotion.uri(),
        promotion_value,
    )
    .await?;
    let added = [v.added, r.added, p.added].iter().filter(|a| **a).count();
    let detail = format!("{added} of 3 attestations added");
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
    ] {
        if !required.contains(&t) {
            required.push(t);
        }
    }
    let policy = VerifyPolicy {
        annotations: BTreeMap::new(),
        required_attestations: required,
    };
    let report = verify_image(cx.client, &dst, digest, trusted, &policy).await?;
    if !report.verified {
        return Err(Error::Policy(format!(
            "verification in production failed, so {}:{} was not tagged: {}",
            dst.repository_name(),
            prepared.tag,
            report.reasons.join("; ")
        )));
    }
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
    let tagged = apply_tag(cx, &dst, prepared).await?;
    let detail = format!("{}:{}", dst.repository_name(), prepared.tag);
    cx.progress.finished("tag", &detail, !tagged);
    record.steps.push(step(
        "tag",
        if tagged { "done" } else { "skipped" },
        &detail,
    ));
    const WRITES: [&str; 5] = ["copy", "sign", "sbom", "attest", "tag"];
    record.unchanged = record
        .steps
        .iter()
        .filter(|s| WRITES.contains(&s.step.as_str()))
        .all(|s| s.status == "skipped");
    record.finished_at = now_rfc3339();
    Ok(record)
}

/// Creates the production tag unless it already points at the digest.
/// A plain OCI registry has no atomic "create tag if absent", so concurrent
/// promotions on this machine are serialised by a lock file, and the tag is
/// read back after writing: a promotion that finds another digest there has
/// lost a race and says so (exit 1).
async fn apply_tag(cx: &Context<'_>, dst: &ImageRef, prepared: &Prepared) -> Result<bool> {
    if let Some((_, to)) = cx
        .config
        .promotion_target()
        .filter(|(_, r)| r.kind == RegistryType::Harbor)
    {
        // Harbor's tag API creates a tag atomically (409 if it exists).
        let client = HarborClient::for_registry_config(cx.config, to).await?;
        let (project, repository) = harbor::split_repository(&dst.repository)?;
        let outcome = harbor::tag_or_conflict(
            &client,
            project,
            repository,
            &prepared.digest,
            &prepared.tag,
        )
        .await?;
        return Ok(outcome == harbor::TagOutcome::Created);
    }
    let tag_ref = prepared.destination.with_tag(&prepared.tag);
    let _lock = TagLock::acquire(&format!("{}:{}", dst.repository_name(), prepared.tag))?;
    let moved = |current: &str| {
        Error::Policy(format!(
            "{}:{} now points to {current}; refusing to overwrite it (another promotion won)",
            dst.repository_name(),
            prepared.tag
        ))
    };
    match cx.client.get_manifest(&tag_ref).await? {
        Some(m) if m.digest == prepared.digest => return Ok(false),
        Some(m) => return Err(moved(&m.digest)),
        None => {}
    }
    let manifest = cx
        .client
        .get_manifest(dst)
        .await?
        .ok_or_else(|| Error::Registry {
            registry: dst.registry.clone(),
            message: format!("{dst} vanished before tagging"),
        })?;
    cx.client.put_manifest(&tag_ref, &manifest).await?;
    match cx.client.get_manifest(&tag_ref).await? {
        Some(m) if m.digest == prepared.digest => Ok(true),
        Some(m) => Err(moved(&m.digest)),
        None => Err(Error::Registry {
            registry: dst.registry.clone(),
            message: format!("{tag_ref} is missing right after it was written"),
        }),
    }
}

/// An exclusive lock file per production tag, held while it is checked and written.
struct TagLock {
    _file: std::fs::File,
}

impl TagLock {
    fn acquire(name: &str) -> Result<Self> {
        use sha2::Digest as _;
        let dir = super::scan::vimes_cache_dir().join("locks");
        let io = |error| Error::File {
            path: dir.clone(),
            error,
        };
        std::fs::create_dir_all(&dir).map_err(io)?;
        let path = dir.join(format!(
            "{}.lock",
            hex::encode(sha2::Sha256::digest(name.as_bytes()))
        ));
        let file = std::fs::File::create(&path).map_err(io)?;
        file.lock().map_err(io)?;
        Ok(TagLock { _file: file })
    }
}

fn step(name: &str, status: &str, detail: &str) -> StepRecord {
    StepRecord {
        step: name.to_string(),
        status: status.to_string(),
        detail: detail.to_string(),
    }
}

/// Runs Syft on the production digest and returns the SBOM JSON and Syft's version.
async fn make_sbom(
    cx: &Context<'_>,
    image: &ImageRef,
    format: SbomFormat,
) -> Result<(serde_json::Value, String, f64)> {
    let tool = &cx.config.tools.syft;
    let timeout = Duration::from_secs(tool.timeout_secs);
    let version = super::scan::cached_tool_version("syft", &tool.path, async |real: String| {
        syft::version(&real, timeout).await
    })
    .await?;
    let registry = cx.client.registry_config(image);
    let credentials = match auth::credentials_for(&image.registry, registry).await?.0 {
        auth::Credentials::Basic { username, password } => Some((username, password)),
        auth::Credentials::Anonymous => None,
    };
    let dir = tempdir()?;
    let output = dir.path.join("sbom.json");
    let request = syft::ScanRequest {
        program: tool.path.clone(),
        image: format!(
            "{}@{}",
            image.repository_name(),
            image.digest.clone().unwrap_or_default()
        ),
        format,
        output: output.clone(),
        registry: image.registry.clone(),
        credentials,
        insecure: registry.is_some_and(|r| r.insecure),
        ca_file: registry.and_then(|r| {
            r.ca_file
                .as_ref()
                .map(|c| crate::signing::keys::resolve_path(c, cx.config_dir))
        }),
        timeout,
    };
    let output_info = syft::scan(&request).await?;
    let bytes = std::fs::read(&output).map_err(|error| Error::File {
        path: output.clone(),
        error,
    })?;
    let value = serde_json::from_slice(&bytes).map_err(|e| Error::Tool {
        tool: "syft".into(),
        message: format!("SBOM is not JSON: {e}"),
    })?;
    Ok((value, version, output_info.elapsed.as_secs_f64()))
}

struct TempDir {
    path: PathBuf,
}

fn tempdir() -> Result<TempDir> {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let path = std::env::temp_dir().join(format!("vimes-promote-{}-{stamp}", std::process::id()));
    std::fs::create_dir_all(&path).map_err(|error| Error::File {
        path: path.clone(),
        error,
    })?;
    Ok(TempDir { path })
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}
