//! Debian package versions compared the way dpkg compares them
//! (`[epoch:]upstream[-revision]`, deb-version(7)): numeric epoch first, then
//! upstream and revision with dpkg's character ordering, in which `~` sorts
//! before everything, even the end of the string (so `1.0~rc1 < 1.0`).

use super::VersionError;
use std::cmp::Ordering;

/// A parsed Debian version.
#[derive(Clone, Debug)]
pub struct DebVersion {
    epoch: u64,
    upstream: String,
    revision: String,
}

impl DebVersion {
    /// Parses `[epoch:]upstream[-revision]`. The epoch must be a number and the
    /// upstream part must start with a digit (deb-version(7)); anything else is
    /// refused rather than compared by guesswork.
    pub fn parse(text: &str) -> Result<Self, VersionError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(VersionError::DebianEmpty);
        }
        if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(VersionError::DebianWhitespace(text.to_string()));
        }
        let (epoch, rest) = match text.split_once(':') {
            Some((e, rest)) => {
                let epoch = e.parse::<u64>().map_err(|_| VersionError::DebianEpoch {
                    text: text.to_string(),
                    epoch: e.to_string(),
                })?;
                (epoch, rest)
            }
            None => (0, text),
        };
        // The revision is whatever follows the *last* hyphen; upstream may contain hyphens.
        let (upstream, revision) = match rest.rsplit_once('-') {
            Some((u, r)) => (u, r),
            None => (rest, ""),
        };
        if !upstream.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(VersionError::DebianUpstream(text.to_string()));
        }
        let allowed = |c: char| c.is_ascii_alphanumeric() || ".+~-:".contains(c);
        if !upstream.chars().all(allowed) || !revision.chars().all(allowed) {
            return Err(VersionError::DebianCharacters(text.to_string()));
        }
        Ok(DebVersion {
            epoch,
            upstream: upstream.to_string(),
            revision: revision.to_string(),
        })
    }
}

impl Ord for DebVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| verrevcmp(self.upstream.as_bytes(), other.upstream.as_bytes()))
            .then_with(|| verrevcmp(self.revision.as_bytes(), other.revision.as_bytes()))
    }
}

/// Equal when the ordering says so (`1.0` and `1.00` are the same version),
/// so that `==` and [`Ord`] agree as the standard library requires.
impl PartialEq for DebVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for DebVersion {}

impl PartialOrd for DebVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// dpkg's weight of one character in a non-digit run: `~` below the end of
/// the string, letters by ASCII value, other symbols after all letters.
fn weight(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(b'~') => -1,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(c) => i32::from(c) + 256,
    }
}

/// Alternates non-digit runs (compared by [`weight`]) and digit runs (compared
/// as numbers, leading zeros ignored), as dpkg does for both version parts.
fn verrevcmp(a: &[u8], b: &[u8]) -> Ordering {
    let (mut i, mut j) = (0, 0);
    let digit_at = |s: &[u8], k: usize| s.get(k).is_some_and(u8::is_ascii_digit);
    while i < a.len() || j < b.len() {
        while (i < a.len() && !digit_at(a, i)) || (j < b.len() && !digit_at(b, j)) {
            let (wa, wb) = (weight(a.get(i).copied()), weight(b.get(j).copied()));
            if wa != wb {
                return wa.cmp(&wb);
            }
            i += 1;
            j += 1;
        }
        while a.get(i) == Some(&b'0') {
            i += 1;
        }
        while b.get(j) == Some(&b'0') {
            j += 1;
        }
        let mut first_diff = Ordering::Equal;
        while digit_at(a, i) && digit_at(b, j) {
            if first_diff == Ordering::Equal {
                first_diff = a[i].cmp(&b[j]);
            }
            i += 1;
            j += 1;
        }
        // A longer digit run (without leading zeros) is the larger number.
        if digit_at(a, i) {
            return Ordering::Greater;
        }
        if digit_at(b, j) {
            return Ordering::Less;
        }
        if first_diff != Ordering::Equal {
            return first_diff;
        }
    }
    Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        DebVersion::parse(a)
            .unwrap()
            .cmp(&DebVersion::parse(b).unwrap())
    }

    #[test]
    fn orders_like_dpkg() {
        // Pairs checked against `dpkg --compare-versions A lt B` on Debian 12.
        let ascending = [
            ("1.0~rc1", "1.0"),
            ("1.0~~", "1.0~"),
            ("1.0~", "1.0"),
            ("1.0", "1.0a"),
            ("1.0a", "1.0+"),
            ("1.0", "1.0.1"),
            ("1.2.13.dfsg-1", "1:1.0"),
            ("3.0.11-1~deb12u1", "3.0.11-1"),
            ("3.0.11-1", "3.0.11-1+deb12u1"),
            ("3.0.11-1~deb12u1", "3.0.13-1~deb12u1"),
            ("2.36-9+deb12u3", "2.36-9+deb12u10"),
            ("1.9", "1.10"),
            ("0:1.0-1", "1.0-2"),
            ("7.88.1-10+deb12u4", "7.88.1-10+deb12u5"),
        ];
        for (a, b) in ascending {
            assert_eq!(cmp(a, b), Ordering::Less, "{a} < {b}");
            assert_eq!(cmp(b, a), Ordering::Greater, "{b} > {a}");
        }
        for (a, b) in [
            ("1.0", "1.0-0"),
            ("0:1.0", "1.0"),
            ("1.01", "1.1"),
            ("1.0-1", "1.0-1"),
        ] {
            assert_eq!(cmp(a, b), Ordering::Equal, "{a} == {b}");
        }
    }

    #[test]
    fn epoch_wins_over_everything() {
        assert_eq!(cmp("1:1.2.13.dfsg-1", "1.2.13.dfsg-2"), Ordering::Greater);
        assert_eq!(cmp("1:0.1", "2.0"), Ordering::Greater);
        assert_eq!(cmp("2:0.1", "1:9.9"), Ordering::Greater);
    }

    #[test]
    fn refuses_what_dpkg_refuses() {
        for bad in ["", "a1.0", "x:1.0", "1.0 1", "1.0_1", "-1"] {
            assert!(DebVersion::parse(bad).is_err(), "{bad:?}");
        }
    }
}
