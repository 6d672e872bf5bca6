//! `vimes copy SRC DST`: copy an image by digest with its cosign attachments.

use super::Ctx;
use crate::cli::CopyArgs;
use crate::exit::Exit;
use crate::registry::copy::{copy_image, CopyOptions};
use crate::registry::reference::Side;
use crate::registry::{ImageRef, RegistryClient};

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
    };
    ctx.ui.status(&format!("Copying {source} to {destination}"));
    let report = copy_image(&client, &source, &destination, &options).await?;

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
