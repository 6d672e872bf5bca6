//! `vimes harbor setup|status`: make Harbor's projects match vimes.yaml, or
//! show where they differ (exit 1 on drift).

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::harbor::setup::{self, RobotOutcome, SetupReport, StatusReport};
use clap::{Args, Subcommand};
use serde_json::json;
use std::io::Write;
use std::path::Path;
use std::path::PathBuf;

/// `vimes harbor ...`.
#[derive(Debug, Subcommand)]
pub enum HarborCommand {
    /// Make every `type: harbor` project match vimes.yaml (idempotent): projects exist,
    /// auto_scan; on promotion.to prevent_vul + severity and cosign enforcement; on
    /// `immutable: true` registries a rule freezing every tag except cosign's sha256-* tags.
    Setup(HarborSetupArgs),
    /// Show each Harbor setting vimes.yaml wants next to what Harbor has; exit 1 on drift.
    Status,
}

/// `vimes harbor setup`.
#[derive(Debug, Args)]
pub struct HarborSetupArgs {
    /// Also create this project robot account on promotion.to (pull, push, read artifacts,
    /// create tags, scan, read reports); its secret is shown once.
    #[arg(long, value_name = "NAME")]
    pub robot: Option<String>,
    /// Write the new robot's secret to FILE (mode 0600) instead of printing it.
    #[arg(long, value_name = "FILE", requires = "robot")]
    pub robot_secret_file: Option<PathBuf>,
}

/// Runs `vimes harbor ...`.
pub async fn run(ctx: &Ctx, command: HarborCommand) -> anyhow::Result<Exit> {
    let loaded = ctx.require_config()?;
    match command {
        HarborCommand::Status => {
            let report = setup::status(&loaded.config).await?;
            ctx.ui
                .result(&render_status(&report), &serde_json::to_value(&report)?);
            Ok(if report.in_sync {
                Exit::Success
            } else {
                Exit::PolicyDenied
            })
        }
        HarborCommand::Setup(args) => setup_cmd(ctx, &loaded.config, args).await,
    }
}

async fn setup_cmd(
    ctx: &Ctx,
    config: &crate::config::Config,
    args: HarborSetupArgs,
) -> anyhow::Result<Exit> {
    if let Some(name) = &args.robot {
        check_robot_name(name)?;
    }
    let report = setup::apply(config, args.robot.as_deref()).await?;
    for warning in &report.warnings {
        ctx.ui.status(&format!("warning: {warning}"));
    }
    // The secret leaves the engine here only: into a 0600 file, or onto stdout once.
    let mut secret_shown = None;
    if let Some(RobotOutcome::Created { robot, .. }) = &report.robot {
        match &args.robot_secret_file {
            Some(path) => write_secret(path, robot.secret.expose())?,
            None => secret_shown = Some(robot.secret.expose()),
        }
    }
    let value = setup_json(&report, secret_shown, args.robot_secret_file.as_deref());
    ctx.ui.result(
        &render_setup(&report, secret_shown, args.robot_secret_file.as_deref()),
        &value,
    );
    Ok(Exit::Success)
}

/// Harbor accepts lowercase letters, digits and `._-` separators in robot names.
fn check_robot_name(name: &str) -> Result<(), Error> {
    let ok = !name.is_empty()
        && name.split(['.', '_', '-']).all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if ok {
        Ok(())
    } else {
        Err(Error::Usage(format!(
            "--robot {name:?}: use lowercase letters and digits, joined by single '.', '_' or '-'"
        )))
    }
}

/// Writes the secret to `path` with mode 0600, atomically (temp file in the
/// same directory, then rename), so it is never readable by others, not even
/// for a moment, and an existing file is replaced whole.
fn write_secret(path: &Path, secret: &str) -> Result<(), Error> {
    let file_error = |error: std::io::Error| Error::File {
        path: path.to_path_buf(),
        error,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let mut temp = tempfile::Builder::new()
        .prefix(".vimes-robot-secret")
        .tempfile_in(&dir)
        .map_err(file_error)?;
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(temp.path(), std::fs::Permissions::from_mode(0o600))
            .map_err(file_error)?;
    }
    temp.write_all(secret.as_bytes()).map_err(file_error)?;
    temp.as_file().sync_all().map_err(file_error)?;
    temp.persist(path).map_err(|e| file_error(e.error))?;
    Ok(())
}

fn setup_json(
    report: &SetupReport,
    secret: Option<&str>,
    secret_file: Option<&Path>,
) -> serde_json::Value {
    let robot = report.robot.as_ref().map(|r| match r {
        RobotOutcome::Created { project, robot } => json!({
            "project": project,
            "name": robot.name,
            "created": true,
            "expires_at": robot.expires_at,
            "secret": secret,
            "secret_file": secret_file.map(|p| p.display().to_string()),
        }),
        RobotOutcome::Exists { project, name } => json!({
            "project": project, "name": name, "created": false,
        }),
    });
    json!({
        "changed": !report.changes.is_empty()
            || matches!(report.robot, Some(RobotOutcome::Created { .. })),
        "changes": report.changes,
        "warnings": report.warnings,
        "notes": report.notes,
        "robot": robot,
    })
}

fn value_or_unset(v: Option<&str>) -> &str {
    v.unwrap_or("(unset)")
}

fn render_setup(report: &SetupReport, secret: Option<&str>, secret_file: Option<&Path>) -> String {
    let mut out = String::new();
    let mut last = None;
    for change in &report.changes {
        let here = (change.host.as_str(), change.project.as_str());
        if last != Some(here) {
            out.push_str(&format!("{}/{}:\n", change.host, change.project));
            last = Some(here);
        }
        out.push_str(&format!(
            "  {:<30} {} -> {}\n",
            change.setting,
            value_or_unset(change.from.as_deref()),
            change.to
        ));
    }
    for note in &report.notes {
        out.push_str(&format!("note: {note}\n"));
    }
    out.push_str(&if report.changes.is_empty() {
        "Harbor already matches vimes.yaml: nothing changed.".to_string()
    } else {
        format!(
            "Harbor now matches vimes.yaml ({} change{}).",
            report.changes.len(),
            if report.changes.len() == 1 { "" } else { "s" }
        )
    });
    if !report.warnings.is_empty() {
        out.push_str(&format!(
            "\nLeft for a person to fix: {} warning{} (see stderr).",
            report.warnings.len(),
            if report.warnings.len() == 1 { "" } else { "s" }
        ));
    }
    match &report.robot {
        Some(RobotOutcome::Created { robot, .. }) => {
            out.push_str(&format!("\nRobot account {} created.", robot.name));
            match (secret_file, secret) {
                (Some(path), _) => out.push_str(&format!(
                    "\nIts secret was written to {} (mode 0600); Harbor will not show it again.",
                    path.display()
                )),
                (None, Some(secret)) => out.push_str(&format!(
                    "\nIts secret, shown this once (Harbor will not show it again):\n{secret}"
                )),
                (None, None) => {}
            }
        }
        Some(RobotOutcome::Exists { name, .. }) => out.push_str(&format!(
            "\nRobot account {name} already exists; its secret cannot be shown again \
             (refresh it in Harbor to get a new one)."
        )),
        None => {}
    }
    out
}

fn render_status(report: &StatusReport) -> String {
    let mut out = String::new();
    for project in &report.projects {
        let plan = &project.plan;
        let version = report
            .versions
            .get(&plan.host)
            .and_then(|v| v.as_deref())
            .map(|v| format!(", Harbor {v}"))
            .unwrap_or_default();
        out.push_str(&format!(
            "{}/{} (registries: {}{}{})\n",
            plan.host,
            plan.project,
            plan.registries.join(", "),
            if plan.promotion_target {
                "; promotion target"
            } else {
                ""
            },
            version
        ));
        out.push_str(&format!(
            "  {:<28} {:<40} {:<40} state\n",
            "setting", "desired", "actual"
        ));
        for s in &project.settings {
            out.push_str(&format!(
                "  {:<28} {:<40} {:<40} {}\n",
                s.setting,
                s.desired,
                value_or_unset(s.actual.as_deref()),
                if s.in_sync { "ok" } else { "DRIFT" }
            ));
        }
        for w in &project.warnings {
            out.push_str(&format!("  warning: {w}\n"));
        }
    }
    for note in &report.notes {
        out.push_str(&format!("note: {note}\n"));
    }
    out.push_str(if report.in_sync {
        "In sync: Harbor matches vimes.yaml."
    } else {
        "DRIFT: Harbor differs from vimes.yaml; `vimes harbor setup` fixes what it can."
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn robot_names() {
        assert!(check_robot_name("ci").is_ok());
        assert!(check_robot_name("ci-promote.2").is_ok());
        for bad in ["", "CI", "a--b", "-a", "a b", "robot$x"] {
            assert!(check_robot_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn secret_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("robot.secret");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_secret(&path, "s3cret").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "s3cret");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}
