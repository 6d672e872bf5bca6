//! The image rules of `policy:`, each with its own id so CI and SARIF
//! consumers can tell them apart: allowed registries, digest pinning, no
//! `:latest`, no untagged image; plus references that cannot be known or parsed.

use super::{Expanded, Finding, Mention};
use crate::config::PolicyConfig;
use crate::registry::ImageRef;
use serde::Serialize;

/// A rule an image reference can break.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// The registry/project is not in `policy.allowed_registries`.
    DisallowedRegistry,
    /// Not pinned by digest while `policy.require_digest` is on.
    DigestRequired,
    /// Uses the `:latest` tag.
    LatestTag,
    /// Has neither tag nor digest (so means `:latest`).
    Untagged,
    /// Built from variables whose value cannot be known statically.
    UnresolvableReference,
    /// Not a valid image reference.
    InvalidReference,
}

impl Rule {
    /// Every rule, in a stable order.
    pub const ALL: [Rule; 6] = [
        Rule::DisallowedRegistry,
        Rule::DigestRequired,
        Rule::LatestTag,
        Rule::Untagged,
        Rule::UnresolvableReference,
        Rule::InvalidReference,
    ];

    /// The rule id (`disallowed-registry`, ...).
    pub fn id(self) -> &'static str {
        match self {
            Rule::DisallowedRegistry => "disallowed-registry",
            Rule::DigestRequired => "digest-required",
            Rule::LatestTag => "latest-tag",
            Rule::Untagged => "untagged",
            Rule::UnresolvableReference => "unresolvable-reference",
            Rule::InvalidReference => "invalid-reference",
        }
    }

    /// One sentence about what the rule asks.
    pub fn summary(self) -> &'static str {
        match self {
            Rule::DisallowedRegistry => {
                "Images must come from a registry or project listed in policy.allowed_registries."
            }
            Rule::DigestRequired => {
                "Images must be pinned by digest (policy.require_digest): a tag can be moved."
            }
            Rule::LatestTag => "Images must not use the :latest tag: it moves without notice.",
            Rule::Untagged => "Images must name a tag or digest: no tag means :latest.",
            Rule::UnresolvableReference => {
                "Image references must be knowable before the build: no undefined variables."
            }
            Rule::InvalidReference => "Image references must be valid.",
        }
    }
}

impl Rule {
    /// Why the rule matters and how to comply: SARIF's `help`, which code
    /// scanning shows beside an alert.
    pub fn help(self) -> &'static str {
        match self {
            Rule::DisallowedRegistry => {
                "Every image must come from the registries the organisation controls, so that \
                 it was scanned, reviewed and signed on its way there. Use the image from an \
                 allowed registry (add a proxy-cache project for public bases), or add the \
                 registry to policy.allowed_registries if it is trusted."
            }
            Rule::DigestRequired => {
                "A tag can be moved to other content after review; a digest names exactly the \
                 bytes that were scanned and signed. Pin the reference as NAME@sha256:... \
                 (`vimes check --resolve` prints the digest of each tag)."
            }
            Rule::LatestTag => {
                "`latest` points at whatever was pushed last, so what runs is not what was \
                 reviewed. Use a release tag, or better a digest."
            }
            Rule::Untagged => {
                "A reference with neither tag nor digest means `:latest`. Name a release tag, \
                 or better a digest."
            }
            Rule::UnresolvableReference => {
                "The reference is built from variables with no default, so the image cannot be \
                 checked before the build. Give the variable a default (ARG NAME=value) or \
                 write the reference out."
            }
            Rule::InvalidReference => {
                "The text is not a valid image reference (docker's grammar), so no builder or \
                 runtime would resolve it as intended. Correct the reference."
            }
        }
    }

    /// GitHub code scanning's `security-severity` (0.0 to 10.0): how much an
    /// occurrence weakens the supply chain.
    pub fn security_severity(self) -> &'static str {
        match self {
            Rule::DisallowedRegistry => "8.0",
            Rule::DigestRequired | Rule::UnresolvableReference => "5.0",
            Rule::LatestTag | Rule::Untagged => "6.0",
            Rule::InvalidReference => "3.0",
        }
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// Whether `image` is under one of the `host[/path]` prefixes (at a `/`
/// boundary: `harbor.example.com/prod` does not cover `.../production`).
pub fn is_allowed(image: &ImageRef, allowed: &[String]) -> bool {
    allowed.iter().any(|entry| {
        let entry = entry.trim().trim_end_matches('/');
        let (host, path) = entry.split_once('/').unwrap_or((entry, ""));
        // Hosts as registry identities: `127.0.0.1:5000` allows `localhost:5000`.
        !host.is_empty()
            && crate::registry::identity::same_registry(host, &image.registry)
            && (path.is_empty()
                || image.repository == path
                || image
                    .repository
                    .strip_prefix(path)
                    .is_some_and(|rest| rest.starts_with('/')))
    })
}

/// The findings of one reference under `policy`.
pub fn evaluate(file: &str, mention: &Mention, policy: &PolicyConfig) -> Vec<Finding> {
    let finding = |rule: Rule, image: Option<&ImageRef>, message: String, hint: String| Finding {
        file: file.to_string(),
        line: mention.line,
        column: mention.column,
        reference: mention.written.clone(),
        image: image.map(ToString::to_string),
        context: mention.context.clone(),
        kind: mention.kind,
        rule,
        message,
        hint,
        pinned: None,
    };
    let text = match &mention.expanded {
        Expanded::Text(text) => text,
        Expanded::Unresolved(why) => {
            return vec![finding(
                Rule::UnresolvableReference,
                None,
                format!("{:?} cannot be resolved: {why}", mention.written),
                "write the reference literally, or give its variable a default that passes the \
                 policy"
                    .to_string(),
            )]
        }
    };
    let image = match ImageRef::parse(text) {
        Ok(image) => image,
        Err(err) => {
            let reason = match err {
                crate::error::Error::Reference { reason, .. } => reason,
                other => other.to_string(),
            };
            let shown = if *text == mention.written {
                format!("{text:?}")
            } else {
                format!("{:?} (= {text:?})", mention.written)
            };
            return vec![finding(
                Rule::InvalidReference,
                None,
                format!("{shown} is not a valid image reference: {reason}"),
                "write host[:port]/path[:tag][@sha256:<digest>]".to_string(),
            )];
        }
    };
    let mut out = Vec::new();
    if !policy.allowed_registries.is_empty() && !is_allowed(&image, &policy.allowed_registries) {
        out.push(finding(
            Rule::DisallowedRegistry,
            Some(&image),
            format!(
                "{}/{} is not under policy.allowed_registries ({})",
                image.registry,
                image.repository,
                policy.allowed_registries.join(", ")
            ),
            format!(
                "use an image from an allowed registry; to vet this one, copy it there first \
                 (vimes copy {image} {}/...)",
                policy.allowed_registries[0].trim_end_matches('/')
            ),
        ));
    }
    if image.tag.as_deref() == Some("latest") {
        out.push(finding(
            Rule::LatestTag,
            Some(&image),
            format!("{image} uses the :latest tag, which moves without notice"),
            "name a version tag, and pin its digest (vimes check --resolve looks it up)"
                .to_string(),
        ));
    }
    if image.tag.is_none() && image.digest.is_none() {
        out.push(finding(
            Rule::Untagged,
            Some(&image),
            format!("{image} has no tag and no digest, so it means :latest"),
            "name a version tag, and pin its digest (vimes check --resolve looks it up)"
                .to_string(),
        ));
    }
    if policy.require_digest && image.digest.is_none() {
        out.push(finding(
            Rule::DigestRequired,
            Some(&image),
            format!("{image} is not pinned by digest (policy.require_digest)"),
            format!(
                "pin it: {}@sha256:<digest> (vimes check --resolve looks the digest up)",
                // The spelling of the file, unless it is built from variables.
                if mention.written.contains('$') {
                    text
                } else {
                    &mention.written
                }
            ),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::SourceKind;

    fn mention(text: &str) -> Mention {
        Mention {
            line: 3,
            column: 6,
            written: text.to_string(),
            expanded: Expanded::Text(text.to_string()),
            context: "FROM".into(),
            kind: SourceKind::Dockerfile,
        }
    }

    fn policy(allowed: &[&str], digest: bool) -> PolicyConfig {
        PolicyConfig {
            allowed_registries: allowed.iter().map(|s| s.to_string()).collect(),
            require_digest: digest,
            ..PolicyConfig::default()
        }
    }

    fn rules(text: &str, p: &PolicyConfig) -> Vec<Rule> {
        evaluate("Dockerfile", &mention(text), p)
            .into_iter()
            .map(|f| f.rule)
            .collect()
    }

    const D: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn seed_case_breaks_registry_and_latest() {
        let p = policy(&["harbor.example.com/base"], true);
        let found = rules(
            "definitely-legitimate-source/totally-not-malware:latest",
            &p,
        );
        assert_eq!(
            found,
            [
                Rule::DisallowedRegistry,
                Rule::LatestTag,
                Rule::DigestRequired
            ]
        );
    }

    #[test]
    fn prefix_matches_at_a_slash_boundary() {
        let p = policy(&["Harbor.example.com/base/", "docker.io/library"], false);
        assert!(rules("harbor.example.com/base/debian:12", &p).is_empty());
        assert!(rules("harbor.example.com/base:1", &p).is_empty());
        assert_eq!(
            rules("harbor.example.com/baseline/debian:12", &p),
            [Rule::DisallowedRegistry]
        );
        assert!(
            rules("alpine:3.20", &p).is_empty(),
            "docker.io/library/alpine"
        );
        assert!(rules("index.docker.io/library/alpine:3", &p).is_empty());
        let host_only = policy(&["127.0.0.1:5000"], false);
        assert!(rules("127.0.0.1:5000/a/b:1", &host_only).is_empty());
        assert_eq!(
            rules("127.0.0.1:5001/a/b:1", &host_only),
            [Rule::DisallowedRegistry]
        );
    }

    #[test]
    fn each_rule_alone() {
        let open = policy(&[], false);
        assert_eq!(rules("alpine", &open), [Rule::Untagged]);
        assert_eq!(rules("alpine:latest", &open), [Rule::LatestTag]);
        assert!(rules(&format!("alpine@{D}"), &open).is_empty());
        let pinned = policy(&[], true);
        assert_eq!(rules("alpine:3", &pinned), [Rule::DigestRequired]);
        assert!(rules(&format!("alpine:3@{D}"), &pinned).is_empty());
        assert_eq!(rules("Alpine:3", &open), [Rule::InvalidReference]);
        let unresolved = Mention {
            expanded: Expanded::Unresolved("ARG X has no default".into()),
            ..mention("${X}")
        };
        let f = evaluate("Dockerfile", &unresolved, &open);
        assert_eq!(f[0].rule, Rule::UnresolvableReference);
        assert!(f[0].message.contains("ARG X"));
    }

    #[test]
    fn findings_carry_location_and_hint() {
        let f = evaluate("svc/Dockerfile", &mention("alpine:3"), &policy(&[], true));
        assert_eq!(f[0].location(), "svc/Dockerfile:3:6");
        assert!(f[0].hint.contains("alpine:3@sha256:"));
        assert_eq!(f[0].image.as_deref(), Some("docker.io/library/alpine:3"));
    }
}
