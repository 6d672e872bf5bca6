//! `vimes sbom IMAGE` (Syft, optionally attached and filed); `sbom index`
//! and `sbom query` live in the submodules.

mod index;
pub(super) mod query;

use index::SbomIndexArgs;
use query::SbomQueryArgs;

use super::signing_args::signing_key;
use super::{inventory_location, Ctx};
use crate::config::{LoadedConfig, SbomFormat};
use crate::error::Error;
use crate::exit::Exit;
use crate::pipeline::sbom::SbomRun;
use crate::sbom::Inventory;
use clap::{Args, Subcommand, ValueEnum};
use serde_json::json;
use std::path::{Path, PathBuf};

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
    /// Private key for --attach (path, env://VAR or pkcs11: URI); default: signing.key.
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

async fn generate(ctx: &Ctx, args: SbomGenerateArgs) -> anyhow::Result<Exit> {
    let loaded = ctx.optional_config()?;
    let config = &loaded.config;
    let image = args
        .image
        .ok_or_else(|| Error::Usage("an IMAGE is required".into()))?;
    let format = match args.format {
        Some(SbomFormatArg::CyclonedxJson) => SbomFormat::CyclonedxJson,
        Some(SbomFormatArg::SpdxJson) => SbomFormat::SpdxJson,
        None => config.sbom.format,
    };
    let run = SbomRun::plan(config, &image, format, args.output_file)?;
    // The key (and its password) and the inventory are checked before Syft runs:
    // a wrong password must not cost a scan.
    let attach = match args.attach {
        true => Some((
            signing_key(ctx, &loaded, args.key.as_deref()).await?,
            Inventory::open(inventory_location(&loaded)?)?,
        )),
        false => None,
    };
    let progress = ctx.ui.progress();
    let made = run.run(config, config_dir(&loaded), &progress).await?;
    if made.file.is_none() && !ctx.ui.json() {
        ctx.ui
            .copy_to_stdout(&mut made.open()?)
            .map_err(|error| Error::File {
                path: PathBuf::from("<stdout>"),
                error,
            })?;
    }
    let mut attached = serde_json::Value::Null;
    let mut indexed_in = None;
    if let Some((key, mut inventory)) = attach {
        let done = made.attach(&key, &mut inventory, &progress).await?;
        let outcome = &done.written.first.outcome;
        attached = json!({"predicate_type": done.kind.uri(), "tag": outcome.tag, "location": outcome.location, "added": done.written.added(), "written": done.written});
        indexed_in = Some(done.inventory);
    }
    let text = match &made.file {
        Some(f) => format!(
            "Wrote the {} SBOM of {} ({} packages, syft {}) to {}",
            made.format_name(),
            made.subject,
            made.packages,
            made.syft_version,
            f.display()
        ),
        None => String::new(),
    };
    let summary = json!({
        "image": made.subject,
        "digest": made.digest,
        "format": made.format_name(),
        "syft_version": made.syft_version,
        "packages": made.packages,
        "syft_seconds": made.syft_seconds,
        "file": made.file,
        "attestation": attached,
        "inventory": indexed_in,
    });
    ctx.ui.result(&text, &summary);
    Ok(Exit::Success)
}
