//! Property tests of the parsers of untrusted input, through the
//! `vimes::fuzzing` entry points: arbitrary bytes must never panic, and
//! structured inputs must obey the parsers' laws (image references round-trip,
//! version comparison is a total order consistent with equality, a version
//! inside a range matches it). The fuzz targets in fuzz/ search the same
//! entry points far longer; these run in every `cargo test`.
//!
//! Case counts are kept small so the whole file runs in a few seconds in a
//! debug build; `PROPTEST_CASES=N` raises them for a longer local run.

use proptest::prelude::*;
use std::cmp::Ordering;
use vimes::fuzzing;

/// Cases per property: `PROPTEST_CASES` when set, else `default`.
fn cases(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        // Shrinking a failure is cheap here; keep it bounded anyway.
        max_shrink_iters: 2048,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Bytes that are mostly printable text with YAML/JSON punctuation, so that
/// the parsers get past their first character more often than with uniform
/// random bytes.
fn texty_bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(
                b"abcdefghijklmnopqrstuvwxyz0123456789 :-_./@{}[]\"',#$!&*|>\n\t".to_vec()
            ),
            1 => any::<u8>(),
        ],
        0..max,
    )
}

/// Any bytes: uniform, or text-like.
fn arbitrary_bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![prop::collection::vec(any::<u8>(), 0..max), texty_bytes(max)]
}

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn byte_parsers_never_panic(data in arbitrary_bytes(512)) {
        fuzzing::config(&data);
        fuzzing::exceptions(&data);
        fuzzing::trivy_report(&data);
        fuzzing::sbom_document(&data);
        fuzzing::oci_manifest(&data);
        fuzzing::osv_advisory(&data);
        fuzzing::cosign_payload(&data);
        fuzzing::version_compare(&data);
    }

    #[test]
    fn check_scanners_never_panic(data in arbitrary_bytes(512)) {
        fuzzing::check_dockerfile(&data);
        fuzzing::check_kubernetes(&data);
        fuzzing::check_compose(&data);
        fuzzing::check_yaml(&data);
    }

    #[test]
    fn text_parsers_never_panic(text in "\\PC{0,80}") {
        fuzzing::image_reference(&text);
        fuzzing::version_range(&text);
        fuzzing::purl(&text);
    }
}

// --- structured inputs ------------------------------------------------------

/// A YAML-ish prefix of real documents followed by arbitrary text: reaches
/// the code behind the first few keys.
fn yaml_with_tail(heads: &'static [&'static str]) -> impl Strategy<Value = Vec<u8>> {
    (prop::sample::select(heads), texty_bytes(200)).prop_map(|(head, tail)| {
        let mut data = head.as_bytes().to_vec();
        data.extend(tail);
        data
    })
}

const CONFIG_HEADS: &[&str] = &[
    "version: 1\n",
    "version: 1\nregistries:\n  staging:\n    url: ",
    "version: 1\nregistries:\n  s: {url: ${REG}, project: ",
    "version: 1\npolicy:\n  block: [",
    "version: 1\npromotion: {from: staging, to: ",
];
const K8S_HEADS: &[&str] = &[
    "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    image: ",
    "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      initContainers:\n      - image: ",
    "services:\n  web:\n    image: ",
    "services:\n  web:\n    image: ${TAG:-",
];
const DOCKERFILE_HEADS: &[&str] = &[
    "FROM ",
    "ARG TAG=1.0\nFROM alpine:${TAG",
    "# escape=`\nFROM alpine AS build\nCOPY --from=",
    "FROM scratch\nRUN --mount=type=bind,from=",
    "FROM debian\nRUN <<EOF\n",
];
const JSON_HEADS: &[&str] = &[
    "{\"SchemaVersion\":2,\"Results\":[{\"Target\":\"t\",\"Vulnerabilities\":[{",
    "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":[{\"name\":",
    "{\"spdxVersion\":\"SPDX-2.3\",\"packages\":[{\"name\":\"p\",\"externalRefs\":[",
    "{\"schemaVersion\":2,\"manifests\":[{\"digest\":",
    "{\"id\":\"X\",\"affected\":[{\"package\":{\"ecosystem\":\"Debian:12\",\"name\":\"z\"},\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":",
    "{\"payloadType\":\"application/vnd.in-toto+json\",\"payload\":\"",
];

proptest! {
    #![proptest_config(cases(128))]

    #[test]
    fn prefixed_documents_never_panic(
        config in yaml_with_tail(CONFIG_HEADS),
        manifest in yaml_with_tail(K8S_HEADS),
        dockerfile in yaml_with_tail(DOCKERFILE_HEADS),
        json in yaml_with_tail(JSON_HEADS),
    ) {
        fuzzing::config(&config);
        fuzzing::exceptions(&config);
        fuzzing::check_kubernetes(&manifest);
        fuzzing::check_compose(&manifest);
        fuzzing::check_yaml(&manifest);
        fuzzing::check_dockerfile(&dockerfile);
        fuzzing::trivy_report(&json);
        fuzzing::sbom_document(&json);
        fuzzing::oci_manifest(&json);
        fuzzing::osv_advisory(&json);
        fuzzing::cosign_payload(&json);
    }
}

// --- image references -------------------------------------------------------

const PATH_COMPONENT: &str = "[a-z0-9]{1,6}(([._]|__|-{1,2})[a-z0-9]{1,4}){0,2}";

fn registry() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        Just(Some("localhost".to_string())),
        "[a-z][a-z0-9-]{0,8}[a-z0-9]\\.[a-z]{2,5}".prop_map(Some),
        ("[a-z][a-z0-9]{0,8}(\\.[a-z]{2,5})?", 1u16..=65535)
            .prop_map(|(host, port)| Some(format!("{host}:{port}"))),
        Just(Some("[::1]:5000".to_string())),
    ]
}

fn image_reference() -> impl Strategy<Value = (String, Option<String>, Option<String>)> {
    (
        registry(),
        prop::collection::vec(PATH_COMPONENT, 1..4),
        prop::option::of("[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}"),
        prop::option::of("[0-9a-f]{64}"),
    )
        .prop_map(|(registry, mut path, tag, hex)| {
            let mut text = String::new();
            if let Some(r) = registry {
                text.push_str(&r);
                text.push('/');
            } else {
                // Without a host, a first component with a dot would be read
                // as one (as docker reads it).
                path[0] = path[0].replace('.', "-");
            }
            text.push_str(&path.join("/"));
            if let Some(t) = &tag {
                text.push(':');
                text.push_str(t);
            }
            let digest = hex.map(|h| format!("sha256:{h}"));
            if let Some(d) = &digest {
                text.push('@');
                text.push_str(d);
            }
            (text, tag, digest)
        })
}

proptest! {
    #![proptest_config(cases(512))]

    #[test]
    fn image_references_round_trip((text, tag, digest) in image_reference()) {
        // The entry point asserts parse -> display -> parse itself.
        fuzzing::image_reference(&text);
        let canonical = fuzzing::canonical_image_reference(&text);
        prop_assert!(canonical.is_some(), "{text:?} should parse");
        let canonical = canonical.unwrap_or_default();
        let again = fuzzing::canonical_image_reference(&canonical);
        prop_assert_eq!(again.as_deref(), Some(canonical.as_str()));
        if let Some(tag) = tag {
            prop_assert!(canonical.contains(&format!(":{tag}")), "{canonical}");
        }
        if let Some(digest) = digest {
            prop_assert!(canonical.ends_with(&format!("@{digest}")), "{canonical}");
        }
        // Something is always named: a fully qualified host/path.
        prop_assert!(canonical.contains('/'));
    }

    #[test]
    fn broken_image_references_are_refused(
        (text, _, _) in image_reference(),
        junk in prop::sample::select(vec![" ", "\t", "://", "@sha256:abc", "/UPPER", ":-bad", "//"]),
        at in any::<prop::sample::Index>(),
    ) {
        let mut bad = text.clone();
        let position = at.index(bad.len() + 1);
        if !bad.is_char_boundary(position) {
            return Ok(());
        }
        bad.insert_str(position, junk);
        // Never a panic; and whitespace or a scheme never parses.
        fuzzing::image_reference(&bad);
        if junk.trim().is_empty() || junk == "://" {
            prop_assert!(fuzzing::canonical_image_reference(&bad).is_none(), "{bad:?}");
        }
    }
}

// --- versions ---------------------------------------------------------------

/// Debian versions: `[epoch:]upstream[-revision]` from dpkg's alphabet.
fn debian_version() -> impl Strategy<Value = String> {
    (
        prop::option::of(0u32..4),
        "[0-9][0-9a-z.+~]{0,6}",
        prop::option::of("[0-9a-z.+~]{1,6}"),
    )
        .prop_map(|(epoch, upstream, revision)| {
            let mut v = String::new();
            if let Some(e) = epoch {
                v.push_str(&format!("{e}:"));
            }
            v.push_str(&upstream);
            if let Some(r) = revision {
                v.push('-');
                v.push_str(&r);
            }
            v
        })
}

/// SemVer versions with the ecosystems' spellings.
fn semver_version() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["", "v", "go"]),
        0u32..4,
        0u32..4,
        0u32..4,
        prop::option::of("(alpha|beta|rc|0|1|11)(\\.(0|1|2|x))?"),
        prop::option::of("[a-z0-9]{1,4}"),
    )
        .prop_map(|(prefix, a, b, c, pre, build)| {
            let mut v = format!("{prefix}{a}.{b}.{c}");
            if let Some(p) = pre {
                v.push('-');
                v.push_str(&p);
            }
            if let Some(b) = build {
                v.push('+');
                v.push_str(&b);
            }
            v
        })
}

/// PEP 440 versions with the spec's alternative spellings.
fn pep440_version() -> impl Strategy<Value = String> {
    (
        prop::option::of(0u32..3),
        prop::collection::vec(0u32..4, 1..4),
        prop::option::of((
            prop::sample::select(vec!["a", "b", "rc", "alpha", "c", "pre"]),
            0u32..3,
        )),
        prop::option::of((
            prop::sample::select(vec![".post", "-", ".rev", "post"]),
            0u32..3,
        )),
        prop::option::of(0u32..3),
        prop::option::of("[a-z0-9]{1,3}([.-][a-z0-9]{1,3})?"),
    )
        .prop_map(|(epoch, release, pre, post, dev, local)| {
            let mut v = String::new();
            if let Some(e) = epoch {
                v.push_str(&format!("{e}!"));
            }
            let release: Vec<String> = release.iter().map(u32::to_string).collect();
            v.push_str(&release.join("."));
            if let Some((word, n)) = pre {
                v.push_str(&format!("{word}{n}"));
            }
            if let Some((word, n)) = post {
                v.push_str(&format!("{word}{n}"));
            }
            if let Some(n) = dev {
                v.push_str(&format!(".dev{n}"));
            }
            if let Some(l) = local {
                v.push('+');
                v.push_str(&l);
            }
            v
        })
}

/// Compares with the entry point and checks what every total order obeys.
fn check_order(purl_type: &str, versions: &[String]) -> Result<(), TestCaseError> {
    for a in versions {
        prop_assert_eq!(
            fuzzing::compare_versions(purl_type, a, a),
            Some(Ordering::Equal),
            "{} should parse and equal itself",
            a
        );
        for b in versions {
            let ab = fuzzing::compare_versions(purl_type, a, b);
            let ba = fuzzing::compare_versions(purl_type, b, a);
            prop_assert_eq!(ab, ba.map(Ordering::reverse), "{} vs {}", a, b);
            for c in versions {
                let bc = fuzzing::compare_versions(purl_type, b, c);
                let ac = fuzzing::compare_versions(purl_type, a, c);
                if ab != Some(Ordering::Greater) && bc != Some(Ordering::Greater) {
                    prop_assert_ne!(ac, Some(Ordering::Greater), "{} <= {} <= {}", a, b, c);
                }
            }
        }
    }
    Ok(())
}

/// `version_compare`'s input: a selector byte and one version per line.
fn compare_input(selector: u8, versions: &[String]) -> Vec<u8> {
    let mut data = vec![selector];
    data.extend(versions.join("\n").into_bytes());
    data
}

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn debian_order_is_total(versions in prop::collection::vec(debian_version(), 3)) {
        check_order("deb", &versions)?;
        // Also asserts that `==` agrees with the order.
        fuzzing::version_compare(&compare_input(0, &versions));
    }

    #[test]
    fn pep440_order_is_total(versions in prop::collection::vec(pep440_version(), 3)) {
        check_order("pypi", &versions)?;
        fuzzing::version_compare(&compare_input(1, &versions));
    }

    #[test]
    fn semver_order_is_total(versions in prop::collection::vec(semver_version(), 3)) {
        check_order("npm", &versions)?;
        fuzzing::version_compare(&compare_input(2, &versions));
    }

    #[test]
    fn numeric_versions_order_like_their_numbers(
        a in prop::collection::vec(0u32..20, 3),
        b in prop::collection::vec(0u32..20, 3),
    ) {
        let text = |v: &[u32]| format!("{}.{}.{}", v[0], v[1], v[2]);
        let expected = a.cmp(&b);
        for purl_type in ["deb", "pypi", "npm", "cargo", "golang"] {
            prop_assert_eq!(
                fuzzing::compare_versions(purl_type, &text(&a), &text(&b)),
                Some(expected),
                "{} {} vs {}",
                purl_type,
                text(&a),
                text(&b)
            );
        }
    }

    #[test]
    fn spellings_of_one_version_are_equal(a in 0u32..50, b in 0u32..50) {
        let pairs = [
            ("deb", format!("{a}.{b}"), format!("0:{a}.{b}")),
            ("deb", format!("{a}.{b}"), format!("{a}.0{b}")),
            ("pypi", format!("{a}.{b}"), format!("{a}.{b}.0")),
            ("pypi", format!("{a}.{b}rc1"), format!("{a}.{b}-preview-1")),
            ("npm", format!("{a}.{b}"), format!("v{a}.{b}.0")),
            ("golang", format!("v{a}.{b}.0+incompatible"), format!("{a}.{b}.0")),
        ];
        for (purl_type, x, y) in pairs {
            let order = fuzzing::compare_versions(purl_type, &x, &y);
            prop_assert_eq!(order, Some(Ordering::Equal), "{} {} vs {}", purl_type, x, y);
            fuzzing::version_compare(&compare_input(3, &[x, y]));
        }
    }
}

// --- ranges -----------------------------------------------------------------

/// Three versions `lo < mid < hi` as number triples.
fn ordered_triples() -> impl Strategy<Value = [Vec<u32>; 3]> {
    prop::collection::vec(prop::collection::vec(0u32..30, 3), 3)
        .prop_filter("three distinct versions", |v| {
            v[0] != v[1] && v[1] != v[2] && v[0] != v[2]
        })
        .prop_map(|mut v| {
            v.sort();
            [v[0].clone(), v[1].clone(), v[2].clone()]
        })
}

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn a_version_inside_a_range_matches(
        [lo, mid, hi] in ordered_triples(),
        purl_type in prop::sample::select(vec!["deb", "pypi", "npm", "cargo", "golang"]),
    ) {
        let text = |v: &[u32]| format!("{}.{}.{}", v[0], v[1], v[2]);
        let (lo, mid, hi) = (text(&lo), text(&mid), text(&hi));
        let matches = |range: &str, version: &str| {
            fuzzing::version_range(&format!("{range}\n{version}"));
            fuzzing::range_matches(range, purl_type, version)
        };
        prop_assert_eq!(matches(&format!(">={lo}, <{hi}"), &mid), Ok(true));
        prop_assert_eq!(matches(&format!(">{lo},<={hi}"), &mid), Ok(true));
        prop_assert_eq!(matches(&format!(">={lo}, <{hi}"), &lo), Ok(true));
        prop_assert_eq!(matches(&format!(">={lo}, <{hi}"), &hi), Ok(false));
        prop_assert_eq!(matches(&format!(">{mid}"), &lo), Ok(false));
        prop_assert_eq!(matches(&format!("<={mid}"), &lo), Ok(true));
        prop_assert_eq!(matches(&mid, &mid), Ok(true));
        prop_assert_eq!(matches(&format!("=={mid}"), &hi), Ok(false));
        prop_assert_eq!(matches(&format!("!={mid}"), &mid), Ok(false));
        prop_assert_eq!(matches(&format!("!={mid}"), &hi), Ok(true));
    }

    #[test]
    fn debian_backports_sort_below_their_release(
        upstream in "[1-9][0-9]{0,2}\\.[0-9]{1,2}",
        revision in 1u32..10,
        release in 10u32..14,
    ) {
        // `1.0-1~deb12u1` < `1.0-1` < `1.0-1+deb12u1`: what security updates rely on.
        let base = format!("{upstream}-{revision}");
        let backport = format!("{base}~deb{release}u1");
        let update = format!("{base}+deb{release}u1");
        prop_assert_eq!(fuzzing::range_matches(&format!("<{base}"), "deb", &backport), Ok(true));
        prop_assert_eq!(fuzzing::range_matches(&format!(">{base}"), "deb", &update), Ok(true));
        prop_assert_eq!(
            fuzzing::range_matches(&format!(">={backport}, <{update}"), "deb", &base),
            Ok(true)
        );
    }

    #[test]
    fn malformed_ranges_are_errors(
        junk in prop::sample::select(vec!["", ",", ">=", "1.0,,2.0", ">=1.0 <2.0", "^1.0", "1.*", "<>1"]),
    ) {
        fuzzing::version_range(junk);
        prop_assert!(fuzzing::range_matches(junk, "npm", "1.0.0").is_err(), "{junk:?}");
    }
}

// --- purls ------------------------------------------------------------------

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn generated_purls_parse(
        kind in prop::sample::select(vec!["deb", "npm", "pypi", "golang", "cargo", "apk", "maven"]),
        namespace in prop::option::of("[A-Za-z0-9@%._-]{1,10}"),
        name in "[A-Za-z0-9._%-]{1,12}",
        version in prop::option::of("[A-Za-z0-9.+~:%-]{1,10}"),
        qualifiers in prop::collection::vec(("[a-z]{1,8}", "[A-Za-z0-9.%@-]{0,8}"), 0..3),
    ) {
        let mut text = format!("pkg:{kind}/");
        if let Some(ns) = namespace {
            text.push_str(&ns);
            text.push('/');
        }
        text.push_str(&name);
        if let Some(v) = version {
            text.push('@');
            text.push_str(&v);
        }
        if !qualifiers.is_empty() {
            let q: Vec<String> = qualifiers.iter().map(|(k, v)| format!("{k}={v}")).collect();
            text.push('?');
            text.push_str(&q.join("&"));
        }
        // The entry point asserts that the fast path and the parse agree.
        fuzzing::purl(&text);
    }
}
