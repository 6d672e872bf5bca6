//! `vimes verify IMAGE`.

use super::signing_args::{annotations, resolve_digest};
use super::Ctx;
use crate::cli::VerifyArgs;
use crate::error::Error;
use crate::exit::Exit;
use crate::registry::reference::Side;
use crate::registry::{ImageRef, RegistryClient};
use crate::signing::keys::{load_configured_keys, load_public_keys};
use crate::signing::verify::{verify_image, VerifyPolicy};
use crate::signing::AttestationType;

/// Runs `vimes verify`: exit 0 only when verified, 1 otherwise.
pub async fn run(ctx: &Ctx, args: VerifyArgs) -> anyhow::Result<Exit> {
    let loaded = ctx.optional_config()?;
    let config = &loaded.config;
    let base = loaded.path.as_deref().and_then(|p| p.parent());
    let keys = if args.key.is_empty() {
        load_configured_keys(&config.signing.public_keys, base)?
    } else {
        load_public_keys(&args.key, None)?
    };
    if keys.is_empty() {
        return Err(Error::Usage(
            "no trusted public key: pass --key or set signing.public_keys".into(),
        )
        .into());
    }
    let mut required = Vec::new();
    for name in config
        .signing
        .require_attestations
        .iter()
        .chain(&args.require_attestations)
    {
        let kind = AttestationType::from_name(name)
            .ok_or_else(|| Error::Usage(format!("unknown attestation type {name:?}")))?;
        if !required.contains(&kind) {
            required.push(kind);
        }
    }
    let policy = VerifyPolicy {
        annotations: annotations(&args.annotations)?,
        required_attestations: required,
    };
    let image = ImageRef::resolve(config, &args.image, Side::Destination)?;
    let client = RegistryClient::new(config)?;
    // An image that cannot be found cannot be shown to be signed: that is a "no".
    let digest = resolve_digest(&client, &image, Error::Policy).await?;
    let report = verify_image(&client, &image, &digest, &keys, &policy).await?;

    let mut text = String::new();
    let subject = format!("{}@{}", report.repository, report.digest);
    text.push_str(&format!(
        "{}: {subject}\n",
        if report.verified {
            "Verified"
        } else {
            "NOT verified"
        }
    ));
    for s in &report.signatures {
        text.push_str(&format!(
            "  signature {} ({}) {}: {}\n",
            short(&s.layer),
            s.format,
            mark(s.valid),
            s.reason
        ));
    }
    for a in &report.attestations {
        text.push_str(&format!(
            "  attestation {} ({}) {} [{}]: {}\n",
            short(&a.layer),
            a.format,
            mark(a.valid),
            a.predicate_type.as_deref().unwrap_or("?"),
            a.reason
        ));
    }
    for r in &report.reasons {
        text.push_str(&format!("  reason: {r}\n"));
    }
    ctx.ui
        .result(text.trim_end(), &serde_json::to_value(&report)?);
    Ok(if report.verified {
        Exit::Success
    } else {
        Exit::PolicyDenied
    })
}

fn mark(valid: bool) -> &'static str {
    if valid {
        "ok"
    } else {
        "rejected"
    }
}

fn short(digest: &str) -> &str {
    digest.get(..19).unwrap_or(digest)
}
