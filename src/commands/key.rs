//! `vimes key generate` and `vimes key list`: cosign key files, or key pairs
//! inside a PKCS#11 token.

use super::signing_args::{password, pin};
use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::signing::keys;
use crate::signing::pkcs11::{self, Pkcs11Error, Pkcs11Uri, PIN_ENV};
use clap::{Args, Subcommand};
use std::io::Write;
use std::path::PathBuf;

/// `vimes key ...`.
#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Generate an encrypted P-256 key pair (NAME.key, mode 0600, and NAME.pub),
    /// or with --pkcs11 a key pair inside a token (only NAME.pub is written).
    Generate(KeyGenerateArgs),
    /// List the keys of a PKCS#11 token, with the URIs --key takes.
    List(KeyListArgs),
}

/// `vimes key list`.
#[derive(Debug, Args)]
pub struct KeyListArgs {
    /// PKCS#11 library (e.g. /usr/lib/softhsm/libsofthsm2.so); default:
    /// tools.pkcs11.module. Private keys are listed when COSIGN_PKCS11_PIN is set.
    #[arg(long, value_name = "MODULE")]
    pub pkcs11: Option<String>,
}

/// `vimes key generate`.
#[derive(Debug, Args)]
pub struct KeyGenerateArgs {
    /// File name prefix of the key pair.
    #[arg(long, default_value = "cosign", value_name = "NAME")]
    pub output_prefix: String,
    /// Overwrite existing files.
    #[arg(long)]
    pub force: bool,
    /// Allow an empty password (the key is then effectively unencrypted).
    #[arg(long)]
    pub allow_empty_password: bool,
    /// Create the key pair inside the PKCS#11 token this URI names
    /// (`pkcs11:token=LABEL;object=NAME[;id=%NN][?module-path=LIB]`); the PIN
    /// comes from COSIGN_PKCS11_PIN or a prompt, never from the URI.
    #[arg(long, value_name = "URI", conflicts_with = "allow_empty_password")]
    pub pkcs11: Option<String>,
}

/// Runs `vimes key ...`.
pub fn run(ctx: &Ctx, cmd: KeyCommand) -> anyhow::Result<Exit> {
    match cmd {
        KeyCommand::Generate(args) if args.pkcs11.is_some() => generate_in_token(ctx, args),
        KeyCommand::Generate(args) => generate(ctx, args),
        KeyCommand::List(args) => list(ctx, args),
    }
}

fn generate_in_token(ctx: &Ctx, args: KeyGenerateArgs) -> anyhow::Result<Exit> {
    let loaded = ctx.optional_config()?;
    let text = args.pkcs11.as_deref().unwrap_or_default();
    // Through the crate error: its kind decides the exit code.
    let uri = Pkcs11Uri::parse(text).map_err(|e| Error::from(Pkcs11Error::from(e)))?;
    let public_path = PathBuf::from(format!("{}.pub", args.output_prefix));
    if public_path.exists() && !args.force {
        return Err(Error::Usage(format!(
            "{} exists; pass --force to overwrite it",
            public_path.display()
        ))
        .into());
    }
    let pin = pin(ctx, uri.token.as_deref())?;
    let made = pkcs11::generate(&uri, loaded.config.tools.pkcs11.module.as_deref(), &pin)
        .map_err(Error::from)?;
    let public_pem = pkcs11::public_key_pem(&made.spki);
    write_file(&public_path, public_pem.as_bytes(), 0o644)?;
    let fingerprint = keys::fingerprint(&made.spki);
    let text = format!(
        "Key pair created in the token: {}\nPublic key written to {} ({fingerprint})",
        made.uri,
        public_path.display()
    );
    let json = serde_json::json!({
        "uri": made.uri,
        "public_key": public_path,
        "key_fingerprint": fingerprint,
    });
    ctx.ui.result(&text, &json);
    Ok(Exit::Success)
}

fn list(ctx: &Ctx, args: KeyListArgs) -> anyhow::Result<Exit> {
    let loaded = ctx.optional_config()?;
    let Some(module) = args.pkcs11.or(loaded.config.tools.pkcs11.module) else {
        return Err(Error::Usage(
            "key list needs a PKCS#11 module: pass --pkcs11 MODULE or set tools.pkcs11.module"
                .into(),
        )
        .into());
    };
    // Listing never prompts: without the PIN the public keys still show.
    let pin = std::env::var(PIN_ENV).ok().map(zeroize::Zeroizing::new);
    let tokens = pkcs11::list(&module, pin.as_ref().map(|p| p.as_str())).map_err(Error::from)?;
    let mut text = String::new();
    for token in &tokens {
        text.push_str(&format!(
            "token {:?} (serial {}){}\n",
            token.token,
            token.serial,
            if token.logged_in {
                ""
            } else {
                " (not logged in: set COSIGN_PKCS11_PIN to see private keys)"
            }
        ));
        if token.keys.is_empty() {
            text.push_str("  no keys\n");
        }
        for key in &token.keys {
            let halves = match (key.private, key.public) {
                (true, true) => "key pair",
                (true, false) => "private key",
                _ => "public key",
            };
            text.push_str(&format!(
                "  {:?} id {} {} {halves}{}\n    {}\n",
                key.object,
                if key.id.is_empty() { "-" } else { &key.id },
                key.kind,
                if key.usable { ", can sign" } else { "" },
                key.uri
            ));
        }
    }
    if tokens.is_empty() {
        text.push_str("no initialised token in this module\n");
    }
    let json = serde_json::json!({ "module": module, "tokens": tokens });
    ctx.ui.result(text.trim_end(), &json);
    Ok(Exit::Success)
}

fn generate(ctx: &Ctx, args: KeyGenerateArgs) -> anyhow::Result<Exit> {
    let private_path = PathBuf::from(format!("{}.key", args.output_prefix));
    let public_path = PathBuf::from(format!("{}.pub", args.output_prefix));
    for path in [&private_path, &public_path] {
        if path.exists() && !args.force {
            return Err(Error::Usage(format!(
                "{} exists; pass --force to overwrite it",
                path.display()
            ))
            .into());
        }
    }
    let password = password(ctx, true)?;
    if password.is_empty() && !args.allow_empty_password {
        return Err(Error::Usage(
            "refusing to write a private key with an empty password; set COSIGN_PASSWORD or pass --allow-empty-password"
                .into(),
        )
        .into());
    }
    let pair = keys::generate(password.as_bytes())?;
    write_file(&private_path, pair.private_pem.as_bytes(), 0o600)?;
    write_file(&public_path, pair.public_pem.as_bytes(), 0o644)?;
    let text = format!(
        "Private key written to {}\nPublic key written to {}",
        private_path.display(),
        public_path.display()
    );
    let json = serde_json::json!({
        "private_key": private_path,
        "public_key": public_path,
    });
    ctx.ui.result(&text, &json);
    Ok(Exit::Success)
}

/// Writes with the mode set at creation, so the key is never world-readable.
fn write_file(path: &PathBuf, contents: &[u8], mode: u32) -> Result<(), Error> {
    use std::os::unix::fs::OpenOptionsExt;
    let file_error = |error| Error::File {
        path: path.clone(),
        error,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(file_error)?;
    }
    let _ = std::fs::remove_file(path);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)
        .map_err(file_error)?;
    file.write_all(contents).map_err(file_error)
}
