//! Lookups in the inventory, the part both backends share: which name keys a
//! question is asked under ([`Plan`]), and the checks and order applied to
//! what the backend read, so that SQLite and PostgreSQL give the same answer
//! row for row.

use super::purl::{facts, normalize_name, Purl};

/// One package of one image, as a lookup returns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// `host/repository`.
    pub repository: String,
    /// Manifest digest.
    pub digest: String,
    /// Tags recorded for the image.
    pub tags: Vec<String>,
    /// Package name.
    pub name: String,
    /// Package version.
    pub version: String,
    /// PURL type.
    pub kind: String,
    /// PURL as written.
    pub purl: Option<String>,
    /// Source package name.
    pub source: Option<String>,
    /// Source package version, when it differs.
    pub source_version: Option<String>,
}

/// What to look up.
#[derive(Clone, Copy, Debug)]
pub enum Lookup<'a> {
    /// A package by name (binary or source name), optionally of one PURL type.
    Name {
        /// The name as the user typed it.
        name: &'a str,
        /// Only this PURL type.
        kind: Option<&'a str>,
    },
    /// The package of a PURL (type, namespace and name; version and
    /// qualifiers are the caller's to check).
    Purl(&'a Purl),
    /// A package of one PURL type by name or source name (advisories).
    Typed {
        /// PURL type.
        kind: &'a str,
        /// Package name as the advisory writes it.
        name: &'a str,
    },
}

/// The name keys a lookup reads: packages filed under `names`, under
/// `pypi_names` when they are PyPI packages, and packages aliased to
/// `aliases` (source and PURL names); only of type `kind` when given.
#[derive(Debug, Default)]
pub(super) struct Plan {
    /// Keys packages are filed under.
    pub names: Vec<String>,
    /// Keys that count only for PyPI packages.
    pub pypi_names: Vec<String>,
    /// Alias keys.
    pub aliases: Vec<String>,
    /// Only this PURL type.
    pub kind: Option<String>,
    /// PURL lookups: the `type/namespace/name` the stored PURL must have.
    purl_key: Option<String>,
}

impl Plan {
    /// The keys of `lookup`.
    pub fn new(lookup: Lookup<'_>) -> Plan {
        let mut plan = Plan::default();
        match lookup {
            // The typed name, its lower case (deb, npm), its PEP 503 form (PyPI
            // only), or a source package name: `openssl` finds libssl3.
            Lookup::Name { name, kind } => {
                plan.names.push(name.to_string());
                plan.names.push(name.to_ascii_lowercase());
                plan.pypi_names
                    .push(normalize_name("pypi", name).into_owned());
                plan.aliases.push(name.to_string());
                plan.kind = kind.map(str::to_string);
            }
            Lookup::Purl(purl) => {
                let short = normalize_name(&purl.kind, &purl.name).into_owned();
                let long = match purl.namespace.is_empty() {
                    true => short.clone(),
                    false => {
                        normalize_name(&purl.kind, &format!("{}/{}", purl.namespace, purl.name))
                            .into_owned()
                    }
                };
                plan.names.extend([short.clone(), long.clone()]);
                plan.aliases.extend([short, long]);
                plan.purl_key = Some(purl.key());
                plan.kind = Some(purl.kind.clone());
            }
            Lookup::Typed { kind, name } => {
                plan.names.push(normalize_name(kind, name).into_owned());
                plan.aliases.push(name.to_string());
                plan.kind = Some(kind.to_string());
            }
        }
        plan
    }

    /// The rows a backend read, checked against the PURL asked for and put
    /// in one order (byte order: the backends' collations differ).
    pub fn finish(&self, mut rows: Vec<Row>) -> Vec<Row> {
        if let Some(key) = &self.purl_key {
            rows.retain(|r| {
                r.purl
                    .as_deref()
                    .and_then(facts)
                    .is_some_and(|f| &f.key == key)
            });
        }
        rows.sort_by(|a, b| order_key(a).cmp(&order_key(b)));
        rows
    }
}

/// The order of rows: by image, then package, then every other column.
type OrderKey<'a> = (
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
);

fn order_key(r: &Row) -> OrderKey<'_> {
    (
        &r.repository,
        &r.digest,
        &r.name,
        &r.version,
        &r.kind,
        r.purl.as_deref(),
        r.source.as_deref(),
        r.source_version.as_deref(),
    )
}
