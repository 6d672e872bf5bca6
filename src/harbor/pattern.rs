//! The subset of doublestar patterns Harbor's tag selectors use (`*`, `**`,
//! `?`, `{a,b}`), enough to tell whether a rule would also freeze cosign's
//! `sha256-<hex>.sig` tags.

/// Whether `text` matches the doublestar `pattern` (`*` and `?` stop at `/`,
/// `**` does not; `{a,b}` is an alternative).
pub fn matches(pattern: &str, text: &str) -> bool {
    // Alternatives are expanded first: Harbor's patterns are short.
    if let Some(open) = pattern.find('{') {
        if let Some(close_rel) = pattern[open..].find('}') {
            let close = open + close_rel;
            let (head, tail) = (&pattern[..open], &pattern[close + 1..]);
            return pattern[open + 1..close]
                .split(',')
                .any(|alt| matches(&format!("{head}{alt}{tail}"), text));
        }
    }
    glob(pattern.as_bytes(), text.as_bytes())
}

fn glob(p: &[u8], t: &[u8]) -> bool {
    match p.first() {
        None => t.is_empty(),
        Some(b'*') if p.get(1) == Some(&b'*') => {
            let rest = &p[2..];
            (0..=t.len()).any(|i| glob(rest, &t[i..]))
        }
        Some(b'*') => {
            let rest = &p[1..];
            for i in 0..=t.len() {
                if glob(rest, &t[i..]) {
                    return true;
                }
                if t.get(i) == Some(&b'/') {
                    break;
                }
            }
            false
        }
        Some(b'?') => t.first().is_some_and(|c| *c != b'/') && glob(&p[1..], &t[1..]),
        Some(c) => t.first() == Some(c) && glob(&p[1..], &t[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn doublestar_subset() {
        let sig = format!("sha256-{}.sig", "0".repeat(64));
        assert!(matches("sha256-*", &sig));
        assert!(matches("**", &sig));
        assert!(matches("*", &sig));
        assert!(!matches("v*", &sig));
        assert!(matches("v*", "v1.2.3"));
        assert!(matches("{v*,release-*}", "release-7"));
        assert!(matches("1.?", "1.4"));
        assert!(!matches("1.?", "1.45"));
        assert!(matches("payments/**", "payments/api/v2"));
        assert!(!matches("payments/*", "payments/api/v2"));
    }
}
