//! Keys inside a PKCS#11 token (a SoftHSM2 token per test): generated with
//! `key generate --pkcs11`, listed, used by sign/verify, exceptions and
//! promote, and every kind of bad input refused with exit 2 and the PIN never
//! shown. Signatures are checked by the independent cosign implementation
//! (cosign_compat) as well as by vimes.

use crate::cosign_compat as cc;
use crate::support::softhsm::{self, SoftHsm, MODULE, PIN};
use crate::support::{RunOutput, TestBed, TestEnv, TestImage};

/// A bed with SoftHSM2 and a vimes.yaml naming the module and `signing`;
/// with `with_registry`, also the registry `reg` (as `local`) holding
/// `prod/app:1.0`. None: the test skips.
fn token_bed(signing: &str, with_registry: bool) -> Option<TestBed> {
    let signing = signing.to_string();
    let mut builder = TestBed::builder().tool("softhsm2-util");
    if with_registry {
        builder = builder.registry("reg").image(
            "reg",
            "prod/app",
            Some("1.0"),
            TestImage::random(71, 1, 512),
        );
    }
    let bed = builder
        .config(move |e| {
            let registries = match with_registry {
                true => format!(
                    "registries:\n  local:\n    url: \"{}\"\n    type: oci\n    insecure: true\n",
                    e.host("reg")
                ),
                false => String::new(),
            };
            format!("version: 1\n{registries}{signing}tools:\n  pkcs11: {{module: {MODULE}}}\n")
        })
        .build()?;
    softhsm::available().then_some(bed)
}

fn assert_no_pin(out: &RunOutput, pins: &[&str]) {
    for pin in pins {
        assert!(
            !out.stdout.contains(pin) && !out.stderr.contains(pin),
            "the PIN must never be printed: {}",
            out.dump()
        );
    }
}

#[test]
fn a_key_generated_in_a_token_signs_in_cosign_format_and_verifies() {
    let Some(mut bed) = token_bed(
        "signing:\n  key: \"pkcs11:token=release;object=signing\"\n  public_keys: [token.pub]\n",
        true,
    ) else {
        return;
    };
    let hsm = SoftHsm::new("release");
    hsm.attach(&mut bed.env);
    let digest = bed.digest("prod/app:1.0").to_string();
    let (env, reg) = (&bed.env, &bed.regs["reg"]);
    let made = env.run(&[
        "--output",
        "json",
        "key",
        "generate",
        "--pkcs11",
        "pkcs11:token=release;object=signing",
        "--output-prefix",
        "token",
    ]);
    made.assert_code(0);
    assert_no_pin(&made, &[PIN]);
    let uri = made.json()["uri"].as_str().unwrap().to_string();
    assert!(
        uri.starts_with("pkcs11:token=release;object=signing;id=%"),
        "{uri}"
    );
    assert!(
        !env.path("token.key").exists(),
        "the private key stays in the token"
    );
    let public = env.read("token.pub");
    assert!(p256::pkcs8::DecodePublicKey::from_public_key_pem(&public)
        .map(|_: p256::ecdsa::VerifyingKey| ())
        .is_ok());
    // The same label again is refused, not a second key of that name.
    env.run(&[
        "key",
        "generate",
        "--pkcs11",
        "pkcs11:token=release;object=signing",
        "--output-prefix",
        "again",
    ])
    .assert_code(2)
    .assert_stderr_contains("already holds a key \"signing\"");
    let out = env.run(&[
        "key",
        "generate",
        "--pkcs11",
        "pkcs11:token=release;object=x?pin-value=271828",
    ]);
    out.assert_code(2)
        .assert_stderr_contains("carries pin-value");
    assert_no_pin(&out, &[PIN]);
    env.run(&["key", "list", "--pkcs11", "/nonexistent/lib.so"])
        .assert_code(2)
        .assert_stderr_contains("no such file");

    // key list shows the key with the URI that `--key` takes back.
    let listed = env.run(&["--output", "json", "key", "list", "--pkcs11", MODULE]);
    listed.assert_code(0);
    let keys = &listed.json()["tokens"][0]["keys"];
    assert_eq!(keys[0]["object"], "signing");
    assert_eq!(keys[0]["usable"], true);
    assert_eq!(keys[0]["uri"], uri.as_str());
    env.run(&["key", "list"])
        .assert_code(0)
        .assert_stdout_contains("\"signing\"");

    // Signed by the token (signing.key), with the URI from key list too.
    let reference = format!("{}/prod/app:1.0", reg.host());
    let signed = env.run(&["--output", "json", "sign", &reference]);
    signed.assert_code(0);
    assert_no_pin(&signed, &[PIN]);
    let again = env.run(&["--output", "json", "sign", "--key", &uri, &reference]);
    again.assert_code(0);
    assert_eq!(again.json()["added"], false, "the same key: nothing added");
    let (_, manifest) = cc::read_attachment(reg, "prod/app", &digest, "sig").unwrap();
    let layers = manifest["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 1);
    let payload = reg
        .client()
        .get_blob("prod/app", layers[0]["digest"].as_str().unwrap())
        .unwrap();
    assert_eq!(
        payload,
        cc::payload(&format!("{}/prod/app", reg.host()), &digest),
        "the same payload as a file key's"
    );
    let sig = cc::unb64(
        layers[0]["annotations"][cc::SIG_ANNOTATION]
            .as_str()
            .unwrap(),
    );
    assert!(
        cc::verifies(&public, &payload, &sig),
        "independent ECDSA P-256 check of the token's signature"
    );
    env.run(&["verify", &reference]).assert_code(0);
}

#[test]
fn exceptions_signed_in_a_token_count_as_an_approvers_for_the_scan_gate() {
    let Some(bed) = crate::scan::scan_bed(&format!("tools:\n  pkcs11: {{module: {MODULE}}}\n"))
        .tool("softhsm2-util")
        .fixture("reg", "unfixed-only", "staging/app", "1")
        .build()
    else {
        return;
    };
    if !softhsm::available() {
        return;
    }
    let mut env = bed.env;
    let hsm = SoftHsm::new("security");
    hsm.attach(&mut env);
    // The approver key (policy.approvers: security/team.pub) now lives in the token.
    env.run(&[
        "key",
        "generate",
        "--pkcs11",
        "pkcs11:token=security;object=approver",
        "--output-prefix",
        "security/team",
        "--force",
    ])
    .assert_code(0);
    env.run(&["scan", "app:1"]).assert_code(1);
    env.run(&[
        "exceptions",
        "add",
        "--id",
        "CVE-2099-0004",
        "--reason",
        "no fix upstream; not reachable",
        "--expires",
        "2027-01-31",
        "--approved-by",
        "secteam@example.com",
        "--package",
        "libtiff6",
    ])
    .assert_code(0);
    env.run(&["exceptions", "verify"]).assert_code(1);
    let out = env.run(&[
        "exceptions",
        "sign",
        "--key",
        "pkcs11:token=security;object=approver",
    ]);
    out.assert_code(0);
    assert_no_pin(&out, &[PIN]);
    env.run(&["exceptions", "verify"])
        .assert_code(0)
        .assert_stdout_contains("signed by approver");
    // The signature is cosign's blob format: base64 DER over the file's bytes.
    let sig = cc::unb64(env.read("security/exceptions.yaml.sig").trim());
    assert!(cc::verifies(
        &env.read("security/team.pub"),
        env.read("security/exceptions.yaml").as_bytes(),
        &sig
    ));
    let out = env.run(&["--output", "json", "scan", "app:1"]);
    out.assert_code(0);
    let waived = out.json()["verdict"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["id"] == "CVE-2099-0004" && f["decision"] == "waived");
    assert!(waived, "{}", out.dump());
}

#[test]
fn a_promotion_signed_in_a_token_verifies_with_its_public_key() {
    let Some(mut b) =
        crate::promote::setup("tools:\n  pkcs11: {module: /usr/lib/softhsm/libsofthsm2.so}\n")
    else {
        return;
    };
    if !softhsm::available() {
        return;
    }
    let hsm = SoftHsm::new("release");
    hsm.attach(&mut b.env);
    b.env
        .run(&[
            "key",
            "generate",
            "--pkcs11",
            "pkcs11:token=release;object=promote",
            "--output-prefix",
            "keys/token",
        ])
        .assert_code(0);
    let yaml = b
        .env
        .read("vimes.yaml")
        .replace(
            "key: keys/cosign.key",
            "key: \"pkcs11:token=release;object=promote\"",
        )
        .replace(
            "public_keys: [keys/cosign.pub]",
            "public_keys: [keys/token.pub]",
        );
    b.env.config_yaml(&yaml);
    let digest =
        crate::support::trivy::build_fixture_image(&b.staging, "clean", "staging/web", "1.0");
    let out = b
        .env
        .run(&["--yes", "--output", "json", "promote", "web:1.0"]);
    out.assert_code(0);
    assert_no_pin(&out, &[PIN]);
    let (_, manifest) =
        cc::read_attachment(&b.production, "production/web", &digest, "sig").unwrap();
    let layer = &manifest["layers"][0];
    let payload = b
        .production
        .client()
        .get_blob("production/web", layer["digest"].as_str().unwrap())
        .unwrap();
    let sig = cc::unb64(layer["annotations"][cc::SIG_ANNOTATION].as_str().unwrap());
    assert!(cc::verifies(&b.env.read("keys/token.pub"), &payload, &sig));
    let prod_ref = format!("{}/production/web:1.0", b.production.host());
    b.env
        .run(&["verify", "--require-attestation", "promotion", &prod_ref])
        .assert_code(0);
}

#[test]
fn bad_token_input_exits_2_says_what_is_there_and_never_shows_the_pin() {
    let Some(bed) = token_bed("policy:\n  exceptions: exceptions.yaml\n", false) else {
        return;
    };
    let hsm = SoftHsm::new("vimes");
    let mut env = bed.env;
    hsm.attach(&mut env);
    env.write("exceptions.yaml", "version: 1\nexceptions: []\n");
    env.run(&[
        "key",
        "generate",
        "--pkcs11",
        &hsm.uri("sign"),
        "--output-prefix",
        "k",
    ])
    .assert_code(0);
    let sign = |env: &TestEnv, key: &str| env.run(&["exceptions", "sign", "--key", key]);
    let cases = [
        (
            "pkcs11:token=vimes;object=sign?module-path=/nonexistent/libpkcs11.so".to_string(),
            "PKCS#11 module /nonexistent/libpkcs11.so: no such file",
        ),
        (
            "pkcs11:token=vimes;object=sign?module-path=/etc/hostname".to_string(),
            "cannot be loaded as a library",
        ),
        (
            "pkcs11:token=other;object=sign".to_string(),
            "no token labelled \"other\" in PKCS#11 module /usr/lib/softhsm/libsofthsm2.so; its tokens: \"vimes\"",
        ),
        (
            "pkcs11:token=vimes;object=nope".to_string(),
            "token \"vimes\" has no private key matching object=nope; its private keys: \"sign\"",
        ),
        (
            "pkcs11:token=vimes;object=sign?pin-value=271828".to_string(),
            "carries pin-value",
        ),
        ("pkcs11:token=vimes;objekt=sign".to_string(), "unknown attribute \"objekt\""),
    ];
    for (uri, want) in &cases {
        let out = sign(&env, uri);
        out.assert_code(2).assert_stderr_contains(want);
        assert_no_pin(&out, &[PIN]);
    }
    // A shared library that is not a PKCS#11 module (libc has no C_GetFunctionList).
    if let Some(libc) = [
        "/lib/x86_64-linux-gnu/libc.so.6",
        "/lib/aarch64-linux-gnu/libc.so.6",
    ]
    .into_iter()
    .find(|p| std::path::Path::new(p).is_file())
    {
        sign(
            &env,
            &format!("pkcs11:token=vimes;object=sign?module-path={libc}"),
        )
        .assert_code(2)
        .assert_stderr_contains("is not a PKCS#11 library");
    }
    // A wrong PIN: refused, and neither PIN shows.
    env.env("COSIGN_PKCS11_PIN", "314159");
    let out = sign(&env, "pkcs11:token=vimes;object=sign");
    out.assert_code(2)
        .assert_stderr_contains("the PIN was refused (wrong PIN)");
    assert_no_pin(&out, &[PIN, "314159"]);
    // No PIN and no terminal to ask on.
    env.unset_env("COSIGN_PKCS11_PIN");
    sign(&env, "pkcs11:token=vimes;object=sign")
        .assert_code(2)
        .assert_stderr_contains("set COSIGN_PKCS11_PIN");
    // A PIN in vimes.yaml's signing.key is refused where it stands, unrepeated.
    env.config_yaml(
        "version: 1\nsigning:\n  key: \"pkcs11:token=vimes;object=sign?pin-value=271828\"\n",
    );
    let out = env.run(&["sign", "127.0.0.1:1/app:1"]);
    out.assert_code(2)
        .assert_stderr_contains("signing.key: the PKCS#11 URI carries pin-value");
    assert_no_pin(&out, &[PIN]);
    // No module anywhere.
    env.env("COSIGN_PKCS11_PIN", PIN);
    env.config_yaml("version: 1\npolicy:\n  exceptions: exceptions.yaml\n");
    sign(&env, "pkcs11:token=vimes;object=sign")
        .assert_code(2)
        .assert_stderr_contains("no PKCS#11 module");
    // Keys that are not P-256.
    if hsm.keypair("EC:secp384r1", "p384", "02") && hsm.keypair("rsa:2048", "rsa", "03") {
        for (object, kind) in [("p384", "EC (another curve)"), ("rsa", "RSA")] {
            sign(&env, &hsm.uri(object))
                .assert_code(2)
                .assert_stderr_contains(&format!("is {kind}: only ECDSA P-256 keys are supported"));
        }
    }
}
