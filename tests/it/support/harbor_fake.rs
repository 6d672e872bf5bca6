//! A stateful fake Harbor (Harbor itself cannot run here), on a free loopback
//! port. It serves the API endpoints vimes uses with Harbor's semantics from
//! ../shared/harbor/api-notes.md (`api`), and delegates `/v2/` to a real
//! docker-registry while enforcing Harbor's registry-side rules there:
//! immutable tags and pull-time policies (`v2`). Every request is recorded
//! for the contract test. Artifacts and tags are not stored here: they are
//! read from the backing registry.
#![allow(dead_code)]

mod api;
mod control;
mod referrers;
mod v2;

use super::oci::OciClient;
use super::registry::Registry;
use base64::Engine;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

/// The admin account every fake starts with.
pub const ADMIN: (&str, &str) = ("admin", "Harbor12345");

/// The report media type the fake's scanner answers with.
pub const VULN_MIME: &str = "application/vnd.security.vulnerability.report; version=1.1";

/// One request the fake received.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// HTTP method.
    pub method: String,
    /// Path and query exactly as received.
    pub target: String,
    /// Path as received (still encoded).
    pub path: String,
    /// Query pairs, decoded.
    pub query: Vec<(String, String)>,
    /// JSON body, when there was one (`Value::Null` is never stored).
    pub body: Option<Value>,
    /// Raw body text when it was not JSON.
    pub body_text: Option<String>,
    /// Status the fake answered.
    pub status: u16,
    /// Authenticated user, robot or None (anonymous).
    pub user: Option<String>,
    /// `User-Agent`.
    pub user_agent: String,
    /// Whether a `Cookie` header was sent.
    pub cookie: bool,
    /// An API call (`/api/v2.0/...`) rather than `/v2/`.
    pub api: bool,
}

impl Recorded {
    /// Whether it may change state.
    pub fn is_write(&self) -> bool {
        !matches!(self.method.as_str(), "GET" | "HEAD")
    }

    /// Whether the vimes binary sent it.
    pub fn sent_by_vimes(&self) -> bool {
        self.user_agent.starts_with("vimes/")
    }
}

/// How the fake's scanner behaves when a scan is requested through the API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScanBehaviour {
    /// Running until the n-th poll of the scan overview, which sees Success.
    CompleteAfterPolls(u32),
    /// Running for one poll, then Error.
    Fail,
    /// Running forever.
    Never,
}

#[derive(Clone, Debug)]
enum ScanState {
    /// `polls_left` None: never finishes; `fails`: ends in Error.
    Running {
        polls_left: Option<u32>,
        total: u32,
        fails: bool,
    },
    Success,
    Error,
}

#[derive(Clone, Debug)]
struct ProjectState {
    id: i64,
    metadata: BTreeMap<String, String>,
    rules: Vec<Value>,
}

#[derive(Clone, Debug)]
struct RobotState {
    id: i64,
    name: String,
    project: String,
    secret: String,
    access: Vec<(String, String)>,
}

#[derive(Clone, Debug)]
struct Fault {
    method: Option<String>,
    path_contains: String,
    status: u16,
    code: String,
    remaining: Option<usize>,
}

struct State {
    users: BTreeMap<String, (String, bool)>,
    projects: BTreeMap<String, ProjectState>,
    next_id: i64,
    robots: Vec<RobotState>,
    scans: HashMap<String, ScanState>,
    reports: HashMap<String, Value>,
    scan_behaviour: ScanBehaviour,
    faults: Vec<Fault>,
    requests: Vec<Recorded>,
    page_cap: usize,
    /// Referrers Harbor indexed on manifest pushes: (repository, subject) -> descriptors.
    referrers: HashMap<(String, String), Vec<Value>>,
}

/// What the request handlers share.
struct Shared {
    state: Mutex<State>,
    /// `http://127.0.0.1:PORT` of the backing registry.
    backend: String,
    /// `http://127.0.0.1:PORT` of the fake.
    base: String,
    http: reqwest::blocking::Client,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Who a request comes from. Wrong credentials count as anonymous, as in Harbor.
#[derive(Clone, Debug)]
enum Who {
    Anonymous,
    Admin(String),
    User(String),
    Robot {
        name: String,
        project: String,
        access: Vec<(String, String)>,
    },
}

impl Who {
    fn name(&self) -> Option<String> {
        match self {
            Who::Anonymous => None,
            Who::Admin(n) | Who::User(n) | Who::Robot { name: n, .. } => Some(n.clone()),
        }
    }
}

/// An answer of the fake.
struct Reply {
    status: u16,
    body: Vec<u8>,
    headers: Vec<(String, String)>,
}

impl Reply {
    fn json(status: u16, value: &Value) -> Reply {
        Reply {
            status,
            body: serde_json::to_vec(value).unwrap_or_default(),
            headers: vec![("Content-Type".into(), "application/json".into())],
        }
    }

    fn error(status: u16, code: &str, message: &str) -> Reply {
        Reply::json(
            status,
            &json!({"errors": [{"code": code, "message": message}]}),
        )
    }

    fn empty(status: u16) -> Reply {
        Reply {
            status,
            body: Vec::new(),
            headers: Vec::new(),
        }
    }

    fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// Decodes `%XX` once (invalid escapes stay as they are).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(v) = u8::from_str_radix(hex, 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let plus = |s: &str| percent_decode(&s.replace('+', " "));
            (plus(k), plus(v))
        })
        .collect()
}

/// A running fake Harbor owned by a test.
pub struct HarborFake {
    server: Arc<tiny_http::Server>,
    acceptor: Option<JoinHandle<()>>,
    shared: Arc<Shared>,
    port: u16,
    backend: Registry,
}

impl HarborFake {
    /// Starts a fake with the admin user, backed by a fresh docker-registry.
    pub fn start() -> HarborFake {
        let backend = Registry::plain();
        let server = Arc::new(
            tiny_http::Server::http("127.0.0.1:0").expect("bind the fake Harbor to 127.0.0.1:0"),
        );
        let port = server
            .server_addr()
            .to_ip()
            .expect("the fake Harbor listens on TCP")
            .port();
        let http = reqwest::blocking::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(120))
            .build()
            .expect("build the fake Harbor's backend client");
        let mut users = BTreeMap::new();
        users.insert(ADMIN.0.to_string(), (ADMIN.1.to_string(), true));
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                users,
                projects: BTreeMap::new(),
                next_id: 1,
                robots: Vec::new(),
                scans: HashMap::new(),
                reports: HashMap::new(),
                scan_behaviour: ScanBehaviour::CompleteAfterPolls(2),
                faults: Vec::new(),
                requests: Vec::new(),
                page_cap: 100,
                referrers: HashMap::new(),
            }),
            backend: backend.base_url(),
            base: format!("http://127.0.0.1:{port}"),
            http,
        });
        let (srv, sh) = (Arc::clone(&server), Arc::clone(&shared));
        let acceptor = std::thread::spawn(move || {
            for request in srv.incoming_requests() {
                let sh = Arc::clone(&sh);
                std::thread::spawn(move || handle(&sh, request));
            }
        });
        HarborFake {
            server,
            acceptor: Some(acceptor),
            shared,
            port,
            backend,
        }
    }

    /// `127.0.0.1:PORT`.
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        self.shared.base.clone()
    }

    /// The docker-registry behind `/v2/`.
    pub fn backend(&self) -> &Registry {
        &self.backend
    }

    /// A test registry client that talks `/v2/` through the fake (anonymous).
    pub fn client(&self) -> OciClient {
        OciClient::for_host(&self.host(), false, None, None)
    }
}

impl Drop for HarborFake {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.acceptor.take() {
            let _ = t.join();
        }
        if std::thread::panicking() {
            let requests = self.shared.state().requests.clone();
            let tail = &requests[requests.len().saturating_sub(30)..];
            eprintln!(
                "---- fake Harbor {} (last {} requests) ----",
                self.host(),
                tail.len()
            );
            for r in tail {
                eprintln!("{} {} -> {}", r.method, r.target, r.status);
            }
        }
    }
}

/// Reads who is calling from Basic auth. Wrong credentials are anonymous.
fn identify(shared: &Shared, request: &tiny_http::Request) -> Who {
    let Some(value) = header(request, "Authorization") else {
        return Who::Anonymous;
    };
    let Some(encoded) = value.strip_prefix("Basic ") else {
        return Who::Anonymous;
    };
    let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(encoded.trim()) else {
        return Who::Anonymous;
    };
    let text = String::from_utf8_lossy(&decoded).into_owned();
    let Some((user, password)) = text.split_once(':') else {
        return Who::Anonymous;
    };
    let state = shared.state();
    if let Some((pw, admin)) = state.users.get(user) {
        if pw == password {
            return if *admin {
                Who::Admin(user.into())
            } else {
                Who::User(user.into())
            };
        }
    }
    if let Some(robot) = state
        .robots
        .iter()
        .find(|r| r.name == user && r.secret == password)
    {
        return Who::Robot {
            name: robot.name.clone(),
            project: robot.project.clone(),
            access: robot.access.clone(),
        };
    }
    Who::Anonymous
}

fn header(request: &tiny_http::Request, name: &str) -> Option<String> {
    request
        .headers()
        .iter()
        .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str().to_string())
}

fn handle(shared: &Shared, mut request: tiny_http::Request) {
    let method = request.method().as_str().to_ascii_uppercase();
    let target = request.url().to_string();
    let (path, query) = target.split_once('?').unwrap_or((target.as_str(), ""));
    let (path, query) = (path.to_string(), parse_query(query));
    let who = identify(shared, &request);
    let mut record = Recorded {
        method: method.clone(),
        target: target.clone(),
        path: path.clone(),
        query: query.clone(),
        body: None,
        body_text: None,
        status: 0,
        user: who.name(),
        user_agent: header(&request, "User-Agent").unwrap_or_default(),
        cookie: header(&request, "Cookie").is_some(),
        api: path.starts_with("/api/v2.0/"),
    };
    if record.api {
        let mut raw = Vec::new();
        let _ = request.as_reader().read_to_end(&mut raw);
        if !raw.is_empty() {
            match serde_json::from_slice::<Value>(&raw) {
                Ok(v) => record.body = Some(v),
                Err(_) => record.body_text = Some(String::from_utf8_lossy(&raw).into_owned()),
            }
        }
        let headers: Vec<(String, String)> = request
            .headers()
            .iter()
            .map(|h| (h.field.to_string(), h.value.to_string()))
            .collect();
        let reply = match injected_fault(shared, &method, &path) {
            Some(reply) => reply,
            None => api::handle(shared, &who, &method, &path, &query, &headers, &record),
        };
        record.status = reply.status;
        shared.state().requests.push(record);
        respond(request, reply);
    } else if path == "/v2" || path.starts_with("/v2/") {
        let status = v2::handle(shared, &method, &target, request);
        record.status = status;
        shared.state().requests.push(record);
    } else {
        record.status = 404;
        shared.state().requests.push(record);
        respond(request, Reply::error(404, "NOT_FOUND", "no such path"));
    }
}

fn injected_fault(shared: &Shared, method: &str, path: &str) -> Option<Reply> {
    let mut state = shared.state();
    let fault = state.faults.iter_mut().find(|f| {
        f.method.as_deref().is_none_or(|m| m == method)
            && path.contains(&f.path_contains)
            && f.remaining != Some(0)
    })?;
    if let Some(n) = fault.remaining.as_mut() {
        *n -= 1;
    }
    let message = match fault.status {
        401 => "unauthorized",
        403 => "forbidden",
        429 => "too many requests",
        _ => "internal server error (injected by the test)",
    };
    Some(Reply::error(fault.status, &fault.code, message))
}

fn respond(request: tiny_http::Request, reply: Reply) {
    let mut headers = Vec::new();
    for (k, v) in &reply.headers {
        if let Ok(h) = tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()) {
            headers.push(h);
        }
    }
    let len = reply.body.len();
    let response = tiny_http::Response::new(
        tiny_http::StatusCode(reply.status),
        headers,
        std::io::Cursor::new(reply.body),
        Some(len),
        None,
    );
    let _ = request.respond(response);
}
