//! Syft's run for a promotion. It starts beside the scan gate, on the source
//! digest (the bytes production will hold) and names the production
//! repository as its subject, so Syft's seconds overlap Trivy's, the review
//! and the copy instead of following them. Nothing it does writes anywhere;
//! dropping the job (a blocked scan, a rejected review, any error) kills Syft.

use super::Context;
use crate::config::{RegistryConfig, SbomFormat, ToolConfig};
use crate::error::{Error, Result};
use crate::pipeline::sbom::syft_every_platform;
use crate::pipeline::scan::platforms::{scan_targets, ScanTarget};
use crate::registry::{auth, ImageRef};
use crate::tools::pin::{self, Pin, ToolBinary};
use crate::tools::syft;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::task::JoinHandle;

/// The SBOM a promotion attests.
#[derive(Debug)]
pub struct GeneratedSbom {
    /// The document as Syft wrote it (checked to be a valid SBOM of `format`).
    pub document: serde_json::Value,
    /// Its format.
    pub format: SbomFormat,
    /// Syft's version.
    pub syft_version: String,
    /// The Syft binary that ran.
    pub syft_binary: ToolBinary,
    /// How long Syft ran.
    pub seconds: f64,
}

/// A Syft run in the background; see the module documentation.
#[derive(Debug)]
pub struct SbomJob {
    task: JoinHandle<Result<GeneratedSbom>>,
    /// The outcome, once collected.
    done: Option<Result<GeneratedSbom>>,
}

impl SbomJob {
    /// Starts Syft on `source` (pinned to its digest), naming `destination`
    /// (the production repository) as the SBOM's subject.
    /// An index's platform manifests are listed first (a few small reads),
    /// so that Syft catalogues every platform.
    pub async fn start(
        cx: &Context<'_>,
        source: &ImageRef,
        destination: &ImageRef,
    ) -> Result<SbomJob> {
        let digest = source.digest.clone().ok_or_else(|| Error::Tool {
            tool: "syft".into(),
            message: format!("{source} is not pinned to a digest"),
        })?;
        let targets = scan_targets(cx.client, source, &digest).await?;
        let request = JobRequest {
            targets,
            tool: cx.config.tools.syft.clone(),
            require_pinned: cx.config.tools.require_pinned,
            format: cx.config.sbom.format,
            source: source.clone(),
            subject_name: destination.repository_name(),
            registry: cx.client.registry_config(source).cloned(),
            config_dir: cx.config_dir.map(Path::to_path_buf),
        };
        Ok(SbomJob {
            task: tokio::spawn(generate(request)),
            done: None,
        })
    }

    /// The job's error if it has already failed (Syft missing, crashed):
    /// asked before production is written to, so that such a promotion
    /// stops with nothing copied. A job still running is no error.
    pub async fn failed_early(&mut self) -> Result<()> {
        if self.done.is_none() && self.task.is_finished() {
            self.done = Some(joined(&mut self.task).await);
        }
        match self.done.take() {
            Some(Err(e)) => Err(e),
            other => {
                self.done = other;
                Ok(())
            }
        }
    }

    /// Waits for Syft and returns the checked SBOM.
    pub async fn finish(mut self) -> Result<GeneratedSbom> {
        match self.done.take() {
            Some(done) => done,
            None => joined(&mut self.task).await,
        }
    }
}

async fn joined(task: &mut JoinHandle<Result<GeneratedSbom>>) -> Result<GeneratedSbom> {
    match task.await {
        Ok(generated) => generated,
        Err(e) => Err(Error::Tool {
            tool: "syft".into(),
            message: format!("the SBOM job stopped before Syft finished: {e}"),
        }),
    }
}

impl Drop for SbomJob {
    fn drop(&mut self) {
        // Aborting drops the run, whose guard kills Syft's process group.
        self.task.abort();
    }
}

/// What the background task owns (it outlives no borrow of the caller).
struct JobRequest {
    targets: Vec<ScanTarget>,
    tool: ToolConfig,
    require_pinned: bool,
    format: SbomFormat,
    source: ImageRef,
    subject_name: String,
    registry: Option<RegistryConfig>,
    config_dir: Option<PathBuf>,
}

async fn generate(job: JobRequest) -> Result<GeneratedSbom> {
    let timeout = Duration::from_secs(job.tool.timeout_secs);
    let cache_dir = crate::paths::cache_dir_or_temp();
    let pin = Pin {
        key: "tools.syft.sha256",
        sha256: job.tool.sha256.as_deref(),
        required: job.require_pinned,
    };
    let binary = pin::identify("syft", &job.tool.path, pin, &cache_dir)?;
    let version = binary
        .version(&cache_dir, async |real: String| {
            syft::version(&real, timeout).await
        })
        .await?;
    let registry = job.registry.as_ref();
    let ca_file = registry.and_then(|r| {
        r.ca_file
            .as_ref()
            .map(|c| crate::signing::keys::resolve_path(c, job.config_dir.as_deref()))
    });
    let credentials = match auth::credentials_for_tool(
        "syft",
        &job.source.registry,
        registry,
        ca_file.as_deref(),
    )
    .await?
    .0
    {
        auth::Credentials::Basic { username, password } => Some((username, password)),
        auth::Credentials::Anonymous => None,
    };
    let digest = job.source.digest.clone().ok_or_else(|| Error::Tool {
        tool: "syft".into(),
        message: format!("{} is not pinned to a digest", job.source),
    })?;
    let dir = tempfile::Builder::new()
        .prefix("vimes-promote-")
        .tempdir()
        .map_err(|error| Error::File {
            path: std::env::temp_dir(),
            error,
        })?;
    let output = dir.path().join("sbom.json");
    let request = syft::ScanRequest {
        program: binary.path.display().to_string(),
        image: format!("{}@{digest}", job.source.repository_name()),
        format: job.format,
        output: output.clone(),
        registry: job.source.registry.clone(),
        credentials,
        insecure: registry.is_some_and(|r| r.insecure),
        ca_file,
        timeout,
        source_name: Some(job.subject_name.clone()),
    };
    let ran = syft_every_platform(
        &request,
        &job.source.repository_name(),
        &digest,
        &job.targets,
        &job.subject_name,
    )
    .await?;
    let bytes = std::fs::read(&output).map_err(|error| Error::File {
        path: output.clone(),
        error,
    })?;
    let document = serde_json::from_slice(&bytes).map_err(|e| Error::Tool {
        tool: "syft".into(),
        message: format!("SBOM is not JSON: {e}"),
    })?;
    Ok(GeneratedSbom {
        document,
        format: job.format,
        syft_version: version,
        syft_binary: binary,
        seconds: ran.elapsed.as_secs_f64(),
    })
}
