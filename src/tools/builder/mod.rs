//! Image builders: buildah, podman or docker, chosen by `tools.builder`
//! (`auto`: the first of buildah, podman, docker on PATH). A typed build and
//! push invocation on [`crate::process`] (`argv`), the build log followed as
//! it grows (`logs`); registry credentials only ever in a private auth file
//! (`--authfile`, written by [`crate::registry::auth::write_auth_file`]), never
//! on the command line.
//!
//! buildah's storage can be steered by the environment, for machines where
//! the defaults do not work (e.g. as root in a container: `vfs` + `chroot`):
//! `VIMES_BUILDAH_ROOT` (storage under `ROOT/root` and `ROOT/runroot`;
//! default: vimes' dir in the user's cache dir), `VIMES_BUILDAH_STORAGE_DRIVER`
//! and `VIMES_BUILDAH_ISOLATION`. buildah's own `STORAGE_DRIVER`,
//! `BUILDAH_ISOLATION` and `REGISTRIES_CONFIG_PATH` pass through as well.

mod argv;
mod logs;

pub use argv::{build_invocation, push_invocation};

use crate::config;
use crate::error::{Error, Result};
use crate::process::resolve_program;
use logs::{failure, LogFollower};
use std::collections::{BTreeMap, VecDeque};
use std::path::PathBuf;
use std::time::Duration;

/// How often the build log is read while the builder runs.
const FOLLOW_INTERVAL: Duration = Duration::from_millis(100);

/// Which program builds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BuilderKind {
    /// buildah.
    Buildah,
    /// podman.
    Podman,
    /// docker.
    Docker,
}

impl BuilderKind {
    /// The program name.
    pub fn name(self) -> &'static str {
        match self {
            BuilderKind::Buildah => "buildah",
            BuilderKind::Podman => "podman",
            BuilderKind::Docker => "docker",
        }
    }
}

/// containers/storage settings for buildah and podman.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Storage {
    /// `--root`.
    pub root: Option<PathBuf>,
    /// `--runroot`.
    pub runroot: Option<PathBuf>,
    /// `--storage-driver`.
    pub driver: Option<String>,
    /// `--isolation` of the build.
    pub isolation: Option<String>,
}

impl Storage {
    /// The settings from `VIMES_BUILDAH_*`; for buildah without
    /// `VIMES_BUILDAH_ROOT`, a storage under the user's cache dir.
    pub fn from_env(kind: BuilderKind) -> Storage {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let base = var("VIMES_BUILDAH_ROOT").map(PathBuf::from).or_else(|| {
            (kind == BuilderKind::Buildah)
                .then(|| crate::paths::cache_dir().map(|d| d.join("buildah")))
                .flatten()
        });
        Storage {
            root: base.as_ref().map(|b| b.join("root")),
            runroot: base.as_ref().map(|b| b.join("runroot")),
            driver: var("VIMES_BUILDAH_STORAGE_DRIVER"),
            isolation: var("VIMES_BUILDAH_ISOLATION"),
        }
    }
}

/// A builder found on this machine.
#[derive(Clone, Debug)]
pub struct Builder {
    /// Which one.
    pub kind: BuilderKind,
    /// Its program path.
    pub program: PathBuf,
    /// Storage settings (buildah and podman only).
    pub storage: Storage,
}

/// Finds the configured builder (`auto`: buildah, then podman, then docker).
pub fn select(choice: config::Builder) -> Result<Builder> {
    let candidates: &[BuilderKind] = match choice {
        config::Builder::Auto => &[
            BuilderKind::Buildah,
            BuilderKind::Podman,
            BuilderKind::Docker,
        ],
        config::Builder::Buildah => &[BuilderKind::Buildah],
        config::Builder::Podman => &[BuilderKind::Podman],
        config::Builder::Docker => &[BuilderKind::Docker],
    };
    for kind in candidates {
        if let Some(program) = resolve_program(kind.name()) {
            return Ok(Builder {
                kind: *kind,
                program,
                storage: Storage::from_env(*kind),
            });
        }
    }
    let names: Vec<&str> = candidates.iter().map(|k| k.name()).collect();
    Err(Error::Tool {
        tool: "builder".into(),
        message: format!(
            "no image builder found on PATH (looked for {}); install one, or set tools.builder",
            names.join(", ")
        ),
    })
}

/// How the builder reaches registries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegistryAccess {
    /// A docker-style `config.json` with the credentials (mode 0600).
    pub auth_file: Option<PathBuf>,
    /// A directory of `*.crt` CA certificates.
    pub cert_dir: Option<PathBuf>,
    /// `false` only for registries marked `insecure` (plain HTTP).
    pub tls_verify: bool,
}

/// One image build.
#[derive(Clone, Debug)]
pub struct BuildRequest {
    /// Build context directory.
    pub context: PathBuf,
    /// The Dockerfile/Containerfile.
    pub dockerfile: PathBuf,
    /// The name the image is tagged with (its destination, `host/repo:tag`).
    pub tag: String,
    /// `--build-arg` values.
    pub build_args: BTreeMap<String, String>,
    /// `--target` stage.
    pub target: Option<String>,
    /// `--platform`.
    pub platform: Option<String>,
    /// `--label` values.
    pub labels: BTreeMap<String, String>,
    /// `--timestamp` (from `SOURCE_DATE_EPOCH`) for reproducible builds.
    pub timestamp: Option<u64>,
    /// Registry access for base images.
    pub access: RegistryAccess,
    /// Where buildah/podman write their output (followed while they run).
    pub log_file: PathBuf,
    /// Killed after this long.
    pub timeout: Duration,
}

/// One push of a built image.
#[derive(Clone, Debug)]
pub struct PushRequest {
    /// The local image name (as built).
    pub image: String,
    /// `host/repo:tag` to push to.
    pub destination: String,
    /// Registry access.
    pub access: RegistryAccess,
    /// Where buildah/podman write the pushed manifest digest.
    pub digest_file: PathBuf,
    /// Killed after this long.
    pub timeout: Duration,
}

/// Builds an image. Output lines are handed to `on_line` as they come
/// (buildah and podman: followed from their log file; docker: when it ends).
/// A failed build is a tool error (exit 3) with the builder's last lines.
pub async fn build(
    builder: &Builder,
    request: &BuildRequest,
    on_line: &mut dyn FnMut(&str),
) -> Result<()> {
    let invocation = build_invocation(builder, request);
    let mut follower = LogFollower::new(&request.log_file);
    let run = invocation.run();
    tokio::pin!(run);
    let done = loop {
        tokio::select! {
            done = &mut run => break done?,
            _ = tokio::time::sleep(FOLLOW_INTERVAL) => follower.poll(on_line),
        }
    };
    follower.finish(on_line);
    if builder.kind == BuilderKind::Docker {
        let printed = String::from_utf8_lossy(&done.stdout).into_owned() + &done.stderr;
        for line in printed.lines() {
            follower.keep(line, on_line);
        }
    }
    if done.code != Some(0) {
        return Err(failure(builder.kind, "the build", &done, &follower.tail));
    }
    Ok(())
}

/// Pushes a built image; returns the digest of the manifest the registry got.
pub async fn push(builder: &Builder, request: &PushRequest) -> Result<String> {
    let done = push_invocation(builder, request).run().await?;
    let printed = String::from_utf8_lossy(&done.stdout).into_owned();
    if done.code != Some(0) {
        let tail: VecDeque<String> = printed.lines().map(str::to_string).collect();
        return Err(failure(
            builder.kind,
            &format!("pushing {}", request.destination),
            &done,
            &tail,
        ));
    }
    let digest = if builder.kind == BuilderKind::Docker {
        // docker push ends with `<tag>: digest: sha256:... size: N`.
        printed
            .split_whitespace()
            .skip_while(|w| *w != "digest:")
            .nth(1)
            .map(str::to_string)
    } else {
        std::fs::read_to_string(&request.digest_file)
            .ok()
            .map(|d| d.trim().to_string())
    };
    match digest {
        Some(d) if crate::registry::reference::validate_digest(&d).is_ok() => Ok(d),
        other => Err(Error::Tool {
            tool: builder.kind.name().into(),
            message: format!(
                "pushed {} but reported no usable digest ({other:?})",
                request.destination
            ),
        }),
    }
}

#[cfg(test)]
mod tests;
