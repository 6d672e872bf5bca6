//! `vimes build`: the images of `images:`, built only from bases the policy
//! allows. For every selected image, before anything is built: the
//! Dockerfile passes `vimes check`'s rules; a base pinned by tag *and* digest
//! is compared with where its tag points now (a newer base is reported); a
//! base older than `policy.max_base_age_days` is refused. Then each image is
//! built with the configured builder, labelled from git, and pushed to the
//! staging registry (`promotion.from`) under a tag; the result is its digest.
//! With a signing key, each pushed image gets a signed SLSA v1 provenance
//! attestation ([`super::provenance`]).

use super::provenance::{self, BuildFacts};
use crate::check::base::{self, BaseImage};
use crate::check::{dockerfile, files, rules, Expanded, Finding};
use crate::clock::{rfc3339_secs, Clock};
use crate::config::{Config, RegistryConfig};
use crate::error::{ConfigError, Error, Result};
use crate::registry::auth::{credentials_for_tool, Credentials};
use crate::registry::{ImageRef, RegistryClient};
use crate::signing::keys::SigningKey;
use crate::tools::builder::{self, BuildRequest, PushRequest, RegistryAccess};
use crate::tools::git;
use crate::tools::pin::{self, ToolBinary};
use crate::ui::progress::{watch, Progress};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long one build or push may run.
const BUILD_TIMEOUT: Duration = Duration::from_secs(3600);

/// What the user asked for.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// Images of `images:` to build (empty: all).
    pub names: Vec<String>,
    /// Tag to push (default: `git describe --tags --always`).
    pub tag: Option<String>,
    /// `--build-arg` values.
    pub build_args: BTreeMap<String, String>,
    /// `--target` stage.
    pub target: Option<String>,
    /// `--platform` (`os/arch[/variant]`).
    pub platform: Option<String>,
    /// The day base-image ages are measured to.
    pub clock: Clock,
    /// `SOURCE_DATE_EPOCH`: the image's creation time, for reproducible builds.
    pub source_date_epoch: Option<u64>,
}

/// One built and pushed image.
#[derive(Clone, Debug, Serialize)]
pub struct BuiltImage {
    /// Its name in `images:`.
    pub name: String,
    /// `host/project/repository` in the staging registry.
    pub repository: String,
    /// The tag pushed.
    pub tag: String,
    /// The manifest digest pushed.
    pub digest: String,
    /// `repository@digest`.
    pub reference: String,
    /// The builder used.
    pub builder: builder::BuilderKind,
    /// Its binary (resolved path, SHA-256, whether `tools.builder_sha256` pinned it).
    pub builder_binary: ToolBinary,
    /// Its base images.
    pub bases: Vec<BaseImage>,
    /// Warnings about it.
    pub warnings: Vec<String>,
    /// Where its signed provenance attestation is (none without a key).
    pub provenance: Option<String>,
}

/// One image ready to build.
struct Plan {
    name: String,
    context: PathBuf,
    dockerfile: PathBuf,
    /// `sha256:<hex>` of the Dockerfile read.
    dockerfile_digest: String,
    /// Every external image the Dockerfile uses (bases first), parsed.
    images: Vec<(ImageRef, bool)>,
    destination: ImageRef,
    bases: Vec<BaseImage>,
    warnings: Vec<String>,
}

/// Checks, builds and pushes the selected images. Nothing is built unless
/// every selected image passes its checks. Steps reported to `progress`, per
/// image: check, build (the builder's output as log lines), push.
/// With `key`, each image's provenance is attested with it after the push.
pub async fn build(
    config: &Config,
    config_dir: &Path,
    options: &BuildOptions,
    key: Option<&SigningKey>,
    progress: &dyn Progress,
) -> Result<Vec<BuiltImage>> {
    let names = select(config, &options.names)?;
    let staging = config.route().map(|r| r.from).ok_or_else(|| {
        ConfigError::new(
            "vimes build pushes to the staging registry: set promotion.from (and \
                  registries:) in vimes.yaml",
        )
    })?;
    let mut plans = Vec::new();
    for name in &names {
        plans.push(plan(config, config_dir, staging, name, options)?);
    }
    let client = RegistryClient::new(config)?;
    let mut refusals = Vec::new();
    for plan in &mut plans {
        progress.started("check", &format!("the base images of {}", plan.name));
        let before = refusals.len();
        let checked = check_bases(config, &client, plan, options, &mut refusals).await;
        watch(progress, "check", checked)?;
        for warning in &plan.warnings {
            progress.warn(&format!("{}: {warning}", plan.name));
        }
        match refusals.get(before) {
            Some(refused) => progress.failed("check", refused),
            None => progress.finished("check", &plan.name, false),
        }
    }
    if !refusals.is_empty() {
        return Err(Error::Policy(format!(
            "nothing was built:\n  {}",
            refusals.join("\n  ")
        )));
    }
    // Every destination (and so every tag) is known valid before the first build.
    let mut targets = Vec::new();
    for plan in plans {
        let tag = match &options.tag {
            Some(tag) => tag.clone(),
            None => git::describe(&plan.context).ok_or_else(|| {
                Error::Usage(format!(
                    "no tag for {}: pass --tag (git describe found nothing in {})",
                    plan.name,
                    plan.context.display()
                ))
            })?,
        };
        let destination = ImageRef::parse(&plan.destination.with_tag(&tag).to_string())?;
        targets.push((plan, destination));
    }
    let mut builder = builder::select(config.tools.builder)?;
    // What is hashed is what runs.
    let binary = pin::builder(config, builder.kind.name(), &builder.program)?;
    builder.program = binary.path.clone();
    let mut built = Vec::new();
    for (plan, destination) in targets {
        let image = (&builder, &binary);
        let mut one = build_one(config, image, plan, destination, options, progress).await?;
        if let Some(key) = key {
            one.1.finished_on = crate::clock::now_rfc3339();
            let (built, facts) = &one;
            let location = provenance::attach(
                &client,
                &built.reference,
                &built.digest,
                facts,
                key,
                progress,
            )
            .await?;
            one.0.provenance = Some(location);
        }
        built.push(one.0);
    }
    Ok(built)
}

fn select(config: &Config, names: &[String]) -> Result<Vec<String>> {
    if config.images.is_empty() {
        return Err(ConfigError::new("vimes.yaml has no images: to build").into());
    }
    if names.is_empty() {
        return Ok(config.images.keys().cloned().collect());
    }
    for name in names {
        if !config.images.contains_key(name) {
            let known: Vec<&str> = config.images.keys().map(String::as_str).collect();
            return Err(Error::Usage(format!(
                "no image {name:?} in vimes.yaml (images: {})",
                known.join(", ")
            )));
        }
    }
    let mut seen = BTreeSet::new();
    Ok(names
        .iter()
        .filter(|n| seen.insert(n.as_str()))
        .cloned()
        .collect())
}

/// Reads the Dockerfile and applies the reference rules: a disallowed base
/// stops everything before any network request.
fn plan(
    config: &Config,
    config_dir: &Path,
    staging: &RegistryConfig,
    name: &str,
    options: &BuildOptions,
) -> Result<Plan> {
    let image = &config.images[name];
    let context = config_dir.join(&image.context);
    let dockerfile = context.join(&image.dockerfile);
    let bytes = files::read_capped(&dockerfile).map_err(|reason| {
        Error::Usage(format!(
            "images.{name}: Dockerfile {}: {reason}",
            dockerfile.display()
        ))
    })?;
    let (text, _) = files::decode(&bytes).map_err(|reason| {
        Error::Usage(format!(
            "images.{name}: Dockerfile {}: {reason}",
            dockerfile.display()
        ))
    })?;
    let shown = Path::new(&image.context).join(&image.dockerfile);
    let shown = shown
        .strip_prefix(".")
        .unwrap_or(&shown)
        .display()
        .to_string();
    let mentions = dockerfile::scan(&text, &options.build_args, options.platform.as_deref());
    let findings: Vec<Finding> = mentions
        .iter()
        .flat_map(|m| rules::evaluate(&shown, m, &config.policy))
        .collect();
    if !findings.is_empty() {
        let lines: Vec<String> = findings
            .iter()
            .map(|f| {
                format!(
                    "{}: {} [{}] {} (fix: {})",
                    f.location(),
                    f.reference,
                    f.rule,
                    f.message,
                    f.hint
                )
            })
            .collect();
        return Err(Error::Policy(format!(
            "images.{name}: the Dockerfile breaks the image policy; nothing was built:\n  {}",
            lines.join("\n  ")
        )));
    }
    let mut images = Vec::new();
    for mention in &mentions {
        if let Expanded::Text(text) = &mention.expanded {
            // Rules passed, so every reference parses.
            let parsed = ImageRef::parse(text)?;
            let is_base = mention.context.starts_with("FROM");
            if !images.iter().any(|(r, _)| *r == parsed) {
                images.push((parsed, is_base));
            }
        }
    }
    let destination = ImageRef::parse_under(&image.repository, &staging.url, &staging.project)?;
    Ok(Plan {
        name: name.to_string(),
        context,
        dockerfile,
        dockerfile_digest: crate::registry::manifest::sha256_digest(&bytes),
        images,
        destination,
        bases: Vec::new(),
        warnings: Vec::new(),
    })
}

async fn check_bases(
    config: &Config,
    client: &RegistryClient,
    plan: &mut Plan,
    options: &BuildOptions,
    refusals: &mut Vec<String>,
) -> Result<()> {
    for (image, is_base) in plan.images.clone() {
        if !is_base {
            continue;
        }
        let verdict = base::inspect(
            client,
            &image,
            options.platform.as_deref(),
            config.policy.max_base_age_days,
            options.clock.today(),
        )
        .await?;
        plan.warnings.extend(verdict.warnings);
        if let Some(refusal) = verdict.refusal {
            refusals.push(format!("images.{}: {refusal}", plan.name));
        }
        plan.bases.push(verdict.base);
    }
    Ok(())
}

/// Credentials and CAs for the registries a build touches, in a private
/// temporary directory (removed when the build ends).
async fn registry_access(
    config: &Config,
    dir: &Path,
    hosts: &[(ImageRef, bool)],
) -> Result<(RegistryAccess, RegistryAccess)> {
    let mut entries = Vec::new();
    let mut seen_hosts = BTreeSet::new();
    let mut ca_files = BTreeSet::new();
    let mut build_tls = true;
    let mut push_tls = true;
    for (image, is_push) in hosts {
        let registry = config
            .registry_for_host(&image.registry, &image.repository)
            .map(|(_, r)| r);
        if let Some(reg) = registry {
            if reg.insecure {
                if *is_push {
                    push_tls = false;
                } else {
                    build_tls = false;
                }
            }
            if let Some(ca) = &reg.ca_file {
                ca_files.insert(PathBuf::from(ca));
            }
        }
        if !seen_hosts.insert(image.registry.clone()) {
            continue;
        }
        let ca = registry.and_then(|r| r.ca_file.as_deref()).map(Path::new);
        if let (Credentials::Basic { username, password }, _) =
            credentials_for_tool("builder", &image.registry, registry, ca).await?
        {
            entries.push((image.registry.clone(), username, password));
        }
    }
    let auth_file = if entries.is_empty() {
        None
    } else {
        Some(crate::registry::auth::write_auth_file(dir, &entries)?)
    };
    let cert_dir = if ca_files.is_empty() {
        None
    } else {
        let certs = dir.join("certs");
        std::fs::create_dir_all(&certs).map_err(|error| Error::File {
            path: certs.clone(),
            error,
        })?;
        for (i, ca) in ca_files.iter().enumerate() {
            std::fs::copy(ca, certs.join(format!("ca-{i}.crt"))).map_err(|error| Error::File {
                path: ca.clone(),
                error,
            })?;
        }
        Some(certs)
    };
    let access = |tls_verify| RegistryAccess {
        auth_file: auth_file.clone(),
        cert_dir: cert_dir.clone(),
        tls_verify,
    };
    Ok((access(build_tls), access(push_tls)))
}

/// The OCI labels from git and the clock (`SOURCE_DATE_EPOCH` when set).
fn labels(context: &Path, epoch: Option<u64>) -> BTreeMap<String, String> {
    let mut labels = BTreeMap::new();
    if let Some(url) = git::source_url(context) {
        labels.insert("org.opencontainers.image.source".into(), url);
    }
    if let Some(rev) = git::revision(context) {
        labels.insert("org.opencontainers.image.revision".into(), rev);
    }
    let created = match epoch {
        Some(secs) => rfc3339_secs(secs),
        None => crate::clock::now_rfc3339(),
    };
    labels.insert("org.opencontainers.image.created".into(), created);
    labels
}

async fn build_one(
    config: &Config,
    (builder, binary): (&builder::Builder, &ToolBinary),
    plan: Plan,
    destination: ImageRef,
    options: &BuildOptions,
    progress: &dyn Progress,
) -> Result<(BuiltImage, BuildFacts)> {
    let started_on = crate::clock::now_rfc3339();
    let work = tempfile::Builder::new()
        .prefix("vimes-build-")
        .tempdir()
        .map_err(|error| Error::File {
            path: std::env::temp_dir(),
            error,
        })?;
    let mut hosts: Vec<(ImageRef, bool)> = plan
        .images
        .iter()
        .map(|(r, _)| (r.clone(), false))
        .collect();
    hosts.push((destination.clone(), true));
    let (build_access, push_access) = registry_access(config, work.path(), &hosts).await?;
    let epoch = options.source_date_epoch;
    let request = BuildRequest {
        context: plan.context.clone(),
        dockerfile: plan.dockerfile.clone(),
        tag: destination.to_string(),
        build_args: options.build_args.clone(),
        target: options.target.clone(),
        platform: options.platform.clone(),
        labels: labels(&plan.context, epoch),
        timestamp: epoch,
        access: build_access,
        log_file: work.path().join("build.log"),
        timeout: BUILD_TIMEOUT,
    };
    progress.started(
        "build",
        &format!(
            "{} ({}) with {}",
            plan.name,
            plan.dockerfile.display(),
            builder.kind.name()
        ),
    );
    let ran = builder::build(builder, &request, &mut |line| progress.log(line)).await;
    watch(progress, "build", ran)?;
    progress.finished("build", &plan.name, false);
    progress.started("push", &destination.to_string());
    let push = PushRequest {
        image: destination.to_string(),
        destination: destination.to_string(),
        access: push_access,
        digest_file: work.path().join("digest"),
        timeout: BUILD_TIMEOUT,
    };
    let digest = watch(progress, "push", builder::push(builder, &push).await)?;
    let repository = destination.repository_name();
    progress.finished("push", &format!("{repository}@{digest}"), false);
    let image = &config.images[&plan.name];
    let facts = BuildFacts {
        builder_id: config
            .build
            .builder_id
            .clone()
            .unwrap_or_else(provenance::default_builder_id),
        image: plan.name.clone(),
        context: image.context.clone(),
        dockerfile: image.dockerfile.clone(),
        dockerfile_digest: plan.dockerfile_digest.clone(),
        build_arg_names: options.build_args.keys().cloned().collect(),
        target: options.target.clone(),
        platform: options.platform.clone(),
        source: git::source_url(&plan.context).map(|url| (url, git::revision(&plan.context))),
        images: plan
            .images
            .iter()
            .map(|(r, _)| (r.to_string(), r.digest.clone()))
            .collect(),
        tool: (builder.kind.name().to_string(), binary.sha256.clone()),
        started_on,
        finished_on: String::new(),
    };
    let built = BuiltImage {
        name: plan.name,
        reference: format!("{repository}@{digest}"),
        repository,
        tag: destination.tag.clone().unwrap_or_default(),
        digest,
        builder: builder.kind,
        builder_binary: binary.clone(),
        bases: plan.bases,
        warnings: plan.warnings,
        provenance: None,
    };
    Ok((built, facts))
}
