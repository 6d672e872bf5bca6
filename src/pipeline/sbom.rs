//! `vimes sbom IMAGE` ([`SbomRun`]: Syft, then optionally attested and filed
//! in the inventory) and Syft over every platform of an image. Syft handed an index catalogues the
//! host's platform only; the SBOM signed for the index must list what every
//! platform holds, or the inventory answers "in no production image" for a
//! package only the `linux/arm64` image has. Each platform manifest is
//! catalogued on its own (a few at a time) and the documents are merged
//! ([`crate::sbom::merge`]); a platform Syft cannot catalogue fails the whole
//! SBOM.

use crate::config::{Config, SbomFormat};
use crate::error::{Error, Result};
use crate::pipeline::scan::platforms::{scan_targets, ScanTarget};
use crate::registry::auth::{credentials_for_tool, Credentials};
use crate::registry::reference::Side;
use crate::registry::{ImageRef, RegistryClient};
use crate::sbom::inventory::{format_name, ImageRecord};
use crate::sbom::merge::{merge_platforms, PlatformSbom};
use crate::sbom::{Inventory, Sbom};
use crate::signing::keys::{resolve_path, SigningKey};
use crate::signing::sign::Written;
use crate::signing::sign::{attest_image, Repeat};
use crate::signing::AttestationType;
use crate::tools::syft::{self, ScanOutput, ScanRequest};
use crate::ui::progress::Progress;
use futures_util::{stream, StreamExt, TryStreamExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Platforms catalogued at once: Syft holds a platform's layers in memory.
const PLATFORMS_AT_ONCE: usize = 4;

/// `vimes sbom IMAGE`, checked before anything runs: the image resolved and
/// the destination's directory seen to exist, so a typo costs no Syft run.
#[derive(Debug)]
pub struct SbomRun {
    image: ImageRef,
    format: SbomFormat,
    output_file: Option<PathBuf>,
    /// The destination is not a regular file (/dev/stdout, a FIFO): it is
    /// written into, never renamed over.
    special: bool,
}

/// An SBOM Syft made, in its private directory until [`SbomRun`]'s caller is done.
pub struct GeneratedSbom {
    client: RegistryClient,
    image: ImageRef,
    /// `repository@digest` described.
    pub subject: String,
    /// The digest described.
    pub digest: String,
    /// Its format.
    pub format: SbomFormat,
    /// Syft's version.
    pub syft_version: String,
    /// Packages it lists.
    pub packages: usize,
    /// Syft's wall time.
    pub syft_seconds: f64,
    /// The `--output-file` it was written to.
    pub file: Option<PathBuf>,
    sbom: Sbom,
    raw_path: PathBuf,
    special: bool,
    _work: tempfile::TempDir,
}

/// What [`GeneratedSbom::attach`] wrote.
#[derive(Debug)]
pub struct AttachedSbom {
    /// The attestation's type.
    pub kind: AttestationType,
    /// Where the attestation is stored, in each layout written.
    pub written: Written,
    /// The inventory the SBOM was filed in.
    pub inventory: crate::sbom::inventory::Location,
}

impl SbomRun {
    /// Resolves `image` and checks `output_file`'s directory.
    pub fn plan(
        config: &Config,
        image: &str,
        format: SbomFormat,
        output_file: Option<PathBuf>,
    ) -> Result<Self> {
        let image = ImageRef::resolve(config, image, Side::Source)?;
        let special = output_file
            .as_deref()
            .and_then(|d| std::fs::metadata(d).ok())
            .is_some_and(|m| !m.is_file());
        if let Some(dir) = Self::out_dir(output_file.as_deref()).filter(|d| !special && !d.is_dir())
        {
            return Err(Error::File {
                path: dir.to_path_buf(),
                error: std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "no such directory for --output-file",
                ),
            });
        }
        Ok(SbomRun {
            image,
            format,
            output_file,
            special,
        })
    }

    fn out_dir(output_file: Option<&Path>) -> Option<&Path> {
        output_file.map(|dest| {
            dest.parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
        })
    }

    /// Resolves the digest and runs Syft on every platform of it; the SBOM
    /// takes the `--output-file` name (a rename) only once it is a checked SBOM.
    pub async fn run(
        self,
        config: &Config,
        config_dir: Option<&Path>,
        progress: &dyn Progress,
    ) -> Result<GeneratedSbom> {
        let image = self.image;
        let client = RegistryClient::new(config)?;
        let digest = client.resolve_digest(&image, Error::Usage).await?;
        let subject = format!("{}@{digest}", image.repository_name());
        let tool = &config.tools.syft;
        let timeout = Duration::from_secs(tool.timeout_secs);
        // Cached per binary (as promote does): no extra Syft start per SBOM.
        let binary = crate::tools::pin::syft(config)?;
        let version = binary
            .version(&crate::paths::cache_dir_or_temp(), async |real: String| {
                syft::version(&real, timeout).await
            })
            .await?;
        let registry = client.registry_config(&image);
        let ca_file =
            registry.and_then(|r| r.ca_file.as_ref().map(|c| resolve_path(c, config_dir)));
        let credentials =
            match credentials_for_tool("syft", &image.registry, registry, ca_file.as_deref())
                .await?
                .0
            {
                Credentials::Basic { username, password } => Some((username, password)),
                Credentials::Anonymous => None,
            };
        // Syft writes into a private directory beside the destination.
        let work = match Self::out_dir(self.output_file.as_deref()) {
            Some(dir) if !self.special => tempfile::Builder::new()
                .prefix(".vimes-sbom-")
                .tempdir_in(dir)
                .map_err(|error| Error::File {
                    path: dir.to_path_buf(),
                    error,
                })?,
            _ => tempfile::tempdir().map_err(|error| Error::File {
                path: std::env::temp_dir(),
                error,
            })?,
        };
        let raw_path = work.path().join("sbom.json");
        progress.log(&format!("Running syft {version} on {subject}"));
        let request = ScanRequest {
            program: binary.path.display().to_string(),
            image: subject.clone(),
            format: self.format,
            output: raw_path.clone(),
            registry: image.registry.clone(),
            credentials,
            insecure: registry.is_some_and(|r| r.insecure),
            ca_file,
            timeout,
            source_name: None,
        };
        // An index is catalogued platform by platform and merged.
        let targets = scan_targets(&client, &image, &digest).await?;
        let name = image.repository_name();
        let output = syft_every_platform(&request, &name, &digest, &targets, &name).await?;
        if let Some(dest) = &self.output_file {
            let moved = match self.special {
                true => std::fs::File::open(&raw_path).and_then(|mut from| {
                    let mut to = std::fs::OpenOptions::new().write(true).open(dest)?;
                    std::io::copy(&mut from, &mut to).map(drop)
                }),
                false => std::fs::rename(&raw_path, dest),
            };
            moved.map_err(|error| Error::File {
                path: dest.clone(),
                error,
            })?;
        }
        Ok(GeneratedSbom {
            client,
            image,
            subject,
            digest,
            format: self.format,
            syft_version: version,
            packages: output.sbom.packages.len(),
            syft_seconds: output.elapsed.as_secs_f64(),
            file: self.output_file,
            sbom: output.sbom,
            raw_path,
            special: self.special,
            _work: work,
        })
    }
}

impl GeneratedSbom {
    /// The document Syft wrote, for a caller that prints it (no `--output-file`).
    pub fn open(&self) -> Result<std::fs::File> {
        std::fs::File::open(&self.raw_path).map_err(|error| Error::File {
            path: self.raw_path.clone(),
            error,
        })
    }

    /// `cyclonedx-json` or `spdx-json`.
    pub fn format_name(&self) -> &'static str {
        format_name(self.format)
    }

    /// Signs the SBOM with `key`, attaches it to the image as an attestation
    /// and files it in `inventory`.
    pub async fn attach(
        &self,
        key: &SigningKey,
        inventory: &mut Inventory,
        progress: &dyn Progress,
    ) -> Result<AttachedSbom> {
        let sbom_file = match self.special {
            true => self.raw_path.as_path(),
            false => self.file.as_deref().unwrap_or(&self.raw_path),
        };
        let bytes = std::fs::read(sbom_file).map_err(|error| Error::File {
            path: sbom_file.to_path_buf(),
            error,
        })?;
        let predicate: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| Error::Tool {
                tool: "syft".into(),
                message: format!("its SBOM is not JSON: {e}"),
            })?;
        drop(bytes);
        let kind = match self.format {
            SbomFormat::CyclonedxJson => AttestationType::Cyclonedx,
            SbomFormat::SpdxJson => AttestationType::Spdx,
        };
        let written = attest_image(
            &self.client,
            &self.image,
            &self.digest,
            key,
            kind.uri(),
            predicate,
            Repeat::Identical,
            self.client.config().signing.format,
        )
        .await?;
        progress.log(&format!(
            "Attached the SBOM as a {} attestation: {}",
            kind.name(),
            written.locations().replace('\n', ", ")
        ));
        let record = ImageRecord {
            repository: self.image.repository_name(),
            digest: self.digest.clone(),
            tags: self.image.tag.iter().cloned().collect(),
            replace_tags: false,
            origin: "syft".into(),
        };
        inventory.index(&[(record, &self.sbom)])?;
        Ok(AttachedSbom {
            kind,
            written,
            inventory: inventory.location().clone(),
        })
    }
}

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
