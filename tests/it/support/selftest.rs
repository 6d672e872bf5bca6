//! Self-tests of the test bed: each registry kind starts, takes images,
//! indexes and cosign-shaped tags, and gives them back; corruption is visible.

use std::io::Read;
use std::process::{Command, Stdio};

use serde_json::Value;

use super::oci::{
    self, attestation_tag, push_cosign_attestation, push_cosign_signature, push_image, push_index,
    sha256_digest, signature_tag, OciClient, TestImage,
};
use super::{require_tool, Registry, TestEnv};

fn registry_tools(tls: bool) -> bool {
    require_tool("docker-registry")
        && (!tls || (require_tool("openssl") && require_tool("htpasswd")))
}

/// Pushes an image, an index, a signature and an attestation, and reads each
/// back with the test client.
fn exercise(registry: &Registry) {
    let client = registry.client();
    let repo = "selftest/app";

    // A single image under a tag.
    let image = TestImage::random(1, 2, 4096);
    let digest = push_image(registry, repo, Some("v1"), &image);
    assert_eq!(digest, image.digest);
    let (media_type, bytes, got_digest) = client
        .get_manifest(repo, "v1")
        .expect("the pushed tag is served");
    assert_eq!(media_type, oci::OCI_MANIFEST);
    assert_eq!(bytes, image.manifest);
    assert_eq!(got_digest, image.digest);
    assert!(client.manifest_exists(repo, &image.digest));
    for (blob, digest) in std::iter::once(&image.config)
        .chain(&image.layers)
        .zip(image.blob_digests())
    {
        assert!(client.blob_exists(repo, &digest), "blob {digest} exists");
        assert_eq!(client.get_blob(repo, &digest).as_deref(), Some(&blob[..]));
    }
    assert!(client.get_manifest(repo, "nope").is_none());
    assert!(client.tags("selftest/unknown").is_empty());

    // A multi-platform index (children by digest).
    let amd = TestImage::random_platform(2, "linux", "amd64", 1, 512);
    let arm = TestImage::random_platform(3, "linux", "arm64", 1, 512);
    let index_digest = push_index(
        registry,
        repo,
        Some("multi"),
        &[("linux", "amd64", &amd), ("linux", "arm64", &arm)],
    );
    let (media_type, bytes, got_digest) = client
        .get_manifest(repo, "multi")
        .expect("the index tag is served");
    assert_eq!(media_type, oci::OCI_INDEX);
    assert_eq!(got_digest, index_digest);
    let index: Value = serde_json::from_slice(&bytes).expect("index is JSON");
    let children = index["manifests"].as_array().expect("index has manifests");
    assert_eq!(children.len(), 2);
    assert_eq!(children[1]["digest"], arm.digest.as_str());
    assert_eq!(children[1]["platform"]["architecture"], "arm64");
    for child in [&amd, &arm] {
        let (_, bytes, _) = client
            .get_manifest(repo, &child.digest)
            .expect("children are pushed by digest");
        assert_eq!(bytes, child.manifest);
    }

    // cosign-shaped signature and attestation under the legacy tags.
    let sig_digest = push_cosign_signature(registry, repo, &image.digest);
    let att_digest = push_cosign_attestation(registry, repo, &image.digest);
    let mut expected_tags = vec![
        "multi".to_string(),
        signature_tag(&image.digest),
        attestation_tag(&image.digest),
        "v1".to_string(),
    ];
    expected_tags.sort();
    assert_eq!(client.tags(repo), expected_tags);

    let (media_type, bytes, got) = client
        .get_manifest(repo, &signature_tag(&image.digest))
        .expect("the .sig tag is served");
    assert_eq!(
        (media_type.as_str(), got.as_str()),
        (oci::OCI_MANIFEST, sig_digest.as_str())
    );
    let sig: Value = serde_json::from_slice(&bytes).expect("sig manifest is JSON");
    assert_eq!(sig["config"]["mediaType"], oci::OCI_CONFIG);
    let layer = &sig["layers"][0];
    assert_eq!(layer["mediaType"], oci::COSIGN_SIMPLESIGNING);
    assert!(layer["annotations"][oci::COSIGN_SIGNATURE_ANNOTATION]
        .as_str()
        .is_some_and(|s| !s.is_empty()));
    let payload = client
        .get_blob(repo, layer["digest"].as_str().expect("layer digest"))
        .expect("payload blob is served");
    let payload: Value = serde_json::from_slice(&payload).expect("payload is JSON");
    assert_eq!(
        payload["critical"]["identity"]["docker-reference"],
        format!("{}/{repo}", registry.host())
    );
    assert_eq!(
        payload["critical"]["image"]["docker-manifest-digest"],
        image.digest.as_str()
    );
    assert_eq!(
        payload["critical"]["type"],
        "cosign container image signature"
    );
    assert!(payload["optional"].is_null());

    let (_, bytes, got) = client
        .get_manifest(repo, &attestation_tag(&image.digest))
        .expect("the .att tag is served");
    assert_eq!(got, att_digest);
    let att: Value = serde_json::from_slice(&bytes).expect("att manifest is JSON");
    assert_eq!(att["layers"][0]["mediaType"], oci::DSSE_ENVELOPE);

    // Deleting by digest removes the tag.
    client.delete_manifest(repo, &att_digest);
    assert!(!client.tags(repo).contains(&attestation_tag(&image.digest)));
    assert!(client.catalog().contains(&repo.to_string()));
}

#[test]
fn plain_registry_round_trip() {
    if !registry_tools(false) {
        return;
    }
    let registry = Registry::plain();
    assert!(!registry.is_tls());
    assert!(registry.ca_cert_path().is_none() && registry.credentials().is_none());
    exercise(&registry);

    // Docker schema 2 images go through as well.
    let image = TestImage::docker_v2(9);
    push_image(&registry, "selftest/docker", Some("d1"), &image);
    let (media_type, bytes, _) = registry
        .client()
        .get_manifest("selftest/docker", "d1")
        .expect("docker image is served");
    assert_eq!(media_type, oci::DOCKER_MANIFEST);
    assert_eq!(bytes, image.manifest);

    // A second instance runs side by side on another port.
    let second = Registry::plain();
    assert_ne!(second.host(), registry.host());
    assert!(second.client().tags("selftest/app").is_empty());
}

#[test]
fn tls_auth_registry_round_trip() {
    if !registry_tools(true) {
        return;
    }
    let registry = Registry::tls_auth("alice", "s3cret pass");
    assert!(registry.is_tls());
    assert_eq!(
        registry.credentials(),
        Some(("alice".to_string(), "s3cret pass".to_string()))
    );
    let ca = registry.ca_cert_path().expect("TLS registry has a CA");
    let pem = std::fs::read_to_string(&ca).expect("read the CA");
    assert!(pem.contains("BEGIN CERTIFICATE"));
    exercise(&registry);

    // Without credentials: 401 with a Basic challenge.
    let anonymous = OciClient::for_host(&registry.host(), true, Some(&ca), None);
    let http = reqwest::blocking::Client::builder()
        .no_proxy()
        .tls_certs_only([reqwest::Certificate::from_pem(pem.as_bytes()).expect("CA PEM")])
        .build()
        .expect("client");
    let resp = http
        .get(format!("{}/v2/", anonymous.base_url()))
        .send()
        .expect("GET /v2/");
    assert_eq!(resp.status(), reqwest::StatusCode::UNAUTHORIZED);
    let challenge = resp
        .headers()
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(challenge.starts_with("Basic"), "challenge: {challenge}");

    // Without the CA: the certificate is not trusted.
    let untrusting = reqwest::blocking::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    assert!(untrusting
        .get(format!("{}/v2/", registry.base_url()))
        .send()
        .is_err());

    // The openssl CLI agrees the leaf chains to the CA with the right usage.
    let out = Command::new("openssl")
        .args(["verify", "-purpose", "sslserver", "-CAfile"])
        .arg(&ca)
        .arg(registry.dir().join("server.crt"))
        .output()
        .expect("run openssl verify");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn corrupt_blob_changes_served_bytes() {
    if !registry_tools(false) {
        return;
    }
    let registry = Registry::plain();
    let client = registry.client();
    let image = TestImage::random(42, 1, 2048);
    push_image(&registry, "selftest/corrupt", Some("v1"), &image);
    let layer = image.layer_digests().remove(0);
    let before = client
        .get_blob("selftest/corrupt", &layer)
        .expect("layer is served");
    assert_eq!(sha256_digest(&before), layer);

    registry.corrupt_blob(&layer);
    let after = client
        .get_blob("selftest/corrupt", &layer)
        .expect("corrupted layer is still served");
    assert_eq!(after.len(), before.len());
    assert_ne!(after, before);
    assert_ne!(sha256_digest(&after), layer);
    // The manifest itself is untouched.
    let (_, bytes, _) = client
        .get_manifest("selftest/corrupt", "v1")
        .expect("manifest is served");
    assert_eq!(bytes, image.manifest);
}

#[test]
fn test_images_are_deterministic_and_well_formed() {
    let a = TestImage::random(7, 3, 1000);
    let b = TestImage::random(7, 3, 1000);
    assert_eq!(a.manifest, b.manifest);
    assert_eq!(a.digest, b.digest);
    assert_ne!(TestImage::random(8, 3, 1000).digest, a.digest);
    assert_ne!(
        TestImage::random(7, 0, 0).digest,
        TestImage::random(8, 0, 0).digest
    );
    assert_eq!(sha256_digest(&a.manifest), a.digest);

    let manifest: Value = serde_json::from_slice(&a.manifest).expect("manifest JSON");
    assert_eq!(manifest["mediaType"], oci::OCI_MANIFEST);
    assert_eq!(manifest["config"]["digest"], a.config_digest().as_str());
    assert_eq!(manifest["config"]["size"], a.config.len());
    let config: Value = serde_json::from_slice(&a.config).expect("config JSON");
    assert_eq!(config["os"], "linux");
    assert_eq!(config["architecture"], "amd64");
    let diff_ids = config["rootfs"]["diff_ids"].as_array().expect("diff_ids");
    assert_eq!(diff_ids.len(), 3);
    let mut layer_files = Vec::new();
    for (i, layer) in a.layers.iter().enumerate() {
        assert_eq!(manifest["layers"][i]["mediaType"], oci::OCI_LAYER_GZIP);
        assert_eq!(manifest["layers"][i]["size"], layer.len());
        let mut tar_bytes = Vec::new();
        flate2::read::GzDecoder::new(&layer[..])
            .read_to_end(&mut tar_bytes)
            .expect("layer is gzip");
        assert_eq!(diff_ids[i], sha256_digest(&tar_bytes).as_str());
        let mut archive = tar::Archive::new(&tar_bytes[..]);
        let entries: Vec<(String, Vec<u8>)> = archive
            .entries()
            .expect("layer is a tar")
            .map(|e| {
                let mut e = e.expect("tar entry");
                let path = e.path().expect("entry path").display().to_string();
                let mut data = Vec::new();
                e.read_to_end(&mut data).expect("entry data");
                (path, data)
            })
            .collect();
        assert_eq!(entries.len(), 1, "one file per layer");
        assert_eq!(entries[0].1.len(), 1000);
        layer_files.push(entries[0].1.clone());
    }
    assert_ne!(layer_files[0], layer_files[1], "layers differ");

    let arm = TestImage::random_platform(7, "linux", "arm64", 1, 10);
    let config: Value = serde_json::from_slice(&arm.config).expect("config JSON");
    assert_eq!(config["architecture"], "arm64");

    let docker = TestImage::docker_v2(7);
    let manifest: Value = serde_json::from_slice(&docker.manifest).expect("manifest JSON");
    assert_eq!(docker.media_type, oci::DOCKER_MANIFEST);
    assert_eq!(manifest["mediaType"], oci::DOCKER_MANIFEST);
    assert_eq!(manifest["config"]["mediaType"], oci::DOCKER_CONFIG);
    assert_eq!(manifest["layers"][0]["mediaType"], oci::DOCKER_LAYER_GZIP);
}

#[test]
fn test_env_runs_the_binary_sealed() {
    let mut env = TestEnv::new();
    env.config_yaml("# empty\n")
        .write("sub/dir/file.txt", "hello")
        .docker_config(r#"{"auths":{}}"#)
        .env("VIMES_SELFTEST", "1");
    assert_eq!(env.read("sub/dir/file.txt"), "hello");
    assert!(env.home().join(".docker/config.json").is_file());
    assert!(env.home().join("vimes.yaml").is_file());

    let out = env.run(&["--version"]);
    out.assert_code(0).assert_stdout_contains("vimes");
    let out = env.run(&["no-such-command"]);
    assert_ne!(out.code, 0);
}

#[test]
fn credential_helper_script_answers_like_docker() {
    let mut env = TestEnv::new();
    env.credential_helper("selftest", &[("127.0.0.1:5000", "bob", "it's secret")]);
    let helper = env.bin_dir().join("docker-credential-selftest");
    let ask = |server: &str| {
        let mut child = Command::new(&helper)
            .arg("get")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run the helper");
        use std::io::Write;
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(server.as_bytes())
            .expect("write server");
        child.wait_with_output().expect("helper output")
    };
    let out = ask("127.0.0.1:5000");
    assert!(out.status.success());
    let answer: Value = serde_json::from_slice(&out.stdout).expect("helper prints JSON");
    assert_eq!(answer["ServerURL"], "127.0.0.1:5000");
    assert_eq!(answer["Username"], "bob");
    assert_eq!(answer["Secret"], "it's secret");

    let out = ask("other.example:443\n");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("credentials not found in native keychain")
    );
    assert_eq!(
        env.credential_helper_calls("selftest"),
        vec!["get 127.0.0.1:5000", "get other.example:443"]
    );
    assert!(env
        .path_var()
        .starts_with(&env.bin_dir().display().to_string()));
}

#[test]
fn require_tool_finds_installed_tools() {
    assert!(require_tool("sh"));
    if std::env::var("CI").as_deref() != Ok("true") {
        assert!(!require_tool("vimes-no-such-tool-anywhere"));
    }
}

#[test]
fn registries_start_side_by_side() {
    if !registry_tools(false) {
        return;
    }
    let registries: Vec<Registry> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..6).map(|_| s.spawn(Registry::plain)).collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("registry start thread"))
            .collect()
    });
    let mut hosts: Vec<String> = registries.iter().map(Registry::host).collect();
    hosts.sort();
    hosts.dedup();
    assert_eq!(
        hosts.len(),
        registries.len(),
        "each registry has its own port"
    );
    for (i, registry) in registries.iter().enumerate() {
        let image = TestImage::random(100 + i as u64, 1, 64);
        push_image(registry, "selftest/many", Some("t"), &image);
        assert_eq!(
            registry.client().tags("selftest/many"),
            vec!["t".to_string()]
        );
    }
}
