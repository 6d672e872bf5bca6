//! The fake's artifact endpoints: read by tag or digest (with tags and scan
//! overview), add a tag, scan, and the vulnerability report.

use super::super::v2::{
    backend_digest, backend_manifest, backend_put_manifest, backend_tags, tags_of,
};
use super::*;

/// (repository full name, digest) of an existing artifact, or 404.
fn artifact(cx: &Cx, p: &str, r: &str, reference: &str) -> Result<(String, String), Reply> {
    cx.project(p, true)?;
    let repo = format!("{p}/{}", percent_decode(r));
    match backend_digest(cx.shared, &repo, reference) {
        Some((digest, _)) => Ok((repo, digest)),
        None => Err(Reply::error(
            404,
            "NOT_FOUND",
            &format!("artifact {repo}:{reference} not found"),
        )),
    }
}

fn severity_rank(word: &str) -> u8 {
    match word.to_ascii_lowercase().as_str() {
        "none" => 0,
        "unknown" => 1,
        "negligible" => 2,
        "low" => 3,
        "medium" => 4,
        "high" => 5,
        _ => 6,
    }
}

/// The highest severity in a report's findings (`None` when clean).
pub(crate) fn report_severity(vulns: &Value) -> Option<(u8, String)> {
    vulns
        .as_array()?
        .iter()
        .filter_map(|v| v["severity"].as_str())
        .map(|s| (severity_rank(s), s.to_string()))
        .max()
}

pub(crate) fn threshold_rank(word: &str) -> u8 {
    severity_rank(word)
}

fn overview(state: &mut State, digest: &str) -> Option<Value> {
    let scan = state.scans.get_mut(digest)?;
    if let ScanState::Running {
        polls_left: Some(left),
        fails,
        ..
    } = scan
    {
        if *left <= 1 {
            *scan = if *fails {
                ScanState::Error
            } else {
                ScanState::Success
            };
        } else {
            *left -= 1;
        }
    }
    let (status, percent) = match state.scans.get(digest)? {
        ScanState::Running {
            polls_left, total, ..
        } => {
            let left = polls_left.unwrap_or(*total);
            ("Running", 100 * (total - left.min(*total)) / total.max(&1))
        }
        ScanState::Success => ("Success", 100),
        ScanState::Error => ("Error", 0),
    };
    let vulns = state.reports.get(digest).cloned().unwrap_or(json!([]));
    let severity = report_severity(&vulns).map_or("None".to_string(), |(_, s)| s);
    Some(json!({ VULN_MIME: {
        "report_id": format!("report-{}", &digest[digest.len().saturating_sub(8)..]),
        "scan_status": status, "complete_percent": percent, "severity": severity,
        "scanner": scanner(),
        "summary": {"total": vulns.as_array().map_or(0, Vec::len), "fixable": 0, "summary": {}},
    }}))
}

fn scanner() -> Value {
    json!({"name": "Trivy", "vendor": "Aqua Security", "version": "v0.59.1"})
}

pub(super) fn get_artifact(cx: &Cx, p: &str, r: &str, reference: &str) -> Answer {
    cx.reader(p)?;
    let (repo, digest) = artifact(cx, p, r, reference)?;
    let mut out = json!({
        "id": 1, "digest": digest, "repository_name": repo, "type": "IMAGE",
        "media_type": "application/vnd.oci.image.config.v1+json",
        "push_time": "2026-01-01T00:00:00.000Z",
        "addition_links": {"vulnerabilities": {"absolute": false, "href":
            format!("/api/v2.0/projects/{p}/repositories/{r}/artifacts/{digest}/additions/vulnerabilities")}},
    });
    if cx.flag("with_tag", true) {
        let immutable = cx.flag("with_immutable_status", false);
        let tags: Vec<Value> = tags_of(cx.shared, &repo, &digest)
            .into_iter()
            .map(|t| {
                let frozen = immutable && super::super::v2::is_immutable(cx.shared, &repo, &t);
                json!({"name": t, "immutable": frozen, "push_time": "2026-01-01T00:00:00.000Z"})
            })
            .collect();
        out["tags"] = Value::Array(tags);
    }
    if cx.flag("with_scan_overview", false) {
        if let Some(o) = overview(&mut cx.shared.state(), &digest) {
            out["scan_overview"] = o;
        }
    }
    Ok(Reply::json(200, &out))
}

pub(super) fn add_tag(cx: &Cx, p: &str, r: &str, reference: &str) -> Answer {
    cx.may(p, "tag", "create")?;
    let (repo, digest) = artifact(cx, p, r, reference)?;
    let tag = cx.body()?["name"].as_str().unwrap_or_default().to_string();
    if tag.is_empty() {
        return Err(Reply::error(
            422,
            "UNPROCESSABLE_ENTITY",
            "name is required",
        ));
    }
    if backend_tags(cx.shared, &repo).contains(&tag) {
        return Err(Reply::error(
            409,
            "CONFLICT",
            &format!("tag {tag} already exists in {repo}"),
        ));
    }
    let (media_type, bytes) = backend_manifest(cx.shared, &repo, &digest)
        .ok_or_else(|| Reply::error(500, "UNKNOWN", "manifest vanished"))?;
    if !backend_put_manifest(cx.shared, &repo, &tag, &media_type, bytes) {
        return Err(Reply::error(500, "UNKNOWN", "backend refused the tag"));
    }
    Ok(Reply::empty(201))
}

pub(super) fn scan(cx: &Cx, p: &str, r: &str, reference: &str) -> Answer {
    cx.may(p, "scan", "create")?;
    let (_, digest) = artifact(cx, p, r, reference)?;
    if let Some(body) = cx.body {
        let kind = body["scan_type"].as_str().unwrap_or("vulnerability");
        if !matches!(kind, "vulnerability" | "sbom") {
            return Err(Reply::error(400, "BAD_REQUEST", "unknown scan_type"));
        }
    }
    let mut state = cx.shared.state();
    if matches!(state.scans.get(&digest), Some(ScanState::Running { .. })) {
        return Err(Reply::error(409, "CONFLICT", "a scan is already running"));
    }
    let running = match state.scan_behaviour {
        ScanBehaviour::CompleteAfterPolls(n) => ScanState::Running {
            polls_left: Some(n.max(1)),
            total: n.max(1) + 1,
            fails: false,
        },
        ScanBehaviour::Fail => ScanState::Running {
            polls_left: Some(1),
            total: 2,
            fails: true,
        },
        ScanBehaviour::Never => ScanState::Running {
            polls_left: None,
            total: 10,
            fails: false,
        },
    };
    state.scans.insert(digest, running);
    Ok(Reply::empty(202))
}

pub(super) fn vulnerabilities(cx: &Cx, p: &str, r: &str, reference: &str) -> Answer {
    cx.may(p, "artifact-addition", "read")?;
    let (_, digest) = artifact(cx, p, r, reference)?;
    let state = cx.shared.state();
    if !matches!(state.scans.get(&digest), Some(ScanState::Success)) {
        return Ok(Reply::json(200, &json!({})));
    }
    let vulns = state.reports.get(&digest).cloned().unwrap_or(json!([]));
    let severity = report_severity(&vulns).map_or("None".to_string(), |(_, s)| s);
    Ok(Reply::json(
        200,
        &json!({ VULN_MIME: {
            "generated_at": "2026-01-01T00:00:00Z", "scanner": scanner(),
            "severity": severity, "vulnerabilities": vulns,
        }}),
    ))
}
