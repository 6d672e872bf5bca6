//! Harbor >= 2.8's OCI referrers API (distribution-spec v1.1): a manifest
//! pushed with a `subject` is indexed and the push answered with
//! `OCI-Subject`; `GET /v2/<name>/referrers/<digest>` lists the index
//! (`artifactType` filter applied and announced with `OCI-Filters-Applied`).

use super::*;

/// Records the manifest pushed at `path` when it has a subject; returns the
/// subject digest for the `OCI-Subject` header.
pub(super) fn index(shared: &Shared, path: &str, media_type: &str, body: &[u8]) -> Option<String> {
    let (repo, _, _) = super::v2::split_v2(path)?;
    let doc: Value = serde_json::from_slice(body).ok()?;
    let subject = doc.pointer("/subject/digest")?.as_str()?.to_string();
    let digest = crate::support::sha256_digest(body);
    let artifact_type = doc
        .get("artifactType")
        .or_else(|| doc.pointer("/config/mediaType"))
        .cloned()
        .unwrap_or(Value::Null);
    let mut entry = json!({
        "mediaType": doc.get("mediaType").and_then(Value::as_str).unwrap_or(media_type),
        "digest": digest,
        "size": body.len(),
        "artifactType": artifact_type,
    });
    if let Some(annotations) = doc.get("annotations") {
        entry["annotations"] = annotations.clone();
    }
    let mut state = shared.state();
    let list = state.referrers.entry((repo, subject.clone())).or_default();
    if !list.iter().any(|e| e["digest"] == entry["digest"]) {
        list.push(entry);
    }
    Some(subject)
}

/// The referrers index of `subject` in `repo`.
pub(super) fn list(shared: &Shared, repo: &str, subject: &str, target: &str) -> Reply {
    if !subject.starts_with("sha256:") || subject.len() != 71 {
        return Reply::error(400, "DIGEST_INVALID", "invalid digest");
    }
    let query = parse_query(target.split_once('?').map_or("", |(_, q)| q));
    let wanted = query
        .iter()
        .find(|(k, _)| k == "artifactType")
        .map(|(_, v)| v.clone());
    let mut manifests = shared
        .state()
        .referrers
        .get(&(repo.to_string(), subject.to_string()))
        .cloned()
        .unwrap_or_default();
    if let Some(t) = &wanted {
        manifests.retain(|e| e["artifactType"].as_str() == Some(t.as_str()));
    }
    let body = json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": manifests,
    });
    let mut reply = Reply::json(200, &body);
    reply.headers = vec![(
        "Content-Type".into(),
        "application/vnd.oci.image.index.v1+json".into(),
    )];
    if wanted.is_some() {
        reply = reply.header("OCI-Filters-Applied", "artifactType");
    }
    reply
}
