//! The page of `vimes report`, written by hand: every value from outside
//! vimes (repository names, tags, key names, package names and versions,
//! advisory ids, reasons, errors) goes through [`escape`]. The page holds no
//! URL: no external script, style sheet, font or image, and a `://` in
//! outside text is broken by a zero-width space. Its Content-Security-Policy
//! allows only its own style and script (by hash), so even a value that
//! escaped escaping could neither load nor run anything.

use super::assets::{SCRIPT, STYLE};
use super::{verdict_name, Counts, Report};
use crate::pipeline::status::{ImageStatus, LastScan, Verdict};
use crate::sbom::query::Match;
use base64::Engine as _;
use sha2::{Digest as _, Sha256};

/// `text` safe as HTML text or as a double- or single-quoted attribute value:
/// control and bidirectional characters shown as escapes (as on a terminal),
/// `& < > " '` as entities, and `://` broken so no URL appears.
pub fn escape(text: &str) -> String {
    let shown = crate::ui::escape::escape_control(text);
    let mut out = String::with_capacity(shown.len() + 8);
    for c in shown.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    match out.contains("://") {
        true => out.replace("://", ":/&#8203;/"),
        false => out,
    }
}

/// [`escape`]d, and breakable after each `/` (long repository names and
/// key paths wrap at their slashes, not mid-word).
fn breakable(text: &str) -> String {
    escape(text).replace('/', "/<wbr>")
}

/// The whole page.
pub fn render(report: &Report<'_>) -> String {
    let status = report.status;
    let counts = Counts::of(status);
    let mut page = String::with_capacity(16 * 1024 + status.images.len() * 1024);
    page.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    page.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    page.push_str(&format!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src '{}'; script-src '{}'; base-uri 'none'; form-action 'none'\">\n",
        csp_hash(STYLE),
        csp_hash(SCRIPT)
    ));
    page.push_str(&format!(
        "<meta name=\"generator\" content=\"vimes {}\">\n<title>vimes report: production on {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        env!("CARGO_PKG_VERSION"),
        escape(&report.judged_on)
    ));
    page.push_str(&header(report));
    page.push_str(&summary(report, &counts));
    page.push_str(&images_section(&status.images));
    if let Some(affected) = &report.affected {
        page.push_str(&affected_section(affected, &status.images));
    }
    page.push_str(&failed_section(&status.failed));
    page.push_str(&format!("<script>{SCRIPT}</script>\n</body>\n</html>\n"));
    page
}

/// `sha256-BASE64` of an inline element's text, for the page's CSP.
fn csp_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "sha256-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

fn header(report: &Report<'_>) -> String {
    let repositories = &report.status.repositories;
    let looked_at = match repositories.len() {
        0 => "no repositories".to_string(),
        1 => format!("1 repository: {}", escape(&repositories[0])),
        n => format!("{n} repositories"),
    };
    format!(
        "<header>\n<h1>Production status</h1>\n<p class=\"meta\">Judged on <time id=\"judged-on\">{}</time> \
         &middot; {looked_at} &middot; generated {} by vimes {}</p>\n</header>\n",
        escape(&report.judged_on),
        escape(&report.generated_at),
        env!("CARGO_PKG_VERSION"),
    )
}

fn summary(report: &Report<'_>, counts: &Counts) -> String {
    let images = report.status.images.len();
    let mut totals = format!(
        "{images} image{}, {} verified, {} failing",
        if images == 1 { "" } else { "s" },
        counts.verified,
        images - counts.verified
    );
    if !report.status.failed.is_empty() {
        totals.push_str(&format!(", {} unreadable", report.status.failed.len()));
    }
    if let Some(affected) = &report.affected {
        totals.push_str(&format!(
            "; {} affected by {}",
            affected.answer.image_count(),
            escape(affected.question)
        ));
    }
    format!(
        "<section id=\"summary\">\n<h2>Verdicts</h2>\n<p class=\"totals\" id=\"totals\">{totals}</p>\n{}</section>\n",
        chart(counts)
    )
}

/// A horizontal bar per verdict, the count beside it; inline SVG (no
/// namespace needed inside HTML).
fn chart(counts: &Counts) -> String {
    const LABEL: u32 = 170;
    const TRACK: u32 = 400;
    const ROW: u32 = 32;
    let each = counts.each();
    let max = each.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let described: Vec<String> = each
        .iter()
        .map(|(v, n)| format!("{n} {}", v.label()))
        .collect();
    let height = ROW * 4 + 8;
    let mut svg = format!(
        "<svg id=\"chart\" role=\"img\" aria-labelledby=\"chart-title\" viewBox=\"0 0 640 {height}\" width=\"640\" height=\"{height}\">\n\
         <title id=\"chart-title\">Verdicts: {}</title>\n",
        described.join(", ")
    );
    for (row, (verdict, count)) in (0u32..).zip(each) {
        let y = 4 + row * ROW;
        // At least a sliver for a non-zero count; whole pixels.
        let width = match count {
            0 => 0,
            n => (u64::from(TRACK) * n as u64 / max as u64).max(3),
        };
        let name = verdict_name(verdict);
        svg.push_str(&format!(
            "<g class=\"bar {name}\" data-verdict=\"{name}\" data-count=\"{count}\">\
             <text x=\"0\" y=\"{}\">{}</text>\
             <rect class=\"track\" x=\"{LABEL}\" y=\"{y}\" width=\"{TRACK}\" height=\"22\" rx=\"3\"></rect>\
             <rect class=\"value\" x=\"{LABEL}\" y=\"{y}\" width=\"{width}\" height=\"22\" rx=\"3\"></rect>\
             <text class=\"count\" x=\"{}\" y=\"{}\">{count}</text></g>\n",
            y + 16,
            verdict.label(),
            LABEL + TRACK + 10,
            y + 16,
        ));
    }
    svg.push_str("</svg>\n");
    svg
}

/// Worst first, as `status` orders verdicts: the sort key of a verdict cell.
fn rank(verdict: Verdict) -> u8 {
    match verdict {
        Verdict::Unsigned => 0,
        Verdict::MissingAttestation => 1,
        Verdict::StaleScan => 2,
        Verdict::Verified => 3,
    }
}

fn images_section(images: &[ImageStatus]) -> String {
    let mut out = String::from("<section id=\"images\">\n<h2>Images</h2>\n");
    if images.is_empty() {
        out.push_str(
            "<p class=\"none\" id=\"no-images\">No tagged images in production.</p>\n</section>\n",
        );
        return out;
    }
    out.push_str(
        "<div class=\"scroll\">\n<table class=\"sortable\" id=\"images-table\" data-name=\"images\">\n<thead><tr>",
    );
    for (column, title) in [
        ("repository", "Repository"),
        ("tags", "Tags"),
        ("verdict", "Verdict"),
        ("digest", "Digest"),
        ("signers", "Signed by"),
        ("attestations", "Attestations"),
        ("scan", "Last signed scan"),
        ("db", "Trivy DB"),
        ("sbom", "SBOM"),
    ] {
        out.push_str(&format!(
            "<th scope=\"col\" data-column=\"{column}\">{title}</th>"
        ));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for image in images {
        out.push_str(&image_row(image));
    }
    out.push_str("</tbody>\n</table>\n</div>\n</section>\n");
    out
}

fn image_row(image: &ImageStatus) -> String {
    let name = verdict_name(image.verdict);
    let reasons = match image.reasons.is_empty() {
        true => String::new(),
        false => format!(
            "<ul class=\"reasons\">{}</ul>",
            image
                .reasons
                .iter()
                .map(|r| format!("<li>{}</li>", escape(r)))
                .collect::<String>()
        ),
    };
    format!(
        "<tr class=\"image\" data-verdict=\"{name}\" data-repository=\"{}\" data-digest=\"{}\">\
         <td class=\"repository\">{}</td>{}\
         <td class=\"verdict {name}\" data-key=\"{}\">{}{reasons}</td>{}{}{}{}{}\
         <td class=\"sbom\">{}</td></tr>\n",
        escape(&image.repository),
        escape(&image.digest),
        breakable(&image.repository),
        list_cell("tags", &image.tags),
        rank(image.verdict),
        image.verdict.label(),
        digest_cell(&image.digest),
        list_cell("signers", &image.signers),
        list_cell("attestations", &image.attestations),
        scan_cell(image.scan.as_ref()),
        db_cell(image.scan.as_ref()),
        if image.sbom { "yes" } else { "no" },
    )
}

/// A cell of comma-separated values, `-` when there are none.
fn list_cell(class: &str, values: &[String]) -> String {
    match values.is_empty() {
        true => format!("<td class=\"{class}\" data-key=\"\"><span class=\"none\">-</span></td>"),
        false => format!(
            "<td class=\"{class}\">{}</td>",
            values
                .iter()
                .map(|v| breakable(v))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// `sha256:` and 12 hex digits shown, the whole digest in the title.
fn digest_cell(digest: &str) -> String {
    let short = digest.get(..19).unwrap_or(digest);
    format!(
        "<td class=\"digest\" data-key=\"{0}\"><code title=\"{0}\">{1}</code></td>",
        escape(digest),
        escape(short)
    )
}

fn scan_cell(scan: Option<&LastScan>) -> String {
    let Some(scan) = scan else {
        return "<td class=\"scan\" data-key=\"\"><span class=\"none\">none</span></td>".into();
    };
    let shown = match scan.age_days {
        Some(days) => format!(
            "{} ({days}d)",
            escape(scan.finished_on.get(..10).unwrap_or(&scan.finished_on))
        ),
        None => escape(&scan.finished_on),
    };
    let title = match &scan.scanner {
        Some(scanner) => format!(" title=\"{}\"", escape(scanner)),
        None => String::new(),
    };
    format!(
        "<td class=\"scan\" data-key=\"{}\"{title}>{shown}</td>",
        escape(&scan.finished_on)
    )
}

fn db_cell(scan: Option<&LastScan>) -> String {
    match scan.and_then(|s| s.db.as_deref()) {
        Some(db) => format!(
            "<td class=\"db\" data-key=\"{}\">{}</td>",
            escape(db),
            escape(db.get(..10).unwrap_or(db))
        ),
        None => "<td class=\"db\" data-key=\"\"><span class=\"none\">-</span></td>".into(),
    }
}

fn affected_section(affected: &super::Affected<'_>, production: &[ImageStatus]) -> String {
    let answer = affected.answer;
    let images = answer.image_count();
    let mut out = format!(
        "<section id=\"affected\">\n<h2>Affected images: {}</h2>\n<p class=\"totals\" id=\"affected-totals\">",
        escape(affected.question)
    );
    out.push_str(&match images {
        0 => format!(
            "No image among the {} indexed holds {}.</p>\n",
            affected.images_indexed,
            escape(affected.question)
        ),
        n => format!(
            "{n} image{} of the {} indexed hold{} {}.</p>\n",
            if n == 1 { "" } else { "s" },
            affected.images_indexed,
            if n == 1 { "s" } else { "" },
            escape(affected.question)
        ),
    });
    if !answer.matches.is_empty() {
        out.push_str(
            "<div class=\"scroll\">\n<table class=\"sortable\" id=\"affected-table\" data-name=\"affected\">\n<thead><tr>",
        );
        for (column, title) in [
            ("repository", "Repository"),
            ("digest", "Digest"),
            ("tags", "Tags"),
            ("package", "Package"),
            ("version", "Version"),
            ("type", "Type"),
            ("production", "In production"),
        ] {
            out.push_str(&format!(
                "<th scope=\"col\" data-column=\"{column}\">{title}</th>"
            ));
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for found in &answer.matches {
            out.push_str(&affected_row(found, production));
        }
        out.push_str("</tbody>\n</table>\n</div>\n");
    }
    if !answer.undecided.is_empty() {
        out.push_str(
            "<h3>Undecided</h3>\n<p>Versions that could not be compared: neither included nor excluded.</p>\n<ul class=\"undecided\">\n",
        );
        for u in &answer.undecided {
            let p = &u.package;
            out.push_str(&format!(
                "<li><code>{}@{}</code> {} {}: {}</li>\n",
                escape(&p.repository),
                escape(&p.digest),
                escape(&p.package),
                escape(&p.version),
                escape(&u.reason)
            ));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n");
    out
}

fn affected_row(found: &Match, production: &[ImageStatus]) -> String {
    let package = match &found.source {
        Some(source) => format!("{} (source {})", escape(&found.package), escape(source)),
        None => escape(&found.package),
    };
    let judged = production
        .iter()
        .find(|i| i.repository == found.repository && i.digest == found.digest);
    let in_production = match judged {
        Some(image) => {
            let name = verdict_name(image.verdict);
            format!(
                "<td class=\"production {name}\" data-key=\"{}\">{}</td>",
                rank(image.verdict),
                image.verdict.label()
            )
        }
        None => "<td class=\"production absent\" data-key=\"9\">not in production</td>".into(),
    };
    format!(
        "<tr class=\"match\" data-repository=\"{}\" data-digest=\"{}\" data-package=\"{}\">\
         <td class=\"repository\">{}</td>{}{}<td class=\"package\">{package}</td>\
         <td class=\"version\">{}</td><td class=\"type\">{}</td>{in_production}</tr>\n",
        escape(&found.repository),
        escape(&found.digest),
        escape(&found.package),
        breakable(&found.repository),
        digest_cell(&found.digest),
        list_cell("tags", &found.tags),
        escape(&found.version),
        escape(&found.kind),
    )
}

fn failed_section(failed: &[(String, crate::error::Error)]) -> String {
    if failed.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "<section id=\"failed\">\n<h2>Could not be read</h2>\n<ul class=\"failed\">\n",
    );
    for (what, error) in failed {
        out.push_str(&format!(
            "<li><code>{}</code>: {} (exit {})</li>\n",
            escape(what),
            escape(&error.to_string()),
            error.exit().code()
        ));
    }
    out.push_str("</ul>\n</section>\n");
    out
}
