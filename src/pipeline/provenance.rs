//! The SLSA v1 provenance predicate (`https://slsa.dev/provenance/v1`)
//! `vimes build` attests for each image it pushes: who built it
//! (`build.builder_id`), from what (the Dockerfile and its SHA-256, the
//! source repository and commit, every image the Dockerfile uses, by digest
//! where it pins one) and when. Build argument *values* are never written:
//! vimes has no way to tell a secret passed as `--build-arg` from any other
//! value, so only their names are.

use crate::error::Result;
use crate::policy::provenance::GIT_URI_PREFIX;
use crate::registry::{ImageRef, RegistryClient};
use crate::signing::keys::SigningKey;
use crate::signing::sign::{attest_image, Repeat};
use crate::signing::AttestationType;
use crate::ui::progress::{watch, Progress};
use serde_json::{json, Value};

/// The `buildType` of vimes' provenance: what `externalParameters` means.
pub const BUILD_TYPE: &str = "https://vimes.dev/build/v1";

/// What one build ran on and produced, for its provenance.
#[derive(Clone, Debug)]
pub struct BuildFacts {
    /// `runDetails.builder.id`.
    pub builder_id: String,
    /// The image's name in `images:`.
    pub image: String,
    /// The build context, as vimes.yaml gives it.
    pub context: String,
    /// The Dockerfile path relative to the context, as vimes.yaml gives it.
    pub dockerfile: String,
    /// `sha256:<hex>` of the Dockerfile's bytes.
    pub dockerfile_digest: String,
    /// Names of the `--build-arg`s (never their values).
    pub build_arg_names: Vec<String>,
    /// `--target`, if any.
    pub target: Option<String>,
    /// `--platform`, if any.
    pub platform: Option<String>,
    /// The source repository URL (credentials removed) and commit, from git.
    pub source: Option<(String, Option<String>)>,
    /// Every image the Dockerfile uses: the reference as resolved (ARGs
    /// substituted) and the digest it pins, if it pins one.
    pub images: Vec<(String, Option<String>)>,
    /// The builder program (buildah, podman, docker) and its binary's SHA-256.
    pub tool: (String, String),
    /// RFC 3339 times the build started and the push finished.
    pub started_on: String,
    /// See `started_on`.
    pub finished_on: String,
}

/// The default `build.builder_id`: `vimes build` on this host.
pub fn default_builder_id() -> String {
    match host_name() {
        Some(host) => format!("vimes build on {host}"),
        None => "vimes build".to_string(),
    }
}

/// The kernel's host name (Linux), else `/etc/hostname`.
fn host_name() -> Option<String> {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .filter_map(|path| std::fs::read_to_string(path).ok())
        .map(|text| text.trim().to_string())
        .find(|name| !name.is_empty())
}

/// The provenance predicate of one build.
pub fn predicate(facts: &BuildFacts) -> Value {
    let mut dependencies = Vec::new();
    if let Some((url, commit)) = &facts.source {
        let mut source = json!({ "uri": format!("{GIT_URI_PREFIX}{url}"), "name": "source" });
        if let Some(commit) = commit {
            source["digest"] = json!({ "gitCommit": commit });
        }
        dependencies.push(source);
    }
    for (reference, digest) in &facts.images {
        let mut image = json!({ "uri": format!("oci://{reference}"), "name": "image" });
        // A base named by tag alone has no digest here: what the builder
        // pulled for it is not known, and the gate refuses it.
        if let Some(hex) = digest.as_deref().and_then(|d| d.strip_prefix("sha256:")) {
            image["digest"] = json!({ "sha256": hex });
        }
        dependencies.push(image);
    }
    let mut external = json!({
        "image": facts.image,
        "context": facts.context,
        "dockerfile": {
            "path": facts.dockerfile,
            "digest": { "sha256": facts.dockerfile_digest.trim_start_matches("sha256:") },
        },
        "buildArgs": facts.build_arg_names,
    });
    if let Some(target) = &facts.target {
        external["target"] = json!(target);
    }
    if let Some(platform) = &facts.platform {
        external["platform"] = json!(platform);
    }
    json!({
        "buildDefinition": {
            "buildType": BUILD_TYPE,
            "externalParameters": external,
            "internalParameters": {
                "builder": { "name": facts.tool.0, "sha256": facts.tool.1 },
            },
            "resolvedDependencies": dependencies,
        },
        "runDetails": {
            "builder": {
                "id": facts.builder_id,
                "version": { "vimes": env!("CARGO_PKG_VERSION") },
            },
            "metadata": {
                "startedOn": facts.started_on,
                "finishedOn": facts.finished_on,
            },
        },
    })
}

/// Attests the provenance `facts` of the pushed `reference` (`repo@digest`)
/// with `key` (step `provenance`); returns where the attestation is. An
/// identical statement is not added twice; a rebuild (new times) adds one.
pub async fn attach(
    client: &RegistryClient,
    reference: &str,
    digest: &str,
    facts: &BuildFacts,
    key: &SigningKey,
    progress: &dyn Progress,
) -> Result<String> {
    progress.started(
        "provenance",
        &format!("{reference} (key {})", key.fingerprint),
    );
    let attested = async {
        let image = ImageRef::parse(reference)?;
        attest_image(
            client,
            &image,
            digest,
            key,
            AttestationType::SlsaProvenance1.uri(),
            predicate(facts),
            Repeat::Identical,
            client.config().signing.format,
        )
        .await
    };
    let written = watch(progress, "provenance", attested.await)?;
    let location = written.first.outcome.location;
    progress.finished("provenance", &location, false);
    Ok(location)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ProvenancePolicy;
    use crate::policy::provenance::{judge, SLSA_PROVENANCE_V1};
    use crate::signing::payload::Statement;

    const BASE: &str = "sha256:2222222222222222222222222222222222222222222222222222222222222222";
    const DIGEST: &str = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

    fn facts() -> BuildFacts {
        BuildFacts {
            builder_id: "ci.example.com/vimes-build".into(),
            image: "app".into(),
            context: "app".into(),
            dockerfile: "Containerfile".into(),
            dockerfile_digest: format!("sha256:{}", "d".repeat(64)),
            build_arg_names: vec!["TOKEN".into()],
            target: Some("runtime".into()),
            platform: None,
            source: Some((
                "https://git.example.com/acme/app.git".into(),
                Some("abc".into()),
            )),
            images: vec![(format!("reg/base/debian:12@{BASE}"), Some(BASE.into()))],
            tool: ("buildah".into(), "e".repeat(64)),
            started_on: "2026-01-02T03:04:05Z".into(),
            finished_on: "2026-01-02T03:05:05Z".into(),
        }
    }

    #[test]
    fn provenance_predicate_has_slsa_v1_fields() {
        let p = predicate(&facts());
        let definition = &p["buildDefinition"];
        assert_eq!(definition["buildType"], BUILD_TYPE);
        assert_eq!(definition["externalParameters"]["image"], "app");
        assert_eq!(
            definition["externalParameters"]["dockerfile"]["digest"]["sha256"],
            "d".repeat(64)
        );
        assert_eq!(
            definition["externalParameters"]["buildArgs"],
            json!(["TOKEN"])
        );
        assert_eq!(definition["externalParameters"]["target"], "runtime");
        assert!(definition["externalParameters"].get("platform").is_none());
        let deps = definition["resolvedDependencies"].as_array().unwrap();
        assert_eq!(deps[0]["uri"], "git+https://git.example.com/acme/app.git");
        assert_eq!(deps[0]["digest"]["gitCommit"], "abc");
        assert_eq!(deps[1]["digest"]["sha256"], &BASE[7..]);
        assert_eq!(
            p["runDetails"]["builder"]["id"],
            "ci.example.com/vimes-build"
        );
        assert_eq!(
            p["runDetails"]["builder"]["version"]["vimes"],
            env!("CARGO_PKG_VERSION")
        );
        assert_eq!(
            p["runDetails"]["metadata"]["finishedOn"],
            "2026-01-02T03:05:05Z"
        );
    }

    #[test]
    fn provenance_predicate_passes_the_gate_that_reads_it() {
        let policy = ProvenancePolicy {
            required: true,
            builders: vec!["ci.example.com/vimes-build".into()],
            source_repositories: vec!["https://git.example.com/*".into()],
            trusted_keys: Vec::new(),
        };
        let statement = |facts: &BuildFacts| {
            serde_json::to_vec(&Statement::new(
                "reg/staging/app",
                DIGEST,
                SLSA_PROVENANCE_V1,
                predicate(facts),
            ))
            .unwrap()
        };
        judge(&statement(&facts()), DIGEST, &policy).unwrap();
        // A base named by tag alone is written without a digest, and refused.
        let mut unpinned = facts();
        unpinned.images = vec![("reg/base/debian:12".into(), None)];
        let e = judge(&statement(&unpinned), DIGEST, &policy)
            .unwrap_err()
            .to_string();
        assert!(e.contains("not pinned"), "{e}");
    }

    #[test]
    fn provenance_default_builder_id_names_vimes() {
        assert!(default_builder_id().starts_with("vimes build"));
    }
}
