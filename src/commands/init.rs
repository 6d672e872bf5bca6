//! `vimes init`: writes a commented vimes.yaml from flags, or from answers
//! to prompts on a terminal.

use super::Ctx;
use crate::config::{self, InitAnswers, RegistryType};
use crate::error::Error;
use crate::exit::Exit;
use anyhow::Context;
use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::Path;
use std::path::PathBuf;

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

/// Runs `vimes init`.
pub fn run(ctx: &Ctx, args: InitArgs) -> anyhow::Result<Exit> {
    let path = args.path.clone();
    // Checked before prompting, so nobody answers questions for nothing.
    if path.exists() && !args.force {
        return Err(Error::Usage(format!(
            "{} already exists; pass --force to overwrite it",
            path.display()
        ))
        .into());
    }
    let mut answers = if ctx.ui.interactive && !ctx.global.yes {
        ask(&args)?
    } else {
        from_flags(&args)?
    };
    // The binaries found now become the pins; a tool not installed yet is
    // left unpinned (`vimes config show` prints its hash once it is).
    let defaults = crate::config::Config::default();
    for report in crate::tools::pin::report(&defaults) {
        if let Some(binary) = report.binary {
            answers.tool_pins.insert(report.tool, binary.sha256);
        }
    }
    let text = config::render_template(&answers);
    // Never write a file that vimes itself would then refuse.
    config::parse_str(&text, &path.display().to_string())
        .context("the file vimes init would write does not load (this is a bug)")?;
    write(&path, &text, args.force)?;

    let shown = path.display().to_string();
    ctx.ui.result(
        &format!(
            "wrote {shown} (staging {}, production {})",
            prefix(&answers.staging_url, &answers.staging_project),
            prefix(&answers.production_url, &answers.production_project),
        ),
        &serde_json::json!({ "path": shown }),
    );
    ctx.ui.status(&format!(
        "next: `vimes key generate` (creates {} and {}), then `vimes config show`",
        answers.signing_key, answers.public_key
    ));
    Ok(Exit::Success)
}

/// The answers without a terminal: flags, then defaults; the staging
/// registry has no sensible default, so its flag is required.
fn from_flags(args: &InitArgs) -> anyhow::Result<InitAnswers> {
    let Some(staging_url) = &args.staging_url else {
        return Err(Error::Usage(
            "--staging-url is required when vimes init cannot prompt (no terminal, or --yes): \
             e.g. vimes init --staging-url harbor.example.com"
                .into(),
        )
        .into());
    };
    let mut answers = InitAnswers::with_staging_url(staging_url);
    if let Some(v) = &args.staging_project {
        answers.staging_project = v.clone();
    }
    if let Some(v) = &args.production_url {
        answers.production_url = v.clone();
    }
    if let Some(v) = &args.production_project {
        answers.production_project = v.clone();
    }
    if let Some(kind) = args.registry_type {
        answers.registry_type = registry_type(kind);
    }
    answers.insecure = args.insecure;
    if let Some(v) = &args.signing_key {
        answers.signing_key = v.clone();
    }
    if let Some(v) = &args.public_key {
        answers.public_key = v.clone();
    }
    check_flags(&answers)?;
    Ok(answers)
}

/// Checks flag values with the rules `load` applies, naming the flag.
fn check_flags(a: &InitAnswers) -> Result<(), Error> {
    let usage = |flag: &str, value: &str, why: config::ShapeError| {
        Error::Usage(format!("--{flag} {value:?} {why}"))
    };
    for (flag, url) in [
        ("staging-url", &a.staging_url),
        ("production-url", &a.production_url),
    ] {
        config::check_registry_url(url).map_err(|why| usage(flag, url, why))?;
    }
    for (flag, project) in [
        ("staging-project", &a.staging_project),
        ("production-project", &a.production_project),
    ] {
        config::check_repo_path(project, true).map_err(|why| usage(flag, project, why))?;
    }
    for (flag, key) in [
        ("signing-key", &a.signing_key),
        ("public-key", &a.public_key),
    ] {
        if key.trim().is_empty() {
            return Err(usage(flag, key, config::ShapeError::EmptyPath));
        }
    }
    Ok(())
}

/// The answers on a terminal: a prompt for every value no flag gave.
fn ask(args: &InitArgs) -> anyhow::Result<InitAnswers> {
    use dialoguer::{Confirm, Input, Select};
    let prompt_failed = "prompt failed";
    let url_ok = |s: &String| config::check_registry_url(s).map_err(|why| format!("{s:?} {why}"));
    let path_ok =
        |s: &String| config::check_repo_path(s, true).map_err(|why| format!("{s:?} {why}"));

    let staging_url = match &args.staging_url {
        Some(v) => v.clone(),
        None => Input::<String>::new()
            .with_prompt("Staging registry (host[:port], no https://)")
            .validate_with(url_ok)
            .interact_text()
            .context(prompt_failed)?,
    };
    let staging_project = match &args.staging_project {
        Some(v) => v.clone(),
        None => Input::<String>::new()
            .with_prompt("Staging project (path prefix; empty for none)")
            .default("staging".into())
            .allow_empty(true)
            .validate_with(path_ok)
            .interact_text()
            .context(prompt_failed)?,
    };
    let production_url = match &args.production_url {
        Some(v) => v.clone(),
        None => Input::<String>::new()
            .with_prompt("Production registry (host[:port])")
            .default(staging_url.clone())
            .validate_with(url_ok)
            .interact_text()
            .context(prompt_failed)?,
    };
    let production_project = match &args.production_project {
        Some(v) => v.clone(),
        None => Input::<String>::new()
            .with_prompt("Production project (path prefix; empty for none)")
            .default("production".into())
            .allow_empty(true)
            .validate_with(path_ok)
            .interact_text()
            .context(prompt_failed)?,
    };
    let registry_type = match args.registry_type {
        Some(kind) => registry_type(kind),
        None => {
            let choice = Select::new()
                .with_prompt("Registry type")
                .items(&["harbor", "oci (any OCI distribution registry)"])
                .default(0)
                .interact()
                .context(prompt_failed)?;
            if choice == 0 {
                RegistryType::Harbor
            } else {
                RegistryType::Oci
            }
        }
    };
    let insecure = args.insecure
        || Confirm::new()
            .with_prompt("Plain HTTP (insecure)? Only for loopback test registries")
            .default(false)
            .interact()
            .context(prompt_failed)?;
    let key_prompt = |given: &Option<String>, prompt: &str, default: &str| match given {
        Some(v) => Ok(v.clone()),
        None => Input::<String>::new()
            .with_prompt(prompt)
            .default(default.to_string())
            .interact_text()
            .context(prompt_failed),
    };
    let signing_key = key_prompt(
        &args.signing_key,
        "Private signing key (path or env://VAR)",
        "cosign.key",
    )?;
    let public_key = key_prompt(
        &args.public_key,
        "Public key trusted by verify",
        "cosign.pub",
    )?;
    let answers = InitAnswers {
        staging_url,
        staging_project,
        production_url,
        production_project,
        registry_type,
        insecure,
        signing_key,
        public_key,
        tool_pins: Default::default(),
    };
    // Flag values were not checked by the prompts' validators.
    check_flags(&answers)?;
    Ok(answers)
}

fn registry_type(kind: RegistryTypeArg) -> RegistryType {
    match kind {
        RegistryTypeArg::Harbor => RegistryType::Harbor,
        RegistryTypeArg::Oci => RegistryType::Oci,
    }
}

fn prefix(url: &str, project: &str) -> String {
    if project.is_empty() {
        url.to_string()
    } else {
        format!("{url}/{project}")
    }
}

/// Writes the file; without `force` it must not exist (checked again here,
/// atomically, in case it appeared while the prompts were open).
fn write(path: &Path, text: &str, force: bool) -> Result<(), Error> {
    let file_error = |error| Error::File {
        path: path.to_path_buf(),
        error,
    };
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(force)
        .create_new(!force)
        .open(path)
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                Error::Usage(format!(
                    "{} already exists; pass --force to overwrite it",
                    path.display()
                ))
            } else {
                file_error(e)
            }
        })?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(file_error)
}
