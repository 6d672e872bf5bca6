//! The scan step: resolve to a digest, run Trivy on it, on every platform of
//! an index (or reuse a cached report for the same digest, Trivy version, DB
//! and options), and gate the findings.

use crate::clock::{now_rfc3339, rfc3339, Clock, Date};
use crate::config::{Config, RegistryConfig, RegistryType, ScanEngine, TrivyConfig};
use crate::error::{Error, Result};
use crate::policy::exceptions::{self, LoadedExceptions};
use crate::policy::gate::{self, Verdict};
use crate::policy::vex;
use crate::process::Invocation;
use crate::registry::auth::{self, Credentials};
use crate::registry::{ImageRef, RegistryClient};
use crate::signing::keys::{load_configured_keys, resolve_path};
use crate::signing::verify::verified_statements;
use crate::signing::AttestationType;
use crate::tools::pin::{self, ToolBinary};
use crate::tools::trivy::{self, ScanRequest};
use crate::ui::progress::Progress;
use serde::Serialize;
use sha2::{Digest as _, Sha256};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub mod platforms;

use crate::paths::cache_dir_or_temp as vimes_cache_dir;

/// A file's modification time as RFC 3339 (now when unknown).
fn modified_rfc3339(path: &Path) -> String {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .map_or_else(|_| now_rfc3339(), rfc3339)
}

/// Options of one scan.
#[derive(Clone, Debug)]
pub struct ScanOptions {
    /// Run Trivy even when a cached report exists.
    pub no_cache: bool,
    /// The day exception expiry is judged on.
    pub clock: Clock,
}

impl ScanOptions {
    /// A scan that may use a cached report, judged on `clock`'s today.
    pub fn on(clock: Clock) -> ScanOptions {
        ScanOptions {
            no_cache: false,
            clock,
        }
    }
}

/// Everything a scan established, for rendering and for promotion evidence.
#[derive(Clone, Debug, Serialize)]
pub struct ScanOutcome {
    /// `host/repo`.
    pub repository: String,
    /// The digest scanned.
    pub digest: String,
    /// Trivy's version.
    pub trivy_version: String,
    /// The DB's `UpdatedAt`, when known (standalone mode).
    pub db_updated_at: Option<String>,
    /// The OCI repository of the vulnerability DB: `tools.trivy.db_repository`,
    /// or Trivy's default ([`trivy::DEFAULT_DB_REPOSITORY`]), which a Trivy
    /// server or Harbor's scanner is taken to use as well.
    pub db_repository: String,
    /// Whether the report came from the cache.
    pub cached: bool,
    /// Trivy's own wall time (zero on a cache hit).
    pub trivy_seconds: f64,
    /// When the report was made (RFC 3339; for a cached report, when it was cached).
    pub scan_started_on: String,
    /// When the report was finished.
    pub scan_finished_on: String,
    /// The Trivy binary that ran (resolved path, SHA-256, whether pinned);
    /// absent when Harbor's scanner ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trivy_binary: Option<ToolBinary>,
    /// The Trivy arguments that decided what the report holds (part of the
    /// report cache key); empty for Harbor's scanner.
    pub trivy_options: Vec<String>,
    /// The platforms scanned, one by one, when the digest is an index
    /// (`linux/amd64`, ...); empty for a single-platform image.
    pub platforms: Vec<String>,
    /// The `VIMES_TODAY` date the verdict was judged on instead of today's
    /// (exception expiry); absent on a normal run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub today_overridden: Option<String>,
    /// The verdict.
    pub verdict: Verdict,
    /// What the signed VEX documents of `policy.vex` did: the statements
    /// that counted, the findings they suppressed, and what did not count.
    #[serde(skip_serializing_if = "VexOutcome::is_empty")]
    pub vex: VexOutcome,
    /// The report itself (the vuln attestation carries it).
    #[serde(skip)]
    pub report: crate::tools::trivy::Report,
}

/// The signed VEX of a scan.
#[derive(Clone, Debug, Default, Serialize)]
pub struct VexOutcome {
    /// Statements that counted for this image (handed to Trivy).
    pub applied: Vec<vex::AppliedVex>,
    /// The findings they suppressed, with the statement and its signer.
    pub suppressed: Vec<SuppressedByVex>,
    /// Documents and statements that suppress nothing here, and why.
    pub ignored: Vec<vex::IgnoredVex>,
}

impl VexOutcome {
    /// Whether no VEX was configured for this image at all.
    pub fn is_empty(&self) -> bool {
        self.applied.is_empty() && self.ignored.is_empty()
    }
}

/// A finding a signed VEX statement suppressed.
#[derive(Clone, Debug, Serialize)]
pub struct SuppressedByVex {
    /// The vulnerability id.
    pub id: String,
    /// The package.
    pub package: String,
    /// Its installed version.
    pub installed: String,
    /// Its severity.
    pub severity: crate::config::Severity,
    /// The VEX status.
    pub status: String,
    /// The statement's justification.
    pub statement: String,
    /// The VEX document.
    pub source: String,
    /// The approver key that signed it.
    pub signed_by: String,
}

/// The documents of `policy.vex` (paths relative to vimes.yaml) with their
/// signatures checked against `policy.approvers`.
fn load_vex(config: &Config, base: Option<&Path>) -> Result<Vec<vex::LoadedVex>> {
    if config.policy.vex.is_empty() {
        return Ok(Vec::new());
    }
    let paths: Vec<PathBuf> = config
        .policy
        .vex
        .iter()
        .map(|p| resolve_path(p, base))
        .collect();
    let keys = load_configured_keys(&config.policy.approvers, base)?;
    vex::load(&paths, &keys)
}

/// The image's `openvex` attestations whose signature a `policy.approvers`
/// key verifies, as VEX documents; the others, and predicates that are not
/// OpenVEX, as what does not count. A registry that failed to deliver one
/// is an error (exit 4): the statement it withheld may be the one that
/// matters, and a scan must not depend on which reads happened to succeed.
async fn attested_vex(
    config: &Config,
    base: Option<&Path>,
    client: &RegistryClient,
    image: &ImageRef,
    digest: &str,
) -> Result<(Vec<vex::LoadedVex>, Vec<vex::IgnoredVex>)> {
    let keys = load_configured_keys(&config.policy.approvers, base)?;
    let source = "openvex attestations";
    if keys.is_empty() {
        return Ok((
            Vec::new(),
            vec![vex::IgnoredVex {
                source: source.into(),
                vulnerability: None,
                reason: "policy.approvers lists no key, so no attestation can count".into(),
            }],
        ));
    }
    let is_openvex = |uri: &str| AttestationType::OpenVex.matches_uri(uri);
    let found = verified_statements(client, image, digest, &keys, &is_openvex).await?;
    if let Some(failure) = found.registry_failure {
        return Err(failure.into_error());
    }
    let mut documents = Vec::new();
    let mut ignored: Vec<vex::IgnoredVex> = found
        .refused
        .iter()
        .map(|why| vex::IgnoredVex {
            source: source.into(),
            vulnerability: None,
            reason: format!("{why}: suppresses nothing"),
        })
        .collect();
    for verified in &found.verified {
        let name = format!("openvex attestation {}", verified.check.layer);
        let signer = verified.check.verdict.key().unwrap_or("an approver key");
        let predicate = serde_json::from_slice::<serde_json::Value>(&verified.statement)
            .ok()
            .and_then(|s| s.get("predicate").map(|p| p.to_string()))
            .unwrap_or_default();
        match vex::from_attestation(predicate.as_bytes(), &name, signer) {
            Ok(document) => documents.push(document),
            Err(why) => ignored.push(why),
        }
    }
    Ok((documents, ignored))
}

/// The findings of `report` that Trivy marked suppressed, each tied to the
/// applied statement that did it.
fn suppressed_by(report: &trivy::Report, applied: &[vex::AppliedVex]) -> Vec<SuppressedByVex> {
    let mut out: Vec<SuppressedByVex> = Vec::new();
    for found in report.results.iter().flat_map(|r| &r.suppressed) {
        let v = &found.finding;
        let Some(by) = applied.iter().find(|a| a.vulnerability == v.id) else {
            continue;
        };
        if out.iter().any(|s| s.id == v.id && s.package == v.package) {
            continue;
        }
        out.push(SuppressedByVex {
            id: v.id.clone(),
            package: v.package.clone(),
            installed: v.installed_version.clone(),
            severity: v.severity,
            status: found.status.clone(),
            statement: by.statement.clone(),
            source: by.source.clone(),
            signed_by: by.signed_by.clone(),
        });
    }
    out
}

/// Trivy's binary, checked against its pin, and its version (cached with
/// the binary's hash: running it costs more than a whole cached re-gate).
async fn trivy_binary(config: &Config) -> Result<(ToolBinary, String)> {
    let binary = pin::trivy(config)?;
    let version = binary
        .version(&vimes_cache_dir(), async |real: String| {
            trivy::version(&real).await
        })
        .await?;
    trivy::check_version(&version)?;
    Ok((binary, version))
}

/// A private Trivy cache dir for this process, with the shared DB hard-linked
/// (or copied) in: Trivy locks its cache, so concurrent scans must not share
/// one. Deleted when dropped.
pub struct PrivateCache {
    dir: PathBuf,
}

impl PrivateCache {
    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A new private cache holding a link to (or a copy of) `base`'s DB.
    pub fn create(base: &Path) -> Result<Self> {
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!("vimes-trivy-{}-{stamp}", std::process::id()));
        let io = |error| Error::File {
            path: dir.clone(),
            error,
        };
        for sub in ["db", "java-db"] {
            let from = base.join(sub);
            let Ok(entries) = std::fs::read_dir(&from) else {
                continue;
            };
            std::fs::create_dir_all(dir.join(sub)).map_err(io)?;
            for entry in entries.flatten() {
                let target = dir.join(sub).join(entry.file_name());
                if std::fs::hard_link(entry.path(), &target).is_err() {
                    std::fs::copy(entry.path(), &target).map_err(io)?;
                }
            }
        }
        std::fs::create_dir_all(&dir).map_err(io)?;
        Ok(PrivateCache { dir })
    }
}

impl Drop for PrivateCache {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The Trivy server token from the variable `tools.trivy.token_env` names.
pub fn server_token(tool: &TrivyConfig) -> Option<String> {
    tool.token_env
        .as_ref()
        .and_then(|var| std::env::var(var).ok())
}

/// Brings the shared DB up to date once, under a file lock, so that the
/// private per-scan copies never download it concurrently.
async fn update_db(tool: &TrivyConfig, program: &Path, base: &Path) -> Result<()> {
    let io = |error| Error::File {
        path: base.to_path_buf(),
        error,
    };
    std::fs::create_dir_all(base).map_err(io)?;
    let lock = std::fs::File::create(base.join("vimes-db.lock")).map_err(io)?;
    lock.lock().map_err(io)?;
    let mut invocation = Invocation::new(
        "trivy",
        &program.display().to_string(),
        Duration::from_secs(tool.timeout_secs),
    )
    .args([
        "image",
        "--download-db-only",
        "--no-progress",
        "--cache-dir",
    ])
    .args([base.display().to_string()]);
    if let Some(repo) = &tool.db_repository {
        invocation = invocation.args(["--db-repository", repo.as_str()]);
    }
    let done = invocation.run().await?;
    if done.code != Some(0) {
        return Err(Error::Tool {
            tool: "trivy".into(),
            message: format!(
                "updating the vulnerability DB failed (set tools.trivy.skip_db_update or db_repository for offline use): {}",
                done.stderr_tail(4)
            ),
        });
    }
    Ok(())
}

/// Loads the exceptions file named in the policy, with the approvers' keys,
/// its expiries judged on `today`.
pub fn load_exceptions(
    config: &Config,
    base: Option<&Path>,
    today: Date,
) -> Result<Option<LoadedExceptions>> {
    let Some(file) = &config.policy.exceptions else {
        return Ok(None);
    };
    let path = resolve_path(file, base);
    let keys = load_configured_keys(&config.policy.approvers, base)?;
    let loaded = exceptions::load(&path, &keys, today)?;
    if loaded.trusted() {
        crate::policy::rollback::check_and_record(&state_dir(), &loaded.path, loaded.serial)?;
    }
    Ok(Some(loaded))
}

/// vimes' own state (reviews, audit log, the exceptions serials seen).
fn state_dir() -> PathBuf {
    crate::paths::data_dir_or_temp()
}

/// One platform's (or the whole image's) report and how it was made.
struct TargetScan {
    report: trivy::Report,
    scanner: String,
    cached: bool,
    seconds: f64,
    started: String,
    finished: String,
}

/// Scans `image@digest` and gates the result. An index is scanned platform
/// by platform ([`platforms`]); a platform that cannot be scanned fails the
/// whole scan. Harbor's scanner reports its percent to `progress` (step
/// `scan`) while it is polled.
pub async fn scan_image(
    config: &Config,
    config_dir: Option<&Path>,
    image: &ImageRef,
    digest: &str,
    registry: Option<&RegistryConfig>,
    options: &ScanOptions,
    progress: &dyn Progress,
) -> Result<ScanOutcome> {
    let today = options.clock.today();
    let exceptions = load_exceptions(config, config_dir, today)?;
    let mut vex_documents = load_vex(config, config_dir)?;
    let client = RegistryClient::new(config)?;
    let mut attested_ignored = Vec::new();
    if config.policy.vex_attestations {
        let (documents, ignored) = attested_vex(config, config_dir, &client, image, digest).await?;
        vex_documents.extend(documents);
        attested_ignored = ignored;
    }
    let mut vex = vex::select(
        &vex_documents,
        &image.repository_name(),
        digest,
        today,
        config.policy.vex_max_age_days,
    );
    vex.ignored.extend(attested_ignored);
    let targets = platforms::scan_targets(&client, image, digest).await?;
    let tool = &config.tools.trivy;
    let harbor = tool.engine == ScanEngine::Harbor
        && registry.is_some_and(|r| r.kind == RegistryType::Harbor);
    let mut environment = None;
    if !harbor {
        let mut env = TrivyEnvironment::read(config).await?;
        env.vex = vex.applied.clone();
        environment = Some(env);
    } else if !vex_documents.is_empty() {
        // Harbor's scanner takes no VEX: nothing is suppressed, and it says so.
        for applied in std::mem::take(&mut vex.applied) {
            vex.ignored.push(vex::IgnoredVex {
                source: applied.source,
                vulnerability: Some(applied.vulnerability),
                reason: "Harbor's scanner does not read VEX (tools.trivy.engine: harbor): suppresses nothing".into(),
            });
        }
    }
    let mut parts = Vec::new();
    let mut scans = Vec::new();
    for target in &targets {
        let scanned = match &environment {
            None => scan_on_harbor(config, image, &target.digest, progress).await?,
            Some(env) => {
                scan_with_trivy(
                    config,
                    config_dir,
                    image,
                    &target.digest,
                    registry,
                    options,
                    env,
                )
                .await?
            }
        };
        parts.push((target.platform.clone(), scanned.report.clone()));
        scans.push(scanned);
    }
    let report = platforms::merge_reports(&format!("{}@{digest}", image.repository_name()), parts);
    let suppressed = suppressed_by(&report, &vex.applied);
    let verdict = gate::evaluate(
        &report,
        &config.policy,
        exceptions.as_ref(),
        &image.repository_name(),
        today,
    );
    let first = scans.first();
    Ok(ScanOutcome {
        repository: image.repository_name(),
        digest: digest.to_string(),
        platforms: targets.iter().filter_map(|t| t.platform.clone()).collect(),
        trivy_version: first.map(|s| s.scanner.clone()).unwrap_or_default(),
        db_updated_at: environment.as_ref().and_then(|e| e.db_updated_at.clone()),
        db_repository: trivy::db_repository(tool.db_repository.as_deref()).to_string(),
        trivy_binary: environment.as_ref().map(|e| e.binary.clone()),
        trivy_options: environment.map(|e| e.options).unwrap_or_default(),
        today_overridden: options.clock.overridden().map(|d| d.to_string()),
        cached: scans.iter().all(|s| s.cached),
        trivy_seconds: scans.iter().map(|s| s.seconds).sum(),
        scan_started_on: scans
            .iter()
            .map(|s| s.started.clone())
            .min()
            .unwrap_or_else(now_rfc3339),
        scan_finished_on: scans
            .iter()
            .map(|s| s.finished.clone())
            .max()
            .unwrap_or_else(now_rfc3339),
        verdict,
        vex: VexOutcome {
            applied: vex.applied,
            suppressed,
            ignored: vex.ignored,
        },
        report,
    })
}

/// Harbor's scanner on one manifest: same report shape, same gate.
async fn scan_on_harbor(
    config: &Config,
    image: &ImageRef,
    digest: &str,
    progress: &dyn Progress,
) -> Result<TargetScan> {
    let started = now_rfc3339();
    let scanned = crate::harbor::scan::scan_image(config, image, digest, progress).await?;
    Ok(TargetScan {
        report: scanned.report,
        scanner: format!(
            "{} {} (Harbor)",
            scanned.scanner.name, scanned.scanner.version
        ),
        cached: false,
        seconds: 0.0,
        started,
        finished: scanned.generated_at.unwrap_or_else(now_rfc3339),
    })
}

/// What every Trivy run of one scan shares: Trivy's version, the DB's date
/// and the options that decide the report (together, the cache key).
pub struct TrivyEnvironment {
    /// The binary, checked against its pin.
    pub binary: ToolBinary,
    /// Its version.
    pub version: String,
    /// The shared cache holding the DB.
    pub base: PathBuf,
    /// The DB's `UpdatedAt` (standalone mode).
    pub db_updated_at: Option<String>,
    /// The arguments that decide what a report holds.
    pub options: Vec<String>,
    /// The verified VEX statements every manifest of the scan is given.
    pub vex: Vec<vex::AppliedVex>,
}

impl TrivyEnvironment {
    /// Trivy with its DB brought up to date first (standalone mode, unless
    /// `tools.trivy.skip_db_update`), for runs that read no image (`rescan`).
    pub async fn with_current_db(config: &Config) -> Result<Self> {
        let tool = &config.tools.trivy;
        let (binary, _) = trivy_binary(config).await?;
        if tool.server.is_none() && !tool.skip_db_update {
            update_db(tool, &binary.path, &crate::paths::trivy_cache_dir()).await?;
        }
        Self::read(config).await
    }

    async fn read(config: &Config) -> Result<Self> {
        let tool = &config.tools.trivy;
        let (binary, version) = trivy_binary(config).await?;
        let base = crate::paths::trivy_cache_dir();
        let db_updated_at = if tool.server.is_none() {
            trivy::db_updated_at(&base)
        } else {
            None
        };
        Ok(TrivyEnvironment {
            binary,
            version,
            base,
            db_updated_at,
            options: trivy::report_options(tool.offline, tool.server.as_deref()),
            vex: Vec::new(),
        })
    }
}

/// Cached reports older than this are not reused. A promotion attests the
/// report's scan time as `scanFinishedOn`, and the generated admission
/// policies refuse a scan older than
/// [`VULN_SCAN_MAX_AGE`](crate::policy::admission::VULN_SCAN_MAX_AGE) (a
/// week): a report from the cache leaves at least six days of that window.
pub const REPORT_CACHE_MAX_AGE: Duration = Duration::from_secs(24 * 3600);

/// Whether a cached report was written within [`REPORT_CACHE_MAX_AGE`]; one
/// dated in the future (a clock set back) is not trusted either.
fn fresh_enough(file: &Path) -> bool {
    std::fs::metadata(file)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|modified| std::time::SystemTime::now().duration_since(modified).ok())
        .is_some_and(|age| age <= REPORT_CACHE_MAX_AGE)
}

/// Trivy on one manifest, or its cached report for the same digest, Trivy,
/// DB and options, if it is recent ([`REPORT_CACHE_MAX_AGE`]).
async fn scan_with_trivy(
    config: &Config,
    config_dir: Option<&Path>,
    image: &ImageRef,
    digest: &str,
    registry: Option<&RegistryConfig>,
    options: &ScanOptions,
    env: &TrivyEnvironment,
) -> Result<TargetScan> {
    let tool = &config.tools.trivy;
    let vex_document = (!env.vex.is_empty())
        .then(|| vex::trivy_document(&env.vex, &image.repository_name(), digest));
    let cache_key = env.db_updated_at.as_ref().map(|db| {
        let mut h = Sha256::new();
        // The statements handed to Trivy change the report: part of the key.
        if let Some(doc) = &vex_document {
            h.update(doc["statements"].to_string().as_bytes());
        }
        // The effective configuration is part of the key: a report made
        // under other options is never reused.
        h.update(
            format!(
                "{digest}\n{}\n{db}\n{}\n",
                env.version,
                env.options.join(" ")
            )
            .as_bytes(),
        );
        hex::encode(h.finalize())
    });
    let cache_file = cache_key.map(|k| vimes_cache_dir().join("scans").join(format!("{k}.json")));
    let cached = match (&cache_file, options.no_cache) {
        (Some(file), false) if fresh_enough(file) => std::fs::read(file)
            .ok()
            .and_then(|b| trivy::parse_report(&b).ok())
            .map(|report| (report, modified_rfc3339(file))),
        _ => None,
    };
    if let Some((report, when)) = cached {
        return Ok(TargetScan {
            report,
            scanner: env.version.clone(),
            cached: true,
            seconds: 0.0,
            started: when.clone(),
            finished: when,
        });
    }
    let started = now_rfc3339();
    let ca_file = registry.and_then(|r| r.ca_file.as_ref().map(|c| resolve_path(c, config_dir)));
    let credentials =
        match auth::credentials_for_tool("trivy", &image.registry, registry, ca_file.as_deref())
            .await?
            .0
        {
            Credentials::Basic { username, password } => Some((username, password)),
            Credentials::Anonymous => None,
        };
    if tool.server.is_none() && !tool.skip_db_update {
        update_db(tool, &env.binary.path, &env.base).await?;
    }
    let private = PrivateCache::create(&env.base)?;
    let vex_file = match &vex_document {
        Some(doc) => {
            let file = private.dir.join("verified.openvex.json");
            std::fs::write(&file, doc.to_string()).map_err(|error| Error::File {
                path: file.clone(),
                error,
            })?;
            Some(file)
        }
        None => None,
    };
    let request = ScanRequest {
        program: env.binary.path.display().to_string(),
        image: format!("{}@{digest}", image.repository_name()),
        credentials,
        insecure: registry.is_some_and(|r| r.insecure),
        ca_file,
        server: tool.server.clone().map(|s| (s, server_token(tool))),
        cache_dir: private.dir.clone(),
        // The shared DB was brought up to date above, under a lock.
        skip_db_update: true,
        db_repository: None,
        offline: tool.offline,
        timeout: Duration::from_secs(tool.timeout_secs),
        vex_file,
    };
    let output = trivy::scan(&request).await?;
    if let Some(file) = &cache_file {
        if let Some(dir) = file.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = std::fs::write(file, &output.raw);
    }
    Ok(TargetScan {
        report: output.report,
        scanner: env.version.clone(),
        cached: false,
        seconds: output.elapsed.as_secs_f64(),
        started,
        finished: now_rfc3339(),
    })
}
