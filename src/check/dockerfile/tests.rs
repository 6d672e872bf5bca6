//! Each Dockerfile reference form, on the fixtures in `fixtures/check/dockerfile/`.

use super::scan;
use crate::check::{Expanded, Mention};
use std::collections::BTreeMap;

const D: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/fixtures/check/dockerfile/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn mentions(name: &str) -> Vec<Mention> {
    scan(&fixture(name), &BTreeMap::new(), None)
}

/// `(line, column, expanded text or "?reason")` of each mention.
fn summary(found: &[Mention]) -> Vec<(usize, usize, String)> {
    found
        .iter()
        .map(|m| {
            let text = match &m.expanded {
                Expanded::Text(t) => t.clone(),
                Expanded::Unresolved(why) => format!("?{why}"),
            };
            (m.line, m.column, text)
        })
        .collect()
}

fn text(s: &str) -> String {
    s.to_string()
}

#[test]
fn seed_base_image() {
    assert_eq!(
        summary(&mentions("seed.Dockerfile")),
        [(
            1,
            6,
            text("definitely-legitimate-source/totally-not-malware:latest")
        )]
    );
}

#[test]
fn arg_substitution_with_defaults_and_build_args() {
    // The fixture's `# syntax=` frontend is a reference too.
    let found = summary(&mentions("args.Dockerfile"));
    assert_eq!(found[0], (1, 10, text("docker/dockerfile:1")));
    let found = &found[1..];
    assert_eq!(found[0], (6, 6, text("harbor.example.com/base/debian:12")));
    assert_eq!(
        found[1],
        (7, 6, text("harbor.example.com/base/python:3.12"))
    );
    assert_eq!((found[2].0, found[2].1), (8, 6));
    assert!(
        found[2].2.starts_with("?ARG DIGEST has no default"),
        "{found:?}"
    );
    let args = BTreeMap::from([
        ("DIGEST".to_string(), D.to_string()),
        ("VERSION".to_string(), "11".to_string()),
    ]);
    let found = summary(&scan(&fixture("args.Dockerfile"), &args, None));
    assert_eq!(found[1].2, "harbor.example.com/base/debian:11");
    assert_eq!(found[3].2, format!("harbor.example.com/base/node:20@{D}"));
    assert_eq!(mentions("args.Dockerfile")[1].written, "${IMAGE}");
}

#[test]
fn stages_scratch_copy_from_and_mounts() {
    let found = mentions("multistage.Dockerfile");
    assert_eq!(
        summary(&found),
        [
            (1, 6, text("harbor.example.com/base/golang:1.22")),
            (10, 13, text("harbor.example.com/base/busybox:1.36")),
            (11, 26, text("ghcr.io/acme/tools:2")),
            (12, 28, text("docker.io/library/alpine:3.20")),
        ]
    );
    assert_eq!(found[0].context, "FROM (stage build)");
    assert_eq!(found[1].context, "COPY --from");
    assert_eq!(found[3].context, "RUN --mount from");
}

#[test]
fn platform_flag_and_platform_args() {
    let found = mentions("platform.Dockerfile");
    assert_eq!(
        summary(&found),
        [
            (1, 32, text("harbor.example.com/base/golang:1.22")),
            (2, 29, text("harbor.example.com/base/debian:12-amd64")),
        ]
    );
    assert_eq!(
        found[0].context,
        "FROM --platform=$BUILDPLATFORM (stage build)"
    );
    let arm = scan(
        &fixture("platform.Dockerfile"),
        &BTreeMap::new(),
        Some("linux/arm64"),
    );
    assert_eq!(
        summary(&arm)[1].2,
        "harbor.example.com/base/debian:12-arm64"
    );
}

#[test]
fn line_continuations_with_comments_and_blank_lines() {
    assert_eq!(
        summary(&mentions("continuation.Dockerfile")),
        [(3, 3, text("harbor.example.com/base/debian:12"))]
    );
}

#[test]
fn escape_directive_changes_the_continuation_character() {
    assert_eq!(
        summary(&mentions("escape.Dockerfile")),
        [
            (3, 5, text("harbor.example.com/base/windows:ltsc2022")),
            (5, 13, text("alpine:3")),
        ]
    );
}

#[test]
fn heredoc_bodies_are_read_both_ways() {
    let found = mentions("heredoc.Dockerfile");
    assert_eq!(
        summary(&found),
        [
            (1, 6, text("harbor.example.com/base/debian:12")),
            (3, 6, text("evil.example.com/not-an-instruction:latest")),
            (7, 7, text("this/is/data:latest")),
            (10, 6, text("a/b:latest")),
            (12, 6, text("c/d:latest")),
            (14, 6, text("harbor.example.com/base/alpine:3.20")),
        ]
    );
    // BuildKit reads the bodies as data; builders without heredocs build them.
    for m in &found {
        let classic_only = m.context.contains("without heredoc support");
        assert_eq!(classic_only, ![1, 14].contains(&m.line), "{m:?}");
    }
}

/// The case: buildah 1.28 (seen with the real one) builds the stage
/// hidden in a `COPY <<CMD` body, so it must be checked.
#[test]
fn a_stage_hidden_in_a_heredoc_is_found() {
    let file = "FROM scratch\nCOPY <<CMD /x\nFROM staging/vuln:1.0\nCMD\n";
    let found = scan(file, &BTreeMap::new(), None);
    assert_eq!(
        summary(&found),
        [(3, 6, text("staging/vuln:1.0"))],
        "{found:?}"
    );
}

/// buildah 1.28 ignores `# escape=` after a `# syntax=` line (seen with the
/// real one); BuildKit honours it. A backtick continuation hides the next
/// line from a reader that honours it.
#[test]
fn escape_directives_are_read_as_each_builder_reads_them() {
    let file = "# syntax=harbor.example.com/base/dockerfile:1\n# escape=`\nFROM scratch\nRUN echo `\nFROM evil/base:1\n";
    let found = summary(&scan(file, &BTreeMap::new(), None));
    assert!(found.contains(&(5, 6, text("evil/base:1"))), "{found:?}");
}

#[test]
fn the_syntax_frontend_is_an_image_reference() {
    let file = "# syntax=docker/dockerfile:1.7\nFROM scratch\n";
    let found = scan(file, &BTreeMap::new(), None);
    assert_eq!(summary(&found), [(1, 10, text("docker/dockerfile:1.7"))]);
    assert!(found[0].context.contains("syntax"));
    let args = BTreeMap::from([("BUILDKIT_SYNTAX".to_string(), "evil/fe:1".to_string())]);
    let found = summary(&scan("FROM scratch\n", &args, None));
    assert_eq!(found, [(1, 1, text("evil/fe:1"))]);
}

#[test]
fn mount_from_in_every_spelling_buildkit_reads() {
    let file = "FROM scratch AS base\n\
RUN --mount=type=bind,FROM=evil/upper:1,target=/a true\n\
RUN --mount=type=bind,\"from=evil/quoted:1\",target=/b true\n\
RUN --mount=\"type=bind,from=evil/whole:1\" true\n\
RUN --mount=type=bind,from=base,target=/c true\n";
    let found = summary(&scan(file, &BTreeMap::new(), None));
    let images: Vec<&str> = found.iter().map(|f| f.2.as_str()).collect();
    assert_eq!(
        images,
        ["evil/upper:1", "evil/quoted:1", "evil/whole:1"],
        "{found:?}"
    );
    assert_eq!((found[0].0, found[0].1), (2, 28));
}

#[test]
fn onbuild_triggers_are_checked() {
    let file = "FROM scratch AS builder\n\
ONBUILD COPY --from=evil/onbuild:1 /a /b\n\
onbuild run --mount=from=evil/mount:1,target=/x true\n\
ONBUILD COPY --from=builder /a /b\n";
    let found = scan(file, &BTreeMap::new(), None);
    assert_eq!(
        summary(&found),
        [
            (2, 21, text("evil/onbuild:1")),
            (3, 26, text("evil/mount:1")),
            // A stage name means the stage of whichever build runs the trigger.
            (4, 21, text("builder")),
        ]
    );
    assert!(found[0].context.starts_with("ONBUILD COPY --from"));
}

#[test]
fn undefined_args_are_unresolvable() {
    let found = summary(&mentions("undefined-arg.Dockerfile"));
    assert_eq!(found.len(), 4, "{found:?}");
    assert!(
        found[0].2.starts_with("?ARG TAG has no default"),
        "{found:?}"
    );
    assert!(
        found[1]
            .2
            .contains("$BASE_IMAGE is not declared by an ARG before the first FROM"),
        "{found:?}"
    );
    assert_eq!(found[2].2, format!("harbor.example.com/base/python:3@{D}"));
    assert!(
        found[3]
            .2
            .contains("$TOOLS is not declared by an ARG in this stage"),
        "{found:?}"
    );
    assert_eq!((found[3].0, found[3].1), (5, 13));
}

#[test]
fn odd_input_never_panics() {
    for text in [
        "",
        "\\",
        "FROM",
        "FROM \\",
        "FROM ${",
        "ARG =x\nFROM $",
        "RUN <<EOF",
        "# escape=`\nFROM `",
        "FROM a AS",
        "COPY --from= /a /b",
        "RUN --mount=from=,x=y",
        "\u{feff}FROM é:1",
    ] {
        let _ = scan(text, &BTreeMap::new(), None);
    }
    // CRLF line endings.
    let found = scan(
        "FROM a:1 \\\r\n  AS b\r\nFROM b\r\n",
        &BTreeMap::new(),
        None,
    );
    assert_eq!(summary(&found), [(1, 6, text("a:1"))]);
}

#[test]
fn random_token_soup_never_panics() {
    // A small xorshift: deterministic, no dependency.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let tokens = [
        "FROM",
        "ARG",
        "COPY",
        "RUN",
        "AS",
        "--from=",
        "--mount=from=",
        "--platform=",
        "${",
        "}",
        "$",
        ":-",
        ":+",
        "\\",
        "`",
        "\n",
        "\r\n",
        " ",
        "\t",
        "#",
        "escape=`",
        "<<EOF",
        "<<-'X'",
        "EOF",
        "X",
        "\"",
        "'",
        "=",
        "a",
        "é",
        "0",
        "scratch",
        "@sha256:",
        "/",
        ":",
    ];
    for _ in 0..3000 {
        let len = (next() % 40) as usize;
        let text: String = (0..len)
            .map(|_| tokens[(next() % tokens.len() as u64) as usize])
            .collect();
        let _ = scan(&text, &BTreeMap::new(), None);
    }
}

/// Regression (found in review while adding the fuzz targets): ARGs whose
/// defaults repeat the previous ARG grew eightfold per line, so a 1 KiB
/// Dockerfile made `vimes check` expand gigabytes. Expansions are capped.
#[test]
fn self_repeating_args_do_not_blow_up() {
    let mut text = String::from("ARG A0=xxxxxxxx\n");
    for i in 1..12 {
        let p = i - 1;
        let word = format!("${{A{p}}}");
        text.push_str(&format!("ARG A{i}={}\n", word.repeat(8)));
    }
    text.push_str("FROM alpine:$A11\nFROM alpine:${A2}\n");
    let started = std::time::Instant::now();
    let found = scan(&text, &BTreeMap::new(), None);
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    assert_eq!(found.len(), 2);
    match &found[0].expanded {
        Expanded::Unresolved(why) => assert!(
            why.contains("more than 16 KiB") || why.contains("no default"),
            "{why}"
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        found[1].expanded,
        Expanded::Text(format!("alpine:{}", "x".repeat(8 * 64)))
    );
}
