//! One file per subcommand: read the arguments, call the engine, render.

mod admission;
mod attest;
mod build;
mod check;
mod completions;
mod config;
mod copy;
mod exceptions;
mod harbor;
mod hook;
mod init;
mod key;
mod promote;
mod report;
mod rescan;
mod review;
mod sbom;
mod scan;
mod sign;
mod signing_args;
mod status;
mod verify;
mod vex;

use self::config::ConfigCommand;
use crate::clock::Clock;
use crate::config::LoadedConfig;
use crate::exit::Exit;
use crate::ui::Ui;
use admission::AdmissionCommand;
use attest::AttestArgs;
use build::BuildArgs;
use check::CheckArgs;
use clap::{Args, Subcommand};
use completions::{CompletionsArgs, GenerateManArgs};
use copy::CopyArgs;
use exceptions::ExceptionsCommand;
use harbor::HarborCommand;
use hook::HookCommand;
use init::InitArgs;
use key::KeyCommand;
use promote::PromoteArgs;
use report::ReportArgs;
use rescan::RescanArgs;
use review::ReviewArgs;
use sbom::SbomArgs;
use scan::ScanArgs;
use sign::SignArgs;
use status::StatusArgs;
use std::path::PathBuf;
use verify::VerifyArgs;

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
    /// What is in production: every tag's digest, signers, attestations, last scan, SBOM, verdict.
    #[command(after_help = "Examples:
  vimes status                          # every repository of promotion.to
  vimes status payments/api web         # these production repositories
  vimes --output json status | jq '.images[] | select(.verdict != \"verified\")'")]
    Status(StatusArgs),
    /// Re-judge every production digest from its signed SBOM against today's Trivy DB.
    #[command(after_help = "Examples:
  vimes rescan                          # a CVE was announced: which production images are now blocked?
  vimes rescan payments/api             # one production repository
  vimes rescan --attach                 # and sign fresh vuln attestations for the ones that pass")]
    Rescan(RescanArgs),
    /// The status of production as one self-contained HTML page; with --package or --advisory,
    /// the inventory's affected images too.
    // `--version` is the package's version range here, not vimes' own version.
    #[command(disable_version_flag = true, after_help = REPORT_EXAMPLES)]
    Report(ReportArgs),
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
    /// Sign and check the OpenVEX documents of policy.vex (they count only when an approver signed them).
    #[command(
        subcommand,
        after_help = "Examples:
  vimes vex sign --key security/team.key security/web.openvex.json   # writes security/web.openvex.json.sig
  vimes vex verify security/web.openvex.json"
    )]
    Vex(vex::VexCommand),
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

const REPORT_EXAMPLES: &str =
    "The page needs no network: inline style, a small inline script (click a
header to sort; every row is there without it) and an inline chart of the
verdicts. It is written even when an image fails; the exit code is `status`'s,
and 1 too when the inventory holds anything --package/--purl/--advisory asked.

Examples:
  vimes report -o report.html                 # every repository of promotion.to
  vimes report payments/api web -o report.html
  vimes report --advisory GHSA-xxxx.osv.json -o report.html
  vimes report --package openssl --version '<3.0.13-1~deb12u1' --type deb -o report.html
  vimes --output json report -o report.html | jq .counts";

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

/// What every command gets: the global flags and the renderer.
pub struct Ctx {
    /// The global flags.
    pub global: GlobalArgs,
    /// Output settings.
    pub ui: Ui,
    /// What "today" is for this run (`VIMES_TODAY`, read once at the edge).
    pub clock: Clock,
    /// The whole command-line definition (for completions and man pages),
    /// handed in by the top-level parser, which this layer does not import.
    pub cli: fn() -> clap::Command,
}

impl Ctx {
    /// Creates the context.
    pub fn new(global: GlobalArgs, ui: Ui, clock: Clock, cli: fn() -> clap::Command) -> Self {
        Ctx {
            global,
            ui,
            clock,
            cli,
        }
    }

    /// The configuration, which must exist (exit 2 when none is found).
    pub fn require_config(&self) -> crate::error::Result<LoadedConfig> {
        crate::config::load(self.global.config.as_deref(), true)
    }

    /// The configuration if one is found, else the built-in defaults.
    pub fn optional_config(&self) -> crate::error::Result<LoadedConfig> {
        crate::config::load(self.global.config.as_deref(), false)
    }
}

/// The configured inventory (for every command that reads or writes it). The password of a PostgreSQL inventory is read
/// here, at the edge, from the variable `sbom.password_env` names.
pub(crate) fn inventory_location(
    loaded: &LoadedConfig,
) -> crate::error::Result<crate::sbom::inventory::Location> {
    let sbom = &loaded.config.sbom;
    let password = sbom
        .inventory
        .as_deref()
        .filter(|target| crate::config::is_postgres_url(target))
        .and_then(|_| {
            let var = sbom
                .password_env
                .as_deref()
                .unwrap_or(crate::config::DEFAULT_INVENTORY_PASSWORD_ENV);
            std::env::var(var).ok()
        });
    crate::sbom::inventory::Location::configured(
        sbom,
        loaded.path.as_deref().and_then(std::path::Path::parent),
        password,
    )
}

/// Runs one command and returns its exit status.
pub async fn run(ctx: &Ctx, command: Command) -> anyhow::Result<Exit> {
    match command {
        Command::Init(args) => init::run(ctx, args),
        Command::Config(cmd) => self::config::run(ctx, cmd),
        Command::Copy(args) => copy::run(ctx, args).await,
        Command::Key(cmd) => key::run(ctx, cmd),
        Command::Sign(args) => sign::run(ctx, args).await,
        Command::Attest(args) => attest::run(ctx, args).await,
        Command::Verify(args) => verify::run(ctx, args).await,
        Command::Status(args) => status::run(ctx, args).await,
        Command::Rescan(args) => rescan::run(ctx, args).await,
        Command::Report(args) => report::run(ctx, args).await,
        Command::Admission(cmd) => admission::run(ctx, cmd),
        Command::Scan(args) => scan::run(ctx, args).await,
        Command::Exceptions(cmd) => exceptions::run(ctx, cmd),
        Command::Vex(cmd) => vex::run(ctx, cmd),
        Command::Review(args) => review::run(ctx, args).await,
        Command::Completions(args) => completions::completions(args, (ctx.cli)()),
        Command::GenerateMan(args) => completions::man_pages(args, (ctx.cli)()),
        Command::Promote(args) => promote::run(ctx, args).await,
        Command::Sbom(args) => sbom::run(ctx, args).await,
        Command::Check(args) => check::run(ctx, args).await,
        Command::Hook(cmd) => hook::run(ctx, cmd),
        Command::Build(args) => build::run(ctx, args).await,
        Command::Harbor(cmd) => harbor::run(ctx, cmd).await,
    }
}
