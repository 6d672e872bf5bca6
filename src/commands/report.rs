//! `vimes report [REPO...] -o FILE`: the production view of `vimes status`
//! (and, with `--package`, `--purl` or `--advisory`, the inventory's affected
//! images) as one self-contained HTML page.

use super::inventory_location;
use super::sbom::query::Question;
use super::signing_args::{attestation_types, trusted_keys};
use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::pipeline::report::{self, Affected, Counts, Report};
use crate::pipeline::status::{self, StatusReport, StatusRequest};
use crate::sbom::query::Answer;
use crate::sbom::Inventory;
use crate::ui::table::printable;
use clap::Args;
use serde_json::json;
use std::path::{Path, PathBuf};

/// `vimes report`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("what").args(["package", "purl", "advisory"])))]
pub struct ReportArgs {
    /// Production repositories (short names resolve under promotion.to); default: all of them.
    #[arg(value_name = "REPO")]
    pub repositories: Vec<String>,
    /// The HTML file to write (replaced whole); `-` or none: stdout.
    #[arg(short = 'o', long = "output-file", value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Trusted public key (repeatable); default: signing.public_keys.
    #[arg(long, value_name = "PUB")]
    pub key: Vec<String>,
    /// Also list the inventory's images holding this package (as `sbom query --package`).
    #[arg(long, value_name = "NAME")]
    pub package: Option<String>,
    /// Version range of --package: comparators joined by commas, e.g. '>=1.2.3, <2.0'.
    #[arg(long, value_name = "RANGE", requires = "package")]
    pub version: Option<String>,
    /// Only packages of this PURL type (deb, pypi, npm, cargo, golang, ...).
    #[arg(long = "type", value_name = "TYPE", requires = "package")]
    pub package_type: Option<String>,
    /// Also list the inventory's images holding this package URL (as `sbom query --purl`).
    #[arg(long, value_name = "PURL")]
    pub purl: Option<String>,
    /// Also list the inventory's images holding a version this OSV advisory (JSON) lists.
    #[arg(long, value_name = "FILE")]
    pub advisory: Option<PathBuf>,
}

/// What the inventory said, kept for the page and the summary.
struct Asked {
    answer: Answer,
    query: serde_json::Value,
    what: String,
    indexed: u64,
}

/// Runs `vimes report`: the page is written whatever the verdicts; exit 0
/// only when every image is verified and nothing asked about was found.
pub async fn run(ctx: &Ctx, args: ReportArgs) -> anyhow::Result<Exit> {
    let dest = args.output_file.as_deref().filter(|p| *p != Path::new("-"));
    if ctx.ui.json() && dest.is_none() {
        return Err(Error::Usage(
            "--output json prints a summary, not the page: name the page's file with -o FILE"
                .into(),
        )
        .into());
    }
    // A destination that cannot take the page fails before any registry read.
    if let Some(dest) = dest {
        report::check_destination(dest)?;
    }
    let loaded = ctx.require_config()?;
    let config = &loaded.config;
    let question = Question::parse(
        args.package,
        args.version.as_deref(),
        args.package_type,
        args.purl,
        args.advisory,
    )?;
    let request = StatusRequest {
        repositories: args.repositories,
        keys: trusted_keys(&loaded, &args.key)?,
        required: attestation_types(&config.signing.require_attestations)?,
        max_scan_age_days: config.policy.max_scan_age_days,
        today: ctx.clock.today(),
    };
    let asked = match &question {
        Some(question) => {
            let inventory = Inventory::open_existing(inventory_location(&loaded)?)?;
            let (answer, query, what) = question.ask(&inventory)?;
            for u in &answer.undecided {
                ctx.ui.status(&printable(&format!(
                    "warning: cannot decide {} {} in {}@{}: {}",
                    u.package.package,
                    u.package.version,
                    u.package.repository,
                    u.package.digest,
                    u.reason
                )));
            }
            Some(Asked {
                indexed: inventory.image_count()?,
                answer,
                query,
                what,
            })
        }
        None => None,
    };
    let status = status::status(config, &request).await?;
    let page = report::render(&Report {
        status: &status,
        affected: asked.as_ref().map(|a| Affected {
            question: &a.what,
            answer: &a.answer,
            images_indexed: a.indexed,
        }),
        judged_on: request.today.to_string(),
        generated_at: crate::clock::now_rfc3339(),
    });
    let summary = summary(&status, asked.as_ref());
    match dest {
        Some(dest) => {
            report::write_atomically(dest, page.as_bytes())?;
            ctx.ui.result(
                &format!("Wrote {}: {summary}", dest.display()),
                &to_json(dest, &status, asked.as_ref()),
            );
        }
        None => {
            ctx.ui.print(&page)?;
            ctx.ui.status(&summary);
        }
    }
    Ok(exit_of(&status, asked.as_ref()))
}

/// As `status`: a failure to read comes first; then 1 when any image is not
/// verified or the inventory holds anything asked about; else 0.
fn exit_of(status: &StatusReport, asked: Option<&Asked>) -> Exit {
    if let Some((_, error)) = status.failed.first() {
        return error.exit();
    }
    let found = asked.is_some_and(|a| !a.answer.matches.is_empty());
    match status.all_verified() && !found {
        true => Exit::Success,
        false => Exit::PolicyDenied,
    }
}

fn summary(status: &StatusReport, asked: Option<&Asked>) -> String {
    let images = status.images.len();
    let counts = Counts::of(status);
    let mut text = format!(
        "{images} image{}, {} verified, {} failing",
        if images == 1 { "" } else { "s" },
        counts.verified,
        images - counts.verified
    );
    if !status.failed.is_empty() {
        text.push_str(&format!(", {} unreadable", status.failed.len()));
    }
    if let Some(a) = asked {
        text.push_str(&format!(
            "; {} of {} indexed images hold {}",
            a.answer.image_count(),
            a.indexed,
            printable(&a.what)
        ));
    }
    text
}

fn to_json(dest: &Path, status: &StatusReport, asked: Option<&Asked>) -> serde_json::Value {
    json!({
        "file": dest,
        "repositories": status.repositories,
        "images": status.images.len(),
        "counts": Counts::of(status),
        "failed": status.failed.iter().map(|(what, e)| json!({
            "target": what, "error": e.to_string(), "exit_code": e.exit().code(),
        })).collect::<Vec<_>>(),
        "verified": status.all_verified(),
        "affected": asked.map(|a| json!({
            "query": a.query,
            "images_indexed": a.indexed,
            "images": a.answer.image_count(),
            "matches": a.answer.matches.len(),
            "undecided": a.answer.undecided.len(),
        })),
    })
}
