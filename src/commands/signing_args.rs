//! What the signing commands share at the CLI edge: the key password (from
//! `COSIGN_PASSWORD` or a hidden prompt on a TTY) or token PIN (from
//! `COSIGN_PKCS11_PIN` or a hidden prompt), key loading, annotations,
//! and resolving an image to its digest.

use super::Ctx;
use crate::config::LoadedConfig;
use crate::error::{Error, Result};
use crate::signing::keys::{self, PublicKey, SigningKey, PASSWORD_ENV};
use crate::signing::pkcs11::{self, Pkcs11Error, Pkcs11Uri, PIN_ENV};
use crate::signing::AttestationType;
use std::collections::BTreeMap;
use zeroize::Zeroizing;

/// `--key` of the commands that sign (sign, attest, promote), declared once.
#[derive(Debug, clap::Args)]
pub struct SigningKeyArgs {
    /// Private key (path, env://VAR or pkcs11: URI); default: signing.key.
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

/// Loads the signing key named by `--key` or `signing.key`: decrypts a key
/// file, or logs in to the token a `pkcs11:` URI names (on a blocking
/// thread: a token answers at its own pace).
pub async fn signing_key(
    ctx: &Ctx,
    loaded: &LoadedConfig,
    explicit: Option<&str>,
) -> Result<SigningKey> {
    let input = signing_key_input(ctx, loaded, explicit)?;
    tokio::task::spawn_blocking(move || input.open())
        .await
        .map_err(|e| Error::Internal(format!("opening the signing key failed: {e}")))?
}

/// A signing key read (and its password or PIN obtained) but not yet
/// opened: decryption is scrypt with cosign's parameters (~70 ms) and a token
/// login can take as long, which promote runs while the scan runs.
pub struct SigningKeyInput {
    source: KeySource,
    reference: String,
}

enum KeySource {
    File {
        pem: Zeroizing<Vec<u8>>,
        password: Zeroizing<String>,
    },
    Token {
        // Boxed: the URI's fields dwarf a file key's two buffers.
        uri: Box<Pkcs11Uri>,
        default_module: Option<String>,
        pin: Zeroizing<String>,
    },
}

impl SigningKeyInput {
    /// Decrypts the key file or logs in to the token (blocking). A wrong
    /// password or PIN, a missing token or key is a usage error (exit 2).
    pub fn open(self) -> Result<SigningKey> {
        match self.source {
            KeySource::File { pem, password } => {
                keys::load_signing_key(&pem, password.as_bytes(), &self.reference)
            }
            KeySource::Token {
                uri,
                default_module,
                pin,
            } => {
                let key = pkcs11::open(&uri, default_module.as_deref(), &pin)?;
                SigningKey::from_token(key)
            }
        }
    }
}

/// Reads the key named by `--key` or `signing.key` and its password (or a
/// token key's PIN), so that a missing key, password or PIN stops a command
/// before anything runs.
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
    key_input(ctx, loaded, reference, base)
}

/// [`signing_key_input`] for a reference given directly (`exceptions sign --key`).
pub fn key_input(
    ctx: &Ctx,
    loaded: &LoadedConfig,
    reference: String,
    base: Option<&std::path::Path>,
) -> Result<SigningKeyInput> {
    if Pkcs11Uri::is_pkcs11(&reference) {
        let uri = Pkcs11Uri::parse(&reference).map_err(Pkcs11Error::from)?;
        let pin = pin(ctx, uri.token.as_deref())?;
        return Ok(SigningKeyInput {
            source: KeySource::Token {
                uri: Box::new(uri),
                default_module: loaded.config.tools.pkcs11.module.clone(),
                pin,
            },
            reference,
        });
    }
    let pem = read_private_key(&ctx.ui, &reference, base)?;
    let password = password(ctx, false)?;
    Ok(SigningKeyInput {
        source: KeySource::File { pem, password },
        reference,
    })
}

/// A token's PIN: `COSIGN_PKCS11_PIN` if set, else a hidden prompt on a TTY.
pub fn pin(ctx: &Ctx, token: Option<&str>) -> Result<Zeroizing<String>> {
    if let Ok(value) = std::env::var(PIN_ENV) {
        return Ok(Zeroizing::new(value));
    }
    if !ctx.ui.interactive || ctx.global.yes {
        return Err(Error::Usage(format!(
            "no PIN for the PKCS#11 token: set {PIN_ENV} (no terminal to ask on)"
        )));
    }
    let prompt = match token {
        Some(label) => format!("PIN of token {label:?}"),
        None => "PIN of the token".to_string(),
    };
    dialoguer::Password::new()
        .with_prompt(prompt)
        .interact()
        .map(Zeroizing::new)
        .map_err(|e| Error::Usage(format!("cannot read the PIN: {e}")))
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

/// Attestation type names (`signing.require_attestations`,
/// `--require-attestation`) as types, each once, in the order given.
pub fn attestation_types<'a>(
    names: impl IntoIterator<Item = &'a String>,
) -> Result<Vec<AttestationType>> {
    let mut types = Vec::new();
    for name in names {
        let kind = AttestationType::from_name(name).ok_or_else(|| {
            Error::Usage(format!(
                "unknown attestation type {name:?}; expected one of {}",
                AttestationType::NAMES.join(", ")
            ))
        })?;
        if !types.contains(&kind) {
            types.push(kind);
        }
    }
    Ok(types)
}

/// The keys `--key` names, else `signing.public_keys` (relative to
/// vimes.yaml); none at all is a usage error: nothing could verify.
pub fn trusted_keys(loaded: &LoadedConfig, explicit: &[String]) -> Result<Vec<PublicKey>> {
    let base = loaded.path.as_deref().and_then(|p| p.parent());
    let found = match explicit.is_empty() {
        true => keys::load_configured_keys(&loaded.config.signing.public_keys, base)?,
        false => keys::load_public_keys(explicit, None)?,
    };
    if found.is_empty() {
        return Err(Error::Usage(
            "no trusted public key: pass --key or set signing.public_keys".into(),
        ));
    }
    Ok(found)
}
