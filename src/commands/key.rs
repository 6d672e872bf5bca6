//! `vimes key generate`.

use super::signing_args::password;
use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::signing::keys;
use clap::{Args, Subcommand};
use std::io::Write;
use std::path::PathBuf;

/// `vimes key ...`.
#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Generate an encrypted P-256 key pair (NAME.key, mode 0600, and NAME.pub).
    Generate(KeyGenerateArgs),
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
}

/// Runs `vimes key ...`.
pub fn run(ctx: &Ctx, cmd: KeyCommand) -> anyhow::Result<Exit> {
    match cmd {
        KeyCommand::Generate(args) => generate(ctx, args),
    }
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
