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

/// What is printed on stdout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Human-readable text.
    Text,
    /// One JSON document.
    Json,
    /// SARIF 2.1.0 (commands that report findings).
    Sarif,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a commented vimes.yaml (prompts on a TTY; flags otherwise).
    Init(InitArgs),
    /// Inspect the configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Copy an image by digest, with its cosign signatures and attestations.
    #[command(after_help = COPY_EXAMPLES)]
    Copy(CopyArgs),
}

const COPY_EXAMPLES: &str = "Examples:
  # copy a tagged image between registries, signatures included
  vimes copy harbor.example.com/staging/api:1.4 harbor.example.com/production/api:1.4

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
}
