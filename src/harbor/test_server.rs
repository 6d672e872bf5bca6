//! Test support: a scripted Harbor on a loopback port that answers each
//! request from a list of replies and records what it was sent, so client
//! calls can be checked for behaviour and against Harbor's spec (the same
//! validator the integration tests use, included from there).

use super::{HarborClient, PollPolicy};
use crate::registry::auth::Credentials;
use crate::registry::client::RetryPolicy;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[path = "../../tests/it/harbor/contract.rs"]
mod contract;

/// One reply: method, path suffix it answers, status, body.
pub type Reply = (&'static str, &'static str, u16, String);

/// One request received: method, path and query, JSON body.
pub type Seen = (String, String, Option<serde_json::Value>);

/// The scripted server. A reply is used up when another one for the same
/// (method, suffix) follows it; the last one keeps answering.
pub struct Scripted {
    server: Arc<tiny_http::Server>,
    port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Scripted {
    /// Starts answering with `replies`.
    pub fn start(replies: Vec<Reply>) -> Scripted {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
        let port = server.server_addr().to_ip().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (srv, log) = (Arc::clone(&server), Arc::clone(&seen));
        let thread = std::thread::spawn(move || {
            let mut replies = replies;
            for mut request in srv.incoming_requests() {
                let method = request.method().to_string().to_ascii_uppercase();
                let url = request.url().to_string();
                let mut raw = Vec::new();
                let _ = request.as_reader().read_to_end(&mut raw);
                let body = serde_json::from_slice(&raw).ok();
                log.lock()
                    .unwrap()
                    .push((method.clone(), url.clone(), body));
                let path = url.split('?').next().unwrap_or_default().to_string();
                let fits = |r: &Reply| r.0 == method && path.ends_with(r.1);
                let (status, text) = match replies.iter().position(fits) {
                    Some(i) if replies.iter().filter(|r| fits(r)).count() > 1 => {
                        let r = replies.remove(i);
                        (r.2, r.3)
                    }
                    Some(i) => (replies[i].2, replies[i].3.clone()),
                    None => (
                        404,
                        r#"{"errors":[{"code":"NOT_FOUND","message":"not scripted"}]}"#.into(),
                    ),
                };
                let _ = request
                    .respond(tiny_http::Response::from_string(text).with_status_code(status));
            }
        });
        Scripted {
            server,
            port,
            seen,
            thread: Some(thread),
        }
    }

    /// A client for it with short retries and polls.
    pub fn client(&self) -> HarborClient {
        HarborClient {
            http: reqwest::Client::new(),
            host: format!("127.0.0.1:{}", self.port),
            base: format!("http://127.0.0.1:{}/api/v2.0", self.port),
            credentials: Credentials::Anonymous,
            retry: RetryPolicy {
                attempts: 2,
                initial_delay: Duration::from_millis(5),
                max_delay: Duration::from_millis(10),
            },
            poll: PollPolicy {
                initial: Duration::from_millis(5),
                max: Duration::from_millis(10),
            },
        }
    }

    /// Every request so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// Checks every request so far against swagger.yaml (skipped, with a
    /// message, when the spec is absent and CI is not set).
    pub fn assert_contract(&self, test: &str) {
        let Some(spec) = contract::load_or_skip(test) else {
            return;
        };
        let problems: Vec<String> = self
            .seen()
            .iter()
            .filter_map(|(m, target, body)| spec.check(m, target, body.as_ref()).err())
            .flatten()
            .collect();
        assert!(problems.is_empty(), "{test}:\n{}", problems.join("\n"));
    }
}

impl Drop for Scripted {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
