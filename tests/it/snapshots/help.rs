//! One snapshot of `--help` per command and subcommand. The commands are read
//! from the binary's own help, so a new command fails here until its help has
//! a snapshot, and a removed one fails until its stale snapshot goes.

use super::{assert_snapshot, snapshot_dir, Normaliser};
use crate::support::{TestBed, TestEnv};
use std::collections::BTreeSet;

const PREFIX: &str = "help__";

/// A sealed env whose help is laid out the same everywhere: clap wraps help
/// to the terminal, and with no terminal to `COLUMNS`.
fn help_env() -> TestEnv {
    let mut env = TestBed::builder().ready().env;
    env.env("COLUMNS", "100");
    env
}

/// The subcommands `vimes PATH... --help` lists under "Commands:" (clap's
/// own `help` aside: it prints the same help as `--help`).
fn subcommands(env: &TestEnv, path: &[String]) -> Vec<String> {
    let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
    args.push("--help");
    let out = env.run(&args);
    out.assert_code(0);
    let Some((_, after)) = out.stdout.split_once("\nCommands:\n") else {
        return Vec::new();
    };
    after
        .lines()
        .take_while(|line| !line.trim().is_empty())
        // A command's line is indented by two; wrapped descriptions by more.
        .filter(|line| line.starts_with("  ") && !line.starts_with("   "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect()
}

/// Every command path, depth first: `[]` (vimes itself), `["config"]`,
/// `["config", "schema"]`, ...
fn command_paths(env: &TestEnv) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let mut todo = vec![Vec::new()];
    while let Some(path) = todo.pop() {
        let children = subcommands(env, &path);
        for child in children.into_iter().rev() {
            let mut next = path.clone();
            next.push(child);
            todo.push(next);
        }
        paths.push(path);
    }
    paths
}

fn snapshot_name(path: &[String]) -> String {
    match path {
        [] => format!("{PREFIX}vimes"),
        path => format!("{PREFIX}{}", path.join("_")),
    }
}

#[test]
fn every_help_matches_its_snapshot() {
    let env = help_env();
    let paths = command_paths(&env);
    let names: Vec<String> = paths.iter().map(|p| snapshot_name(p)).collect();
    // The enumeration itself must work: a help layout it cannot read would
    // otherwise leave only `vimes --help` and pass.
    for expected in [
        "scan",
        "verify",
        "promote",
        "check",
        "config_show",
        "sbom_query",
    ] {
        assert!(
            names.contains(&format!("{PREFIX}{expected}")),
            "{expected} not found in the help: {names:?}"
        );
    }
    let normaliser = Normaliser::new().known(env.home().display().to_string(), "[dir]");
    for (path, name) in paths.iter().zip(&names) {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let out = env.run(&args);
        out.assert_code(0);
        assert_eq!(out.stderr, "", "{}", out.dump());
        // Help holds examples such as `127.0.0.1:5000` that must stay: only
        // the temp dir and the version are replaced.
        let text = format!(
            "$ vimes {}\n{}",
            args.join(" "),
            normaliser.apply_known(&out.stdout)
        );
        assert_snapshot(name, &text);
    }

    let committed: BTreeSet<String> = std::fs::read_dir(snapshot_dir())
        .expect("the snapshot directory")
        .filter_map(|entry| {
            let file = entry.ok()?.file_name().into_string().ok()?;
            let name = file.strip_prefix(PREFIX)?.strip_suffix(".snap")?;
            Some(format!("{PREFIX}{name}"))
        })
        .collect();
    let stale: Vec<&String> = committed.iter().filter(|n| !names.contains(n)).collect();
    assert!(
        stale.is_empty(),
        "snapshots of commands vimes no longer has (delete them): {stale:?}"
    );
}

#[test]
fn version_is_one_line_naming_vimes() {
    let env = help_env();
    let out = env.run(&["--version"]);
    out.assert_code(0);
    let text = format!(
        "$ vimes --version\n{}",
        Normaliser::new().apply_known(&out.stdout)
    );
    assert_snapshot("version", &text);
}
