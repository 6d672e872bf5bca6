//! What vimes.yaml wants of Harbor: one entry per Harbor project that a
//! `type: harbor` registry names, with the project metadata and immutable tag
//! rule it should have.

use super::pattern;
use super::types::{ImmutableRule, ImmutableSelector};
use crate::config::{Config, RegistryConfig, RegistryType, Severity};
use serde::Serialize;
use std::collections::BTreeMap;

/// Tags vimes' immutable rule leaves out: cosign's `sha256-<hex>.sig`/`.att`
/// (a rule matching them would stop a second signature or attestation from
/// ever being added: sigstore/cosign#313, goharbor/harbor#17332).
pub const EXCLUDED_TAGS: &str = "sha256-*";

/// A cosign signature tag, to test whether a rule would freeze such tags.
fn sample_signature_tag() -> String {
    format!("sha256-{}.sig", "0".repeat(64))
}

/// The immutable tag rule vimes wants on immutable registries: every
/// repository, every tag except `sha256-*`. Harbor applies only the first
/// repository and the first tag selector, so there is exactly one of each.
pub fn vimes_rule() -> ImmutableRule {
    ImmutableRule {
        id: None,
        priority: 0,
        disabled: false,
        action: "immutable".into(),
        template: "immutable_template".into(),
        tag_selectors: vec![ImmutableSelector::doublestar("excludes", EXCLUDED_TAGS)],
        scope_selectors: BTreeMap::from([(
            "repository".to_string(),
            vec![ImmutableSelector::doublestar("repoMatches", "**")],
        )]),
    }
}

/// Whether `rule` is vimes' rule (enabled or not): same action and the same
/// first repository and tag selectors.
pub fn is_vimes_rule(rule: &ImmutableRule) -> bool {
    let want = vimes_rule();
    rule.action == want.action
        && match (rule.repository_selector(), want.repository_selector()) {
            (Some(a), Some(b)) => a.same_as(b),
            _ => false,
        }
        && match (rule.tag_selector(), want.tag_selector()) {
            (Some(a), Some(b)) => a.same_as(b),
            _ => false,
        }
}

/// Whether an enabled rule would make cosign's `sha256-*.sig` tags immutable.
pub fn freezes_signature_tags(rule: &ImmutableRule) -> bool {
    if rule.disabled || is_vimes_rule(rule) {
        return false;
    }
    let Some(selector) = rule.tag_selector() else {
        return false;
    };
    let hit = pattern::matches(&selector.pattern, &sample_signature_tag());
    match selector.decoration.as_str() {
        "matches" => hit,
        "excludes" => !hit,
        _ => false,
    }
}

/// A rule in a few words, for messages.
pub fn describe_rule(rule: &ImmutableRule) -> String {
    let sel = |s: Option<&ImmutableSelector>| {
        s.map_or("(none)".to_string(), |s| {
            format!("{} {}", s.decoration, s.pattern)
        })
    };
    format!(
        "rule {} (repositories {}, tags {}{})",
        rule.id.map_or("?".to_string(), |i| i.to_string()),
        sel(rule.repository_selector()),
        sel(rule.tag_selector()),
        if rule.disabled { ", disabled" } else { "" }
    )
}

/// Harbor's `severity` threshold for the lowest blocking severity. Harbor
/// refuses pulls at or above it; `UNKNOWN` sits below `low` on its scale, and
/// only `none` also covers it.
pub fn harbor_severity(block: &[Severity]) -> Option<&'static str> {
    block.iter().min().map(|s| match s {
        Severity::Unknown => "none",
        Severity::Low => "low",
        Severity::Medium => "medium",
        Severity::High => "high",
        Severity::Critical => "critical",
    })
}

/// One Harbor project and what it should look like.
#[derive(Clone, Debug, Serialize)]
pub struct ProjectPlan {
    /// Harbor host (`host[:port]`).
    pub host: String,
    /// Harbor project name.
    pub project: String,
    /// The vimes.yaml registries that live in it.
    pub registries: Vec<String>,
    /// Whether it is `promotion.to`.
    pub promotion_target: bool,
    /// Metadata keys and the string values they should have.
    pub metadata: BTreeMap<String, String>,
    /// Whether vimes' immutable tag rule should be there.
    pub immutable_rule: bool,
    /// The registry entry whose settings (TLS, credentials) reach it.
    #[serde(skip)]
    pub registry: RegistryConfig,
}

/// Every Harbor project vimes.yaml names, sorted by host and project, plus
/// notes about entries that configure nothing.
pub fn plan(config: &Config) -> (Vec<ProjectPlan>, Vec<String>) {
    let mut notes = Vec::new();
    let target = config
        .route()
        .map(|route| (route.to.url.to_ascii_lowercase(), harbor_project(route.to)));
    let mut plans: BTreeMap<(String, String), ProjectPlan> = BTreeMap::new();
    for (name, reg) in &config.registries {
        if reg.kind != RegistryType::Harbor {
            continue;
        }
        let project = harbor_project(reg);
        if project.is_empty() {
            notes.push(format!(
                "registry {name} names no Harbor project (`project:`): nothing to configure"
            ));
            continue;
        }
        let host = reg.url.to_ascii_lowercase();
        let key = (host.clone(), project.clone());
        let is_target = target.as_ref() == Some(&key);
        let entry = plans.entry(key).or_insert_with(|| ProjectPlan {
            host,
            project,
            registries: Vec::new(),
            promotion_target: false,
            metadata: BTreeMap::new(),
            immutable_rule: false,
            registry: reg.clone(),
        });
        entry.registries.push(name.clone());
        entry.promotion_target |= is_target;
        entry.immutable_rule |= reg.immutable;
        entry.metadata.insert("auto_scan".into(), "true".into());
        if is_target {
            entry
                .metadata
                .insert("enable_content_trust_cosign".into(), "true".into());
            match harbor_severity(&config.policy.block) {
                Some(severity) => {
                    entry.metadata.insert("prevent_vul".into(), "true".into());
                    entry.metadata.insert("severity".into(), severity.into());
                }
                None => notes.push(
                    "policy.block is empty: Harbor's prevent_vul is left as it is".to_string(),
                ),
            }
        }
    }
    (plans.into_values().collect(), notes)
}

/// A registry's Harbor project: the first segment of `project`.
fn harbor_project(reg: &RegistryConfig) -> String {
    reg.project
        .trim_matches('/')
        .split('/')
        .next()
        .unwrap_or_default()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(yaml: &str) -> Config {
        crate::config::parse_str(yaml, "vimes.yaml").unwrap()
    }

    #[test]
    fn target_gets_the_strict_settings() {
        let c = config(
            "version: 1\nregistries:\n  staging:\n    url: h.example.com\n    project: staging\n  \
             production:\n    url: h.example.com\n    project: production/team\n    immutable: true\n  \
             plain:\n    url: r.example.com\n    project: x\n    type: oci\n\
             promotion:\n  from: staging\n  to: production\npolicy:\n  block: [HIGH, CRITICAL, MEDIUM]\n",
        );
        let (plans, notes) = plan(&c);
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(plans.len(), 2, "{plans:?}");
        let prod = plans.iter().find(|p| p.project == "production").unwrap();
        assert!(prod.promotion_target && prod.immutable_rule);
        assert_eq!(prod.metadata["severity"], "medium");
        assert_eq!(prod.metadata["prevent_vul"], "true");
        assert_eq!(prod.metadata["enable_content_trust_cosign"], "true");
        let staging = plans.iter().find(|p| p.project == "staging").unwrap();
        assert_eq!(
            staging.metadata.keys().collect::<Vec<_>>(),
            vec!["auto_scan"]
        );
        assert!(!staging.immutable_rule);
    }

    #[test]
    fn severity_threshold_is_the_lowest_blocking_one() {
        assert_eq!(
            harbor_severity(&[Severity::Critical, Severity::High]),
            Some("high")
        );
        assert_eq!(harbor_severity(&[Severity::Unknown]), Some("none"));
        assert_eq!(harbor_severity(&[]), None);
    }

    #[test]
    fn rule_shape_and_signature_freezing() {
        let rule = vimes_rule();
        assert!(is_vimes_rule(&rule));
        assert!(!freezes_signature_tags(&rule));
        let mut all = vimes_rule();
        all.tag_selectors = vec![ImmutableSelector::doublestar("matches", "**")];
        assert!(!is_vimes_rule(&all));
        assert!(freezes_signature_tags(&all));
        let mut releases = all.clone();
        releases.tag_selectors = vec![ImmutableSelector::doublestar("matches", "v*")];
        assert!(!freezes_signature_tags(&releases));
        all.disabled = true;
        assert!(!freezes_signature_tags(&all));
    }
}
