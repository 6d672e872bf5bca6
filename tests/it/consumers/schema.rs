//! JSON Schema validation (boon) of documents against the official schemas,
//! and Kubernetes CRD schemas turned into JSON Schemas that refuse unknown
//! fields the way `kubectl apply --validate=strict` and the API server do.

use serde_json::{json, Value};
use std::path::PathBuf;

/// `../shared/schemas/<rel>` beside the checkout.
pub fn shared_schema(rel: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/schemas")
        .join(rel);
    assert!(
        path.is_file(),
        "{} is missing: the consumer schemas live in shared/schemas beside the checkout",
        path.display()
    );
    path
}

/// A JSON schema file from `../shared/schemas`.
pub fn json_schema(rel: &str) -> Value {
    let path = shared_schema(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Errors of `instance` against `schema` (empty when valid). Formats are
/// asserted (`uri-reference`, `date-time`, `iri`, ...), as strict consumers do.
pub fn errors(schema: &Value, instance: &Value) -> Vec<String> {
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.enable_format_assertions();
    let url = "urn:vimes-test:schema";
    compiler
        .add_resource(url, schema.clone())
        .unwrap_or_else(|e| panic!("schema not loadable: {e}"));
    let index = compiler
        .compile(url, &mut schemas)
        .unwrap_or_else(|e| panic!("schema does not compile: {e:#}"));
    match schemas.validate(instance, index) {
        Ok(()) => vec![],
        Err(e) => {
            let text = format!("{e:#}");
            vec![text]
        }
    }
}

/// Panics with every error unless `instance` is valid against `schema`.
pub fn assert_valid(schema: &Value, instance: &Value, what: &str) {
    let errors = errors(schema, instance);
    assert!(
        errors.is_empty(),
        "{what} is not valid:\n{}\n--- document ---\n{}",
        errors.join("\n"),
        serde_json::to_string_pretty(instance).unwrap_or_default()
    );
}

/// The `openAPIV3Schema` of version `version` of the CRD in `rel`, as a
/// JSON Schema in which every object that lists `properties` refuses others
/// (unless marked `x-kubernetes-preserve-unknown-fields`), int-or-string
/// fields take either, and `nullable` fields take null.
pub fn crd_schema(rel: &str, version: &str) -> Value {
    let path = shared_schema(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let crd: Value =
        serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let versions = crd["spec"]["versions"].as_array().expect("CRD versions");
    let found = versions
        .iter()
        .find(|v| v["name"] == version)
        .unwrap_or_else(|| panic!("{rel} has no version {version}"));
    let mut schema = found["schema"]["openAPIV3Schema"].clone();
    // The API server itself defines the object's envelope.
    for (field, kind) in [
        ("apiVersion", "string"),
        ("kind", "string"),
        ("metadata", "object"),
    ] {
        if schema["properties"].get(field).is_none() {
            schema["properties"][field] = json!({ "type": kind });
        }
    }
    strict(&mut schema);
    schema
}

fn strict(node: &mut Value) {
    let Some(map) = node.as_object_mut() else {
        return;
    };
    if map.get("x-kubernetes-int-or-string") == Some(&json!(true)) {
        map.remove("type");
        map.insert(
            "anyOf".into(),
            json!([{ "type": "integer" }, { "type": "string" }]),
        );
    }
    if map.get("nullable") == Some(&json!(true)) {
        if let Some(Value::String(t)) = map.get("type").cloned() {
            map.insert("type".into(), json!([t, "null"]));
        }
    }
    let preserve = map.get("x-kubernetes-preserve-unknown-fields") == Some(&json!(true));
    if map.contains_key("properties") && !map.contains_key("additionalProperties") && !preserve {
        map.insert("additionalProperties".into(), json!(false));
    }
    if let Some(Value::Object(props)) = map.get_mut("properties") {
        for v in props.values_mut() {
            strict(v);
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(v) = map.get_mut(key) {
            strict(v);
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(list)) = map.get_mut(key) {
            for v in list {
                strict(v);
            }
        }
    }
}

/// Paths of fields set in `instance` whose schema says "Deprecated".
pub fn deprecated_fields(schema: &Value, instance: &Value, path: &str, out: &mut Vec<String>) {
    match instance {
        Value::Object(fields) => {
            for (k, v) in fields {
                let Some(sub) = schema["properties"].get(k) else {
                    continue;
                };
                let here = format!("{path}.{k}");
                if sub["description"]
                    .as_str()
                    .is_some_and(|d| d.trim_start().starts_with("Deprecated"))
                {
                    out.push(here.clone());
                }
                deprecated_fields(sub, v, &here, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                deprecated_fields(&schema["items"], v, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn strict_crd_schemas_refuse_unknown_fields_and_keep_open_maps_open() {
    let schema = crd_schema("kyverno/clusterpolicies-v1.13.0.yaml", "v1");
    let ok = json!({
        "apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy",
        "metadata": { "name": "x", "labels": { "any": "label" } },
        "spec": { "rules": [] }
    });
    assert_valid(&schema, &ok, "a minimal policy");
    let mut unknown = ok.clone();
    unknown["spec"]["notAField"] = json!(true);
    assert!(
        !errors(&schema, &unknown).is_empty(),
        "unknown spec field accepted"
    );
    let mut wrong_type = ok.clone();
    wrong_type["spec"]["background"] = json!("yes");
    assert!(
        !errors(&schema, &wrong_type).is_empty(),
        "a string for a boolean accepted"
    );
}
