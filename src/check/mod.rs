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
pub mod dockerfile;
pub mod files;
pub mod git;
pub mod hook;
pub mod kube;
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
}

impl Report {
    /// Whether no rule was broken.
    pub fn passed(&self) -> bool {
        self.findings.is_empty()
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
        FileKind::Yaml => scan_yaml(&input.path, &text),
    };
    warnings.append(&mut scan.warnings);
    scan.warnings = warnings;
    scan
}

/// Kubernetes documents and compose files in one YAML stream.
fn scan_yaml(path: &str, text: &str) -> FileScan {
    // A file that never says `image` names no image: skip the parse (most
    // YAML in a repository is CI config, values files, docs metadata).
    if !text.contains("image") {
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

/// Scans every input and applies the rules. Files are scanned on up to two
/// threads (parsing dominates; the machine this runs on is often a laptop in
/// the middle of a `git push`).
pub fn check_inputs(inputs: &[Input], skipped: Vec<Skipped>, options: &CheckOptions) -> Report {
    let scans: Vec<FileScan> = if inputs.len() >= 64 {
        let half = inputs.len() / 2;
        let (a, b) = inputs.split_at(half);
        std::thread::scope(|s| {
            let other = s.spawn(|| b.iter().map(|i| scan_input(i, options)).collect::<Vec<_>>());
            let mut first: Vec<FileScan> = a.iter().map(|i| scan_input(i, options)).collect();
            match other.join() {
                Ok(mut rest) => first.append(&mut rest),
                // A panic in the scanner is a bug; scan the rest here so the
                // report is complete rather than silently short.
                Err(_) => first.extend(b.iter().map(|i| scan_input(i, options))),
            }
            first
        })
    } else {
        inputs.iter().map(|i| scan_input(i, options)).collect()
    };
    let mut report = Report {
        skipped,
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
