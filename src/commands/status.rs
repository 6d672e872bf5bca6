//! `vimes status [REPO...]`: what is in production and whether each image
//! still passes: signed, attested, recently scanned.

use super::signing_args::{attestation_types, trusted_keys};
use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::pipeline::status::{self, ImageStatus, StatusReport, StatusRequest};
use crate::ui::table;
use clap::Args;
use serde_json::json;

/// `vimes status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Production repositories (short names resolve under promotion.to); default: all of them.
    #[arg(value_name = "REPO")]
    pub repositories: Vec<String>,
    /// Trusted public key (repeatable); default: signing.public_keys.
    #[arg(long, value_name = "PUB")]
    pub key: Vec<String>,
}

/// Runs `vimes status`: exit 0 only when every image is verified.
pub async fn run(ctx: &Ctx, args: StatusArgs) -> anyhow::Result<Exit> {
    let loaded = ctx.require_config()?;
    let config = &loaded.config;
    let request = StatusRequest {
        repositories: args.repositories,
        keys: trusted_keys(&loaded, &args.key)?,
        required: attestation_types(&config.signing.require_attestations)?,
        max_scan_age_days: config.policy.max_scan_age_days,
        today: ctx.clock.today(),
    };
    let report = status::status(config, &request).await?;
    ctx.ui.result(&render_text(&report), &to_json(&report));
    Ok(exit_of(&report))
}

/// 0 when every image is verified; a failure to read comes first (a
/// registry that did not answer is not "unsigned"), then 1.
fn exit_of(report: &StatusReport) -> Exit {
    walk_exit(&report.failed, report.all_verified())
}

/// The exit of a command that walks production (`status`, `rescan`): the
/// first failure to read, else 0 when every image passed, else 1.
pub(super) fn walk_exit(failed: &[(String, Error)], all_passed: bool) -> Exit {
    if let Some((_, error)) = failed.first() {
        return error.exit();
    }
    match all_passed {
        true => Exit::Success,
        false => Exit::PolicyDenied,
    }
}

/// What could not be read, as JSON: `[{target, error, exit_code}]`.
pub(super) fn failed_json(failed: &[(String, Error)]) -> serde_json::Value {
    failed
        .iter()
        .map(|(what, e)| {
            json!({"target": what, "error": e.to_string(), "exit_code": e.exit().code()})
        })
        .collect()
}

fn to_json(report: &StatusReport) -> serde_json::Value {
    json!({
        "repositories": report.repositories,
        "images": report.images,
        "failed": failed_json(&report.failed),
        "verified": report.all_verified(),
    })
}

/// One row per digest, then the reasons of every image that is not verified.
pub fn render_text(report: &StatusReport) -> String {
    let header = [
        "REPOSITORY",
        "TAGS",
        "DIGEST",
        "SIGNED BY",
        "ATTESTATIONS",
        "SCANNED",
        "DB",
        "SBOM",
        "VERDICT",
    ];
    let rows: Vec<Vec<String>> = report.images.iter().map(row).collect();
    let mut text = match rows.is_empty() {
        true => format!(
            "no tagged images in {}",
            match report.repositories.is_empty() {
                true => "production".to_string(),
                false => report.repositories.join(", "),
            }
        ),
        false => table::render(&header, &rows),
    };
    for image in report.images.iter().filter(|i| !i.reasons.is_empty()) {
        for reason in &image.reasons {
            text.push_str(&format!(
                "\n{}@{}: {}",
                table::printable(&image.repository),
                short(&image.digest),
                table::printable(reason)
            ));
        }
    }
    for (what, error) in &report.failed {
        text.push_str(&format!(
            "\nfailed {}: {}",
            table::printable(what),
            table::printable(&error.to_string())
        ));
    }
    let failing = report
        .images
        .iter()
        .filter(|i| i.verdict != status::Verdict::Verified)
        .count();
    text.push_str(&format!(
        "\n{} images, {} verified, {failing} failing{}",
        report.images.len(),
        report.images.len() - failing,
        match report.failed.len() {
            0 => String::new(),
            n => format!(", {n} unreadable"),
        }
    ));
    text
}

fn row(image: &ImageStatus) -> Vec<String> {
    let dash = || "-".to_string();
    let scan = image.scan.as_ref();
    vec![
        image.repository.clone(),
        image.tags.join(","),
        short(&image.digest).to_string(),
        match image.signers.is_empty() {
            true => dash(),
            false => image.signers.join(","),
        },
        match image.attestations.is_empty() {
            true => dash(),
            false => image.attestations.join(","),
        },
        scan.map_or_else(dash, |s| match s.age_days {
            Some(days) => format!("{} ({days}d)", date_part(&s.finished_on)),
            None => s.finished_on.clone(),
        }),
        scan.and_then(|s| s.db.as_deref())
            .map_or_else(dash, |db| date_part(db).to_string()),
        if image.sbom { "yes" } else { "no" }.to_string(),
        image.verdict.label().to_string(),
    ]
}

/// `sha256:` and the first 12 hex digits.
pub(super) fn short(digest: &str) -> &str {
    digest.get(..19).unwrap_or(digest)
}

/// The `YYYY-MM-DD` of a timestamp (the whole text when it is not one).
fn date_part(timestamp: &str) -> &str {
    match timestamp.get(..10) {
        Some(date) if crate::clock::Date::parse(date).is_some() => date,
        _ => timestamp,
    }
}
