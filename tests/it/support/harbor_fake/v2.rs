//! The fake's `/v2/`: a streaming proxy to the backing docker-registry that
//! applies Harbor's registry-side rules first: a tag matching an immutable
//! rule cannot be overwritten or deleted (412 PRECONDITION; pushes by digest
//! are never checked), and `prevent_vul` / `enable_content_trust_cosign`
//! refuse manifest pulls (412 PROJECTPOLICYVIOLATION). Like Harbor >= 2.8 it
//! implements the OCI referrers API: a manifest pushed with a `subject` is
//! indexed (answered with `OCI-Subject`) and listed at
//! `GET /v2/<name>/referrers/<digest>` (see `referrers`).

use super::api::{report_severity, threshold_rank};
use super::*;

const MANIFEST_ACCEPT: &str = "application/vnd.oci.image.manifest.v1+json, \
    application/vnd.oci.image.index.v1+json, \
    application/vnd.docker.distribution.manifest.v2+json, \
    application/vnd.docker.distribution.manifest.list.v2+json";

/// Headers never copied between the two connections.
const HOP: &[&str] = &[
    "host",
    "connection",
    "content-length",
    "transfer-encoding",
    "authorization",
    "expect",
    "keep-alive",
    "date",
    "server",
];

/// `(digest, media type)` of a manifest in the backing registry.
pub(super) fn backend_digest(
    shared: &Shared,
    repo: &str,
    reference: &str,
) -> Option<(String, String)> {
    let resp = shared
        .http
        .head(format!(
            "{}/v2/{repo}/manifests/{reference}",
            shared.backend
        ))
        .header("Accept", MANIFEST_ACCEPT)
        .send()
        .ok()?;
    if !resp.status().is_success() {
        return None;
    }
    let get = |h: &str| {
        resp.headers()
            .get(h)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    Some((
        get("docker-content-digest")?,
        get("content-type").unwrap_or_default(),
    ))
}

/// Tags of a repository in the backing registry.
pub(super) fn backend_tags(shared: &Shared, repo: &str) -> Vec<String> {
    let Ok(resp) = shared
        .http
        .get(format!("{}/v2/{repo}/tags/list?n=10000", shared.backend))
        .send()
    else {
        return Vec::new();
    };
    resp.json::<Value>()
        .ok()
        .and_then(|v| v["tags"].as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|t| t.as_str().map(str::to_string))
        .collect()
}

/// Every repository of the backing registry.
pub(super) fn backend_repositories(shared: &Shared) -> Vec<String> {
    let Ok(resp) = shared
        .http
        .get(format!("{}/v2/_catalog?n=1000", shared.backend))
        .send()
    else {
        return Vec::new();
    };
    resp.json::<Value>()
        .ok()
        .and_then(|v| v["repositories"].as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|t| t.as_str().map(str::to_string))
        .collect()
}

/// The tags naming `digest`.
pub(super) fn tags_of(shared: &Shared, repo: &str, digest: &str) -> Vec<String> {
    let mut tags: Vec<String> = backend_tags(shared, repo)
        .into_iter()
        .filter(|t| backend_digest(shared, repo, t).is_some_and(|(d, _)| d == digest))
        .collect();
    tags.sort();
    tags
}

/// `(media type, bytes)` of a manifest.
pub(super) fn backend_manifest(
    shared: &Shared,
    repo: &str,
    reference: &str,
) -> Option<(String, Vec<u8>)> {
    let resp = shared
        .http
        .get(format!(
            "{}/v2/{repo}/manifests/{reference}",
            shared.backend
        ))
        .header("Accept", MANIFEST_ACCEPT)
        .send()
        .ok()?;
    if !resp.status().is_success() {
        return None;
    }
    let media_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    Some((media_type, resp.bytes().ok()?.to_vec()))
}

/// PUTs a manifest under `tag` in the backing registry.
pub(super) fn backend_put_manifest(
    shared: &Shared,
    repo: &str,
    tag: &str,
    media_type: &str,
    bytes: Vec<u8>,
) -> bool {
    shared
        .http
        .put(format!("{}/v2/{repo}/manifests/{tag}", shared.backend))
        .header("Content-Type", media_type)
        .body(bytes)
        .send()
        .is_ok_and(|r| r.status().is_success())
}

/// Doublestar matching: `*`/`?` stop at `/`, `**` does not, `{a,b}` alternatives.
pub(super) fn glob(pattern: &str, text: &str) -> bool {
    if let (Some(open), Some(close)) = (pattern.find('{'), pattern.find('}')) {
        if open < close {
            return pattern[open + 1..close].split(',').any(|alt| {
                glob(
                    &format!("{}{alt}{}", &pattern[..open], &pattern[close + 1..]),
                    text,
                )
            });
        }
    }
    fn go(p: &[u8], t: &[u8]) -> bool {
        match p {
            [] => t.is_empty(),
            [b'*', b'*', rest @ ..] => (0..=t.len()).any(|i| go(rest, &t[i..])),
            [b'*', rest @ ..] => (0..=t.len())
                .take_while(|&i| i == 0 || t[i - 1] != b'/')
                .any(|i| go(rest, &t[i..])),
            [b'?', rest @ ..] => t.first().is_some_and(|c| *c != b'/') && go(rest, &t[1..]),
            [c, rest @ ..] => t.first() == Some(c) && go(rest, &t[1..]),
        }
    }
    go(pattern.as_bytes(), text.as_bytes())
}

fn selector_hit(selector: &Value, text: &str) -> bool {
    let hit = glob(selector["pattern"].as_str().unwrap_or_default(), text);
    match selector["decoration"].as_str().unwrap_or_default() {
        "matches" | "repoMatches" => hit,
        "excludes" | "repoExcludes" => !hit,
        _ => false,
    }
}

/// Whether an enabled rule of the project makes `repo:tag` immutable
/// (first repository selector and first tag selector only, rules OR-ed).
pub(super) fn is_immutable(shared: &Shared, repo: &str, tag: &str) -> bool {
    let Some((project, inner)) = repo.split_once('/') else {
        return false;
    };
    let state = shared.state();
    let Some(p) = state.projects.get(project) else {
        return false;
    };
    p.rules.iter().any(|rule| {
        rule["disabled"] != true
            && selector_hit(&rule["scope_selectors"]["repository"][0], inner)
            && selector_hit(&rule["tag_selectors"][0], tag)
    })
}

fn is_digest(reference: &str) -> bool {
    reference.starts_with("sha256:")
}

/// `(repository, kind, rest)` of `/v2/<repo>/<kind>/<rest>`.
pub(super) fn split_v2(path: &str) -> Option<(String, &'static str, String)> {
    let inner = path.strip_prefix("/v2/")?;
    for kind in ["manifests", "blobs", "tags", "referrers"] {
        if let Some(pos) = inner.find(&format!("/{kind}/")) {
            let rest = &inner[pos + kind.len() + 2..];
            return Some((inner[..pos].to_string(), kind, rest.to_string()));
        }
    }
    None
}

/// Harbor's checks before the request reaches the registry.
fn policy(shared: &Shared, method: &str, path: &str) -> Option<Reply> {
    let (repo, kind, reference) = split_v2(path)?;
    let project = repo.split('/').next().unwrap_or_default().to_string();
    let metadata = shared
        .state()
        .projects
        .get(&project)
        .map(|p| p.metadata.clone());
    let Some(metadata) = metadata else {
        if method != "GET" && method != "HEAD" {
            return Some(Reply::error(
                404,
                "NOT_FOUND",
                &format!("project {project} not found"),
            ));
        }
        return None;
    };
    if kind != "manifests" {
        return None;
    }
    let frozen = |r: &str| {
        Reply::error(
            412,
            "PRECONDITION",
            &format!("Failed to process request due to '{repo}:{r}' configured as immutable."),
        )
    };
    match method {
        "PUT" if !is_digest(&reference) => {
            let exists = backend_digest(shared, &repo, &reference).is_some();
            (exists && is_immutable(shared, &repo, &reference)).then(|| frozen(&reference))
        }
        "DELETE" => {
            let digest = backend_digest(shared, &repo, &reference)?.0;
            let tags = tags_of(shared, &repo, &digest);
            tags.iter()
                .find(|t| is_immutable(shared, &repo, t))
                .map(|t| frozen(t))
        }
        "GET" | "HEAD" => pull_policy(shared, &repo, &reference, &metadata),
        _ => None,
    }
}

fn pull_policy(
    shared: &Shared,
    repo: &str,
    reference: &str,
    metadata: &BTreeMap<String, String>,
) -> Option<Reply> {
    let on = |k: &str| metadata.get(k).is_some_and(|v| v == "true");
    if !on("prevent_vul") && !on("enable_content_trust_cosign") {
        return None;
    }
    // Cosign's signatures and attestations are accessories: never blocked.
    if reference.starts_with("sha256-") {
        return None;
    }
    let (digest, _) = backend_digest(shared, repo, reference)?;
    let tags = backend_tags(shared, repo);
    let stem = digest.replacen(':', "-", 1);
    let accessory = tags.iter().any(|t| {
        t.starts_with("sha256-")
            && backend_digest(shared, repo, t).is_some_and(|(d, _)| d == digest)
    });
    if accessory {
        return None;
    }
    let violation = |message: String| Reply::error(412, "PROJECTPOLICYVIOLATION", &message);
    if on("prevent_vul") {
        let state = shared.state();
        let scanned = matches!(state.scans.get(&digest), Some(ScanState::Success));
        let threshold = metadata.get("severity").map_or("low", String::as_str);
        if !scanned {
            return Some(violation(format!(
                "current image without vulnerability scanning cannot be pulled due to \
                 configured policy in 'Prevent images with vulnerability severity of \"{threshold}\" \
                 or higher from running.'"
            )));
        }
        let vulns = state.reports.get(&digest).cloned().unwrap_or(json!([]));
        if let Some((rank, word)) = report_severity(&vulns) {
            if rank >= threshold_rank(threshold) {
                return Some(violation(format!(
                    "current image with \"{word}\" vulnerabilities cannot be pulled due to \
                     configured policy in 'Prevent images with vulnerability severity of \
                     \"{threshold}\" or higher from running.'"
                )));
            }
        }
    }
    if on("enable_content_trust_cosign") && !tags.contains(&format!("{stem}.sig")) {
        return Some(violation("The image is not signed by cosign.".into()));
    }
    None
}

/// After a manifest push: with `auto_scan`, the fake's scanner runs at once.
fn after_push(shared: &Shared, path: &str, digest: Option<&str>) {
    let Some((repo, "manifests", reference)) = split_v2(path) else {
        return;
    };
    let Some(digest) = digest else { return };
    if reference.starts_with("sha256-") {
        return;
    }
    let project = repo.split('/').next().unwrap_or_default();
    let mut state = shared.state();
    let auto = state
        .projects
        .get(project)
        .is_some_and(|p| p.metadata.get("auto_scan").is_some_and(|v| v == "true"));
    if auto {
        state.scans.insert(digest.to_string(), ScanState::Success);
    }
}

/// Proxies one `/v2/` request; returns the status sent.
pub(super) fn handle(
    shared: &Shared,
    method: &str,
    target: &str,
    mut request: tiny_http::Request,
) -> u16 {
    let path = target.split('?').next().unwrap_or(target).to_string();
    if let Some(reply) = policy(shared, method, &path) {
        let status = reply.status;
        super::respond(request, reply);
        return status;
    }
    if method == "GET" {
        if let Some((repo, "referrers", subject)) = split_v2(&path) {
            let reply = super::referrers::list(shared, &repo, &subject, target);
            let status = reply.status;
            super::respond(request, reply);
            return status;
        }
    }
    let manifest_put = method == "PUT" && matches!(split_v2(&path), Some((_, "manifests", _)));
    let url = format!("{}{target}", shared.backend);
    let Ok(m) = reqwest::Method::from_bytes(method.as_bytes()) else {
        super::respond(request, Reply::error(405, "UNSUPPORTED", "method"));
        return 405;
    };
    let mut builder = shared.http.request(m, &url);
    for h in request.headers() {
        let name = h.field.as_str().as_str().to_ascii_lowercase();
        if !HOP.contains(&name.as_str()) {
            builder = builder.header(name, h.value.as_str());
        }
    }
    let has_body = matches!(method, "POST" | "PUT" | "PATCH");
    let mut manifest_body = Vec::new();
    let sent = if manifest_put {
        // Manifests are small: read whole, so that a subject can be indexed.
        let _ = request.as_reader().read_to_end(&mut manifest_body);
        builder.body(manifest_body.clone()).send()
    } else if has_body {
        // Stream the body: this thread copies the client's bytes into a pipe
        // while another sends the pipe's other end to the registry.
        let length = request.body_length();
        let Ok((pipe_in, mut pipe_out)) = std::io::pipe() else {
            super::respond(request, Reply::error(500, "UNKNOWN", "pipe"));
            return 500;
        };
        std::thread::scope(|s| {
            let sender = s.spawn(move || {
                let body = match length {
                    Some(n) => reqwest::blocking::Body::sized(pipe_in, n as u64),
                    None => reqwest::blocking::Body::new(pipe_in),
                };
                builder.body(body).send()
            });
            let _ = std::io::copy(request.as_reader(), &mut pipe_out);
            drop(pipe_out);
            sender
                .join()
                .unwrap_or_else(|_| panic!("the fake's proxy thread panicked"))
        })
    } else {
        builder.send()
    };
    let response = match sent {
        Ok(r) => r,
        Err(e) => {
            super::respond(
                request,
                Reply::error(502, "UNKNOWN", &format!("backend: {e}")),
            );
            return 502;
        }
    };
    let status = response.status().as_u16();
    let mut headers = Vec::new();
    let mut length = None;
    let mut pushed_digest = None;
    for (name, value) in response.headers() {
        let lower = name.as_str().to_ascii_lowercase();
        let Ok(text) = value.to_str() else { continue };
        if lower == "content-length" {
            length = text.parse::<usize>().ok();
            continue;
        }
        if HOP.contains(&lower.as_str()) {
            continue;
        }
        if lower == "docker-content-digest" {
            pushed_digest = Some(text.to_string());
        }
        let text = if lower == "location" {
            text.replacen(&shared.backend, &shared.base, 1)
        } else {
            text.to_string()
        };
        if let Ok(h) = tiny_http::Header::from_bytes(name.as_str().as_bytes(), text.as_bytes()) {
            headers.push(h);
        }
    }
    if method == "PUT" && status == 201 {
        after_push(shared, &path, pushed_digest.as_deref());
        if manifest_put {
            let media_type = header(&request, "Content-Type").unwrap_or_default();
            if let Some(subject) =
                super::referrers::index(shared, &path, &media_type, &manifest_body)
            {
                if let Ok(h) = tiny_http::Header::from_bytes("OCI-Subject", subject.as_bytes()) {
                    headers.push(h);
                }
            }
        }
    }
    let reply = tiny_http::Response::new(
        tiny_http::StatusCode(status),
        headers,
        response,
        length,
        None,
    )
    .with_chunked_threshold(usize::MAX);
    let _ = request.respond(reply);
    status
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[test]
    fn fake_glob() {
        assert!(glob("sha256-*", "sha256-abc.sig"));
        assert!(glob("**", "a/b"));
        assert!(!glob("*", "a/b"));
        assert!(glob("{v*,rc-*}", "rc-1"));
    }
}
