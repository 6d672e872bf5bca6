//! `vimes promote IMAGE`: the gated promotion, with a step view on a TTY,
//! one line per step otherwise, and nothing with `-q`.

use super::signing_args::{signing_key_input, SigningKeyArgs};
use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::pipeline::promote::{self, Context};
use crate::pipeline::review::{self, ReviewDecision};
use crate::registry::RegistryClient;
use crate::signing::keys::load_configured_keys;
use crate::ui::Progress;
use clap::Args;

/// `vimes promote IMAGE`.
#[derive(Debug, Args)]
pub struct PromoteArgs {
    /// Image in the promotion source (`REPO[:TAG]` or a full reference under it).
    pub image: String,
    /// Production tag (default: the source tag).
    #[arg(long)]
    pub tag: Option<String>,
    /// Resolve and scan only; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Who reviews (default: git user.email, else $USER).
    #[arg(long)]
    pub reviewer: Option<String>,
    #[command(flatten)]
    pub signing: SigningKeyArgs,
}

/// Runs `vimes promote`.
pub async fn run(ctx: &Ctx, args: PromoteArgs) -> anyhow::Result<Exit> {
    let loaded = ctx.require_config()?;
    let config = &loaded.config;
    let config_dir = loaded.path.as_deref().and_then(|p| p.parent());
    // Keys first: a missing key, password or public key stops before anything
    // runs. The private key is decrypted (scrypt) while the scan runs, and a
    // wrong password stops the promotion before the review and the copy.
    let (pending_key, trusted) = if args.dry_run {
        (None, Vec::new())
    } else {
        let input = signing_key_input(ctx, &loaded, args.signing.key.as_deref())?;
        let trusted = load_configured_keys(&config.signing.public_keys, config_dir)?;
        if trusted.is_empty() {
            return Err(Error::Usage(
                "signing.public_keys is empty: promotion verifies in production before tagging"
                    .into(),
            )
            .into());
        }
        (
            Some(tokio::task::spawn_blocking(move || input.open())),
            trusted,
        )
    };
    // The inventory is named before anything runs; it is written after the tag.
    let inventory = super::inventory_location(&loaded)?;
    let client = RegistryClient::new(config)?;
    let view = ctx.ui.progress();
    let cx = Context {
        config,
        config_dir,
        client: &client,
        progress: &view,
        clock: ctx.clock,
    };
    let prepared = promote::prepare(&cx, &args.image, args.tag.as_deref(), !args.dry_run).await?;
    let key = match pending_key {
        Some(task) => {
            let key = task
                .await
                .map_err(|e| Error::Usage(format!("decrypting the signing key failed: {e}")))??;
            if !trusted.iter().any(|k| k.fingerprint == key.fingerprint) {
                return Err(Error::Usage(format!(
                    "the signing key ({}) is not among signing.public_keys, so its signature could never verify",
                    key.fingerprint
                ))
                .into());
            }
            Some(key)
        }
        None => None,
    };
    let Some(key) = key else {
        let text = format!(
            "dry run: would promote {}@{} to {}:{}{}",
            prepared.source.repository_name(),
            prepared.digest,
            prepared.destination.repository_name(),
            prepared.tag,
            if prepared.tag_in_place {
                " (already there)"
            } else {
                ""
            }
        );
        ctx.ui.result(
            &text,
            &serde_json::json!({
                "dry_run": true,
                "source": format!("{}@{}", prepared.source.repository_name(), prepared.digest),
                "destination": format!("{}:{}", prepared.destination.repository_name(), prepared.tag),
                "already_promoted": prepared.tag_in_place,
                "scan": prepared.scan,
            }),
        );
        return Ok(Exit::Success);
    };

    // Review: a saved approval of this digest, a prompt on a TTY, or --yes.
    view.started("review", &prepared.digest);
    let reviewer = review::default_reviewer(args.reviewer.as_deref(), &std::env::vars().collect())
        .ok_or_else(|| Error::Usage("cannot tell who is reviewing: pass --reviewer".into()))?;
    let record = match review::load_saved(&prepared.digest) {
        Some(saved) if saved.decision == ReviewDecision::Rejected => {
            return Err(Error::Policy(format!(
                "{} was rejected in review by {} on {}; nothing was promoted (a reviewer can record a new decision with `vimes review`)",
                prepared.digest, saved.reviewer, saved.reviewed_at
            ))
            .into());
        }
        Some(saved) => saved,
        None if ctx.ui.interactive && !ctx.global.yes => {
            let approve = view.suspend(|| {
                ctx.ui.show(&super::scan::render_text(&prepared.scan));
                dialoguer::Confirm::new()
                    .with_prompt(format!(
                        "Promote {}@{} to {}:{} as {reviewer}?",
                        prepared.source.repository_name(),
                        prepared.digest,
                        prepared.destination.repository_name(),
                        prepared.tag
                    ))
                    .default(false)
                    .interact()
            });
            let approve = approve.map_err(|e| Error::Usage(format!("cannot read the answer: {e}")))?;
            let decision = if approve { ReviewDecision::Approved } else { ReviewDecision::Rejected };
            let record = review::record(&prepared.scan, &reviewer, decision, true)?;
            review::save(&record)?;
            if decision == ReviewDecision::Rejected {
                return Err(Error::Policy(format!("review rejected by {reviewer}; nothing was promoted")).into());
            }
            record
        }
        None if ctx.global.yes => {
            let record = review::record(&prepared.scan, &reviewer, ReviewDecision::Approved, false)?;
            review::save(&record)?;
            record
        }
        None => {
            return Err(Error::Policy(
                "no approving review of this digest: run `vimes review`, answer the prompt on a terminal, or pass --yes"
                    .into(),
            )
            .into())
        }
    };
    view.finished("review", &format!("approved by {}", record.reviewer), false);

    let tagged = format!(
        "{}:{}",
        prepared.destination.repository_name(),
        prepared.tag
    );
    let promoted = promote::execute(&cx, prepared, &record, &key, &trusted).await?;
    let promotion = &promoted.record;
    let log = crate::pipeline::evidence::append_audit_log(promotion)?;
    let feed = promote::record_promotion(inventory, &promoted);
    if let promote::InventoryFeed::Failed {
        location,
        error,
        catch_up,
    } = &feed
    {
        ctx.ui.warning(&format!(
            "the promotion is complete, but the inventory {location} was not written: {error}; \
             file it later with `{catch_up}`"
        ));
    }
    let text = format!(
        "{}{}\n{tagged}\naudit log: {}{}",
        if promotion.unchanged {
            "Already promoted: "
        } else {
            "Promoted "
        },
        promotion.destination,
        log.display(),
        match &feed {
            promote::InventoryFeed::Recorded { location, .. } => format!("\ninventory: {location}"),
            promote::InventoryFeed::Failed { .. } => String::new(),
        }
    );
    let mut value = serde_json::to_value(promotion)?;
    if let serde_json::Value::Object(fields) = &mut value {
        fields.insert("inventory".into(), serde_json::to_value(&feed)?);
    }
    ctx.ui.result(&text, &value);
    Ok(Exit::Success)
}
