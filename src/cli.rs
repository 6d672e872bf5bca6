//! Command-line definitions (clap derive). Parsing only: no behaviour here.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Container supply-chain gate: scan, sign, SBOM and promote images by digest.
#[derive(Debug, Parser)]
#[command(name = "vimes", version, about, propagate_version = true)]
pub struct Cli {
    /// Options shared by every command.
    #[command(flatten)]
    pub global: GlobalArgs,

    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Flags accepted by every command.
#[derive(Debug, Args, Clone)]
pub struct GlobalArgs {
    /// vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Format of what is printed on stdout.
    #[arg(long = "output", global = true, value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,

    /// Print only results and errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// More logging on stderr (repeat for more).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// No colours (also when NO_COLOR is set).
    #[arg(long, global = true)]
    pub no_color: bool,

    /// Answer yes to confirmations; never prompt.
    #[arg(long, global = true)]
    pub yes: bool,
}

pub use crate::ui::OutputFormat;

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a commented vimes.yaml (prompts on a TTY; flags otherwise).
    #[command(after_help = "Examples:
  vimes init                                   # asks on a terminal
  vimes init --staging-url harbor.example.com --staging-project staging \\
             --production-project production   # scripts: every answer as a flag
  vimes init --force --registry-type oci --insecure --staging-url 127.0.0.1:5000")]
    Init(InitArgs),
    /// Inspect the configuration.
    #[command(
        subcommand,
        after_help = "Examples:
  vimes config show                    # the resolved vimes.yaml, secrets redacted
  vimes --output json config show | jq .registries
  vimes config schema > vimes.schema.json"
    )]
    Config(ConfigCommand),
    /// Copy an image by digest, with its cosign signatures and attestations.
    #[command(after_help = COPY_EXAMPLES)]
    Copy(CopyArgs),
    /// Manage cosign-compatible signing keys.
    #[command(
        subcommand,
        after_help = "Examples:
  COSIGN_PASSWORD=... vimes key generate          # cosign.key (0600) + cosign.pub
  vimes key generate --output-prefix security/team"
    )]
    Key(KeyCommand),
    /// Sign an image digest in cosign's format.
    #[command(after_help = SIGN_EXAMPLES)]
    Sign(SignArgs),
    /// Attach a signed in-toto attestation to an image digest.
    #[command(after_help = ATTEST_EXAMPLES)]
    Attest(AttestArgs),
    /// Verify an image's signatures and required attestations.
    #[command(after_help = VERIFY_EXAMPLES)]
    Verify(VerifyArgs),
    /// Promote an image: scan, review, copy by digest, sign, attest, verify, then tag.
    #[command(after_help = PROMOTE_EXAMPLES)]
    Promote(PromoteArgs),
    /// Scan an image with Trivy and apply the vulnerability gate.
    #[command(after_help = SCAN_EXAMPLES)]
    Scan(ScanArgs),
    /// Record a human review of an image's findings (TTY prompt, or --yes).
    #[command(after_help = "Examples:
  vimes review payments/api:1.4                   # shows the findings, asks approve/reject
  vimes --yes review --reviewer me@example.com payments/api:1.4
  vimes review --reject payments/api:1.4")]
    Review(ReviewArgs),
    /// Manage signed vulnerability exceptions.
    #[command(
        subcommand,
        after_help = "Examples:
  vimes exceptions add --id CVE-2024-1234 --reason \"not reachable\" --expires 2027-01-31 \\
        --approved-by sec@example.com --image 'payments/*'
  vimes exceptions sign --key security-team.key
  vimes exceptions verify && vimes exceptions list
  vimes exceptions export --format harbor -o allowlist.json"
    )]
    Exceptions(ExceptionsCommand),
    /// Print shell completions (bash, zsh, fish, powershell, elvish).
    #[command(after_help = "Examples:
  vimes completions bash > /etc/bash_completion.d/vimes
  vimes completions zsh > \"${fpath[1]}/_vimes\"
  vimes completions fish > ~/.config/fish/completions/vimes.fish")]
    Completions(CompletionsArgs),
    /// Write man pages for vimes and every subcommand into a directory.
    #[command(hide = true)]
    GenerateMan(GenerateManArgs),
    /// Print the admission policy that makes a cluster enforce vimes.yaml's keys and attestations.
    #[command(
        subcommand,
        after_help = "Examples:
  vimes admission kyverno | kubectl apply -f -
  vimes admission policy-controller > cluster-image-policy.yaml"
    )]
    Admission(AdmissionCommand),
    /// Make an SBOM with Syft (optionally attached as a signed attestation); `sbom index` and
    /// `sbom query` keep and search the local inventory.
    #[command(
        args_conflicts_with_subcommands = true,
        subcommand_negates_reqs = true,
        after_help = SBOM_EXAMPLES
    )]
    Sbom(SbomArgs),
    /// Configure Harbor projects from vimes.yaml (immutability, auto-scan, prevent_vul, cosign).
    #[command(
        subcommand,
        after_help = "Examples:
  vimes harbor status                  # desired vs actual per setting; exit 1 on drift
  vimes harbor setup                   # make Harbor match vimes.yaml (a second run changes nothing)
  vimes harbor setup --robot ci --robot-secret-file ci-robot.secret"
    )]
    Harbor(HarborCommand),
    /// Check the image references in Dockerfiles, Kubernetes manifests and compose files
    /// against the policy (default: the files git tracks).
    #[command(after_help = CHECK_EXAMPLES)]
    Check(CheckArgs),
    /// Manage the git hook that runs `vimes check` before every push.
    #[command(subcommand, after_help = HOOK_EXAMPLES)]
    Hook(HookCommand),
    /// Check base images, build the images of vimes.yaml, push them to staging by digest.
    #[command(after_help = BUILD_EXAMPLES)]
    Build(BuildArgs),
}

const PROMOTE_EXAMPLES: &str = "Examples:
  vimes promote payments/api:1.4              # staging -> production, same tag
  vimes --yes promote payments/api:1.4        # in CI: review recorded as non-interactive
  vimes promote --tag 2026.11 payments/api@sha256:...
  vimes promote --dry-run payments/api:1.4    # resolve + scan only, write nothing";

const SCAN_EXAMPLES: &str = "Examples:
  vimes scan payments/api:1.4                 # short name under promotion.from
  vimes --output sarif scan IMAGE > trivy.sarif
  vimes --output json scan IMAGE | jq '.verdict.passed'
  vimes scan --no-cache IMAGE                 # run Trivy even if a cached report exists

  # re-scan a production image and, if it still passes, attach a fresh signed
  # vuln attestation (admission policies require a recent scanFinishedOn)
  vimes scan --no-cache --attach harbor.example.com/production/api:1.4";

const SIGN_EXAMPLES: &str = "Examples:
  # sign with the key from vimes.yaml (password from COSIGN_PASSWORD)
  vimes sign harbor.example.com/production/api:1.4

  # another key, with annotations in the payload
  vimes sign --key env://SIGNING_KEY -a build=1234 -a team=payments api:1.4";

const ATTEST_EXAMPLES: &str = "Examples:
  vimes attest --type cyclonedx --predicate sbom.cdx.json api:1.4
  vimes attest --type custom --predicate review.json harbor.example.com/production/api@sha256:...";

const VERIFY_EXAMPLES: &str = "Examples:
  # keys and required attestations from vimes.yaml
  vimes verify harbor.example.com/production/api:1.4

  # any of several keys; a signature must carry the annotation
  vimes verify --key team-a.pub --key team-b.pub -a build=1234 api@sha256:...

  # in a script
  vimes --output json verify IMAGE | jq .verified";

const COPY_EXAMPLES: &str =
    "Into production (promotion.to) the copy is made untagged, verified there
with signing.public_keys and signing.require_attestations, and tagged only if
that passes (exit 1 otherwise): production images come from `vimes promote`.

Examples:
  # mirror a tagged image to another registry, signatures included
  vimes copy harbor.example.com/staging/api:1.4 mirror.example.com/staging/api:1.4

  # re-tag a promoted image in production (it verifies there, so it is tagged)
  vimes copy harbor.example.com/production/api@sha256:... harbor.example.com/production/api:stable

  # copy by digest only (no tag at the destination)
  vimes copy staging/api@sha256:... registry.example.com/mirror/api

  # script-friendly
  vimes --output json copy SRC DST | jq -r .destination";

/// `vimes init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// File to write.
    #[arg(long, default_value = "vimes.yaml", value_name = "FILE")]
    pub path: PathBuf,
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
    /// Staging registry `host[:port]`.
    #[arg(long, value_name = "HOST")]
    pub staging_url: Option<String>,
    /// Staging project (path prefix).
    #[arg(long, value_name = "NAME")]
    pub staging_project: Option<String>,
    /// Production registry `host[:port]` (default: the staging host).
    #[arg(long, value_name = "HOST")]
    pub production_url: Option<String>,
    /// Production project (path prefix).
    #[arg(long, value_name = "NAME")]
    pub production_project: Option<String>,
    /// Registry type of both registries.
    #[arg(long = "registry-type", value_enum, value_name = "TYPE")]
    pub registry_type: Option<RegistryTypeArg>,
    /// Mark both registries as plain HTTP (loopback test registries).
    #[arg(long)]
    pub insecure: bool,
    /// Private signing key reference.
    #[arg(long, value_name = "KEY")]
    pub signing_key: Option<String>,
    /// Public key trusted for verification.
    #[arg(long, value_name = "PUB")]
    pub public_key: Option<String>,
}

/// Registry type as a flag value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RegistryTypeArg {
    /// Harbor.
    Harbor,
    /// Any OCI distribution registry.
    Oci,
}

/// `vimes config ...`.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the JSON Schema of vimes.yaml.
    Schema,
    /// Print the resolved configuration, secrets redacted.
    Show,
}

/// `vimes copy SRC DST`.
#[derive(Debug, Args)]
pub struct CopyArgs {
    /// Source image (`host[:port]/path[:tag][@sha256:...]`, or `REPO[:TAG]` under promotion.from).
    pub source: String,
    /// Destination (`host[:port]/path[:tag]`); without a tag, the source tag is used if any.
    pub destination: String,
    /// Do not carry cosign `.sig`/`.att`/`.sbom` tags along.
    #[arg(long)]
    pub no_signatures: bool,
    /// Layers transferred at once between registries.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=32))]
    pub jobs: u16,
    /// Move a destination tag that already points to another digest (never on an `immutable: true` registry).
    #[arg(long)]
    pub force: bool,
}

/// `vimes key ...`.
#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Generate an encrypted P-256 key pair (NAME.key, mode 0600, and NAME.pub).
    Generate(KeyGenerateArgs),
}

/// `vimes key generate`.
#[derive(Debug, Args)]
pub struct KeyGenerateArgs {
    /// File name prefix of the key pair.
    #[arg(long, default_value = "cosign", value_name = "NAME")]
    pub output_prefix: String,
    /// Overwrite existing files.
    #[arg(long)]
    pub force: bool,
    /// Allow an empty password (the key is then effectively unencrypted).
    #[arg(long)]
    pub allow_empty_password: bool,
}

/// `vimes sign IMAGE`.
#[derive(Debug, Args)]
pub struct SignArgs {
    /// Image to sign (resolved to its digest first).
    pub image: String,
    /// Private key (path or env://VAR); default: signing.key.
    #[arg(long, value_name = "KEY")]
    pub key: Option<String>,
    /// Annotation put into the signed payload (repeatable).
    #[arg(short = 'a', long = "annotation", value_name = "KEY=VALUE")]
    pub annotations: Vec<String>,
}

/// `vimes attest IMAGE`.
#[derive(Debug, Args)]
pub struct AttestArgs {
    /// Image to attest (resolved to its digest first).
    pub image: String,
    /// The predicate document (JSON).
    #[arg(long, value_name = "FILE")]
    pub predicate: PathBuf,
    /// Predicate type, as cosign names it: cyclonedx, spdx, spdxjson, vuln, slsaprovenance
    /// (SLSA v0.2), slsaprovenance02, slsaprovenance1 (SLSA v1), link, openvex, custom.
    #[arg(long = "type", value_name = "TYPE", default_value = "custom")]
    pub predicate_type: String,
    /// Private key (path or env://VAR); default: signing.key.
    #[arg(long, value_name = "KEY")]
    pub key: Option<String>,
}

/// `vimes verify IMAGE`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Image to verify.
    pub image: String,
    /// Trusted public key (repeatable); default: signing.public_keys.
    #[arg(long, value_name = "PUB")]
    pub key: Vec<String>,
    /// Annotation a signature must carry (repeatable).
    #[arg(short = 'a', long = "annotation", value_name = "KEY=VALUE")]
    pub annotations: Vec<String>,
    /// Attestation type that must be present, in addition to signing.require_attestations.
    #[arg(long = "require-attestation", value_name = "TYPE")]
    pub require_attestations: Vec<String>,
}

/// `vimes admission ...`.
#[derive(Debug, Subcommand)]
pub enum AdmissionCommand {
    /// Kyverno ClusterPolicy (kyverno.io/v1).
    Kyverno(KyvernoArgs),
    /// sigstore policy-controller ClusterImagePolicy (policy.sigstore.dev/v1beta1).
    PolicyController,
}

/// `vimes admission kyverno`.
#[derive(Debug, Args)]
pub struct KyvernoArgs {
    /// The Kyverno release the cluster runs (1.11 or later): only fields its CRD defines are written.
    #[arg(long, value_name = "VERSION", default_value = "1.13")]
    pub kyverno_version: String,
}

/// `vimes scan IMAGE`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Image to scan (resolved to its digest first).
    pub image: String,
    /// Run Trivy even when a report for this digest, Trivy version and DB is cached.
    #[arg(long)]
    pub no_cache: bool,
    /// When the scan passes, sign the result and attach it as a cosign vuln
    /// attestation (a blocked image gets none).
    #[arg(long)]
    pub attach: bool,
    /// Private key for --attach (path or env://VAR); default: signing.key.
    #[arg(long, value_name = "KEY", requires = "attach")]
    pub key: Option<String>,
}

/// `vimes exceptions ...`.
#[derive(Debug, Subcommand)]
pub enum ExceptionsCommand {
    /// Add an exception (the file must then be signed again).
    Add(ExceptionAddArgs),
    /// Sign the exceptions file with an approver's key (writes FILE.sig).
    Sign(ExceptionSignArgs),
    /// Check the file's signature against policy.approvers (exit 1 if it does not count).
    Verify(ExceptionFileArgs),
    /// List the exceptions and whether each is in force.
    List(ExceptionFileArgs),
    /// Export the approved, unexpired exceptions for other tools.
    Export(ExceptionExportArgs),
}

/// Which exceptions file (default: policy.exceptions).
#[derive(Debug, Args)]
pub struct ExceptionFileArgs {
    /// The exceptions file.
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
}

/// `vimes exceptions add`.
#[derive(Debug, Args)]
pub struct ExceptionAddArgs {
    #[command(flatten)]
    pub file: ExceptionFileArgs,
    /// CVE or GHSA id.
    #[arg(long)]
    pub id: String,
    /// Why the risk is accepted.
    #[arg(long)]
    pub reason: String,
    /// Last valid day, YYYY-MM-DD (UTC).
    #[arg(long)]
    pub expires: String,
    /// Who approved it.
    #[arg(long)]
    pub approved_by: String,
    /// Repository glob it is limited to (repeatable).
    #[arg(long = "image", value_name = "GLOB")]
    pub images: Vec<String>,
    /// Package it is limited to (repeatable).
    #[arg(long = "package", value_name = "NAME")]
    pub packages: Vec<String>,
}

/// `vimes exceptions sign`.
#[derive(Debug, Args)]
pub struct ExceptionSignArgs {
    #[command(flatten)]
    pub file: ExceptionFileArgs,
    /// The approver's private key (path or env://VAR); password from COSIGN_PASSWORD.
    #[arg(long, value_name = "KEY")]
    pub key: String,
}

/// `vimes exceptions export`.
#[derive(Debug, Args)]
pub struct ExceptionExportArgs {
    #[command(flatten)]
    pub file: ExceptionFileArgs,
    /// Target format.
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// Make the export for this image only (REPO, or REPO@sha256:... for openvex).
    #[arg(long, value_name = "IMAGE")]
    pub image: Option<String>,
    /// Write here instead of stdout.
    #[arg(short = 'o', long = "output-file", value_name = "FILE")]
    pub output_file: Option<PathBuf>,
}

/// Export formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// Trivy's .trivyignore.yaml.
    Trivyignore,
    /// An OpenVEX v0.2.0 document.
    Openvex,
    /// Harbor's CVE allowlist JSON.
    Harbor,
}

/// `vimes review IMAGE`.
#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// Image to review (resolved to its digest first).
    pub image: String,
    /// Who is reviewing (default: git user.email, else $USER).
    #[arg(long)]
    pub reviewer: Option<String>,
    /// Record a rejection (non-interactive).
    #[arg(long)]
    pub reject: bool,
    /// Also write the record to this file.
    #[arg(short = 'o', long = "output-file", value_name = "FILE")]
    pub output_file: Option<PathBuf>,
}

const SBOM_EXAMPLES: &str = "Examples:
  # SBOM of an image to a file (format from sbom.format, else CycloneDX)
  vimes sbom -o api.cdx.json harbor.example.com/staging/api:1.4

  # SPDX, signed and attached as an attestation, and added to the inventory
  vimes sbom --format spdx-json --attach api:1.4

  # index SBOM files, an image's signed SBOM attestation, or a whole repository
  vimes sbom index sboms/ api.cdx.json harbor.example.com/production/api:1.4
  vimes sbom index --repository harbor.example.com/production/api

  # which images contain a package, a version range, an advisory?
  vimes sbom query --package openssl --version '>=3.0.0, <3.0.13-1~deb12u1'
  vimes sbom query --purl pkg:pypi/requests@2.28.1
  vimes sbom query --advisory CVE-2023-32681.osv.json --fail-if-found";

/// `vimes sbom ...`.
#[derive(Debug, Args)]
pub struct SbomArgs {
    /// `index` or `query`; without one, make the SBOM of IMAGE.
    #[command(subcommand)]
    pub command: Option<SbomCommand>,
    /// Making an SBOM.
    #[command(flatten)]
    pub generate: SbomGenerateArgs,
}

/// `vimes sbom IMAGE`.
#[derive(Debug, Args)]
pub struct SbomGenerateArgs {
    /// Image to describe (resolved to its digest first).
    #[arg(required = true)]
    pub image: Option<String>,
    /// SBOM format (default: sbom.format).
    #[arg(long, value_enum)]
    pub format: Option<SbomFormatArg>,
    /// Write the SBOM to FILE instead of stdout.
    #[arg(short = 'o', long = "output-file", value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Sign the SBOM, attach it to the image as an attestation and add it to the inventory.
    #[arg(long)]
    pub attach: bool,
    /// Private key for --attach (path or env://VAR); default: signing.key.
    #[arg(long, value_name = "KEY", requires = "attach")]
    pub key: Option<String>,
}

/// SBOM formats as flag values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SbomFormatArg {
    /// CycloneDX JSON.
    CyclonedxJson,
    /// SPDX 2.3 JSON.
    SpdxJson,
}

/// `vimes sbom index|query`.
#[derive(Debug, Subcommand)]
pub enum SbomCommand {
    /// Add SBOMs to the inventory: files, directories of *.json files, images (their signed
    /// SBOM attestation), or every tagged image of a repository.
    Index(SbomIndexArgs),
    /// Find the images that contain a package, a package version range or an OSV advisory.
    // `--version` is the package's version range here, not vimes' own version.
    #[command(disable_version_flag = true)]
    Query(SbomQueryArgs),
}

/// `vimes sbom index`.
#[derive(Debug, Args)]
pub struct SbomIndexArgs {
    /// SBOM files, directories of SBOM files, or images.
    #[arg(value_name = "FILE|DIR|IMAGE")]
    pub targets: Vec<String>,
    /// Index every tagged image of this repository (repeatable).
    #[arg(long, value_name = "REPO")]
    pub repository: Vec<String>,
    /// The image a single SBOM file describes (default: what the SBOM records).
    #[arg(long, value_name = "IMAGE")]
    pub image: Option<String>,
    /// Trusted public key for attestations (repeatable); default: signing.public_keys.
    #[arg(long, value_name = "PUB")]
    pub key: Vec<String>,
    /// Delete the inventory and start an empty one first.
    #[arg(long)]
    pub rebuild: bool,
}

/// `vimes sbom query`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["package", "purl", "advisory"])))]
pub struct SbomQueryArgs {
    /// Package name (binary or source package; PyPI names in any spelling).
    #[arg(long, value_name = "NAME")]
    pub package: Option<String>,
    /// Version range of --package: comparators joined by commas, e.g. '>=1.2.3, <2.0'.
    #[arg(long, value_name = "RANGE", requires = "package")]
    pub version: Option<String>,
    /// Only packages of this PURL type (deb, pypi, npm, cargo, golang, ...).
    #[arg(long = "type", value_name = "TYPE", requires = "package")]
    pub package_type: Option<String>,
    /// Package URL, with or without version and qualifiers.
    #[arg(long, value_name = "PURL")]
    pub purl: Option<String>,
    /// OSV advisory (JSON): the images holding an affected version.
    #[arg(long, value_name = "FILE")]
    pub advisory: Option<PathBuf>,
    /// Exit 1 when something is found.
    #[arg(long)]
    pub fail_if_found: bool,
}

/// `vimes promote IMAGE`.
#[derive(Debug, Args)]
pub struct PromoteArgs {
    /// Image in the promotion source (`REPO[:TAG]` or a full reference under it).
    pub image: String,
    /// Production tag (default: the source tag).
    #[arg(long)]
    pub tag: Option<String>,
    /// Resolve and scan only; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Who reviews (default: git user.email, else $USER).
    #[arg(long)]
    pub reviewer: Option<String>,
    /// Private key (path or env://VAR); default: signing.key.
    #[arg(long, value_name = "KEY")]
    pub key: Option<String>,
}

/// `vimes harbor ...`.
#[derive(Debug, Subcommand)]
pub enum HarborCommand {
    /// Make every `type: harbor` project match vimes.yaml (idempotent): projects exist,
    /// auto_scan; on promotion.to prevent_vul + severity and cosign enforcement; on
    /// `immutable: true` registries a rule freezing every tag except cosign's sha256-* tags.
    Setup(HarborSetupArgs),
    /// Show each Harbor setting vimes.yaml wants next to what Harbor has; exit 1 on drift.
    Status,
}

/// `vimes harbor setup`.
#[derive(Debug, Args)]
pub struct HarborSetupArgs {
    /// Also create this project robot account on promotion.to (pull, push, read artifacts,
    /// create tags, scan, read reports); its secret is shown once.
    #[arg(long, value_name = "NAME")]
    pub robot: Option<String>,
    /// Write the new robot's secret to FILE (mode 0600) instead of printing it.
    #[arg(long, value_name = "FILE", requires = "robot")]
    pub robot_secret_file: Option<PathBuf>,
}

/// `vimes completions SHELL`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `vimes generate-man DIR` (hidden; used to regenerate man/).
#[derive(Debug, Args)]
pub struct GenerateManArgs {
    /// Directory to write the pages into.
    pub dir: PathBuf,
}

const CHECK_EXAMPLES: &str = "Examples:
  vimes check                                 # every file git tracks
  vimes check Dockerfile k8s/                 # named files and directories
  vimes check --resolve                       # put the current digest of each tag in the hints
  vimes --output sarif check > check.sarif    # for code scanning
  vimes hook install                          # run `vimes check --hook` before every git push";

const HOOK_EXAMPLES: &str = "Examples:
  vimes hook install                          # .git/hooks/pre-push (or core.hooksPath)
  vimes hook install --force                  # replace a hook that cannot be chained
  # with the pre-commit framework instead: use the `vimes-check` hook of .pre-commit-hooks.yaml";

const BUILD_EXAMPLES: &str = "Examples:
  vimes build                                 # every image in vimes.yaml, tag from git describe
  vimes build payments-api --tag 1.4.0
  vimes build api --build-arg VERSION=1.4 --target runtime --platform linux/amd64
  vimes --output json build api | jq -r '.images[0].reference'";

/// `vimes check [PATH...]`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to check (default: the files git tracks here).
    #[arg(value_name = "PATH", conflicts_with = "hook")]
    pub paths: Vec<PathBuf>,
    /// Pre-push hook mode: read git's pre-push lines on stdin and check the files changed in
    /// the pushed commits, as they are in those commits.
    #[arg(long)]
    pub hook: bool,
    /// Look up the digest each unpinned tag points at now (network) and put it in the hint.
    #[arg(long)]
    pub resolve: bool,
    /// ARG value for Dockerfiles, as `--build-arg` gives it to a build (repeatable).
    #[arg(long = "build-arg", value_name = "KEY=VALUE")]
    pub build_args: Vec<String>,
}

/// `vimes hook ...`.
#[derive(Debug, Subcommand)]
pub enum HookCommand {
    /// Install the pre-push hook (honours core.hooksPath; an existing hook is kept as
    /// pre-push.local and run first).
    Install(HookInstallArgs),
}

/// `vimes hook install`.
#[derive(Debug, Args)]
pub struct HookInstallArgs {
    /// Replace an existing hook that cannot be chained (it is saved as pre-push.vimes-backup).
    #[arg(long)]
    pub force: bool,
}

/// `vimes build [NAME...]`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Images of vimes.yaml to build (default: all).
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,
    /// Tag to push to staging (default: `git describe --tags --always`).
    #[arg(long)]
    pub tag: Option<String>,
    /// Build argument (repeatable).
    #[arg(long = "build-arg", value_name = "KEY=VALUE")]
    pub build_args: Vec<String>,
    /// Stage to build.
    #[arg(long, value_name = "STAGE")]
    pub target: Option<String>,
    /// Platform to build for (`os/arch[/variant]`).
    #[arg(long, value_name = "PLATFORM")]
    pub platform: Option<String>,
}
