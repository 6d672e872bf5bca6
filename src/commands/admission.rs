//! `vimes admission kyverno|policy-controller`: print the admission policy
//! that makes a cluster enforce the keys and attestations of vimes.yaml.

use super::Ctx;
use crate::error::{ConfigError, Error, Location};
use crate::exit::Exit;
use crate::policy::admission;
use crate::signing::keys::{read_key_reference, resolve_path};
use clap::{Args, Subcommand};
use std::path::Path;

/// `vimes admission ...`.
#[derive(Debug, Subcommand)]
pub enum AdmissionCommand {
    /// Kyverno ClusterPolicy (kyverno.io/v1).
    Kyverno(KyvernoArgs),
    /// sigstore policy-controller ClusterImagePolicy (policy.sigstore.dev/v1beta1).
    PolicyController(RequirementArgs),
}

/// `vimes admission kyverno`.
#[derive(Debug, Args)]
pub struct KyvernoArgs {
    /// The Kyverno release the cluster runs (1.11 or later): only fields its CRD defines are written.
    #[arg(long, value_name = "VERSION", default_value = "1.13")]
    pub kyverno_version: String,
    #[command(flatten)]
    pub requirement: RequirementArgs,
}

/// What the generated policy requires besides a signature.
#[derive(Debug, Args)]
pub struct RequirementArgs {
    /// Require only the SLSA verification summary promotion attests (verifier vimes, result
    /// PASSED) instead of every signing.require_attestations type.
    #[arg(long)]
    pub require_vsa: bool,
}

impl RequirementArgs {
    fn requirement(&self) -> admission::Requirement {
        match self.require_vsa {
            true => admission::Requirement::VsaOnly,
            false => admission::Requirement::Configured,
        }
    }
}

/// Runs `vimes admission ...`: YAML on stdout (JSON with `--output json`).
pub fn run(ctx: &Ctx, cmd: AdmissionCommand) -> anyhow::Result<Exit> {
    let loaded = ctx.require_config()?;
    let config_path = loaded.path.as_deref();
    // Key paths in vimes.yaml are relative to the file's directory.
    let base = config_path.and_then(Path::parent);
    let keys = read_public_keys(&loaded.config.signing.public_keys, base)?;

    let generated = match cmd {
        AdmissionCommand::Kyverno(args) => {
            let version = admission::KyvernoVersion::parse(&args.kyverno_version)?;
            admission::kyverno_policy(
                &loaded.config,
                &keys,
                version,
                args.requirement.requirement(),
            )
        }
        AdmissionCommand::PolicyController(args) => {
            admission::policy_controller_policy(&loaded.config, &keys, args.requirement())
        }
    };
    let value = generated.map_err(|err| locate(err, config_path))?;

    if ctx.ui.json() {
        ctx.ui.result("", &value);
    } else {
        // One YAML document per resource, so `kubectl apply -f -` and GitOps
        // tools see plain manifests.
        let yaml = serde_saphyr::to_string_multiple(&admission::documents(&value))
            .map_err(|e| anyhow::anyhow!("cannot render the policy as YAML: {e}"))?;
        // Nothing else is left to report when stdout itself fails.
        let _ = ctx.ui.print(&yaml);
    }
    Ok(Exit::Success)
}

/// Reads every `signing.public_keys` reference (a path relative to vimes.yaml,
/// or `env://VAR`) as `(reference, PEM)`; the engine checks the PEM.
fn read_public_keys(
    references: &[String],
    base: Option<&Path>,
) -> Result<Vec<(String, String)>, Error> {
    references
        .iter()
        .map(|reference| {
            let bytes = read_key_reference(reference, base)?;
            let pem = String::from_utf8(bytes.to_vec()).map_err(|_| {
                Error::Usage(format!(
                    "{}: not a PEM public key (not UTF-8 text)",
                    display_name(reference, base)
                ))
            })?;
            Ok((display_name(reference, base), pem))
        })
        .collect()
}

/// The name a key is reported under: the resolved path, or the env reference.
fn display_name(reference: &str, base: Option<&Path>) -> String {
    if reference.starts_with("env://") {
        reference.to_string()
    } else {
        resolve_path(reference, base).display().to_string()
    }
}

/// Configuration errors from the engine point at the file they come from.
fn locate(err: Error, config_path: Option<&Path>) -> Error {
    match err {
        Error::Config(ConfigError {
            location: None,
            message,
        }) => Error::Config(ConfigError {
            location: config_path.map(|p| Location::file(p.display())),
            message,
        }),
        other => other,
    }
}
