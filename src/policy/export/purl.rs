//! Package URLs for a package named in an exception.
//!
//! An exception names a package only (`packages: [zlib1g]`) and vimes' gate
//! matches that name in any ecosystem. A consumer such as Trivy matches
//! exported scopes by purl (type, namespace and name must be equal; a purl
//! without a version matches every version), so the one name becomes one
//! version-less purl per ecosystem where a package can have that name. The
//! list is closed: a package of an ecosystem not listed here keeps its finding
//! in the consumer (narrower than vimes, never wider).

/// Operating-system package types with the OS families Trivy uses as their
/// purl namespace.
const OS_TYPES: &[(&str, &[&str])] = &[
    ("deb", &["debian", "ubuntu"]),
    ("apk", &["alpine", "wolfi", "chainguard"]),
    (
        "rpm",
        &[
            "redhat",
            "centos",
            "rocky",
            "alma",
            "amazon",
            "fedora",
            "oracle",
            "opensuse-leap",
            "opensuse-tumbleweed",
            "sles",
            "photon",
            "azurelinux",
            "cbl-mariner",
        ],
    ),
];

/// Language ecosystems whose purls have a plain name (no namespace).
const PLAIN_TYPES: &[&str] = &[
    "pypi",
    "npm",
    "gem",
    "cargo",
    "nuget",
    "hex",
    "pub",
    "conda",
    "cocoapods",
    "conan",
    "julia",
    "bitnami",
];

/// The version-less purls a package named `name` can have, in a fixed order.
pub fn package_purls(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some((group, artifact)) = name.split_once(':') {
        // Only Maven names carry a colon (`group:artifact`).
        if !group.is_empty() && !artifact.is_empty() && !artifact.contains(':') {
            out.push(format!(
                "pkg:maven/{}/{}",
                segment(group),
                segment(artifact)
            ));
        }
        return out;
    }
    if let Some((namespace, last)) = name.rsplit_once('/') {
        if namespace.is_empty() || last.is_empty() {
            return out;
        }
        let ns: Vec<String> = namespace.split('/').map(segment).collect();
        let lower_ns: Vec<String> = namespace.to_lowercase().split('/').map(segment).collect();
        out.push(format!(
            "pkg:golang/{}/{}",
            lower_ns.join("/"),
            segment(&last.to_lowercase())
        ));
        if !namespace.contains('/') {
            out.push(format!("pkg:composer/{}/{}", ns.join("/"), segment(last)));
        }
        if namespace.starts_with('@') && !namespace.contains('/') {
            out.push(format!(
                "pkg:npm/{}/{}",
                segment(&namespace.to_lowercase()),
                segment(&last.to_lowercase())
            ));
        }
        return out;
    }
    for (kind, families) in OS_TYPES {
        for family in *families {
            out.push(format!("pkg:{kind}/{family}/{}", segment(name)));
        }
    }
    for kind in PLAIN_TYPES {
        let name = match *kind {
            // Trivy lower-cases these and writes `_` as `-` (PEP 503).
            "pypi" => name.to_lowercase().replace('_', "-"),
            "npm" => name.to_lowercase(),
            _ => name.to_string(),
        };
        let purl = format!("pkg:{kind}/{}", segment(&name));
        if !out.contains(&purl) {
            out.push(purl);
        }
    }
    out
}

/// Percent-encodes one purl path segment (the purl spec's name/namespace
/// rules: everything but unreserved characters and `+`).
fn segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~+".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Percent-encodes a purl qualifier value.
pub fn qualifier(text: &str) -> String {
    segment(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_get_one_purl_per_ecosystem() {
        let purls = package_purls("zlib1g");
        assert!(purls.contains(&"pkg:deb/debian/zlib1g".to_string()));
        assert!(purls.contains(&"pkg:rpm/redhat/zlib1g".to_string()));
        assert!(purls.contains(&"pkg:pypi/zlib1g".to_string()));
        assert!(purls.iter().all(|p| !p.contains('@') && !p.contains('?')));
        assert_eq!(
            package_purls("Typing_Extensions")
                .iter()
                .filter(|p| p.starts_with("pkg:pypi/"))
                .collect::<Vec<_>>(),
            ["pkg:pypi/typing-extensions"]
        );
        assert!(package_purls("libstdc++6").contains(&"pkg:deb/debian/libstdc++6".to_string()));
    }

    #[test]
    fn qualified_names_only_in_ecosystems_that_have_them() {
        assert_eq!(
            package_purls("org.yaml:snakeyaml"),
            ["pkg:maven/org.yaml/snakeyaml"]
        );
        assert_eq!(
            package_purls("golang.org/x/net"),
            ["pkg:golang/golang.org/x/net"]
        );
        assert_eq!(
            package_purls("@babel/core"),
            [
                "pkg:golang/%40babel/core",
                "pkg:composer/%40babel/core",
                "pkg:npm/%40babel/core"
            ]
        );
        assert!(package_purls("a:b:c").is_empty());
        assert!(package_purls("/x").is_empty());
    }
}
