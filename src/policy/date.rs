//! Calendar dates (UTC) for exception expiry: small enough to own, and no
//! time-zone surprises: an exception is valid through its expiry day, UTC.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

/// A date vimes was given that it cannot use.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// `VIMES_TODAY` is set to something other than `YYYY-MM-DD`.
    #[error("VIMES_TODAY is {0:?}, not a date of the form YYYY-MM-DD")]
    Override(String),
}

/// A proleptic Gregorian calendar date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year.
    pub year: i32,
    /// Month, 1-12.
    pub month: u32,
    /// Day, 1-31.
    pub day: u32,
}

impl Date {
    /// Parses `YYYY-MM-DD` exactly (ten ASCII characters, digits and two
    /// dashes), rejecting impossible dates. Rust's integer parser takes a
    /// sign, so `2099-+1-+1` would otherwise be January 1st.
    pub fn parse(text: &str) -> Option<Date> {
        let b = text.as_bytes();
        let digits = |range: std::ops::Range<usize>| b[range].iter().all(u8::is_ascii_digit);
        let shaped = b.len() == 10 && b[4] == b'-' && b[7] == b'-';
        if !shaped || !digits(0..4) || !digits(5..7) || !digits(8..10) {
            return None;
        }
        let (y, m, d) = (&text[0..4], &text[5..7], &text[8..10]);
        let date = Date {
            year: y.parse().ok()?,
            month: m.parse().ok()?,
            day: d.parse().ok()?,
        };
        (date.month >= 1
            && date.month <= 12
            && date.day >= 1
            && date.day <= days_in_month(date.year, date.month))
        .then_some(date)
    }

    /// Checks `VIMES_TODAY`: set but not a `YYYY-MM-DD` date is a usage error,
    /// so an audit run never falls back to the real clock unnoticed.
    pub fn check_override() -> Result<(), DateError> {
        match std::env::var("VIMES_TODAY") {
            Ok(text) if Date::parse(&text).is_none() => Err(DateError::Override(text)),
            _ => Ok(()),
        }
    }

    /// The date `VIMES_TODAY` sets, if it is set: every decision made with
    /// it (expired exceptions that count again, base image ages) must say so
    /// in its output and evidence.
    pub fn overridden() -> Option<Date> {
        std::env::var("VIMES_TODAY")
            .ok()
            .and_then(|t| Date::parse(&t))
    }

    /// The warning printed on stderr by every run under `VIMES_TODAY`.
    pub fn override_warning() -> Option<String> {
        Date::overridden().map(|date| {
            format!(
                "warning: VIMES_TODAY={date} replaces today's date: exception expiry and base image age are judged as of {date}, and the output and evidence record it as today_overridden"
            )
        })
    }

    /// Today in UTC (overridable with `VIMES_TODAY=YYYY-MM-DD` for reproducible
    /// audits and tests; see [`Date::overridden`]).
    pub fn today() -> Date {
        if let Some(date) = Date::overridden() {
            return date;
        }
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::from_days((secs / 86_400) as i64)
    }

    /// Days since 1970-01-01 (the inverse of [`Date::from_days`]).
    pub fn days(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let year = i64::from(self.year) - i64::from(self.month <= 2);
        let era = year.div_euclid(400);
        let yoe = year.rem_euclid(400);
        let month = i64::from(self.month);
        let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5
            + i64::from(self.day)
            - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days after 1970-01-01.
    pub fn from_days(days: i64) -> Date {
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// The current time as RFC 3339 UTC (`2026-11-29T04:33:44Z`).
pub fn now_rfc3339() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    rfc3339(secs)
}

/// Seconds since the epoch as RFC 3339 UTC.
pub fn rfc3339(secs: u64) -> String {
    let date = Date::from_days((secs / 86_400) as i64);
    let rem = secs % 86_400;
    format!(
        "{date}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_orders() {
        let a = Date::parse("2026-02-28").unwrap();
        let b = Date::parse("2026-03-01").unwrap();
        assert!(a < b);
        assert!(Date::parse("2026-02-29").is_none());
        assert!(Date::parse("2024-02-29").is_some());
        assert!(Date::parse("2026-13-01").is_none());
        assert!(Date::parse("26-1-1").is_none());
        for signed_or_spaced in [
            "2099-+1-+1",
            "+099-01-01",
            "2099-01-+1",
            "2099-1-01 ",
            " 2099-01-01",
            "2099-01-01\n",
            "２０９９-01-01",
            "2099/01/01",
        ] {
            assert!(
                Date::parse(signed_or_spaced).is_none(),
                "{signed_or_spaced:?} parsed"
            );
        }
        assert_eq!(a.to_string(), "2026-02-28");
    }

    #[test]
    fn days_since_epoch() {
        assert_eq!(Date::from_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_days(20_786).to_string(), "2026-11-29");
        assert_eq!(Date::from_days(11_016).to_string(), "2000-02-29");
        for days in [-800_000, -1, 0, 59, 11_016, 20_786, 47_481, 2_932_896] {
            assert_eq!(Date::from_days(days).days(), days);
        }
    }
}
