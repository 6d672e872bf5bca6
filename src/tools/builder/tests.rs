//! Builder command lines, the auth file and log following, without a builder.
use super::*;
use crate::registry::auth::write_auth_file;

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
    assert!(
        line.starts_with(
            "--storage-driver vfs --root /s/root --runroot /s/runroot build --isolation chroot \
         --logfile /tmp/x/build.log --authfile /tmp/x/config.json --tls-verify=false"
        ),
        "{line}"
    );
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
    let path = write_auth_file(dir.path(), &[("h:5000".into(), "u".into(), "p".into())]).unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
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
