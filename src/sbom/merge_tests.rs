//! Merging real Syft 1.18.1 SBOMs (fixtures/sbom) as two platforms of one index.
use super::*;
use crate::sbom::document::parse_slice;

fn fixture(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/sbom")
        .join(name);
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

const INDEX: &str = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

fn parts(name: &str) -> Vec<PlatformSbom> {
    let doc = fixture(name);
    vec![
        PlatformSbom {
            platform: "linux/amd64".into(),
            digest: "sha256:aaaa".into(),
            document: doc.clone(),
        },
        PlatformSbom {
            platform: "linux/arm64/v8".into(),
            digest: "sha256:bbbb".into(),
            document: doc,
        },
    ]
}

/// Identifiers defined in the document must be unique and every
/// reference must point at one of them.
fn assert_spdx_references_resolve(doc: &Value) {
    let mut ids = BTreeSet::new();
    for item in doc["packages"]
        .as_array()
        .unwrap()
        .iter()
        .chain(doc["files"].as_array().unwrap())
    {
        let id = item["SPDXID"].as_str().unwrap();
        assert!(ids.insert(id.to_string()), "duplicate SPDXID {id}");
        assert!(
            id.strip_prefix("SPDXRef-").is_some_and(|rest| rest
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')),
            "{id}"
        );
    }
    ids.insert("SPDXRef-DOCUMENT".into());
    for r in doc["relationships"].as_array().unwrap() {
        for key in ["spdxElementId", "relatedSpdxElement"] {
            let id = r[key].as_str().unwrap();
            assert!(ids.contains(id), "dangling {key} {id}");
        }
    }
}

#[test]
fn spdx_platforms_keep_every_package_and_describe_the_index() {
    let one = parse_slice(&serde_json::to_vec(&fixture("syft-1.18.1-debian.spdx.json")).unwrap())
        .unwrap();
    let merged = merge_platforms(
        SbomFormat::SpdxJson,
        "reg/app",
        INDEX,
        &parts("syft-1.18.1-debian.spdx.json"),
    )
    .unwrap();
    assert_spdx_references_resolve(&merged);
    let sbom = parse_slice(&serde_json::to_vec(&merged).unwrap()).unwrap();
    assert_eq!(sbom.packages.len(), 2 * one.packages.len());
    let subject = sbom.subject.unwrap();
    assert_eq!(subject.name, "reg/app");
    assert_eq!(subject.digest.as_deref(), Some(INDEX));
    let zlib: Vec<&Value> = merged["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["name"] == "zlib1g")
        .collect();
    let platforms: Vec<&str> = zlib
        .iter()
        .map(|p| p["annotations"][0]["comment"].as_str().unwrap())
        .collect();
    assert_eq!(
        platforms,
        [
            "vimes:platform=linux/amd64 sha256:aaaa",
            "vimes:platform=linux/arm64/v8 sha256:bbbb"
        ]
    );
    let described: Vec<&Value> = merged["relationships"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["spdxElementId"] == "SPDXRef-DOCUMENT")
        .collect();
    assert_eq!(described.len(), 1);
    assert_eq!(described[0]["relatedSpdxElement"], INDEX_ROOT_ID);
}

#[test]
fn cyclonedx_platforms_keep_every_component_with_unique_refs() {
    let one =
        parse_slice(&serde_json::to_vec(&fixture("syft-1.18.1-debian.cdx.json")).unwrap()).unwrap();
    let input = parts("syft-1.18.1-debian.cdx.json");
    let merged = merge_platforms(SbomFormat::CyclonedxJson, "reg/app", INDEX, &input).unwrap();
    let sbom = parse_slice(&serde_json::to_vec(&merged).unwrap()).unwrap();
    assert_eq!(sbom.packages.len(), 2 * one.packages.len());
    assert_eq!(sbom.subject.unwrap().digest.as_deref(), Some(INDEX));
    let mut refs = BTreeSet::new();
    collect_bom_refs(&merged, &mut refs);
    let mut count = 0;
    fn count_refs(v: &Value, n: &mut usize) {
        match v {
            Value::Object(m) => {
                if m.contains_key("bom-ref") {
                    *n += 1;
                }
                m.values().for_each(|v| count_refs(v, n));
            }
            Value::Array(a) => a.iter().for_each(|v| count_refs(v, n)),
            _ => {}
        }
    }
    count_refs(&merged, &mut count);
    assert_eq!(refs.len(), count, "every bom-ref is unique");
    for dependency in merged["dependencies"].as_array().unwrap() {
        assert!(refs.contains(dependency["ref"].as_str().unwrap()));
        for d in dependency["dependsOn"].as_array().unwrap() {
            assert!(refs.contains(d.as_str().unwrap()), "dangling {d}");
        }
    }
    let serial = merged["serialNumber"].as_str().unwrap();
    assert_eq!(serial.len(), "urn:uuid:".len() + 36);
    assert_eq!(
        serial,
        merge_platforms(SbomFormat::CyclonedxJson, "reg/app", INDEX, &input).unwrap()
            ["serialNumber"]
    );
    let platforms: BTreeSet<&str> = merged["components"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["properties"].as_array().unwrap())
        .filter(|p| p["name"] == PLATFORM_PROPERTY)
        .map(|p| p["value"].as_str().unwrap())
        .collect();
    assert_eq!(platforms, BTreeSet::from(["linux/amd64", "linux/arm64/v8"]));
}

#[test]
fn a_document_of_the_other_format_is_refused() {
    let mut input = parts("syft-1.18.1-debian.spdx.json");
    input[1].document = fixture("syft-1.18.1-debian.cdx.json");
    let err = merge_platforms(SbomFormat::SpdxJson, "reg/app", INDEX, &input).unwrap_err();
    assert_eq!(err, MergeError::NotSpdx("linux/arm64/v8".into()));
    assert!(err.to_string().contains("linux/arm64/v8"), "{err}");
    let err = merge_platforms(SbomFormat::CyclonedxJson, "reg/app", INDEX, &input).unwrap_err();
    assert!(err.to_string().contains("linux/amd64"), "{err}");
    assert!(merge_platforms(SbomFormat::SpdxJson, "r", INDEX, &[]).is_err());
}
