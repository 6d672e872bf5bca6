//! `vimes copy` against real registries: mounts, streams, indexes, cosign
//! attachments, TLS + auth, credential helpers, immutability, bad input.

use crate::support::{
    attestation_tag, push_cosign_attestation, push_cosign_signature, registries_yaml,
    signature_tag, TestBed, TestImage,
};

#[test]
fn same_registry_copy_mounts_blobs_and_writes_the_tag_last() {
    let image = TestImage::random(1, 3, 4096);
    let Some(bed) = TestBed::builder()
        .registry("local")
        .registries_config(&[("local", "")])
        .image("local", "staging/app", Some("1.0"), image.clone())
        .build()
    else {
        return;
    };
    let (reg, env) = (bed.reg("local"), &bed.env);
    let digest = bed.digest("staging/app:1.0").to_string();
    let src = format!("{}/staging/app:1.0", reg.host());
    let dst = format!("{}/production/app", reg.host());
    let out = env.run(&["--output", "json", "copy", &src, &dst]);
    out.assert_code(0);
    let report = out.json();
    assert_eq!(report["digest"], digest.as_str());
    assert_eq!(report["destination"], format!("{dst}@{digest}").as_str());
    assert_eq!(
        report["tag"], "1.0",
        "the source tag is kept when DST names none"
    );
    assert_eq!(
        report["blobs_mounted"], 4,
        "config + 3 layers mounted: {report}"
    );
    assert_eq!(report["blobs_copied"], 0);
    let client = reg.client();
    let (_, bytes, got) = client
        .get_manifest("production/app", "1.0")
        .expect("tag at destination");
    assert_eq!(got, digest);
    assert_eq!(bytes, image.manifest, "manifest bytes are copied unchanged");
    for blob in image.blob_digests() {
        assert!(client.blob_exists("production/app", &blob));
    }
}

#[test]
fn cross_registry_copy_streams_verified_blobs_and_is_idempotent() {
    let image = TestImage::random(2, 4, 256 * 1024);
    let Some(bed) = TestBed::builder()
        .registries(["a", "b"])
        .registries_config(&[("a", ""), ("b", "")])
        .image("a", "staging/api", Some("2.1"), image.clone())
        .build()
    else {
        return;
    };
    let (a, b, env) = (bed.reg("a"), bed.reg("b"), &bed.env);
    let digest = bed.digest("staging/api:2.1").to_string();
    let src = format!("{}/staging/api:2.1", a.host());
    let dst = format!("{}/production/api:stable", b.host());
    let out = env.run(&["--output", "json", "copy", &src, &dst]);
    out.assert_code(0);
    let report = out.json();
    assert_eq!(report["blobs_copied"], 5);
    assert_eq!(
        report["bytes_copied"].as_u64(),
        Some(image.blobs_size() as u64)
    );
    assert_eq!(report["unchanged"], false);
    let client = b.client();
    assert_eq!(
        client.get_manifest("production/api", "stable").map(|m| m.2),
        Some(digest.clone())
    );
    for (blob, data) in image
        .blob_digests()
        .iter()
        .zip(std::iter::once(&image.config).chain(&image.layers))
    {
        assert_eq!(
            client.get_blob("production/api", blob).as_deref(),
            Some(data.as_slice())
        );
    }

    // Same copy again: nothing written.
    let again = env.run(&["--output", "json", "copy", &src, &dst]);
    again.assert_code(0);
    let report = again.json();
    assert_eq!(report["unchanged"], true, "{report}");
    assert_eq!(report["manifests_pushed"], 0);
    assert_eq!(report["blobs_copied"], 0);

    // Text mode prints the destination repo@digest first.
    let text = env.run(&["copy", &src, &dst]);
    text.assert_code(0);
    assert_eq!(
        text.stdout.lines().next(),
        Some(format!("{}/production/api@{digest}", b.host()).as_str())
    );
}

#[test]
fn multi_platform_index_is_copied_with_every_child() {
    let amd = TestImage::random_platform(3, "linux", "amd64", 2, 2048);
    let arm = TestImage::random_platform(4, "linux", "arm64", 2, 2048);
    let Some(bed) = TestBed::builder()
        .registries(["a", "b"])
        .registries_config(&[("a", ""), ("b", "")])
        .index(
            "a",
            "base/multi",
            Some("1"),
            vec![
                ("linux", "amd64", amd.clone()),
                ("linux", "arm64", arm.clone()),
            ],
        )
        .build()
    else {
        return;
    };
    let (a, b, env) = (bed.reg("a"), bed.reg("b"), &bed.env);
    let index = bed.digest("base/multi:1").to_string();
    let out = env.run(&[
        "--output",
        "json",
        "copy",
        &format!("{}/base/multi:1", a.host()),
        &format!("{}/mirror/multi", b.host()),
    ]);
    out.assert_code(0);
    assert_eq!(out.json()["digest"], index.as_str());
    let client = b.client();
    assert_eq!(
        client.get_manifest("mirror/multi", "1").map(|m| m.2),
        Some(index)
    );
    for child in [&amd, &arm] {
        assert_eq!(
            client
                .get_manifest("mirror/multi", &child.digest)
                .map(|m| m.1),
            Some(child.manifest.clone())
        );
        for blob in child.blob_digests() {
            assert!(client.blob_exists("mirror/multi", &blob), "{blob} missing");
        }
    }
}

#[test]
fn cosign_signature_and_attestation_tags_travel_with_the_image() {
    let image = TestImage::random(5, 1, 1024);
    let Some(bed) = TestBed::builder()
        .registries(["a", "b"])
        .registries_config(&[("a", ""), ("b", "")])
        .image("a", "staging/signed", Some("1"), image.clone())
        .build()
    else {
        return;
    };
    let (a, b, env) = (bed.reg("a"), bed.reg("b"), &bed.env);
    let digest = bed.digest("staging/signed:1").to_string();
    let sig = push_cosign_signature(a, "staging/signed", &digest);
    let att = push_cosign_attestation(a, "staging/signed", &digest);
    let out = env.run(&[
        "--output",
        "json",
        "copy",
        &format!("{}/staging/signed:1", a.host()),
        &format!("{}/prod/signed:1", b.host()),
    ]);
    out.assert_code(0);
    let tags: Vec<String> = out.json()["signature_tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_string())
        .collect();
    assert_eq!(tags, vec![signature_tag(&digest), attestation_tag(&digest)]);
    let client = b.client();
    assert_eq!(
        client
            .get_manifest("prod/signed", &signature_tag(&digest))
            .map(|m| m.2),
        Some(sig)
    );
    assert_eq!(
        client
            .get_manifest("prod/signed", &attestation_tag(&digest))
            .map(|m| m.2),
        Some(att)
    );

    // --no-signatures leaves them behind.
    let out = env.run(&[
        "--output",
        "json",
        "copy",
        "--no-signatures",
        &format!("{}/staging/signed:1", a.host()),
        &format!("{}/bare/signed:1", b.host()),
    ]);
    out.assert_code(0);
    assert!(!client.manifest_exists("bare/signed", &signature_tag(&digest)));
}

#[test]
fn tls_registry_with_auth_from_environment_variables() {
    let image = TestImage::random(6, 2, 1024);
    let Some(mut bed) = TestBed::builder()
        .registry("staging")
        .tls_auth_registry("production", "alice", "s3cret-pw")
        .config(|e| {
            let ca = e.registry("production").ca_cert_path().unwrap();
            registries_yaml(&[
                ("staging", e.registry("staging"), ""),
                ("production", e.registry("production"), &format!("    username_env: PROD_USER\n    password_env: PROD_PASSWORD\n    ca_file: \"{}\"\n", ca.display())),
            ])
        })
        .env("PROD_USER", "alice")
        .env("PROD_PASSWORD", "s3cret-pw")
        .image("staging", "staging/app", Some("1"), image.clone())
        .build()
    else {
        return;
    };
    let digest = bed.digest("staging/app:1").to_string();
    let (plain, secure, env) = (&bed.regs["staging"], &bed.regs["production"], &mut bed.env);
    let dst = format!("{}/production/app:1", secure.host());
    let out = env.run(&["copy", &format!("{}/staging/app:1", plain.host()), &dst]);
    out.assert_code(0);
    assert!(!out.stdout.contains("s3cret-pw") && !out.stderr.contains("s3cret-pw"));
    assert_eq!(
        secure
            .client()
            .get_manifest("production/app", "1")
            .map(|m| m.2),
        Some(digest)
    );

    // Wrong password: exit 4, the registry named, nothing written.
    env.env("PROD_PASSWORD", "wrong");
    let out = env.run(&[
        "copy",
        &format!("{}/staging/app:1", plain.host()),
        &format!("{}/production/other:1", secure.host()),
    ]);
    out.assert_code(4);
    out.assert_stderr_contains(&secure.host());
    out.assert_stderr_contains("authentication");
    assert!(
        !out.stderr.contains("wrong"),
        "the password must not be printed: {}",
        out.stderr
    );
    assert!(!secure.client().manifest_exists("production/other", "1"));
}

#[test]
fn credentials_from_docker_config_with_a_credential_helper() {
    let image = TestImage::random(7, 1, 512);
    let Some(mut bed) = TestBed::builder()
        .registry("staging")
        .tls_auth_registry("secure", "robot", "helper-secret")
        .registries_config(&[("staging", "")])
        .image("staging", "staging/app", Some("1"), image.clone())
        .build()
    else {
        return;
    };
    let digest = bed.digest("staging/app:1").to_string();
    let (plain, secure, env) = (&bed.regs["staging"], &bed.regs["secure"], &mut bed.env);
    env.env(
        "SSL_CERT_FILE",
        secure.ca_cert_path().unwrap().display().to_string(),
    );
    env.docker_config(&format!(
        r#"{{"credHelpers": {{"{}": "vtest"}}}}"#,
        secure.host()
    ));
    env.credential_helper("vtest", &[(&secure.host(), "robot", "helper-secret")]);
    let out = env.run(&[
        "copy",
        &format!("{}/staging/app:1", plain.host()),
        &format!("{}/prod/app:1", secure.host()),
    ]);
    out.assert_code(0);
    assert_eq!(
        secure.client().get_manifest("prod/app", "1").map(|m| m.2),
        Some(digest.clone())
    );
    assert_eq!(
        env.credential_helper_calls("vtest"),
        vec![format!("get {}", secure.host())]
    );

    // credsStore answering "not found" means anonymous: the registry refuses (exit 4).
    let mut env2 = TestBed::builder().ready().env;
    env2.config_yaml(&registries_yaml(&[("staging", plain, "")]));
    env2.env(
        "SSL_CERT_FILE",
        secure.ca_cert_path().unwrap().display().to_string(),
    );
    env2.docker_config(r#"{"credsStore": "empty"}"#);
    env2.credential_helper("empty", &[]);
    let out = env2.run(&[
        "copy",
        &format!("{}/staging/app:1", plain.host()),
        &format!("{}/prod/other:1", secure.host()),
    ]);
    out.assert_code(4);

    // auths with base64 user:password work too.
    let mut env3 = TestBed::builder().ready().env;
    env3.config_yaml(&registries_yaml(&[("staging", plain, "")]));
    env3.env(
        "SSL_CERT_FILE",
        secure.ca_cert_path().unwrap().display().to_string(),
    );
    use base64_auth as b;
    env3.docker_config(&format!(
        r#"{{"auths": {{"https://{}": {{"auth": "{}"}}}}}}"#,
        secure.host(),
        b::encode("robot:helper-secret")
    ));
    let out = env3.run(&[
        "copy",
        &format!("{}/staging/app:1", plain.host()),
        &format!("{}/prod/third:1", secure.host()),
    ]);
    out.assert_code(0);
}

/// Minimal base64 for the auths entry, so the test does not share vimes' encoder.
mod base64_auth {
    pub fn encode(input: &str) -> String {
        const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let bytes = input.as_bytes();
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = (u32::from(chunk[0]) << 16)
                | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
                | u32::from(*chunk.get(2).unwrap_or(&0));
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }
}

#[test]
fn immutable_registry_refuses_to_move_a_tag_and_writes_nothing() {
    let first = TestImage::random(8, 1, 512);
    let second = TestImage::random(9, 1, 512);
    let Some(bed) = TestBed::builder()
        .registries(["staging", "production"])
        .registries_config(&[("staging", ""), ("production", "    immutable: true\n")])
        .image("staging", "staging/app", Some("1"), first.clone())
        .image("staging", "staging/app", Some("2"), second.clone())
        .build()
    else {
        return;
    };
    let (a, b, env) = (bed.reg("staging"), bed.reg("production"), &bed.env);
    let dst = format!("{}/production/app:release", b.host());
    env.run(&["copy", &format!("{}/staging/app:1", a.host()), &dst])
        .assert_code(0);
    // Same digest again is fine.
    env.run(&["copy", &format!("{}/staging/app:1", a.host()), &dst])
        .assert_code(0);
    let out = env.run(&["copy", &format!("{}/staging/app:2", a.host()), &dst]);
    out.assert_code(1);
    out.assert_stderr_contains("immutable");
    let client = b.client();
    assert_eq!(
        client
            .get_manifest("production/app", "release")
            .map(|m| m.2),
        Some(first.digest.clone())
    );
    assert!(
        !client.manifest_exists("production/app", &second.digest),
        "DST must be untouched"
    );
    for blob in second.layer_digests() {
        assert!(!client.blob_exists("production/app", &blob));
    }
}

#[test]
fn short_names_resolve_under_the_promotion_registries() {
    let image = TestImage::docker_v2(10);
    let Some(bed) = TestBed::builder()
        .registries(["staging", "production"])
        .password("copy test")
        .signing_key("cosign")
        .promotion_mutable("signing:\n  public_keys: [cosign.pub]\n")
        .image(
            "staging",
            "staging/payments/api",
            Some("1.4"),
            image.clone(),
        )
        .build()
    else {
        return;
    };
    let (b, env) = (bed.reg("production"), &bed.env);
    let digest = bed.digest("staging/payments/api:1.4").to_string();
    // The destination resolves under promotion.to, which is production: the
    // unsigned image is copied there by digest, but never tagged.
    let out = env.run(&[
        "--output",
        "json",
        "copy",
        "payments/api:1.4",
        "payments/api:1.4",
    ]);
    out.assert_code(1);
    out.assert_stderr_contains(&format!(
        "{}/production/payments/api@{digest} does not verify in production",
        b.host()
    ));
    assert!(!b.client().manifest_exists("production/payments/api", "1.4"));
    let (media_type, bytes, _) = b
        .client()
        .get_manifest("production/payments/api", &digest)
        .unwrap();
    assert_eq!(
        media_type, image.media_type,
        "Docker schema 2 stays Docker schema 2"
    );
    assert_eq!(bytes, image.manifest);
}

#[test]
fn invalid_references_are_usage_errors() {
    let env = TestBed::builder().ready().env;
    for bad in [
        "UPPER/case:1",
        "host:5000/a:",
        "https://example.com/a",
        "a@sha256:short",
    ] {
        let out = env.run(&["copy", bad, "127.0.0.1:1/x"]);
        out.assert_code(2);
        out.assert_stderr_contains("invalid image reference");
    }
}

#[test]
fn unreachable_registry_is_exit_4_naming_it() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let env = TestBed::builder()
        .config(move |_| format!("version: 1\nregistries:\n  gone:\n    url: \"127.0.0.1:{port}\"\n    type: oci\n    insecure: true\n"))
        .ready()
        .env;
    let out = env.run(&[
        "--output",
        "json",
        "copy",
        &format!("127.0.0.1:{port}/a/b:1"),
        &format!("127.0.0.1:{port}/c/d:1"),
    ]);
    out.assert_code(4);
    out.assert_stderr_contains(&format!("127.0.0.1:{port}"));
    let doc = out.json();
    assert_eq!(doc["error"]["kind"], "registry");
    assert_eq!(doc["error"]["exit_code"], 4);
}

#[test]
fn untrusted_tls_certificate_is_exit_4() {
    let Some(bed) = TestBed::builder()
        .tls_registry("secure")
        .config(|_| "version: 1\n".to_string())
        .build()
    else {
        return;
    };
    let (secure, env) = (bed.reg("secure"), &bed.env);
    let out = env.run(&[
        "copy",
        &format!("{}/a/b:1", secure.host()),
        &format!("{}/c/d:1", secure.host()),
    ]);
    out.assert_code(4);
    out.assert_stderr_contains("certificate");
}

#[test]
fn corrupted_blob_is_refused_and_nothing_reaches_the_destination() {
    let image = TestImage::random(11, 2, 64 * 1024);
    let Some(bed) = TestBed::builder()
        .registries(["a", "b"])
        .registries_config(&[("a", ""), ("b", "")])
        .image("a", "staging/bad", Some("1"), image.clone())
        .build()
    else {
        return;
    };
    let (a, b, env) = (bed.reg("a"), bed.reg("b"), &bed.env);
    a.corrupt_blob(&image.layer_digests()[1]);
    let out = env.run(&[
        "--output",
        "json",
        "copy",
        &format!("{}/staging/bad:1", a.host()),
        &format!("{}/prod/bad:1", b.host()),
    ]);
    out.assert_code(4);
    out.assert_stderr_contains("digest mismatch");
    assert_eq!(out.json()["error"]["kind"], "digest_mismatch");
    let client = b.client();
    assert!(!client.manifest_exists("prod/bad", "1"));
    assert!(!client.manifest_exists("prod/bad", &image.digest));
    assert!(!client.blob_exists("prod/bad", &image.layer_digests()[1]));
}

#[test]
fn index_naming_a_missing_child_is_refused() {
    let amd = TestImage::random_platform(12, "linux", "amd64", 1, 512);
    let arm = TestImage::random_platform(13, "linux", "arm64", 1, 512);
    let Some(bed) = TestBed::builder()
        .registries(["a", "b"])
        .registries_config(&[("a", ""), ("b", "")])
        .index(
            "a",
            "base/broken",
            Some("1"),
            vec![("linux", "amd64", amd), ("linux", "arm64", arm.clone())],
        )
        .build()
    else {
        return;
    };
    let (a, b, env) = (bed.reg("a"), bed.reg("b"), &bed.env);
    let index = bed.digest("base/broken:1").to_string();
    a.client().delete_manifest("base/broken", &arm.digest);
    let out = env.run(&[
        "copy",
        &format!("{}/base/broken:1", a.host()),
        &format!("{}/mirror/broken:1", b.host()),
    ]);
    out.assert_code(4);
    out.assert_stderr_contains(&arm.digest);
    assert!(!b.client().manifest_exists("mirror/broken", &index));
    assert!(!b.client().manifest_exists("mirror/broken", "1"));
}

/// `SSL_CERT_FILE` is trusted by the TLS stack itself; one that cannot be read
/// is a clear configuration error, not a silently ignored setting.
#[test]
fn an_unreadable_ssl_cert_file_is_a_usage_error() {
    let Some(bed) = TestBed::builder()
        .registry("staging")
        .registries_config(&[("staging", "")])
        .env("SSL_CERT_FILE", "/nonexistent/ca-bundle.pem")
        .build()
    else {
        return;
    };
    let (plain, env) = (bed.reg("staging"), &bed.env);
    let out = env.run(&[
        "copy",
        &format!("{}/staging/app:1", plain.host()),
        &format!("{}/staging/copy:1", plain.host()),
    ]);
    out.assert_code(2);
    out.assert_stderr_contains("/nonexistent/ca-bundle.pem");
}

/// A copy into production is verified there before it is tagged, so it needs
/// trusted keys: without `signing.public_keys` it is a usage error, and
/// nothing is written.
#[test]
fn a_copy_into_production_without_public_keys_is_a_usage_error() {
    let Some(bed) = TestBed::builder()
        .registries(["staging", "production"])
        .promotion_mutable("")
        .image(
            "staging",
            "staging/app",
            Some("1"),
            TestImage::docker_v2(11),
        )
        .build()
    else {
        return;
    };
    let (b, env) = (bed.reg("production"), &bed.env);
    let out = env.run(&["copy", "app:1", "app:1"]);
    out.assert_code(2);
    out.assert_stderr_contains("signing.public_keys is empty");
    assert!(
        b.client().catalog().is_empty(),
        "{:?}",
        b.client().catalog()
    );
}
