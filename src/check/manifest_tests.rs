//! Kubernetes and compose references, and whole-file behaviour, on the
//! fixtures in `fixtures/check/`.

use super::{check_inputs, scan_input, CheckOptions, Expanded, FileKind, Input, Rule};

fn fixture(rel: &str) -> String {
    let path = format!("{}/fixtures/check/{rel}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn input(path: &str, text: &str) -> Input {
    Input {
        path: path.to_string(),
        kind: if path.ends_with(".yaml") || path.ends_with(".yml") {
            FileKind::Yaml
        } else if path.ends_with(".json") {
            FileKind::Json
        } else {
            FileKind::Dockerfile
        },
        bytes: text.as_bytes().to_vec(),
    }
}

/// 1-based line and column of the first occurrence of `needle`.
fn position(text: &str, needle: &str) -> (usize, usize) {
    for (i, line) in text.lines().enumerate() {
        if let Some(col) = line.find(needle) {
            return (i + 1, line[..col].chars().count() + 1);
        }
    }
    panic!("{needle:?} not in the fixture");
}

#[test]
fn every_workload_kind_and_container_list() {
    let text = fixture("kubernetes/workloads.yaml");
    let scan = scan_input(
        &input("k8s/workloads.yaml", &text),
        &CheckOptions::default(),
    );
    assert!(scan.skipped.is_none(), "{:?}", scan.skipped);
    let images: Vec<&str> = scan.mentions.iter().map(|m| m.written.as_str()).collect();
    assert_eq!(
        images,
        [
            "harbor.example.com/base/busybox:1.36",
            "harbor.example.com/production/app:1.0",
            "docker.io/library/busybox",
            "nginx:latest",
            "harbor.example.com/production/db:16",
            "quay.io/acme/agent:2",
            "harbor.example.com/production/rs:1",
            "harbor.example.com/production/migrate:3",
            "harbor.example.com/base/busybox:1.36",
            "harbor.example.com/production/nightly:7",
            "harbor.example.com/production/tpl:1",
        ]
    );
    // Positions point at the reference (inside the quotes of a quoted value).
    let m = &scan.mentions[3];
    assert_eq!((m.line, m.column), position(&text, "nginx:latest"));
    assert_eq!(
        m.context,
        "Deployment/web spec.template.spec.containers[0].image (container web)"
    );
    let m = &scan.mentions[1];
    assert_eq!(
        (m.line, m.column),
        position(&text, "harbor.example.com/production/app:1.0")
    );
    assert!(scan.mentions[0]
        .context
        .starts_with("Pod/pod spec.initContainers[0]"));
    assert!(scan.mentions[2]
        .context
        .starts_with("Pod/pod spec.ephemeralContainers[0]"));
    assert!(scan.mentions[8]
        .context
        .starts_with("CronJob/nightly spec.jobTemplate.spec.template.spec.initContainers[0]"));
    assert!(scan.mentions[10]
        .context
        .starts_with("List items[0].template.spec.containers[0]"));
}

#[test]
fn anchors_aliases_and_merge_keys() {
    let text = fixture("kubernetes/anchors.yaml");
    let scan = scan_input(&input("anchors.yaml", &text), &CheckOptions::default());
    let found: Vec<(usize, &str)> = scan
        .mentions
        .iter()
        .map(|m| (m.line, m.written.as_str()))
        .collect();
    // The alias is reported where it is used; the merged container too.
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(found
        .iter()
        .all(|(_, t)| *t == "harbor.example.com/base/envoy:1.30"));
    assert_eq!(found[0].0, 10);
    assert_eq!(found[1].0, 12);
}

#[test]
fn yaml_bomb_is_skipped_quickly() {
    let mut bomb = String::from("apiVersion: v1\nkind: Pod\nimage: x\nlol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..16 {
        let p = i - 1;
        bomb.push_str(&format!(
            "lol{i}: &l{i} [*l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}]\n"
        ));
    }
    // Refused without expanding it (which would not end), not a wall-clock bound.
    let scan = scan_input(&input("bomb.yaml", &bomb), &CheckOptions::default());
    let reason = scan.skipped.expect("a bomb is skipped");
    assert!(reason.starts_with("not valid YAML"), "{reason}");
}

#[test]
fn helm_templates_are_skipped_or_unresolvable() {
    let text = fixture("kubernetes/helm-template.yaml");
    let scan = scan_input(
        &input("templates/deploy.yaml", &text),
        &CheckOptions::default(),
    );
    let reason = scan.skipped.expect("invalid YAML is skipped");
    assert!(reason.contains("Helm"), "{reason}");

    let text = fixture("kubernetes/quoted-template.yaml");
    let report = check_inputs(
        &[input("pod.yaml", &text)],
        Vec::new(),
        &CheckOptions::default(),
    );
    let rules: Vec<Rule> = report.findings.iter().map(|f| f.rule).collect();
    assert_eq!(
        rules,
        [Rule::UnresolvableReference, Rule::UnresolvableReference]
    );
    assert!(report.findings[0].message.contains("template expression"));
    assert!(report.findings[1].message.contains("outside Kubernetes"));
}

#[test]
fn compose_services_with_interpolation() {
    let text = fixture("compose/compose.yaml");
    let scan = scan_input(&input("compose.yaml", &text), &CheckOptions::default());
    let found: Vec<(String, Expanded)> = scan
        .mentions
        .iter()
        .map(|m| (m.context.clone(), m.expanded.clone()))
        .collect();
    assert_eq!(found.len(), 4, "{found:?}");
    assert_eq!(
        found[0],
        (
            "services.web.image".to_string(),
            Expanded::Text("harbor.example.com/production/web:1.4".into())
        )
    );
    assert_eq!(found[1].1, Expanded::Text("postgres".into()));
    assert!(matches!(&found[2].1, Expanded::Unresolved(why) if why.contains("REDIS_TAG")));
    let (line, col) = position(&text, "harbor.example.com/production/web");
    assert_eq!(
        (scan.mentions[0].line, scan.mentions[0].column),
        (line, col)
    );
}

#[test]
fn yaml_without_kubernetes_or_compose_shapes_is_ignored() {
    let ci = "jobs:\n  build:\n    container:\n      image: node:latest\nservices:\n  - image: x\n";
    let scan = scan_input(
        &input(".github/workflows/ci.yml", ci),
        &CheckOptions::default(),
    );
    assert!(scan.mentions.is_empty() && scan.skipped.is_none());
}

#[test]
fn binary_and_non_utf8_files() {
    let mut binary = input("Dockerfile", "");
    binary.bytes = b"FROM a\0\0\0".to_vec();
    let mut latin1 = input("app/Dockerfile", "");
    latin1.bytes = b"# caf\xe9\nFROM alpine:latest\n".to_vec();
    let report = check_inputs(&[binary, latin1], Vec::new(), &CheckOptions::default());
    assert_eq!(report.skipped.len(), 1);
    assert!(report.skipped[0].reason.contains("binary"));
    assert_eq!(report.warnings.len(), 1);
    assert!(report.warnings[0].message.contains("UTF-8"));
    assert_eq!(report.findings[0].location(), "app/Dockerfile:2:6");
}

#[test]
fn many_files_are_scanned_on_two_threads_in_order() {
    let inputs: Vec<Input> = (0..100)
        .map(|i| {
            input(
                &format!("d{i:03}/Dockerfile"),
                &format!("FROM img{i}:latest\n"),
            )
        })
        .collect();
    let report = check_inputs(&inputs, Vec::new(), &CheckOptions::default());
    assert_eq!(report.files_checked, 100);
    let files: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.rule == Rule::LatestTag)
        .map(|f| f.file.as_str())
        .collect();
    assert_eq!(files.len(), 100);
    assert!(files.windows(2).all(|w| w[0] < w[1]));
}

fn images(path: &str, text: &str) -> Vec<String> {
    let scan = scan_input(&input(path, text), &CheckOptions::default());
    assert!(scan.skipped.is_none(), "{path}: {:?}", scan.skipped);
    scan.mentions
        .iter()
        .map(|m| match &m.expanded {
            Expanded::Text(t) => t.clone(),
            Expanded::Unresolved(why) => format!("?{why}"),
        })
        .collect()
}

#[test]
fn keys_are_read_as_yaml_decodes_them() {
    // No literal "image" anywhere: the escape spells it.
    let pod = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n      \"\\x69mage\": evil/escaped:1\n";
    assert_eq!(images("k8s/pod.yaml", pod), ["evil/escaped:1"]);
    // An explicit key may span lines; an escaped line break joins them.
    let folded = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n      ? \"ima\\\n        ge\"\n      : evil/folded:1\n";
    assert_eq!(images("k8s/pod.yaml", folded), ["evil/folded:1"]);
}

#[test]
fn json_manifests_are_checked() {
    let pod = "{\n\t\"apiVersion\": \"v1\",\n\t\"kind\": \"Pod\",\n\t\"spec\": {\"containers\": [{\"name\": \"a\", \"\\u0069mage\": \"evil/json:1\"}]}\n}\n";
    assert_eq!(images("k8s/pod.json", pod), ["evil/json:1"]);
    // Other JSON (package.json, tsconfig) names no image.
    assert!(images("package.json", "{\"name\": \"x\", \"version\": \"1.0.0\"}").is_empty());
}

#[test]
fn kustomization_images_are_the_images_it_renders() {
    let k = format!(
        "resources: [deploy.yaml]\nimages:\n  - name: harbor.example.com/base/app\n    newName: evil.example.com/app\n    newTag: \"2\"\n  - name: harbor.example.com/base/db\n    newTag: v16\n  - name: web\n    newName: evil.example.com/web\n    digest: sha256:{}\n  - name: keep\n    newName: evil.example.com/keep\n",
        "0".repeat(64)
    );
    let found = images("overlays/prod/kustomization.yaml", &k);
    assert_eq!(found[0], "evil.example.com/app:2");
    assert_eq!(found[1], "harbor.example.com/base/db:v16");
    assert_eq!(
        found[2],
        format!("evil.example.com/web@sha256:{}", "0".repeat(64))
    );
    assert!(
        found[3].starts_with("?kustomize keeps the tag"),
        "{found:?}"
    );
    // The same by kind, under another name.
    let by_kind = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nimages:\n  - name: a\n    newName: evil.example.com/a\n    newTag: \"1\"\n";
    assert_eq!(images("base/kust.yaml", by_kind), ["evil.example.com/a:1"]);
}

#[test]
fn compose_inline_dockerfiles_are_scanned() {
    let compose = "services:\n  app:\n    build:\n      context: .\n      args:\n        BASE: evil.example.com/base:1\n      dockerfile_inline: |\n        ARG BASE=harbor.example.com/base/debian:12\n        FROM ${BASE}\n        COPY --from=evil.example.com/tools:1 /t /t\n";
    let scan = scan_input(&input("stack.yaml", compose), &CheckOptions::default());
    let found: Vec<(String, String)> = scan
        .mentions
        .iter()
        .map(|m| match &m.expanded {
            Expanded::Text(t) => (t.clone(), m.context.clone()),
            Expanded::Unresolved(w) => (format!("?{w}"), m.context.clone()),
        })
        .collect();
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].0, "evil.example.com/base:1");
    assert!(found[0]
        .1
        .starts_with("services.app.build.dockerfile_inline line 2: FROM"));
    assert_eq!(found[1].0, "evil.example.com/tools:1");
    // The line and column inside the block scalar are the file's.
    assert_eq!((scan.mentions[0].line, scan.mentions[0].column), (9, 14));
}

#[test]
fn a_file_that_cannot_be_checked_fails_unless_excluded() {
    let mut binary = input("vendor/blob.Dockerfile", "");
    binary.bytes = b"FROM a\0".to_vec();
    let deep = format!(
        "apiVersion: v1\nkind: Pod\nimage: {}x{}\n",
        "[".repeat(70),
        "]".repeat(70)
    );
    let nested = input("k8s/deep.yaml", &deep);
    let mut docs = String::new();
    for _ in 0..1001 {
        docs.push_str("---\nimage: x\n");
    }
    let many = input("k8s/many.yaml", &docs);
    let report = check_inputs(
        &[binary.clone(), nested.clone(), many.clone()],
        Vec::new(),
        &CheckOptions::default(),
    );
    assert!(report.findings.is_empty());
    assert_eq!(report.skipped.len(), 3, "{:?}", report.skipped);
    assert!(!report.passed(), "an unread file is not a pass");

    let mut options = CheckOptions::default();
    options.policy.check_exclude = vec!["vendor".into(), "k8s/*.yaml".into()];
    let report = check_inputs(&[binary, nested, many], Vec::new(), &options);
    assert!(report.passed(), "{report:?}");
    assert_eq!(
        report.excluded,
        ["k8s/deep.yaml", "k8s/many.yaml", "vendor/blob.Dockerfile"]
    );
}
