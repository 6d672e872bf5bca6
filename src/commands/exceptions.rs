//! `vimes exceptions add|sign|verify|list|export`.

use super::signing_args::key_input;
use super::Ctx;
use crate::config::LoadedConfig;
use crate::error::Error;
use crate::exit::Exit;
use crate::pipeline::scan::load_exceptions;

use crate::policy::exceptions::{self, Exception, ExceptionsFile, SignatureStatus};
use crate::policy::export;
use crate::registry::reference::{ImageRef, Side};
use crate::signing::keys::resolve_path;
use clap::{Args, Subcommand, ValueEnum};
use std::path::PathBuf;

/// `vimes exceptions ...`.
#[derive(Debug, Subcommand)]
pub enum ExceptionsCommand {
    /// Add an exception (the file must then be signed again).
    Add(ExceptionAddArgs),
    /// Sign the exceptions file with an approver's key (writes FILE.sig).
    Sign(ExceptionSignArgs),
    /// Check the file's signature against policy.approvers (exit 1 if it does not count).
    Verify(ExceptionFileArgs),
    /// List the exceptions and whether each is in force.
    List(ExceptionFileArgs),
    /// Export the approved, unexpired exceptions for other tools.
    Export(ExceptionExportArgs),
}

/// Which exceptions file (default: policy.exceptions).
#[derive(Debug, Args)]
pub struct ExceptionFileArgs {
    /// The exceptions file.
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
}

/// `vimes exceptions add`.
#[derive(Debug, Args)]
pub struct ExceptionAddArgs {
    #[command(flatten)]
    pub file: ExceptionFileArgs,
    /// CVE or GHSA id.
    #[arg(long)]
    pub id: String,
    /// Why the risk is accepted.
    #[arg(long)]
    pub reason: String,
    /// Last valid day, YYYY-MM-DD (UTC).
    #[arg(long)]
    pub expires: String,
    /// Who approved it.
    #[arg(long)]
    pub approved_by: String,
    /// Repository glob it is limited to (repeatable).
    #[arg(long = "image", value_name = "GLOB")]
    pub images: Vec<String>,
    /// Package it is limited to (repeatable).
    #[arg(long = "package", value_name = "NAME")]
    pub packages: Vec<String>,
}

/// `vimes exceptions sign`.
#[derive(Debug, Args)]
pub struct ExceptionSignArgs {
    #[command(flatten)]
    pub file: ExceptionFileArgs,
    /// The approver's private key (path, env://VAR or pkcs11: URI); password from
    /// COSIGN_PASSWORD, a token's PIN from COSIGN_PKCS11_PIN.
    #[arg(long, value_name = "KEY")]
    pub key: String,
}

/// `vimes exceptions export`.
#[derive(Debug, Args)]
pub struct ExceptionExportArgs {
    #[command(flatten)]
    pub file: ExceptionFileArgs,
    /// Target format.
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// Make the export for this image only (REPO, or REPO@sha256:... for openvex).
    #[arg(long, value_name = "IMAGE")]
    pub image: Option<String>,
    /// Write here instead of stdout.
    #[arg(short = 'o', long = "output-file", value_name = "FILE")]
    pub output_file: Option<PathBuf>,
}

/// Export formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// Trivy's .trivyignore.yaml.
    Trivyignore,
    /// An OpenVEX v0.2.0 document.
    Openvex,
    /// Harbor's CVE allowlist JSON.
    Harbor,
}

/// Runs `vimes exceptions ...`.
pub fn run(ctx: &Ctx, cmd: ExceptionsCommand) -> anyhow::Result<Exit> {
    let loaded = ctx.optional_config()?;
    match cmd {
        ExceptionsCommand::Add(args) => {
            let path = file_path(&loaded, &args.file)?;
            let mut file = match std::fs::read_to_string(&path) {
                Ok(text) => exceptions::parse(&text, &path, ctx.clock.today())?,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => ExceptionsFile {
                    version: 1,
                    serial: None,
                    exceptions: vec![],
                },
                Err(error) => return Err(Error::File { path, error }.into()),
            };
            let entry = Exception {
                id: args.id.clone(),
                images: args.images,
                packages: args.packages,
                reason: args.reason,
                expires: args.expires,
                approved_by: args.approved_by,
            };
            file.exceptions.push(entry);
            // Every change raises the serial, so the file signed next
            // supersedes every earlier one (vimes refuses a lower serial).
            file.serial = Some(file.serial.unwrap_or(0).saturating_add(1));
            let text = format!(
                "# vimes vulnerability exceptions. Only counts when FILE.sig is a valid\n# signature by a key in policy.approvers (vimes exceptions sign).\n{}",
                serde_saphyr::to_string(&file).map_err(|e| Error::internal(format!("cannot write YAML: {e}")))?
            );
            // Validate exactly what will be written (dates, ids, empty fields).
            exceptions::parse(&text, &path, ctx.clock.today())?;
            std::fs::write(&path, text).map_err(|error| Error::File {
                path: path.clone(),
                error,
            })?;
            ctx.ui
                .status("The file changed: it counts again only after `vimes exceptions sign`.");
            ctx.ui.result(
                &format!("Added {} to {}", args.id, path.display()),
                &serde_json::json!({ "file": path, "added": args.id }),
            );
            Ok(Exit::Success)
        }
        ExceptionsCommand::Sign(args) => {
            let path = file_path(&loaded, &args.file)?;
            // A sync command: opening a token here blocks nothing else.
            let key = key_input(ctx, &loaded, args.key.clone(), None)?.open()?;
            let sig = exceptions::sign(&path, &key, ctx.clock.today())?;
            ctx.ui.result(
                &format!("Signed {} ({})\nSignature written to {}", path.display(), key.fingerprint, sig.display()),
                &serde_json::json!({ "file": path, "signature": sig, "key_fingerprint": key.fingerprint }),
            );
            Ok(Exit::Success)
        }
        ExceptionsCommand::Verify(args) => {
            let loaded_ex = load(ctx, &loaded, &args)?;
            let today = ctx.clock.today();
            let expired: Vec<&str> = loaded_ex
                .entries
                .iter()
                .filter(|e| e.state(today) == exceptions::EntryState::Expired)
                .map(|e| e.id.as_str())
                .collect();
            let (ok, text) = match &loaded_ex.signature {
                SignatureStatus::Valid { key, fingerprint } => (
                    true,
                    format!("Verified: signed by approver {key} ({fingerprint})"),
                ),
                SignatureStatus::Unsigned => (
                    false,
                    format!(
                        "NOT verified: {} has no signature",
                        loaded_ex.path.display()
                    ),
                ),
                SignatureStatus::Invalid { reason } => (false, format!("NOT verified: {reason}")),
            };
            let mut text = text;
            if !expired.is_empty() {
                text.push_str(&format!("\nExpired (not applied): {}", expired.join(", ")));
            }
            ctx.ui.result(&text, &serde_json::json!({ "file": loaded_ex.path, "verified": ok, "signature": loaded_ex.signature, "expired": expired, "today_overridden": today_overridden(ctx) }));
            Ok(if ok {
                Exit::Success
            } else {
                Exit::PolicyDenied
            })
        }
        ExceptionsCommand::List(args) => {
            let loaded_ex = load(ctx, &loaded, &args)?;
            let today = ctx.clock.today();
            let mut text = format!(
                "{} ({})\n",
                loaded_ex.path.display(),
                match &loaded_ex.signature {
                    SignatureStatus::Valid { key, .. } => format!("signed by approver {key}"),
                    SignatureStatus::Unsigned => "UNSIGNED: not applied".into(),
                    SignatureStatus::Invalid { reason } =>
                        format!("INVALID SIGNATURE: not applied: {reason}"),
                }
            );
            let mut rows = Vec::new();
            for e in &loaded_ex.entries {
                let state = if !loaded_ex.trusted() {
                    "not applied"
                } else if e.state(today) == exceptions::EntryState::Active {
                    "active"
                } else {
                    "expired"
                };
                let scope = [e.images.join(","), e.packages.join(",")]
                    .iter()
                    .filter(|s| !s.is_empty())
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" / ");
                text.push_str(&format!(
                    "  {:<20} {:<12} {:<11} {:<24} {}\n",
                    e.id,
                    e.expires,
                    state,
                    e.approved_by,
                    if scope.is_empty() {
                        "all images".into()
                    } else {
                        scope
                    }
                ));
                rows.push(serde_json::json!({ "exception": e, "state": state }));
            }
            ctx.ui.result(text.trim_end(), &serde_json::json!({ "file": loaded_ex.path, "signature": loaded_ex.signature, "exceptions": rows, "today_overridden": today_overridden(ctx) }));
            Ok(Exit::Success)
        }
        ExceptionsCommand::Export(args) => {
            let loaded_ex = load(ctx, &loaded, &args.file)?;
            if !loaded_ex.trusted() {
                return Err(Error::Policy(format!(
                    "{} is not signed by an approver; refusing to export unapproved exceptions",
                    loaded_ex.path.display()
                ))
                .into());
            }
            let today = ctx.clock.today();
            let active = export::active(&loaded_ex.entries, today);
            let image = match &args.image {
                Some(text) => Some(ImageRef::resolve(&loaded.config, text, Side::Source)?),
                None => None,
            };
            let exported = match args.format {
                ExportFormat::Trivyignore => export::trivyignore(&active, image.as_ref())?,
                ExportFormat::Openvex => {
                    export::openvex(&active, image.as_ref(), &format!("{today}T00:00:00Z"))?
                }
                ExportFormat::Harbor => export::harbor_allowlist(&active),
            };
            // Said even with -q: the consumer will waive more than vimes does.
            for w in &exported.widened {
                ctx.ui.warning(&format!(
                    "{} is limited to {}, but the export applies it to {}",
                    w.id, w.scope, w.becomes
                ));
            }
            let text = match args.format {
                ExportFormat::Trivyignore => serde_saphyr::to_string(&exported.document)
                    .map_err(|e| Error::internal(format!("cannot write YAML: {e}")))?,
                _ => serde_json::to_string_pretty(&exported.document)? + "\n",
            };
            if let Some(out) = &args.output_file {
                std::fs::write(out, &text).map_err(|error| Error::File {
                    path: out.clone(),
                    error,
                })?;
                ctx.ui.status(&format!(
                    "Wrote {} ({} exceptions)",
                    out.display(),
                    exported.exported.len()
                ));
            }
            if ctx.ui.json() {
                // One JSON document: what was exported, what was widened, and
                // the exported document itself.
                ctx.ui.result(
                    "",
                    &serde_json::json!({
                        "format": format_name(args.format),
                        "file": loaded_ex.path,
                        "output_file": args.output_file,
                        "image": image.as_ref().map(ToString::to_string),
                        "exported": exported.exported,
                        "widened": exported.widened,
                        "document": exported.document,
                    }),
                );
            } else if args.output_file.is_none() {
                ctx.ui.print(&text)?;
            }
            Ok(Exit::Success)
        }
    }
}

/// The `VIMES_TODAY` date expiry was judged on, for JSON output (null on a normal run).
fn today_overridden(ctx: &Ctx) -> Option<String> {
    ctx.clock.overridden().map(|d| d.to_string())
}

fn format_name(format: ExportFormat) -> &'static str {
    match format {
        ExportFormat::Trivyignore => "trivyignore",
        ExportFormat::Openvex => "openvex",
        ExportFormat::Harbor => "harbor",
    }
}

fn file_path(loaded: &LoadedConfig, args: &ExceptionFileArgs) -> Result<PathBuf, Error> {
    if let Some(f) = &args.file {
        // Relative to the working directory, not to vimes.yaml.
        return Ok(std::env::current_dir()
            .map(|d| d.join(f))
            .unwrap_or_else(|_| f.clone()));
    }
    let base = loaded.path.as_deref().and_then(|p| p.parent());
    loaded
        .config
        .policy
        .exceptions
        .as_ref()
        .map(|f| resolve_path(f, base))
        .ok_or_else(|| {
            Error::Usage("no exceptions file: pass --file or set policy.exceptions".into())
        })
}

fn load(
    ctx: &Ctx,
    loaded: &LoadedConfig,
    args: &ExceptionFileArgs,
) -> Result<exceptions::LoadedExceptions, Error> {
    let path = file_path(loaded, args)?;
    let mut config = loaded.config.clone();
    config.policy.exceptions = Some(path.display().to_string());
    let base = loaded.path.as_deref().and_then(|p| p.parent());
    load_exceptions(&config, base, ctx.clock.today())?
        .ok_or_else(|| Error::Usage("no exceptions file".into()))
}
