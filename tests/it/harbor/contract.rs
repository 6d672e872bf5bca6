//! Validates requests against Harbor's published API spec
//! (`../shared/harbor/swagger.yaml`, Swagger 2.0): the method and path template
//! exist (base path stripped, the path decoded once as Harbor's router does,
//! so a repository name must be encoded twice), required path and query
//! parameters are present and typed, no undeclared query parameter is sent,
//! and the JSON body validates against the operation's body schema (type,
//! properties, required, items, additionalProperties, enum, $ref).
//!
//! Stricter than Swagger in one place: an object property the schema does not
//! declare is an error (a typo would otherwise pass silently).
//!
//! Uses only std, serde_json and serde_saphyr, so the unit tests in
//! src/harbor include this same file.
#![allow(dead_code)]

use serde_json::Value;
use std::path::{Path, PathBuf};

/// Where the spec is: `<crate>/../shared/harbor/swagger.yaml`.
pub fn spec_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/harbor/swagger.yaml")
}

/// The parsed spec, or None (after saying so on stderr) when the file is
/// absent. With CI=true an absent spec fails instead.
pub fn load_or_skip(test: &str) -> Option<Spec> {
    let path = spec_path();
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(Spec::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))),
        Err(e) => {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("{test}: {} is required with CI=true: {e}", path.display());
            }
            eprintln!(
                "SKIPPED: {test}: Harbor contract check: {} not found ({e})",
                path.display()
            );
            None
        }
    }
}

/// A path parameter: name and value (decoded once).
type PathParams = Vec<(String, String)>;

/// Harbor's spec.
pub struct Spec {
    doc: Value,
    base: String,
}

/// Decodes `%XX` once.
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(v) = u8::from_str_radix(hex, 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Spec {
    /// Parses the YAML text of a Swagger 2.0 document.
    pub fn parse(text: &str) -> Result<Spec, String> {
        let doc: Value =
            serde_saphyr::from_str(text).map_err(|e| format!("not valid YAML: {e}"))?;
        if doc["swagger"] != "2.0" {
            return Err("not a Swagger 2.0 document".into());
        }
        let base = doc["basePath"].as_str().unwrap_or("").to_string();
        Ok(Spec { doc, base })
    }

    /// Resolves `{"$ref": "#/a/b"}` (one level at a time).
    fn resolve<'a>(&'a self, mut value: &'a Value) -> &'a Value {
        for _ in 0..16 {
            let Some(r) = value.get("$ref").and_then(Value::as_str) else {
                return value;
            };
            let mut target = &self.doc;
            for part in r.trim_start_matches("#/").split('/') {
                target = &target[part];
            }
            value = target;
        }
        value
    }

    /// The operation for `method` on a concrete path: (template, operation, path params).
    fn operation(&self, method: &str, path: &str) -> Result<(String, &Value, PathParams), String> {
        let decoded = decode(path);
        let segs: Vec<&str> = decoded.trim_start_matches('/').split('/').collect();
        let paths = self.doc["paths"]
            .as_object()
            .ok_or("the spec has no paths")?;
        let mut best: Option<(usize, &String, PathParams)> = None;
        for template in paths.keys() {
            let tsegs: Vec<&str> = template.trim_start_matches('/').split('/').collect();
            if tsegs.len() != segs.len() {
                continue;
            }
            let mut params = Vec::new();
            let mut literals = 0;
            let fits = tsegs.iter().zip(&segs).all(|(t, s)| {
                if t.starts_with('{') && t.ends_with('}') {
                    params.push((t[1..t.len() - 1].to_string(), s.to_string()));
                    !s.is_empty()
                } else {
                    literals += 1;
                    t == s
                }
            });
            if fits && best.as_ref().is_none_or(|(l, _, _)| literals > *l) {
                best = Some((literals, template, params));
            }
        }
        let (_, template, params) =
            best.ok_or_else(|| format!("no path template matches {path} (decoded: {decoded})"))?;
        let op = &paths[template][method.to_ascii_lowercase()];
        if op.is_null() {
            return Err(format!("{template} has no {method} operation"));
        }
        Ok((template.clone(), op, params))
    }

    /// Checks one request; `target` is the path and query as sent (with the
    /// base path). Returns the operation id, or every problem found.
    pub fn check(
        &self,
        method: &str,
        target: &str,
        body: Option<&Value>,
    ) -> Result<String, Vec<String>> {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let Some(path) = path.strip_prefix(&self.base) else {
            return Err(vec![format!("{path} is not under {}", self.base)]);
        };
        let (template, op, path_params) = self.operation(method, path).map_err(|e| vec![e])?;
        let query: Vec<(String, String)> = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (decode(&k.replace('+', " ")), decode(&v.replace('+', " ")))
            })
            .collect();
        let mut errors = Vec::new();
        let mut params: Vec<&Value> = Vec::new();
        for list in [
            &self.doc["paths"][&template]["parameters"],
            &op["parameters"],
        ] {
            if let Some(items) = list.as_array() {
                params.extend(items.iter().map(|p| self.resolve(p)));
            }
        }
        let mut body_schema = None;
        for p in &params {
            let name = p["name"].as_str().unwrap_or_default();
            let required = p["required"] == true;
            match p["in"].as_str().unwrap_or_default() {
                "path" => match path_params.iter().find(|(n, _)| n == name) {
                    Some((_, v)) => check_scalar(p, v, &format!("path {name}"), &mut errors),
                    None if required => errors.push(format!("path parameter {name} missing")),
                    None => {}
                },
                "query" => match query.iter().find(|(n, _)| n == name) {
                    Some((_, v)) => check_scalar(p, v, &format!("query {name}"), &mut errors),
                    None if required => {
                        errors.push(format!("required query parameter {name} missing"))
                    }
                    None => {}
                },
                "body" => body_schema = Some((p, required)),
                _ => {}
            }
        }
        for (k, _) in &query {
            if !params
                .iter()
                .any(|p| p["in"] == "query" && p["name"] == k.as_str())
            {
                errors.push(format!("query parameter {k} is not declared"));
            }
        }
        match (body_schema, body) {
            (Some((p, _)), Some(b)) => self.validate(&p["schema"], b, "body", &mut errors),
            (Some((_, true)), None) => errors.push("required body missing".into()),
            (None, Some(_)) => {
                errors.push("a body was sent to an operation that takes none".into())
            }
            _ => {}
        }
        if errors.is_empty() {
            Ok(op["operationId"].as_str().unwrap_or(&template).to_string())
        } else {
            Err(errors
                .into_iter()
                .map(|e| format!("{method} {template}: {e}"))
                .collect())
        }
    }

    /// Validates `value` against a schema of the Swagger 2.0 subset.
    pub fn validate(&self, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
        let schema = self.resolve(schema);
        if value.is_null() {
            if schema["x-nullable"] != true {
                errors.push(format!("{at}: null where the schema does not allow it"));
            }
            return;
        }
        if let Some(allowed) = schema["enum"].as_array() {
            if !allowed.contains(value) {
                errors.push(format!("{at}: {value} is not one of {allowed:?}"));
            }
        }
        let kind = schema["type"].as_str().unwrap_or(
            if schema.get("properties").is_some() || schema.get("additionalProperties").is_some() {
                "object"
            } else {
                ""
            },
        );
        let ok = match kind {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            _ => true,
        };
        if !ok {
            errors.push(format!("{at}: expected {kind}, got {value}"));
            return;
        }
        if let Some(items) = value.as_array() {
            for (i, item) in items.iter().enumerate() {
                self.validate(&schema["items"], item, &format!("{at}[{i}]"), errors);
            }
        }
        let Some(object) = value.as_object() else {
            return;
        };
        for name in schema["required"].as_array().into_iter().flatten() {
            if let Some(n) = name.as_str() {
                if !object.contains_key(n) {
                    errors.push(format!("{at}: required property {n} missing"));
                }
            }
        }
        let properties = schema["properties"].as_object();
        let additional = schema.get("additionalProperties");
        for (key, v) in object {
            let here = format!("{at}.{key}");
            match (properties.and_then(|p| p.get(key)), additional) {
                (Some(s), _) => self.validate(s, v, &here, errors),
                (None, Some(a)) if a.is_object() => self.validate(a, v, &here, errors),
                (None, Some(Value::Bool(true))) => {}
                (None, _) if properties.is_some() => {
                    errors.push(format!("{here}: property not in the schema"))
                }
                _ => {}
            }
        }
    }
}

/// Checks a path or query value against its parameter's type and enum.
fn check_scalar(param: &Value, value: &str, at: &str, errors: &mut Vec<String>) {
    let ok = match param["type"].as_str().unwrap_or("string") {
        "integer" => value.parse::<i64>().is_ok(),
        "number" => value.parse::<f64>().is_ok(),
        "boolean" => matches!(value, "true" | "false"),
        _ => true,
    };
    if !ok {
        errors.push(format!("{at}: {value:?} is not a {}", param["type"]));
    }
    if let Some(max) = param["maximum"].as_f64() {
        if value.parse::<f64>().is_ok_and(|v| v > max) {
            errors.push(format!("{at}: {value} is above the maximum {max}"));
        }
    }
    if let Some(allowed) = param["enum"].as_array() {
        if !allowed.iter().any(|a| a.as_str() == Some(value)) {
            errors.push(format!("{at}: {value:?} is not one of {allowed:?}"));
        }
    }
}

#[cfg(test)]
mod self_test {
    use super::*;

    const MINI: &str = r#"
swagger: '2.0'
basePath: /api/v2.0
paths:
  /projects:
    head:
      parameters:
        - name: project_name
          in: query
          required: true
          type: string
  /projects/{project_name}/repositories/{repository_name}/artifacts/{reference}/tags:
    post:
      operationId: createTag
      parameters:
        - $ref: '#/parameters/repositoryName'
        - name: project_name
          in: path
          required: true
          type: string
        - name: reference
          in: path
          required: true
          type: string
        - name: tag
          in: body
          required: true
          schema:
            $ref: '#/definitions/NewTag'
parameters:
  repositoryName:
    name: repository_name
    in: path
    required: true
    type: string
definitions:
  NewTag:
    type: object
    required: [name]
    properties:
      name:
        type: string
"#;

    #[test]
    fn the_validator_catches_what_it_should() {
        let spec = Spec::parse(MINI).unwrap();
        let tags = "/api/v2.0/projects/p/repositories/a%252Fb/artifacts/sha256:1/tags";
        assert_eq!(
            spec.check("POST", tags, Some(&serde_json::json!({"name": "v1"}))),
            Ok("createTag".to_string())
        );
        // Encoded once: the decoded path has one segment too many.
        let once = "/api/v2.0/projects/p/repositories/a%2Fb/artifacts/sha256:1/tags";
        assert!(spec
            .check("POST", once, Some(&serde_json::json!({"name": "v1"})))
            .is_err());
        let errors = spec
            .check("POST", tags, Some(&serde_json::json!({"nme": "v1"})))
            .unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(spec.check("POST", tags, None).is_err());
        assert!(spec.check("HEAD", "/api/v2.0/projects", None).is_err());
        assert!(spec
            .check("HEAD", "/api/v2.0/projects?project_name=x", None)
            .is_ok());
        assert!(spec
            .check("HEAD", "/api/v2.0/projects?project_name=x&typo=1", None)
            .is_err());
        assert!(spec
            .check("GET", "/api/v2.0/projects?project_name=x", None)
            .is_err());
    }
}
