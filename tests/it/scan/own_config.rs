//! Scanner configuration vimes did not choose (issue #20, items 2 and 3):
//! files next to vimes.yaml, variables in the environment and the user's
//! home never change what Trivy reports or what Syft catalogues.

use super::scan_bed;

const IDS: [&str; 3] = ["CVE-2099-0001", "CVE-2099-0002", "CVE-2099-0004"];

fn blocked_ids(doc: &serde_json::Value) -> Vec<String> {
    doc["verdict"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["decision"] == "blocked")
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn trivy_ignore_and_config_files_and_variables_waive_nothing() {
    let Some(mut bed) = scan_bed("")
        .fixture("reg", "vulnerable", "staging/vuln", "1")
        .build()
    else {
        return;
    };
    let env = &mut bed.env;
    let ignores = IDS.join("\n") + "\n";
    env.write(".trivyignore", &ignores);
    env.write(
        ".trivyignore.yaml",
        "vulnerabilities:\n  - id: CVE-2099-0001\n",
    );
    env.write(
        "trivy.yaml",
        "severity:\n  - LOW\nvulnerability:\n  ignore-unfixed: true\n",
    );
    let home_ignore = env.path(".trivyignore").display().to_string();
    env.env("TRIVY_SEVERITY", "LOW");
    env.env("TRIVY_IGNOREFILE", &home_ignore);
    env.env("TRIVY_IGNORE_UNFIXED", "true");
    env.env("TRIVY_IMAGE_SRC", "docker");
    let out = env.run(&["--output", "json", "scan", "--no-cache", "vuln:1"]);
    out.assert_code(1);
    let doc = out.json();
    assert_eq!(blocked_ids(&doc), IDS, "{}", out.dump());
    let options: Vec<&str> = doc["trivy_options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_str().unwrap())
        .collect();
    for expected in ["--ignorefile", "--config", "--image-src", "remote"] {
        assert!(options.contains(&expected), "{options:?}");
    }
    // The report cached by that run is the full one.
    let cached = env.run(&["--output", "json", "scan", "vuln:1"]);
    cached.assert_code(1);
    assert_eq!(cached.json()["cached"], true);
    assert_eq!(blocked_ids(&cached.json()), IDS);
}

#[test]
fn syft_config_files_and_variables_drop_no_package() {
    let Some(mut bed) = scan_bed("")
        .tool("syft")
        .fixture("reg", "vulnerable", "staging/vuln", "1")
        .build()
    else {
        return;
    };
    let (reg, env) = (&bed.regs["reg"], &mut bed.env);
    let drop_dpkg = "select-catalogers:\n  - \"-dpkg-db-cataloger\"\n";
    env.write(".syft.yaml", drop_dpkg);
    env.write(".config/syft/config.yaml", drop_dpkg);
    env.env("SYFT_SELECT_CATALOGERS", "-dpkg-db-cataloger");
    env.env("SYFT_DEFAULT_CATALOGERS", "python");
    let reference = format!("{}/staging/vuln:1", reg.host());
    let out = env.run(&["-q", "sbom", &reference]);
    out.assert_success();
    assert!(
        out.stdout.contains("libssl3"),
        "the dpkg packages are in the SBOM: {}",
        out.dump()
    );
}
