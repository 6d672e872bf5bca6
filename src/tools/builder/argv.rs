//! The builders' command lines: storage and registry-access options, the
//! build and push invocations, and the part of vimes' environment a builder
//! may see.

use super::{BuildRequest, Builder, BuilderKind, PushRequest, RegistryAccess};
use crate::process::Invocation;
use std::path::Path;
use std::time::Duration;

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
