//! The predicate `vimes attest --type TYPE --predicate FILE` puts into the
//! statement: what `cosign attest` makes of the same file, so that readers
//! that decode cosign's predicate types (cosign's `CosignPredicate`, Rego and
//! CUE policies written against cosign's output) read vimes' the same way.

use super::AttestationType;
use crate::error::{Error, Result};

/// The predicate for the file `text` (shown as `name` in errors), stamped
/// with `timestamp` (RFC 3339) where cosign stamps it.
///
/// `custom` is cosign's `CosignPredicate`: `{"Data": "<the file as a
/// string>", "Timestamp": "<RFC 3339>"}`, whatever the file holds (cosign
/// neither parses nor requires JSON there). Every other type is the file's
/// JSON document itself.
pub fn predicate(
    kind: AttestationType,
    text: &str,
    name: &str,
    timestamp: &str,
) -> Result<serde_json::Value> {
    if kind == AttestationType::Custom {
        return Ok(serde_json::json!({ "Data": text, "Timestamp": timestamp }));
    }
    serde_json::from_str(text).map_err(|e| {
        Error::Usage(format!(
            "{name}: not JSON ({e}); a {} predicate is a JSON document (only --type custom \
             takes any text)",
            kind.name()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predicate_custom_is_wrapped_as_cosign_wraps_it() {
        let p = predicate(
            AttestationType::Custom,
            "{\"a\": 1}\n",
            "p.json",
            "2025-01-02T03:04:05Z",
        )
        .unwrap();
        assert_eq!(
            p,
            serde_json::json!({"Data": "{\"a\": 1}\n", "Timestamp": "2025-01-02T03:04:05Z"})
        );
        // Not JSON is fine for custom, as for cosign.
        let p = predicate(AttestationType::Custom, "plain text", "p.txt", "t").unwrap();
        assert_eq!(p["Data"], "plain text");
    }

    #[test]
    fn predicate_other_types_are_the_document() {
        for kind in [
            AttestationType::SlsaProvenance02,
            AttestationType::Link,
            AttestationType::Vuln,
        ] {
            let p = predicate(kind, "{\"a\": [1]}", "p.json", "t").unwrap();
            assert_eq!(p, serde_json::json!({"a": [1]}), "{kind:?}");
        }
        let e = predicate(AttestationType::Spdx, "nope", "p.json", "t").unwrap_err();
        assert!(e.to_string().contains("p.json: not JSON"), "{e}");
    }
}
