//! `vimes copy SRC DST`: copy an image by digest with its cosign attachments.

use super::Ctx;
use crate::exit::Exit;
use crate::pipeline::production_copy::{copy_into_production, is_production};
use crate::registry::copy::{copy_image, CopyOptions};
use crate::registry::reference::Side;
use crate::registry::{ImageRef, RegistryClient};
use crate::signing::keys::load_configured_keys;
use clap::Args;

/// `vimes copy SRC DST`.
#[derive(Debug, Args)]
pub struct CopyArgs {
    /// Source image (`host[:port]/path[:tag][@sha256:...]`, or `REPO[:TAG]` under promotion.from).
    pub source: String,
    /// Destination (`host[:port]/path[:tag]`); without a tag, the source tag is used if any.
    pub destination: String,
    /// Do not carry cosign `.sig`/`.att`/`.sbom` tags along.
    #[arg(long)]
    pub no_signatures: bool,
    /// Layers transferred at once between registries.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=32))]
    pub jobs: u16,
    /// Move a destination tag that already points to another digest (never on an `immutable: true` registry).
    #[arg(long)]
    pub force: bool,
}

/// Runs `vimes copy`.
pub async fn run(ctx: &Ctx, args: CopyArgs) -> anyhow::Result<Exit> {
    let loaded = ctx.optional_config()?;
    let config = &loaded.config;
    let source = ImageRef::resolve(config, &args.source, Side::Source)?;
    let destination = ImageRef::resolve(config, &args.destination, Side::Destination)?;
    let client = RegistryClient::new(config)?;
    let immutable = client
        .registry_config(&destination)
        .is_some_and(|r| r.immutable);
    let options = CopyOptions {
        signatures: !args.no_signatures,
        jobs: usize::from(args.jobs),
        immutable,
        force: args.force,
        write_tag: true,
    };
    ctx.ui.status(&format!("Copying {source} to {destination}"));
    let report = if is_production(config, &destination) {
        // Production tags only ever point at images that verify there.
        let config_dir = loaded.path.as_deref().and_then(|p| p.parent());
        let trusted = load_configured_keys(&config.signing.public_keys, config_dir)?;
        copy_into_production(&client, config, &source, &destination, &options, &trusted).await?
    } else {
        copy_image(&client, &source, &destination, &options).await?
    };

    let mut text = report.destination.clone();
    if let Some(tag) = &report.tag {
        text = format!("{text}\n{}:{tag}", destination.repository_name());
    }
    if !ctx.ui.quiet {
        let summary = if report.unchanged {
            "already present, nothing copied".to_string()
        } else {
            format!(
                "{} blobs streamed ({} bytes), {} mounted, {} already there; {} manifests pushed",
                report.blobs_copied,
                report.bytes_copied,
                report.blobs_mounted,
                report.blobs_present,
                report.manifests_pushed
            )
        };
        ctx.ui.status(&summary);
        for tag in &report.signature_tags {
            ctx.ui.status(&format!("carried {tag}"));
        }
    }
    ctx.ui.result(&text, &serde_json::to_value(&report)?);
    Ok(Exit::Success)
}
