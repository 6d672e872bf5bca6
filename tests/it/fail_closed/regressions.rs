//! Fail-open cases the matrix found outside the registry code, kept as
//! regression tests: each states the behaviour the security model asks for.

use super::{bed_available, Bed};

/// A human rejected this digest (`vimes review --reject`); `promote --yes`
/// must not approve it anyway (once, `--yes` recorded a fresh approval over
/// the saved rejection and the image was promoted).
#[test]
fn a_saved_rejection_is_not_overridden_by_yes() {
    if !bed_available() {
        return;
    }
    let bed = Bed::get();
    let env = bed.env();
    env.run(&["review", "--reject", "rejected:1"])
        .assert_code(1);
    let out = env.run(&["--yes", "promote", "rejected:1"]);
    let tagged = bed
        .production
        .client()
        .manifest_exists("production/rejected", "1");
    assert!(
        out.code == 1 && !tagged,
        "a rejected digest was promoted (tag written: {tagged})\n{}",
        out.dump()
    );
    out.assert_stderr_contains("rejected");
}

/// `VIMES_TODAY` overrides the clock for audits; a malformed value must be an
/// error, not silently replaced by the real date (an audit of "2027/02/01"
/// would otherwise apply an exception that expired on 2027-01-31).
#[test]
fn a_malformed_vimes_today_is_an_error() {
    if !bed_available() {
        return;
    }
    let bed = Bed::get();
    let mut env = bed.env();
    env.env("VIMES_TODAY", "2027/02/01");
    let out = env.run(&["scan", "tiff:1"]);
    assert_eq!(out.code, 2, "{}", out.dump());
    out.assert_stderr_contains("VIMES_TODAY");
}
