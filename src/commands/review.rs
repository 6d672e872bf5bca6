//! `vimes review IMAGE`: show what did not block, ask approve/reject on a
//! TTY (or take `--yes`), and record the decision.

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::pipeline::review::{self, ReviewDecision};
use crate::pipeline::scan::{scan_image, ScanOptions};
use crate::registry::reference::Side;
use crate::registry::{ImageRef, RegistryClient};
use clap::Args;
use std::path::PathBuf;

/// `vimes review IMAGE`.
#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// Image to review (resolved to its digest first).
    pub image: String,
    /// Who is reviewing (default: git user.email, else $USER).
    #[arg(long)]
    pub reviewer: Option<String>,
    /// Record a rejection (non-interactive).
    #[arg(long)]
    pub reject: bool,
    /// Also write the record to this file.
    #[arg(short = 'o', long = "output-file", value_name = "FILE")]
    pub output_file: Option<PathBuf>,
}

/// Runs `vimes review`.
pub async fn run(ctx: &Ctx, args: ReviewArgs) -> anyhow::Result<Exit> {
    let loaded = ctx.optional_config()?;
    let config = &loaded.config;
    let image = ImageRef::resolve(config, &args.image, Side::Source)?;
    let client = RegistryClient::new(config)?;
    let digest = client.digest_of(&image).await?;
    let config_dir = loaded.path.as_deref().and_then(|p| p.parent());
    let progress = ctx.ui.progress();
    let outcome = scan_image(
        config,
        config_dir,
        &image,
        &digest,
        client.registry_config(&image),
        &ScanOptions::on(ctx.clock),
        &progress,
    )
    .await;
    progress.dismiss("scan");
    let outcome = outcome?;
    let reviewer = review::default_reviewer(args.reviewer.as_deref(), &std::env::vars().collect())
        .ok_or_else(|| Error::Usage("cannot tell who is reviewing: pass --reviewer".into()))?;

    let interactive = ctx.ui.interactive && !ctx.global.yes && !args.reject;
    let decision = if args.reject {
        ReviewDecision::Rejected
    } else if interactive {
        ctx.ui.show(&super::scan::render_text(&outcome));
        let approve = dialoguer::Confirm::new()
            .with_prompt(format!(
                "Approve {}@{} for promotion as {reviewer}?",
                outcome.repository, outcome.digest
            ))
            .default(false)
            .interact()
            .map_err(|e| Error::Usage(format!("cannot read the answer: {e}")))?;
        if approve {
            ReviewDecision::Approved
        } else {
            ReviewDecision::Rejected
        }
    } else if ctx.global.yes {
        ReviewDecision::Approved
    } else {
        return Err(Error::Policy(
            "no terminal to ask the reviewer: pass --yes to approve non-interactively (it is recorded as such)".into(),
        )
        .into());
    };
    let record = review::record(&outcome, &reviewer, decision, interactive)?;
    let saved = review::save(&record)?;
    if let Some(out) = &args.output_file {
        let bytes = serde_json::to_vec_pretty(&record)?;
        std::fs::write(out, bytes).map_err(|error| Error::File {
            path: out.clone(),
            error,
        })?;
    }
    let text = format!(
        "{} {}@{} as {reviewer}{}\nRecorded in {}",
        match decision {
            ReviewDecision::Approved => "Approved",
            ReviewDecision::Rejected => "Rejected",
        },
        record.repository,
        record.digest,
        if interactive {
            ""
        } else {
            " (non-interactive)"
        },
        saved.display()
    );
    ctx.ui.result(&text, &serde_json::to_value(&record)?);
    Ok(match decision {
        ReviewDecision::Approved => Exit::Success,
        ReviewDecision::Rejected => Exit::PolicyDenied,
    })
}
