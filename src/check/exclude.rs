//! `policy.check_exclude`: the paths `vimes check` leaves alone. Everything
//! else it cannot read fails the check, so a repository with Helm templates,
//! test fixtures or large lock files names them here, where a reviewer sees it.

/// Compiled `policy.check_exclude` patterns.
#[derive(Clone, Debug, Default)]
pub struct Excludes {
    patterns: Vec<Vec<String>>,
}

impl Excludes {
    /// Patterns as written in the config. A pattern without a `/` matches a
    /// file or directory name at any depth (as in `.gitignore`); one with a
    /// `/` matches from the top. `*` and `?` stay inside one path segment;
    /// `**` spans any number of segments.
    pub fn new(patterns: &[String]) -> Self {
        let patterns = patterns
            .iter()
            .map(|p| p.trim().trim_start_matches("./").trim_end_matches('/'))
            .filter(|p| !p.is_empty())
            .map(|p| {
                let mut segments: Vec<String> = p
                    .split('/')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect();
                if !p.contains('/') {
                    segments.insert(0, "**".into());
                }
                segments
            })
            .collect();
        Excludes { patterns }
    }

    /// Whether any of `paths` is excluded.
    pub fn matches_any<'a>(&self, mut paths: impl Iterator<Item = &'a str>) -> bool {
        !self.patterns.is_empty() && paths.any(|p| self.matches(p))
    }

    /// Whether `path` (as the check shows it), or a directory above it, is excluded.
    pub fn matches(&self, path: &str) -> bool {
        if self.patterns.is_empty() {
            return false;
        }
        let path = path.strip_prefix("./").unwrap_or(path);
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        // A pattern that names a directory excludes what is below it.
        self.patterns.iter().any(|pattern| {
            (1..=segments.len()).any(|end| segments_match(pattern, &segments[..end]))
        })
    }
}

fn segments_match(pattern: &[String], path: &[&str]) -> bool {
    match pattern.split_first() {
        None => path.is_empty(),
        Some((first, rest)) if first == "**" => {
            (0..=path.len()).any(|skip| segments_match(rest, &path[skip..]))
        }
        Some((first, rest)) => match path.split_first() {
            Some((segment, path_rest)) => {
                segment_matches(first, segment) && segments_match(rest, path_rest)
            }
            None => false,
        },
    }
}

/// `*` and `?` within one segment (iterative, with one backtrack point).
fn segment_matches(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(patterns: &[&str]) -> Excludes {
        Excludes::new(&patterns.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn globs_match_like_gitignore() {
        let e = ex(&[
            "charts/*/templates/**",
            "package-lock.json",
            "fixtures/big?.yaml",
        ]);
        assert!(e.matches("charts/app/templates/deploy.yaml"));
        assert!(e.matches("./charts/app/templates/sub/x.yaml"));
        assert!(!e.matches("charts/app/values.yaml"));
        assert!(!e.matches("other/charts/app/templates/deploy.yaml"));
        assert!(e.matches("web/package-lock.json"));
        assert!(e.matches("fixtures/big1.yaml"));
        assert!(!e.matches("fixtures/big10.yaml"));
        assert!(!ex(&[]).matches("anything"));
    }

    #[test]
    fn a_directory_excludes_what_is_below_it() {
        let e = ex(&["testdata", "vendor/"]);
        assert!(e.matches("a/testdata/x/Dockerfile"));
        assert!(e.matches("vendor/lib/k8s.yaml"));
        assert!(!e.matches("testdata2/Dockerfile"));
    }

    #[test]
    fn stars_stay_in_one_segment() {
        assert!(segment_matches("*.yaml", "a.yaml"));
        assert!(!segment_matches("a*c", "ab"));
        assert!(segment_matches("a*b*c", "axxbyyc"));
        let e = ex(&["deploy/*.yaml"]);
        assert!(e.matches("deploy/a.yaml"));
        assert!(!e.matches("deploy/sub/a.yaml"));
    }
}
