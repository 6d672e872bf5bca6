//! `policy.provenance`: whether an image's SLSA v1 provenance lets it be
//! promoted. The statements judged here have already been verified (signed
//! by a trusted key, about this digest and repository) by
//! `signing::verify::verified_statements`; this module decides what their
//! content must say: the subject is this digest (checked again, so that the
//! rule holds whoever calls it), the builder is allowed, the source
//! repository is allowed, and every dependency other than the source is
//! pinned by a SHA-256 digest (a base image named by tag alone could have
//! been anything when it was pulled).

use crate::config::ProvenancePolicy;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The SLSA v1 provenance predicate type.
pub const SLSA_PROVENANCE_V1: &str = "https://slsa.dev/provenance/v1";

/// The scheme prefix SLSA gives git sources in `resolvedDependencies`.
pub const GIT_URI_PREFIX: &str = "git+";

/// A provenance statement that satisfied the policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accepted {
    /// `runDetails.builder.id`.
    pub builder_id: String,
    /// The source repository URL (without `git+` and ref), if one is named.
    pub source: Option<String>,
    /// Its commit, if given.
    pub commit: Option<String>,
    /// The other dependencies (base images), as `uri@sha256:hex`.
    pub dependencies: Vec<String>,
}

#[derive(Deserialize)]
struct Statement {
    #[serde(rename = "predicateType")]
    predicate_type: String,
    #[serde(default)]
    subject: Vec<Subject>,
    predicate: Predicate,
}

#[derive(Deserialize)]
struct Subject {
    #[serde(default)]
    digest: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Predicate {
    build_definition: BuildDefinition,
    run_details: RunDetails,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BuildDefinition {
    build_type: String,
    #[serde(default)]
    resolved_dependencies: Vec<Dependency>,
}

#[derive(Deserialize)]
struct Dependency {
    #[serde(default)]
    uri: String,
    #[serde(default)]
    digest: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RunDetails {
    builder: Builder,
}

#[derive(Deserialize)]
struct Builder {
    id: String,
}

/// Why a verified provenance statement does not satisfy `policy.provenance`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProvenanceRefusal {
    /// The bytes are not a provenance statement of the expected shape.
    #[error("not a SLSA v1 provenance statement: {0}")]
    Malformed(String),
    /// A statement of another predicate type.
    #[error("predicate type {0:?} is not {SLSA_PROVENANCE_V1}")]
    PredicateType(String),
    /// The digest judged against is not a SHA-256 digest.
    #[error("{0:?} is not a sha256 digest")]
    NotSha256(String),
    /// No subject names this digest.
    #[error("its subject is not {0}")]
    OtherSubject(String),
    /// `buildDefinition.buildType` is empty.
    #[error("buildDefinition.buildType is empty")]
    NoBuildType,
    /// `runDetails.builder.id` is empty.
    #[error("runDetails.builder.id is empty")]
    NoBuilder,
    /// The builder is not on the allow-list.
    #[error("builder {builder:?} is not in policy.provenance.builders ({allowed})")]
    BuilderNotAllowed {
        /// The statement's builder id.
        builder: String,
        /// The allow-list, comma-separated.
        allowed: String,
    },
    /// Two `git+` sources.
    #[error("more than one git source in resolvedDependencies")]
    TwoSources,
    /// A dependency without a SHA-256 digest.
    #[error("dependency {0:?} is not pinned by a sha256 digest")]
    Unpinned(String),
    /// No source, and the policy restricts sources.
    #[error(
        "it names no source repository (a git+ dependency), and \
         policy.provenance.source_repositories is set"
    )]
    NoSource,
    /// The source is not on the allow-list.
    #[error("source {repository} is not in policy.provenance.source_repositories ({allowed})")]
    SourceNotAllowed {
        /// The statement's source repository.
        repository: String,
        /// The allow-list, comma-separated.
        allowed: String,
    },
    /// The source names no commit.
    #[error("source {0} has no commit (gitCommit digest)")]
    NoCommit(String),
}

/// Judges one verified statement (`bytes`, as signed) about `digest`
/// (`sha256:<hex>`) against `policy`: the accepted facts, or why not.
pub fn judge(
    bytes: &[u8],
    digest: &str,
    policy: &ProvenancePolicy,
) -> Result<Accepted, ProvenanceRefusal> {
    let statement: Statement =
        serde_json::from_slice(bytes).map_err(|e| ProvenanceRefusal::Malformed(e.to_string()))?;
    if statement.predicate_type != SLSA_PROVENANCE_V1 {
        return Err(ProvenanceRefusal::PredicateType(statement.predicate_type));
    }
    let hex = digest
        .strip_prefix("sha256:")
        .ok_or_else(|| ProvenanceRefusal::NotSha256(digest.to_string()))?;
    if !statement
        .subject
        .iter()
        .any(|s| s.digest.get("sha256").map(String::as_str) == Some(hex))
    {
        return Err(ProvenanceRefusal::OtherSubject(digest.to_string()));
    }
    let definition = statement.predicate.build_definition;
    if definition.build_type.trim().is_empty() {
        return Err(ProvenanceRefusal::NoBuildType);
    }
    let builder_id = statement.predicate.run_details.builder.id;
    if builder_id.trim().is_empty() {
        return Err(ProvenanceRefusal::NoBuilder);
    }
    if !policy.builders.is_empty() && !policy.builders.contains(&builder_id) {
        return Err(ProvenanceRefusal::BuilderNotAllowed {
            builder: builder_id,
            allowed: policy.builders.join(", "),
        });
    }
    let mut accepted = Accepted {
        builder_id,
        source: None,
        commit: None,
        dependencies: Vec::new(),
    };
    for dependency in definition.resolved_dependencies {
        if let Some(url) = dependency.uri.strip_prefix(GIT_URI_PREFIX) {
            if accepted.source.is_some() {
                return Err(ProvenanceRefusal::TwoSources);
            }
            accepted.source = Some(source_url(url).to_string());
            accepted.commit = dependency
                .digest
                .get("gitCommit")
                .or_else(|| dependency.digest.get("sha1"))
                .cloned();
            continue;
        }
        match dependency.digest.get("sha256") {
            Some(hex) if is_sha256_hex(hex) => accepted
                .dependencies
                .push(format!("{}@sha256:{hex}", dependency.uri)),
            _ => return Err(ProvenanceRefusal::Unpinned(dependency.uri)),
        }
    }
    if !policy.source_repositories.is_empty() {
        let Some(source) = &accepted.source else {
            return Err(ProvenanceRefusal::NoSource);
        };
        if !policy
            .source_repositories
            .iter()
            .any(|glob| url_glob(glob, source))
        {
            return Err(ProvenanceRefusal::SourceNotAllowed {
                repository: source.clone(),
                allowed: policy.source_repositories.join(", "),
            });
        }
        if accepted.commit.is_none() {
            return Err(ProvenanceRefusal::NoCommit(source.clone()));
        }
    }
    Ok(accepted)
}

/// The repository URL of a `git+` URI: without a `@refs/...` suffix.
fn source_url(url: &str) -> &str {
    url.rfind("@refs/").map_or(url, |at| &url[..at])
}

fn is_sha256_hex(hex: &str) -> bool {
    hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Whether `url` matches `glob`, where `*` matches any run of characters
/// (slashes included: `https://git.example.com/*` covers every repository
/// on that host) and everything else matches itself.
pub fn url_glob(glob: &str, url: &str) -> bool {
    fn matches(p: &[u8], s: &[u8]) -> bool {
        match p.split_first() {
            None => s.is_empty(),
            Some((b'*', rest)) => (0..=s.len()).any(|i| matches(rest, &s[i..])),
            Some((c, rest)) => s.first() == Some(c) && matches(rest, &s[1..]),
        }
    }
    matches(glob.as_bytes(), url.as_bytes())
}

/// The first of `candidates` (`(where, statement)`, newest first) that
/// satisfies `policy`, or every reason none did.
pub fn first_accepted<'a>(
    candidates: impl IntoIterator<Item = (&'a str, &'a [u8])>,
    digest: &str,
    policy: &ProvenancePolicy,
) -> Result<(usize, Accepted), Vec<String>> {
    let mut reasons = Vec::new();
    for (index, (place, bytes)) in candidates.into_iter().enumerate() {
        match judge(bytes, digest, policy) {
            Ok(accepted) => return Ok((index, accepted)),
            Err(why) => reasons.push(format!("{place}: {why}")),
        }
    }
    Err(reasons)
}

#[cfg(test)]
#[path = "provenance_tests.rs"]
mod tests;
