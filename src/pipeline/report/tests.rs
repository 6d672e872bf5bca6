use super::html::escape;
use super::*;
use crate::pipeline::status::{ImageStatus, LastScan};
use crate::sbom::query::{Match, Undecided};

fn image(repository: &str, tag: &str, verdict: Verdict) -> ImageStatus {
    ImageStatus {
        repository: repository.into(),
        digest: format!("sha256:{}", "ab".repeat(32)),
        tags: vec![tag.into()],
        signers: match verdict {
            Verdict::Unsigned => vec![],
            _ => vec!["keys/cosign.pub".into()],
        },
        attestations: vec!["cyclonedx".into(), "vuln".into()],
        missing_attestations: vec![],
        scan: Some(LastScan {
            finished_on: "2026-12-01T10:00:09Z".into(),
            age_days: Some(3),
            scanner: Some("pkg:github/aquasecurity/trivy 0.59.1".into()),
            db: Some("2026-11-30T06:00:00Z".into()),
        }),
        sbom: true,
        verdict,
        reasons: match verdict {
            Verdict::Verified => vec![],
            _ => vec!["no signature by a trusted key".into()],
        },
    }
}

fn status(images: Vec<ImageStatus>) -> StatusReport {
    StatusReport {
        repositories: images.iter().map(|i| i.repository.clone()).collect(),
        images,
        failed: vec![],
    }
}

fn page(status: &StatusReport, affected: Option<Affected<'_>>) -> String {
    render(&Report {
        status,
        affected,
        judged_on: "2026-12-04".into(),
        generated_at: "2026-12-04T20:00:00Z".into(),
    })
}

/// Every way a page could reach the network, or load anything.
fn assert_self_contained(html: &str) {
    for needle in [
        "http://",
        "https://",
        "://",
        "<script src",
        "<link",
        "@import",
        "url(",
        "src=",
    ] {
        assert!(!html.contains(needle), "the page contains {needle:?}");
    }
}

#[test]
fn escape_makes_outside_text_inert() {
    assert_eq!(
        escape(r#"<script>alert("x")</script> & 'y'"#),
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
    );
    assert_eq!(escape("a\u{202e}b\nc"), "a\\u{202e}b\\nc");
    assert_eq!(
        escape("see https://evil.example/x"),
        "see https:/&#8203;/evil.example/x"
    );
    assert_eq!(
        escape("registry.example.com/production/api"),
        "registry.example.com/production/api"
    );
    // Every ASCII character and the usual troublemakers, alone and in pairs.
    let chars: Vec<char> = (0u8..128)
        .map(char::from)
        .chain(['\u{85}', '\u{2028}', '\u{202e}', '\u{feff}', 'é'])
        .collect();
    for a in &chars {
        for b in &chars {
            let text = format!("{a}{b}://{b}{a}");
            let shown = escape(&text);
            assert!(
                !shown.contains(['<', '>', '"', '\'']) && !shown.contains("://"),
                "{text:?} -> {shown:?}"
            );
        }
    }
}

#[test]
fn a_script_in_a_repository_tag_or_reason_is_shown_as_text() {
    let mut evil = image(
        "registry.example.com/production/<script>alert(1)</script>",
        "\"><script>alert(2)</script>",
        Verdict::Unsigned,
    );
    evil.reasons = vec!["<img onerror=alert(3)> at https://evil.example/".into()];
    evil.signers = vec!["<b>key</b>".into()];
    let report = status(vec![evil]);
    let html = page(&report, None);
    assert_eq!(
        html.matches("<script").count(),
        1,
        "only the page's own script"
    );
    assert!(!html.contains("<img"), "{html}");
    assert!(!html.contains("<b>key"), "{html}");
    assert!(html.contains("production/&lt;script&gt;alert(1)&lt;/script&gt;"));
    // Tags wrap after a slash: the `<wbr>` is the page's own.
    assert!(html.contains("&quot;&gt;&lt;script&gt;alert(2)&lt;/<wbr>script&gt;"));
    assert_self_contained(&html);
}

#[test]
fn an_affected_package_name_or_advisory_id_is_shown_as_text() {
    let report = status(vec![image(
        "r.example/production/web",
        "1.0",
        Verdict::Verified,
    )]);
    let answer = Answer {
        matches: vec![Match {
            repository: "r.example/production/web".into(),
            digest: format!("sha256:{}", "ab".repeat(32)),
            tags: vec!["1.0".into()],
            package: "<svg onload=alert(1)>".into(),
            version: "1.0<script>".into(),
            kind: "pypi".into(),
            purl: None,
            source: Some("</td><script>".into()),
            advisory_package: None,
        }],
        undecided: vec![Undecided {
            package: Match {
                repository: "r.example/production/other".into(),
                digest: "sha256:00".into(),
                tags: vec![],
                package: "p".into(),
                version: "<script>".into(),
                kind: "deb".into(),
                purl: None,
                source: None,
                advisory_package: None,
            },
            reason: "unparsable <script>".into(),
        }],
    };
    let html = page(
        &report,
        Some(Affected {
            question: "advisory <script>GHSA</script>",
            answer: &answer,
            images_indexed: 2,
        }),
    );
    assert_eq!(html.matches("<script").count(), 1, "{html}");
    assert_eq!(html.matches("<svg").count(), 1, "only the chart");
    assert!(html.contains("&lt;svg onload=alert(1)&gt;"));
    // The match is in production: its verdict is shown beside it.
    assert!(html.contains("<td class=\"production verified\" data-key=\"3\">verified</td>"));
    assert!(html.contains("1 image of the 2 indexed holds advisory &lt;script&gt;GHSA"));
    assert_self_contained(&html);
}

#[test]
fn the_chart_and_the_rows_hold_the_counts_and_verdicts() {
    let report = status(vec![
        image("r.example/production/web", "1.0", Verdict::Verified),
        image("r.example/production/rogue", "latest", Verdict::Unsigned),
        image("r.example/production/old", "2", Verdict::StaleScan),
        image("r.example/production/api", "3", Verdict::Verified),
    ]);
    assert_eq!(
        Counts::of(&report),
        Counts {
            verified: 2,
            unsigned: 1,
            missing_attestation: 0,
            stale_scan: 1
        }
    );
    let html = page(&report, None);
    for (verdict, count) in [
        ("verified", 2),
        ("unsigned", 1),
        ("missing_attestation", 0),
        ("stale_scan", 1),
    ] {
        assert!(
            html.contains(&format!(
                "data-verdict=\"{verdict}\" data-count=\"{count}\""
            )),
            "{verdict}: {html}"
        );
    }
    assert_eq!(html.matches("<tr class=\"image\"").count(), 4);
    assert!(html.contains("data-repository=\"r.example/production/rogue\""));
    assert!(html.contains("4 images, 2 verified, 2 failing"));
    assert!(!html.contains("id=\"affected\""));
    assert_self_contained(&html);
}

#[test]
fn the_csp_allows_exactly_the_pages_own_style_and_script() {
    let html = page(&status(vec![]), None);
    assert!(html.contains("No tagged images in production."));
    let csp_start = html.find("Content-Security-Policy").unwrap();
    let csp = &html[csp_start..html[csp_start..].find('>').unwrap() + csp_start];
    assert!(csp.contains("default-src 'none'"), "{csp}");
    let inline = |open: &str, close: &str| {
        let start = html.find(open).unwrap() + open.len();
        let end = start + html[start..].find(close).unwrap();
        html[start..end].to_string()
    };
    use base64::Engine as _;
    use sha2::Digest as _;
    for (open, close, directive) in [
        ("<style>", "</style>", "style-src"),
        ("<script>", "</script>", "script-src"),
    ] {
        let hash = base64::engine::general_purpose::STANDARD
            .encode(sha2::Sha256::digest(inline(open, close).as_bytes()));
        assert!(
            csp.contains(&format!("{directive} 'sha256-{hash}'")),
            "{directive}: {csp}"
        );
    }
}

#[test]
fn the_file_is_replaced_whole_and_a_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("report.html");
    write_atomically(&dest, b"one").unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), b"one");
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&dest).unwrap().permissions().mode() & 0o777,
            0o644
        );
        std::fs::set_permissions(&dest, std::fs::Permissions::from_mode(0o600)).unwrap();
        write_atomically(&dest, b"two").unwrap();
        assert_eq!(
            std::fs::metadata(&dest).unwrap().permissions().mode() & 0o777,
            0o600,
            "an existing file keeps its mode"
        );
    }
    assert_eq!(std::fs::read(&dest).unwrap(), b"two");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");

    let refused = write_atomically(dir.path(), b"x").unwrap_err();
    assert!(refused.to_string().contains("is a directory"), "{refused}");
    assert_eq!(refused.exit().code(), 2);
    let missing = write_atomically(&dir.path().join("no/such/report.html"), b"x").unwrap_err();
    assert_eq!(missing.exit().code(), 2);
}

#[test]
fn the_pages_own_style_and_script_load_nothing_and_end_where_they_should() {
    use super::assets::{SCRIPT, STYLE};
    for (name, text) in [("style", STYLE), ("script", SCRIPT)] {
        for needle in ["://", "@import", "url(", "</", "<!--", "src="] {
            assert!(!text.contains(needle), "{name} contains {needle:?}");
        }
    }
}
