//! The commented vimes.yaml that `vimes init` writes.

use super::model::RegistryType;

/// What `vimes init` asked for (or took from flags and defaults).
#[derive(Clone, Debug, PartialEq)]
pub struct InitAnswers {
    /// Staging registry `host[:port]`.
    pub staging_url: String,
    /// Staging project (path prefix; may be empty).
    pub staging_project: String,
    /// Production registry `host[:port]`.
    pub production_url: String,
    /// Production project (path prefix; may be empty).
    pub production_project: String,
    /// Type of both registries.
    pub registry_type: RegistryType,
    /// Both registries are plain HTTP.
    pub insecure: bool,
    /// Private signing key reference (path or `env://VAR`).
    pub signing_key: String,
    /// Public key trusted for verification.
    pub public_key: String,
    /// SHA-256 of the tool binaries found on this machine (`trivy`, `syft`,
    /// `builder`), written as their pins.
    pub tool_pins: std::collections::BTreeMap<String, String>,
}

impl InitAnswers {
    /// The defaults for everything but the staging URL, which has none.
    pub fn with_staging_url(staging_url: &str) -> Self {
        InitAnswers {
            staging_url: staging_url.to_string(),
            staging_project: "staging".into(),
            production_url: staging_url.to_string(),
            production_project: "production".into(),
            registry_type: RegistryType::Harbor,
            insecure: false,
            signing_key: "cosign.key".into(),
            public_key: "cosign.pub".into(),
            tool_pins: Default::default(),
        }
    }
}

/// The full commented file for `answers`.
pub fn render(answers: &InitAnswers) -> String {
    let kind = match answers.registry_type {
        RegistryType::Harbor => "harbor",
        RegistryType::Oci => "oci",
    };
    let insecure = if answers.insecure { "true" } else { "false" };
    let allowed = prefix(&answers.production_url, &answers.production_project);
    let staging_url = scalar(&answers.staging_url);
    let staging_project = scalar(&answers.staging_project);
    let production_url = scalar(&answers.production_url);
    let production_project = scalar(&answers.production_project);
    let signing_key = scalar(&answers.signing_key);
    let public_key = scalar(&answers.public_key);
    let allowed = scalar(&allowed);
    // Lines with a substituted value get their comment aligned with the rest.
    let type_line = aligned(
        &format!("    type: {kind}"),
        "harbor | oci (any OCI distribution registry)",
    );
    let insecure_line = aligned(
        &format!("    insecure: {insecure}"),
        "true: plain HTTP, for loopback test registries only",
    );
    let allowed_line = aligned(
        &format!("  allowed_registries: [{allowed}]"),
        "host[:port][/path] prefixes images may come from",
    );
    let key_line = aligned(&format!("  key: {signing_key}"), "a path, or env://VAR");
    let pin = |tool: &str| {
        answers
            .tool_pins
            .get(tool)
            .map(|sha| format!(", sha256: {sha}"))
            .unwrap_or_default()
    };
    let (trivy_pin, syft_pin) = (pin("trivy"), pin("syft"));
    let builder_pin = answers
        .tool_pins
        .get("builder")
        .map(|sha| format!("\n  builder_sha256: {sha}"))
        .unwrap_or_default();
    let public_line = aligned(
        &format!("  public_keys: [{public_key}]"),
        "keys `vimes verify` trusts",
    );
    format!(
        r##"# vimes.yaml: configuration of vimes, the container supply-chain gate.
# Written by `vimes init`. Check it with `vimes config show`; its JSON Schema
# is printed by `vimes config schema`.
#
# Values may use environment variables: ${{VAR}}, or ${{VAR:-default}} when
# VAR may be unset or empty; $$ is a literal $. They are replaced in the text
# before it is read, so quote a value that may contain ": " or "#".
# Secrets never go in this file: registries name the variables that hold them.

# Format version of this file; only 1 exists.
version: 1

# Registries, by name. url is host[:port] (no https://, no path); project is
# the path prefix under it (a Harbor project), and may be empty.
registries:
  staging:
    url: {staging_url}
    project: {staging_project}
{type_line}
{insecure_line}
    # Credentials: names of environment variables (set both or neither).
    # Without them, docker's config.json and credential helpers are used.
    # username_env: HARBOR_USER
    # password_env: HARBOR_PASSWORD
    # ca_file: certs/harbor-ca.pem   # extra CA to trust for this registry
  production:
    url: {production_url}
    project: {production_project}
    type: {kind}
    insecure: {insecure}
    immutable: true               # vimes never moves an existing tag here

# Promotion copies images by digest from one registry entry to the other.
# Short image names (REPO[:TAG]) are resolved under `from`.
promotion:
  from: staging
  to: production

# Images `vimes build` builds, by name (repository is the path under the project).
images: {{}}
#  payments-api:
#    repository: payments/api
#    context: services/payments      # build context directory
#    dockerfile: Dockerfile          # relative to the context

# Gates applied by scan, check, build and promote.
policy:
  block: [CRITICAL, HIGH]         # severities that block: UNKNOWN LOW MEDIUM HIGH CRITICAL
  ignore_unfixed: false           # true: do not block on findings without a fixed version
  # exceptions: security/exceptions.yaml     # signed vulnerability exceptions
  approvers: []                   # public keys whose signature makes exceptions count
{allowed_line}
  require_digest: true            # base images and manifests must be pinned by digest
  # max_base_age_days: 90         # refuse base images older than this
  # max_scan_age_days: 7          # `vimes status`: a production scan older than this is stale
  # vex: [security/web.openvex.json]   # OpenVEX that counts only when signed by an approver (FILE.sig)
  # vex_max_age_days: 30          # a VEX statement without vimes:expires lapses this long after its timestamp
  # vex_attestations: true        # also the image's openvex attestations signed by an approver key
  # check_exclude: [charts/*/templates/**]   # paths `vimes check` does not read (else unreadable files fail it)

# Signing (cosign-compatible). Create a key pair with `vimes key generate`;
# the private key's password is read from COSIGN_PASSWORD.
signing:
{key_line}
{public_line}
  # Attestation types every image must carry, signed (cosign's names): cyclonedx,
  # spdx, vuln, slsaprovenance (SLSA v0.2), slsaprovenance1 (SLSA v1), link,
  # openvex, custom, review, promotion.
  require_attestations: []
  # Storage of signatures: both writes each one as a cosign .sig/.att tag (what
  # Kyverno, policy-controller, podman and Harbor's enforcement read) and as a
  # Sigstore bundle referrer (cosign v3's default); see README for which to pick.
  format: both                    # legacy (cosign .sig/.att tags) | bundle (Sigstore bundle, referrers API) | both

# External programs (name on PATH or a path). `sha256` pins a binary: vimes
# refuses to run one with another hash (exit 3). `vimes init` writes the hashes
# of the binaries it finds; update a pin on purpose when you upgrade the tool.
tools:
  trivy: {{ path: trivy, timeout_secs: 600{trivy_pin} }}   # add `server: URL` for client/server mode
  syft: {{ path: syft, timeout_secs: 600{syft_pin} }}
  builder: auto                   # auto (buildah, podman, docker) | buildah | podman | docker{builder_pin}
  require_pinned: false           # true: refuse to run a tool without a sha256 pin

sbom:
  format: cyclonedx-json          # cyclonedx-json | spdx-json
  # inventory: sbom-inventory     # default: the user's data directory
  # inventory: postgres://vimes@db.example.com/vimes   # a shared PostgreSQL inventory (TLS, verify-full)
  # password_env: PGPASSWORD      # the variable holding its password (never in the URL)
  # ca_file: certs/db-ca.pem      # extra CA to trust for its certificate
"##
    )
}

/// `line` with `# comment` at the column the template's comments use.
fn aligned(line: &str, comment: &str) -> String {
    format!("{line:<33} # {comment}")
}

/// `host[/project]` of a registry entry.
fn prefix(url: &str, project: &str) -> String {
    if project.is_empty() {
        url.to_string()
    } else {
        format!("{url}/{project}")
    }
}

/// `s` as a YAML scalar: plain when that reads back as the same string,
/// double-quoted (JSON syntax, which YAML accepts) otherwise.
fn scalar(s: &str) -> String {
    let plain_chars = s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/' | ':'));
    let first_ok = s
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '/'));
    // Words YAML would read as something else than a string.
    let special = matches!(
        s.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | "~"
    ) || s.parse::<f64>().is_ok()
        || s.contains("://");
    if plain_chars && first_ok && !special && !s.ends_with(':') {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::super::load::load_str;
    use super::*;
    use crate::config::SignatureFormat;

    fn no_env(_: &str) -> Result<Option<String>, ()> {
        Ok(None)
    }

    #[test]
    fn the_default_template_loads_with_the_answers() {
        let answers = InitAnswers::with_staging_url("localhost:5000");
        let text = render(&answers);
        let config = load_str(&text, "vimes.yaml", &no_env).unwrap();
        let staging = &config.registries["staging"];
        assert_eq!(staging.url, "localhost:5000");
        assert_eq!(staging.project, "staging");
        assert!(!staging.insecure);
        assert!(config.registries["production"].immutable);
        assert_eq!(config.route().map(|r| r.to_name), Some("production"));
        assert_eq!(config.signing.key.as_deref(), Some("cosign.key"));
        assert_eq!(config.signing.public_keys, ["cosign.pub"]);
        assert_eq!(
            config.policy.allowed_registries,
            ["localhost:5000/production"]
        );
        assert_eq!(config.tools.trivy.timeout_secs, 600);
        assert_eq!(config.tools.trivy.sha256, None);
        assert!(!config.tools.require_pinned);
        // Both layouts: verifiers that read only one of them all find it.
        assert_eq!(config.signing.format, SignatureFormat::Both);
    }

    #[test]
    fn an_unknown_signature_format_is_refused_naming_the_choices() {
        let answers = InitAnswers::with_staging_url("localhost:5000");
        let text = render(&answers).replace("format: both", "format: bundles");
        let err = load_str(&text, "vimes.yaml", &no_env).unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("legacy") && message.contains("both"),
            "{message}"
        );
    }

    #[test]
    fn found_tools_are_written_as_pins() {
        let mut answers = InitAnswers::with_staging_url("localhost:5000");
        for (tool, fill) in [("trivy", "a"), ("syft", "b"), ("builder", "c")] {
            answers.tool_pins.insert(tool.into(), fill.repeat(64));
        }
        let config = load_str(&render(&answers), "vimes.yaml", &no_env).unwrap();
        assert_eq!(config.tools.trivy.sha256, Some("a".repeat(64)));
        assert_eq!(config.tools.syft.sha256, Some("b".repeat(64)));
        assert_eq!(config.tools.builder_sha256, Some("c".repeat(64)));
    }

    #[test]
    fn unusual_answers_are_quoted() {
        let answers = InitAnswers {
            staging_url: "harbor.example.com".into(),
            staging_project: "2024".into(),
            production_url: "prod.example.com:8443".into(),
            production_project: String::new(),
            registry_type: RegistryType::Oci,
            insecure: true,
            signing_key: "keys/my key #1.key".into(),
            public_key: "env://PUB".into(),
            tool_pins: Default::default(),
        };
        let config = load_str(&render(&answers), "vimes.yaml", &no_env).unwrap();
        assert_eq!(config.registries["staging"].project, "2024");
        assert_eq!(config.registries["production"].project, "");
        assert_eq!(config.registries["production"].kind, RegistryType::Oci);
        assert!(config.registries["production"].insecure);
        assert_eq!(config.signing.key.as_deref(), Some("keys/my key #1.key"));
        assert_eq!(config.signing.public_keys, ["env://PUB"]);
        assert_eq!(config.policy.allowed_registries, ["prod.example.com:8443"]);
    }
}
