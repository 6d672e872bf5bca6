//! `vimes scan IMAGE`: Trivy plus the gate; exit 1 when blocked.

use super::signing_args::signing_key;
use super::Ctx;
use crate::exit::Exit;
use crate::pipeline::evidence::vuln_predicate;
use crate::pipeline::scan::{scan_image, ScanOptions, ScanOutcome};
use crate::policy::gate::{severity_name, Decision};
use crate::policy::sarif::to_sarif;
use crate::registry::reference::Side;
use crate::registry::{ImageRef, RegistryClient};
use crate::signing::sign::{attest_image, Repeat};
use crate::signing::AttestationType;
use crate::ui::{table, OutputFormat};
use clap::Args;

/// `vimes scan IMAGE`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Image to scan (resolved to its digest first).
    pub image: String,
    /// Run Trivy even when a report for this digest, Trivy version and DB is cached.
    #[arg(long)]
    pub no_cache: bool,
    /// When the scan passes, sign the result and attach it as a cosign vuln
    /// attestation (a blocked image gets none).
    #[arg(long)]
    pub attach: bool,
    /// Private key for --attach (path, env://VAR or pkcs11: URI); default: signing.key.
    #[arg(long, value_name = "KEY", requires = "attach")]
    pub key: Option<String>,
}

/// Runs `vimes scan`.
pub async fn run(ctx: &Ctx, args: ScanArgs) -> anyhow::Result<Exit> {
    let loaded = ctx.optional_config()?;
    let config = &loaded.config;
    let image = ImageRef::resolve(config, &args.image, Side::Source)?;
    // The key (and its password) is checked before Trivy runs.
    let key = match args.attach {
        true => Some(signing_key(ctx, &loaded, args.key.as_deref()).await?),
        false => None,
    };
    let client = RegistryClient::new(config)?;
    let digest = client.digest_of(&image).await?;
    ctx.ui
        .status(&format!("Scanning {}@{digest}", image.repository_name()));
    let options = ScanOptions {
        no_cache: args.no_cache,
        clock: ctx.clock,
    };
    let config_dir = loaded.path.as_deref().and_then(|p| p.parent());
    let progress = ctx.ui.progress();
    let outcome = scan_image(
        config,
        config_dir,
        &image,
        &digest,
        client.registry_config(&image),
        &options,
        &progress,
    )
    .await;
    progress.dismiss("scan");
    let outcome = outcome?;
    let mut attestation = serde_json::Value::Null;
    if let Some(key) = &key {
        if !outcome.verdict.passed {
            // A blocked image gets no fresh scan evidence: admission policies
            // that require a recent scan then refuse it once the old one ages.
            ctx.ui
                .status("The scan is blocked: no vuln attestation attached");
        } else {
            let predicate_type = AttestationType::Vuln.uri();
            // The fresh scan replaces this key's older vuln attestation:
            // Kyverno checks the age of every one it finds.
            let attached = attest_image(
                &client,
                &image,
                &digest,
                key,
                predicate_type,
                vuln_predicate(&outcome),
                Repeat::Supersede,
                client.config().signing.format,
            )
            .await?;
            ctx.ui.status(&format!(
                "Attached the scan as a vuln attestation: {}",
                attached.locations().replace('\n', ", ")
            ));
            attestation = serde_json::json!({
                "predicate_type": predicate_type,
                "location": attached.first.outcome.location,
                "added": attached.added(),
                "written": attached,
            });
        }
    }
    match ctx.ui.format {
        OutputFormat::Sarif => {
            let doc = to_sarif(
                &outcome.verdict,
                &format!("{}@{}", outcome.repository, outcome.digest),
                &outcome.trivy_version,
            );
            ctx.ui
                .print(&format!("{}\n", serde_json::to_string_pretty(&doc)?))?;
        }
        OutputFormat::Json => {
            let mut doc = serde_json::to_value(&outcome)?;
            if args.attach {
                if let Some(map) = doc.as_object_mut() {
                    map.insert("attestation".into(), attestation);
                }
            }
            ctx.ui.result("", &doc)
        }
        OutputFormat::Text => ctx
            .ui
            .result(&render_text(&outcome), &serde_json::Value::Null),
    }
    Ok(if outcome.verdict.passed {
        Exit::Success
    } else {
        Exit::PolicyDenied
    })
}

/// A table grouped by severity, most severe first, with the decision marked.
pub fn render_text(outcome: &ScanOutcome) -> String {
    let v = &outcome.verdict;
    let mut out = format!(
        "{}@{}\nTrivy {}{}{}\n",
        outcome.repository,
        outcome.digest,
        outcome.trivy_version,
        outcome
            .db_updated_at
            .as_deref()
            .map(|d| format!(", DB updated {d}"))
            .unwrap_or_default(),
        if outcome.cached {
            " (cached report)"
        } else {
            ""
        }
    );
    if !outcome.platforms.is_empty() {
        out.push_str(&format!(
            "Platforms scanned: {}\n",
            outcome.platforms.join(", ")
        ));
    }
    for (severity, counts) in v.counts.iter().rev() {
        out.push_str(&format!(
            "\n{} ({} found, {} blocking, {} waived)\n",
            severity_name(*severity),
            counts.total,
            counts.blocked,
            counts.waived
        ));
        for g in v
            .findings
            .iter()
            .filter(|g| g.finding.severity == *severity)
        {
            let mark = match &g.decision {
                Decision::Blocked => "BLOCKED".to_string(),
                Decision::Waived {
                    exception,
                    approved_by,
                    ..
                } => format!("waived ({exception}, {approved_by})"),
                Decision::Allowed => "allowed".to_string(),
                Decision::IgnoredUnfixed => "ignored (unfixed)".to_string(),
            };
            let f = &g.finding;
            let on = f
                .platform
                .as_deref()
                .map_or(String::new(), |p| format!(" [{p}]"));
            out.push_str(&format!(
                "  {:<20} {:<24} {:<28} {:<28} {mark}{on}\n",
                f.id,
                f.package,
                f.installed,
                f.fixed.as_deref().unwrap_or("(no fix)")
            ));
        }
    }
    if v.findings.is_empty() {
        out.push_str("\nNo vulnerabilities found.\n");
    }
    for e in &v.exceptions {
        out.push_str(&format!(
            "exception {}: {} ({})\n",
            e.id, e.outcome, e.detail
        ));
    }
    for s in &outcome.vex.suppressed {
        out.push_str(&format!(
            "vex {}: suppressed in {} {} ({}: {}; {}, signed by {})\n",
            s.id,
            table::printable(&s.package),
            table::printable(&s.installed),
            s.status,
            table::printable(&s.statement),
            table::printable(&s.source),
            table::printable(&s.signed_by)
        ));
    }
    for i in &outcome.vex.ignored {
        out.push_str(&format!(
            "vex {}{}: {}\n",
            table::printable(&i.source),
            i.vulnerability
                .as_deref()
                .map(|v| format!(" {v}"))
                .unwrap_or_default(),
            table::printable(&i.reason)
        ));
    }
    out.push_str(&if v.passed {
        "\nPASSED: nothing blocks this image.".to_string()
    } else {
        format!("\nBLOCKED:\n  {}", v.reasons.join("\n  "))
    });
    out
}
