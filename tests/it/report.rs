//! `vimes report`: the production status (and the inventory's affected
//! images) as one self-contained HTML page, against the real registries of
//! the promotion bed, rendered in Debian's headless Chromium: the page loads
//! with no network, its script sorts the tables, and it shows the right rows
//! and counts.

use crate::promote::setup;
use crate::support::oci::{push_image, TestImage};
use crate::support::require_tool;
use crate::support::trivy::build_fixture_image;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long one Chromium run may take.
const CHROMIUM_TIMEOUT: Duration = Duration::from_secs(60);

/// Runs headless Chromium on `url` with a profile of its own (HOME too) in a
/// fresh temp dir, killed after [`CHROMIUM_TIMEOUT`]; its stdout.
fn chromium(url: &str, extra: &[&str]) -> String {
    let profile = tempfile::Builder::new()
        .prefix("vimes-chromium-")
        .tempdir()
        .unwrap();
    let mut child = Command::new("chromium")
        .args(["--headless", "--no-sandbox", "--disable-gpu"])
        .args(["--no-first-run", "--disable-extensions", "--disable-sync"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(url)
        .env("HOME", profile.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start chromium");
    let stdout = reader(child.stdout.take());
    let stderr = reader(child.stderr.take());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("poll chromium") {
            break status;
        }
        if started.elapsed() > CHROMIUM_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium {extra:?} {url} did not finish within {CHROMIUM_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let (stdout, stderr) = (stdout.join().unwrap(), stderr.join().unwrap());
    assert!(
        status.success(),
        "chromium {extra:?} {url}: {status}\n{stderr}"
    );
    stdout
}

fn reader<R: std::io::Read + Send + 'static>(pipe: Option<R>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(mut p) = pipe {
            let _ = p.read_to_end(&mut buf);
        }
        String::from_utf8_lossy(&buf).into_owned()
    })
}

/// The DOM after the page's script ran (`fragment` selects a sort order).
fn rendered_dom(page: &Path, fragment: &str) -> String {
    let url = format!("file://{}{fragment}", page.display());
    let dom = chromium(&url, &["--virtual-time-budget=2000", "--dump-dom"]);
    assert!(dom.contains("</html>"), "no DOM dumped:\n{dom}");
    dom
}

/// A PNG of the page as Chromium draws it; its size.
fn screenshot(page: &Path) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("report.png");
    chromium(
        &format!("file://{}", page.display()),
        &[
            &format!("--screenshot={}", png.display()),
            "--window-size=1280,900",
            "--hide-scrollbars",
        ],
    );
    let bytes = std::fs::read(&png).unwrap_or_else(|e| panic!("no screenshot: {e}"));
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "not a PNG: {} bytes",
        bytes.len()
    );
    bytes.len()
}

/// Nothing in the page can reach the network or load anything.
fn assert_self_contained(html: &str) {
    for needle in [
        "http://",
        "https://",
        "<script src",
        "<link",
        "@import",
        "url(",
    ] {
        assert!(!html.contains(needle), "the page contains {needle:?}");
    }
}

/// The `<tr ...>...</tr>` rows of the table `id`, in the DOM's order.
fn rows<'a>(dom: &'a str, id: &str) -> Vec<&'a str> {
    let start = dom
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no table {id} in\n{dom}"));
    let end = start + dom[start..].find("</table>").unwrap();
    let body = &dom[start..end];
    let body = &body[body.find("<tbody>").unwrap()..];
    body.split("<tr ")
        .skip(1)
        .map(|r| r.split("</tr>").next().unwrap())
        .collect()
}

/// The one row naming `repository` (the path under the host).
fn row<'a>(rows: &[&'a str], repository: &str) -> &'a str {
    let found: Vec<&str> = rows
        .iter()
        .copied()
        .filter(|r| {
            r.split("data-repository=\"")
                .nth(1)
                .and_then(|v| v.split('"').next())
                .is_some_and(|v| v.ends_with(&format!("/{repository}")))
        })
        .collect();
    assert_eq!(found.len(), 1, "{repository} rows: {rows:#?}");
    found[0]
}

fn chart_count(dom: &str, verdict: &str) -> String {
    let at = dom
        .find(&format!("class=\"bar {verdict}\""))
        .unwrap_or_else(|| panic!("no {verdict} bar in\n{dom}"));
    let bar = &dom[at..at + dom[at..].find("</g>").unwrap()];
    bar.split("data-count=\"")
        .nth(1)
        .and_then(|v| v.split('"').next())
        .unwrap_or_else(|| panic!("no count in {bar}"))
        .to_string()
}

#[test]
fn report_renders_production_in_headless_chromium_with_the_rows_and_counts() {
    if !require_tool("chromium") {
        return;
    }
    let Some(mut b) = setup("policy:\n  max_scan_age_days: 7\n") else {
        return;
    };
    let digest = build_fixture_image(&b.staging, "clean", "staging/web", "1.0");
    b.env.run(&["--yes", "promote", "web:1.0"]).assert_code(0);
    // Pushed straight to production, around vimes.
    let rogue = TestImage::random(71, 1, 1024);
    push_image(&b.production, "production/rogue", Some("latest"), &rogue);
    b.env.env("VIMES_TODAY", "2026-12-04");
    std::fs::create_dir_all(b.env.path("out")).unwrap();

    let out = b
        .env
        .run(&["--output", "json", "report", "-o", "out/report.html"]);
    // An unsigned image: exit 1, and the page is written all the same.
    out.assert_code(1);
    let summary = out.json();
    assert_eq!(summary["images"], 2, "{summary}");
    assert_eq!(summary["verified"], false);
    assert_eq!(
        summary["counts"],
        serde_json::json!({"verified": 1, "unsigned": 1, "missing_attestation": 0, "stale_scan": 0})
    );
    assert!(summary["file"]
        .as_str()
        .unwrap()
        .ends_with("out/report.html"));
    assert_eq!(summary["affected"], Value::Null);
    let page = b.env.path("out/report.html");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_self_contained(&html);
    assert!(html.contains("2026-12-04"), "judged on VIMES_TODAY");
    // Every row is in the markup itself: nothing depends on the script.
    assert_eq!(rows(&html, "images-table").len(), 2);
    // Nothing left beside it but the page.
    let names: Vec<_> = std::fs::read_dir(b.env.path("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["report.html"]);

    // In the browser, sorted by verdict, best first, by the page's script.
    let dom = rendered_dom(&page, "#sort=images.verdict.desc");
    assert_self_contained(&dom);
    assert!(
        dom.contains("data-column=\"verdict\" aria-sort=\"descending\""),
        "the script did not sort:\n{dom}"
    );
    let images = rows(&dom, "images-table");
    assert_eq!(images.len(), 2, "{images:#?}");
    let web = row(&images, "production/web");
    assert!(web.contains("data-verdict=\"verified\""), "{web}");
    assert!(web.contains(&format!("data-digest=\"{digest}\"")), "{web}");
    assert!(web.contains("cosign.pub"), "{web}");
    assert!(web.contains(">1.0<"), "{web}");
    let rogue_row = row(&images, "production/rogue");
    assert!(
        rogue_row.contains("data-verdict=\"unsigned\""),
        "{rogue_row}"
    );
    assert!(rogue_row.contains(&format!("data-digest=\"{}\"", rogue.digest)));
    assert!(
        images[0].contains("production/web"),
        "verified first: {images:#?}"
    );
    // Ascending: worst first.
    let worst_first = rows(&rendered_dom(&page, "#sort=images.verdict"), "images-table")
        .iter()
        .map(|r| r.contains("production/rogue"))
        .collect::<Vec<_>>();
    assert_eq!(worst_first, [true, false]);
    assert_eq!(chart_count(&dom, "verified"), "1");
    assert_eq!(chart_count(&dom, "unsigned"), "1");
    assert_eq!(chart_count(&dom, "missing_attestation"), "0");
    assert_eq!(chart_count(&dom, "stale_scan"), "0");
    assert!(dom.contains("2 images, 1 verified, 1 failing"), "{dom}");
    assert!(screenshot(&page) > 2_000);

    // For people: one line on stdout; the file replaced whole.
    let text = b.env.run(&["report", "--output-file", "out/report.html"]);
    text.assert_code(1);
    text.assert_stdout_contains("Wrote out/report.html: 2 images, 1 verified, 1 failing");
    // The promoted repository alone passes.
    b.env
        .run(&["report", "web", "-o", "out/web.html"])
        .assert_code(0);
    assert_eq!(rows(&b.env.read("out/web.html"), "images-table").len(), 1);
    // No file: the page on stdout, the summary on stderr.
    let piped = b.env.run(&["report", "web", "-o", "-"]);
    piped.assert_code(0);
    assert!(
        piped.stdout.starts_with("<!DOCTYPE html>"),
        "{}",
        piped.dump()
    );
    piped.assert_stderr_contains("1 image, 1 verified, 0 failing");

    // Refused before any registry is read: a directory, a missing directory,
    // JSON without a file.
    let dir = b.env.run(&["report", "-o", "out"]);
    dir.assert_code(2);
    dir.assert_stderr_contains("is a directory");
    b.env
        .run(&["report", "-o", "no/such/dir/report.html"])
        .assert_code(2);
    b.env.run(&["--output", "json", "report"]).assert_code(2);
    // A registry that does not answer: exit 4 (not "unsigned"), and the page
    // says what could not be read.
    b.env
        .run(&[
            "report",
            "127.0.0.1:1/production/web",
            "-o",
            "out/down.html",
        ])
        .assert_code(4);
    let down = b.env.read("out/down.html");
    assert!(down.contains("<h2>Could not be read</h2>"), "{down}");
    assert!(
        down.contains("<code>127.0.0.1:1/production/web</code>"),
        "{down}"
    );
    assert!(down.contains("(exit 4)"), "{down}");
    assert_self_contained(&down);
}

#[test]
fn report_lists_the_inventorys_images_holding_a_package_or_an_advisorys_versions() {
    if !require_tool("chromium") {
        return;
    }
    let Some(mut b) = setup("sbom:\n  inventory: state/inventory.db\n") else {
        return;
    };
    let digest = build_fixture_image(&b.staging, "clean", "staging/web", "1.0");
    // The promotion files the image's SBOM (requests 2.31.0) in the inventory.
    b.env.run(&["--yes", "promote", "web:1.0"]).assert_code(0);

    // Every image verified, but the inventory holds what was asked: exit 1.
    let out = b.env.run(&[
        "--output",
        "json",
        "report",
        "web",
        "--package",
        "requests",
        "-o",
        "requests.html",
    ]);
    out.assert_code(1);
    let summary = out.json();
    assert_eq!(summary["verified"], true, "{summary}");
    assert_eq!(summary["affected"]["images"], 1, "{summary}");
    assert_eq!(summary["affected"]["images_indexed"], 1, "{summary}");
    assert_eq!(summary["affected"]["query"]["package"], "requests");
    let page = b.env.path("requests.html");
    assert_self_contained(&std::fs::read_to_string(&page).unwrap());
    let dom = rendered_dom(&page, "");
    let affected = rows(&dom, "affected-table");
    assert_eq!(affected.len(), 1, "{affected:#?}");
    let web = row(&affected, "production/web");
    assert!(web.contains("data-package=\"requests\""), "{web}");
    assert!(web.contains(&format!("data-digest=\"{digest}\"")), "{web}");
    assert!(web.contains(">2.31.0<"), "{web}");
    assert!(web.contains(">pypi<"), "{web}");
    assert!(
        web.contains("class=\"production verified\""),
        "its production verdict beside it: {web}"
    );
    assert!(
        dom.contains("1 image of the 1 indexed holds requests."),
        "{dom}"
    );

    // A range it is outside: nothing found, exit 0, said on the page.
    let none = b.env.run(&[
        "report",
        "web",
        "--package",
        "requests",
        "--version",
        "<2.0",
        "--type",
        "pypi",
        "-o",
        "none.html",
    ]);
    none.assert_code(0);
    let html = b.env.read("none.html");
    assert!(
        html.contains("No image among the 1 indexed holds requests &lt;2.0."),
        "{html}"
    );
    assert!(!html.contains("id=\"affected-table\""));

    // An OSV advisory listing the installed version.
    b.env.write(
        "advisory.json",
        r#"{"schema_version": "1.6.0", "id": "VIMES-TEST-2026-0007", "modified": "2026-12-01T00:00:00Z",
            "summary": "Test advisory; see https://example.invalid/advisory",
            "affected": [{"package": {"ecosystem": "PyPI", "name": "requests"},
                          "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "2.0"}, {"fixed": "2.32.0"}]}]}]}"#,
    );
    let out = b.env.run(&[
        "--output",
        "json",
        "report",
        "--advisory",
        "advisory.json",
        "-o",
        "advisory.html",
    ]);
    out.assert_code(1);
    assert_eq!(
        out.json()["affected"]["query"]["advisory"],
        "VIMES-TEST-2026-0007"
    );
    let page = b.env.path("advisory.html");
    let html = std::fs::read_to_string(&page).unwrap();
    assert_self_contained(&html);
    let dom = rendered_dom(&page, "#sort=affected.version.desc");
    assert!(
        dom.contains("Affected images: advisory VIMES-TEST-2026-0007"),
        "{dom}"
    );
    let affected = rows(&dom, "affected-table");
    assert_eq!(affected.len(), 1, "{affected:#?}");
    assert!(row(&affected, "production/web").contains("data-package=\"requests\""));

    // Bad input: exit 2, as for sbom query.
    b.env
        .run(&[
            "report",
            "--package",
            "requests",
            "--version",
            "<<1",
            "-o",
            "x.html",
        ])
        .assert_code(2);
    b.env
        .run(&["report", "--advisory", "missing.json", "-o", "x.html"])
        .assert_code(2);
    b.env
        .run(&["report", "--package", "a", "--advisory", "advisory.json"])
        .assert_code(2);
}
