//! `vimes check --resolve`: looks up, in the registry, the digest each
//! unpinned reference's tag points at now, and puts the pinned form in the
//! fix hint. The only part of `check` that touches the network.

use super::{Finding, Rule};
use crate::registry::{ImageRef, RegistryClient};
use futures_util::StreamExt;
use std::collections::BTreeMap;

/// Registry lookups in flight at once.
const CONCURRENCY: usize = 8;

/// Why a digest could not be looked up; shown in the finding's hint.
#[derive(Debug, thiserror::Error)]
enum LookupError {
    /// The registry does not have the image.
    #[error("{0} was not found in its registry")]
    NotFound(String),
    /// The registry could not be asked.
    #[error(transparent)]
    Registry(crate::error::Error),
}

/// Fills in `pinned` and the hint of every finding a digest would fix or
/// explain (digest-required, latest-tag, untagged). A failed lookup is put in
/// the hint rather than failing the check: the findings stand either way.
pub async fn resolve_digests(findings: &mut [Finding], client: &RegistryClient) {
    let wanted: BTreeMap<String, ImageRef> = findings
        .iter()
        .filter(|f| pinnable(f.rule))
        .filter_map(|f| f.image.as_ref())
        .filter_map(|text| ImageRef::parse(text).ok().map(|r| (text.clone(), r)))
        .filter(|(_, r)| r.digest.is_none())
        .collect();
    let answers: BTreeMap<String, Result<String, LookupError>> =
        futures_util::stream::iter(wanted.into_iter().map(|(text, image)| async move {
            let answer = match client.get_manifest(&image).await {
                Ok(Some(manifest)) => Ok(manifest.digest),
                Ok(None) => Err(LookupError::NotFound(image.to_string())),
                Err(e) => Err(LookupError::Registry(e)),
            };
            (text, answer)
        }))
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    for finding in findings.iter_mut().filter(|f| pinnable(f.rule)) {
        let Some(answer) = finding.image.as_ref().and_then(|i| answers.get(i)) else {
            continue;
        };
        match answer {
            Ok(digest) => {
                // Keep the spelling of the file unless it is built from variables.
                let base = match &finding.image {
                    Some(image) if finding.reference.contains('$') => image.clone(),
                    _ => finding.reference.clone(),
                };
                let pinned = format!("{base}@{digest}");
                finding.hint = match finding.rule {
                    Rule::DigestRequired => format!("pin it: {pinned}"),
                    _ => format!(
                        "name a version tag and pin its digest (this tag is {digest} now: \
                         {pinned})"
                    ),
                };
                finding.pinned = Some(pinned);
            }
            Err(why) => {
                finding.hint = format!("{} (digest lookup failed: {why})", finding.hint);
            }
        }
    }
}

fn pinnable(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::DigestRequired | Rule::LatestTag | Rule::Untagged
    )
}
