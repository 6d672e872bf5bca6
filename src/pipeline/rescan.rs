//! `vimes rescan`: every production digest re-judged against the current
//! Trivy DB from its signed SBOM attestation (`trivy sbom`, no layer pulled),
//! through the same gate and signed exceptions as `scan`: the "a CVE was
//! announced today" question for all of production at once.
//!
//! Fail closed: a digest without an SBOM signed by a trusted key, an SBOM
//! Trivy cannot read, or a report that leaves out an OS package of the SBOM
//! is not "still clean" but a failure, named.

use crate::clock::{now_rfc3339, Clock};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::pipeline::attested_sbom::attested_sbom_document;
use crate::pipeline::registry_walk::RegistryWalk;
use crate::pipeline::scan::{
    load_exceptions, server_token, PrivateCache, ScanOutcome, TrivyEnvironment, VexOutcome,
};
use crate::pipeline::status::production_repositories;
use crate::policy::exceptions::LoadedExceptions;
use crate::policy::gate::{self, Decision};
use crate::policy::vex::IgnoredVex;
use crate::registry::{ImageRef, RegistryClient};
use crate::signing::keys::PublicKey;
use crate::tools::trivy;
use crate::tools::trivy::sbom::{
    check_coverage, for_trivy, sbom_report_options, scan_sbom, SbomScanRequest,
};
use crate::ui::progress::Progress;
use futures_util::{stream, StreamExt};
use std::path::Path;
use std::time::{Duration, Instant};

/// Trivy processes run at once (each is CPU-bound on the DB lookups).
const TRIVY_AT_ONCE: usize = 2;

/// What to rescan.
#[derive(Debug)]
pub struct RescanRequest {
    /// Production repositories (short names resolve under `promotion.to`);
    /// empty: every repository of the production project.
    pub repositories: Vec<String>,
    /// Keys whose SBOM attestations are trusted.
    pub keys: Vec<PublicKey>,
    /// The day exception expiry is judged on.
    pub clock: Clock,
}

/// One production digest, re-judged.
#[derive(Debug)]
pub struct RescannedImage {
    /// Its repository.
    pub repository: ImageRef,
    /// Its tags.
    pub tags: Vec<String>,
    /// The scan, as `vimes scan` would report it (the vuln attestation of
    /// `--attach` is made from it).
    pub outcome: ScanOutcome,
}

impl RescannedImage {
    /// The vulnerability ids that block it now, most severe first.
    pub fn blocking(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = Vec::new();
        for gated in &self.outcome.verdict.findings {
            if gated.decision == Decision::Blocked && !ids.contains(&gated.finding.id.as_str()) {
                ids.push(gated.finding.id.as_str());
            }
        }
        ids
    }
}

/// Everything a rescan found.
#[derive(Debug)]
pub struct RescanReport {
    /// The repositories looked at (`host/repository`).
    pub repositories: Vec<String>,
    /// Trivy's version.
    pub trivy_version: String,
    /// The DB's `UpdatedAt`, when known.
    pub db_updated_at: Option<String>,
    /// Every digest judged.
    pub images: Vec<RescannedImage>,
    /// Repositories or digests that could not be judged, with why.
    pub failed: Vec<(String, Error)>,
}

impl RescanReport {
    /// Whether every digest was judged and passed.
    pub fn all_passed(&self) -> bool {
        self.failed.is_empty() && self.images.iter().all(|i| i.outcome.verdict.passed)
    }
}

/// What every digest's rescan shares.
struct Shared<'a> {
    config: &'a Config,
    client: &'a RegistryClient,
    trivy: &'a TrivyEnvironment,
    exceptions: Option<&'a LoadedExceptions>,
    request: &'a RescanRequest,
}

/// Rescans production as `request` asks. Progress goes to `progress`
/// (step `rescan`).
pub async fn rescan(
    config: &Config,
    config_dir: Option<&Path>,
    request: &RescanRequest,
    progress: &dyn Progress,
) -> Result<RescanReport> {
    let step = "rescan";
    let client = RegistryClient::new(config)?;
    let walk = RegistryWalk::new(config, &client).await?;
    let targets = production_repositories(config, &walk, &request.repositories).await?;
    progress.started(step, "updating the vulnerability DB");
    let trivy = TrivyEnvironment::with_current_db(config).await;
    let trivy = crate::ui::progress::watch(progress, step, trivy)?;
    let exceptions = load_exceptions(config, config_dir, request.clock.today())?;
    let mut report = RescanReport {
        repositories: targets.iter().map(ImageRef::repository_name).collect(),
        trivy_version: trivy.version.clone(),
        db_updated_at: trivy.db_updated_at.clone(),
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
    let shared = Shared {
        config,
        client: &client,
        trivy: &trivy,
        exceptions: exceptions.as_ref(),
        request,
    };
    let total = digests.len().max(1);
    let shared = &shared;
    let mut judged = stream::iter(digests)
        .map(|(repository, digest, tags)| async move {
            let name = format!("{}@{digest}", repository.repository_name());
            let outcome = rescan_digest(shared, repository, &digest).await;
            (repository, name, tags, outcome)
        })
        .buffered(TRIVY_AT_ONCE);
    let mut done = 0;
    while let Some((repository, name, tags, outcome)) = judged.next().await {
        done += 1;
        progress.percent(step, u8::try_from(done * 100 / total).unwrap_or(100), &name);
        match outcome {
            Ok(outcome) => report.images.push(RescannedImage {
                repository: repository.clone(),
                tags,
                outcome,
            }),
            Err(e) => report.failed.push((name, e)),
        }
    }
    progress.finished(step, &format!("{done} digests rescanned"), false);
    Ok(report)
}

/// One digest: its signed SBOM → Trivy → the gate.
async fn rescan_digest(
    shared: &Shared<'_>,
    repository: &ImageRef,
    digest: &str,
) -> Result<ScanOutcome> {
    let config = shared.config;
    let tool = &config.tools.trivy;
    let image = repository.with_digest(digest);
    let subject = format!("{}@{digest}", repository.repository_name());
    let attested =
        attested_sbom_document(shared.client, &image, digest, &shared.request.keys).await?;
    let prepared = for_trivy(&attested.document)?;
    let cache = PrivateCache::create(&shared.trivy.base)?;
    let sbom_file = cache.dir().join("sbom.cdx.json");
    std::fs::write(&sbom_file, &prepared.bytes).map_err(|error| Error::File {
        path: sbom_file.clone(),
        error,
    })?;
    let started_on = now_rfc3339();
    let started = Instant::now();
    let report = scan_sbom(&SbomScanRequest {
        program: shared.trivy.binary.path.display().to_string(),
        sbom_file,
        subject,
        cache_dir: cache.dir().to_path_buf(),
        server: tool.server.clone().map(|s| (s, server_token(tool))),
        offline: tool.offline,
        timeout: Duration::from_secs(tool.timeout_secs),
    })
    .await?;
    check_coverage(&report, &prepared)?;
    let clock = shared.request.clock;
    let verdict = gate::evaluate(
        &report,
        &config.policy,
        shared.exceptions,
        &repository.repository_name(),
        clock.today(),
    );
    Ok(ScanOutcome {
        repository: repository.repository_name(),
        digest: digest.to_string(),
        trivy_version: shared.trivy.version.clone(),
        db_updated_at: shared.trivy.db_updated_at.clone(),
        db_repository: trivy::db_repository(tool.db_repository.as_deref()).to_string(),
        cached: false,
        trivy_seconds: started.elapsed().as_secs_f64(),
        scan_started_on: started_on,
        scan_finished_on: now_rfc3339(),
        trivy_binary: Some(shared.trivy.binary.clone()),
        trivy_options: sbom_report_options(tool.offline, tool.server.as_deref()),
        platforms: Vec::new(),
        today_overridden: clock.overridden().map(|d| d.to_string()),
        verdict,
        // Stricter than scan, never looser: the SBOM is judged without VEX.
        vex: VexOutcome {
            ignored: config
                .policy
                .vex
                .iter()
                .map(|source| IgnoredVex {
                    source: source.clone(),
                    vulnerability: None,
                    reason: "rescan does not apply VEX: suppresses nothing".into(),
                })
                .collect(),
            ..VexOutcome::default()
        },
        report,
    })
}
