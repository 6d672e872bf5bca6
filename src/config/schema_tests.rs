//! Keeps the hand-written schema in step with `model.rs`: a fully populated
//! configuration must use exactly the schema's property names at every level,
//! defaults must agree, and the files vimes writes must conform.

use super::model::*;
use super::schema::json_schema;
use super::template::{render, InitAnswers};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// Follows a local `$ref`.
fn resolve<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(r) => &root["$defs"][r.trim_start_matches("#/$defs/")],
        None => node,
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_u64() || n.is_i64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Structural conformance (types, enums, const, minimum, required,
/// additionalProperties; not patterns). With `full`, every object with
/// `properties` must hold exactly those keys.
fn conform(
    root: &Value,
    schema: &Value,
    value: &Value,
    at: &str,
    full: bool,
    errs: &mut Vec<String>,
) {
    let schema = resolve(root, schema);
    if let Some(t) = schema.get("type") {
        let types: Vec<&str> = match t {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        if !types.contains(&json_type(value)) {
            errs.push(format!("{at}: {} is not {types:?}", json_type(value)));
        }
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array) {
        if !options.contains(value) {
            errs.push(format!("{at}: {value} not in enum"));
        }
    }
    if let Some(c) = schema.get("const") {
        if c != value {
            errs.push(format!("{at}: {value} is not {c}"));
        }
    }
    if let (Some(min), Some(n)) = (
        schema.get("minimum").and_then(Value::as_u64),
        value.as_u64(),
    ) {
        if n < min {
            errs.push(format!("{at}: {n} < {min}"));
        }
    }
    match value {
        Value::Object(map) => {
            for req in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if !map.contains_key(req.as_str().unwrap_or_default()) {
                    errs.push(format!("{at}: missing {req}"));
                }
            }
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                let keys: BTreeSet<&String> = map.keys().collect();
                let names: BTreeSet<&String> = props.keys().collect();
                if full && keys != names {
                    errs.push(format!("{at}: keys {keys:?} != schema {names:?}"));
                }
                for (k, v) in map {
                    match props.get(k) {
                        Some(s) => conform(root, s, v, &format!("{at}.{k}"), full, errs),
                        None if schema["additionalProperties"] == json!(false) => {
                            errs.push(format!("{at}: {k} not allowed"))
                        }
                        None => {}
                    }
                }
            } else if let Some(each) = schema.get("additionalProperties").filter(|a| a.is_object())
            {
                for (k, v) in map {
                    conform(root, each, v, &format!("{at}.{k}"), full, errs);
                }
            }
        }
        Value::Array(items) => {
            if let Some(each) = schema.get("items") {
                for (i, v) in items.iter().enumerate() {
                    conform(root, each, v, &format!("{at}[{i}]"), full, errs);
                }
            }
        }
        _ => {}
    }
}

fn check(value: &Value, full: bool) {
    let root = json_schema();
    let mut errs = Vec::new();
    conform(&root, &root, value, "$", full, &mut errs);
    assert!(errs.is_empty(), "{errs:#?}");
}

/// Every key of every struct set, so that serialization shows all of them.
fn fully_populated() -> Config {
    let tool = |path: &str| ToolConfig {
        path: path.into(),
        server: Some("http://localhost:4954".into()),
        timeout_secs: 30,
        sha256: Some("b".repeat(64)),
    };
    let mut config = Config {
        version: 1,
        promotion: Some(PromotionConfig {
            from: "staging".into(),
            to: "production".into(),
        }),
        policy: PolicyConfig {
            block: vec![Severity::Critical, Severity::Unknown],
            ignore_unfixed: true,
            exceptions: Some("exceptions.yaml".into()),
            approvers: vec!["sec.pub".into()],
            allowed_registries: vec!["h.example.com/production".into()],
            require_digest: false,
            max_base_age_days: Some(90),
            max_scan_age_days: Some(7),
            vex: vec!["security/web.openvex.json".into()],
            vex_max_age_days: Some(30),
            vex_attestations: true,
            check_exclude: vec!["charts/*/templates/**".into()],
            provenance: ProvenancePolicy {
                required: true,
                builders: vec!["ci.example.com/vimes-build".into()],
                source_repositories: vec!["https://git.example.com/*".into()],
                trusted_keys: vec!["builder.pub".into()],
            },
        },
        signing: SigningConfig {
            key: Some("env://KEY".into()),
            public_keys: vec!["cosign.pub".into()],
            require_attestations: vec!["cyclonedx".into(), "promotion".into()],
            format: SignatureFormat::Bundle,
        },
        tools: ToolsConfig {
            trivy: TrivyConfig {
                path: "trivy".into(),
                server: Some("http://localhost:4954".into()),
                token_env: Some("TRIVY_TOKEN".into()),
                timeout_secs: 30,
                db_repository: Some("mirror.example.com/trivy-db:2".into()),
                skip_db_update: true,
                offline: true,
                engine: ScanEngine::Harbor,
                sha256: Some("a".repeat(64)),
            },
            syft: tool("syft"),
            builder: Builder::Buildah,
            builder_sha256: Some("c".repeat(64)),
            require_pinned: true,
            pkcs11: Pkcs11Config {
                module: Some("/usr/lib/softhsm/libsofthsm2.so".into()),
            },
        },
        sbom: SbomConfig {
            format: SbomFormat::SpdxJson,
            inventory: Some("inv".into()),
            password_env: Some("INVENTORY_PASSWORD".into()),
            ca_file: Some("inventory-ca.pem".into()),
        },
        build: BuildConfig {
            builder_id: Some("ci.example.com/vimes-build".into()),
        },
        ..Default::default()
    };
    for name in ["staging", "production"] {
        config.registries.insert(
            name.into(),
            RegistryConfig {
                url: "h.example.com:8443".into(),
                project: name.into(),
                kind: RegistryType::Oci,
                insecure: true,
                username_env: Some("U".into()),
                password_env: Some("P".into()),
                ca_file: Some("ca.pem".into()),
                immutable: true,
                token_hosts: vec!["auth.example.com".into()],
            },
        );
    }
    config.images.insert(
        "api".into(),
        ImageConfig {
            repository: "team/api".into(),
            context: "svc".into(),
            dockerfile: "Containerfile".into(),
        },
    );
    config
}

#[test]
fn schema_property_names_match_the_model_at_every_level() {
    let value = serde_json::to_value(fully_populated()).unwrap();
    check(&value, true);
}

#[test]
fn schema_defaults_match_the_model_defaults() {
    let root = json_schema();
    // The smallest file: every section comes from its serde default.
    let minimal: Config = serde_saphyr::from_str(
        "version: 1\nregistries: {r: {url: h}}\nimages: {i: {repository: r}}\n",
    )
    .unwrap();
    let value = serde_json::to_value(&minimal).unwrap();
    let mut compared = 0;
    for section in ["policy", "signing", "tools", "sbom", "build"] {
        let props = root["properties"][section]["properties"]
            .as_object()
            .unwrap();
        for (key, prop) in props {
            if let Some(default) = prop.get("default") {
                assert_eq!(&value[section][key], default, "{section}.{key}");
                compared += 1;
            }
        }
    }
    for (def, entry) in [
        ("registry", &value["registries"]["r"]),
        ("image", &value["images"]["i"]),
        ("tool", &value["tools"]["syft"]),
        ("trivy", &value["tools"]["trivy"]),
    ] {
        for (key, prop) in root["$defs"][def]["properties"].as_object().unwrap() {
            if let Some(default) = prop.get("default") {
                assert_eq!(&entry[key], default, "$defs.{def}.{key}");
                compared += 1;
            }
        }
    }
    assert!(compared >= 19, "only {compared} defaults compared");
    // The enums list exactly what serde accepts.
    let attestations =
        &root["properties"]["signing"]["properties"]["require_attestations"]["items"]["enum"];
    assert_eq!(
        attestations.as_array().map(Vec::len),
        Some(crate::signing::AttestationType::NAMES.len())
    );
}

#[test]
fn default_and_written_configs_conform() {
    let defaults = Config {
        version: 1,
        ..Default::default()
    };
    check(&serde_json::to_value(&defaults).unwrap(), false);
    let lookup = |_: &str| Ok(None);
    let written = super::load::load_str(
        &render(&InitAnswers::with_staging_url("localhost:5000")),
        "vimes.yaml",
        &lookup,
    )
    .unwrap();
    check(&serde_json::to_value(&written).unwrap(), false);
    // The redacted view is what `config show` prints; it keeps the shape.
    check(&super::redacted(&fully_populated()), true);
}

#[test]
fn schema_rejects_what_the_model_rejects() {
    let root = json_schema();
    let mut errs = Vec::new();
    conform(
        &root,
        &root,
        &json!({"version": 2, "extra": 1, "tools": {"trivy": {"path": "t", "timeout_secs": 0}}}),
        "$",
        false,
        &mut errs,
    );
    assert_eq!(errs.len(), 3, "{errs:#?}");
}

/// The integer and boolean keys of the schema set in `value`: (path, value).
fn scalar_leaves(
    root: &Value,
    schema: &Value,
    value: &Value,
    path: &mut Vec<String>,
    out: &mut Vec<(Vec<String>, Value)>,
) {
    let schema = resolve(root, schema);
    let Value::Object(map) = value else {
        return;
    };
    for (k, v) in map {
        let Some(child) = schema["properties"]
            .get(k)
            .or(schema.get("additionalProperties").filter(|a| a.is_object()))
        else {
            continue;
        };
        path.push(k.clone());
        let child_schema = resolve(root, child);
        let types = &child_schema["type"];
        let is = |t: &str| types == t || types.as_array().is_some_and(|a| a.contains(&json!(t)));
        if (is("integer") || is("boolean")) && !is("string") && !v.is_null() {
            out.push((path.clone(), v.clone()));
        } else {
            scalar_leaves(root, child, v, path, out);
        }
        path.pop();
    }
}

/// The schema and the loader agree on quoted scalars: for every integer and
/// boolean key, the unquoted value passes both, and the same value quoted
/// (a string) is refused by both.
#[test]
fn schema_and_loader_agree_on_quoted_numbers_and_booleans() {
    let root = json_schema();
    let value = serde_json::to_value(fully_populated()).unwrap();
    let mut leaves = Vec::new();
    scalar_leaves(&root, &root, &value, &mut Vec::new(), &mut leaves);
    let keys: BTreeSet<String> = leaves
        .iter()
        .map(|(p, _)| match p.first().map(String::as_str) {
            Some("registries") => format!("registries.*.{}", p[2..].join(".")),
            _ => p.join("."),
        })
        .collect();
    for expected in [
        "version",
        "tools.trivy.timeout_secs",
        "tools.trivy.offline",
        "registries.*.insecure",
        "policy.max_base_age_days",
    ] {
        assert!(keys.contains(expected), "{expected} not among {keys:?}");
    }
    assert!(leaves.len() >= 12, "{leaves:?}");
    let no_env = |_: &str| Ok(None);
    // JSON is YAML: strings come out double-quoted, numbers and booleans bare.
    let yaml = serde_json::to_string_pretty(&value).unwrap();
    super::parse::parse(&yaml, "vimes.yaml", &no_env).unwrap();
    for (path, leaf) in &leaves {
        let mut quoted = value.clone();
        let slot = path
            .iter()
            .fold(&mut quoted, |v, k| v.get_mut(k).expect("path exists"));
        *slot = Value::String(leaf.to_string());
        let mut errs = Vec::new();
        conform(&root, &root, &quoted, "$", false, &mut errs);
        assert!(!errs.is_empty(), "the schema takes {path:?} quoted");
        let yaml = serde_json::to_string_pretty(&quoted).unwrap();
        let e = match super::parse::parse(&yaml, "vimes.yaml", &no_env) {
            Ok(_) => panic!("the loader takes {path:?} quoted:\n{yaml}"),
            Err(e) => e.to_string(),
        };
        let key = path.join(".");
        assert!(
            e.contains(&format!("{key}: expected"))
                && e.contains(&format!("write {leaf} without quotes")),
            "{e}"
        );
    }
}
