//! `vimes rescan [REPO...]`: every production digest re-judged from its
//! signed SBOM against today's Trivy DB; exit 1 when any is now blocked.

use super::signing_args::{signing_key, trusted_keys};
use super::status::{failed_json, short, walk_exit};
use super::Ctx;
use crate::exit::Exit;
use crate::pipeline::evidence::vuln_predicate;
use crate::pipeline::rescan::{self, RescanReport, RescanRequest, RescannedImage};
use crate::registry::RegistryClient;
use crate::signing::keys::SigningKey;
use crate::signing::sign::{attest_image, Repeat};
use crate::signing::AttestationType;
use crate::ui::table;
use clap::Args;
use serde_json::{json, Value};

/// `vimes rescan`.
#[derive(Debug, Args)]
pub struct RescanArgs {
    /// Production repositories (short names resolve under promotion.to); default: all of them.
    #[arg(value_name = "REPO")]
    pub repositories: Vec<String>,
    /// Trusted public key for the SBOM attestations (repeatable); default: signing.public_keys.
    #[arg(long, value_name = "PUB")]
    pub key: Vec<String>,
    /// Sign a fresh vuln attestation for every image that still passes (as `scan --attach`).
    #[arg(long)]
    pub attach: bool,
    /// Private key for --attach (path, env://VAR or pkcs11: URI); default: signing.key.
    #[arg(long, value_name = "KEY", requires = "attach")]
    pub signing_key: Option<String>,
}

/// Runs `vimes rescan`.
pub async fn run(ctx: &Ctx, args: RescanArgs) -> anyhow::Result<Exit> {
    let loaded = ctx.require_config()?;
    let config = &loaded.config;
    // The key (and its password) is checked before anything is read.
    let key = match args.attach {
        true => Some(signing_key(ctx, &loaded, args.signing_key.as_deref()).await?),
        false => None,
    };
    let request = RescanRequest {
        repositories: args.repositories,
        keys: trusted_keys(&loaded, &args.key)?,
        clock: ctx.clock,
    };
    let config_dir = loaded.path.as_deref().and_then(|p| p.parent());
    let progress = ctx.ui.progress();
    let report = rescan::rescan(config, config_dir, &request, &progress).await;
    progress.dismiss("rescan");
    let mut report = report?;
    let mut attached = Vec::new();
    if let Some(key) = &key {
        attached = attach_passing(config, &mut report, key).await?;
    }
    ctx.ui.result(
        &render_text(&report, &attached),
        &to_json(&report, &attached),
    );
    Ok(exit_of(&report))
}

/// Signs a vuln attestation for every image that passed; one that cannot be
/// written moves the image to `failed`.
async fn attach_passing(
    config: &crate::config::Config,
    report: &mut RescanReport,
    key: &SigningKey,
) -> anyhow::Result<Vec<Value>> {
    let client = RegistryClient::new(config)?;
    let mut attached = Vec::new();
    let mut kept = Vec::new();
    for image in std::mem::take(&mut report.images) {
        if !image.outcome.verdict.passed {
            kept.push(image);
            continue;
        }
        let outcome = &image.outcome;
        let predicate_type = AttestationType::Vuln.uri();
        let written = attest_image(
            &client,
            &image.repository,
            &outcome.digest,
            key,
            predicate_type,
            vuln_predicate(outcome),
            Repeat::Supersede,
            config.signing.format,
        )
        .await;
        match written {
            Ok(written) => {
                attached.push(json!({
                    "image": format!("{}@{}", outcome.repository, outcome.digest),
                    "predicate_type": predicate_type,
                    "location": written.first.outcome.location,
                }));
                kept.push(image);
            }
            Err(e) => report
                .failed
                .push((format!("{}@{}", outcome.repository, outcome.digest), e)),
        }
    }
    report.images = kept;
    Ok(attached)
}

/// A failure to read comes first (a registry or Trivy that did not answer
/// is not "still clean"), then 1 when any image is blocked.
fn exit_of(report: &RescanReport) -> Exit {
    walk_exit(&report.failed, report.all_passed())
}

fn to_json(report: &RescanReport, attached: &[Value]) -> Value {
    json!({
        "repositories": report.repositories,
        "trivy_version": report.trivy_version,
        "db_updated_at": report.db_updated_at,
        "images": report.images.iter().map(image_json).collect::<Vec<_>>(),
        "blocked": report.images.iter().filter(|i| !i.outcome.verdict.passed)
            .map(|i| format!("{}@{}", i.outcome.repository, i.outcome.digest)).collect::<Vec<_>>(),
        "attached": attached,
        "failed": failed_json(&report.failed),
        "passed": report.all_passed(),
    })
}

fn image_json(image: &RescannedImage) -> Value {
    let outcome = &image.outcome;
    json!({
        "repository": outcome.repository,
        "digest": outcome.digest,
        "tags": image.tags,
        "passed": outcome.verdict.passed,
        "blocked_by": image.blocking(),
        "reasons": outcome.verdict.reasons,
        "verdict": outcome.verdict,
    })
}

/// The images now blocked first, with their CVEs; then a summary line.
pub fn render_text(report: &RescanReport, attached: &[Value]) -> String {
    let mut text = format!(
        "Trivy {}{}\n",
        report.trivy_version,
        report
            .db_updated_at
            .as_deref()
            .map(|db| format!(", DB {db}"))
            .unwrap_or_default()
    );
    let blocked: Vec<&RescannedImage> = report
        .images
        .iter()
        .filter(|i| !i.outcome.verdict.passed)
        .collect();
    if !blocked.is_empty() {
        let rows: Vec<Vec<String>> = blocked
            .iter()
            .map(|i| {
                vec![
                    i.outcome.repository.clone(),
                    i.tags.join(","),
                    short(&i.outcome.digest).to_string(),
                    i.blocking().join(","),
                ]
            })
            .collect();
        text.push_str("Now blocked:\n");
        text.push_str(&table::render(
            &["REPOSITORY", "TAGS", "DIGEST", "BLOCKED BY"],
            &rows,
        ));
        text.push('\n');
    }
    for (what, error) in &report.failed {
        text.push_str(&format!(
            "failed {}: {}\n",
            table::printable(what),
            table::printable(&error.to_string())
        ));
    }
    if !attached.is_empty() {
        text.push_str(&format!(
            "Attached fresh vuln attestations to {} images\n",
            attached.len()
        ));
    }
    text.push_str(&format!(
        "{} images rescanned, {} still pass, {} blocked{}",
        report.images.len(),
        report.images.len() - blocked.len(),
        blocked.len(),
        match report.failed.len() {
            0 => String::new(),
            n => format!(", {n} could not be judged"),
        }
    ));
    text
}
