//! A position-aware YAML tree for the manifest scanners, parsed under tight
//! budgets: a `vimes check` in a pre-push hook reads files from anyone, and a
//! YAML bomb (aliases of aliases) must fail fast instead of expanding.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;

/// A YAML node whose children carry their line and column.
#[derive(Debug)]
pub(crate) enum Node {
    /// `null`, `~` or nothing.
    Null,
    /// Any scalar, as text.
    Scalar(String),
    /// A sequence.
    Seq(Vec<Spanned<Node>>),
    /// A mapping, in document order; keys as text.
    Map(Vec<(String, Spanned<Node>)>),
}

impl Node {
    /// The value of `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Spanned<Node>> {
        match self {
            Node::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The text of a scalar.
    pub fn scalar(&self) -> Option<&str> {
        match self {
            Node::Scalar(s) => Some(s),
            _ => None,
        }
    }
}

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

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML node")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Scalar(v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Scalar(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Scalar(v.to_string()))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Node, E> {
        Ok(Node::Scalar(v.to_string()))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Node, E> {
        Ok(Node::Scalar(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Scalar(v.to_string()))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Scalar(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Node, E> {
        Ok(Node::Scalar(v))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Node, E> {
        Ok(Node::Scalar(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        Node::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Node>>()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some((key, value)) = map.next_entry::<Node, Spanned<Node>>()? {
            let key = match key {
                Node::Scalar(s) => s,
                Node::Null => String::new(),
                // A collection as a key names nothing vimes looks for.
                _ => "?".to_string(),
            };
            entries.push((key, value));
        }
        Ok(Node::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based() {
        let docs = parse_documents("a: 1\n---\nb:\n  c: x\n").unwrap();
        assert_eq!(docs.len(), 2);
        let c = docs[1].get("b").unwrap().value.get("c").unwrap();
        assert_eq!((c.referenced.line(), c.referenced.column()), (4, 6));
    }

    #[test]
    fn aliases_resolve_and_bombs_are_refused_quickly() {
        let docs = parse_documents("x: &img alpine:3\ny: *img\n").unwrap();
        assert_eq!(docs[0].get("y").unwrap().value.scalar(), Some("alpine:3"));

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
