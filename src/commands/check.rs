//! `vimes check [PATH...]` / `vimes check --hook`: the image references of
//! Dockerfiles, Kubernetes manifests and compose files against the policy.
//! Exit 0 when clean, 1 with findings.

use super::Ctx;
use crate::check::{self, files, resolve, sarif, CheckOptions, Finding, Report};
use crate::error::Error;
use crate::exit::Exit;
use crate::registry::RegistryClient;
use crate::tools::git;
use crate::ui::OutputFormat;
use clap::Args;
use std::collections::BTreeMap;
use std::io::{IsTerminal, Read};
use std::path::PathBuf;

/// `vimes check [PATH...]`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to check (default: the files git tracks here).
    #[arg(value_name = "PATH", conflicts_with = "hook")]
    pub paths: Vec<PathBuf>,
    /// Pre-push hook mode: read git's pre-push lines on stdin and check the files changed in
    /// the pushed commits, as they are in those commits.
    #[arg(long)]
    pub hook: bool,
    /// Look up the digest each unpinned tag points at now (network) and put it in the hint.
    #[arg(long)]
    pub resolve: bool,
    /// ARG value for Dockerfiles, as `--build-arg` gives it to a build (repeatable).
    #[arg(long = "build-arg", value_name = "KEY=VALUE")]
    pub build_args: Vec<String>,
}

/// Most bytes of pre-push input read (a line per pushed ref).
const MAX_HOOK_INPUT: u64 = 1024 * 1024;

/// Parses repeated `KEY=VALUE` build arguments.
pub(super) fn build_args(pairs: &[String]) -> Result<BTreeMap<String, String>, Error> {
    pairs
        .iter()
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
            _ => Err(Error::Usage(format!(
                "--build-arg {pair:?} is not KEY=VALUE"
            ))),
        })
        .collect()
}

/// Runs `vimes check`.
pub async fn run(ctx: &Ctx, args: CheckArgs) -> anyhow::Result<Exit> {
    let loaded = ctx.optional_config()?;
    let options = CheckOptions {
        policy: loaded.config.policy.clone(),
        build_args: build_args(&args.build_args)?,
        platform: None,
    };
    let cwd = std::env::current_dir()
        .map_err(|e| Error::Usage(format!("cannot read the working directory: {e}")))?;
    let (inputs, skipped) = if args.hook {
        if std::io::stdin().is_terminal() {
            return Err(Error::Usage(
                "--hook reads git's pre-push input on stdin; it is run by the hook that \
                 `vimes hook install` writes"
                    .into(),
            )
            .into());
        }
        let mut input = String::new();
        std::io::stdin()
            .take(MAX_HOOK_INPUT)
            .read_to_string(&mut input)
            .map_err(|e| Error::Usage(format!("cannot read the pre-push input: {e}")))?;
        let updates = git::parse_push_lines(&input)?;
        if updates.is_empty() {
            return Ok(Exit::Success);
        }
        let repo = git::toplevel(&cwd)?;
        let wanted = git::pushed_files(&repo, &updates)?;
        check::git::read_blobs(&repo, &wanted)?
    } else if args.paths.is_empty() {
        let listed = git::ls_files(&cwd)?;
        files::read_listed(&cwd, &listed)
    } else {
        files::read_paths(&args.paths)
    };
    let mut report = check::check_inputs(&inputs, skipped, &options);
    if args.resolve && !report.findings.is_empty() {
        let client = RegistryClient::new(&loaded.config)?;
        resolve::resolve_digests(&mut report.findings, &client).await;
    }
    match ctx.ui.format {
        OutputFormat::Sarif => ctx.ui.print(&format!(
            "{}\n",
            serde_json::to_string_pretty(&sarif::to_sarif(&report))?
        ))?,
        OutputFormat::Json => {
            let mut doc = serde_json::to_value(&report)?;
            doc["passed"] = serde_json::Value::Bool(report.passed());
            ctx.ui.result("", &doc);
        }
        OutputFormat::Text => {
            let text = render_text(&report);
            let silent = text.is_empty() || (ctx.ui.quiet && report.passed());
            if !silent {
                ctx.ui.print(&format!("{text}\n"))?;
            }
        }
    }
    Ok(if report.passed() {
        Exit::Success
    } else {
        Exit::PolicyDenied
    })
}

/// Findings grouped by reference, then skipped files, then a summary line.
fn render_text(report: &Report) -> String {
    let mut out = String::new();
    let mut previous: Option<&Finding> = None;
    for f in &report.findings {
        let same =
            previous.is_some_and(|p| p.file == f.file && p.line == f.line && p.column == f.column);
        if !same {
            if previous.is_some() {
                out.push('\n');
            }
            out.push_str(&format!(
                "{}: {} [{}]\n",
                f.location(),
                f.reference,
                f.context
            ));
        }
        out.push_str(&format!(
            "  error[{}]: {}\n    fix: {}\n",
            f.rule, f.message, f.hint
        ));
        previous = Some(f);
    }
    if !report.findings.is_empty() {
        out.push('\n');
    }
    // A file that was not read may hold what the policy forbids: it fails.
    for s in &report.skipped {
        out.push_str(&format!("error: not checked {}: {}\n", s.file, s.reason));
    }
    if !report.skipped.is_empty() {
        out.push_str(
            "  (a file vimes cannot read fails the check; list it in policy.check_exclude to leave it out)\n",
        );
    }
    if !report.excluded.is_empty() {
        out.push_str(&format!(
            "excluded by policy.check_exclude: {}\n",
            report.excluded.len()
        ));
    }
    for w in &report.warnings {
        out.push_str(&format!("warning {}: {}\n", w.file, w.message));
    }
    let files_with: std::collections::BTreeSet<&str> =
        report.findings.iter().map(|f| f.file.as_str()).collect();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    out.push_str(&if report.passed() {
        format!(
            "{} checked, {}: no findings",
            plural(report.files_checked, "file"),
            plural(report.references, "image reference"),
        )
    } else if report.findings.is_empty() {
        format!(
            "{} not checked ({} checked, {}: no findings in them)",
            plural(report.skipped.len(), "file"),
            plural(report.files_checked, "file"),
            plural(report.references, "image reference"),
        )
    } else {
        format!(
            "{} in {} ({} checked, {}{})",
            plural(report.findings.len(), "finding"),
            plural(files_with.len(), "file"),
            plural(report.files_checked, "file"),
            plural(report.references, "image reference"),
            if report.skipped.is_empty() {
                String::new()
            } else {
                format!(", {} not checked", report.skipped.len())
            }
        )
    });
    out
}
