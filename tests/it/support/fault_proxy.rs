//! A fault-injecting HTTP proxy for the tests: plain HTTP on 127.0.0.1, one
//! thread per connection, in front of a real registry. Each request is read in
//! full, matched against the rules (method + path), and either forwarded
//! unchanged or answered with a fault: a reset connection, an error status,
//! 429 with `Retry-After`, a truncated or altered body, or a delay. Every
//! request is recorded, so tests can count retries.
//!
//! Point vimes at [`FaultProxy::host`] as an `insecure` registry. The `Host`
//! header is passed through, so the registry's upload `Location`s name the
//! proxy and every follow-up request goes through it too.
#![allow(dead_code)]

mod http;

use std::io::{BufReader, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http::{forward, read_message, reset, Message};

/// How long one socket read may stall before the proxy gives up on it.
const IO_TIMEOUT: Duration = Duration::from_secs(60);

/// What to do to a matching request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Forward it, send the status line, headers and half the body, then
    /// reset the connection (RST): a connection dropped mid-blob.
    ResetMidBody,
    /// Read the request and reset the connection without answering (for
    /// uploads: nothing reaches the registry).
    ResetBeforeResponse,
    /// Answer with this status (500, 502, 503 ...) without forwarding.
    Status(u16),
    /// Answer 429 with `Retry-After: <secs>` and an OCI `TOOMANYREQUESTS` body.
    TooManyRequests {
        /// The `Retry-After` value in seconds.
        retry_after_secs: u64,
    },
    /// Forward it; answer with the real headers (the real Content-Length) but
    /// only half the body, then close the connection cleanly.
    Truncate,
    /// Forward it; flip one byte in the middle of the body (headers, among
    /// them Docker-Content-Digest, unchanged).
    FlipByte,
    /// Wait this long, then forward it.
    Delay(Duration),
}

impl Fault {
    fn name(&self) -> String {
        match self {
            Fault::ResetMidBody => "reset-mid-body".into(),
            Fault::ResetBeforeResponse => "reset-before-response".into(),
            Fault::Status(code) => format!("status-{code}"),
            Fault::TooManyRequests { .. } => "429".into(),
            Fault::Truncate => "truncate".into(),
            Fault::FlipByte => "flip-byte".into(),
            Fault::Delay(d) => format!("delay-{}ms", d.as_millis()),
        }
    }
}

/// Which paths a rule applies to.
#[derive(Clone, Debug)]
pub enum PathMatch {
    /// Any request.
    Any,
    /// The path (without the query) starts with this.
    Prefix(String),
    /// A glob over the path without the query: `*` matches any run of
    /// characters, `/` included (`/v2/*/blobs/sha256:*`).
    Glob(String),
}

impl PathMatch {
    fn matches(&self, path: &str) -> bool {
        match self {
            PathMatch::Any => true,
            PathMatch::Prefix(p) => path.starts_with(p.as_str()),
            PathMatch::Glob(g) => glob(g.as_bytes(), path.as_bytes()),
        }
    }
}

fn glob(pattern: &[u8], text: &[u8]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some((b'*', rest)) => (0..=text.len()).any(|i| glob(rest, &text[i..])),
        Some((c, rest)) => text.first() == Some(c) && glob(rest, &text[1..]),
    }
}

/// One fault rule: which requests, which fault, and how often.
#[derive(Clone, Debug)]
pub struct Rule {
    /// HTTP method (`GET`, `HEAD`, `PUT` ...); `None` for any.
    pub method: Option<String>,
    /// Which paths.
    pub path: PathMatch,
    /// The fault to inject.
    pub fault: Fault,
    /// Matching requests let through before the first fault (0: the first
    /// matching request is faulted; n-1: the n-th).
    pub skip: usize,
    /// How many times the fault fires; `None` for every time.
    pub times: Option<usize>,
    /// Only requests whose User-Agent contains this (`vimes/`, `trivy`,
    /// `syft`): a fault for one client while the others pass.
    pub agent: Option<String>,
}

impl Rule {
    /// A rule that faults every matching request.
    pub fn new(method: &str, path: PathMatch, fault: Fault) -> Rule {
        Rule {
            method: (method != "*").then(|| method.to_string()),
            path,
            fault,
            skip: 0,
            times: None,
            agent: None,
        }
    }

    /// Only for requests whose User-Agent contains `agent`.
    pub fn agent(mut self, agent: &str) -> Rule {
        self.agent = Some(agent.to_string());
        self
    }

    /// Fires `n` times only (count-limited).
    pub fn times(mut self, n: usize) -> Rule {
        self.times = Some(n);
        self
    }

    /// Fires once, on the first matching request.
    pub fn once(self) -> Rule {
        self.times(1)
    }

    /// Starts with the `n`-th matching request (1-based).
    pub fn nth(mut self, n: usize) -> Rule {
        self.skip = n.saturating_sub(1);
        self
    }
}

/// A request the proxy saw, and what it did with it.
#[derive(Clone, Debug)]
pub struct Seen {
    /// HTTP method.
    pub method: String,
    /// Path with query.
    pub target: String,
    /// The User-Agent header.
    pub agent: String,
    /// The fault injected, if any (its name, e.g. `status-503`).
    pub fault: Option<String>,
    /// The status sent back (the real one, or the injected one); `None` when
    /// the connection was reset before a status line.
    pub status: Option<u16>,
    /// When it arrived, since the proxy started.
    pub at: Duration,
}

impl Seen {
    /// The path without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }
}

struct RuleState {
    rule: Rule,
    matched: usize,
    fired: usize,
}

struct Shared {
    upstream: String,
    rules: Mutex<Vec<RuleState>>,
    seen: Mutex<Vec<Seen>>,
    started: Instant,
    stop: AtomicBool,
}

/// A running proxy; stopped on drop.
pub struct FaultProxy {
    shared: Arc<Shared>,
    port: u16,
    accept: Option<std::thread::JoinHandle<()>>,
}

impl FaultProxy {
    /// Starts a proxy in front of `upstream` (`HOST:PORT`, plain HTTP).
    pub fn start(upstream: &str) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the fault proxy");
        let port = listener.local_addr().expect("proxy address").port();
        let shared = Arc::new(Shared {
            upstream: upstream.to_string(),
            rules: Mutex::new(Vec::new()),
            seen: Mutex::new(Vec::new()),
            started: Instant::now(),
            stop: AtomicBool::new(false),
        });
        let for_thread = Arc::clone(&shared);
        let accept = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if for_thread.stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let shared = Arc::clone(&for_thread);
                std::thread::spawn(move || serve_connection(&shared, conn));
            }
        });
        FaultProxy {
            shared,
            port,
            accept: Some(accept),
        }
    }

    /// `127.0.0.1:PORT`.
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Adds a rule (rules are tried in the order added; the first that fires wins).
    pub fn add(&self, rule: Rule) -> &FaultProxy {
        self.shared.rules.lock().unwrap().push(RuleState {
            rule,
            matched: 0,
            fired: 0,
        });
        self
    }

    /// Removes every rule (requests are still recorded).
    pub fn clear_rules(&self) {
        self.shared.rules.lock().unwrap().clear();
    }

    /// Forgets the recorded requests.
    pub fn clear_seen(&self) {
        self.shared.seen.lock().unwrap().clear();
    }

    /// Every request so far, in order of arrival.
    pub fn seen(&self) -> Vec<Seen> {
        self.shared.seen.lock().unwrap().clone()
    }

    /// Requests with this method (or `*`) whose path matches.
    pub fn count(&self, method: &str, path: &PathMatch) -> usize {
        self.seen()
            .iter()
            .filter(|s| (method == "*" || s.method == method) && path.matches(s.path()))
            .count()
    }

    /// How many faults were injected.
    pub fn faults_injected(&self) -> usize {
        self.seen().iter().filter(|s| s.fault.is_some()).count()
    }

    /// The recorded requests, one line each, for failure messages.
    pub fn log(&self) -> String {
        self.seen()
            .iter()
            .map(|s| {
                format!(
                    "{:>8.3}s {} {} [{}] -> {}{}",
                    s.at.as_secs_f64(),
                    s.method,
                    s.target,
                    s.agent.split('/').next().unwrap_or_default(),
                    s.status.map_or("reset".to_string(), |c| c.to_string()),
                    s.fault
                        .as_ref()
                        .map(|f| format!(" [{f}]"))
                        .unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(handle) = self.accept.take() {
            let _ = handle.join();
        }
        if std::thread::panicking() {
            eprintln!(
                "---- fault proxy {} -> {} ----\n{}\n---- end of proxy log ----",
                self.host(),
                self.shared.upstream,
                self.log()
            );
        }
    }
}

fn serve_connection(shared: &Shared, conn: TcpStream) {
    let _ = conn.set_read_timeout(Some(IO_TIMEOUT));
    let _ = conn.set_write_timeout(Some(IO_TIMEOUT));
    let Ok(read_half) = conn.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let Ok(Some(request)) = read_message(&mut reader, false) else {
        return;
    };
    if shared.stop.load(Ordering::SeqCst) {
        return;
    }
    let mut parts = request.start.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let target = parts.next().unwrap_or_default().to_string();
    let path = target.split('?').next().unwrap_or_default().to_string();
    let agent = request.header("user-agent").unwrap_or_default().to_string();
    let fault = pick_fault(shared, &method, &path, &agent);
    let mut seen = Seen {
        method: method.clone(),
        target,
        agent,
        fault: fault.as_ref().map(Fault::name),
        status: None,
        at: shared.started.elapsed(),
    };
    seen.status = handle(shared, conn, &request, &method, fault.as_ref());
    shared.seen.lock().unwrap().push(seen);
}

fn pick_fault(shared: &Shared, method: &str, path: &str, agent: &str) -> Option<Fault> {
    let mut rules = shared.rules.lock().unwrap();
    for state in rules.iter_mut() {
        let rule = &state.rule;
        if rule.method.as_deref().is_some_and(|m| m != method)
            || !rule.path.matches(path)
            || rule.agent.as_deref().is_some_and(|a| !agent.contains(a))
        {
            continue;
        }
        state.matched += 1;
        if state.matched <= rule.skip || rule.times.is_some_and(|t| state.fired >= t) {
            continue;
        }
        state.fired += 1;
        return Some(rule.fault.clone());
    }
    None
}

/// Answers one request; returns the status sent (None: reset before one).
fn handle(
    shared: &Shared,
    mut conn: TcpStream,
    request: &Message,
    method: &str,
    fault: Option<&Fault>,
) -> Option<u16> {
    match fault {
        Some(Fault::ResetBeforeResponse) => {
            reset(conn);
            return None;
        }
        Some(Fault::Status(code)) => {
            let body = format!("injected fault: HTTP {code}\n");
            let head = format!(
                "HTTP/1.1 {code} Injected\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = conn.write_all(head.as_bytes());
            let _ = conn.write_all(body.as_bytes());
            let _ = conn.shutdown(Shutdown::Write);
            return Some(*code);
        }
        Some(Fault::TooManyRequests { retry_after_secs }) => {
            let body = r#"{"errors":[{"code":"TOOMANYREQUESTS","message":"injected: too many requests","detail":null}]}"#;
            let head = format!(
                "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nRetry-After: {retry_after_secs}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = conn.write_all(head.as_bytes());
            let _ = conn.write_all(body.as_bytes());
            let _ = conn.shutdown(Shutdown::Write);
            return Some(429);
        }
        Some(Fault::Delay(d)) => std::thread::sleep(*d),
        _ => {}
    }
    let response = match forward(&shared.upstream, request, method) {
        Ok(r) => r,
        Err(e) => {
            let body = format!("fault proxy: upstream {} failed: {e}\n", shared.upstream);
            let head = format!(
                "HTTP/1.1 502 Bad Gateway\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = conn.write_all(head.as_bytes());
            let _ = conn.write_all(body.as_bytes());
            return Some(502);
        }
    };
    let status = response
        .start
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok());
    let is_head = method == "HEAD";
    // HEAD answers keep the registry's Content-Length (of the blob) with no body.
    let declared = if is_head {
        response
            .header("content-length")
            .and_then(|v| v.trim().parse().ok())
    } else {
        Some(response.body.len())
    };
    let body = &response.body;
    let half = body.len() / 2;
    match fault {
        Some(Fault::ResetMidBody) if !body.is_empty() => {
            let _ = conn.write_all(&response.head_bytes(declared));
            let _ = conn.write_all(&body[..half]);
            let _ = conn.flush();
            std::thread::sleep(Duration::from_millis(20));
            reset(conn);
        }
        Some(Fault::ResetMidBody) => reset(conn),
        Some(Fault::Truncate) if !body.is_empty() => {
            let _ = conn.write_all(&response.head_bytes(declared));
            let _ = conn.write_all(&body[..half]);
            let _ = conn.shutdown(Shutdown::Both);
        }
        Some(Fault::FlipByte) if !body.is_empty() => {
            let mut altered = body.clone();
            altered[half] ^= 0x01;
            let _ = conn.write_all(&response.head_bytes(declared));
            let _ = conn.write_all(&altered);
            let _ = conn.shutdown(Shutdown::Write);
        }
        _ => {
            let _ = conn.write_all(&response.head_bytes(declared));
            if !is_head {
                let _ = conn.write_all(body);
            }
            let _ = conn.shutdown(Shutdown::Write);
        }
    }
    status
}
