//! `vimes attest IMAGE --predicate FILE --type TYPE`.

use super::signing_args::{signing_key, SigningKeyArgs};
use super::Ctx;
use crate::clock::now_rfc3339;
use crate::error::Error;
use crate::exit::Exit;
use crate::registry::reference::Side;
use crate::registry::{ImageRef, RegistryClient};
use crate::signing::predicate::predicate;
use crate::signing::sign::{attest_image, Repeat};
use crate::signing::AttestationType;
use clap::Args;
use std::path::PathBuf;

/// `vimes attest IMAGE`.
#[derive(Debug, Args)]
pub struct AttestArgs {
    /// Image to attest (resolved to its digest first).
    pub image: String,
    /// The predicate document (JSON).
    #[arg(long, value_name = "FILE")]
    pub predicate: PathBuf,
    /// Predicate type, as cosign names it: cyclonedx, spdx, spdxjson, vuln, slsaprovenance
    /// (SLSA v0.2), slsaprovenance02, slsaprovenance1 (SLSA v1), link, openvex, custom.
    #[arg(long = "type", value_name = "TYPE", default_value = "custom")]
    pub predicate_type: String,
    #[command(flatten)]
    pub signing: SigningKeyArgs,
}

/// Runs `vimes attest`.
pub async fn run(ctx: &Ctx, args: AttestArgs) -> anyhow::Result<Exit> {
    let loaded = ctx.optional_config()?;
    let kind = AttestationType::from_name(&args.predicate_type).ok_or_else(|| {
        Error::Usage(format!(
            "unknown attestation type {:?}; expected one of {}",
            args.predicate_type,
            AttestationType::NAMES.join(", ")
        ))
    })?;
    let text = std::fs::read_to_string(&args.predicate).map_err(|error| Error::File {
        path: args.predicate.clone(),
        error,
    })?;
    let predicate = predicate(
        kind,
        &text,
        &args.predicate.display().to_string(),
        &now_rfc3339(),
    )?;
    let image = ImageRef::resolve(&loaded.config, &args.image, Side::Source)?;
    let key = signing_key(ctx, &loaded, args.signing.key.as_deref()).await?;
    let client = RegistryClient::new(&loaded.config)?;
    let digest = client.resolve_digest(&image, Error::Usage).await?;
    let written = attest_image(
        &client,
        &image,
        &digest,
        &key,
        kind.uri(),
        predicate,
        Repeat::Identical,
        loaded.config.signing.format,
    )
    .await?;
    // As in `sign`: the first layout at the top level, all in `written`.
    let outcome = &written.first.outcome;
    let subject = format!("{}@{digest}", image.repository_name());
    let text = if written.added() {
        format!(
            "Attested {subject} ({})\n{}",
            kind.uri(),
            written.locations()
        )
    } else {
        format!("{subject} already carries this attestation")
    };
    let json = serde_json::json!({
        "image": subject,
        "digest": digest,
        "predicate_type": kind.uri(),
        "attestation_tag": outcome.tag,
        "attestation_manifest": outcome.manifest_digest,
        "attestation_location": outcome.location,
        "format": loaded.config.signing.format,
        "added": written.added(),
        "written": written,
    });
    ctx.ui.result(&text, &json);
    Ok(Exit::Success)
}
