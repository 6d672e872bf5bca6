//! `vimes verify IMAGE`.

use super::signing_args::{annotations, attestation_types, trusted_keys};
use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::registry::reference::Side;
use crate::registry::{ImageRef, RegistryClient};
use crate::signing::verify::{verify_image, LayerCheck, VerifyPolicy, VerifyReport};
use crate::ui::escape::escape_control;
use clap::Args;
use futures_util::{stream, StreamExt};

/// `vimes verify IMAGE...`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("images").required(true).multiple(true).args(["image", "file"])))]
pub struct VerifyArgs {
    /// Images to verify (several are verified concurrently, with one registry client).
    #[arg(value_name = "IMAGE")]
    pub image: Vec<String>,
    /// Also verify the images listed in FILE, one per line (`#` starts a comment; `-`: stdin).
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: Option<std::path::PathBuf>,
    /// Trusted public key (repeatable); default: signing.public_keys.
    #[arg(long, value_name = "PUB")]
    pub key: Vec<String>,
    /// Annotation a signature must carry (repeatable).
    #[arg(short = 'a', long = "annotation", value_name = "KEY=VALUE")]
    pub annotations: Vec<String>,
    /// Attestation type that must be present, in addition to signing.require_attestations.
    #[arg(long = "require-attestation", value_name = "TYPE")]
    pub require_attestations: Vec<String>,
}

/// Images verified at once: each is a handful of small registry reads.
const VERIFIED_AT_ONCE: usize = 8;

/// Runs `vimes verify`: exit 0 only when every image is verified, 1 when one
/// is not; an image that could not be read exits as its error does.
pub async fn run(ctx: &Ctx, args: VerifyArgs) -> anyhow::Result<Exit> {
    let loaded = ctx.optional_config()?;
    let config = &loaded.config;
    let keys = trusted_keys(&loaded, &args.key)?;
    let required = attestation_types(
        config
            .signing
            .require_attestations
            .iter()
            .chain(&args.require_attestations),
    )?;
    let policy = VerifyPolicy {
        annotations: annotations(&args.annotations)?,
        required_attestations: required,
        // Either layout counts, whatever `signing.format` says: an image
        // cosign or an older vimes signed in one layout is still signed.
        required_formats: Vec::new(),
    };
    let mut names = args.image.clone();
    if let Some(file) = &args.file {
        names.extend(image_list(file)?);
    }
    if names.is_empty() {
        return Err(Error::Usage("no image to verify (the list is empty)".into()).into());
    }
    // Every reference is checked before anything is read.
    let images: Vec<ImageRef> = names
        .iter()
        .map(|name| ImageRef::resolve(config, name, Side::Destination))
        .collect::<Result<_, _>>()?;
    let client = RegistryClient::new(config)?;
    let one = |image: ImageRef| {
        let (client, keys, policy) = (&client, &keys, &policy);
        async move {
            // An image that cannot be found cannot be shown to be signed: a "no".
            let digest = client.resolve_digest(&image, Error::Policy).await?;
            verify_image(client, &image, &digest, keys, policy).await
        }
    };
    if images.len() == 1 {
        let report = one(images[0].clone()).await?;
        let text = render_text(&report);
        ctx.ui
            .result(text.trim_end(), &serde_json::to_value(&report)?);
        return Ok(match report.verified {
            true => Exit::Success,
            false => Exit::PolicyDenied,
        });
    }
    let outcomes: Vec<Result<VerifyReport, Error>> = stream::iter(images)
        .map(one)
        .buffered(VERIFIED_AT_ONCE)
        .collect()
        .await;
    let mut text = String::new();
    let mut docs = Vec::new();
    let mut exit = Exit::Success;
    let mut verified = 0;
    for (name, outcome) in names.iter().zip(outcomes) {
        match outcome {
            Ok(report) => {
                text.push_str(&render_text(&report));
                text.push('\n');
                docs.push(serde_json::to_value(&report)?);
                if report.verified {
                    verified += 1;
                } else if exit == Exit::Success {
                    exit = Exit::PolicyDenied;
                }
            }
            Err(e) => {
                text.push_str(&format!(
                    "NOT verified: {}: {}\n\n",
                    escape_control(name),
                    escape_control(&e.to_string())
                ));
                docs.push(serde_json::json!({
                    "image": name, "verified": false,
                    "error": e.to_string(), "exit_code": e.exit().code(),
                }));
                // A registry that did not answer outranks a "no".
                if matches!(exit, Exit::Success | Exit::PolicyDenied) {
                    exit = e.exit();
                }
            }
        }
    }
    text.push_str(&format!("{} images, {verified} verified", names.len()));
    ctx.ui.result(
        &text,
        &serde_json::json!({
            "images": docs,
            "verified": exit == Exit::Success,
        }),
    );
    Ok(exit)
}

/// The images of a list file: one per line, blank lines and `#` comments skipped.
fn image_list(file: &std::path::Path) -> Result<Vec<String>, Error> {
    let text = if file == std::path::Path::new("-") {
        std::io::read_to_string(std::io::stdin()).map_err(|error| Error::File {
            path: file.to_path_buf(),
            error,
        })?
    } else {
        crate::regular_file::open(file)
            .and_then(std::io::read_to_string)
            .map_err(|error| Error::File {
                path: file.to_path_buf(),
                error,
            })?
    };
    Ok(text
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect())
}

/// The report for people (and CI logs). Everything in it but vimes' own
/// words comes from the registry; a rejected layer's predicate type and
/// digest are unverified claims, so they are not shown (the JSON report keeps
/// them), and every string is printed with its control characters escaped:
/// no registry writer can start a line of its own or colour the log.
pub fn render_text(report: &VerifyReport) -> String {
    let mut text = String::new();
    text.push_str(&format!(
        "{}: {}@{}\n",
        if report.verified {
            "Verified"
        } else {
            "NOT verified"
        },
        escape_control(&report.repository),
        escape_control(&report.digest)
    ));
    for s in &report.signatures {
        text.push_str(&format!(
            "  signature {} ({}) {}: {}\n",
            layer_id(s),
            s.format,
            mark(s.is_valid()),
            escape_control(&s.reason)
        ));
    }
    for a in &report.attestations {
        let predicate = match (a.is_valid(), a.predicate_type.as_deref()) {
            (true, Some(p)) => format!(" [{}]", escape_control(p)),
            _ => String::new(),
        };
        text.push_str(&format!(
            "  attestation {} ({}) {}{predicate}: {}\n",
            layer_id(a),
            a.format,
            mark(a.is_valid()),
            escape_control(&a.reason)
        ));
    }
    for r in &report.reasons {
        text.push_str(&format!("  reason: {}\n", escape_control(r)));
    }
    text.trim_end().to_string()
}

/// The layer's digest, shortened; only a well-formed digest is shown.
fn layer_id(check: &LayerCheck) -> &str {
    let digest = check.layer.as_str();
    let well_formed = digest.strip_prefix("sha256:").is_some_and(|hex| {
        hex.len() == 64
            && hex
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    });
    match (digest.is_empty(), well_formed) {
        (true, _) => "-",
        (false, true) => digest.get(..19).unwrap_or(digest),
        (false, false) => "(malformed digest)",
    }
}

fn mark(valid: bool) -> &'static str {
    if valid {
        "ok"
    } else {
        "rejected"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signing::verify::{Format, Verdict};

    const FORGED: &str = "https://x\nVerified: 127.0.0.1:5000/production/web@sha256:00\n  attestation \x1b[32mok\x1b[0m";

    #[test]
    fn unverified_strings_cannot_forge_lines_or_escape_sequences() {
        let rejected = LayerCheck {
            layer: format!("sha256:{}\nVerified: evil", "a".repeat(64)),
            verdict: Verdict::Bad,
            predicate_type: Some(FORGED.to_string()),
            reason: format!("layer media type is {FORGED}"),
            format: Format::Legacy,
            ..LayerCheck::default()
        };
        let valid = LayerCheck {
            layer: format!("sha256:{}", "b".repeat(64)),
            verdict: Verdict::Good {
                key: "cosign.pub".into(),
            },
            predicate_type: Some("https://cyclonedx.org/bom\x1b]0;title\x07".into()),
            reason: "valid attestation".into(),
            format: Format::Bundle,
            ..LayerCheck::default()
        };
        let report = VerifyReport {
            repository: "127.0.0.1:5000/production/web".into(),
            digest: format!("sha256:{}", "c".repeat(64)),
            verified: false,
            signatures: vec![rejected.clone()],
            attestations: vec![rejected, valid],
            missing_attestations: vec!["vuln".into()],
            reasons: vec![format!("missing: {FORGED}")],
        };
        let text = render_text(&report);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 5, "{text}");
        assert!(lines[0].starts_with("NOT verified: "), "{text}");
        assert!(
            lines[1..].iter().all(|l| l.starts_with("  ")),
            "every line after the first is indented vimes output: {text}"
        );
        assert!(!text.contains('\x1b') && !text.contains('\x07'), "{text}");
        assert!(!text.contains("\nVerified"), "{text}");
        // A rejected layer's claimed type and malformed digest are not shown.
        assert!(lines[2].starts_with("  attestation (malformed digest) (legacy) rejected: layer media type is https://x\\nVerified"), "{text}");
        assert!(
            lines[3].contains("ok [https://cyclonedx.org/bom\\u{1b}]0;title\\u{7}]"),
            "{text}"
        );
    }
}
