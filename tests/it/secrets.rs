//! Secret hygiene: with known registry and key passwords, a whole promotion
//! over TLS + auth leaves none of them in stdout, stderr, the audit log, the
//! review record, any attestation or signature, or any child's command line.

use crate::support::TestBed;
use crate::support::{find_on_path, Registry};

const REGISTRY_PASSWORD: &str = "reg-Secret-7781";
const KEY_PASSWORD: &str = "key-Secret-9912";

#[test]
fn no_secret_reaches_output_logs_evidence_or_child_command_lines() {
    let Some(bed) = TestBed::builder()
        .tls_auth_registry("staging", "stager", REGISTRY_PASSWORD)
        .tls_auth_registry("production", "prod", REGISTRY_PASSWORD)
        .tools(["trivy", "buildah", "syft"])
        .trivy_cache()
        .xdg()
        .password(KEY_PASSWORD)
        .env("STAGING_USER", "stager")
        .env("STAGING_PASSWORD", REGISTRY_PASSWORD)
        .env("PROD_USER", "prod")
        .env("PROD_PASSWORD", REGISTRY_PASSWORD)
        .user("auditor")
        .fixture("staging", "clean", "staging/web", "1")
        .build()
    else {
        return;
    };
    let (staging, production) = (&bed.regs["staging"], &bed.regs["production"]);
    let digest = bed.digest("staging/web:1").to_string();
    let mut env = bed.env;
    // Wrappers record every argv and environment key of the tools vimes runs.
    // The tools' HOME is a private directory: the log goes beside vimes.yaml.
    let log = env.path("argv.log").display().to_string();
    for tool in ["trivy", "syft"] {
        let real = find_on_path(tool).unwrap();
        env.write_executable(
            tool,
            &format!(
                "#!/bin/sh\nprintf '%s\\n' \"$*\" >> \"{log}\"\nexec {} \"$@\"\n",
                real.display()
            ),
        );
    }
    let reg = |name: &str, r: &Registry, project: &str, var: &str| {
        format!(
            "  {name}:\n    url: \"{}\"\n    project: {project}\n    type: oci\n    username_env: {var}_USER\n    password_env: {var}_PASSWORD\n    ca_file: \"{}\"\n",
            r.host(),
            r.ca_cert_path().unwrap().display()
        )
    };
    env.config_yaml(&format!(
        "version: 1\nregistries:\n{}{}promotion:\n  from: staging\n  to: production\nsigning:\n  key: cosign.key\n  public_keys: [cosign.pub]\n  require_attestations: [cyclonedx, vuln]\n",
        reg("staging", staging, "staging", "STAGING"),
        reg("production", production, "production", "PROD"),
    ));
    let mut outputs = Vec::new();
    let key = env.run(&["key", "generate"]);
    key.assert_code(0);
    outputs.push(key);
    for args in [
        vec!["--output", "json", "scan", "web:1"],
        vec!["-v", "--yes", "--output", "json", "promote", "web:1"],
        vec![
            "-vv",
            "verify",
            &format!("{}/production/web:1", production.host()),
        ],
        vec!["config", "show"],
    ] {
        let out = env.run(&args);
        out.assert_code(0);
        outputs.push(out);
    }
    // A wrong password is reported without being echoed.
    env.env("PROD_PASSWORD", "wrong-Secret-0000");
    let bad = env.run(&["copy", "web:1", "web:copy"]);
    bad.assert_code(4);
    assert!(!bad.stderr.contains("wrong-Secret-0000") && !bad.stdout.contains("wrong-Secret-0000"));

    let mut haystacks: Vec<(String, String)> = outputs
        .iter()
        .flat_map(|o| {
            [
                (format!("stdout of {:?}", o.args), o.stdout.clone()),
                (format!("stderr of {:?}", o.args), o.stderr.clone()),
            ]
        })
        .collect();
    let argv = env.read("argv.log");
    assert!(
        argv.contains("scan registry:") && argv.contains("image --quiet --cache-dir"),
        "wrappers ran: {argv}"
    );
    haystacks.push(("child argv".into(), argv));
    haystacks.push(("audit log".into(), env.read(".data/vimes/audit.log")));
    for entry in std::fs::read_dir(env.path(".data/vimes/reviews")).unwrap() {
        haystacks.push((
            "review record".into(),
            std::fs::read_to_string(entry.unwrap().path()).unwrap(),
        ));
    }
    // Every blob of the signature and attestation manifests in production.
    let client = production.client();
    for suffix in ["sig", "att"] {
        let tag = format!("{}.{suffix}", digest.replacen(':', "-", 1));
        let (_, bytes, _) = client
            .get_manifest("production/web", &tag)
            .expect("attachment manifest");
        let manifest: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        for layer in manifest["layers"].as_array().unwrap() {
            let blob = client
                .get_blob("production/web", layer["digest"].as_str().unwrap())
                .unwrap();
            haystacks.push((
                format!("{suffix} layer"),
                String::from_utf8_lossy(&blob).into_owned(),
            ));
            // Attestation payloads are base64 inside the envelope: look inside too.
            if let Ok(envelope) = serde_json::from_slice::<serde_json::Value>(&blob) {
                if let Some(payload) = envelope["payload"].as_str() {
                    let decoded = crate::cosign_compat::unb64(payload);
                    haystacks.push((
                        format!("{suffix} statement"),
                        String::from_utf8_lossy(&decoded).into_owned(),
                    ));
                }
            }
        }
    }
    for (place, text) in &haystacks {
        for secret in [REGISTRY_PASSWORD, KEY_PASSWORD] {
            assert!(!text.contains(secret), "{secret} found in {place}");
        }
    }
}
