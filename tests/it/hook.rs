//! `vimes hook install` in temporary git repositories, with real `git push`
//! to a local bare remote: a bad reference blocks the push, a clean one
//! passes; new branches, deletions, chaining an existing hook,
//! `core.hooksPath`, and what is checked is the pushed commit, not the
//! working tree.

use crate::support::TestBed;
use crate::support::TestEnv;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const D: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

const POLICY: &str = "version: 1
policy:
  allowed_registries: [harbor.example.com/base]
  require_digest: true
";

/// A work repository `work/` with a bare remote `remote.git/`, one clean
/// commit pushed to `main`.
struct Repo {
    env: TestEnv,
}

impl Repo {
    fn new() -> Option<Repo> {
        let mut env = TestBed::builder().tool("git").build()?.env;
        env.write("work/vimes.yaml", POLICY).write(
            "work/app/Dockerfile",
            format!("FROM harbor.example.com/base/debian:12@{D}\n"),
        );
        let repo = Repo { env };
        repo.git_in(
            repo.env.home(),
            &["init", "-q", "--bare", "-b", "main", "remote.git"],
        );
        repo.git(&["init", "-q", "-b", "main"]);
        repo.git(&["remote", "add", "origin", "../remote.git"]);
        repo.commit_all("clean");
        let out = repo.push(&["origin", "main"]);
        assert!(out.status.success(), "{}", text(&out));
        Some(repo)
    }

    fn work(&self) -> PathBuf {
        self.env.path("work")
    }

    fn git_command(&self, dir: &Path, args: &[&str]) -> Command {
        let mut cmd = Command::new("git");
        cmd.args(["-c", "user.name=t", "-c", "user.email=t@example.invalid"])
            .args(args)
            .current_dir(dir)
            .env_clear()
            .env("PATH", self.env.path_var())
            .env("HOME", self.env.home())
            .env("GIT_CONFIG_NOSYSTEM", "1");
        cmd
    }

    fn git_in(&self, dir: &Path, args: &[&str]) -> String {
        let out = self.git_command(dir, args).output().expect("run git");
        assert!(out.status.success(), "git {args:?}: {}", text(&out));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    fn git(&self, args: &[&str]) -> String {
        self.git_in(&self.work(), args)
    }

    /// `git push ARGS` (the hook runs); the output, success or not.
    fn push(&self, args: &[&str]) -> Output {
        let mut all = vec!["push"];
        all.extend_from_slice(args);
        self.git_command(&self.work(), &all)
            .output()
            .expect("run git push")
    }

    fn commit_all(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
    }

    fn write(&mut self, rel: &str, contents: &str) {
        self.env.write(&format!("work/{rel}"), contents);
    }

    fn install(&self, extra: &[&str]) -> Output {
        let mut args = vec!["hook", "install"];
        args.extend_from_slice(extra);
        self.env
            .command(&args)
            .current_dir(self.work())
            .output()
            .expect("run vimes hook install")
    }

    fn remote_head(&self, branch: &str) -> Option<String> {
        let out = self
            .git_command(
                &self.env.path("remote.git"),
                &[
                    "rev-parse",
                    "--verify",
                    "-q",
                    &format!("refs/heads/{branch}"),
                ],
            )
            .output()
            .expect("run git rev-parse");
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
    }
}

fn text(out: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn executable(path: &Path, script: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, script).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn a_bad_reference_blocks_the_push_and_a_clean_one_passes() {
    let Some(mut repo) = Repo::new() else { return };
    let out = repo.install(&[]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("installed pre-push hook"));
    let hook = repo.work().join(".git/hooks/pre-push");
    assert!(std::fs::read_to_string(&hook)
        .unwrap()
        .contains("# vimes pre-push hook"));

    let before = repo.remote_head("main");
    repo.write(
        "app/Dockerfile",
        "FROM definitely-legitimate-source/totally-not-malware:latest\n",
    );
    repo.commit_all("bad base");
    let out = repo.push(&["origin", "main"]);
    let shown = text(&out);
    assert!(!out.status.success(), "the push went through:\n{shown}");
    assert!(shown.contains("app/Dockerfile:1:6"), "{shown}");
    assert!(shown.contains("error[disallowed-registry]"), "{shown}");
    assert!(shown.contains("error[latest-tag]"), "{shown}");
    assert_eq!(repo.remote_head("main"), before, "the remote moved");

    repo.write(
        "app/Dockerfile",
        &format!("FROM harbor.example.com/base/debian:12@{D}\nCOPY . /app\n"),
    );
    repo.commit_all("fixed");
    let out = repo.push(&["origin", "main"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        repo.remote_head("main"),
        Some(repo.git(&["rev-parse", "HEAD"]))
    );
}

#[test]
fn the_pushed_commits_are_checked_not_the_working_tree() {
    let Some(mut repo) = Repo::new() else { return };
    assert!(repo.install(&[]).status.success());
    repo.write(
        "deploy/app.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: a\n      image: nginx:latest\n",
    );
    repo.commit_all("bad manifest");
    // Fixed in the working tree only: what is pushed is still bad.
    repo.write(
        "deploy/app.yaml",
        &format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  containers:\n    - name: a\n      image: harbor.example.com/base/nginx:1@{D}\n"),
    );
    let out = repo.push(&["origin", "main"]);
    let shown = text(&out);
    assert!(!out.status.success(), "{shown}");
    assert!(shown.contains("deploy/app.yaml:7:14"), "{shown}");
}

#[test]
fn new_branches_are_checked_and_deletions_pass() {
    let Some(mut repo) = Repo::new() else { return };
    assert!(repo.install(&[]).status.success());
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("compose.yaml", "services:\n  db:\n    image: postgres\n");
    repo.commit_all("compose");
    let out = repo.push(&["origin", "feature"]);
    let shown = text(&out);
    assert!(!out.status.success(), "{shown}");
    assert!(shown.contains("compose.yaml:3:12"), "{shown}");
    assert!(shown.contains("error[untagged]"), "{shown}");
    assert_eq!(repo.remote_head("feature"), None);

    // A new branch with only already-pushed (clean) commits passes.
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&["checkout", "-q", "-b", "clean-branch"]);
    let out = repo.push(&["origin", "clean-branch"]);
    assert!(out.status.success(), "{}", text(&out));

    // Deleting a branch pushes no content.
    let out = repo.push(&["origin", "--delete", "clean-branch"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(repo.remote_head("clean-branch"), None);
}

#[test]
fn an_existing_hook_is_chained_and_runs_first() {
    let Some(mut repo) = Repo::new() else { return };
    let hooks = repo.work().join(".git/hooks");
    let log = repo.env.path("local-hook.log");
    executable(
        &hooks.join("pre-push"),
        &format!(
            "#!/bin/sh\necho \"local hook: $1\" >> '{log}'\ncat >> '{log}'\nexit \"${{LOCAL_HOOK_EXIT:-0}}\"\n",
            log = log.display()
        ),
    );
    let out = repo.install(&[]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("pre-push.local"));
    assert!(hooks.join("pre-push.local").exists());

    repo.write("README", "clean change\n");
    repo.commit_all("docs");
    let head = repo.git(&["rev-parse", "HEAD"]);
    let out = repo.push(&["origin", "main"]);
    assert!(out.status.success(), "{}", text(&out));
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(logged.contains("local hook: origin"), "{logged}");
    assert!(
        logged.contains(&format!("refs/heads/main {head} refs/heads/main")),
        "{logged}"
    );

    // Installing again updates vimes' hook and keeps the chain.
    let out = repo.install(&[]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("updated"),
        "{}",
        text(&out)
    );
    assert!(hooks.join("pre-push.local").exists());

    // A failing chained hook blocks the push even when vimes would pass it.
    repo.write("README", "another clean change\n");
    repo.commit_all("docs 2");
    let out = repo
        .git_command(&repo.work(), &["push", "origin", "main"])
        .env("LOCAL_HOOK_EXIT", "7")
        .output()
        .unwrap();
    assert!(!out.status.success(), "{}", text(&out));
}

#[test]
fn core_hooks_path_is_honoured() {
    let Some(mut repo) = Repo::new() else { return };
    repo.git(&["config", "core.hooksPath", ".githooks"]);
    let out = repo.install(&[]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(repo.work().join(".githooks/pre-push").exists());
    assert!(!repo.work().join(".git/hooks/pre-push").exists());
    repo.write("Containerfile", "FROM ubuntu\n");
    repo.commit_all("bad");
    let out = repo.push(&["origin", "main"]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("Containerfile:1:6"));
}

#[test]
fn refuses_to_overwrite_without_force() {
    let Some(repo) = Repo::new() else { return };
    let hooks = repo.work().join(".git/hooks");
    executable(&hooks.join("pre-push"), "#!/bin/sh\nexit 0\n");
    executable(&hooks.join("pre-push.local"), "#!/bin/sh\nexit 0\n");
    let out = repo.install(&[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("--force"));
    assert_eq!(
        std::fs::read_to_string(hooks.join("pre-push")).unwrap(),
        "#!/bin/sh\nexit 0\n"
    );
    let out = repo.install(&["--force"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(hooks.join("pre-push.vimes-backup").exists());
    assert!(std::fs::read_to_string(hooks.join("pre-push"))
        .unwrap()
        .contains("# vimes pre-push hook"));
}

#[test]
fn check_hook_reads_pre_push_lines_from_stdin() {
    let Some(mut repo) = Repo::new() else { return };
    let base = repo.git(&["rev-parse", "HEAD"]);
    repo.write("app/Dockerfile", "FROM alpine:3\n");
    repo.commit_all("unpinned");
    let head = repo.git(&["rev-parse", "HEAD"]);
    let run = |stdin: &str| {
        let mut cmd = repo.env.command(&["--output", "json", "check", "--hook"]);
        cmd.current_dir(repo.work())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let out = run(&format!("refs/heads/main {head} refs/heads/main {base}\n"));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["files_checked"], 1,
        "only the changed file: {report}"
    );
    assert_eq!(report["findings"][0]["file"], "app/Dockerfile");
    // Nothing changed in the range: nothing to check.
    let out = run(&format!("refs/heads/main {base} refs/heads/main {base}\n"));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = run("garbage\n");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}
