//! `vimes build [NAME...]`: check the bases, build, push to staging by digest.
//! Steps and builder output go to stderr through the progress view; stdout
//! gets `repo@digest` per image (or JSON). With a signing key (`--key` or
//! `signing.key`) each image gets a signed SLSA provenance attestation;
//! without one the build warns and attaches none, unless
//! `policy.provenance.required` says such an image could never be promoted:
//! then it refuses before building (exit 2).

use super::check::build_args;
use super::signing_args::{signing_key, SigningKeyArgs};
use super::Ctx;
use crate::exit::Exit;
use crate::pipeline::build::{build, BuildOptions};
use clap::Args;

/// `vimes build [NAME...]`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Images of vimes.yaml to build (default: all).
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,
    /// Tag to push to staging (default: `git describe --tags --always`).
    #[arg(long)]
    pub tag: Option<String>,
    /// Build argument (repeatable).
    #[arg(long = "build-arg", value_name = "KEY=VALUE")]
    pub build_args: Vec<String>,
    /// Stage to build.
    #[arg(long, value_name = "STAGE")]
    pub target: Option<String>,
    /// Platform to build for (`os/arch[/variant]`).
    #[arg(long, value_name = "PLATFORM")]
    pub platform: Option<String>,
    #[command(flatten)]
    pub signing: SigningKeyArgs,
}

/// Runs `vimes build`.
pub async fn run(ctx: &Ctx, args: BuildArgs) -> anyhow::Result<Exit> {
    let loaded = ctx.require_config()?;
    let config_dir = loaded
        .path
        .as_deref()
        .and_then(|p| p.parent())
        .map(|p| {
            if p.as_os_str().is_empty() {
                std::path::Path::new(".")
            } else {
                p
            }
        })
        .unwrap_or(std::path::Path::new("."))
        .to_path_buf();
    let options = BuildOptions {
        names: args.names,
        tag: args.tag,
        build_args: build_args(&args.build_args)?,
        target: args.target,
        platform: args.platform,
        clock: ctx.clock,
        // Read here, at the edge: reproducible-builds' variable.
        source_date_epoch: std::env::var("SOURCE_DATE_EPOCH")
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok()),
    };
    // The key first: a wrong password stops before a long build.
    let key = match (&args.signing.key, &loaded.config.signing.key) {
        (None, None) if loaded.config.policy.provenance.required => {
            return Err(crate::error::Error::Usage(
                "policy.provenance.required: vimes build needs a signing key to attest \
                 provenance (pass --key or set signing.key)"
                    .into(),
            )
            .into())
        }
        (None, None) => {
            ctx.ui.warning(
                "no signing key (--key or signing.key): no provenance is attached, so \
                 policy.provenance.required would refuse to promote these images",
            );
            None
        }
        _ => Some(signing_key(ctx, &loaded, args.signing.key.as_deref()).await?),
    };
    let progress = ctx.ui.progress();
    let built = build(
        &loaded.config,
        &config_dir,
        &options,
        key.as_ref(),
        &progress,
    )
    .await?;
    let text: Vec<String> = built.iter().map(|b| b.reference.clone()).collect();
    ctx.ui
        .result(&text.join("\n"), &serde_json::json!({ "images": built }));
    Ok(Exit::Success)
}
