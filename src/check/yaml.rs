//! A position-aware YAML tree for the manifest scanners, parsed under tight
//! budgets: a `vimes check` in a pre-push hook reads files from anyone, and a
//! YAML bomb (aliases of aliases) must fail fast instead of expanding. The
//! tree is vimes.yaml's ([`crate::config::tree`]); only the budgets differ.

/// The same position-aware node vimes.yaml is read into: one YAML visitor.
pub(crate) use crate::config::tree::Node;

/// The budgets: far above any real manifest (thousands of containers), far
/// below what a bomb needs to hurt. Files are also capped at 5 MiB before this.
fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_events: 500_000,
            max_aliases: 2_000,
            max_anchors: 2_000,
            max_nodes: 200_000,
            max_depth: 64,
            max_documents: 1_000,
            max_total_scalar_bytes: 8 * 1024 * 1024,
            max_recorded_anchor_events: 100_000,
            max_recorded_anchor_bytes: 4 * 1024 * 1024,
            max_merge_keys: 1_000,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 100_000,
            max_replay_stack_depth: 16,
            max_alias_expansions_per_anchor: 1_000,
        },
        with_snippet: false,
        // `y`, `on`, `no` stay text (keys and tags such as `image: on`).
        strict_booleans: true,
    }
}

/// Parses every document of a YAML stream. The error is a one-line reason
/// with the position when the parser gave one.
pub(crate) fn parse_documents(text: &str) -> Result<Vec<Node>, String> {
    serde_saphyr::from_multiple_with_options::<Node>(text, options()).map_err(|e| {
        let message = e.to_string();
        let first = message.lines().next().unwrap_or("").trim().to_string();
        match e.location() {
            Some(loc) if loc.line() > 0 && !first.contains(&format!("line {}", loc.line())) => {
                format!("line {} column {}: {first}", loc.line(), loc.column())
            }
            _ => first,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based() {
        let docs = parse_documents("a: 1\n---\nb:\n  c: x\n").unwrap();
        assert_eq!(docs.len(), 2);
        let c = docs[1].value("b").unwrap().value.value("c").unwrap();
        assert_eq!((c.referenced.line(), c.referenced.column()), (4, 6));
    }

    #[test]
    fn aliases_resolve_and_bombs_are_refused_quickly() {
        let docs = parse_documents("x: &img alpine:3\ny: *img\n").unwrap();
        assert_eq!(docs[0].value("y").unwrap().value.text(), Some("alpine:3"));

        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            bomb.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        // 10^12 nodes if expanded: refused without expanding (an expansion
        // would not end within the test run), not a wall-clock bound.
        assert!(parse_documents(&bomb).is_err());
    }
}
