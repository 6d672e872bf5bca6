//! Typed calls of Harbor's REST API v2.0: projects and their metadata,
//! immutable tag rules, artifacts and tags, robot accounts, system info.
//! Behaviour follows what Harbor does, not only what its spec says
//! (see ../shared/harbor/api-notes.md): 403 may mean "no such project", tags
//! are added through the API and never moved, 412 means immutability.

use super::transport::{encode_segment, Answer};
use super::types::{
    Artifact, ImmutableRule, Project, Robot, RobotCreate, SystemInfo, VULN_REPORT_MIME,
    VULN_REPORT_MIME_LEGACY,
};
use super::HarborClient;
use crate::config::{Config, RegistryConfig};
use crate::error::{Error, HarborError, Result};
use crate::registry::auth;
use crate::registry::client::RetryPolicy;
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::collections::BTreeMap;
use std::time::Duration;

/// Header that makes Harbor read a numeric-looking `project_name_or_id` as a name.
const IS_NAME: (&str, &str) = ("X-Is-Resource-Name", "true");

/// What adding a tag did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TagOutcome {
    /// The tag was created on the digest.
    Created,
    /// The tag already pointed at the digest: nothing changed.
    AlreadyThere,
}

/// A robot account just created. Its secret is shown by Harbor this once.
#[derive(Debug)]
pub struct CreatedRobot {
    /// Full name to log in with, e.g. `robot$production+ci`.
    pub name: String,
    /// The secret (never logged; `Debug` redacts it).
    pub secret: RobotSecret,
    /// Expiry (epoch seconds; -1 for never).
    pub expires_at: i64,
}

/// A robot secret: zeroed on drop, redacted in `Debug`.
pub struct RobotSecret(zeroize::Zeroizing<String>);

impl RobotSecret {
    /// The secret text, for the one place that hands it to the user.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for RobotSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

impl HarborClient {
    /// A client for one registry entry: `https://<url>/api/v2.0` (plain HTTP
    /// when `insecure`), extra CAs from the `ca_file` entries of that host
    /// (`SSL_CERT_FILE`: see [`crate::registry::tls`]), Basic credentials found the way the registry client
    /// finds them. No cookie store: Harbor checks CSRF only when a session
    /// cookie is sent.
    pub async fn for_registry_config(
        config: &Config,
        registry: &RegistryConfig,
    ) -> Result<HarborClient> {
        let host = registry.url.to_ascii_lowercase();
        let mut ca_files: Vec<std::path::PathBuf> = config
            .registries
            .values()
            .filter(|r| crate::registry::identity::same_registry(&r.url, &host))
            .chain(std::iter::once(registry))
            .filter_map(|r| r.ca_file.as_ref().map(Into::into))
            .collect();
        ca_files.dedup();
        crate::registry::tls::check_ssl_cert_file()?;
        let http = reqwest::Client::builder()
            .tls_certs_merge(crate::registry::tls::reqwest_roots(&ca_files)?)
            .connect_timeout(Duration::from_secs(15))
            .timeout(Duration::from_secs(120))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("vimes/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| {
                HarborError::tls(
                    &host,
                    format!("cannot set up the HTTP client for Harbor: {e}"),
                )
            })?;
        let (credentials, source) = auth::credentials_for(&host, Some(registry)).await?;
        tracing::debug!(registry = %host, ?source, "Harbor credentials");
        let scheme = if registry.insecure { "http" } else { "https" };
        Ok(HarborClient {
            http,
            base: format!("{scheme}://{host}/api/v2.0"),
            host,
            credentials,
            retry: RetryPolicy::default(),
            poll: super::PollPolicy::default(),
        })
    }

    async fn get(&self, path: &str, query: &[(&str, String)], what: &str) -> Result<Answer> {
        let url = self.url(path, query)?;
        self.send(Method::GET, url, None, &[IS_NAME], what).await
    }

    /// `GET /systeminfo`: Harbor's version (only for authenticated callers).
    pub async fn system_info(&self) -> Result<SystemInfo> {
        let what = "reading Harbor's system info";
        let answer = self.get("/systeminfo", &[], what).await?;
        if !answer.ok() {
            return Err(self.failure(what, &answer));
        }
        self.parse(what, &answer)
    }

    #[cfg(test)]
    /// `GET /ping`: whether the API answers at all.
    pub async fn ping(&self) -> Result<()> {
        let what = "pinging Harbor";
        let answer = self.get("/ping", &[], what).await?;
        if answer.ok() {
            Ok(())
        } else {
            Err(self.failure(what, &answer))
        }
    }

    /// The project called `name`; `None` when it does not exist. Harbor
    /// answers 403 to a non-admin for a missing project too, so a 403 is
    /// settled with `HEAD /projects?project_name=`; if the project exists,
    /// the 403 stands (exit 4).
    pub async fn project(&self, name: &str) -> Result<Option<Project>> {
        let what = format!("reading project {name}");
        let path = format!("/projects/{}", encode_segment(name));
        let answer = self.get(&path, &[], &what).await?;
        match answer.status {
            s if s.is_success() => self.parse(&what, &answer).map(Some),
            StatusCode::NOT_FOUND => Ok(None),
            StatusCode::FORBIDDEN => match self.project_exists(name).await {
                Ok(false) => Ok(None),
                _ => Err(self.failure(&what, &answer)),
            },
            _ => Err(self.failure(&what, &answer)),
        }
    }

    /// `HEAD /projects?project_name=`: whether a project of that name exists,
    /// whatever the caller may see of it.
    pub async fn project_exists(&self, name: &str) -> Result<bool> {
        let what = format!("checking whether project {name} exists");
        let url = self.url("/projects", &[("project_name", name.to_string())])?;
        let answer = self.send(Method::HEAD, url, None, &[], &what).await?;
        match answer.status {
            s if s.is_success() => Ok(true),
            StatusCode::NOT_FOUND => Ok(false),
            _ => Err(self.failure(&what, &answer)),
        }
    }

    /// Creates a private project with `metadata`. `false` when it already
    /// existed (409): nothing was changed then.
    pub async fn create_project(
        &self,
        name: &str,
        metadata: &BTreeMap<String, String>,
    ) -> Result<bool> {
        let what = format!("creating project {name}");
        let url = self.url("/projects", &[])?;
        let body = json!({ "project_name": name, "metadata": metadata });
        let answer = self
            .send(Method::POST, url, Some(&body), &[], &what)
            .await?;
        match answer.status {
            s if s.is_success() => Ok(true),
            StatusCode::CONFLICT => Ok(false),
            _ => Err(self.failure(&what, &answer)),
        }
    }

    /// Sets project metadata keys (values are strings, as Harbor stores them).
    /// Keys not given are left as they are.
    pub async fn update_project_metadata(
        &self,
        name: &str,
        metadata: &BTreeMap<String, String>,
    ) -> Result<()> {
        let what = format!("updating the settings of project {name}");
        let url = self.url(&format!("/projects/{}", encode_segment(name)), &[])?;
        let body = json!({ "metadata": metadata });
        let answer = self
            .send(Method::PUT, url, Some(&body), &[IS_NAME], &what)
            .await?;
        if answer.ok() {
            Ok(())
        } else {
            Err(self.failure(&what, &answer))
        }
    }

    /// Every immutable tag rule of a project (all pages).
    pub async fn immutable_rules(&self, project: &str) -> Result<Vec<ImmutableRule>> {
        let what = format!("listing the immutable tag rules of project {project}");
        let path = format!("/projects/{}/immutabletagrules", encode_segment(project));
        self.get_all(&path, &[], &[IS_NAME], &what).await
    }

    /// Adds an immutable tag rule. `false` when Harbor already has an identical one (409).
    pub async fn create_immutable_rule(&self, project: &str, rule: &ImmutableRule) -> Result<bool> {
        let what = format!("adding an immutable tag rule to project {project}");
        let path = format!("/projects/{}/immutabletagrules", encode_segment(project));
        let body =
            serde_json::to_value(rule).map_err(|e| Error::internal(format!("{what}: {e}")))?;
        let url = self.url(&path, &[])?;
        let answer = self
            .send(Method::POST, url, Some(&body), &[IS_NAME], &what)
            .await?;
        match answer.status {
            s if s.is_success() => Ok(true),
            StatusCode::CONFLICT => Ok(false),
            _ => Err(self.failure(&what, &answer)),
        }
    }

    /// Replaces rule `id` (used to re-enable vimes' rule when it was disabled).
    pub async fn update_immutable_rule(
        &self,
        project: &str,
        id: i64,
        rule: &ImmutableRule,
    ) -> Result<()> {
        let what = format!("updating immutable tag rule {id} of project {project}");
        let path = format!(
            "/projects/{}/immutabletagrules/{id}",
            encode_segment(project)
        );
        let mut rule = rule.clone();
        rule.id = Some(id);
        let body =
            serde_json::to_value(&rule).map_err(|e| Error::internal(format!("{what}: {e}")))?;
        let url = self.url(&path, &[])?;
        let answer = self
            .send(Method::PUT, url, Some(&body), &[IS_NAME], &what)
            .await?;
        if answer.ok() {
            Ok(())
        } else {
            Err(self.failure(&what, &answer))
        }
    }

    /// The project-level robot accounts of project `project_id`.
    pub async fn robots(&self, project_id: i64) -> Result<Vec<Robot>> {
        let what = format!("listing the robot accounts of project {project_id}");
        let query = [("q", format!("Level=project,ProjectID={project_id}"))];
        self.get_all("/robots", &query, &[], &what).await
    }

    /// The repositories of `project`, as Harbor names them
    /// (`project/repository`), every page read.
    pub async fn repositories(&self, project: &str) -> Result<Vec<String>> {
        #[derive(serde::Deserialize)]
        struct Repository {
            name: String,
        }
        let what = format!("listing the repositories of project {project}");
        let path = format!("/projects/{}/repositories", encode_segment(project));
        let found: Vec<Repository> = self.get_all(&path, &[], &[IS_NAME], &what).await?;
        Ok(found.into_iter().map(|r| r.name).collect())
    }

    /// Creates a robot account. `None` when one of that name exists (409):
    /// its secret cannot be shown again.
    pub async fn create_robot(&self, robot: &RobotCreate) -> Result<Option<CreatedRobot>> {
        let what = format!("creating robot account {}", robot.name);
        let body =
            serde_json::to_value(robot).map_err(|e| Error::internal(format!("{what}: {e}")))?;
        let url = self.url("/robots", &[])?;
        let answer = self
            .send(Method::POST, url, Some(&body), &[], &what)
            .await?;
        match answer.status {
            s if s.is_success() => {}
            StatusCode::CONFLICT => return Ok(None),
            _ => return Err(self.failure(&what, &answer)),
        }
        #[derive(serde::Deserialize)]
        struct Created {
            #[serde(default)]
            name: String,
            secret: String,
            #[serde(default)]
            expires_at: i64,
        }
        let created: Created = self.parse(&what, &answer)?;
        Ok(Some(CreatedRobot {
            name: created.name,
            secret: RobotSecret(zeroize::Zeroizing::new(created.secret)),
            expires_at: created.expires_at,
        }))
    }

    /// An artifact by tag or digest, with its tags (and scan overview when
    /// asked); `None` when Harbor has no such artifact.
    pub async fn artifact(
        &self,
        project: &str,
        repository: &str,
        reference: &str,
        with_scan_overview: bool,
    ) -> Result<Option<Artifact>> {
        let what = format!("reading artifact {project}/{repository}:{reference}");
        let path = format!(
            "{}/artifacts/{}",
            self.repository_path(project, repository),
            encode_segment(reference)
        );
        let mut query = vec![("with_tag", "true".to_string())];
        if with_scan_overview {
            query.push(("with_scan_overview", "true".to_string()));
        }
        let url = self.url(&path, &query)?;
        let accept = format!("{VULN_REPORT_MIME}, {VULN_REPORT_MIME_LEGACY}");
        let answer = self
            .send(
                Method::GET,
                url,
                None,
                &[("X-Accept-Vulnerabilities", accept.as_str())],
                &what,
            )
            .await?;
        match answer.status {
            s if s.is_success() => self.parse(&what, &answer).map(Some),
            StatusCode::NOT_FOUND => Ok(None),
            _ => Err(self.failure(&what, &answer)),
        }
    }

    /// The digest `tag` points at, asked through the API (with `prevent_vul`
    /// Harbor refuses HEAD/GET of manifests on /v2); `None` when no such tag.
    pub async fn tag_digest(
        &self,
        project: &str,
        repository: &str,
        tag: &str,
    ) -> Result<Option<String>> {
        Ok(self
            .artifact(project, repository, tag, false)
            .await?
            .map(|a| a.digest))
    }

    /// Adds `tag` to the artifact `digest` through the API. Harbor never moves
    /// a tag this way: when the tag exists (409) it is looked up, and either
    /// already points at `digest` (nothing to do) or points elsewhere (exit 1).
    pub async fn add_tag(
        &self,
        project: &str,
        repository: &str,
        digest: &str,
        tag: &str,
    ) -> Result<TagOutcome> {
        let what = format!("tagging {project}/{repository}@{digest} as {tag}");
        let path = format!(
            "{}/artifacts/{}/tags",
            self.repository_path(project, repository),
            encode_segment(digest)
        );
        let url = self.url(&path, &[])?;
        let body = json!({ "name": tag });
        let answer = self
            .send(Method::POST, url, Some(&body), &[], &what)
            .await?;
        match answer.status {
            s if s.is_success() => Ok(TagOutcome::Created),
            StatusCode::CONFLICT => match self.tag_digest(project, repository, tag).await? {
                Some(d) if d == digest => Ok(TagOutcome::AlreadyThere),
                Some(other) => Err(already_elsewhere(project, repository, tag, &other, digest)),
                None => Err(self.failure(&what, &answer)),
            },
            StatusCode::PRECONDITION_FAILED => {
                let detail = answer
                    .harbor_error()
                    .map(|(code, message)| format!(" (Harbor 412 {code}: {message})"))
                    .unwrap_or_default();
                Err(Error::Policy(format!(
                    "tag {project}/{repository}:{tag} is immutable in Harbor and cannot be \
                     set to {digest}{detail}"
                )))
            }
            _ => Err(self.failure(&what, &answer)),
        }
    }
}

/// The refusal when a tag already names another digest (exit 1).
pub(crate) fn already_elsewhere(
    project: &str,
    repository: &str,
    tag: &str,
    existing: &str,
    wanted: &str,
) -> Error {
    Error::Policy(format!(
        "tag {project}/{repository}:{tag} already points to {existing}, not {wanted}: \
         vimes never moves an existing tag here; promote under another tag"
    ))
}
