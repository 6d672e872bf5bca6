//! Turns one run's output into text that is the same on every machine and
//! every run: what differs between runs (digests, ports, temp paths, times,
//! key fingerprints, vimes' version) becomes a named placeholder, and the
//! words and layout a user reads stay as they are.

use regex::Regex;
use std::sync::LazyLock;

/// Values a test knows (this run's registry host, its image digest, its temp
/// dir) get their own placeholder, so the snapshot still says which one is
/// printed where; everything else that varies gets a generic one.
#[derive(Debug, Default)]
pub struct Normaliser {
    known: Vec<(Regex, String)>,
}

/// Rules for values no test knows in advance, in the order they apply.
/// Longer forms go first: a full digest must not be half-eaten by the rule
/// for short ones.
static RULES: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    [
        (r"sha256:[0-9a-f]{64}\b", "sha256:[digest]"),
        // The same digest in a cosign tag (`sha256-<hex>.sig`).
        (r"sha256-[0-9a-f]{64}\b", "sha256-[digest]"),
        // Short forms (`sha256:0123456789ab`) as lists and summaries print them.
        (r"sha256:[0-9a-f]{7,63}\b", "sha256:[short-digest]"),
        // RFC 3339, with or without fractions, `Z` or an offset.
        (
            r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?",
            "[timestamp]",
        ),
        // Trivy's DB date when it is printed as a bare date.
        (r"DB updated \d{4}-\d{2}-\d{2}\b", "DB updated [date]"),
        // Ephemeral loopback ports (registries the tests start).
        (r"\b(127\.0\.0\.1|localhost|\[::1\]):\d{2,5}\b", "$1:[port]"),
        // Durations as Rust's Debug or vimes' step lines print them.
        (r"\b\d+(\.\d+)?(ns|µs|us|ms|s)\b", "[duration]"),
    ]
    .into_iter()
    .map(|(pattern, to)| (Regex::new(pattern).expect("a valid rule"), to))
    .collect()
});

/// `vimes 0.1.0`, `vimes/0.1.0`, `vimes v0.1.0`: the version changes with
/// every release, the output around it does not.
static VERSION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\bvimes([ /]v?){}\b",
        regex::escape(env!("CARGO_PKG_VERSION"))
    ))
    .expect("a valid version rule")
});

impl Normaliser {
    pub fn new() -> Normaliser {
        Normaliser::default()
    }

    /// Replaces every `value` with `placeholder` before the generic rules run
    /// (a whole value only: `127.0.0.1:5000` is not taken out of
    /// `127.0.0.1:50001`).
    pub fn known(mut self, value: impl AsRef<str>, placeholder: &str) -> Normaliser {
        let value = value.as_ref();
        assert!(!value.is_empty(), "an empty value would match everywhere");
        let mut pattern = regex::escape(value);
        if value.ends_with(|c: char| c.is_alphanumeric()) {
            pattern.push_str(r"\b");
        }
        self.known.push((
            Regex::new(&pattern).expect("an escaped pattern"),
            placeholder.to_string(),
        ));
        // Longer values first, so a path is replaced before a prefix of it.
        self.known
            .sort_by_key(|(re, _)| std::cmp::Reverse(re.as_str().len()));
        self
    }

    /// Only the known values and vimes' version: for text that holds nothing
    /// else that varies (`--help`, where `127.0.0.1:5000` is an example to
    /// keep).
    pub fn apply_known(&self, text: &str) -> String {
        let mut text = text.to_string();
        for (re, to) in &self.known {
            text = re.replace_all(&text, regex::NoExpand(to)).into_owned();
        }
        VERSION.replace_all(&text, "vimes$1[version]").into_owned()
    }

    /// Known values, then every generic rule.
    pub fn apply(&self, text: &str) -> String {
        let mut text = self.apply_known(text);
        for (re, to) in RULES.iter() {
            text = re.replace_all(&text, *to).into_owned();
        }
        text
    }
}

#[test]
fn normaliser_replaces_what_varies_and_keeps_the_words() {
    let digest = format!("sha256:{}", "ab".repeat(32));
    let other = format!("sha256:{}", "0f".repeat(32));
    let tag = other.replace(':', "-");
    let n = Normaliser::new()
        .known(&digest, "[image-digest]")
        .known("127.0.0.1:5000", "127.0.0.1:[staging-port]")
        .known("/tmp/vimes-home-x1", "[dir]");
    let text = format!(
        "Scanning 127.0.0.1:5000/staging/web@{digest}\n\
         signed by {other} (sha256:0f0f0f0f0f0f) as {tag}.sig\n\
         also 127.0.0.1:50001 and localhost:8080, wrote /tmp/vimes-home-x1/a.json\n\
         Trivy 0.59.1, DB updated 2026-11-01T00:00:00Z; at 2026-11-29 12:01:02.5+01:00\n\
         DB updated 2026-11-01, done in 1.25s (340ms), vimes {version}\n",
        version = env!("CARGO_PKG_VERSION")
    );
    assert_eq!(
        n.apply(&text),
        "Scanning 127.0.0.1:[staging-port]/staging/web@[image-digest]\n\
         signed by sha256:[digest] (sha256:[short-digest]) as sha256-[digest].sig\n\
         also 127.0.0.1:[port] and localhost:[port], wrote [dir]/a.json\n\
         Trivy 0.59.1, DB updated [timestamp]; at [timestamp]\n\
         DB updated [date], done in [duration] ([duration]), vimes [version]\n"
    );
    // Help text keeps its examples: only known values and the version change.
    let help = format!(
        "--insecure --staging-url 127.0.0.1:5000 (30s), vimes/{}",
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(
        n.apply_known(&help),
        "--insecure --staging-url 127.0.0.1:[staging-port] (30s), vimes/[version]"
    );
}
