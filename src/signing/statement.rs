//! Whether a signed in-toto statement is about this image: the rules every
//! reader of attestations applies (verification, the SBOM inventory, and the
//! "already attested" check before writing), so that what one of them counts
//! the others count too. A statement counts for `repository@digest` when its
//! `_type` is an in-toto Statement (v0.1 or v1) and one of its subjects names
//! that digest and that repository. Statements with several subjects are
//! read as cosign reads them (a subject matching the digest is enough), but
//! the repository is checked on that same subject: another subject's name
//! never vouches for it.

use super::bundle::IN_TOTO_STATEMENT_V1;
use super::payload::IN_TOTO_STATEMENT_V01;
use crate::registry::ImageRef;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Whether a subject without a name may count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Names {
    /// The subject must name the repository (cosign's legacy `.att`
    /// statements always do).
    Required,
    /// An unnamed subject counts on its digest alone; a named one must still
    /// name the repository (Sigstore bundles, whose statements may leave the
    /// name out).
    Optional,
}

/// A statement that is about the image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bound {
    /// The statement's predicate type.
    pub predicate_type: String,
    /// The matching subject had no name (only with [`Names::Optional`]).
    pub unnamed: bool,
}

/// Why a statement does not count, with the predicate type when it could be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refused {
    /// The statement's predicate type, if it parsed.
    pub predicate_type: Option<String>,
    /// Why, in words.
    pub reason: String,
}

#[derive(Deserialize)]
struct Header {
    #[serde(rename = "_type", default)]
    kind: String,
    #[serde(rename = "predicateType", default)]
    predicate_type: String,
    #[serde(default)]
    subject: Vec<AnySubject>,
}

#[derive(Deserialize)]
struct AnySubject {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    digest: BTreeMap<String, String>,
}

/// Whether the repository a signature or statement names is `expected`.
/// cosign binds the repository; sigstore-rs historically wrote `repo:tag`,
/// so a tag suffix is tolerated but a different repository is not.
pub fn same_repository(signed: &str, expected: &str) -> bool {
    if signed == expected {
        return true;
    }
    ImageRef::parse(signed).is_ok_and(|r| r.repository_name() == expected && r.digest.is_none())
}

/// Checks that the statement `bytes` is about `repository@digest`.
pub fn check(
    bytes: &[u8],
    digest: &str,
    repository: &str,
    names: Names,
) -> std::result::Result<Bound, Refused> {
    let header: Header = serde_json::from_slice(bytes).map_err(|e| Refused {
        predicate_type: None,
        reason: format!("payload is not an in-toto statement: {e}"),
    })?;
    let refuse = |reason: String| Refused {
        predicate_type: Some(header.predicate_type.clone()),
        reason,
    };
    if header.kind != IN_TOTO_STATEMENT_V01 && header.kind != IN_TOTO_STATEMENT_V1 {
        return Err(refuse(format!(
            "statement type {:?} is not an in-toto Statement ({IN_TOTO_STATEMENT_V01} or {IN_TOTO_STATEMENT_V1})",
            header.kind
        )));
    }
    let Some((algorithm, hex)) = digest.split_once(':') else {
        return Err(refuse(format!("{digest:?} is not a digest")));
    };
    let about_digest: Vec<&AnySubject> = header
        .subject
        .iter()
        .filter(|s| s.digest.get(algorithm).map(String::as_str) == Some(hex))
        .collect();
    if about_digest.is_empty() {
        return Err(refuse(format!("statement subject is not {digest}")));
    }
    let named = about_digest.iter().any(|s| {
        s.name
            .as_deref()
            .is_some_and(|n| same_repository(n, repository))
    });
    if named {
        return Ok(Bound {
            predicate_type: header.predicate_type.clone(),
            unnamed: false,
        });
    }
    let unnamed = about_digest
        .iter()
        .any(|s| s.name.as_deref().is_none_or(str::is_empty));
    if unnamed && names == Names::Optional {
        return Ok(Bound {
            predicate_type: header.predicate_type.clone(),
            unnamed: true,
        });
    }
    let others: Vec<String> = about_digest
        .iter()
        .filter_map(|s| s.name.as_deref())
        .filter(|n| !n.is_empty())
        .map(|n| format!("{n:?}"))
        .collect();
    Err(refuse(if others.is_empty() {
        format!("the statement's subject {digest} names no repository; it must name {repository}")
    } else {
        format!(
            "the statement is about {digest} in {}, not in {repository}",
            others.join(", ")
        )
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const REPO: &str = "127.0.0.1:5000/production/web";
    const HEX: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const OTHER: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    fn digest() -> String {
        format!("sha256:{HEX}")
    }

    fn statement(kind: &str, subjects: serde_json::Value) -> Vec<u8> {
        serde_json::to_vec(&json!({
            "_type": kind,
            "predicateType": "https://cyclonedx.org/bom",
            "subject": subjects,
            "predicate": {},
        }))
        .unwrap()
    }

    #[test]
    fn a_statement_about_this_repository_and_digest_counts_in_both_versions() {
        for kind in [IN_TOTO_STATEMENT_V01, IN_TOTO_STATEMENT_V1] {
            let s = statement(kind, json!([{"name": REPO, "digest": {"sha256": HEX}}]));
            let bound = check(&s, &digest(), REPO, Names::Required).unwrap();
            assert_eq!(bound.predicate_type, "https://cyclonedx.org/bom");
            assert!(!bound.unnamed);
        }
    }

    #[test]
    fn another_type_another_digest_or_another_repository_does_not_count() {
        let subject = json!([{"name": REPO, "digest": {"sha256": HEX}}]);
        for kind in [
            "",
            "https://in-toto.io/Statement/v2",
            "https://example.com/Statement/v1",
        ] {
            let err = check(
                &statement(kind, subject.clone()),
                &digest(),
                REPO,
                Names::Required,
            )
            .unwrap_err();
            assert!(
                err.reason.contains("is not an in-toto Statement"),
                "{err:?}"
            );
            assert_eq!(
                err.predicate_type.as_deref(),
                Some("https://cyclonedx.org/bom")
            );
        }
        let other_digest = statement(
            IN_TOTO_STATEMENT_V01,
            json!([{"name": REPO, "digest": {"sha256": OTHER}}]),
        );
        let err = check(&other_digest, &digest(), REPO, Names::Required).unwrap_err();
        assert!(err.reason.contains("subject is not sha256:aaaa"), "{err:?}");
        let other_repo = statement(
            IN_TOTO_STATEMENT_V01,
            json!([{"name": "127.0.0.1:5000/staging/web", "digest": {"sha256": HEX}}]),
        );
        let err = check(&other_repo, &digest(), REPO, Names::Optional).unwrap_err();
        assert!(err.reason.contains("staging/web"), "{err:?}");
        assert!(check(b"[]", &digest(), REPO, Names::Optional).is_err());
    }

    #[test]
    fn with_several_subjects_the_name_must_be_on_the_subject_with_the_digest() {
        // cosign counts any subject with the digest; the repository must be
        // named by that subject, not by a neighbour about another image.
        let split = statement(
            IN_TOTO_STATEMENT_V1,
            json!([
                {"name": "127.0.0.1:5000/staging/web", "digest": {"sha256": HEX}},
                {"name": REPO, "digest": {"sha256": OTHER}},
            ]),
        );
        assert!(check(&split, &digest(), REPO, Names::Optional).is_err());
        let both = statement(
            IN_TOTO_STATEMENT_V1,
            json!([
                {"name": "127.0.0.1:5000/other/app", "digest": {"sha256": OTHER}},
                {"name": REPO, "digest": {"sha256": HEX}},
            ]),
        );
        assert!(check(&both, &digest(), REPO, Names::Required).is_ok());
    }

    #[test]
    fn an_unnamed_subject_counts_only_where_names_are_optional() {
        for subject in [
            json!([{"digest": {"sha256": HEX}}]),
            json!([{"name": "", "digest": {"sha256": HEX}}]),
        ] {
            let s = statement(IN_TOTO_STATEMENT_V1, subject);
            assert!(check(&s, &digest(), REPO, Names::Required).is_err());
            assert!(check(&s, &digest(), REPO, Names::Optional).unwrap().unnamed);
        }
    }
}
