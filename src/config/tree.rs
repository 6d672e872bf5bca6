//! A lightweight, position-aware view of the YAML document.
//!
//! The typed parse into [`super::Config`] loses where each value came from,
//! and serde errors carry a position but not the key path. This second parse
//! keeps both: every key and value with its line and column. It is used to
//! name the section an error is in and to point cross-check errors at the
//! offending key or value.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Location, Spanned};
use std::fmt;

/// A YAML node with the positions of its children.
#[derive(Debug)]
pub(crate) enum Node {
    /// `null`, `~` or nothing.
    Null,
    /// Any scalar, as text.
    Scalar(String),
    /// A sequence.
    Seq(Vec<Spanned<Node>>),
    /// A mapping, in document order.
    Map(Vec<(Spanned<Node>, Spanned<Node>)>),
}

impl Node {
    /// The text of a scalar key or value (`None` for collections).
    pub fn scalar(&self) -> Option<&str> {
        match self {
            Node::Scalar(s) => Some(s),
            Node::Null => Some(""),
            _ => None,
        }
    }

    /// The text of a scalar; `None` for null and collections (the manifest
    /// scanners' view: `image:` with nothing after it names no image).
    pub fn text(&self) -> Option<&str> {
        match self {
            Node::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The value of `key` in a mapping.
    pub fn value(&self, key: &str) -> Option<&Spanned<Node>> {
        self.get(key).map(|(_, value)| value)
    }

    /// The entry of a mapping with key `key`.
    pub fn get(&self, key: &str) -> Option<&(Spanned<Node>, Spanned<Node>)> {
        match self {
            Node::Map(entries) => entries.iter().find(|(k, _)| k.value.scalar() == Some(key)),
            _ => None,
        }
    }

    /// Where the key `path` is written (for a sequence index segment, the item).
    ///
    /// Path segments of sequences are decimal indexes.
    pub fn key_location(&self, path: &[&str]) -> Option<Location> {
        self.lookup(path).map(|(key, _)| key)
    }

    /// Where the value at `path` is written.
    pub fn value_location(&self, path: &[&str]) -> Option<Location> {
        self.lookup(path).map(|(_, value)| value)
    }

    fn lookup(&self, path: &[&str]) -> Option<(Location, Location)> {
        let (first, rest) = path.split_first()?;
        let (key_loc, child) = match self {
            Node::Map(_) => {
                let (k, v) = self.get(first)?;
                (k.referenced, v)
            }
            Node::Seq(items) => {
                let item = items.get(first.parse::<usize>().ok()?)?;
                (item.referenced, item)
            }
            _ => return None,
        };
        if rest.is_empty() {
            Some((key_loc, child.referenced))
        } else {
            child.value.lookup(rest)
        }
    }

    /// The key path of the key or value written at `line`:`column`, if any.
    /// Sequence items appear as their index.
    pub fn path_at(&self, line: u64, column: u64) -> Option<Vec<String>> {
        let here = |loc: &Location| loc.line() == line && loc.column() == column;
        match self {
            Node::Map(entries) => entries.iter().find_map(|(k, v)| {
                let name = k.value.scalar().unwrap_or("?").to_string();
                if here(&k.referenced) || here(&v.referenced) {
                    return Some(vec![name]);
                }
                let mut path = v.value.path_at(line, column)?;
                path.insert(0, name);
                Some(path)
            }),
            Node::Seq(items) => items.iter().enumerate().find_map(|(i, item)| {
                if here(&item.referenced) {
                    return Some(vec![i.to_string()]);
                }
                let mut path = item.value.path_at(line, column)?;
                path.insert(0, i.to_string());
                Some(path)
            }),
            _ => None,
        }
    }

    /// The path of the innermost mapping or sequence whose extent contains
    /// `line`:`column` (the section a missing key belongs to).
    pub fn container_at(&self, line: u64, column: u64) -> Vec<String> {
        let children: Vec<(String, &Spanned<Node>)> = match self {
            Node::Map(entries) => entries
                .iter()
                .map(|(k, v)| (k.value.scalar().unwrap_or("?").to_string(), v))
                .collect(),
            Node::Seq(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v))
                .collect(),
            _ => return Vec::new(),
        };
        // The last collection child that starts at or before the position.
        let before = |loc: &Location| (loc.line(), loc.column()) <= (line, column);
        let Some((name, child)) = children
            .into_iter()
            .rev()
            .find(|(_, v)| matches!(v.value, Node::Map(_) | Node::Seq(_)) && before(&v.referenced))
        else {
            return Vec::new();
        };
        let mut path = child.value.container_at(line, column);
        path.insert(0, name);
        path
    }
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
        while let Some(entry) = map.next_entry::<Spanned<Node>, Spanned<Node>>()? {
            entries.push(entry);
        }
        Ok(Node::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "\
version: 1
registries:
  staging:
    url: harbor.example.com
    insecure: yes
tools:
  trivy: { path: trivy, timeout_secs: 5 }
signing:
  require_attestations: [cyclonedx, vuln]
";

    fn parse() -> Node {
        serde_saphyr::from_str::<Node>(DOC).unwrap()
    }

    #[test]
    fn finds_keys_and_values_by_path() {
        let tree = parse();
        let loc = tree
            .key_location(&["registries", "staging", "url"])
            .unwrap();
        assert_eq!((loc.line(), loc.column()), (4, 5));
        let loc = tree
            .value_location(&["registries", "staging", "url"])
            .unwrap();
        assert_eq!((loc.line(), loc.column()), (4, 10));
        let loc = tree
            .key_location(&["tools", "trivy", "timeout_secs"])
            .unwrap();
        assert_eq!((loc.line(), loc.column()), (7, 25));
        let loc = tree
            .value_location(&["signing", "require_attestations", "1"])
            .unwrap();
        assert_eq!((loc.line(), loc.column()), (9, 37));
    }

    #[test]
    fn finds_paths_by_position() {
        let tree = parse();
        assert_eq!(
            tree.path_at(5, 5).unwrap(),
            ["registries", "staging", "insecure"]
        );
        assert_eq!(
            tree.path_at(7, 25).unwrap(),
            ["tools", "trivy", "timeout_secs"]
        );
        assert_eq!(tree.container_at(5, 20), ["registries", "staging"]);
        assert_eq!(tree.container_at(7, 30), ["tools", "trivy"]);
        assert!(tree.container_at(1, 1).is_empty());
    }
}
