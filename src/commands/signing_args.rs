//! What the signing commands share at the CLI edge: the key password (from
//! `COSIGN_PASSWORD` or a hidden prompt on a TTY), key loading, annotations,
//! and resolving an image to its digest.

use super::Ctx;
use crate::config::LoadedConfig;
use crate::error::{Error, Result};
use crate::signing::keys::{self, SigningKey, PASSWORD_ENV};
use std::collections::BTreeMap;
use zeroize::Zeroizing;

/// `--key` of the commands that sign (sign, attest, promote), declared once.
#[derive(Debug, clap::Args)]
pub struct SigningKeyArgs {
    /// Private key (path or env://VAR); default: signing.key.
    #[arg(long, value_name = "KEY")]
    pub key: Option<String>,
}

/// The key password: `COSIGN_PASSWORD` if set, else a hidden prompt on a TTY.
pub fn password(ctx: &Ctx, confirm: bool) -> Result<Zeroizing<String>> {
    if let Ok(value) = std::env::var(PASSWORD_ENV) {
        return Ok(Zeroizing::new(value));
    }
    if !ctx.ui.interactive || ctx.global.yes {
        return Err(Error::Usage(format!(
            "no key password: set {PASSWORD_ENV} (no terminal to ask on)"
        )));
    }
    let mut prompt = dialoguer::Password::new().with_prompt("Password for the private key");
    if confirm {
        prompt = prompt.with_confirmation("Confirm the password", "The passwords do not match");
    }
    prompt
        .interact()
        .map(Zeroizing::new)
        .map_err(|e| Error::Usage(format!("cannot read the password: {e}")))
}

/// Loads the signing key named by `--key` or `signing.key`, decrypting it.
pub fn signing_key(ctx: &Ctx, loaded: &LoadedConfig, explicit: Option<&str>) -> Result<SigningKey> {
    signing_key_input(ctx, loaded, explicit)?.decrypt()
}

/// A signing key read (and its password obtained) but not yet decrypted:
/// decryption is scrypt with cosign's parameters (~70 ms), which promote runs
/// while the scan runs.
pub struct SigningKeyInput {
    pem: Zeroizing<Vec<u8>>,
    password: Zeroizing<String>,
    reference: String,
}

impl SigningKeyInput {
    /// Decrypts the key (a wrong password is a usage error, exit 2).
    pub fn decrypt(self) -> Result<SigningKey> {
        keys::load_signing_key(&self.pem, self.password.as_bytes(), &self.reference)
    }
}

/// Reads the key named by `--key` or `signing.key` and its password, so that a
/// missing key or password stops a command before anything runs.
pub fn signing_key_input(
    ctx: &Ctx,
    loaded: &LoadedConfig,
    explicit: Option<&str>,
) -> Result<SigningKeyInput> {
    let (reference, base) = match explicit {
        Some(k) => (k.to_string(), None),
        None => match &loaded.config.signing.key {
            Some(k) => (k.clone(), loaded.path.as_deref().and_then(|p| p.parent())),
            None => {
                return Err(Error::Usage(
                    "no signing key: pass --key or set signing.key in vimes.yaml".into(),
                ))
            }
        },
    };
    let pem = read_private_key(&ctx.ui, &reference, base)?;
    let password = password(ctx, false)?;
    Ok(SigningKeyInput {
        pem,
        password,
        reference,
    })
}

/// Reads a private key reference, warning on stderr (always, as cosign
/// does, even with `-q`) when the key file is open to the group or others.
pub fn read_private_key(
    ui: &crate::ui::Ui,
    reference: &str,
    base: Option<&std::path::Path>,
) -> Result<Zeroizing<Vec<u8>>> {
    let pem = keys::read_key_reference(reference, base)?;
    if let Some(warning) = keys::loose_permissions_warning(reference, base) {
        ui.notice(&warning);
    }
    Ok(pem)
}

/// Parses repeated `-a key=value` flags.
pub fn annotations(pairs: &[String]) -> Result<BTreeMap<String, String>> {
    pairs
        .iter()
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
            _ => Err(Error::Usage(format!(
                "annotation {pair:?} is not KEY=VALUE"
            ))),
        })
        .collect()
}
