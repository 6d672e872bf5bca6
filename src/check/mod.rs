//! `vimes check`: a static provenance check of the image references written in
//! Dockerfiles/Containerfiles, Kubernetes manifests and compose files, against
//! the image rules of `policy:` (allowed registries, digest pinning, no
//! `:latest`, no untagged image).
//!
//! The engine reads what it is handed and never prints. It makes no network
//! request: only [`resolve`] (`--resolve`) and [`base`] (`vimes build`'s
//! base-image freshness) talk to registries, and only when asked.

pub mod base;
pub mod compose;
mod directives;
pub mod dockerfile;
pub mod exclude;
pub mod files;
pub mod git;
pub mod hook;
pub mod kube;
mod kustomize;
pub mod resolve;
pub mod rules;
pub mod sarif;
mod vars;
pub(crate) mod yaml;

#[cfg(test)]
mod manifest_tests;

use crate::config::PolicyConfig;
use serde::Serialize;
use std::collections::BTreeMap;

pub use files::{FileKind, Input};
pub use rules::Rule;

/// The kind of file a reference was found in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// A Dockerfile or Containerfile.
    Dockerfile,
    /// A Kubernetes manifest.
    Kubernetes,
    /// A compose file.
    Compose,
}

/// What an image reference turned into after variable substitution.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expanded {
    /// The reference text, all variables substituted.
    Text(String),
    /// The reference cannot be known statically; the text says why.
    Unresolved(String),
}

/// One image reference written in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mention {
    /// 1-based line of the reference's first character.
    pub line: usize,
    /// 1-based column (in characters) of the reference's first character.
    pub column: usize,
    /// The reference as written, before substitution.
    pub written: String,
    /// The reference after substitution.
    pub expanded: Expanded,
    /// Where it was written (`FROM`, `COPY --from`, `spec.containers[0].image`, ...).
    pub context: String,
    /// The kind of file.
    pub kind: SourceKind,
}

/// One rule a reference breaks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The file, as given (relative to the working directory or the repository root).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// The reference as written in the file.
    pub reference: String,
    /// The fully qualified reference (`host/path[:tag][@digest]`), when it parses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Where in the file it was written.
    pub context: String,
    /// The kind of file.
    pub kind: SourceKind,
    /// The rule broken.
    pub rule: Rule,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
    /// The reference pinned to the digest its tag has now (`--resolve` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pinned: Option<String>,
}

impl Finding {
    /// `file:line:column`.
    pub fn location(&self) -> String {
        format!("{}:{}:{}", self.file, self.line, self.column)
    }
}

/// A file that was not checked, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// The file.
    pub file: String,
    /// Why it was skipped.
    pub reason: String,
}

/// Something worth knowing about a file that was still checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// The file.
    pub file: String,
    /// What is odd about it.
    pub message: String,
}

/// The outcome of a check.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Files read and scanned.
    pub files_checked: usize,
    /// Image references found (each once, however many rules it breaks).
    pub references: usize,
    /// Every rule broken, in file order.
    pub findings: Vec<Finding>,
    /// Files that could not be checked.
    pub skipped: Vec<Skipped>,
    /// Files checked with a caveat.
    pub warnings: Vec<Warning>,
    /// Files left out by `policy.check_exclude`.
    pub excluded: Vec<String>,
}

impl Report {
    /// Whether no rule was broken and every file was read: a file vimes
    /// could not check (binary, too large, not YAML, a FIFO...) may hold the
    /// very reference the policy forbids, so it fails the check unless
    /// `policy.check_exclude` names it.
    pub fn passed(&self) -> bool {
        self.findings.is_empty() && self.skipped.is_empty()
    }
}

/// What the rules and the Dockerfile scanner need besides the files.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    /// The policy whose image rules apply.
    pub policy: PolicyConfig,
    /// `--build-arg` values: override ARG defaults in Dockerfiles.
    pub build_args: BTreeMap<String, String>,
    /// Target platform (`os/arch[/variant]`) for the automatic platform ARGs.
    pub platform: Option<String>,
}

/// What scanning one file produced.
#[derive(Debug, Default)]
pub struct FileScan {
    /// The references found.
    pub mentions: Vec<Mention>,
    /// Set when the file could not be scanned.
    pub skipped: Option<String>,
    /// Caveats.
    pub warnings: Vec<String>,
}

/// Finds the image references in one file.
pub fn scan_input(input: &Input, options: &CheckOptions) -> FileScan {
    let (text, mut warnings) = match files::decode(&input.bytes) {
        Ok(decoded) => decoded,
        Err(reason) => {
            return FileScan {
                skipped: Some(reason),
                ..FileScan::default()
            }
        }
    };
    let mut scan = match input.kind {
        FileKind::Dockerfile => FileScan {
            mentions: dockerfile::scan(&text, &options.build_args, options.platform.as_deref()),
            ..FileScan::default()
        },
        FileKind::Yaml | FileKind::Json => scan_yaml(&input.path, &text),
    };
    warnings.append(&mut scan.warnings);
    scan.warnings = warnings;
    scan
}

/// Kubernetes documents and compose files in one YAML stream.
fn scan_yaml(path: &str, text: &str) -> FileScan {
    if !may_name_images(text) {
        return FileScan::default();
    }
    let documents = match yaml::parse_documents(text) {
        Ok(docs) => docs,
        Err(reason) => {
            let templated = text.contains("{{");
            return FileScan {
                skipped: Some(if templated {
                    format!(
                        "not valid YAML ({reason}); it looks like a Helm/Go template: check \
                         the rendered manifests instead (helm template ... > rendered.yaml; \
                         vimes check rendered.yaml)"
                    )
                } else {
                    format!("not valid YAML: {reason}")
                }),
                ..FileScan::default()
            };
        }
    };
    let mut mentions = Vec::new();
    for doc in &documents {
        if kustomize::is_kustomization(path, doc) {
            kustomize::scan(doc, &mut mentions);
        }
        if kube::is_manifest(doc) {
            kube::scan(doc, &mut mentions);
        } else if compose::is_compose(path, doc) {
            compose::scan(doc, &mut mentions);
        }
    }
    point_inside_quotes(text, &mut mentions);
    FileScan {
        mentions,
        ..FileScan::default()
    }
}

/// Whether a YAML/JSON text can name an image at all. Skipping the parse of
/// the rest (CI config, values files) is only sound while every key vimes
/// reads (`image`, `images`, `dockerfile_inline`) must then be spelled out:
/// a `\` escape (`"\x69mage"`, JSON `\u0069`) or a tag (`!!binary`) can make
/// one without the word, so those files are parsed. Case is ignored.
fn may_name_images(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    lower.contains("image")
        || lower.contains("dockerfile_inline")
        || text.contains('\\')
        || text.contains('!')
}

/// The parser places a quoted scalar at its opening quote; findings point
/// at the reference itself.
fn point_inside_quotes(text: &str, mentions: &mut [Mention]) {
    if mentions.is_empty() {
        return;
    }
    let lines: Vec<&str> = text.lines().collect();
    for m in mentions {
        let quoted = lines
            .get(m.line.wrapping_sub(1))
            .and_then(|l| l.chars().nth(m.column.wrapping_sub(1)))
            .is_some_and(|c| c == '"' || c == '\'');
        if quoted {
            m.column += 1;
        }
    }
}

/// Stack of a scanning thread: serde's recursion through YAML nested to the
/// parser's depth limit (64) needs more than a spawned thread's default 2 MiB
/// in a debug build; it is address space, not memory, until used.
const SCAN_STACK_BYTES: usize = 32 * 1024 * 1024;

/// Scans the inputs on up to two threads (parsing dominates; the machine
/// this runs on is often a laptop in the middle of a `git push`), in order.
fn scan_all(inputs: &[Input], options: &CheckOptions) -> Vec<FileScan> {
    let chunks: Vec<&[Input]> = if inputs.len() >= 64 {
        let (a, b) = inputs.split_at(inputs.len() / 2);
        vec![a, b]
    } else {
        vec![inputs]
    };
    let scan_chunk = |chunk: &[Input]| -> Vec<FileScan> {
        chunk.iter().map(|i| scan_input(i, options)).collect()
    };
    std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .iter()
            .map(|chunk| {
                std::thread::Builder::new()
                    .stack_size(SCAN_STACK_BYTES)
                    .spawn_scoped(s, move || scan_chunk(chunk))
            })
            .collect();
        let mut out = Vec::with_capacity(inputs.len());
        for (chunk, handle) in chunks.iter().zip(handles) {
            match handle.map(|h| h.join()) {
                Ok(Ok(mut scans)) => out.append(&mut scans),
                // A panic in the scanner is a bug: the files it was reading
                // count as not checked, so the report fails rather than
                // coming out silently short.
                Ok(Err(_)) => out.extend(chunk.iter().map(|_| FileScan {
                    skipped: Some("internal error while scanning (a bug in vimes)".into()),
                    ..FileScan::default()
                })),
                // No thread to be had: scan here.
                Err(_) => out.extend(scan_chunk(chunk)),
            }
        }
        out
    })
}

/// Scans every input and applies the rules.
pub fn check_inputs(inputs: &[Input], skipped: Vec<Skipped>, options: &CheckOptions) -> Report {
    let excludes = exclude::Excludes::new(&options.policy.check_exclude);
    let mut excluded: Vec<String> = Vec::new();
    let (skipped, left_out): (Vec<Skipped>, Vec<Skipped>) = skipped
        .into_iter()
        .partition(|s| !excludes.matches(&s.file));
    excluded.extend(left_out.into_iter().map(|s| s.file));
    let kept: Vec<Input>;
    let inputs = if excludes.matches_any(inputs.iter().map(|i| i.path.as_str())) {
        let (k, out): (Vec<&Input>, Vec<&Input>) =
            inputs.iter().partition(|i| !excludes.matches(&i.path));
        excluded.extend(out.into_iter().map(|i| i.path.clone()));
        kept = k.into_iter().cloned().collect();
        &kept[..]
    } else {
        inputs
    };
    excluded.sort();
    excluded.dedup();
    let scans = scan_all(inputs, options);
    let mut report = Report {
        skipped,
        excluded,
        ..Report::default()
    };
    for (input, scan) in inputs.iter().zip(scans) {
        for message in scan.warnings {
            report.warnings.push(Warning {
                file: input.path.clone(),
                message,
            });
        }
        if let Some(reason) = scan.skipped {
            report.skipped.push(Skipped {
                file: input.path.clone(),
                reason,
            });
            continue;
        }
        report.files_checked += 1;
        report.references += scan.mentions.len();
        for mention in &scan.mentions {
            report
                .findings
                .extend(rules::evaluate(&input.path, mention, &options.policy));
        }
    }
    report
}
