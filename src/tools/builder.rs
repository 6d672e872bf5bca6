//! Image builders: buildah, podman or docker, chosen by `tools.builder`
//! (`auto`: the first of buildah, podman, docker on PATH). A typed build and
//! push invocation on the shared runner; registry credentials only ever in a
//! private auth file (`--authfile`), never on the command line.
//!
//! buildah's storage can be steered by the environment, for machines where
//! the defaults do not work (e.g. as root in a container: `vfs` + `chroot`):
//! `VIMES_BUILDAH_ROOT` (storage under `ROOT/root` and `ROOT/runroot`;
//! default: vimes' dir in the user's cache dir), `VIMES_BUILDAH_STORAGE_DRIVER`
//! and `VIMES_BUILDAH_ISOLATION`. buildah's own `STORAGE_DRIVER`,
//! `BUILDAH_ISOLATION` and `REGISTRIES_CONFIG_PATH` pass through as well.

use crate::config;
use crate::error::{Error, Result};
use crate::process::{resolve_program, Finished, Invocation};
use std::collections::{BTreeMap, VecDeque};
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Lines of builder output kept for the error message of a failed build.
const TAIL_LINES: usize = 25;

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

fn storage_args(builder: &Builder) -> Vec<String> {
    let mut args = Vec::new();
    if builder.kind == BuilderKind::Docker {
        return args;
    }
    let s = &builder.storage;
    if let Some(driver) = &s.driver {
        args.extend(["--storage-driver".to_string(), driver.clone()]);
    }
    if let Some(root) = &s.root {
        args.extend(["--root".to_string(), root.display().to_string()]);
    }
    if let Some(runroot) = &s.runroot {
        args.extend(["--runroot".to_string(), runroot.display().to_string()]);
    }
    args
}

fn access_args(kind: BuilderKind, access: &RegistryAccess) -> Vec<String> {
    let mut args = Vec::new();
    if kind == BuilderKind::Docker {
        // docker takes neither: its daemon settings decide TLS, and the
        // auth file is handed over through DOCKER_CONFIG (see `apply_access`).
        return args;
    }
    if let Some(auth) = &access.auth_file {
        args.extend(["--authfile".to_string(), auth.display().to_string()]);
    }
    if let Some(dir) = &access.cert_dir {
        args.extend(["--cert-dir".to_string(), dir.display().to_string()]);
    }
    if !access.tls_verify {
        args.push("--tls-verify=false".to_string());
    }
    args
}

fn apply_access(
    mut invocation: Invocation,
    kind: BuilderKind,
    access: &RegistryAccess,
) -> Invocation {
    if kind == BuilderKind::Docker {
        if let Some(dir) = access.auth_file.as_deref().and_then(Path::parent) {
            invocation = invocation.env("DOCKER_CONFIG", dir.display().to_string());
        }
    }
    invocation
}

/// What a builder takes from vimes' environment beside the runner's
/// pass-through set: its storage, sockets and per-user configuration. A
/// builder reads the build context vimes names; it judges nothing.
pub const BUILDER_ENV: &[&str] = &[
    "HOME",
    "USER",
    "TMPDIR",
    "XDG_RUNTIME_DIR",
    "XDG_CONFIG_HOME",
    "XDG_DATA_HOME",
    "STORAGE_DRIVER",
    "STORAGE_OPTS",
    "BUILDAH_ISOLATION",
    "REGISTRIES_CONFIG_PATH",
    "CONTAINERS_CONF",
    "CONTAINERS_STORAGE_CONF",
    "CONTAINERS_REGISTRIES_CONF",
    "DOCKER_HOST",
    "DOCKER_CERT_PATH",
    "DOCKER_TLS_VERIFY",
    "DOCKER_CONTEXT",
];

/// A builder invocation: the builder's environment, in vimes' working
/// directory (context and Dockerfile paths may be relative to it).
fn builder_invocation(kind: BuilderKind, program: &str, timeout: Duration) -> Invocation {
    let mut invocation =
        Invocation::new(kind.name(), program, timeout).inherit(BUILDER_ENV.iter().copied());
    invocation.cwd = std::env::current_dir().ok();
    invocation
}

/// The build command line (no secret on it: credentials are in the auth file).
pub fn build_invocation(builder: &Builder, request: &BuildRequest) -> Invocation {
    let kind = builder.kind;
    let program = builder.program.display().to_string();
    let mut inv = builder_invocation(kind, &program, request.timeout)
        .args(storage_args(builder))
        .args(["build".to_string()]);
    if kind != BuilderKind::Docker {
        if let Some(isolation) = &builder.storage.isolation {
            inv = inv.args(["--isolation".to_string(), isolation.clone()]);
        }
        inv = inv.args([
            "--logfile".to_string(),
            request.log_file.display().to_string(),
        ]);
        if let Some(ts) = request.timestamp {
            inv = inv.args(["--timestamp".to_string(), ts.to_string()]);
        }
    }
    inv = inv.args(access_args(kind, &request.access));
    inv = inv.args([
        "-f".to_string(),
        request.dockerfile.display().to_string(),
        "-t".to_string(),
        request.tag.clone(),
    ]);
    for (k, v) in &request.build_args {
        inv = inv.args(["--build-arg".to_string(), format!("{k}={v}")]);
    }
    for (k, v) in &request.labels {
        inv = inv.args(["--label".to_string(), format!("{k}={v}")]);
    }
    if let Some(target) = &request.target {
        inv = inv.args(["--target".to_string(), target.clone()]);
    }
    if let Some(platform) = &request.platform {
        inv = inv.args(["--platform".to_string(), platform.clone()]);
    }
    inv = inv.args([request.context.display().to_string()]);
    apply_access(inv, kind, &request.access)
}

/// The push command line.
pub fn push_invocation(builder: &Builder, request: &PushRequest) -> Invocation {
    let kind = builder.kind;
    let program = builder.program.display().to_string();
    let mut inv = builder_invocation(kind, &program, request.timeout)
        .args(storage_args(builder))
        .args(["push".to_string()]);
    if kind == BuilderKind::Docker {
        // docker pushes the image under the name it was built with.
        inv = inv.args([request.destination.clone()]);
    } else {
        inv = inv.args(access_args(kind, &request.access)).args([
            "--digestfile".to_string(),
            request.digest_file.display().to_string(),
            request.image.clone(),
            format!("docker://{}", request.destination),
        ]);
    }
    apply_access(inv, kind, &request.access)
}

/// Follows a log file a child writes, handing each complete line on and
/// keeping the last lines for an error message.
struct LogFollower {
    path: PathBuf,
    offset: u64,
    partial: Vec<u8>,
    tail: VecDeque<String>,
}

impl LogFollower {
    fn new(path: &Path) -> Self {
        LogFollower {
            path: path.to_path_buf(),
            offset: 0,
            partial: Vec::new(),
            tail: VecDeque::new(),
        }
    }

    fn keep(&mut self, line: &str, on_line: &mut dyn FnMut(&str)) {
        on_line(line);
        if self.tail.len() == TAIL_LINES {
            self.tail.pop_front();
        }
        self.tail.push_back(line.to_string());
    }

    fn poll(&mut self, on_line: &mut dyn FnMut(&str)) {
        let Ok(mut file) = std::fs::File::open(&self.path) else {
            return;
        };
        if file.seek(SeekFrom::Start(self.offset)).is_err() {
            return;
        }
        let mut fresh = Vec::new();
        if let Ok(n) = file.read_to_end(&mut fresh) {
            self.offset += n as u64;
        }
        self.partial.extend_from_slice(&fresh);
        while let Some(at) = self.partial.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = self.partial.drain(..=at).collect();
            let text = String::from_utf8_lossy(&line[..line.len() - 1]).into_owned();
            self.keep(text.trim_end_matches('\r'), on_line);
        }
    }

    fn finish(&mut self, on_line: &mut dyn FnMut(&str)) {
        self.poll(on_line);
        if !self.partial.is_empty() {
            let text = String::from_utf8_lossy(&std::mem::take(&mut self.partial)).into_owned();
            self.keep(&text, on_line);
        }
    }
}

fn failure(kind: BuilderKind, what: &str, done: &Finished, tail: &VecDeque<String>) -> Error {
    let mut lines: Vec<String> = tail.iter().cloned().collect();
    let stderr = done.stderr_tail(10);
    for line in stderr.lines() {
        if !lines.iter().any(|l| l == line) {
            lines.push(line.to_string());
        }
    }
    let start = lines.len().saturating_sub(TAIL_LINES);
    let status = done.code.map_or("was killed by a signal".to_string(), |c| {
        format!("exited with {c}")
    });
    Error::Tool {
        tool: kind.name().into(),
        message: format!(
            "{what} failed ({status}); last lines:\n{}",
            lines[start..].join("\n")
        ),
    }
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

/// Writes a docker-style `config.json` with `auths` for each `(host, user,
/// password)` into `dir` (which the caller keeps private), mode 0600.
pub fn write_auth_file(dir: &Path, entries: &[(String, String, String)]) -> Result<PathBuf> {
    use base64::Engine as _;
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut auths = serde_json::Map::new();
    for (host, user, password) in entries {
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        auths.insert(host.clone(), serde_json::json!({ "auth": token }));
    }
    let body = zeroize::Zeroizing::new(
        serde_json::to_vec(&serde_json::json!({ "auths": auths })).unwrap_or_default(),
    );
    let path = dir.join("config.json");
    let io = |error| Error::File {
        path: path.clone(),
        error,
    };
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .map_err(io)?;
    file.write_all(&body).map_err(io)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn buildah() -> Builder {
        Builder {
            kind: BuilderKind::Buildah,
            program: "/usr/bin/buildah".into(),
            storage: Storage {
                root: Some("/s/root".into()),
                runroot: Some("/s/runroot".into()),
                driver: Some("vfs".into()),
                isolation: Some("chroot".into()),
            },
        }
    }

    fn request() -> BuildRequest {
        BuildRequest {
            context: "/ctx".into(),
            dockerfile: "/ctx/Dockerfile".into(),
            tag: "h:5000/staging/api:v1".into(),
            build_args: BTreeMap::from([("A".into(), "1".into())]),
            target: Some("final".into()),
            platform: Some("linux/amd64".into()),
            labels: BTreeMap::from([("org.opencontainers.image.revision".into(), "abc".into())]),
            timestamp: None,
            access: RegistryAccess {
                auth_file: Some("/tmp/x/config.json".into()),
                cert_dir: None,
                tls_verify: false,
            },
            log_file: "/tmp/x/build.log".into(),
            timeout: Duration::from_secs(60),
        }
    }

    #[test]
    fn buildah_build_command_line() {
        let inv = build_invocation(&buildah(), &request());
        let line = inv.args.join(" ");
        assert!(line.starts_with(
            "--storage-driver vfs --root /s/root --runroot /s/runroot build --isolation chroot \
             --logfile /tmp/x/build.log --authfile /tmp/x/config.json --tls-verify=false"
        ), "{line}");
        assert!(line.contains("-f /ctx/Dockerfile -t h:5000/staging/api:v1 --build-arg A=1"));
        assert!(line.contains("--label org.opencontainers.image.revision=abc"));
        assert!(
            line.ends_with("--target final --platform linux/amd64 /ctx"),
            "{line}"
        );
    }

    #[test]
    fn push_uses_digestfile_and_no_credentials_on_the_line() {
        let push = PushRequest {
            image: "h:5000/staging/api:v1".into(),
            destination: "h:5000/staging/api:v1".into(),
            access: RegistryAccess {
                auth_file: Some("/tmp/x/config.json".into()),
                cert_dir: Some("/tmp/x/certs".into()),
                tls_verify: true,
            },
            digest_file: "/tmp/x/digest".into(),
            timeout: Duration::from_secs(60),
        };
        let inv = push_invocation(&buildah(), &push);
        let line = inv.args.join(" ");
        assert!(line.contains(
            "push --authfile /tmp/x/config.json --cert-dir /tmp/x/certs --digestfile /tmp/x/digest"
        ));
        assert!(line.ends_with("h:5000/staging/api:v1 docker://h:5000/staging/api:v1"));
        assert!(!line.contains("--creds") && !line.contains("tls-verify"));
        let docker = Builder {
            kind: BuilderKind::Docker,
            program: "/usr/bin/docker".into(),
            storage: Storage::default(),
        };
        let inv = push_invocation(&docker, &push);
        assert_eq!(inv.args, ["push", "h:5000/staging/api:v1"]);
        assert_eq!(
            inv.env.get("DOCKER_CONFIG").map(String::as_str),
            Some("/tmp/x")
        );
    }

    #[test]
    fn auth_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path =
            write_auth_file(dir.path(), &[("h:5000".into(), "u".into(), "p".into())]).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let doc: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(doc["auths"]["h:5000"]["auth"], "dTpw");
    }

    #[tokio::test]
    async fn follows_a_log_file_while_the_child_runs() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("build.log");
        let fake = dir.path().join("fake-builder");
        std::fs::write(
            &fake,
            format!(
                "#!/bin/sh\nfor i in 1 2 3; do echo \"step $i\" >> {}; sleep 0.15; done\necho 'boom' >&2\nexit 2\n",
                log.display()
            ),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
        let builder = Builder {
            kind: BuilderKind::Buildah,
            program: fake,
            storage: Storage::default(),
        };
        let mut req = request();
        req.log_file = log;
        let mut seen = Vec::new();
        let err = build(&builder, &req, &mut |l| seen.push(l.to_string()))
            .await
            .unwrap_err();
        assert_eq!(seen, ["step 1", "step 2", "step 3"]);
        assert_eq!(err.exit(), crate::exit::Exit::Tool);
        let text = err.to_string();
        assert!(
            text.contains("exited with 2") && text.contains("step 3") && text.contains("boom"),
            "{text}"
        );
    }
}
