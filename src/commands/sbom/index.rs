//! `vimes sbom index`: the arguments, and the rendering of what
//! [`crate::pipeline::sbom_index`] filed.

use super::super::Ctx;
use super::{config_dir, inventory_location};
use crate::error::Error;
use crate::exit::Exit;
use crate::pipeline::sbom_index::{self, IndexOutcome, IndexRequest};
use crate::sbom::Inventory;
use clap::Args;
use serde_json::json;
use std::time::Instant;

/// `vimes sbom index`.
#[derive(Debug, Args)]
pub struct SbomIndexArgs {
    /// SBOM files, directories of SBOM files, or images.
    #[arg(value_name = "FILE|DIR|IMAGE")]
    pub targets: Vec<String>,
    /// Index every tagged image of this repository (repeatable).
    #[arg(long, value_name = "REPO")]
    pub repository: Vec<String>,
    /// Index every repository of this vimes.yaml registry entry (repeatable;
    /// Harbor's API for type harbor, /v2/_catalog for type oci); digests
    /// already in the inventory are not read again.
    #[arg(long, value_name = "NAME")]
    pub registry: Vec<String>,
    /// The image a single SBOM file describes (default: what the SBOM records).
    #[arg(long, value_name = "IMAGE")]
    pub image: Option<String>,
    /// Trusted public key for attestations (repeatable); default: signing.public_keys.
    #[arg(long, value_name = "PUB")]
    pub key: Vec<String>,
    /// Delete the inventory and start an empty one first.
    #[arg(long)]
    pub rebuild: bool,
}

/// Runs `vimes sbom index`.
pub async fn index(ctx: &Ctx, args: SbomIndexArgs) -> anyhow::Result<Exit> {
    let started = Instant::now();
    let loaded = ctx.optional_config()?;
    if args.targets.is_empty()
        && args.repository.is_empty()
        && args.registry.is_empty()
        && !args.rebuild
    {
        return Err(Error::Usage(
            "nothing to index: give SBOM files, directories, images, --repository REPO or --registry NAME".into(),
        )
        .into());
    }
    let location = inventory_location(&loaded)?;
    let mut inventory = match args.rebuild {
        true => Inventory::recreate(location)?,
        false => Inventory::open(location)?,
    };
    let request = IndexRequest {
        targets: args.targets,
        repositories: args.repository,
        registries: args.registry,
        image: args.image,
        keys: args.key,
    };
    let outcome = sbom_index::index(
        &loaded.config,
        config_dir(&loaded),
        &mut inventory,
        &request,
        &ctx.ui.progress(),
    )
    .await?;
    render_index(ctx, outcome, started)
}

fn render_index(ctx: &Ctx, mut report: IndexOutcome, started: Instant) -> anyhow::Result<Exit> {
    let (images, packages, promotions) = (report.images, report.packages, report.promotions);
    let seconds = started.elapsed().as_secs_f64();
    // A single target that failed is reported as that error, plainly.
    if report.indexed.is_empty() && report.skipped.is_empty() && report.failed.len() == 1 {
        let (_, error) = report.failed.remove(0);
        return Err(error.into());
    }
    let mut text = String::new();
    if report.indexed.len() <= 20 {
        for i in &report.indexed {
            text.push_str(&format!(
                "Indexed {}@{} ({} packages, {}){}\n",
                i.repository,
                i.digest,
                i.packages,
                i.format,
                if i.tags.is_empty() {
                    String::new()
                } else {
                    format!(" tags: {}", i.tags.join(", "))
                }
            ));
        }
    }
    let added: usize = report.indexed.iter().map(|i| i.packages).sum();
    text.push_str(&format!(
        "Indexed {} SBOMs ({added} packages) in {seconds:.2}s; {} now holds {images} images, {packages} packages, {promotions} promotions",
        report.indexed.len(),
        report.inventory
    ));
    if report.already_indexed > 0 {
        text.push_str(&format!(
            "\n{} digests already indexed, not read again",
            report.already_indexed
        ));
    }
    for (target, why) in &report.skipped {
        text.push_str(&format!("\nskipped {target}: {why}"));
    }
    for (target, error) in &report.failed {
        text.push_str(&format!("\nfailed {target}: {error}"));
    }
    let json = json!({
        "inventory": report.inventory,
        "indexed": report.indexed,
        "already_indexed": report.already_indexed,
        "skipped": report.skipped.iter().map(|(t, why)| json!({"image": t, "reason": why})).collect::<Vec<_>>(),
        "failed": report.failed.iter().map(|(t, e)| json!({"target": t, "error": e.to_string(), "exit_code": e.exit().code()})).collect::<Vec<_>>(),
        "images": images,
        "packages": packages,
        "promotions": promotions,
        "seconds": seconds,
    });
    ctx.ui.result(&text, &json);
    Ok(report
        .failed
        .first()
        .map_or(Exit::Success, |(_, e)| e.exit()))
}
