//! An independent, blocking registry client for the tests (reqwest, not the
//! oci-client that vimes uses), and images written byte by byte: deterministic
//! from a seed, so digests are stable across runs.
#![allow(dead_code)]

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use base64::Engine as _;
use reqwest::blocking::{Client, RequestBuilder, Response};
use reqwest::{Method, StatusCode, Url};
use serde_json::{json, Value};
use sha2::{Digest as _, Sha256};

use super::registry::Registry;

/// OCI image manifest.
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
/// OCI image index.
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
/// OCI image config.
pub const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
/// OCI gzip'd tar layer.
pub const OCI_LAYER_GZIP: &str = "application/vnd.oci.image.layer.v1.tar+gzip";
/// Docker schema 2 manifest.
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
/// Docker manifest list.
pub const DOCKER_MANIFEST_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
/// Docker image config.
pub const DOCKER_CONFIG: &str = "application/vnd.docker.container.image.v1+json";
/// Docker gzip'd tar layer.
pub const DOCKER_LAYER_GZIP: &str = "application/vnd.docker.image.rootfs.diff.tar.gzip";
/// cosign simple-signing payload layer.
pub const COSIGN_SIMPLESIGNING: &str = "application/vnd.dev.cosign.simplesigning.v1+json";
/// DSSE envelope layer (cosign attestations).
pub const DSSE_ENVELOPE: &str = "application/vnd.dsse.envelope.v1+json";
/// Annotation carrying the base64 signature on a cosign layer.
pub const COSIGN_SIGNATURE_ANNOTATION: &str = "dev.cosignproject.cosign/signature";

/// Every manifest type the test client accepts.
const MANIFEST_ACCEPT: &str = "application/vnd.oci.image.manifest.v1+json, \
    application/vnd.oci.image.index.v1+json, \
    application/vnd.docker.distribution.manifest.v2+json, \
    application/vnd.docker.distribution.manifest.list.v2+json";

/// `sha256:<hex>` of some bytes.
pub fn sha256_digest(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

/// The cosign legacy tag of a signature: `sha256-<hex>.sig`.
pub fn signature_tag(image_digest: &str) -> String {
    format!("{}.sig", digest_tag_stem(image_digest))
}

/// The cosign legacy tag of an attestation: `sha256-<hex>.att`.
pub fn attestation_tag(image_digest: &str) -> String {
    format!("{}.att", digest_tag_stem(image_digest))
}

fn digest_tag_stem(image_digest: &str) -> String {
    assert!(
        image_digest.starts_with("sha256:") && image_digest.len() == 71,
        "not a sha256 digest: {image_digest}"
    );
    image_digest.replacen(':', "-", 1)
}

/// A blocking registry client for test set-up and independent checks.
#[derive(Clone, Debug)]
pub struct OciClient {
    http: Client,
    base: String,
    credentials: Option<(String, String)>,
}

impl Registry {
    /// A test client for this registry (its CA trusted, its credentials used).
    pub fn client(&self) -> OciClient {
        OciClient::new(self)
    }
}

impl OciClient {
    /// A client for a test registry.
    pub fn new(registry: &Registry) -> OciClient {
        OciClient::for_host(
            &registry.host(),
            registry.is_tls(),
            registry.ca_cert_path().as_deref(),
            registry.credentials(),
        )
    }

    /// A client for any registry: `host` is `HOST:PORT`; `ca_pem` is trusted
    /// (alone) when set; `credentials` are sent as Basic auth on every request.
    pub fn for_host(
        host: &str,
        tls: bool,
        ca_pem: Option<&Path>,
        credentials: Option<(String, String)>,
    ) -> OciClient {
        let mut builder = Client::builder()
            .timeout(Duration::from_secs(60))
            .no_proxy()
            .redirect(reqwest::redirect::Policy::limited(5));
        if let Some(ca) = ca_pem {
            let pem = std::fs::read(ca)
                .unwrap_or_else(|e| panic!("cannot read CA {}: {e}", ca.display()));
            let cert = reqwest::Certificate::from_pem(&pem)
                .unwrap_or_else(|e| panic!("CA {} is not PEM: {e}", ca.display()));
            builder = builder.tls_certs_only([cert]);
        }
        let scheme = if tls { "https" } else { "http" };
        OciClient {
            http: builder.build().expect("build the test registry client"),
            base: format!("{scheme}://{host}"),
            credentials,
        }
    }

    /// `http(s)://HOST:PORT`.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    fn request(&self, method: Method, url: &str) -> RequestBuilder {
        let req = self.http.request(method, url);
        match &self.credentials {
            Some((user, password)) => req.basic_auth(user, Some(password)),
            None => req,
        }
    }

    fn send(&self, what: &str, req: RequestBuilder) -> Response {
        req.send()
            .unwrap_or_else(|e| panic!("{what}: request to {} failed: {e}", self.base))
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Uploads a blob (POST an upload, then one monolithic PUT ?digest=).
    /// Returns its digest. Skips the upload when the blob is already there.
    pub fn push_blob(&self, repo: &str, data: &[u8]) -> String {
        let digest = sha256_digest(data);
        if self.blob_exists(repo, &digest) {
            return digest;
        }
        let what = format!("push blob {digest} to {repo}");
        let resp = self.send(
            &what,
            self.request(
                Method::POST,
                &self.url(&format!("/v2/{repo}/blobs/uploads/")),
            ),
        );
        let resp = expect_status(&what, resp, &[StatusCode::ACCEPTED]);
        let location = resp
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("{what}: upload response has no Location"))
            .to_string();
        let base = Url::parse(&self.base).expect("parse the registry base URL");
        let mut url = base
            .join(&location)
            .unwrap_or_else(|e| panic!("{what}: bad Location {location:?}: {e}"));
        url.query_pairs_mut().append_pair("digest", &digest);
        let resp = self.send(
            &what,
            self.request(Method::PUT, url.as_str())
                .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
                .body(data.to_vec()),
        );
        let resp = expect_status(&what, resp, &[StatusCode::CREATED]);
        if let Some(served) = header(&resp, "docker-content-digest") {
            assert_eq!(served, digest, "{what}: registry computed another digest");
        }
        digest
    }

    /// Whether `HEAD /v2/<repo>/blobs/<digest>` finds the blob.
    pub fn blob_exists(&self, repo: &str, digest: &str) -> bool {
        let what = format!("HEAD blob {digest} in {repo}");
        let resp = self.send(
            &what,
            self.request(
                Method::HEAD,
                &self.url(&format!("/v2/{repo}/blobs/{digest}")),
            ),
        );
        match resp.status() {
            StatusCode::OK => true,
            StatusCode::NOT_FOUND => false,
            other => panic!("{what}: unexpected status {other}"),
        }
    }

    /// The bytes the registry serves for a blob (unchecked), or None on 404.
    pub fn get_blob(&self, repo: &str, digest: &str) -> Option<Vec<u8>> {
        let what = format!("GET blob {digest} from {repo}");
        let resp = self.send(
            &what,
            self.request(
                Method::GET,
                &self.url(&format!("/v2/{repo}/blobs/{digest}")),
            ),
        );
        if resp.status() == StatusCode::NOT_FOUND {
            return None;
        }
        let resp = expect_status(&what, resp, &[StatusCode::OK]);
        Some(
            resp.bytes()
                .unwrap_or_else(|e| panic!("{what}: reading the body failed: {e}"))
                .to_vec(),
        )
    }

    /// PUTs a manifest under a tag or a digest. Returns its digest.
    pub fn push_manifest(
        &self,
        repo: &str,
        reference: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> String {
        let digest = sha256_digest(bytes);
        let what = format!("push manifest {digest} to {repo}:{reference}");
        let resp = self.send(
            &what,
            self.request(
                Method::PUT,
                &self.url(&format!("/v2/{repo}/manifests/{reference}")),
            )
            .header(reqwest::header::CONTENT_TYPE, media_type)
            .body(bytes.to_vec()),
        );
        let resp = expect_status(&what, resp, &[StatusCode::CREATED]);
        if let Some(served) = header(&resp, "docker-content-digest") {
            assert_eq!(served, digest, "{what}: registry computed another digest");
        }
        digest
    }

    /// `(media type, bytes, sha256 of the bytes)` of a manifest or index, by
    /// tag or digest; None when the registry says 404.
    pub fn get_manifest(&self, repo: &str, reference: &str) -> Option<(String, Vec<u8>, String)> {
        let what = format!("GET manifest {repo}:{reference}");
        let resp = self.send(
            &what,
            self.request(
                Method::GET,
                &self.url(&format!("/v2/{repo}/manifests/{reference}")),
            )
            .header(reqwest::header::ACCEPT, MANIFEST_ACCEPT),
        );
        if resp.status() == StatusCode::NOT_FOUND {
            return None;
        }
        let resp = expect_status(&what, resp, &[StatusCode::OK]);
        let media_type = header(&resp, "content-type").unwrap_or_default();
        let bytes = resp
            .bytes()
            .unwrap_or_else(|e| panic!("{what}: reading the body failed: {e}"))
            .to_vec();
        let digest = sha256_digest(&bytes);
        Some((media_type, bytes, digest))
    }

    /// `GET /v2/<repo>/referrers/<digest>`: the index, or None when the
    /// registry has no referrers API (404).
    pub fn referrers_api(&self, repo: &str, digest: &str) -> Option<Value> {
        let what = format!("GET referrers of {repo}@{digest}");
        let resp = self.send(
            &what,
            self.request(
                Method::GET,
                &self.url(&format!("/v2/{repo}/referrers/{digest}")),
            ),
        );
        if resp.status() == StatusCode::NOT_FOUND {
            return None;
        }
        let resp = expect_status(&what, resp, &[StatusCode::OK]);
        Some(
            resp.json()
                .unwrap_or_else(|e| panic!("{what}: not JSON: {e}")),
        )
    }

    /// Whether a manifest exists under that tag or digest.
    pub fn manifest_exists(&self, repo: &str, reference: &str) -> bool {
        let what = format!("HEAD manifest {repo}:{reference}");
        let resp = self.send(
            &what,
            self.request(
                Method::HEAD,
                &self.url(&format!("/v2/{repo}/manifests/{reference}")),
            )
            .header(reqwest::header::ACCEPT, MANIFEST_ACCEPT),
        );
        match resp.status() {
            StatusCode::OK => true,
            StatusCode::NOT_FOUND => false,
            other => panic!("{what}: unexpected status {other}"),
        }
    }

    /// Tags of a repository, sorted; empty when the repository is unknown.
    pub fn tags(&self, repo: &str) -> Vec<String> {
        let what = format!("list tags of {repo}");
        let resp = self.send(
            &what,
            self.request(Method::GET, &self.url(&format!("/v2/{repo}/tags/list"))),
        );
        if resp.status() == StatusCode::NOT_FOUND {
            return Vec::new();
        }
        let resp = expect_status(&what, resp, &[StatusCode::OK]);
        let body: Value = resp
            .json()
            .unwrap_or_else(|e| panic!("{what}: body is not JSON: {e}"));
        let mut tags: Vec<String> = body
            .get("tags")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|t| t.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        tags.sort();
        tags
    }

    /// Repositories in the registry (`/v2/_catalog`), sorted.
    pub fn catalog(&self) -> Vec<String> {
        let what = "GET /v2/_catalog";
        let resp = self.send(
            what,
            self.request(Method::GET, &self.url("/v2/_catalog?n=1000")),
        );
        let resp = expect_status(what, resp, &[StatusCode::OK]);
        let body: Value = resp
            .json()
            .unwrap_or_else(|e| panic!("{what}: body is not JSON: {e}"));
        let mut repos: Vec<String> = body
            .get("repositories")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|t| t.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        repos.sort();
        repos
    }

    /// Deletes a manifest by digest (removes every tag pointing at it).
    pub fn delete_manifest(&self, repo: &str, digest: &str) {
        let what = format!("DELETE manifest {repo}@{digest}");
        let resp = self.send(
            &what,
            self.request(
                Method::DELETE,
                &self.url(&format!("/v2/{repo}/manifests/{digest}")),
            ),
        );
        expect_status(&what, resp, &[StatusCode::ACCEPTED]);
    }

    /// Deletes a blob from a repository.
    pub fn delete_blob(&self, repo: &str, digest: &str) {
        let what = format!("DELETE blob {repo}@{digest}");
        let resp = self.send(
            &what,
            self.request(
                Method::DELETE,
                &self.url(&format!("/v2/{repo}/blobs/{digest}")),
            ),
        );
        expect_status(&what, resp, &[StatusCode::ACCEPTED]);
    }
}

fn header(resp: &Response, name: &str) -> Option<String> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

fn expect_status(what: &str, resp: Response, expected: &[StatusCode]) -> Response {
    if expected.contains(&resp.status()) {
        return resp;
    }
    let status = resp.status();
    let body = resp.text().unwrap_or_default();
    panic!("{what}: expected {expected:?}, got {status}: {body}");
}

// ---------------------------------------------------------------------------
// Images written by the tests themselves.
// ---------------------------------------------------------------------------

/// splitmix64: a tiny deterministic PRNG for test bytes.
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator from a seed.
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    /// The next 64 pseudo-random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// `len` pseudo-random bytes.
    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(len + 8);
        while out.len() < len {
            out.extend_from_slice(&self.next_u64().to_le_bytes());
        }
        out.truncate(len);
        out
    }
}

/// Which family of media types an image uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Flavor {
    Oci,
    Docker,
}

/// A single-platform image: manifest, config and gzip'd tar layers, all bytes
/// known before the push.
#[derive(Clone, Debug)]
pub struct TestImage {
    /// Manifest bytes as pushed.
    pub manifest: Vec<u8>,
    /// Manifest media type (OCI or Docker schema 2).
    pub media_type: String,
    /// `sha256:` of the manifest bytes.
    pub digest: String,
    /// Config blob bytes.
    pub config: Vec<u8>,
    /// Layer blobs (gzip'd tars), in manifest order.
    pub layers: Vec<Vec<u8>>,
}

impl TestImage {
    /// An OCI linux/amd64 image: `layer_count` layers, each a gzip'd tar with
    /// one file of `layer_size` pseudo-random bytes drawn from `seed`.
    pub fn random(seed: u64, layer_count: usize, layer_size: usize) -> TestImage {
        TestImage::build(seed, layer_count, layer_size, "linux", "amd64", Flavor::Oci)
    }

    /// Like [`TestImage::random`] for another platform (config os/architecture
    /// set accordingly), for the children of an index.
    pub fn random_platform(
        seed: u64,
        os: &str,
        arch: &str,
        layer_count: usize,
        layer_size: usize,
    ) -> TestImage {
        TestImage::build(seed, layer_count, layer_size, os, arch, Flavor::Oci)
    }

    /// A Docker schema 2 linux/amd64 image (two layers of 1 KiB).
    pub fn docker_v2(seed: u64) -> TestImage {
        TestImage::docker_v2_sized(seed, 2, 1024)
    }

    /// A Docker schema 2 linux/amd64 image of a chosen shape.
    pub fn docker_v2_sized(seed: u64, layer_count: usize, layer_size: usize) -> TestImage {
        TestImage::build(
            seed,
            layer_count,
            layer_size,
            "linux",
            "amd64",
            Flavor::Docker,
        )
    }

    fn build(
        seed: u64,
        layer_count: usize,
        layer_size: usize,
        os: &str,
        arch: &str,
        flavor: Flavor,
    ) -> TestImage {
        let (manifest_type, config_type, layer_type) = match flavor {
            Flavor::Oci => (OCI_MANIFEST, OCI_CONFIG, OCI_LAYER_GZIP),
            Flavor::Docker => (DOCKER_MANIFEST, DOCKER_CONFIG, DOCKER_LAYER_GZIP),
        };
        let mut layers = Vec::with_capacity(layer_count);
        let mut diff_ids = Vec::with_capacity(layer_count);
        for index in 0..layer_count {
            let mut rng = SplitMix64::new(
                seed.wrapping_mul(0x2545_f491_4f6c_dd1d) ^ (index as u64).wrapping_add(1),
            );
            let content = rng.bytes(layer_size);
            let tar = tar_with_one_file(&format!("data/seed-{seed}-layer-{index}.bin"), &content);
            diff_ids.push(sha256_digest(&tar));
            layers.push(gzip(&tar));
        }
        let history: Vec<Value> = (0..layer_count)
            .map(|i| json!({"created": "1970-01-01T00:00:00Z", "created_by": format!("vimes test layer {i}")}))
            .collect();
        let config = serde_json::to_vec(&json!({
            "architecture": arch,
            "os": os,
            "created": "1970-01-01T00:00:00Z",
            "config": {"Labels": {"org.vimes.test.seed": seed.to_string()}},
            "rootfs": {"type": "layers", "diff_ids": diff_ids},
            "history": history,
        }))
        .expect("serialize the image config");
        let layer_descriptors: Vec<Value> =
            layers.iter().map(|l| descriptor(layer_type, l)).collect();
        let manifest = serde_json::to_vec(&json!({
            "schemaVersion": 2,
            "mediaType": manifest_type,
            "config": descriptor(config_type, &config),
            "layers": layer_descriptors,
        }))
        .expect("serialize the image manifest");
        TestImage {
            digest: sha256_digest(&manifest),
            media_type: manifest_type.to_string(),
            manifest,
            config,
            layers,
        }
    }

    /// `sha256:` of the config blob.
    pub fn config_digest(&self) -> String {
        sha256_digest(&self.config)
    }

    /// `sha256:` of each layer blob, in manifest order.
    pub fn layer_digests(&self) -> Vec<String> {
        self.layers.iter().map(|l| sha256_digest(l)).collect()
    }

    /// Digests of every blob (config first, then layers).
    pub fn blob_digests(&self) -> Vec<String> {
        let mut all = vec![self.config_digest()];
        all.extend(self.layer_digests());
        all
    }

    /// Bytes of config and layers together.
    pub fn blobs_size(&self) -> usize {
        self.config.len() + self.layers.iter().map(Vec::len).sum::<usize>()
    }
}

fn descriptor(media_type: &str, bytes: &[u8]) -> Value {
    json!({"mediaType": media_type, "digest": sha256_digest(bytes), "size": bytes.len()})
}

fn tar_with_one_file(path: &str, content: &[u8]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_ustar();
    header
        .set_path(path)
        .expect("set the tar entry path (ustar)");
    header.set_size(content.len() as u64);
    header.set_mode(0o644);
    header.set_uid(0);
    header.set_gid(0);
    header.set_mtime(0);
    header.set_entry_type(tar::EntryType::Regular);
    header.set_cksum();
    builder
        .append(&header, content)
        .expect("append to an in-memory tar");
    builder.into_inner().expect("finish an in-memory tar")
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    // GzEncoder::new writes mtime 0 and no file name: deterministic output.
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).expect("gzip in memory");
    encoder.finish().expect("finish gzip in memory")
}

/// Pushes blobs then the manifest (under `tag`, or by digest when None).
/// Returns the manifest digest.
pub fn push_image(registry: &Registry, repo: &str, tag: Option<&str>, image: &TestImage) -> String {
    push_image_with(&registry.client(), repo, tag, image)
}

/// [`push_image`] through a given client (e.g. one for a fake registry).
pub fn push_image_with(
    client: &OciClient,
    repo: &str,
    tag: Option<&str>,
    image: &TestImage,
) -> String {
    client.push_blob(repo, &image.config);
    for layer in &image.layers {
        client.push_blob(repo, layer);
    }
    let reference = tag.unwrap_or(&image.digest);
    let digest = client.push_manifest(repo, reference, &image.media_type, &image.manifest);
    assert_eq!(digest, image.digest);
    digest
}

/// The bytes and digest of an OCI index over `(os, arch, image)` entries.
pub fn build_index(children: &[(&str, &str, &TestImage)]) -> (Vec<u8>, String) {
    let manifests: Vec<Value> = children
        .iter()
        .map(|(os, arch, image)| {
            json!({
                "mediaType": image.media_type,
                "digest": image.digest,
                "size": image.manifest.len(),
                "platform": {"architecture": arch, "os": os},
            })
        })
        .collect();
    let bytes = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_INDEX,
        "manifests": manifests,
    }))
    .expect("serialize the image index");
    let digest = sha256_digest(&bytes);
    (bytes, digest)
}

/// Pushes each child by digest, then an OCI index over them (under `tag`, or
/// by digest when None). Returns the index digest.
pub fn push_index(
    registry: &Registry,
    repo: &str,
    tag: Option<&str>,
    children: &[(&str, &str, &TestImage)],
) -> String {
    let client = registry.client();
    for (_, _, image) in children {
        push_image_with(&client, repo, None, image);
    }
    let (bytes, digest) = build_index(children);
    client.push_manifest(repo, tag.unwrap_or(&digest), OCI_INDEX, &bytes)
}

/// The simple-signing payload cosign signs for `HOST/REPO@digest`.
pub fn simple_signing_payload(docker_reference: &str, image_digest: &str) -> Vec<u8> {
    format!(
        "{{\"critical\":{{\"identity\":{{\"docker-reference\":{}}},\"image\":{{\"docker-manifest-digest\":{}}},\"type\":\"cosign container image signature\"}},\"optional\":null}}",
        Value::String(docker_reference.to_string()),
        Value::String(image_digest.to_string()),
    )
    .into_bytes()
}

/// Pushes a cosign-shaped manifest with one layer under `tag`; returns its digest.
fn push_cosign_manifest(
    client: &OciClient,
    repo: &str,
    tag: &str,
    layer_type: &str,
    layer: &[u8],
    annotations: Value,
) -> String {
    let layer_digest = sha256_digest(layer);
    let config = serde_json::to_vec(&json!({
        "architecture": "",
        "config": {},
        "created": "0001-01-01T00:00:00Z",
        "history": [{"created": "0001-01-01T00:00:00Z"}],
        "os": "",
        "rootfs": {"type": "layers", "diff_ids": [layer_digest]},
    }))
    .expect("serialize the cosign config");
    client.push_blob(repo, &config);
    client.push_blob(repo, layer);
    let mut layer_descriptor = descriptor(layer_type, layer);
    layer_descriptor["annotations"] = annotations;
    let manifest = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": descriptor(OCI_CONFIG, &config),
        "layers": [layer_descriptor],
    }))
    .expect("serialize the cosign manifest");
    client.push_manifest(repo, tag, OCI_MANIFEST, &manifest)
}

/// Writes a cosign-like signature for `image_digest` under the legacy
/// `sha256-<hex>.sig` tag. The signature bytes are fake (they do not verify):
/// this is about carrying tags along. Returns the signature manifest digest.
pub fn push_cosign_signature(registry: &Registry, repo: &str, image_digest: &str) -> String {
    let payload = simple_signing_payload(&format!("{}/{repo}", registry.host()), image_digest);
    let fake_signature = Sha256::digest([b"vimes-test-signature:".as_slice(), &payload].concat());
    let annotations = json!({
        COSIGN_SIGNATURE_ANNOTATION:
            base64::engine::general_purpose::STANDARD.encode(fake_signature),
    });
    push_cosign_manifest(
        &registry.client(),
        repo,
        &signature_tag(image_digest),
        COSIGN_SIMPLESIGNING,
        &payload,
        annotations,
    )
}

/// Writes a cosign-like attestation (a DSSE envelope around an in-toto
/// statement, fake signature) under the legacy `sha256-<hex>.att` tag.
/// Returns the attestation manifest digest.
pub fn push_cosign_attestation(registry: &Registry, repo: &str, image_digest: &str) -> String {
    let b64 = base64::engine::general_purpose::STANDARD;
    let hex = image_digest
        .strip_prefix("sha256:")
        .unwrap_or_else(|| panic!("not a sha256 digest: {image_digest}"));
    let predicate_type = "https://cosign.sigstore.dev/attestation/v1";
    let statement = serde_json::to_vec(&json!({
        "_type": "https://in-toto.io/Statement/v0.1",
        "predicateType": predicate_type,
        "subject": [{"name": format!("{}/{repo}", registry.host()), "digest": {"sha256": hex}}],
        "predicate": {"Data": "vimes test attestation", "Timestamp": "1970-01-01T00:00:00Z"},
    }))
    .expect("serialize the in-toto statement");
    let fake_signature =
        Sha256::digest([b"vimes-test-attestation:".as_slice(), &statement].concat());
    let envelope = serde_json::to_vec(&json!({
        "payloadType": "application/vnd.in-toto+json",
        "payload": b64.encode(&statement),
        "signatures": [{"keyid": "", "sig": b64.encode(fake_signature)}],
    }))
    .expect("serialize the DSSE envelope");
    push_cosign_manifest(
        &registry.client(),
        repo,
        &attestation_tag(image_digest),
        DSSE_ENVELOPE,
        &envelope,
        json!({COSIGN_SIGNATURE_ANNOTATION: "", "predicateType": predicate_type}),
    )
}
