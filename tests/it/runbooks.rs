//! The runbooks in docs/runbooks run as tests (conventions:
//! docs/runbooks/README.md). Every fenced ```sh / ```bash block of a runbook
//! runs, in order, with `bash` and `set -euo pipefail`, in a sealed
//! environment against the test bed: a staging and a production
//! docker-registry on loopback holding fixture images built with buildah, real
//! Trivy with the project's fixture DB, real Syft, a fake Harbor, and `vimes`
//! on PATH. A block must exit 0 (or the `{exit=N}` it declares); a ```text
//! block after it lists lines its output must contain, in order (`…` matches
//! anything). Blocks marked `{requires=kubernetes}` or `{requires=harbor}`
//! (a real Harbor) are only checked with `bash -n`. Exported variables and
//! the working directory carry from one block to the next, as in a terminal.
//!
//! `VIMES_RUNBOOKS_SHOW=1 cargo test --test it runbooks:: -- --nocapture`
//! prints every block's output (to paste real output into a runbook).

use crate::support::harbor_fake::ADMIN;
use crate::support::trivy::trivy_db_cache;
use crate::support::TestBed;
use crate::support::VIMES_BIN;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Limit for one block.
const BLOCK_TIMEOUT: Duration = Duration::from_secs(300);

/// What `{requires=...}` may name: blocks that need something the test bed
/// does not have are only syntax-checked.
const REQUIREMENTS: &[&str] = &["kubernetes", "harbor", "internet"];

/// Shell-like fence languages that are not run and so are refused: a command
/// in a runbook must be in a block the test runs (or marks).
const REFUSED_LANGUAGES: &[&str] = &["console", "shell", "shell-session", "zsh", "terminal"];

/// The marker before the ```yaml block of docs/runbooks/README.md that is
/// the vimes.yaml of every runbook's working directory.
const BED_CONFIG_MARKER: &str = "<!-- runbook-bed: vimes.yaml -->";

fn runbooks_dir() -> PathBuf {
    Path::new(ROOT).join("docs").join("runbooks")
}

/// One fenced shell block of a runbook.
#[derive(Clone, Debug)]
struct Block {
    /// 1-based line of the opening fence.
    line: usize,
    /// The commands.
    code: String,
    /// `{requires=X}`: only `bash -n`.
    requires: Option<String>,
    /// `{exit=N}`: the status it must end with (default 0).
    exit: i32,
    /// The ```text block after it: (line, expected lines).
    expected: Option<(usize, String)>,
}

/// The fences of a markdown file: (line of the opening fence, info string,
/// body). Content lines lose the fence's indentation.
fn fences(text: &str) -> Result<Vec<(usize, String, String)>, String> {
    let mut out = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((n, line)) = lines.next() {
        let trimmed = line.trim_start();
        let Some(info) = trimmed.strip_prefix("```") else {
            continue;
        };
        let indent = line.len() - trimmed.len();
        let mut body = String::new();
        let mut closed = false;
        for (_, inner) in lines.by_ref() {
            if inner.trim() == "```" {
                closed = true;
                break;
            }
            let strip = inner.len() - inner.trim_start().len();
            body.push_str(&inner[strip.min(indent)..]);
            body.push('\n');
        }
        if !closed {
            return Err(format!("line {}: unclosed ``` fence", n + 1));
        }
        out.push((n + 1, info.trim().to_string(), body));
    }
    Ok(out)
}

/// The shell blocks of a runbook, with their expected output.
fn parse_runbook(text: &str) -> Result<Vec<Block>, String> {
    let mut blocks: Vec<Block> = Vec::new();
    // Whether the last fence was a shell block still without output.
    let mut open_for_output = false;
    for (line, info, body) in fences(text)? {
        let (lang, attrs) = match info.split_once(char::is_whitespace) {
            Some((lang, rest)) => (lang.to_string(), rest.trim().to_string()),
            None => (info.clone(), String::new()),
        };
        match lang.as_str() {
            "sh" | "bash" => {
                let mut block = Block {
                    line,
                    code: body,
                    requires: None,
                    exit: 0,
                    expected: None,
                };
                let attrs = attrs
                    .strip_prefix('{')
                    .and_then(|a| a.strip_suffix('}'))
                    .map(str::to_string)
                    .or_else(|| attrs.is_empty().then(String::new))
                    .ok_or_else(|| {
                        format!(
                            "line {line}: attributes must be written {{key=value ...}}: {attrs}"
                        )
                    })?;
                for attr in attrs.split_whitespace() {
                    match attr.split_once('=') {
                        Some(("requires", what)) if REQUIREMENTS.contains(&what) => {
                            block.requires = Some(what.to_string());
                        }
                        Some(("exit", code)) => {
                            block.exit = code
                                .parse()
                                .map_err(|_| format!("line {line}: bad exit code {code:?}"))?;
                        }
                        _ => {
                            return Err(format!(
                                "line {line}: unknown block attribute {attr:?} (known: \
                                 requires={}, exit=N)",
                                REQUIREMENTS.join("|")
                            ))
                        }
                    }
                }
                open_for_output = block.requires.is_none();
                blocks.push(block);
            }
            "text" => {
                let last = blocks.last_mut().filter(|_| open_for_output);
                let Some(last) = last else {
                    return Err(format!(
                        "line {line}: a ```text block is the expected output of the shell \
                         block before it, and there is none that runs (use ```txt for other text)"
                    ));
                };
                last.expected = Some((line, body));
                open_for_output = false;
            }
            l if REFUSED_LANGUAGES.contains(&l) => {
                return Err(format!(
                    "line {line}: ```{l} blocks are not run: write commands in ```sh and \
                     their output in ```text"
                ));
            }
            _ => open_for_output = false,
        }
    }
    Ok(blocks)
}

/// Whitespace runs become one space.
fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `line` matches `pattern`: equal after whitespace runs are
/// squeezed, where each `…` of the pattern stands for anything.
fn line_matches(pattern: &str, line: &str) -> bool {
    let line = squeeze(line);
    let fragments: Vec<String> = pattern.split('…').map(squeeze).collect();
    let [first, middle @ .., last] = fragments.as_slice() else {
        return line == fragments.concat();
    };
    let Some(mut rest) = line.strip_prefix(first.as_str()) else {
        return false;
    };
    for fragment in middle {
        match rest.find(fragment.as_str()) {
            Some(at) => rest = &rest[at + fragment.len()..],
            None => return false,
        }
    }
    rest.ends_with(last.as_str())
}

/// Checks that every expected line (blank lines and lone `…` aside) matches
/// some output line. Returns the first expected line that does not. Order is
/// not checked: stdout and stderr reach the pipe through different buffers.
fn check_output(expected: &str, output: &str) -> Result<(), String> {
    for want in expected.lines() {
        let want = want.trim();
        if want.is_empty() || want == "…" || want == "..." {
            continue;
        }
        if !output.lines().any(|got| line_matches(want, got)) {
            return Err(want.to_string());
        }
    }
    Ok(())
}

/// The test bed one runbook runs against.
struct Bed {
    bed: TestBed,
    vars: Vec<(String, String)>,
    /// Process groups of the blocks run so far: what a block left running in
    /// the background (a Trivy server) is stopped when the runbook ends.
    groups: std::cell::RefCell<Vec<i32>>,
}

impl Drop for Bed {
    fn drop(&mut self) {
        for pgid in self.groups.borrow().iter() {
            // SAFETY: kill(2) on a process group this test started; a group
            // that is gone already makes it fail with ESRCH, which is fine.
            unsafe { libc::kill(-pgid, libc::SIGKILL) };
        }
    }
}

/// A port that was free on 127.0.0.1 a moment ago.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("pick a free port: {e}"))
}

/// The vimes.yaml block of docs/runbooks/README.md.
fn bed_config() -> String {
    let path = runbooks_dir().join("README.md");
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let after = text
        .split_once(BED_CONFIG_MARKER)
        .unwrap_or_else(|| panic!("{} has no {BED_CONFIG_MARKER} marker", path.display()))
        .1;
    let fence = fences(after)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("{}: no ```yaml block after the marker", path.display()));
    assert_eq!(
        fence.1,
        "yaml",
        "{}: the block after {BED_CONFIG_MARKER} must be ```yaml",
        path.display()
    );
    fence.2
}

impl Bed {
    /// The registries, the fake Harbor, the fixture images and the
    /// documented vimes.yaml; None when a tool is missing.
    fn start() -> Option<Bed> {
        let bed = TestBed::builder()
            .tools([
                "trivy",
                "buildah",
                "syft",
                "skopeo",
                "bash",
                "softhsm2-util",
            ])
            .registries(["staging", "production"])
            .harbor()
            .fixture("staging", "clean", "staging/hello", "1.0")
            .fixture("staging", "vulnerable", "staging/legacy", "2.3")
            .fixture("staging", "unfixed-only", "staging/batch", "1.0")
            .config_text(&bed_config())
            .build()?;
        let env = &bed.env;
        let bin = env.bin_dir();
        std::fs::create_dir_all(&bin).unwrap_or_else(|e| panic!("create {}: {e}", bin.display()));
        std::os::unix::fs::symlink(VIMES_BIN, bin.join("vimes"))
            .unwrap_or_else(|e| panic!("link vimes into {}: {e}", bin.display()));
        let home = env.home().display().to_string();
        let vars: Vec<(String, String)> = [
            ("PATH", env.path_var()),
            ("HOME", home.clone()),
            ("USER", "runbook".to_string()),
            ("LANG", "C.UTF-8".to_string()),
            ("NO_COLOR", "1".to_string()),
            ("XDG_CACHE_HOME", format!("{home}/.cache")),
            ("XDG_DATA_HOME", format!("{home}/.local/share")),
            ("XDG_CONFIG_HOME", format!("{home}/.config")),
            ("TRIVY_CACHE_DIR", trivy_db_cache().display().to_string()),
            ("COSIGN_PASSWORD", "runbook-test-password".to_string()),
            ("STAGING", bed.reg("staging").host()),
            ("PRODUCTION", bed.reg("production").host()),
            ("HARBOR_URL", bed.harbor().host()),
            ("HARBOR_USER", ADMIN.0.to_string()),
            ("HARBOR_PASSWORD", ADMIN.1.to_string()),
            ("HARBOR_INSECURE", "true".to_string()),
            ("SYFT_CHECK_FOR_APP_UPDATE", "false".to_string()),
            ("TRIVY_SERVER_ADDR", format!("127.0.0.1:{}", free_port())),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        Some(Bed {
            bed,
            vars,
            groups: std::cell::RefCell::new(Vec::new()),
        })
    }

    /// Runs one script with bash in the working directory; returns the exit
    /// status and stdout+stderr interleaved.
    fn bash(&self, args: &[&str], script: &str) -> (i32, String) {
        let file = self.bed.env.path(".runbook-block.sh");
        std::fs::write(&file, script).unwrap_or_else(|e| panic!("write {}: {e}", file.display()));
        let mut cmd = Command::new("bash");
        cmd.args(args)
            .arg(&file)
            .current_dir(self.bed.env.home())
            .env_clear()
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        for (k, v) in &self.vars {
            cmd.env(k, v);
        }
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start bash: {e}"));
        let pgid = i32::try_from(child.id()).unwrap_or(0);
        if pgid > 0 {
            self.groups.borrow_mut().push(pgid);
        }
        let mut pipe = child.stdout.take();
        let reader = std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(p) = pipe.as_mut() {
                let _ = p.read_to_end(&mut buf);
            }
            String::from_utf8_lossy(&buf).into_owned()
        });
        let started = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if started.elapsed() > BLOCK_TIMEOUT => {
                    // The whole process group: bash and whatever it started.
                    if pgid > 0 {
                        // SAFETY: kill(2) on a process group this test started.
                        unsafe { libc::kill(-pgid, libc::SIGKILL) };
                    }
                    let _ = child.wait();
                    break None;
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(10)),
                Err(e) => panic!("wait for bash: {e}"),
            }
        };
        let output = reader.join().unwrap_or_default();
        let code = match status {
            Some(status) => {
                use std::os::unix::process::ExitStatusExt;
                status
                    .code()
                    .unwrap_or_else(|| 128 + status.signal().unwrap_or(0))
            }
            None => -1,
        };
        (code, output)
    }
}

/// Runs every shell block of `docs/runbooks/<name>` in order.
fn run_runbook(name: &str) {
    let path = runbooks_dir().join(name);
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let blocks = parse_runbook(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        blocks.iter().any(|b| b.requires.is_none()),
        "{}: no shell block that runs",
        path.display()
    );
    let Some(bed) = Bed::start() else {
        return;
    };
    // The cosign signing runbook signs with a SoftHSM2 token, for real.
    if !crate::support::softhsm::available() {
        return;
    }
    let show = std::env::var_os("VIMES_RUNBOOKS_SHOW").is_some();
    let state = bed.bed.env.path(".runbook-state");
    let state = state.display().to_string();
    let quoted_state = format!("'{}'", state.replace('\'', r"'\''"));
    for (i, block) in blocks.iter().enumerate() {
        let at = format!("docs/runbooks/{name}:{} (block {})", block.line, i + 1);
        if let Some(what) = &block.requires {
            let (code, output) = bed.bash(&["-n"], &block.code);
            assert_eq!(
                code, 0,
                "{at} (requires={what}, syntax check only): bash -n failed:\n{output}\n---- block ----\n{}",
                block.code
            );
            continue;
        }
        let script = format!(
            "exec 2>&1\nset -euo pipefail\n\
             if [ -f {quoted_state} ]; then . {quoted_state}; fi\n\
             trap '{{ export -p; printf \"cd %q\\n\" \"$PWD\"; }} > {quoted_state}.next' EXIT\n\
             {}",
            block.code
        );
        let started = Instant::now();
        let (code, output) = bed.bash(&[], &script);
        let next = format!("{state}.next");
        if Path::new(&next).exists() {
            std::fs::rename(&next, &state).unwrap_or_else(|e| panic!("rename {next}: {e}"));
        }
        if show {
            eprintln!(
                "==== {at}: exit {code} in {:.1?}\n{}\n---- output ----\n{output}",
                started.elapsed(),
                block.code.trim_end()
            );
        }
        assert!(
            code != -1,
            "{at}: did not finish within {BLOCK_TIMEOUT:?}\n---- block ----\n{}\n---- output ----\n{output}",
            block.code
        );
        assert_eq!(
            code, block.exit,
            "{at}: exit status {code}, the runbook says {}\n---- block ----\n{}\n---- output ----\n{output}",
            block.exit, block.code
        );
        if let Some((line, expected)) = &block.expected {
            // `${VAR}` of the bed's variables (STAGING, PRODUCTION, ...) stands
            // for its value.
            let expected = bed.vars.iter().fold(expected.clone(), |text, (k, v)| {
                text.replace(&format!("${{{k}}}"), v)
            });
            if let Err(missing) = check_output(&expected, &output) {
                panic!(
                    "{at}: the output does not show the line {missing:?} of the expected \
                     output at docs/runbooks/{name}:{line} (… matches anything)\n---- block ----\n{}\n---- output ----\n{output}",
                    block.code
                );
            }
        }
    }
}

/// The runbooks, each with its test below.
const RUNBOOKS: &[&str] = &[
    "harbor-deployment.md",
    "trivy-integration.md",
    "cosign-signing.md",
    "admission-control.md",
    "sbom-generation.md",
    "vulnerability-management.md",
];

#[test]
fn harbor_deployment() {
    run_runbook("harbor-deployment.md");
}

#[test]
fn trivy_integration() {
    run_runbook("trivy-integration.md");
}

#[test]
fn cosign_signing() {
    run_runbook("cosign-signing.md");
}

#[test]
fn admission_control() {
    run_runbook("admission-control.md");
}

#[test]
fn sbom_generation() {
    run_runbook("sbom-generation.md");
}

#[test]
fn vulnerability_management() {
    run_runbook("vulnerability-management.md");
}

#[test]
fn every_runbook_is_tested_and_listed_in_the_index() {
    let dir = runbooks_dir();
    let mut found: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md") && n != "README.md")
        .collect();
    found.sort();
    let mut tested: Vec<String> = RUNBOOKS.iter().map(|s| s.to_string()).collect();
    tested.sort();
    assert_eq!(
        found, tested,
        "every runbook in docs/runbooks needs its test in tests/it/runbooks.rs (RUNBOOKS)"
    );
    let index = std::fs::read_to_string(dir.join("README.md"))
        .unwrap_or_else(|e| panic!("docs/runbooks/README.md: {e}"));
    for name in &found {
        assert!(
            index.contains(&format!("]({name})")),
            "docs/runbooks/README.md does not link {name}"
        );
    }
    let readme = std::fs::read_to_string(Path::new(ROOT).join("README.md"))
        .unwrap_or_else(|e| panic!("README.md: {e}"));
    for name in &found {
        assert!(
            readme.contains(&format!("](docs/runbooks/{name})")),
            "README.md's Runbooks section does not link docs/runbooks/{name}"
        );
    }
    // The parser's own rules hold for every runbook (also without the bed).
    for name in &found {
        let text = std::fs::read_to_string(dir.join(name))
            .unwrap_or_else(|e| panic!("docs/runbooks/{name}: {e}"));
        parse_runbook(&text).unwrap_or_else(|e| panic!("docs/runbooks/{name}: {e}"));
    }
}

#[test]
fn the_runbook_parser_and_output_matcher_follow_the_documented_rules() {
    let doc = "# t\n\n```sh\nvimes scan a\n```\n\nprose\n\n```text\nPASSED…\n```\n\n\
               ```sh {exit=1}\nfalse\n```\n\n```bash {requires=kubernetes}\nkubectl apply -f x\n```\n\n\
               ```yaml\na: 1\n```\n";
    let blocks = parse_runbook(doc).expect("parses");
    assert_eq!(blocks.len(), 3);
    assert_eq!(blocks[0].code, "vimes scan a\n");
    assert_eq!(
        blocks[0].expected.as_ref().map(|e| e.1.as_str()),
        Some("PASSED…\n")
    );
    assert_eq!(blocks[1].exit, 1);
    assert_eq!(blocks[2].requires.as_deref(), Some("kubernetes"));
    assert!(parse_runbook("```console\n$ vimes\n```\n").is_err());
    assert!(parse_runbook("```sh {requires=cloud}\nx\n```\n").is_err());
    assert!(parse_runbook("```text\norphan\n```\n").is_err());
    assert!(parse_runbook("```sh\nunclosed\n").is_err());

    assert!(line_matches(
        "PASSED: nothing blocks this image.",
        "PASSED: nothing blocks this image."
    ));
    assert!(line_matches(
        "Promoted 127.0.0.1:…/production/hello@sha256:…",
        "Promoted 127.0.0.1:5000/production/hello@sha256:abcd"
    ));
    assert!(line_matches(
        "CVE-1 libssl3 3.0 BLOCKED",
        "  CVE-1      libssl3     3.0    BLOCKED"
    ));
    assert!(!line_matches(
        "Promoted …/hello:1.0",
        "Verified x/hello:1.0"
    ));
    assert!(!line_matches("…hello:1.0", "hello:1.0 and more"));
    assert!(check_output("a\n…\nc\n", "a\nb\nc\n").is_ok());
    assert_eq!(check_output("c\nd\n", "a\nb\nc\n"), Err("d".to_string()));
}
