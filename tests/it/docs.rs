//! The committed completions/ and man/ are what the binary generates: a CLI
//! change without `scripts/gen-docs` fails here.

use crate::support::TestBed;
use std::path::Path;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

#[test]
fn committed_completions_match_the_binary() {
    let env = TestBed::builder().ready().env;
    for (shell, file) in [
        ("bash", "vimes.bash"),
        ("zsh", "_vimes"),
        ("fish", "vimes.fish"),
        ("powershell", "_vimes.ps1"),
        ("elvish", "vimes.elv"),
    ] {
        let out = env.run(&["completions", shell]);
        out.assert_code(0);
        let committed = std::fs::read_to_string(Path::new(ROOT).join("completions").join(file))
            .unwrap_or_else(|e| panic!("completions/{file}: {e} (run scripts/gen-docs)"));
        assert!(
            out.stdout == committed,
            "completions/{file} is stale: run scripts/gen-docs"
        );
    }
}

#[test]
fn committed_man_pages_match_the_binary() {
    let env = TestBed::builder().ready().env;
    env.run(&["generate-man", "generated"]).assert_code(0);
    let generated = env.path("generated");
    let committed = Path::new(ROOT).join("man");
    let names = |dir: &Path| {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e} (run scripts/gen-docs)", dir.display()))
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        names(&generated),
        names(&committed),
        "man/ is stale: run scripts/gen-docs"
    );
    for name in names(&committed) {
        let a = std::fs::read(generated.join(&name)).unwrap();
        let b = std::fs::read(committed.join(&name)).unwrap();
        assert!(a == b, "man/{name} is stale: run scripts/gen-docs");
    }
    assert!(names(&committed).contains(&"vimes-promote.1".to_string()));
}

/// The fenced ```yaml block of README's "Configuration reference" section.
fn readme_reference_yaml() -> String {
    let path = Path::new(ROOT).join("README.md");
    let readme =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let section = readme
        .split("\n## ")
        .find(|s| s.starts_with("Configuration reference"))
        .unwrap_or_else(|| panic!("README.md has no \"## Configuration reference\" section"));
    let mut lines = section.lines().skip_while(|l| l.trim_end() != "```yaml");
    assert!(
        lines.next().is_some(),
        "README's Configuration reference has no ```yaml block"
    );
    let block: Vec<&str> = lines.take_while(|l| l.trim_end() != "```").collect();
    assert!(
        !block.is_empty(),
        "README's reference ```yaml block is empty"
    );
    block.join("\n")
}

/// Follows a `$ref` (`#/$defs/NAME`) of the schema.
fn deref<'a>(schema: &'a serde_json::Value, node: &'a serde_json::Value) -> &'a serde_json::Value {
    match node.get("$ref").and_then(|r| r.as_str()) {
        Some(r) => {
            let name = r
                .strip_prefix("#/$defs/")
                .unwrap_or_else(|| panic!("unexpected $ref {r} in the schema"));
            deref(schema, &schema["$defs"][name])
        }
        None => node,
    }
}

/// Every key path of the schema; map entries (`additionalProperties` with a
/// schema) are `*`. Also returns, per path, the allowed values when the
/// schema has an `enum`.
fn schema_paths(
    schema: &serde_json::Value,
    node: &serde_json::Value,
    prefix: &str,
    out: &mut std::collections::BTreeMap<String, Option<Vec<serde_json::Value>>>,
) {
    let node = deref(schema, node);
    if let Some(props) = node.get("properties").and_then(|p| p.as_object()) {
        for (key, sub) in props {
            let path = join_path(prefix, key);
            let sub = deref(schema, sub);
            out.insert(
                path.clone(),
                sub.get("enum").and_then(|e| e.as_array()).cloned(),
            );
            schema_paths(schema, sub, &path, out);
        }
    }
    if let Some(entry) = node.get("additionalProperties").filter(|a| a.is_object()) {
        let path = join_path(prefix, "*");
        schema_paths(schema, entry, &path, out);
    }
}

fn join_path(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

/// Every key path of the README's YAML, written the schema's way: a key under
/// a map of named entries (registries, images) becomes `*`. Also collects
/// each scalar value by path.
fn yaml_paths(
    value: &serde_json::Value,
    prefix: &str,
    maps: &std::collections::BTreeSet<String>,
    out: &mut Vec<(String, serde_json::Value)>,
) {
    let Some(object) = value.as_object() else {
        return;
    };
    for (key, sub) in object {
        let path = if maps.contains(prefix) {
            join_path(prefix, "*")
        } else {
            join_path(prefix, key)
        };
        if !maps.contains(prefix) {
            out.push((path.clone(), sub.clone()));
        }
        yaml_paths(sub, &path, maps, out);
    }
}

#[test]
fn readme_configuration_reference_matches_the_schema() {
    let env = TestBed::builder().ready().env;
    let out = env.run(&["config", "schema"]);
    out.assert_code(0);
    let schema = out.json();
    let mut wanted = std::collections::BTreeMap::new();
    schema_paths(&schema, &schema, "", &mut wanted);
    // Paths whose keys are names chosen by the user (registries.staging, ...):
    // what comes before each `*` segment.
    let maps: std::collections::BTreeSet<String> = wanted
        .keys()
        .flat_map(|path| {
            let segments: Vec<&str> = path.split('.').collect();
            (0..segments.len())
                .filter(|&i| segments[i] == "*")
                .map(|i| segments[..i].join("."))
                .collect::<Vec<_>>()
        })
        .collect();

    let yaml = readme_reference_yaml();
    let document: serde_json::Value = serde_saphyr::from_str(&yaml).unwrap_or_else(|e| {
        panic!("README's Configuration reference YAML does not parse: {e}\n{yaml}")
    });
    let mut documented = Vec::new();
    yaml_paths(&document, "", &maps, &mut documented);

    let mut problems = Vec::new();
    for (path, value) in &documented {
        match wanted.get(path) {
            None => problems.push(format!(
                "README documents `{path}`, which `vimes config schema` does not have"
            )),
            Some(Some(allowed)) if !value.is_null() && !allowed.contains(value) => {
                problems.push(format!(
                    "README gives `{path}: {value}`, not one of the schema's values {allowed:?}"
                ))
            }
            Some(_) => {}
        }
    }
    let documented_paths: std::collections::BTreeSet<&str> =
        documented.iter().map(|(p, _)| p.as_str()).collect();
    for path in wanted.keys() {
        if !documented_paths.contains(path.as_str()) {
            problems.push(format!(
                "`vimes config schema` has `{path}`, which README's Configuration reference does not show"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "README.md \"Configuration reference\" is out of date with `vimes config schema`:\n  {}",
        problems.join("\n  ")
    );
}

/// README's exit-code table is the code's table: same codes, same order.
#[test]
fn readme_exit_code_table_matches_the_code() {
    let readme = std::fs::read_to_string(Path::new(ROOT).join("README.md")).unwrap();
    let table = readme
        .split("Exit codes, the same for every command:")
        .nth(1)
        .expect("README has the exit-code table");
    let documented: Vec<u8> = table
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .filter_map(|l| l.trim_start_matches('|').split('|').next())
        .filter_map(|cell| cell.trim().parse().ok())
        .collect();
    let code: Vec<u8> = vimes::exit::Exit::ALL.iter().map(|e| e.code()).collect();
    assert_eq!(documented, code, "README's exit codes vs src/exit.rs");
}
