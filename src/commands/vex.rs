//! `vimes vex sign|verify FILE`: the security team's signature on an OpenVEX
//! document of `policy.vex` (detached `FILE.sig`, as for the exceptions file).

use super::signing_args::key_input;
use super::Ctx;
use crate::exit::Exit;
use crate::policy::exceptions::SignatureStatus;
use crate::policy::vex;
use crate::signing::keys::load_configured_keys;
use clap::{Args, Subcommand};
use std::path::PathBuf;

/// `vimes vex ...`.
#[derive(Debug, Subcommand)]
pub enum VexCommand {
    /// Sign an OpenVEX document with an approver's key (writes FILE.sig).
    Sign(VexSignArgs),
    /// Check an OpenVEX document's signature against policy.approvers (exit 1 if it does not count).
    Verify(VexFileArgs),
}

/// The document.
#[derive(Debug, Args)]
pub struct VexFileArgs {
    /// The OpenVEX document (JSON).
    pub file: PathBuf,
}

/// `vimes vex sign`.
#[derive(Debug, Args)]
pub struct VexSignArgs {
    #[command(flatten)]
    pub file: VexFileArgs,
    /// The approver's private key (path, env://VAR or pkcs11: URI); password from
    /// COSIGN_PASSWORD, a token's PIN from COSIGN_PKCS11_PIN.
    #[arg(long, value_name = "KEY")]
    pub key: String,
}

/// Runs `vimes vex ...`.
pub fn run(ctx: &Ctx, cmd: VexCommand) -> anyhow::Result<Exit> {
    let loaded = ctx.require_config()?;
    match cmd {
        VexCommand::Sign(args) => {
            let path = &args.file.file;
            let key = key_input(ctx, &loaded, args.key.clone(), None)?.open()?;
            let sig = vex::sign(path, &key)?;
            ctx.ui.result(
                &format!(
                    "Signed {} ({})\nSignature written to {}",
                    path.display(),
                    key.fingerprint,
                    sig.display()
                ),
                &serde_json::json!({ "file": path, "signature": sig, "key_fingerprint": key.fingerprint }),
            );
            Ok(Exit::Success)
        }
        VexCommand::Verify(args) => {
            let base = loaded.path.as_deref().and_then(|p| p.parent());
            let approvers = load_configured_keys(&loaded.config.policy.approvers, base)?;
            let path = args.file;
            let documents = vex::load(std::slice::from_ref(&path), &approvers)?;
            let document = &documents[0];
            let (text, exit) = match &document.signature {
                SignatureStatus::Valid { key, fingerprint } => (
                    format!(
                        "{}: signed by approver {key} ({fingerprint}); {} statement{}",
                        path.display(),
                        document.statements.len(),
                        if document.statements.len() == 1 {
                            ""
                        } else {
                            "s"
                        }
                    ),
                    Exit::Success,
                ),
                SignatureStatus::Unsigned => (
                    format!(
                        "{}: not signed (no .sig): it suppresses nothing",
                        path.display()
                    ),
                    Exit::PolicyDenied,
                ),
                SignatureStatus::Invalid { reason } => (
                    format!("{}: {reason}: it suppresses nothing", path.display()),
                    Exit::PolicyDenied,
                ),
            };
            ctx.ui.result(&text, &serde_json::to_value(document)?);
            Ok(exit)
        }
    }
}
