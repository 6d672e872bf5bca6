//! `vimes sign IMAGE`.

use super::signing_args::{annotations, signing_key, SigningKeyArgs};
use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::registry::reference::Side;
use crate::registry::{ImageRef, RegistryClient};
use crate::signing::sign::sign_image;
use clap::Args;

/// `vimes sign IMAGE`.
#[derive(Debug, Args)]
pub struct SignArgs {
    /// Image to sign (resolved to its digest first).
    pub image: String,
    #[command(flatten)]
    pub signing: SigningKeyArgs,
    /// Annotation put into the signed payload (repeatable).
    #[arg(short = 'a', long = "annotation", value_name = "KEY=VALUE")]
    pub annotations: Vec<String>,
}

/// Runs `vimes sign`.
pub async fn run(ctx: &Ctx, args: SignArgs) -> anyhow::Result<Exit> {
    let loaded = ctx.optional_config()?;
    let annotations = annotations(&args.annotations)?;
    let image = ImageRef::resolve(&loaded.config, &args.image, Side::Source)?;
    // The key is checked before the registry is touched.
    let key = signing_key(ctx, &loaded, args.signing.key.as_deref()).await?;
    let client = RegistryClient::new(&loaded.config)?;
    let digest = client.resolve_digest(&image, Error::Usage).await?;
    let written = sign_image(
        &client,
        &image,
        &digest,
        &key,
        &annotations,
        loaded.config.signing.format,
    )
    .await?;
    // The top-level fields name the first layout written (legacy whenever
    // it is written), as before `both`; `written` lists every layout.
    let outcome = &written.first.outcome;
    let subject = format!("{}@{digest}", image.repository_name());
    let text = if written.added() {
        format!("Signed {subject}\n{}", written.locations())
    } else {
        format!("{subject} already carries this key's signature")
    };
    let json = serde_json::json!({
        "image": subject,
        "digest": digest,
        "signature_tag": outcome.tag,
        "signature_manifest": outcome.manifest_digest,
        "signature_location": outcome.location,
        "format": loaded.config.signing.format,
        "added": written.added(),
        "written": written,
        "key_fingerprint": key.fingerprint,
    });
    ctx.ui.result(&text, &json);
    Ok(Exit::Success)
}
