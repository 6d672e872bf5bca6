//! The fake's `/api/v2.0` endpoints: projects, metadata, immutable tag rules,
//! artifacts and tags, scans, robots, system info, with Harbor's statuses.

mod artifacts;

use super::*;
use artifacts::{add_tag, get_artifact, scan, vulnerabilities};
pub(super) use artifacts::{report_severity, threshold_rank};

type Answer = Result<Reply, Reply>;

const BOOL_KEYS: &[&str] = &[
    "public",
    "enable_content_trust",
    "enable_content_trust_cosign",
    "prevent_vul",
    "auto_scan",
    "auto_sbom_generation",
    "reuse_sys_cve_allowlist",
];
const SEVERITIES: &[&str] = &["none", "low", "medium", "high", "critical"];

/// Creates a project in the state; returns its id.
pub(super) fn insert_project(
    state: &mut State,
    name: &str,
    metadata: BTreeMap<String, String>,
) -> i64 {
    let id = state.next_id;
    state.next_id += 1;
    let mut all = BTreeMap::from([("public".to_string(), "false".to_string())]);
    all.extend(metadata);
    state.projects.insert(
        name.into(),
        ProjectState {
            id,
            metadata: all,
            rules: Vec::new(),
        },
    );
    id
}

pub(super) fn handle(
    shared: &Shared,
    who: &Who,
    method: &str,
    path: &str,
    query: &[(String, String)],
    headers: &[(String, String)],
    record: &Recorded,
) -> Reply {
    let rest = path.strip_prefix("/api/v2.0").unwrap_or(path);
    // Go's router sees the path decoded once: a repository name encoded only
    // once would split into more segments here and match no route.
    let decoded = percent_decode(rest);
    let segs: Vec<&str> = decoded.trim_start_matches('/').split('/').collect();
    let is_name = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("X-Is-Resource-Name") && v == "true");
    let cx = Cx {
        shared,
        who,
        query,
        body: record.body.as_ref(),
        body_is_junk: record.body_text.is_some(),
    };
    let answer = match (method, segs.as_slice()) {
        ("GET", ["ping"]) => Ok(Reply {
            status: 200,
            body: b"Pong".to_vec(),
            headers: vec![("Content-Type".into(), "text/plain".into())],
        }),
        ("GET", ["systeminfo"]) => Ok(system_info(&cx)),
        ("HEAD", ["projects"]) => head_project(&cx),
        ("POST", ["projects"]) => create_project(&cx),
        ("GET", ["projects", p]) => get_project(&cx, p, is_name),
        ("PUT", ["projects", p]) => update_project(&cx, p, is_name),
        ("GET", ["projects", p, "immutabletagrules"]) => list_rules(&cx, p, is_name),
        ("POST", ["projects", p, "immutabletagrules"]) => create_rule(&cx, p, is_name),
        ("PUT", ["projects", p, "immutabletagrules", id]) => update_rule(&cx, p, is_name, id),
        ("GET", ["projects", p, "repositories"]) => list_repositories(&cx, p, is_name),
        ("GET", ["projects", p, "repositories", r, "artifacts", reference]) => {
            get_artifact(&cx, p, r, reference)
        }
        ("POST", ["projects", p, "repositories", r, "artifacts", reference, "tags"]) => {
            add_tag(&cx, p, r, reference)
        }
        ("POST", ["projects", p, "repositories", r, "artifacts", reference, "scan"]) => {
            scan(&cx, p, r, reference)
        }
        (
            "GET",
            ["projects", p, "repositories", r, "artifacts", reference, "additions", "vulnerabilities"],
        ) => vulnerabilities(&cx, p, r, reference),
        ("GET", ["robots"]) => list_robots(&cx),
        ("POST", ["robots"]) => create_robot(&cx),
        _ => Err(Reply::error(
            404,
            "NOT_FOUND",
            "no such API endpoint in the fake",
        )),
    };
    match answer {
        Ok(r) | Err(r) => r,
    }
}

struct Cx<'a> {
    shared: &'a Shared,
    who: &'a Who,
    query: &'a [(String, String)],
    body: Option<&'a Value>,
    body_is_junk: bool,
}

impl Cx<'_> {
    fn q(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn flag(&self, key: &str, default: bool) -> bool {
        self.q(key).map_or(default, |v| v == "true")
    }

    fn body(&self) -> Result<&Value, Reply> {
        match self.body {
            Some(v) if !self.body_is_junk => Ok(v),
            _ => Err(Reply::error(400, "BAD_REQUEST", "request body is not JSON")),
        }
    }

    fn authenticated(&self) -> Result<(), Reply> {
        match self.who {
            Who::Anonymous => Err(Reply::error(401, "UNAUTHORIZED", "unauthorized")),
            _ => Ok(()),
        }
    }

    fn admin(&self) -> Result<(), Reply> {
        self.authenticated()?;
        match self.who {
            Who::Admin(_) => Ok(()),
            _ => Err(Reply::error(403, "FORBIDDEN", "forbidden")),
        }
    }

    /// Read access to a project: admins, and robots of that project. Others
    /// get 403 whether or not it exists, as non-members do in Harbor.
    fn reader(&self, project: &str) -> Result<(), Reply> {
        self.authenticated()?;
        match self.who {
            Who::Admin(_) => Ok(()),
            Who::Robot { project: p, .. } if p == project => Ok(()),
            _ => Err(Reply::error(403, "FORBIDDEN", "forbidden")),
        }
    }

    /// Admins, or a robot of `project` granted `resource:action`.
    fn may(&self, project: &str, resource: &str, action: &str) -> Result<(), Reply> {
        self.authenticated()?;
        match self.who {
            Who::Admin(_) => Ok(()),
            Who::Robot {
                project: p, access, ..
            } if p == project && access.iter().any(|(r, a)| r == resource && a == action) => Ok(()),
            _ => Err(Reply::error(403, "FORBIDDEN", "forbidden")),
        }
    }

    /// The stored name of an existing project (404 when missing).
    fn project(&self, name_or_id: &str, is_name: bool) -> Result<String, Reply> {
        let state = self.shared.state();
        let by_id = (!is_name)
            .then(|| name_or_id.parse::<i64>().ok())
            .flatten()
            .and_then(|id| state.projects.iter().find(|(_, p)| p.id == id))
            .map(|(n, _)| n.clone());
        by_id
            .or_else(|| {
                state
                    .projects
                    .contains_key(name_or_id)
                    .then(|| name_or_id.to_string())
            })
            .ok_or_else(|| {
                Reply::error(404, "NOT_FOUND", &format!("project {name_or_id} not found"))
            })
    }
}

fn system_info(cx: &Cx) -> Reply {
    let mut info = json!({"auth_mode": "db_auth", "self_registration": false});
    if !matches!(cx.who, Who::Anonymous) {
        info["harbor_version"] = json!("v2.15.2-fake");
    }
    Reply::json(200, &info)
}

fn head_project(cx: &Cx) -> Answer {
    cx.authenticated()?;
    let name = cx
        .q("project_name")
        .ok_or_else(|| Reply::error(422, "UNPROCESSABLE_ENTITY", "project_name is required"))?;
    let exists = cx.shared.state().projects.contains_key(name);
    Ok(Reply::empty(if exists { 200 } else { 404 }))
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.split(['.', '_', '-']).all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Harbor's metadata: an object of strings; known keys take known values.
fn check_metadata(value: Option<&Value>) -> Result<BTreeMap<String, String>, Reply> {
    let Some(value) = value else {
        return Ok(BTreeMap::new());
    };
    let object = value
        .as_object()
        .ok_or_else(|| Reply::error(422, "UNPROCESSABLE_ENTITY", "metadata must be an object"))?;
    let mut out = BTreeMap::new();
    for (key, v) in object {
        let text = v.as_str().ok_or_else(|| {
            Reply::error(
                422,
                "UNPROCESSABLE_ENTITY",
                &format!("metadata.{key} must be a string"),
            )
        })?;
        let ok = if BOOL_KEYS.contains(&key.as_str()) {
            matches!(text, "true" | "false")
        } else if key == "severity" {
            SEVERITIES.contains(&text)
        } else {
            true
        };
        if !ok {
            return Err(Reply::error(
                400,
                "BAD_REQUEST",
                &format!("invalid value {text:?} of metadata {key}"),
            ));
        }
        out.insert(key.clone(), text.to_string());
    }
    Ok(out)
}

fn create_project(cx: &Cx) -> Answer {
    cx.admin()?;
    let body = cx.body()?;
    let name = body["project_name"].as_str().unwrap_or_default();
    if !valid_name(name) {
        return Err(Reply::error(400, "BAD_REQUEST", "invalid project name"));
    }
    let metadata = check_metadata(body.get("metadata"))?;
    let mut state = cx.shared.state();
    if state.projects.contains_key(name) {
        return Err(Reply::error(
            409,
            "CONFLICT",
            &format!("The project named {name} already exists"),
        ));
    }
    let id = insert_project(&mut state, name, metadata);
    Ok(Reply::empty(201).header("Location", &format!("/api/v2.0/projects/{id}")))
}

fn get_project(cx: &Cx, p: &str, is_name: bool) -> Answer {
    cx.reader(p)?;
    let name = cx.project(p, is_name)?;
    let state = cx.shared.state();
    let project = &state.projects[&name];
    Ok(Reply::json(
        200,
        &json!({
            "project_id": project.id, "name": name, "owner_id": 1, "owner_name": "admin",
            "repo_count": 0, "creation_time": "2026-01-01T00:00:00.000Z",
            "metadata": project.metadata, "cve_allowlist": {"items": []},
        }),
    ))
}

fn update_project(cx: &Cx, p: &str, is_name: bool) -> Answer {
    cx.admin()?;
    let name = cx.project(p, is_name)?;
    let metadata = check_metadata(cx.body()?.get("metadata"))?;
    let mut state = cx.shared.state();
    if let Some(project) = state.projects.get_mut(&name) {
        project.metadata.extend(metadata);
    }
    Ok(Reply::empty(200))
}

/// One page of `items`, with `X-Total-Count` and `Link: rel="next"`.
fn page(cx: &Cx, path: &str, items: Vec<Value>) -> Answer {
    let bad = |what: &str| Reply::error(422, "UNPROCESSABLE_ENTITY", what);
    let page: usize = cx
        .q("page")
        .map_or(Ok(1), str::parse)
        .map_err(|_| bad("page"))?;
    let size: usize = cx
        .q("page_size")
        .map_or(Ok(10), str::parse)
        .map_err(|_| bad("page_size"))?;
    if page == 0 || size == 0 || size > 100 {
        return Err(bad("page must be >= 1 and page_size 1..=100"));
    }
    let size = size.min(cx.shared.state().page_cap);
    let total = items.len();
    let chunk: Vec<Value> = items
        .into_iter()
        .skip((page - 1) * size)
        .take(size)
        .collect();
    let mut reply =
        Reply::json(200, &Value::Array(chunk)).header("X-Total-Count", &total.to_string());
    if page * size < total {
        reply = reply.header(
            "Link",
            &format!(
                "</api/v2.0{path}?page={}&page_size={size}>; rel=\"next\"",
                page + 1
            ),
        );
    }
    Ok(reply)
}

fn list_rules(cx: &Cx, p: &str, is_name: bool) -> Answer {
    cx.reader(p)?;
    let name = cx.project(p, is_name)?;
    let rules = cx.shared.state().projects[&name].rules.clone();
    page(cx, &format!("/projects/{p}/immutabletagrules"), rules)
}

fn first_selectors(rule: &Value) -> (Value, Value) {
    let strip = |v: &Value| json!({"kind": v["kind"], "decoration": v["decoration"], "pattern": v["pattern"]});
    (
        strip(&rule["scope_selectors"]["repository"][0]),
        strip(&rule["tag_selectors"][0]),
    )
}

fn check_rule(body: &Value) -> Result<(), Reply> {
    let ok = body["action"] == "immutable"
        && body["template"] == "immutable_template"
        && body["tag_selectors"][0]["pattern"].is_string()
        && body["scope_selectors"]["repository"][0]["pattern"].is_string();
    if ok {
        Ok(())
    } else {
        Err(Reply::error(400, "BAD_REQUEST", "invalid immutable rule"))
    }
}

fn create_rule(cx: &Cx, p: &str, is_name: bool) -> Answer {
    cx.admin()?;
    let name = cx.project(p, is_name)?;
    let body = cx.body()?.clone();
    check_rule(&body)?;
    let mut state = cx.shared.state();
    let id = state.next_id;
    let project = state
        .projects
        .get_mut(&name)
        .expect("project checked above");
    if project
        .rules
        .iter()
        .any(|r| first_selectors(r) == first_selectors(&body))
    {
        return Err(Reply::error(409, "CONFLICT", "an identical rule exists"));
    }
    let mut rule = body;
    rule["id"] = json!(id);
    project.rules.push(rule);
    state.next_id += 1;
    Ok(Reply::empty(201).header(
        "Location",
        &format!("/api/v2.0/projects/{p}/immutabletagrules/{id}"),
    ))
}

fn update_rule(cx: &Cx, p: &str, is_name: bool, id: &str) -> Answer {
    cx.admin()?;
    let name = cx.project(p, is_name)?;
    let body = cx.body()?.clone();
    check_rule(&body)?;
    let id: i64 = id
        .parse()
        .map_err(|_| Reply::error(400, "BAD_REQUEST", "rule id"))?;
    let mut state = cx.shared.state();
    let project = state
        .projects
        .get_mut(&name)
        .expect("project checked above");
    let slot = project
        .rules
        .iter_mut()
        .find(|r| r["id"] == id)
        .ok_or_else(|| Reply::error(404, "NOT_FOUND", "no such rule"))?;
    *slot = body;
    slot["id"] = json!(id);
    Ok(Reply::empty(200))
}

fn list_robots(cx: &Cx) -> Answer {
    cx.admin()?;
    let q = cx.q("q").unwrap_or_default();
    let field = |name: &str| {
        q.split(',')
            .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
            .map(str::to_string)
    };
    let (Some(level), Some(project_id)) = (field("Level"), field("ProjectID")) else {
        return Err(Reply::error(
            400,
            "BAD_REQUEST",
            "q needs Level and ProjectID",
        ));
    };
    let state = cx.shared.state();
    let project = state
        .projects
        .iter()
        .find(|(_, p)| p.id.to_string() == project_id)
        .map(|(n, _)| n.clone());
    let robots: Vec<Value> = state
        .robots
        .iter()
        .filter(|r| level == "project" && Some(&r.project) == project.as_ref())
        .map(|r| {
            json!({"id": r.id, "name": r.name, "level": "project", "duration": -1,
                        "disable": false, "editable": true, "expires_at": -1})
        })
        .collect();
    drop(state);
    page(cx, "/robots", robots)
}

/// `GET /projects/{p}/repositories`: the backing registry's repositories
/// under `p/`, paged as Harbor pages (names are `project/repository`).
fn list_repositories(cx: &Cx, p: &str, is_name: bool) -> Answer {
    if !is_name {
        return Err(Reply::error(
            400,
            "BAD_REQUEST",
            "the fake serves projects by name only",
        ));
    }
    cx.reader(p)?;
    let project_id = match cx.shared.state().projects.get(p) {
        Some(project) => project.id,
        None => return Err(Reply::error(404, "NOT_FOUND", "project not found")),
    };
    let repositories: Vec<Value> = super::v2::backend_repositories(cx.shared)
        .into_iter()
        .filter(|r| r.starts_with(&format!("{p}/")))
        .enumerate()
        .map(|(i, name)| {
            json!({"id": i + 1, "project_id": project_id, "name": name,
                   "artifact_count": 1, "pull_count": 0,
                   "creation_time": "2026-01-01T00:00:00.000Z"})
        })
        .collect();
    page(cx, &format!("/projects/{p}/repositories"), repositories)
}

fn create_robot(cx: &Cx) -> Answer {
    cx.admin()?;
    let body = cx.body()?;
    let name = body["name"].as_str().unwrap_or_default();
    let permission = &body["permissions"][0];
    let project = permission["namespace"].as_str().unwrap_or_default();
    if !valid_name(name) || body["level"] != "project" || permission["kind"] != "project" {
        return Err(Reply::error(400, "BAD_REQUEST", "invalid robot account"));
    }
    let access: Vec<(String, String)> = permission["access"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|x| {
                    (
                        x["resource"].as_str().unwrap_or_default().to_string(),
                        x["action"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let mut state = cx.shared.state();
    if !state.projects.contains_key(project) {
        return Err(Reply::error(404, "NOT_FOUND", "project not found"));
    }
    let full = format!("robot${project}+{name}");
    if state.robots.iter().any(|r| r.name == full) {
        return Err(Reply::error(409, "CONFLICT", "robot account exists"));
    }
    let id = state.next_id;
    state.next_id += 1;
    let secret = format!(
        "Rs{}",
        super::super::oci::sha256_digest(
            format!("{full}{id}{:?}", std::time::SystemTime::now()).as_bytes()
        )
        .trim_start_matches("sha256:")
        .get(..32)
        .unwrap_or_default()
    );
    state.robots.push(RobotState {
        id,
        name: full.clone(),
        project: project.into(),
        secret: secret.clone(),
        access,
    });
    Ok(Reply::json(
        201,
        &json!({"id": id, "name": full, "secret": secret, "expires_at": -1,
                "creation_time": "2026-01-01T00:00:00.000Z"}),
    )
    .header("Location", &format!("/api/v2.0/robots/{id}")))
}
