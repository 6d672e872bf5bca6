//! Image references in a Dockerfile/Containerfile: `FROM` (with `ARG`
//! substitution, `--platform`, stage names that are not images, `scratch`),
//! `COPY --from=<image>`, `RUN --mount=...,from=<image>` (also under
//! `ONBUILD`) and the `# syntax=` frontend image.
//!
//! Builders disagree about what a file says: BuildKit reads heredoc bodies as
//! data, while Debian 12's buildah 1.28 (what `vimes build` runs there) and
//! docker's classic builder read them as instructions, so `COPY <<X` ...
//! `FROM evil` ... `X` hides a stage from one reader and builds it in the
//! other; the two also take `# escape=` from different lines. The file is
//! therefore read the way each builder reads it ([`Reader`]), and every
//! reference either reading finds is checked.

use super::directives::{self, csv_fields, dequote, offset_in, strip_prefix_ignore_case, Reader};
use super::vars::{self, Dialect, Lookup, Missing};
use super::{Expanded, Mention, SourceKind};
use lex::{heredocs, join_continuations, unquote, words, Instruction, Word};
use std::collections::BTreeMap;

mod lex;

/// The ARG values in scope.
#[derive(Default, Clone)]
struct Scope {
    values: BTreeMap<String, Option<String>>,
}

impl Scope {
    fn lookup(&self, name: &str) -> Lookup {
        match self.values.get(name) {
            Some(Some(v)) => Lookup::Value(v.clone()),
            Some(None) => Lookup::Unset,
            None => Lookup::Undeclared,
        }
    }
}

/// Said of a reference only a builder without heredoc support reads.
const CLASSIC_NOTE: &str =
    " (as buildah/podman without heredoc support and docker's classic builder read the file)";

/// Finds the image references of a Dockerfile. `build_args` override ARG
/// defaults as `--build-arg` would; `platform` (`os/arch[/variant]`, default
/// linux/amd64) feeds the automatic `TARGET*`/`BUILD*` ARGs. The result is
/// every reference any builder's reading of the file finds, in file order.
pub fn scan(
    text: &str,
    build_args: &BTreeMap<String, String>,
    platform: Option<&str>,
) -> Vec<Mention> {
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let mut mentions = directives::frontend_images(&lines, text, build_args);
    mentions.extend(scan_as(Reader::BuildKit, &lines, build_args, platform));
    for mut m in scan_as(Reader::Classic, &lines, build_args, platform) {
        let known = mentions.iter().any(|b| {
            (b.line, b.column, &b.written, &b.expanded)
                == (m.line, m.column, &m.written, &m.expanded)
        });
        if !known {
            m.context.push_str(CLASSIC_NOTE);
            mentions.push(m);
        }
    }
    mentions.sort_by_key(|m| (m.line, m.column));
    mentions
}

/// The references one reader of the file finds.
fn scan_as(
    reader: Reader,
    lines: &[&str],
    build_args: &BTreeMap<String, String>,
    platform: Option<&str>,
) -> Vec<Mention> {
    let escape = directives::escape(lines, reader);
    let mut state = State {
        reader,
        escape,
        build_args,
        globals: platform_args(platform),
        stage: None,
        stages: Vec::new(),
        mentions: Vec::new(),
        arg_bytes: 0,
    };
    let mut i = 0;
    while i < lines.len() {
        let trimmed = lines[i].trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            i += 1;
            continue;
        }
        let (instruction, next) = join_continuations(lines, i, escape);
        i = next;
        let heredocs = state.instruction(&instruction);
        // Heredoc bodies follow the instruction; their lines are data.
        for (word, strip_tabs) in heredocs {
            while i < lines.len() {
                let line = lines[i];
                i += 1;
                let body = if strip_tabs {
                    line.trim_start_matches('\t')
                } else {
                    line
                };
                if body == word {
                    break;
                }
            }
        }
    }
    state.mentions
}

/// The automatic platform ARGs BuildKit defines in the global scope.
fn platform_args(platform: Option<&str>) -> Scope {
    let target = platform.unwrap_or("linux/amd64");
    let mut parts = target.split('/');
    let os = parts.next().unwrap_or("linux").to_string();
    let arch = parts.next().unwrap_or("amd64").to_string();
    let variant = parts.next().unwrap_or("").to_string();
    let mut scope = Scope::default();
    for (prefix, plat) in [("TARGET", target), ("BUILD", "linux/amd64")] {
        let (o, a, v) = if prefix == "TARGET" {
            (os.clone(), arch.clone(), variant.clone())
        } else {
            ("linux".into(), "amd64".into(), String::new())
        };
        scope
            .values
            .insert(format!("{prefix}PLATFORM"), Some(plat.to_string()));
        scope.values.insert(format!("{prefix}OS"), Some(o));
        scope.values.insert(format!("{prefix}ARCH"), Some(a));
        scope.values.insert(format!("{prefix}VARIANT"), Some(v));
    }
    scope
}

struct State<'a> {
    reader: Reader,
    escape: char,
    build_args: &'a BTreeMap<String, String>,
    globals: Scope,
    /// The current stage's ARGs (`None` before the first FROM).
    stage: Option<Scope>,
    /// Stage names (lowercase), in order.
    stages: Vec<Option<String>>,
    mentions: Vec<Mention>,
    /// Bytes of ARG values kept so far (bounded by [`MAX_ARG_BYTES`]).
    arg_bytes: usize,
}

/// The most ARG value bytes kept for one file: far above any real
/// Dockerfile, far below what would hurt a pre-push hook.
const MAX_ARG_BYTES: usize = 4 * 1024 * 1024;

impl State<'_> {
    /// Handles one instruction; returns the heredocs whose bodies follow it
    /// (none for a reader without heredoc support).
    fn instruction(&mut self, ins: &Instruction) -> Vec<(String, bool)> {
        let all = words(&ins.text, 0);
        let Some(keyword) = all.first() else {
            return Vec::new();
        };
        let keyword = keyword.text.to_ascii_uppercase();
        let heredocs = self.dispatch(ins, &keyword, &all[1..], "");
        match self.reader {
            Reader::BuildKit => heredocs,
            Reader::Classic => Vec::new(),
        }
    }

    fn dispatch(
        &mut self,
        ins: &Instruction,
        keyword: &str,
        args: &[Word],
        prefix: &str,
    ) -> Vec<(String, bool)> {
        let onbuild = !prefix.is_empty();
        match keyword {
            "ARG" if !onbuild => self.arg(args),
            "FROM" if !onbuild => self.from(ins, args),
            "COPY" => {
                self.copy_from(ins, args, prefix);
                return heredocs(args);
            }
            "RUN" => {
                self.mount_from(ins, args, prefix);
                return heredocs(args);
            }
            "ADD" => return heredocs(args),
            // `ONBUILD COPY --from=...` runs in every build that uses this
            // image as its base: its references are this file's to vet.
            "ONBUILD" if !onbuild => {
                if let Some((sub, rest)) = args.split_first() {
                    let sub = sub.text.to_ascii_uppercase();
                    return self.dispatch(ins, &sub, rest, "ONBUILD ");
                }
            }
            _ => {}
        }
        Vec::new()
    }

    fn expand(&self, text: &str, global: bool) -> Result<String, Missing> {
        let scope = if global {
            &self.globals
        } else {
            self.stage.as_ref().unwrap_or(&self.globals)
        };
        vars::expand(text, Dialect::Dockerfile(self.escape), &|n| scope.lookup(n))
    }

    fn arg(&mut self, args: &[Word]) {
        let in_stage = self.stage.is_some();
        for word in args {
            let (name, default) = match word.text.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(unquote(v))),
                None => (word.text.clone(), None),
            };
            let value = if let Some(v) = self.build_args.get(&name) {
                Some(v.clone())
            } else if let Some(default) = default {
                // An unresolvable default leaves the ARG without a value.
                self.expand(&default, !in_stage).ok()
            } else if in_stage {
                // `ARG NAME` in a stage re-declares the global of that name.
                match self.globals.lookup(&name) {
                    Lookup::Value(v) => Some(v),
                    _ => None,
                }
            } else {
                None
            };
            // Past the budget, values are no longer kept (the ARG is then
            // treated as declared without a value): a file of ARGs repeating
            // ARGs must not hold gigabytes.
            let value = value.filter(|v| {
                self.arg_bytes = self.arg_bytes.saturating_add(v.len());
                self.arg_bytes <= MAX_ARG_BYTES
            });
            match self.stage.as_mut() {
                Some(stage) => stage.values.insert(name, value),
                None => self.globals.values.insert(name, value),
            };
        }
    }

    fn from(&mut self, ins: &Instruction, args: &[Word]) {
        let mut rest = args.iter().skip_while(|w| w.text.starts_with("--"));
        let Some(image) = rest.next() else {
            return;
        };
        let stage_name = match (rest.next(), rest.next()) {
            (Some(kw), Some(name)) if kw.text.eq_ignore_ascii_case("as") => {
                Some(name.text.to_ascii_lowercase())
            }
            _ => None,
        };
        let platform = args
            .iter()
            .take_while(|w| w.text.starts_with("--"))
            .find_map(|w| w.text.strip_prefix("--platform="));
        let mut context = "FROM".to_string();
        if let Some(p) = platform {
            context.push_str(&format!(" --platform={p}"));
        }
        if let Some(name) = &stage_name {
            context.push_str(&format!(" (stage {name})"));
        }
        let expanded = self.expand(&image.text, true);
        let is_stage_or_scratch = match &expanded {
            Ok(text) => {
                let lower = text.to_ascii_lowercase();
                lower == "scratch" || self.stages.iter().flatten().any(|s| *s == lower)
            }
            Err(_) => false,
        };
        if !is_stage_or_scratch {
            self.push(ins, image.start, &image.text, expanded, context, true);
        }
        self.stages.push(stage_name);
        self.stage = Some(Scope::default());
    }

    /// `COPY --from=X`: X is a stage name, a stage index, or an image.
    fn copy_from(&mut self, ins: &Instruction, args: &[Word], prefix: &str) {
        for word in args.iter().take_while(|w| w.text.starts_with("--")) {
            let flag = dequote(&word.text);
            let Some(value) = strip_prefix_ignore_case(&flag, "--from=") else {
                continue;
            };
            let start = word.start + offset_in(&word.text, value, "--from=".len());
            let context = format!("{prefix}COPY --from");
            self.stage_or_image(ins, start, value, &context, !prefix.is_empty());
        }
    }

    /// `RUN --mount=type=bind,from=X,...`: X is a stage name or an image.
    /// BuildKit splits the value as CSV (a field may be quoted) and
    /// lower-cases the keys, so `"from=x"` and `FROM=x` count.
    fn mount_from(&mut self, ins: &Instruction, args: &[Word], prefix: &str) {
        for word in args.iter().take_while(|w| w.text.starts_with("--")) {
            let flag = dequote(&word.text);
            let (Some(raw), Some(dequoted)) = (
                strip_prefix_ignore_case(&word.text, "--mount="),
                strip_prefix_ignore_case(&flag, "--mount="),
            ) else {
                continue;
            };
            // Both splittings: whether quotes reach the CSV reader or not,
            // every `from` either sees is checked.
            let mut seen: Vec<String> = Vec::new();
            for field in csv_fields(raw).into_iter().chain(csv_fields(dequoted)) {
                let Some((key, value)) = field.split_once('=') else {
                    continue;
                };
                if !key.trim().eq_ignore_ascii_case("from") || seen.iter().any(|v| v == value) {
                    continue;
                }
                seen.push(value.to_string());
                let start = word.start + offset_in(&word.text, value, "--mount=".len());
                let context = format!("{prefix}RUN --mount from");
                self.stage_or_image(ins, start, value, &context, !prefix.is_empty());
            }
        }
    }

    /// `downstream`: an ONBUILD trigger, whose stage names and indexes are
    /// those of some other file, so only `scratch` is known not to be an image.
    fn stage_or_image(
        &mut self,
        ins: &Instruction,
        start: usize,
        value: &str,
        context: &str,
        downstream: bool,
    ) {
        let value = unquote(value);
        let expanded = self.expand(&value, false);
        if let Ok(text) = &expanded {
            let lower = text.to_ascii_lowercase();
            let is_index = !lower.is_empty() && lower.bytes().all(|b| b.is_ascii_digit());
            let is_stage = self.stages.iter().flatten().any(|s| *s == lower);
            if lower == "scratch" || (!downstream && (is_index || is_stage)) {
                return;
            }
        }
        self.push(ins, start, &value, expanded, context.to_string(), false);
    }

    fn push(
        &mut self,
        ins: &Instruction,
        start: usize,
        written: &str,
        expanded: Result<String, Missing>,
        context: String,
        global: bool,
    ) {
        let (line, column) = ins.position(start);
        let expanded = match expanded {
            Ok(text) => Expanded::Text(text),
            Err(missing) => Expanded::Unresolved(explain(&missing, !global)),
        };
        self.mentions.push(Mention {
            line,
            column,
            written: written.to_string(),
            expanded,
            context,
            kind: SourceKind::Dockerfile,
        });
    }
}

fn explain(missing: &Missing, in_stage: bool) -> String {
    match missing {
        Missing::Variable {
            name,
            declared: true,
        } => format!("ARG {name} has no default value: the image depends on --build-arg {name}=..."),
        Missing::Variable {
            name,
            declared: false,
        } if in_stage => format!(
            "${name} is not declared by an ARG in this stage (Docker would substitute an empty string)"
        ),
        Missing::Variable { name, .. } => format!(
            "${name} is not declared by an ARG before the first FROM (Docker would substitute an empty string)"
        ),
        Missing::Required { name } => format!("{name} is required and has no value"),
        Missing::Operator(op) => format!("{op} uses an operator vimes does not evaluate"),
        Missing::Syntax => "unbalanced ${...}".to_string(),
        Missing::TooLong => format!(
            "expands to more than {} KiB (ARGs that repeat ARGs)",
            vars::MAX_EXPANSION / 1024
        ),
    }
}

#[cfg(test)]
mod tests;
