//! Syft over every platform of an image. Syft handed an index catalogues the
//! host's platform only; the SBOM signed for the index must list what every
//! platform holds, or the inventory answers "in no production image" for a
//! package only the `linux/arm64` image has. Each platform manifest is
//! catalogued on its own (a few at a time) and the documents are merged
//! ([`crate::sbom::merge`]); a platform Syft cannot catalogue fails the whole
//! SBOM.

use crate::error::{Error, Result};
use crate::pipeline::scan::platforms::ScanTarget;
use crate::sbom::merge::{merge_platforms, PlatformSbom};
use crate::tools::syft::{self, ScanOutput, ScanRequest};
use futures_util::{stream, StreamExt, TryStreamExt};
use std::path::Path;
use std::time::Instant;

/// Platforms catalogued at once: Syft holds a platform's layers in memory.
const PLATFORMS_AT_ONCE: usize = 4;

/// Runs Syft on each of `targets` (the manifests behind `digest`, see
/// [`crate::pipeline::scan::platforms::scan_targets`]) and leaves one SBOM in
/// `request.output`: Syft's own for an image, the merged document for an
/// index, whose subject is `subject_name` at `digest`. `request.image` is
/// used as is for an image; for an index each platform is read from
/// `repository@platform-digest`.
pub async fn syft_every_platform(
    request: &ScanRequest,
    repository: &str,
    digest: &str,
    targets: &[ScanTarget],
    subject_name: &str,
) -> Result<ScanOutput> {
    if let [only] = targets {
        if only.platform.is_none() {
            return syft::scan(request).await;
        }
    }
    let started = Instant::now();
    let dir = request.output.parent().unwrap_or(Path::new("."));
    // Each run owns what it needs (no borrow crosses into the stream).
    let mut runs = Vec::with_capacity(targets.len());
    for (position, target) in targets.iter().enumerate() {
        let mut one = request.clone();
        one.image = format!("{repository}@{}", target.digest);
        one.output = dir.join(format!(".vimes-platform-{position}.json"));
        let platform = target
            .platform
            .clone()
            .unwrap_or_else(|| "unspecified".into());
        let platform_digest = target.digest.clone();
        runs.push(async move {
            let ran = syft::scan(&one)
                .await
                .map_err(|e| on_platform(e, &platform, &one.image))?;
            drop(ran);
            let bytes = std::fs::read(&one.output).map_err(|error| Error::File {
                path: one.output.clone(),
                error,
            })?;
            let _ = std::fs::remove_file(&one.output);
            let document = serde_json::from_slice(&bytes).map_err(|e| Error::Tool {
                tool: "syft".into(),
                message: format!("its SBOM of {platform} is not JSON: {e}"),
            })?;
            Ok::<_, Error>(PlatformSbom {
                platform,
                digest: platform_digest,
                document,
            })
        });
    }
    let parts: Vec<PlatformSbom> = stream::iter(runs)
        .buffered(PLATFORMS_AT_ONCE)
        .try_collect()
        .await?;
    let merged = merge_platforms(request.format, subject_name, digest, &parts).map_err(|why| {
        Error::Tool {
            tool: "syft".into(),
            message: format!("its per-platform SBOMs cannot be merged: {why}"),
        }
    })?;
    drop(parts);
    let bytes =
        serde_json::to_vec(&merged).map_err(|e| Error::Internal(format!("SBOM JSON: {e}")))?;
    std::fs::write(&request.output, bytes).map_err(|error| Error::File {
        path: request.output.clone(),
        error,
    })?;
    let sbom = syft::read_output(&request.output, request.format)?;
    Ok(ScanOutput {
        sbom,
        elapsed: started.elapsed(),
    })
}

/// Names the platform in a failure, so "Syft failed" says which one blocked.
fn on_platform(error: Error, platform: &str, image: &str) -> Error {
    match error {
        Error::Tool { tool, message } => Error::Tool {
            tool,
            message: format!("on platform {platform} ({image}): {message}"),
        },
        Error::Process(e) => e
            .prefixed(&format!("on platform {platform} ({image}): "))
            .into(),
        other => other,
    }
}
