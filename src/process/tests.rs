//! The runner on `sh`: output, environment, directories, stdin, timeouts
//! and process groups, async and blocking.
use super::*;
use std::time::Instant;

#[tokio::test]
async fn captures_output_and_exit_code() {
    let done = Invocation::new("sh", "sh", Duration::from_secs(5))
        .args(["-c", "echo out; echo err >&2; exit 3"])
        .run()
        .await
        .unwrap();
    assert_eq!(done.code, Some(3));
    assert_eq!(done.stdout, b"out\n");
    assert_eq!(done.stderr_tail(1), "err");
}

#[tokio::test]
async fn environment_is_per_child() {
    let done = Invocation::new("sh", "sh", Duration::from_secs(5))
        .args(["-c", "printf %s \"$VIMES_TEST_SECRET\""])
        .env("VIMES_TEST_SECRET", "s3")
        .run()
        .await
        .unwrap();
    assert_eq!(done.stdout, b"s3");
    assert!(std::env::var("VIMES_TEST_SECRET").is_err());
}

#[tokio::test]
async fn the_environment_is_built_from_nothing() {
    // cargo sets CARGO_MANIFEST_DIR for the test process; a child must
    // not inherit what vimes did not choose to pass.
    assert!(std::env::var("CARGO_MANIFEST_DIR").is_ok());
    let done = Invocation::new("sh", "sh", Duration::from_secs(5))
        .args(["-c", "env; echo cwd=$(pwd); ls -A"])
        .run()
        .await
        .unwrap();
    let out = String::from_utf8(done.stdout).unwrap();
    assert!(!out.contains("CARGO_MANIFEST_DIR"), "{out}");
    assert!(out.contains("PATH="), "{out}");
    let cwd = out
        .lines()
        .find_map(|l| l.strip_prefix("cwd="))
        .unwrap()
        .to_string();
    assert!(cwd.contains("vimes-sh-"), "{out}");
    assert!(out.contains(&format!("HOME={cwd}")), "{out}");
    // The working directory was empty: `ls -A` printed nothing after cwd.
    assert!(out.trim_end().ends_with(&format!("cwd={cwd}")), "{out}");
    assert!(!Path::new(&cwd).exists(), "the private dir is removed");
}

#[tokio::test]
async fn inherited_variables_are_named() {
    let done = Invocation::new("sh", "sh", Duration::from_secs(5))
        .args(["-c", "printf %s \"$CARGO_MANIFEST_DIR\""])
        .inherit(["CARGO_MANIFEST_DIR"])
        .run()
        .await
        .unwrap();
    assert_eq!(done.stdout, env!("CARGO_MANIFEST_DIR").as_bytes());
}

#[tokio::test]
async fn timeout_kills_the_whole_group() {
    let started = Instant::now();
    let err = Invocation::new("sh", "sh", Duration::from_millis(300))
        .args(["-c", "sleep 30 & sleep 30; wait"])
        .run()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("timed out"), "{err}");
    assert_eq!(err.exit(), crate::exit::Exit::Tool);
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_cancelled_run_kills_the_whole_group() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("grandchild.pid");
    let script = format!("sleep 30 & echo $! > {}; wait", pid_file.display());
    let invocation =
        Invocation::new("sh", "sh", Duration::from_secs(60)).args(["-c", script.as_str()]);
    // Dropping the future mid-run is what a blocked scan does to the SBOM job.
    let cancelled = tokio::time::timeout(Duration::from_millis(500), invocation.run()).await;
    assert!(cancelled.is_err(), "the run should still have been going");
    let pid = std::fs::read_to_string(&pid_file).unwrap();
    let alive = |pid: &str| {
        // A killed grandchild is gone or a zombie waiting for init to reap it.
        std::fs::read_to_string(format!("/proc/{}/stat", pid.trim()))
            .is_ok_and(|stat| !stat.contains(") Z "))
    };
    let deadline = Instant::now() + Duration::from_secs(5);
    while alive(&pid) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        !alive(&pid),
        "grandchild {} survived the cancelled run",
        pid.trim()
    );
}

#[tokio::test]
async fn missing_program_is_a_tool_error() {
    let err = Invocation::new("trivy", "/nonexistent/trivy", Duration::from_secs(1))
        .run()
        .await
        .unwrap_err();
    assert_eq!(err.exit(), crate::exit::Exit::Tool);
    assert!(err.to_string().contains("not found"));
}

#[tokio::test]
async fn stdin_reaches_the_child() {
    let done = Invocation::new("sh", "sh", Duration::from_secs(5))
        .args(["-c", "read line; printf '<%s>' \"$line\""])
        .stdin(b"registry.example.com\n".to_vec())
        .run()
        .await
        .unwrap();
    assert_eq!(done.stdout, b"<registry.example.com>");
}

#[test]
fn blocking_runs_are_the_same_child() {
    let done = Invocation::new("sh", "sh", Duration::from_secs(5))
        .args(["-c", "read x; env; echo in=$x; echo err >&2; exit 4"])
        .stdin(b"abc\n".to_vec())
        .run_blocking()
        .unwrap();
    let out = String::from_utf8(done.stdout.clone()).unwrap();
    assert_eq!(done.code, Some(4));
    assert!(out.contains("in=abc"), "{out}");
    assert!(
        !out.contains("CARGO_MANIFEST_DIR"),
        "built from nothing: {out}"
    );
    assert_eq!(done.stderr_tail(1), "err");
}

#[test]
fn a_blocking_timeout_kills_the_whole_group() {
    let started = Instant::now();
    let err = Invocation::new("sh", "sh", Duration::from_millis(300))
        .args(["-c", "sleep 30 & sleep 30; wait"])
        .run_blocking()
        .unwrap_err();
    assert!(err.to_string().contains("timed out"), "{err}");
    // The pipes close only when every process of the group is gone.
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn the_users_own_tools_get_the_users_environment_and_directory() {
    let here = std::env::current_dir().unwrap();
    let done = Invocation::new("sh", "sh", Duration::from_secs(5))
        .args(["-c", "printf '%s|%s' \"$CARGO_MANIFEST_DIR\" \"$(pwd)\""])
        .inherit_environment()
        .run_ok_blocking()
        .unwrap();
    assert_eq!(
        String::from_utf8(done.stdout).unwrap(),
        format!("{}|{}", env!("CARGO_MANIFEST_DIR"), here.display())
    );
}

#[test]
fn the_command_line_is_shell_escaped_and_failures_say_how_it_ended() {
    let invocation = Invocation::new("git", "git", Duration::from_secs(5))
        .args(["log", "--format=%H", "it's here", ""])
        .env("SECRET", "never shown");
    assert_eq!(
        invocation.to_string(),
        "git log --format=%H 'it'\\''s here' ''"
    );
    let done = Finished {
        code: Some(128),
        signal: None,
        stdout: Vec::new(),
        stderr: "fatal: not a git repository\n".into(),
        elapsed: Duration::ZERO,
    };
    let err = invocation.failure(&done);
    assert_eq!(err.exit(), crate::exit::Exit::Tool);
    let text = err.to_string();
    assert!(
        text.contains("exited with status 128: fatal: not a git repository"),
        "{text}"
    );
    assert!(!text.contains("never shown"), "{text}");
    let killed = Finished {
        code: None,
        signal: Some(9),
        ..done
    };
    assert!(invocation
        .failure(&killed)
        .to_string()
        .contains("was killed by a signal (9)"));
}

#[test]
fn programs_resolve_on_path_or_as_executable_paths() {
    let sh = resolve_program("sh").expect("sh is on PATH");
    assert!(sh.is_absolute() && sh.ends_with("sh"), "{sh:?}");
    assert_eq!(resolve_program("vimes-no-such-program-anywhere"), None);
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("not-executable");
    std::fs::write(&plain, "#!/bin/sh\n").unwrap();
    assert_eq!(resolve_program(&plain.display().to_string()), None);
    assert_eq!(
        resolve_program(&sh.display().to_string()).as_deref(),
        Some(sh.as_path())
    );
}
