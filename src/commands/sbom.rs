//! `vimes sbom IMAGE` (Syft, optionally attached and filed); `sbom index`
//! and `sbom query` live in the submodules.

mod index;
mod query;

use index::SbomIndexArgs;
use query::SbomQueryArgs;

use super::signing_args::signing_key;
use super::Ctx;
use crate::config::{LoadedConfig, SbomFormat};
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::pipeline::sbom::syft_every_platform;
use crate::pipeline::scan::platforms::scan_targets;
use crate::registry::auth::{credentials_for_tool, Credentials};
use crate::registry::reference::Side;
use crate::registry::{ImageRef, RegistryClient};
use crate::sbom::inventory::{format_name, ImageRecord, Location};
use crate::sbom::Inventory;
use crate::signing::keys::resolve_path;
use crate::signing::sign::{attest_image, Repeat};
use crate::signing::AttestationType;
use crate::tools::syft::{self, ScanRequest};
use clap::{Args, Subcommand, ValueEnum};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// `vimes sbom ...`.
#[derive(Debug, Args)]
pub struct SbomArgs {
    /// `index` or `query`; without one, make the SBOM of IMAGE.
    #[command(subcommand)]
    pub command: Option<SbomCommand>,
    /// Making an SBOM.
    #[command(flatten)]
    pub generate: SbomGenerateArgs,
}

/// `vimes sbom IMAGE`.
#[derive(Debug, Args)]
pub struct SbomGenerateArgs {
    /// Image to describe (resolved to its digest first).
    #[arg(required = true)]
    pub image: Option<String>,
    /// SBOM format (default: sbom.format).
    #[arg(long, value_enum)]
    pub format: Option<SbomFormatArg>,
    /// Write the SBOM to FILE instead of stdout.
    #[arg(short = 'o', long = "output-file", value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Sign the SBOM, attach it to the image as an attestation and add it to the inventory.
    #[arg(long)]
    pub attach: bool,
    /// Private key for --attach (path or env://VAR); default: signing.key.
    #[arg(long, value_name = "KEY", requires = "attach")]
    pub key: Option<String>,
}

/// SBOM formats as flag values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SbomFormatArg {
    /// CycloneDX JSON.
    CyclonedxJson,
    /// SPDX 2.3 JSON.
    SpdxJson,
}

/// `vimes sbom index|query`.
#[derive(Debug, Subcommand)]
pub enum SbomCommand {
    /// Add SBOMs to the inventory: files, directories of *.json files, images (their signed
    /// SBOM attestation), or every tagged image of a repository.
    Index(SbomIndexArgs),
    /// Find the images that contain a package, a package version range or an OSV advisory.
    // `--version` is the package's version range here, not vimes' own version.
    #[command(disable_version_flag = true)]
    Query(SbomQueryArgs),
}

/// Runs `vimes sbom ...`.
pub async fn run(ctx: &Ctx, args: SbomArgs) -> anyhow::Result<Exit> {
    match args.command {
        Some(SbomCommand::Index(a)) => index::index(ctx, a).await,
        Some(SbomCommand::Query(a)) => query::query(ctx, a),
        None => generate(ctx, args.generate).await,
    }
}

fn config_dir(loaded: &LoadedConfig) -> Option<&Path> {
    loaded.path.as_deref().and_then(Path::parent)
}

/// The configured inventory. The password of a PostgreSQL inventory is read
/// here, at the edge, from the variable `sbom.password_env` names.
fn inventory_location(loaded: &LoadedConfig) -> Result<Location> {
    let sbom = &loaded.config.sbom;
    let password = sbom
        .inventory
        .as_deref()
        .filter(|target| crate::config::is_postgres_url(target))
        .and_then(|_| {
            let var = sbom
                .password_env
                .as_deref()
                .unwrap_or(crate::config::DEFAULT_INVENTORY_PASSWORD_ENV);
            std::env::var(var).ok()
        });
    Location::configured(sbom, config_dir(loaded), password)
}

async fn generate(ctx: &Ctx, args: SbomGenerateArgs) -> anyhow::Result<Exit> {
    let loaded = ctx.optional_config()?;
    let config = &loaded.config;
    let image_arg = args
        .image
        .ok_or_else(|| Error::Usage("an IMAGE is required".into()))?;
    let format = match args.format {
        Some(SbomFormatArg::CyclonedxJson) => SbomFormat::CyclonedxJson,
        Some(SbomFormatArg::SpdxJson) => SbomFormat::SpdxJson,
        None => config.sbom.format,
    };
    let image = ImageRef::resolve(config, &image_arg, Side::Source)?;
    // A destination that is not a regular file (/dev/stdout, a FIFO) is
    // written into, never renamed over; a missing directory fails before Syft runs.
    let special = args
        .output_file
        .as_deref()
        .and_then(|d| std::fs::metadata(d).ok())
        .is_some_and(|m| !m.is_file());
    let out_dir = args.output_file.as_deref().map(|dest| {
        dest.parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
    });
    if let Some(dir) = out_dir.filter(|d| !special && !d.is_dir()) {
        return Err(Error::File {
            path: dir.to_path_buf(),
            error: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "no such directory for --output-file",
            ),
        }
        .into());
    }
    // The key (and its password) and the inventory are checked before Syft runs:
    // a wrong password must not cost a scan.
    let attach = match args.attach {
        true => Some((
            signing_key(ctx, &loaded, args.key.as_deref())?,
            Inventory::open(inventory_location(&loaded)?)?,
        )),
        false => None,
    };
    let client = RegistryClient::new(config)?;
    let digest = client.resolve_digest(&image, Error::Usage).await?;
    let subject = format!("{}@{digest}", image.repository_name());
    let tool = &config.tools.syft;
    let timeout = Duration::from_secs(tool.timeout_secs);
    // Cached per binary (as promote does): no extra Syft start per SBOM.
    let version = crate::pipeline::scan::cached_tool_version("syft", &tool.path, async |real| {
        syft::version(&real, timeout).await
    })
    .await?;
    let registry = client.registry_config(&image);
    let ca_file = registry.and_then(|r| {
        r.ca_file
            .as_ref()
            .map(|c| resolve_path(c, config_dir(&loaded)))
    });
    let credentials =
        match credentials_for_tool("syft", &image.registry, registry, ca_file.as_deref())
            .await?
            .0
        {
            Credentials::Basic { username, password } => Some((username, password)),
            Credentials::Anonymous => None,
        };
    // Syft writes into a private directory beside the destination; the file
    // takes its final name (a rename) only once it is a checked SBOM.
    let work = match out_dir {
        Some(dir) if !special => tempfile::Builder::new()
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
    ctx.ui
        .status(&format!("Running syft {version} on {subject}"));
    let request = ScanRequest {
        program: tool.path.clone(),
        image: subject.clone(),
        format,
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
    let output = syft_every_platform(
        &request,
        &image.repository_name(),
        &digest,
        &targets,
        &image.repository_name(),
    )
    .await?;
    let packages = output.sbom.packages.len();
    let file = match &args.output_file {
        Some(dest) => {
            let moved = match special {
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
            Some(dest.clone())
        }
        None => None,
    };
    if file.is_none() && !ctx.ui.json() {
        let mut sbom = std::fs::File::open(&raw_path).map_err(|error| Error::File {
            path: raw_path.clone(),
            error,
        })?;
        let mut stdout = std::io::stdout().lock();
        match std::io::copy(&mut sbom, &mut stdout) {
            // `vimes sbom IMAGE | head` closing the pipe early is not a failure.
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                return Err(Error::File {
                    path: PathBuf::from("<stdout>"),
                    error: e,
                }
                .into())
            }
            _ => {}
        }
    }
    let mut attached = serde_json::Value::Null;
    let mut indexed_in = None;
    if let Some((key, mut inventory)) = attach {
        let sbom_file = match special {
            true => raw_path.as_path(),
            false => file.as_deref().unwrap_or(&raw_path),
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
        let kind = match format {
            SbomFormat::CyclonedxJson => AttestationType::Cyclonedx,
            SbomFormat::SpdxJson => AttestationType::Spdx,
        };
        let outcome = attest_image(
            &client,
            &image,
            &digest,
            &key,
            kind.uri(),
            predicate,
            Repeat::Identical,
        )
        .await?;
        ctx.ui.status(&format!(
            "Attached the SBOM as a {} attestation: {}",
            kind.name(),
            outcome.location
        ));
        let record = ImageRecord {
            repository: image.repository_name(),
            digest: digest.clone(),
            tags: image.tag.iter().cloned().collect(),
            replace_tags: false,
            origin: "syft".into(),
        };
        inventory.index(&[(record, &output.sbom)])?;
        attached = json!({"predicate_type": kind.uri(), "tag": outcome.tag, "location": outcome.location, "added": outcome.added});
        indexed_in = Some(inventory.location().clone());
    }
    let text = match &file {
        Some(f) => format!(
            "Wrote the {} SBOM of {subject} ({packages} packages, syft {version}) to {}",
            format_name(format),
            f.display()
        ),
        None => String::new(),
    };
    let summary = json!({
        "image": subject,
        "digest": digest,
        "format": format_name(format),
        "syft_version": version,
        "packages": packages,
        "syft_seconds": output.elapsed.as_secs_f64(),
        "file": file,
        "attestation": attached,
        "inventory": indexed_in,
    });
    ctx.ui.result(&text, &summary);
    Ok(Exit::Success)
}
