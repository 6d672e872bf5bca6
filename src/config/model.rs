//! The typed shape of `vimes.yaml`. Keys here are the contract of design.md;
//! unknown keys are rejected so that a typo never silently disables a gate.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The whole `vimes.yaml`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Format version of the file; only 1 exists.
    pub version: u32,
    /// Named registries (e.g. `staging`, `production`).
    #[serde(default)]
    pub registries: BTreeMap<String, RegistryConfig>,
    /// Where promotion takes images from and to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promotion: Option<PromotionConfig>,
    /// Images vimes builds.
    #[serde(default)]
    pub images: BTreeMap<String, ImageConfig>,
    /// Gates applied by scan, check, build and promote.
    #[serde(default)]
    pub policy: PolicyConfig,
    /// Signing keys and attestation requirements.
    #[serde(default)]
    pub signing: SigningConfig,
    /// External programs vimes runs.
    #[serde(default)]
    pub tools: ToolsConfig,
    /// SBOM settings.
    #[serde(default)]
    pub sbom: SbomConfig,
    /// `vimes build` settings.
    #[serde(default)]
    pub build: BuildConfig,
}

/// `build:`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BuildConfig {
    /// The SLSA builder id written into provenance (e.g. the CI system's
    /// id); default: `vimes build` and the host name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub builder_id: Option<String>,
}

/// `policy.provenance:`: what promotion requires of an image's SLSA
/// provenance. Off by default, so that configurations written before it
/// keep working.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ProvenancePolicy {
    /// Promotion refuses an image without valid provenance.
    #[serde(default)]
    pub required: bool,
    /// Builder ids allowed (empty: any).
    #[serde(default)]
    pub builders: Vec<String>,
    /// Source repository URL globs allowed (`*` matches any run of
    /// characters; empty: any source, or none).
    #[serde(default)]
    pub source_repositories: Vec<String>,
    /// Public keys trusted to sign provenance (empty: `signing.public_keys`).
    #[serde(default)]
    pub trusted_keys: Vec<String>,
}

/// The kind of server behind a registry entry.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum RegistryType {
    /// A Harbor instance (its REST API is used where /v2 is not enough).
    #[default]
    Harbor,
    /// Any OCI distribution registry.
    Oci,
}

/// One registry entry of `registries:`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RegistryConfig {
    /// `host[:port]`, no scheme and no path.
    pub url: String,
    /// Path prefix under the host (a Harbor project); may be empty.
    #[serde(default)]
    pub project: String,
    /// Harbor or plain OCI.
    #[serde(default, rename = "type")]
    pub kind: RegistryType,
    /// Plain HTTP (loopback test registries only).
    #[serde(default)]
    pub insecure: bool,
    /// Name of the environment variable holding the user name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username_env: Option<String>,
    /// Name of the environment variable holding the password or token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_env: Option<String>,
    /// PEM file of an extra CA to trust for this registry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<String>,
    /// vimes never moves an existing tag in this registry.
    #[serde(default)]
    pub immutable: bool,
    /// Hosts (`host[:port]`) besides the registry's own that its token realm
    /// may name: credentials go to a realm only on one of these or on the
    /// registry's host (e.g. `auth.docker.io` for Docker Hub).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub token_hosts: Vec<String>,
}

/// `promotion:`: registry names, both must exist under `registries:`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PromotionConfig {
    /// The registry promotion reads from (short image names resolve here).
    pub from: String,
    /// The registry promotion writes to.
    pub to: String,
}

/// One image of `images:`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ImageConfig {
    /// Path under the registry project.
    pub repository: String,
    /// Build context directory.
    #[serde(default = "default_context")]
    pub context: String,
    /// Dockerfile path relative to the context.
    #[serde(default = "default_dockerfile")]
    pub dockerfile: String,
}

fn default_context() -> String {
    ".".into()
}
fn default_dockerfile() -> String {
    "Dockerfile".into()
}

/// `policy:`.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PolicyConfig {
    /// Severities that block promotion.
    #[serde(default = "default_block")]
    pub block: Vec<Severity>,
    /// Do not block on findings without a fixed version.
    #[serde(default)]
    pub ignore_unfixed: bool,
    /// Path of the signed exceptions file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exceptions: Option<String>,
    /// Public keys whose signature makes the exceptions file count.
    #[serde(default)]
    pub approvers: Vec<String>,
    /// `host[/path]` prefixes images may come from.
    #[serde(default)]
    pub allowed_registries: Vec<String>,
    /// Image references must be pinned by digest.
    #[serde(default = "default_true")]
    pub require_digest: bool,
    /// Base images older than this many days are refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_base_age_days: Option<u32>,
    /// `vimes status` calls a production image's scan stale when its newest
    /// signed vulnerability attestation is older than this many days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_scan_age_days: Option<u32>,
    /// OpenVEX documents whose statements may suppress findings, each only
    /// when signed by a `policy.approvers` key (`FILE.sig`).
    #[serde(default)]
    pub vex: Vec<String>,
    /// A VEX statement without its own `vimes:expires` lapses this many days
    /// after its timestamp; unset, such a statement suppresses nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vex_max_age_days: Option<u32>,
    /// Also read the image's `openvex` attestations: they count like the
    /// files of `vex` when an approver key signed them.
    #[serde(default)]
    pub vex_attestations: bool,
    /// Paths `vimes check` does not read (globs: `*`, `?`, `**`), matched
    /// against the path as the check prints it. Anything else it cannot read
    /// fails the check.
    #[serde(default)]
    pub check_exclude: Vec<String>,
    /// What promotion requires of SLSA provenance.
    #[serde(default)]
    pub provenance: ProvenancePolicy,
}

impl Default for PolicyConfig {
    fn default() -> Self {
        PolicyConfig {
            block: default_block(),
            ignore_unfixed: false,
            exceptions: None,
            approvers: Vec::new(),
            allowed_registries: Vec::new(),
            require_digest: true,
            max_base_age_days: None,
            max_scan_age_days: None,
            vex: Vec::new(),
            vex_max_age_days: None,
            vex_attestations: false,
            check_exclude: Vec::new(),
            provenance: ProvenancePolicy::default(),
        }
    }
}

fn default_block() -> Vec<Severity> {
    vec![Severity::Critical, Severity::High]
}
fn default_true() -> bool {
    true
}

/// Vulnerability severities as Trivy names them.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "UPPERCASE")]
pub enum Severity {
    /// Severity not known.
    Unknown,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

/// `signing:`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SigningConfig {
    /// Private key: a path, `env://VAR` (password from `COSIGN_PASSWORD`), or a
    /// `pkcs11:` URI (PIN from `COSIGN_PKCS11_PIN`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Public keys trusted by `verify`.
    #[serde(default)]
    pub public_keys: Vec<String>,
    /// Attestation types that must be present and signed.
    #[serde(default)]
    pub require_attestations: Vec<String>,
    /// Signature storage format.
    #[serde(default)]
    pub format: SignatureFormat,
}

/// How signatures are stored in the registry.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SignatureFormat {
    /// cosign's `sha256-<hex>.sig` tag scheme.
    #[default]
    Legacy,
    /// Sigstore bundle v0.3 through the referrers API.
    Bundle,
    /// Both at once: every signature and attestation is written in the
    /// legacy layout and as a bundle, for verifiers that read only one.
    Both,
}

/// `tools:`.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ToolsConfig {
    /// Trivy settings.
    #[serde(default = "default_trivy")]
    pub trivy: TrivyConfig,
    /// Syft settings.
    #[serde(default = "default_syft")]
    pub syft: ToolConfig,
    /// Which image builder to run.
    #[serde(default)]
    pub builder: Builder,
    /// SHA-256 the chosen builder's binary must have.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub builder_sha256: Option<String>,
    /// Refuse to run a tool whose binary has no pinned SHA-256.
    #[serde(default)]
    pub require_pinned: bool,
    /// PKCS#11 settings (token keys).
    #[serde(default)]
    pub pkcs11: Pkcs11Config,
}

/// `tools.pkcs11:`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Pkcs11Config {
    /// The PKCS#11 library a `pkcs11:` key URI without `module-path` uses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
}

impl Default for ToolsConfig {
    fn default() -> Self {
        ToolsConfig {
            trivy: default_trivy(),
            syft: default_syft(),
            builder: Builder::Auto,
            builder_sha256: None,
            require_pinned: false,
            pkcs11: Pkcs11Config::default(),
        }
    }
}

fn default_trivy() -> TrivyConfig {
    TrivyConfig {
        path: "trivy".into(),
        server: None,
        token_env: None,
        timeout_secs: 600,
        db_repository: None,
        skip_db_update: false,
        offline: false,
        engine: ScanEngine::Local,
        sha256: None,
    }
}
fn default_syft() -> ToolConfig {
    ToolConfig {
        path: "syft".into(),
        server: None,
        timeout_secs: 600,
        sha256: None,
    }
}

/// Trivy's settings.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TrivyConfig {
    /// Program path or name looked up on PATH.
    pub path: String,
    /// Trivy server URL (client/server mode), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    /// Environment variable holding the server token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_env: Option<String>,
    /// Seconds before Trivy is killed.
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
    /// OCI repository to fetch the vulnerability DB from (a mirror).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub db_repository: Option<String>,
    /// Never download the vulnerability DB (use the one in Trivy's cache).
    #[serde(default)]
    pub skip_db_update: bool,
    /// No network requests to identify dependencies (`--offline-scan`).
    #[serde(default)]
    pub offline: bool,
    /// Where scans run: locally, or through Harbor's scanner.
    #[serde(default)]
    pub engine: ScanEngine,
    /// SHA-256 the binary must have (a scanner release channel can be compromised).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

/// Where vulnerability scans run.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ScanEngine {
    /// Trivy on this machine.
    #[default]
    Local,
    /// Harbor's scanner (for `type: harbor` registries).
    Harbor,
}

/// Settings of one external program.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ToolConfig {
    /// Program path or name looked up on PATH.
    pub path: String,
    /// Server URL for client/server mode, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    /// Seconds before the program is killed.
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
    /// SHA-256 the binary must have.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

fn default_timeout() -> u64 {
    600
}

/// The image builder to use.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Builder {
    /// buildah, then podman, then docker.
    #[default]
    Auto,
    /// buildah.
    Buildah,
    /// podman.
    Podman,
    /// docker.
    Docker,
}

/// `sbom:`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SbomConfig {
    /// SBOM format Syft writes.
    #[serde(default)]
    pub format: SbomFormat,
    /// Inventory: an SQLite file path (default: the user's data dir) or a
    /// `postgres://USER@HOST[:PORT]/DB[?sslmode=verify-full|disable]` URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inventory: Option<String>,
    /// Environment variable holding the PostgreSQL password (default
    /// `PGPASSWORD`): a password never belongs in the URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_env: Option<String>,
    /// PEM file of an extra CA to trust for the PostgreSQL server's certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<String>,
}

/// The variable `sbom.password_env` names when it is not set (libpq's own).
pub const DEFAULT_INVENTORY_PASSWORD_ENV: &str = "PGPASSWORD";

/// SBOM document formats.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
pub enum SbomFormat {
    /// CycloneDX JSON.
    #[default]
    #[serde(rename = "cyclonedx-json")]
    CyclonedxJson,
    /// SPDX 2.3 JSON.
    #[serde(rename = "spdx-json")]
    SpdxJson,
}

/// The attestation type names `signing.require_attestations` (and `vimes
/// attest --type`, `vimes verify --require-attestation`) accept, aliases
/// included: cosign's names plus vimes' own. `signing::AttestationType` maps
/// each to its predicate URI; a test there holds the two lists together.
pub const ATTESTATION_TYPES: &[&str] = &[
    "cyclonedx",
    "spdx",
    "spdxjson",
    "vuln",
    "slsaprovenance",
    "slsaprovenance02",
    "slsaprovenance1",
    "link",
    "openvex",
    "custom",
    "review",
    "promotion",
    "vsa",
];
