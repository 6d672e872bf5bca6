//! Exporting approved exceptions to the formats other tools read: Trivy's
//! `.trivyignore.yaml`, an OpenVEX document, and Harbor's CVE allowlist.
//! Only entries of a trusted file that are in force are exported.

use super::date::Date;
use super::exceptions::{EntryState, Exception};
use serde_json::{json, Value};

/// Entries in force on `today`.
pub fn active(entries: &[Exception], today: Date) -> Vec<&Exception> {
    entries
        .iter()
        .filter(|e| e.state(today) == EntryState::Active)
        .collect()
}

/// Trivy's `.trivyignore.yaml` (Trivy ≥ 0.49): ids, optional purls-less scope,
/// `expired_at` and the reason as `statement`.
pub fn trivyignore(entries: &[&Exception]) -> Value {
    let vulnerabilities: Vec<Value> = entries
        .iter()
        .map(|e| {
            json!({
                "id": e.id,
                "expired_at": e.expires,
                "statement": format!("{} (approved by {})", e.reason, e.approved_by),
            })
        })
        .collect();
    json!({ "vulnerabilities": vulnerabilities })
}

/// An OpenVEX v0.2.0 document. An exception is an accepted risk, not a claim
/// that the product is unaffected, so each statement is `affected` with the
/// approval as its action statement.
pub fn openvex(entries: &[&Exception], timestamp: &str) -> Value {
    let statements: Vec<Value> = entries
        .iter()
        .map(|e| {
            let products: Vec<Value> = if e.images.is_empty() {
                vec![json!({ "@id": "pkg:oci/*" })]
            } else {
                e.images
                    .iter()
                    .map(|g| json!({ "@id": format!("pkg:oci/{g}") }))
                    .collect()
            };
            json!({
                "vulnerability": { "name": e.id },
                "products": products,
                "status": "affected",
                "action_statement": format!(
                    "Risk accepted until {}: {} (approved by {})",
                    e.expires, e.reason, e.approved_by
                ),
                "timestamp": timestamp,
            })
        })
        .collect();
    json!({
        "@context": "https://openvex.dev/ns/v0.2.0",
        "@id": format!("https://vimes.dev/vex/exceptions-{timestamp}"),
        "author": "vimes exceptions export",
        "timestamp": timestamp,
        "version": 1,
        "statements": statements,
    })
}

/// Harbor's `CVEAllowlist`. Harbor has one expiry for the whole list
/// (goharbor/harbor#19143), so the earliest entry expiry is used: nothing stays
/// allowed longer than its approval.
pub fn harbor_allowlist(entries: &[&Exception]) -> Value {
    let items: Vec<Value> = entries.iter().map(|e| json!({ "cve_id": e.id })).collect();
    let expires_at = entries
        .iter()
        .filter_map(|e| Date::parse(&e.expires))
        .min()
        .map(end_of_day_epoch);
    json!({ "items": items, "expires_at": expires_at })
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

    #[test]
    fn harbor_takes_the_earliest_expiry() {
        let a = entry("CVE-2099-0001", "2027-01-31");
        let b = entry("CVE-2099-0002", "2026-12-01");
        let v = harbor_allowlist(&[&a, &b]);
        assert_eq!(v["items"][1]["cve_id"], "CVE-2099-0002");
        assert_eq!(v["expires_at"], 1_796_169_599); // 2026-12-01T23:59:59Z
        assert_eq!(
            Date::from_days(1_796_169_599 / 86_400).to_string(),
            "2026-12-01"
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
            trivyignore(&act)["vulnerabilities"][0]["id"],
            "CVE-2099-0002"
        );
        assert_eq!(
            openvex(&act, "2026-11-29T00:00:00Z")["statements"][0]["status"],
            "affected"
        );
    }
}
