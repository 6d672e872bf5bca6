//! Exporting approved exceptions to the formats other tools read: Trivy's
//! `.trivyignore.yaml`, an OpenVEX document, and Harbor's CVE allowlist.
//! Only entries of a trusted file that are in force are exported, and never
//! with a wider scope than vimes gives them: a scope a format cannot express
//! is either narrowed to one image (`--image`), refused (exit 2, naming the
//! entries), or, for Harbor, whose allowlist has no finer scope than a
//! project, exported with the widening reported.

pub mod purl;

use super::date::{rfc3339, Date};
use super::exceptions::{glob_match, EntryState, Exception};
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
        .map(end_of_day_epoch);
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
    Date::parse(expires).map(|d| rfc3339(u64::try_from(end_of_day_epoch(d) + 1).unwrap_or(0)))
}

/// Seconds since the epoch at 23:59:59 UTC of `date`.
fn end_of_day_epoch(date: Date) -> i64 {
    // days_from_civil (Howard Hinnant), inverse of Date::from_days.
    let y = i64::from(date.year) - i64::from(date.month <= 2);
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(date.month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(date.day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * 86_400 + 86_399
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, expires: &str) -> Exception {
        Exception {
            id: id.into(),
            images: vec![],
            packages: vec![],
            reason: "r".into(),
            expires: expires.into(),
            approved_by: "a".into(),
        }
    }

    fn scoped(id: &str, images: &[&str], packages: &[&str]) -> Exception {
        Exception {
            images: images.iter().map(|s| s.to_string()).collect(),
            packages: packages.iter().map(|s| s.to_string()).collect(),
            ..entry(id, "2027-12-31")
        }
    }

    fn image(text: &str) -> ImageRef {
        ImageRef::parse(text).unwrap()
    }

    const DIGEST: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn harbor_takes_the_earliest_expiry() {
        let a = entry("CVE-2099-0001", "2027-01-31");
        let b = entry("CVE-2099-0002", "2026-12-01");
        let v = harbor_allowlist(&[&a, &b]).document;
        assert_eq!(v["items"][1]["cve_id"], "CVE-2099-0002");
        assert_eq!(v["expires_at"], 1_796_169_599); // 2026-12-01T23:59:59Z
        assert_eq!(
            Date::from_days(1_796_169_599 / 86_400).to_string(),
            "2026-12-01"
        );
    }

    #[test]
    fn harbor_reports_every_scope_it_widens() {
        let all = entry("CVE-2099-0001", "2027-01-31");
        let pkg = scoped("CVE-2099-0002", &[], &["zlib1g"]);
        let img = scoped("CVE-2099-0003", &["payments/*"], &[]);
        let export = harbor_allowlist(&[&all, &pkg, &img]);
        assert_eq!(export.document["items"].as_array().unwrap().len(), 3);
        let widened: Vec<(&str, &str)> = export
            .widened
            .iter()
            .map(|w| (w.id.as_str(), w.scope.as_str()))
            .collect();
        assert_eq!(
            widened,
            [
                ("CVE-2099-0002", "packages zlib1g"),
                ("CVE-2099-0003", "images payments/*")
            ]
        );
    }

    #[test]
    fn only_active_entries() {
        let a = entry("CVE-2099-0001", "2020-01-01");
        let b = entry("CVE-2099-0002", "2099-01-01");
        let list = [a, b];
        let act = active(&list, Date::parse("2026-11-29").unwrap());
        assert_eq!(act.len(), 1);
        assert_eq!(
            trivyignore(&act, None).unwrap().document["vulnerabilities"][0]["id"],
            "CVE-2099-0002"
        );
    }

    #[test]
    fn trivyignore_expiry_is_the_instant_after_the_last_valid_day() {
        let e = entry("cve-2099-0001", "2027-12-31");
        let doc = trivyignore(&[&e], None).unwrap().document;
        let item = &doc["vulnerabilities"][0];
        // Trivy drops an entry whose expired_at is before now: valid through
        // 2027-12-31 23:59:59 UTC, as vimes applies it.
        assert_eq!(item["expired_at"], "2028-01-01T00:00:00Z");
        assert_eq!(
            item["id"], "CVE-2099-0001",
            "Trivy compares ids case-sensitively"
        );
        assert!(
            item.get("purls").is_none(),
            "no package scope: every package"
        );
        let leap = entry("CVE-2099-0001", "2028-02-28");
        let doc = trivyignore(&[&leap], None).unwrap().document;
        assert_eq!(
            doc["vulnerabilities"][0]["expired_at"],
            "2028-02-29T00:00:00Z"
        );
    }

    #[test]
    fn trivyignore_limits_packages_by_purl() {
        let e = scoped("CVE-2099-0002", &[], &["zlib1g"]);
        let doc = trivyignore(&[&e], None).unwrap().document;
        let purls: Vec<&str> = doc["vulnerabilities"][0]["purls"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap())
            .collect();
        assert!(purls.contains(&"pkg:deb/debian/zlib1g"), "{purls:?}");
        assert!(purls.iter().all(|p| p.ends_with("/zlib1g")), "{purls:?}");
    }

    #[test]
    fn image_scopes_are_refused_or_made_for_one_image() {
        let all = entry("CVE-2099-0001", "2027-12-31");
        let pay = scoped("CVE-2099-0002", &["payments/*"], &[]);
        let other = scoped("CVE-2099-0003", &["other/**"], &[]);
        let err = trivyignore(&[&all, &pay, &other], None).unwrap_err();
        assert_eq!(err.exit(), crate::exit::Exit::Usage);
        let message = err.to_string();
        assert!(
            message.contains("CVE-2099-0002 (images: payments/*)"),
            "{message}"
        );
        assert!(
            message.contains("CVE-2099-0003 (images: other/**)"),
            "{message}"
        );
        assert!(message.contains("--image"), "{message}");
        assert!(!message.contains("CVE-2099-0001"), "{message}");
        let target = image("h:5000/staging/payments/api:1");
        let export = trivyignore(&[&all, &pay, &other], Some(&target)).unwrap();
        assert_eq!(export.exported, ["CVE-2099-0001", "CVE-2099-0002"]);
        assert!(openvex(&[&pay], None, "2026-11-29T00:00:00Z").is_err());
    }

    #[test]
    fn openvex_names_the_image_by_digest_and_packages_as_subcomponents() {
        let all = entry("CVE-2099-0001", "2027-12-31");
        let pkg = scoped("CVE-2099-0002", &[], &["zlib1g"]);
        let target = image(&format!("127.0.0.1:5000/staging/vuln@{DIGEST}"));
        let doc = openvex(&[&all, &pkg], Some(&target), "2026-11-29T00:00:00Z")
            .unwrap()
            .document;
        let product = format!(
            "pkg:oci/vuln@sha256%3A{}?repository_url=127.0.0.1%3A5000%2Fstaging%2Fvuln",
            &DIGEST[7..]
        );
        let s = &doc["statements"];
        assert_eq!(s[0]["status"], "not_affected");
        assert!(s[0]["impact_statement"]
            .as_str()
            .unwrap()
            .contains("2027-12-31"));
        assert_eq!(s[0]["products"], json!([{ "@id": product }]));
        assert_eq!(s[1]["products"][0]["@id"], product.as_str());
        assert!(s[1]["products"][0]["subcomponents"]
            .as_array()
            .unwrap()
            .contains(&json!({ "@id": "pkg:deb/debian/zlib1g" })));
        for statement in s.as_array().unwrap() {
            for p in statement["products"].as_array().unwrap() {
                assert!(
                    !p["@id"].as_str().unwrap().contains('*'),
                    "no wildcards: {p}"
                );
            }
        }
    }

    #[test]
    fn openvex_without_an_image() {
        let pkg = scoped("CVE-2099-0002", &[], &["zlib1g"]);
        let doc = openvex(&[&pkg], None, "2026-11-29T00:00:00Z")
            .unwrap()
            .document;
        assert!(doc["statements"][0]["products"]
            .as_array()
            .unwrap()
            .contains(&json!({ "@id": "pkg:deb/debian/zlib1g" })));
        let all = entry("CVE-2099-0001", "2027-12-31");
        let err = openvex(&[&all, &pkg], None, "t").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("CVE-2099-0001 apply to every image"),
            "{err}"
        );
        let tagged = image("h/staging/x:1");
        assert!(openvex(&[&all], Some(&tagged), "t")
            .unwrap_err()
            .to_string()
            .contains("by digest"));
        assert!(openvex(&[], None, "t")
            .unwrap_err()
            .to_string()
            .contains("nothing to export"));
    }
}
