//! Package URLs (`pkg:type/namespace/name@version?qualifiers#subpath`, the
//! package-url spec): parsed into their parts, percent-decoded, with the
//! per-type name normalisation the spec asks for, so that a PURL typed by a
//! user finds the same package Syft wrote.

use std::borrow::Cow;

/// A parsed package URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Purl {
    /// The type (`deb`, `pypi`, `npm`, ...), lower case.
    pub kind: String,
    /// The namespace (`debian`, `@babel`), decoded; empty when none.
    pub namespace: String,
    /// The name, decoded.
    pub name: String,
    /// The version, decoded.
    pub version: Option<String>,
    /// Qualifiers in the order given, keys lower case, values decoded.
    pub qualifiers: Vec<(String, String)>,
}

/// A PURL cut into its still-encoded parts.
struct Parts<'a> {
    kind: &'a str,
    /// `namespace/.../name`, encoded.
    path: &'a str,
    version: Option<&'a str>,
    query: &'a str,
}

/// Cuts a PURL at its separators (spec: `#` subpath, `?` qualifiers, `@`
/// version after the last `/`); nothing is decoded or allocated.
fn split(text: &str) -> Result<Parts<'_>, &'static str> {
    let rest = text
        .get(..4)
        .filter(|s| s.eq_ignore_ascii_case("pkg:"))
        .map(|_| &text[4..])
        .ok_or("it must start with pkg:")?;
    let rest = rest.trim_start_matches('/');
    let rest = rest.split_once('#').map_or(rest, |(r, _)| r);
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (kind, path) = rest.split_once('/').ok_or("no name after the type")?;
    if kind.is_empty()
        || !kind
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || b".+-".contains(&c))
    {
        return Err("malformed type");
    }
    // An npm scope written unencoded (`@babel/core`) is part of the path.
    let last_slash = path.rfind('/').map_or(0, |i| i + 1);
    let (path, version) = match path[last_slash..].rfind('@') {
        Some(i) => (&path[..last_slash + i], Some(&path[last_slash + i + 1..])),
        None => (path, None),
    };
    if !path.split('/').any(|s| !s.is_empty()) {
        return Err("no name");
    }
    Ok(Parts {
        kind,
        path,
        version: version.filter(|v| !v.is_empty()),
        query,
    })
}

impl Parts<'_> {
    /// Decoded namespace (segments joined by `/`) and name.
    fn namespace_and_name(&self) -> (String, String) {
        let mut segments = self.path.split('/').filter(|s| !s.is_empty());
        let name = segments.next_back().map(decode).unwrap_or_default();
        let namespace: Vec<Cow<'_, str>> = segments.map(decode).collect();
        (namespace.join("/"), name.into_owned())
    }

    fn qualifiers(&self) -> impl Iterator<Item = Option<(&str, Cow<'_, str>)>> {
        self.query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|pair| pair.split_once('=').map(|(k, v)| (k, decode(v))))
    }
}

/// `type/namespace/name` with the per-type normalisation.
fn key_of(kind: &str, namespace: &str, name: &str) -> String {
    let lower_namespace = matches!(kind, "deb" | "npm" | "pypi" | "apk" | "rpm");
    let namespace = if lower_namespace {
        Cow::Owned(namespace.to_ascii_lowercase())
    } else {
        Cow::Borrowed(namespace)
    };
    format!("{kind}/{namespace}/{}", normalize_name(kind, name))
}

/// Splits an `upstream` qualifier value (`zlib`, `tiff@4.5.0-6`).
fn split_upstream(value: &str) -> Option<(String, Option<String>)> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    Some(match value.split_once('@') {
        Some((name, version)) if !version.is_empty() => {
            (name.to_string(), Some(version.to_string()))
        }
        Some((name, _)) => (name.to_string(), None),
        None => (value.to_string(), None),
    })
}

/// What the inventory keeps of a PURL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facts {
    /// The type, lower case.
    pub kind: String,
    /// [`Purl::key`].
    pub key: String,
    /// The version, decoded.
    pub version: Option<String>,
    /// The `upstream` qualifier split into source name and version
    /// (`zlib`, or `tiff@4.5.0-6` when the source version differs).
    pub upstream: Option<(String, Option<String>)>,
}

/// The [`Facts`] of a PURL (None when it is not one), read without
/// decoding the qualifiers vimes does not keep: this runs once per package.
pub fn facts(text: &str) -> Option<Facts> {
    let parts = split(text).ok()?;
    let kind = parts.kind.to_ascii_lowercase();
    let (namespace, name) = parts.namespace_and_name();
    let mut upstream = None;
    for pair in parts.qualifiers() {
        match pair {
            Some((k, v)) if k.eq_ignore_ascii_case("upstream") => upstream = split_upstream(&v),
            Some(_) => {}
            None => return None,
        }
    }
    Some(Facts {
        key: key_of(&kind, &namespace, &name),
        version: parts.version.map(|v| decode(v).into_owned()),
        kind,
        upstream,
    })
}

/// A string that is not a package URL.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a package URL: {why}")]
pub struct PurlError {
    /// The string.
    pub text: String,
    /// Which part of the PURL grammar it breaks.
    pub why: &'static str,
}

impl Purl {
    /// Parses a package URL; the message says what is wrong.
    pub fn parse(text: &str) -> Result<Self, PurlError> {
        let bad = |why: &'static str| PurlError {
            text: text.to_string(),
            why,
        };
        let parts = split(text).map_err(bad)?;
        let (namespace, name) = parts.namespace_and_name();
        let qualifiers = parts
            .qualifiers()
            .map(|pair| {
                pair.map(|(k, v)| (k.to_ascii_lowercase(), v.into_owned()))
                    .ok_or_else(|| bad("qualifier without '='"))
            })
            .collect::<Result<_, _>>()?;
        Ok(Purl {
            kind: parts.kind.to_ascii_lowercase(),
            namespace,
            name,
            version: parts.version.map(|v| decode(v).into_owned()),
            qualifiers,
        })
    }

    /// The value of qualifier `key`.
    pub fn qualifier(&self, key: &str) -> Option<&str> {
        self.qualifiers
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// `type/namespace/name`, normalised per type: the identity of a package
    /// regardless of version and qualifiers.
    pub fn key(&self) -> String {
        key_of(&self.kind, &self.namespace, &self.name)
    }
}

/// The form of a package name that lookups compare: PEP 503 for PyPI (case
/// and runs of `-_.` do not matter), lower case for ecosystems whose names are
/// case-insensitive, unchanged otherwise (borrowed when nothing changes).
pub fn normalize_name<'a>(kind: &str, name: &'a str) -> Cow<'a, str> {
    match kind {
        "pypi" => {
            let normal = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
            if name.chars().all(|c| normal(c) || c == '-') && !name.contains("--") {
                return Cow::Borrowed(name);
            }
            let mut out = String::with_capacity(name.len());
            let mut in_separator = false;
            for c in name.chars() {
                if matches!(c, '-' | '_' | '.') {
                    if !in_separator {
                        out.push('-');
                    }
                    in_separator = true;
                } else {
                    out.push(c.to_ascii_lowercase());
                    in_separator = false;
                }
            }
            Cow::Owned(out)
        }
        "deb" | "npm" | "apk" | "alpm" if name.bytes().any(|b| b.is_ascii_uppercase()) => {
            Cow::Owned(name.to_ascii_lowercase())
        }
        _ => Cow::Borrowed(name),
    }
}

/// Percent-decoding; invalid escapes are kept as written.
fn decode(text: &str) -> Cow<'_, str> {
    if !text.contains('%') {
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upstream(p: &Purl) -> Option<(String, Option<String>)> {
        p.qualifier("upstream").and_then(split_upstream)
    }

    #[test]
    fn syft_deb_purl() {
        // As Syft 1.18.1 writes it (fixtures/sbom/syft-1.18.1-debian.cdx.json).
        let p = Purl::parse(
            "pkg:deb/debian/libtiff6@4.5.0-6%2Bdeb12u1?arch=amd64&distro=debian-12&upstream=tiff%404.5.0-6",
        )
        .unwrap();
        assert_eq!(p.kind, "deb");
        assert_eq!(p.namespace, "debian");
        assert_eq!(p.name, "libtiff6");
        assert_eq!(p.version.as_deref(), Some("4.5.0-6+deb12u1"));
        assert_eq!(p.qualifier("distro"), Some("debian-12"));
        assert_eq!(upstream(&p), Some(("tiff".into(), Some("4.5.0-6".into()))));
        assert_eq!(p.key(), "deb/debian/libtiff6");
        let z =
            Purl::parse("pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&upstream=zlib").unwrap();
        assert_eq!(z.version.as_deref(), Some("1:1.2.13.dfsg-1"));
        assert_eq!(upstream(&z), Some(("zlib".into(), None)));
    }

    #[test]
    fn npm_scopes_encoded_or_not() {
        let a = Purl::parse("pkg:npm/%40babel/core@7.22.0-beta.1").unwrap();
        let b = Purl::parse("pkg:npm/@babel/core@7.22.0-beta.1").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.namespace, "@babel");
        assert_eq!(a.key(), "npm/@babel/core");
        assert_eq!(Purl::parse("pkg:npm/left-pad").unwrap().version, None);
    }

    #[test]
    fn pypi_names_are_normalised() {
        let a = Purl::parse("pkg:pypi/Django_Rest.framework@3.0").unwrap();
        assert_eq!(a.key(), "pypi//django-rest-framework");
        assert_eq!(normalize_name("pypi", "Foo__Bar"), "foo-bar");
        assert_eq!(
            normalize_name("golang", "github.com/Foo/bar"),
            "github.com/Foo/bar"
        );
    }

    #[test]
    fn golang_paths_keep_their_slashes() {
        let p = Purl::parse("pkg:golang/github.com/sirupsen/logrus@v1.9.3").unwrap();
        assert_eq!(p.namespace, "github.com/sirupsen");
        assert_eq!(p.name, "logrus");
        assert_eq!(p.version.as_deref(), Some("v1.9.3"));
    }

    #[test]
    fn facts_agree_with_the_full_parse() {
        for text in [
            "pkg:deb/debian/libtiff6@4.5.0-6%2Bdeb12u1?arch=amd64&distro=debian-12&upstream=tiff%404.5.0-6",
            "pkg:npm/%40babel/core@7.22.0-beta.1",
            "pkg:pypi/Django_Rest@3.0",
            "pkg:golang/github.com/Sirupsen/logrus@v1.9.3",
            "pkg:DEB/Debian//zlib1g?UPSTREAM=zlib",
        ] {
            let full = Purl::parse(text).unwrap();
            let f = facts(text).unwrap();
            assert_eq!(f.kind, full.kind, "{text}");
            assert_eq!(f.key, full.key(), "{text}");
            assert_eq!(f.version, full.version, "{text}");
            assert_eq!(f.upstream, upstream(&full), "{text}");
        }
        assert_eq!(facts("pkg:deb/x?arch"), None);
        assert_eq!(facts("not a purl"), None);
    }

    #[test]
    fn rejects_non_purls() {
        for bad in [
            "",
            "deb/debian/x",
            "pkg:",
            "pkg:deb",
            "pkg:/x",
            "pkg:deb/x?a",
        ] {
            assert!(Purl::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(decode("a%2"), "a%2");
        assert_eq!(decode("%zz"), "%zz");
        assert_eq!(decode("%40x"), "@x");
    }
}
