//! Tests of `mod.rs`.
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
        crate::clock::rfc3339_secs(1_796_169_599),
        "2026-12-01T23:59:59Z"
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
