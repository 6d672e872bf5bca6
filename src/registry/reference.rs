//! Image references: parsing, validation and normalisation the way docker
//! does it (docker.io defaults, `library/`, ports, digests), plus the short
//! `REPO[:TAG]` form that resolves under the promotion source.

use crate::config::Config;
use crate::error::{ConfigError, Error, Result};
use std::fmt;

/// The default registry of unqualified names, as docker names it.
pub const DOCKER_HUB: &str = "docker.io";

/// A parsed, validated image reference.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ImageRef {
    /// `host[:port]` (IPv6 hosts keep their brackets).
    pub registry: String,
    /// Repository path under the registry, e.g. `staging/payments/api`.
    pub repository: String,
    /// Tag, if the reference names one.
    pub tag: Option<String>,
    /// `sha256:<64 hex>`, if the reference names a digest.
    pub digest: Option<String>,
}

impl ImageRef {
    /// Parses a full reference (`host[:port]/path[:tag][@sha256:...]`), applying
    /// docker's defaults to names without a registry host.
    pub fn parse(input: &str) -> Result<Self> {
        let bad = |reason: &str| Error::Reference {
            reference: input.to_string(),
            reason: reason.to_string(),
        };
        if input.is_empty() {
            return Err(bad("empty reference"));
        }
        if input.len() > 512 {
            return Err(bad("longer than 512 characters"));
        }
        if input.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad("contains whitespace or control characters"));
        }
        if input.contains("://") {
            return Err(bad("drop the scheme: write host[:port]/path, not a URL"));
        }
        let (name_and_tag, digest) = match input.split_once('@') {
            Some((left, digest)) => {
                validate_digest(digest).map_err(|r| bad(&r.to_string()))?;
                (left, Some(digest.to_string()))
            }
            None => (input, None),
        };
        // A tag is a ':' after the last '/', so that `host:5000/repo` keeps its port.
        let last_slash = name_and_tag.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match name_and_tag[last_slash..].rfind(':') {
            Some(i) => {
                let at = last_slash + i;
                (&name_and_tag[..at], Some(&name_and_tag[at + 1..]))
            }
            None => (name_and_tag, None),
        };
        if let Some(tag) = tag {
            validate_tag(tag).map_err(|r| bad(&r.to_string()))?;
        }
        let (registry, repository) = split_registry(name);
        let (registry, repository) = match registry {
            Some(host) => {
                validate_host(host).map_err(|r| bad(&r.to_string()))?;
                (host.to_string(), repository.to_string())
            }
            None if repository.contains('/') => (DOCKER_HUB.to_string(), repository.to_string()),
            None => (DOCKER_HUB.to_string(), format!("library/{repository}")),
        };
        validate_repository(&repository).map_err(|r| bad(&r.to_string()))?;
        Ok(ImageRef {
            registry: normalize_host(&registry),
            repository,
            tag: tag.map(str::to_string),
            digest,
        })
    }

    /// Whether `input` has no registry host (so it may be a short `REPO[:TAG]`).
    pub fn is_short(input: &str) -> bool {
        let name = input.split('@').next().unwrap_or(input);
        split_registry(name).0.is_none()
    }

    /// Resolves a short `REPO[:TAG][@digest]` under `host` and `project`.
    pub fn parse_under(input: &str, host: &str, project: &str) -> Result<Self> {
        let project = project.trim_matches('/');
        let full = if project.is_empty() {
            format!("{host}/{input}")
        } else {
            format!("{host}/{project}/{input}")
        };
        ImageRef::parse(&full).map_err(|e| match e {
            Error::Reference { reason, .. } => Error::Reference {
                reference: input.to_string(),
                reason,
            },
            other => other,
        })
    }

    /// Resolves what a user typed: a full reference as written, a short
    /// `REPO[:TAG]` under `promotion.from` (or `promotion.to` for `side`
    /// [`Side::Destination`]); without a promotion section, docker's defaults.
    pub fn resolve(config: &Config, input: &str, side: Side) -> Result<Self> {
        if !ImageRef::is_short(input) {
            return ImageRef::parse(input);
        }
        if config.promotion.is_none() {
            return ImageRef::parse(input);
        }
        // load() has already checked that promotion names existing registries.
        let route = config.route().ok_or_else(|| {
            ConfigError::new("promotion names a registry that is not under registries".to_string())
        })?;
        let registry = match side {
            Side::Source => route.from,
            Side::Destination => route.to,
        };
        ImageRef::parse_under(input, &registry.url, &registry.project)
    }

    /// The same repository pinned to `digest` (tag dropped).
    pub fn with_digest(&self, digest: &str) -> Self {
        ImageRef {
            registry: self.registry.clone(),
            repository: self.repository.clone(),
            tag: None,
            digest: Some(digest.to_string()),
        }
    }

    /// The same repository at `tag` (digest dropped).
    pub fn with_tag(&self, tag: &str) -> Self {
        ImageRef {
            registry: self.registry.clone(),
            repository: self.repository.clone(),
            tag: Some(tag.to_string()),
            digest: None,
        }
    }

    /// `registry/repository`, the name signatures bind to.
    pub fn repository_name(&self) -> String {
        format!("{}/{}", self.registry, self.repository)
    }

    /// The oci-client form of this reference (digest wins over tag, as registries do).
    pub fn to_oci(&self) -> oci_client::Reference {
        match (&self.digest, &self.tag) {
            (Some(d), _) => oci_client::Reference::with_digest(
                self.registry.clone(),
                self.repository.clone(),
                d.clone(),
            ),
            (None, Some(t)) => oci_client::Reference::with_tag(
                self.registry.clone(),
                self.repository.clone(),
                t.clone(),
            ),
            (None, None) => oci_client::Reference::with_tag(
                self.registry.clone(),
                self.repository.clone(),
                "latest".to_string(),
            ),
        }
    }
}

impl fmt::Display for ImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.registry, self.repository)?;
        if let Some(tag) = &self.tag {
            write!(f, ":{tag}")?;
        }
        if let Some(digest) = &self.digest {
            write!(f, "@{digest}")?;
        }
        Ok(())
    }
}

/// Which end of a promotion a short name refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// `promotion.from`.
    Source,
    /// `promotion.to`.
    Destination,
}

/// The cosign legacy tag for `digest` with `suffix` (`sig`, `att`, `sbom`).
pub fn cosign_tag(digest: &str, suffix: &str) -> String {
    format!("{}.{suffix}", digest.replacen(':', "-", 1))
}

fn split_registry(name: &str) -> (Option<&str>, &str) {
    match name.split_once('/') {
        Some((first, rest))
            if first.contains('.')
                || first.contains(':')
                || first == "localhost"
                || first.starts_with('[') =>
        {
            (Some(first), rest)
        }
        _ => (None, name),
    }
}

fn normalize_host(host: &str) -> String {
    let lower = host.to_ascii_lowercase();
    match lower.as_str() {
        "index.docker.io" | "registry-1.docker.io" => DOCKER_HUB.to_string(),
        _ => lower,
    }
}

/// Why one part of an image reference (or a digest from a registry) is not
/// valid; the reference it belongs to is added by [`Error::Reference`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    /// A digest without `algorithm:`.
    #[error("digest {0:?} has no algorithm (expected sha256:<hex>)")]
    DigestAlgorithmMissing(String),
    /// A digest algorithm other than sha256.
    #[error("digest algorithm {0:?} is not supported (only sha256)")]
    DigestAlgorithm(String),
    /// A sha256 digest whose hex part is malformed.
    #[error("digest {0:?} is not 64 lowercase hex characters")]
    DigestHex(String),
    /// A tag outside docker's tag grammar.
    #[error("tag {0:?} is invalid (1-128 of [A-Za-z0-9_.-], not starting with '.' or '-')")]
    Tag(String),
    /// `[` without its `]`.
    #[error("registry host {0:?} has an unclosed '['")]
    HostBracket(String),
    /// A bracketed host that is not an IPv6 address.
    #[error("registry host {0:?} is not a valid IPv6 address")]
    HostIpv6(String),
    /// A host name with characters or dots where none may be.
    #[error("registry host {0:?} is not a valid host name")]
    HostName(String),
    /// A port that is not 1-65535.
    #[error("registry port {0:?} is not a number from 1 to 65535")]
    Port(String),
    /// No repository path at all.
    #[error("repository is empty")]
    RepositoryEmpty,
    /// A repository path longer than registries accept.
    #[error("repository path is longer than 255 characters")]
    RepositoryTooLong,
    /// A path component outside the distribution spec's grammar.
    #[error("repository component {0:?} is invalid (lowercase letters, digits, and single '.', '_', '__' or '-' runs between them)")]
    RepositoryComponent(String),
}

/// Checks `sha256:<64 lowercase hex>`; other algorithms are refused, not guessed.
pub fn validate_digest(digest: &str) -> std::result::Result<(), ReferenceError> {
    let Some((algo, hex)) = digest.split_once(':') else {
        return Err(ReferenceError::DigestAlgorithmMissing(digest.to_string()));
    };
    if algo != "sha256" {
        return Err(ReferenceError::DigestAlgorithm(algo.to_string()));
    }
    if hex.len() != 64
        || !hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(ReferenceError::DigestHex(digest.to_string()));
    }
    Ok(())
}

fn validate_tag(tag: &str) -> std::result::Result<(), ReferenceError> {
    let mut bytes = tag.bytes();
    let first_ok = bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_');
    if !first_ok
        || tag.len() > 128
        || !tag
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
    {
        return Err(ReferenceError::Tag(tag.to_string()));
    }
    Ok(())
}

fn validate_host(host: &str) -> std::result::Result<(), ReferenceError> {
    let (name, port) = if let Some(rest) = host.strip_prefix('[') {
        let Some((v6, after)) = rest.split_once(']') else {
            return Err(ReferenceError::HostBracket(host.to_string()));
        };
        if v6.is_empty() || !v6.bytes().all(|b| b.is_ascii_hexdigit() || b == b':') {
            return Err(ReferenceError::HostIpv6(host.to_string()));
        }
        (v6, after.strip_prefix(':'))
    } else {
        match host.split_once(':') {
            Some((n, p)) => (n, Some(p)),
            None => (host, None),
        }
    };
    if !host.starts_with('[')
        && (name.is_empty()
            || name.starts_with('-')
            || name.starts_with('.')
            || name.ends_with('.')
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-'))
    {
        return Err(ReferenceError::HostName(name.to_string()));
    }
    if let Some(port) = port {
        if port.parse::<u16>().map_or(true, |p| p == 0) {
            return Err(ReferenceError::Port(port.to_string()));
        }
    }
    Ok(())
}

/// Repository path components: `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`, joined by `/`.
fn validate_repository(repo: &str) -> std::result::Result<(), ReferenceError> {
    if repo.is_empty() {
        return Err(ReferenceError::RepositoryEmpty);
    }
    if repo.len() > 255 {
        return Err(ReferenceError::RepositoryTooLong);
    }
    for component in repo.split('/') {
        if !valid_component(component) {
            return Err(ReferenceError::RepositoryComponent(component.to_string()));
        }
    }
    Ok(())
}

fn valid_component(c: &str) -> bool {
    let b = c.as_bytes();
    let alnum = |x: u8| x.is_ascii_lowercase() || x.is_ascii_digit();
    if b.is_empty() || !alnum(b[0]) || !alnum(b[b.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if alnum(b[i]) {
            i += 1;
            continue;
        }
        // A separator run: '.', '_', '__', or one or more '-'.
        let start = i;
        while i < b.len() && !alnum(b[i]) {
            i += 1;
        }
        let sep = &c[start..i];
        let ok = sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|x| x == b'-');
        if !ok {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn docker_hub_defaults() {
        let r = ImageRef::parse("alpine").unwrap();
        assert_eq!(
            (r.registry.as_str(), r.repository.as_str(), r.tag),
            ("docker.io", "library/alpine", None)
        );
        let r = ImageRef::parse("definitely-legitimate-source/totally-not-malware:latest").unwrap();
        assert_eq!(r.registry, "docker.io");
        assert_eq!(
            r.repository,
            "definitely-legitimate-source/totally-not-malware"
        );
        assert_eq!(r.tag.as_deref(), Some("latest"));
        assert_eq!(
            ImageRef::parse("index.docker.io/library/x:1")
                .unwrap()
                .registry,
            "docker.io"
        );
    }

    #[test]
    fn hosts_ports_tags_digests() {
        let r = ImageRef::parse(&format!("127.0.0.1:5000/staging/api:1.2@{D}")).unwrap();
        assert_eq!(r.registry, "127.0.0.1:5000");
        assert_eq!(r.repository, "staging/api");
        assert_eq!(r.tag.as_deref(), Some("1.2"));
        assert_eq!(r.digest.as_deref(), Some(D));
        let r = ImageRef::parse("localhost/x").unwrap();
        assert_eq!(
            (r.registry.as_str(), r.repository.as_str()),
            ("localhost", "x")
        );
        let r = ImageRef::parse("[::1]:5000/a/b:t").unwrap();
        assert_eq!(r.registry, "[::1]:5000");
        let r = ImageRef::parse("Harbor.Example.com/p/a").unwrap();
        assert_eq!(r.registry, "harbor.example.com");
        assert_eq!(r.to_string(), "harbor.example.com/p/a");
    }

    #[test]
    fn rejects_bad_references() {
        for bad in [
            "",
            "UPPER/case",
            "host:5000/a:",
            "a/b:-tag",
            "a@sha256:abc",
            "a@md5:0123",
            "https://host/a",
            "a//b",
            "a/b c",
            "host:99999/a",
            "a/b..c",
            "-a/b",
        ] {
            let err = ImageRef::parse(bad).unwrap_err();
            assert!(matches!(err, Error::Reference { .. }), "{bad}: {err}");
            assert_eq!(err.exit(), crate::exit::Exit::Usage);
        }
    }

    #[test]
    fn short_form_resolves_under_project() {
        assert!(ImageRef::is_short("payments/api:1.0"));
        assert!(!ImageRef::is_short("127.0.0.1:5000/payments/api"));
        let r = ImageRef::parse_under("payments/api:1.0", "127.0.0.1:5000", "staging").unwrap();
        assert_eq!(r.to_string(), "127.0.0.1:5000/staging/payments/api:1.0");
        let r = ImageRef::parse_under("api", "h.example", "").unwrap();
        assert_eq!(r.repository, "api");
    }

    #[test]
    fn cosign_tags() {
        assert_eq!(
            cosign_tag(D, "sig"),
            "sha256-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.sig"
        );
    }
}
