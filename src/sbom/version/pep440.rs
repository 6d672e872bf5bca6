//! Python package versions (PEP 440): `[N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]`,
//! parsed with the spec's normalisation (case, separators, alternative
//! spellings such as `alpha`, `c`, `rev`, `-1` for `.post1`) and ordered by its
//! rules: `1.0.dev0 < 1.0a1 < 1.0rc1 < 1.0 < 1.0.post1`, trailing zeros of the
//! release ignored, local versions after their public version.

use super::{Pep440Reason, VersionError};
use std::cmp::Ordering;

/// A value that can also sort below or above every value (the spec's
/// "missing pre-release sorts after all pre-releases" and similar rules).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Bound<T> {
    Below,
    At(T),
    Above,
}

/// One segment of a local version label: numbers sort after strings.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Local {
    Text(String),
    Number(u64),
}

/// A parsed PEP 440 version.
#[derive(Clone, Debug)]
pub struct Pep440 {
    epoch: u64,
    release: Vec<u64>,
    pre: Option<(u8, u64)>,
    post: Option<u64>,
    dev: Option<u64>,
    local: Option<Vec<Local>>,
}

/// A cursor over the lower-cased version text.
struct Cursor<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> &'a str {
        &self.s[self.pos..]
    }
    fn eat(&mut self, prefix: &str) -> bool {
        if self.rest().starts_with(prefix) {
            self.pos += prefix.len();
            true
        } else {
            false
        }
    }
    fn eat_separator(&mut self) -> bool {
        self.eat(".") || self.eat("-") || self.eat("_")
    }
    fn number(&mut self) -> Option<Result<u64, Pep440Reason>> {
        let digits = self.rest().bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let text = &self.rest()[..digits];
        self.pos += digits;
        Some(
            text.parse::<u64>()
                .map_err(|_| Pep440Reason::NumberTooLarge(text.to_string())),
        )
    }
    /// Tries `[sep]word[sep][N]` for any of `words`; restores the position when absent.
    fn tagged(&mut self, words: &[&str]) -> Result<Option<(String, u64)>, Pep440Reason> {
        let start = self.pos;
        self.eat_separator();
        // Longest spelling first, so `preview` is not read as `pre` + `view`.
        let mut sorted = words.to_vec();
        sorted.sort_by_key(|w| std::cmp::Reverse(w.len()));
        let Some(word) = sorted.into_iter().find(|w| self.rest().starts_with(*w)) else {
            self.pos = start;
            return Ok(None);
        };
        self.pos += word.len();
        let before_number = self.pos;
        self.eat_separator();
        let n = match self.number() {
            Some(n) => n?,
            None => {
                // An implicit number is 0, and the separator belongs to what follows.
                self.pos = before_number;
                0
            }
        };
        Ok(Some((word.to_string(), n)))
    }
}

impl Pep440 {
    /// Parses a version with PEP 440's normalisation; refuses anything else.
    pub fn parse(text: &str) -> Result<Self, VersionError> {
        let lower = text.trim().to_ascii_lowercase();
        let bad = |why: Pep440Reason| VersionError::Pep440 {
            text: text.to_string(),
            why,
        };
        let mut c = Cursor { s: &lower, pos: 0 };
        c.eat("v");
        let first = c.number().ok_or_else(|| bad(Pep440Reason::NoRelease))?;
        let mut first = first.map_err(bad)?;
        let mut epoch = 0;
        if c.eat("!") {
            epoch = first;
            first = c
                .number()
                .ok_or_else(|| bad(Pep440Reason::NoReleaseAfterEpoch))?
                .map_err(bad)?;
        }
        let mut release = vec![first];
        loop {
            let save = c.pos;
            if c.eat(".") {
                if let Some(n) = c.number() {
                    release.push(n.map_err(bad)?);
                    continue;
                }
            }
            c.pos = save;
            break;
        }
        let pre = c
            .tagged(&["alpha", "beta", "preview", "pre", "rc", "a", "b", "c"])
            .map_err(bad)?
            .map(|(word, n)| {
                let phase = match word.as_str() {
                    "a" | "alpha" => 0,
                    "b" | "beta" => 1,
                    _ => 2,
                };
                (phase, n)
            });
        let mut post = None;
        let save = c.pos;
        if c.eat("-") {
            // `1.0-1` is the implicit spelling of `1.0.post1`.
            match c.number() {
                Some(n) => post = Some(n.map_err(bad)?),
                None => c.pos = save,
            }
        }
        if post.is_none() {
            post = c
                .tagged(&["post", "rev", "r"])
                .map_err(bad)?
                .map(|(_, n)| n);
        }
        let dev = c.tagged(&["dev"]).map_err(bad)?.map(|(_, n)| n);
        let mut local = None;
        if c.eat("+") {
            let label = c.rest();
            let segments: Vec<Local> = label
                .split(['.', '-', '_'])
                .map(|seg| {
                    if seg.is_empty() || !seg.bytes().all(|b| b.is_ascii_alphanumeric()) {
                        Err(bad(Pep440Reason::MalformedLocal))
                    } else if seg.bytes().all(|b| b.is_ascii_digit()) {
                        seg.parse()
                            .map(Local::Number)
                            .map_err(|_| bad(Pep440Reason::LocalTooLarge))
                    } else {
                        Ok(Local::Text(seg.to_string()))
                    }
                })
                .collect::<Result<_, _>>()?;
            c.pos = lower.len();
            local = Some(segments);
        }
        if !c.rest().is_empty() {
            return Err(bad(Pep440Reason::Unexpected(c.rest().to_string())));
        }
        Ok(Pep440 {
            epoch,
            release,
            pre,
            post,
            dev,
            local,
        })
    }

    /// The sort key the spec defines.
    #[allow(clippy::type_complexity)]
    fn key(
        &self,
    ) -> (
        u64,
        &[u64],
        Bound<(u8, u64)>,
        Bound<u64>,
        Bound<u64>,
        Option<&Vec<Local>>,
    ) {
        let trimmed_len = self
            .release
            .iter()
            .rposition(|&n| n != 0)
            .map_or(0, |i| i + 1);
        // A bare dev release sorts before the pre-releases of the same version.
        let pre = match (self.pre, self.post, self.dev) {
            (None, None, Some(_)) => Bound::Below,
            (None, _, _) => Bound::Above,
            (Some(p), _, _) => Bound::At(p),
        };
        let post = self.post.map_or(Bound::Below, Bound::At);
        let dev = self.dev.map_or(Bound::Above, Bound::At);
        (
            self.epoch,
            &self.release[..trimmed_len],
            pre,
            post,
            dev,
            self.local.as_ref(),
        )
    }
}

impl Ord for Pep440 {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

/// Equal when the ordering says so (`1.0` and `1.00` are the same version),
/// so that `==` and [`Ord`] agree as the standard library requires.
impl PartialEq for Pep440 {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Pep440 {}

impl PartialOrd for Pep440 {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Pep440 {
        Pep440::parse(s).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn spec_ordering() {
        // The ordering example of PEP 440 ("Summary of permitted suffixes and relative ordering").
        let ascending = [
            "1.dev0",
            "1.0.dev456",
            "1.0a1",
            "1.0a2.dev456",
            "1.0a12.dev456",
            "1.0a12",
            "1.0b1.dev456",
            "1.0b2",
            "1.0b2.post345.dev456",
            "1.0b2.post345",
            "1.0rc1.dev456",
            "1.0rc1",
            "1.0",
            "1.0+abc.5",
            "1.0+abc.7",
            "1.0+5",
            "1.0.post456.dev34",
            "1.0.post456",
            "1.0.15",
            "1.1.dev1",
        ];
        for pair in ascending.windows(2) {
            assert!(v(pair[0]) < v(pair[1]), "{} < {}", pair[0], pair[1]);
        }
    }

    #[test]
    fn normalisation() {
        let same = [
            ("1.0", "1.0.0"),
            ("1.0a1", "1.0.alpha.1"),
            ("1.0rc1", "1.0c1"),
            ("1.0rc1", "1.0-preview-1"),
            ("1.0.post1", "1.0-1"),
            ("1.0.post1", "1.0.rev1"),
            ("1.0.post0", "1.0.post"),
            ("1.0.dev0", "1.0dev"),
            ("2.0.0RC1", "2.0.0rc1"),
            ("v1.0", "1.0"),
            ("0!1.0", "1.0"),
            ("1.0+ubuntu-1", "1.0+ubuntu.1"),
        ];
        for (a, b) in same {
            assert_eq!(v(a).cmp(&v(b)), Ordering::Equal, "{a} == {b}");
        }
        assert!(v("1!0.1") > v("2024.1"));
        assert!(v("2.0.0rc1") < v("2.0.0"));
        assert!(v("4.2.post1") > v("4.2"));
        assert!(v("2.28.1") < v("2.31.0"));
    }

    #[test]
    fn refuses_non_pep440() {
        for bad in ["", "abc", "1.0-foo", "1.0+", "1.0+a..b", "1..0", "1.0 beta"] {
            assert!(Pep440::parse(bad).is_err(), "{bad:?}");
        }
    }
}
