//! Snapshot tests of what a user reads: every `--help`, and the text output
//! of `scan`, `verify`, `promote` and `check` run against the real test bed.
//! Assertions elsewhere check what the output means; these fail when the
//! wording or layout changes at all, so a change is a reviewed diff of
//! `tests/it/snapshots_data/` instead of a surprise for users and scripts.
//!
//! Before snapshotting, [`Normaliser`] replaces what differs between runs
//! (digests, ports, temp paths, times, fingerprints, vimes' version).
//!
//! After an intended output change:
//! `INSTA_UPDATE=always scripts/test --test it snapshots`, then review the
//! diff. With `CI=true` insta writes nothing and fails on any difference.

mod help;
mod normalise;
mod output;

pub use normalise::Normaliser;

use crate::support::RunOutput;

/// Where the `.snap` files live: beside this module, not in insta's default
/// `snapshots/` (the name of this module's own directory), and without the
/// module path in their names so each file is named after what it shows.
fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(snapshot_dir());
    settings.set_prepend_module_to_snapshot(false);
    // The transcript names the command; the Rust expression adds nothing.
    settings.set_omit_expression(true);
    settings
}

fn snapshot_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/snapshots_data")
}

/// What a user sees of one run, without a TTY: the command line, the exit
/// code, then stdout and stderr as printed.
pub fn transcript(out: &RunOutput, normaliser: &Normaliser) -> String {
    let stream = |text: &str| match text {
        "" => "(nothing)\n".to_string(),
        text if text.ends_with('\n') => text.to_string(),
        text => format!("{text}\n(no newline at the end)\n"),
    };
    let text = format!(
        "$ vimes {}\nexit code: {}\n--- stdout ---\n{}--- stderr ---\n{}",
        out.args.join(" "),
        out.code,
        stream(&out.stdout),
        stream(&out.stderr)
    );
    normaliser.apply(&text)
}

/// Compares `text` with the snapshot `name` (`tests/it/snapshots_data/NAME.snap`).
#[track_caller]
pub fn assert_snapshot(name: &str, text: &str) {
    settings().bind(|| insta::assert_snapshot!(name, text));
}
