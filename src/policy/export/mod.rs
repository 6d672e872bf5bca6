//! Exporting approved exceptions to the formats other tools read: Trivy's
//! `.trivyignore.yaml`, an OpenVEX document, and Harbor's CVE allowlist.
//! Only entries of a trusted file that are in force are exported, and never
//! with a wider scope than vimes gives them: a scope a format cannot express
//! is either narrowed to one image (`--image`), refused (exit 2, naming the
//! entries), or, for Harbor, whose allowlist has no finer scope than a
//! project, exported with the widening reported.

pub mod purl;

use super::exceptions::{glob_match, EntryState, Exception};
use crate::clock::Date;
use crate::error::{Error, Result};
use crate::registry::reference::ImageRef;
use serde::Serialize;
use serde_json::{json, Value};

/// An exported document and what went into it.
#[derive(Clone, Debug, Serialize)]
pub struct Export {
    /// The document in the target format's shape.
    pub document: Value,
    /// Ids of the entries exported.
    pub exported: Vec<String>,
    /// Entries the target applies more widely than vimes does.
    pub widened: Vec<Widened>,
}

/// An entry whose scope the target format cannot express.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Widened {
    /// The exception id.
    pub id: String,
    /// The scope vimes gives it.
    pub scope: String,
    /// The scope the target gives it.
    pub becomes: String,
}

/// Entries in force on `today`.
pub fn active(entries: &[Exception], today: Date) -> Vec<&Exception> {
    entries
        .iter()
        .filter(|e| e.state(today) == EntryState::Active)
        .collect()
}

/// Trivy's `.trivyignore.yaml` (Trivy ≥ 0.49). A package scope becomes
/// `purls`; an image scope has no counterpart there, so with `image` the file
/// is made for that image (entries that do not cover it are left out), and
/// without it image-scoped entries are refused. `expired_at` is the first
/// instant after the expiry day (Trivy drops an entry once that instant has
/// passed), written as RFC 3339, the only form Trivy reads.
pub fn trivyignore(entries: &[&Exception], image: Option<&ImageRef>) -> Result<Export> {
    let entries = for_image(entries, image, "a .trivyignore.yaml")?;
    let vulnerabilities: Vec<Value> = entries
        .iter()
        .map(|e| {
            let mut item = json!({ "id": consumer_id(&e.id) });
            if !e.packages.is_empty() {
                item["purls"] = json!(package_purls(e));
            }
            item["expired_at"] = json!(expiry_instant(&e.expires));
            item["statement"] = json!(format!("{} (approved by {})", e.reason, e.approved_by));
            item
        })
        .collect();
    Ok(Export {
        document: json!({ "vulnerabilities": vulnerabilities }),
        exported: entries.iter().map(|e| e.id.clone()).collect(),
        widened: vec![],
    })
}

/// An OpenVEX v0.2.0 document. Consumers suppress a finding only for
/// `not_affected` (or `fixed`) statements, so an approved exception is
/// written as `not_affected` whose `impact_statement` says it is an accepted
/// risk, by whom and until when. Products are purls consumers match: with
/// `image` (which must name a digest) the image as `pkg:oci/NAME@DIGEST` with
/// its `repository_url`, package scopes as its subcomponents; without it, a
/// package-scoped entry names the packages themselves, and entries scoped to
/// images or to nothing are refused (OpenVEX has no "every product").
/// OpenVEX has no expiry: the document is valid for the day it is made.
pub fn openvex(
    entries: &[&Exception],
    image: Option<&ImageRef>,
    timestamp: &str,
) -> Result<Export> {
    let entries = for_image(entries, image, "an OpenVEX document")?;
    let product = match image {
        Some(image) => Some(oci_purl(image)?),
        None => None,
    };
    if product.is_none() {
        let unscoped: Vec<String> = entries
            .iter()
            .filter(|e| e.packages.is_empty())
            .map(|e| e.id.clone())
            .collect();
        if !unscoped.is_empty() {
            return Err(Error::Usage(format!(
                "{} apply to every image, and an OpenVEX statement must name its products: \
                 export for one image with --image REPO@sha256:<digest>",
                unscoped.join(", ")
            )));
        }
    }
    if entries.is_empty() {
        return Err(Error::Usage(
            "no approved exception in force applies, and an OpenVEX document needs at least one \
             statement: nothing to export"
                .into(),
        ));
    }
    let statements: Vec<Value> = entries
        .iter()
        .map(|e| {
            let packages: Vec<Value> = package_purls(e)
                .into_iter()
                .map(|p| json!({ "@id": p }))
                .collect();
            let products = match &product {
                Some(image) if packages.is_empty() => json!([{ "@id": image }]),
                Some(image) => json!([{ "@id": image, "subcomponents": packages }]),
                None => Value::Array(packages),
            };
            json!({
                "vulnerability": { "name": consumer_id(&e.id) },
                "products": products,
                "status": "not_affected",
                "impact_statement": format!(
                    "Accepted risk, not a fix: a vimes exception approved by {}, valid through {} \
                     (UTC): {}",
                    e.approved_by, e.expires, e.reason
                ),
                "timestamp": timestamp,
            })
        })
        .collect();
    Ok(Export {
        document: json!({
            "@context": "https://openvex.dev/ns/v0.2.0",
            "@id": format!("https://vimes.dev/vex/exceptions-{timestamp}"),
            "author": "vimes exceptions export",
            "timestamp": timestamp,
            "version": 1,
            "statements": statements,
        }),
        exported: entries.iter().map(|e| e.id.clone()).collect(),
        widened: vec![],
    })
}

/// Harbor's `CVEAllowlist`. Harbor has one expiry for the whole list
/// (goharbor/harbor#19143), so the earliest entry expiry is used: nothing stays
/// allowed longer than its approval. The allowlist applies to every package of
/// every image of the project: entries limited to images or packages are
/// exported wider than vimes applies them, and listed in `widened`.
pub fn harbor_allowlist(entries: &[&Exception]) -> Export {
    let items: Vec<Value> = entries
        .iter()
        .map(|e| json!({ "cve_id": consumer_id(&e.id) }))
        .collect();
    let expires_at = entries
        .iter()
        .filter_map(|e| Date::parse(&e.expires))
        .min()
        .map(Date::last_second);
    let widened = entries
        .iter()
        .filter(|e| !e.images.is_empty() || !e.packages.is_empty())
        .map(|e| Widened {
            id: e.id.clone(),
            scope: scope(e),
            becomes: "every package of every image in the Harbor project".into(),
        })
        .collect();
    Export {
        document: json!({ "items": items, "expires_at": expires_at }),
        exported: entries.iter().map(|e| e.id.clone()).collect(),
        widened,
    }
}

/// The entries that apply to `image`, or, without one, all of them unless
/// some are limited to images (which `target` cannot express).
fn for_image<'a>(
    entries: &[&'a Exception],
    image: Option<&ImageRef>,
    target: &str,
) -> Result<Vec<&'a Exception>> {
    match image {
        Some(image) => {
            let repository = image.repository_name();
            Ok(entries
                .iter()
                .copied()
                .filter(|e| {
                    e.images.is_empty() || e.images.iter().any(|g| glob_match(g, &repository))
                })
                .collect())
        }
        None => {
            let scoped: Vec<String> = entries
                .iter()
                .filter(|e| !e.images.is_empty())
                .map(|e| format!("{} (images: {})", e.id, e.images.join(", ")))
                .collect();
            if scoped.is_empty() {
                Ok(entries.to_vec())
            } else {
                Err(Error::Usage(format!(
                    "{} {} limited to images, which {target} cannot express: export for one image \
                     with --image REPO (entries that do not cover it are left out)",
                    scoped.join(", "),
                    if scoped.len() == 1 { "is" } else { "are" }
                )))
            }
        }
    }
}

fn scope(e: &Exception) -> String {
    let mut parts = Vec::new();
    if !e.images.is_empty() {
        parts.push(format!("images {}", e.images.join(", ")));
    }
    if !e.packages.is_empty() {
        parts.push(format!("packages {}", e.packages.join(", ")));
    }
    parts.join("; ")
}

fn package_purls(e: &Exception) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in e.packages.iter().flat_map(|p| purl::package_purls(p)) {
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

/// `pkg:oci/NAME@DIGEST?repository_url=HOST/PATH`, the purl Trivy gives a
/// scanned image (its `arch` qualifier left out, so every platform matches).
fn oci_purl(image: &ImageRef) -> Result<String> {
    let Some(digest) = &image.digest else {
        return Err(Error::Usage(format!(
            "{image}: an OpenVEX product names an image by digest; pass --image \
             {}@sha256:<digest> (vimes scan --output json prints it)",
            image.repository_name()
        )));
    };
    let name = image
        .repository
        .rsplit('/')
        .next()
        .unwrap_or(&image.repository)
        .to_lowercase();
    Ok(format!(
        "pkg:oci/{}@{}?repository_url={}",
        purl::qualifier(&name),
        digest.replace(':', "%3A"),
        purl::qualifier(&image.repository_name())
    ))
}

/// The id as consumers spell it: they compare ids case-sensitively, vimes
/// does not.
fn consumer_id(id: &str) -> String {
    let upper = id.to_ascii_uppercase();
    if upper.starts_with("CVE-") {
        upper
    } else if upper.starts_with("GHSA-") {
        format!("GHSA-{}", id[5..].to_ascii_lowercase())
    } else {
        id.to_string()
    }
}

/// RFC 3339 of the first second after the expiry day (UTC).
fn expiry_instant(expires: &str) -> Option<String> {
    Date::parse(expires).map(Date::end_rfc3339)
}

#[cfg(test)]
mod tests;
