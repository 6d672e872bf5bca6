//! Dates and times, one way: `jiff` does the calendar, this module fixes the
//! two shapes vimes reads and writes (`YYYY-MM-DD` dates, RFC 3339 UTC
//! timestamps to the second) and what "today" means for a run.
//!
//! "Today" is a [`Clock`] built once at the edge (from `VIMES_TODAY` when it is
//! set) and handed down, so every decision of one run is judged on the same day
//! and no engine module reads the environment for it.

use jiff::tz::TimeZone;
use jiff::Timestamp;
use std::fmt;
use std::time::SystemTime;

/// A calendar date (UTC): exception expiry, image ages. An exception is valid
/// through its expiry day, UTC, so there are no time-zone surprises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(jiff::civil::Date);

impl Date {
    /// Parses `YYYY-MM-DD` exactly (ten ASCII characters, digits and two
    /// dashes), rejecting impossible dates. The shape check comes first
    /// because calendar parsers are lenient about signs and extended years
    /// (`+002099-01-01`), and an expiry must mean one thing only.
    pub fn parse(text: &str) -> Option<Date> {
        let b = text.as_bytes();
        let digits = |range: std::ops::Range<usize>| b[range].iter().all(u8::is_ascii_digit);
        let shaped = b.len() == 10 && b[4] == b'-' && b[7] == b'-';
        if !shaped || !digits(0..4) || !digits(5..7) || !digits(8..10) {
            return None;
        }
        text.parse::<jiff::civil::Date>().ok().map(Date)
    }

    /// The UTC date of `time`.
    pub fn of(time: SystemTime) -> Date {
        Date(TimeZone::UTC.to_datetime(timestamp(time)).date())
    }

    /// Whole days from `earlier` to `self` (negative when `earlier` is later).
    pub fn days_since(self, earlier: Date) -> i64 {
        self.0.duration_since(earlier.0).as_secs() / 86_400
    }

    /// The last second of this day (23:59:59 UTC) in seconds since the epoch:
    /// Harbor's allowlist `expires_at`.
    pub fn last_second(self) -> i64 {
        let start = self.0.to_datetime(jiff::civil::Time::midnight());
        TimeZone::UTC
            .to_timestamp(start)
            .map_or(i64::MAX, |t| t.as_second() + 86_399)
    }

    /// The first instant after this day ends (00:00:00 UTC of the next day),
    /// as RFC 3339: when something valid "through" this date stops being so.
    pub fn end_rfc3339(self) -> String {
        let next =
            Timestamp::from_second(self.last_second().saturating_add(1)).unwrap_or(Timestamp::MAX);
        format_timestamp(next)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// What "today" is for this run: the real UTC date, or the date
/// `VIMES_TODAY` fixes for a reproducible audit (which every decision made
/// with it must say in its output and evidence).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Clock {
    fixed: Option<Date>,
}

/// `VIMES_TODAY` is set but is not a date.
#[derive(Debug, thiserror::Error)]
#[error("VIMES_TODAY is {0:?}, not a date of the form YYYY-MM-DD")]
pub struct BadToday(pub String);

impl Clock {
    /// The real clock.
    pub fn system() -> Clock {
        Clock { fixed: None }
    }

    /// A clock stopped at `date` (as `VIMES_TODAY` does).
    pub fn fixed(date: Date) -> Clock {
        Clock { fixed: Some(date) }
    }

    /// The clock `VIMES_TODAY`'s value asks for: unset is the real clock, a
    /// date fixes it, anything else is refused, so an audit run never falls
    /// back to the real clock unnoticed.
    pub fn from_today_override(value: Option<&str>) -> Result<Clock, BadToday> {
        match value {
            None => Ok(Clock::system()),
            Some(text) => Date::parse(text)
                .map(Clock::fixed)
                .ok_or_else(|| BadToday(text.to_string())),
        }
    }

    /// Today (UTC), or the fixed date.
    pub fn today(&self) -> Date {
        self.fixed.unwrap_or_else(|| Date::of(SystemTime::now()))
    }

    /// The fixed date, when `VIMES_TODAY` set one.
    pub fn overridden(&self) -> Option<Date> {
        self.fixed
    }

    /// The warning every run under `VIMES_TODAY` prints on stderr.
    pub fn override_warning(&self) -> Option<String> {
        self.fixed.map(|date| {
            format!(
                "warning: VIMES_TODAY={date} replaces today's date: exception expiry and base image age are judged as of {date}, and the output and evidence record it as today_overridden"
            )
        })
    }
}

/// The current time as RFC 3339 UTC to the second (`2026-11-29T04:33:44Z`).
pub fn now_rfc3339() -> String {
    rfc3339(SystemTime::now())
}

/// `time` as RFC 3339 UTC to the second (times before 1970 or past jiff's
/// range are clamped, which only a broken clock produces).
pub fn rfc3339(time: SystemTime) -> String {
    format_timestamp(timestamp(time))
}

/// Seconds since the epoch as RFC 3339 UTC (`SOURCE_DATE_EPOCH`, `created`).
pub fn rfc3339_secs(secs: u64) -> String {
    let ts = i64::try_from(secs)
        .ok()
        .and_then(|s| Timestamp::from_second(s).ok())
        .unwrap_or(Timestamp::MAX);
    format_timestamp(ts)
}

/// The UTC date of an RFC 3339 timestamp (any offset; `None` when it is not
/// one). A bare `YYYY-MM-DD...` prefix counts too, as image `created`
/// fields written by older tools sometimes lack a valid offset.
pub fn date_of_timestamp(text: &str) -> Option<Date> {
    match text.parse::<Timestamp>() {
        Ok(ts) => Some(Date(TimeZone::UTC.to_datetime(ts).date())),
        Err(_) => Date::parse(text.get(..10)?),
    }
}

fn timestamp(time: SystemTime) -> Timestamp {
    let ts = Timestamp::try_from(time).unwrap_or(Timestamp::UNIX_EPOCH);
    // Whole seconds: every timestamp vimes writes has that shape.
    Timestamp::from_second(ts.as_second()).unwrap_or(ts)
}

fn format_timestamp(ts: Timestamp) -> String {
    let whole = Timestamp::from_second(ts.as_second()).unwrap_or(ts);
    whole.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    fn date(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn parses_strictly_and_orders() {
        assert!(date("2026-02-28") < date("2026-03-01"));
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
            "20990101",
        ] {
            assert!(
                Date::parse(signed_or_spaced).is_none(),
                "{signed_or_spaced:?} parsed"
            );
        }
        assert_eq!(date("2026-02-28").to_string(), "2026-02-28");
    }

    #[test]
    fn day_arithmetic_follows_the_calendar() {
        assert_eq!(date("2026-03-01").days_since(date("2026-02-28")), 1);
        assert_eq!(date("2024-03-01").days_since(date("2024-02-28")), 2);
        assert_eq!(date("2027-12-03").days_since(date("2026-12-03")), 365);
        assert_eq!(date("2026-11-29").days_since(date("1970-01-01")), 20_786);
        assert_eq!(date("1970-01-01").days_since(date("1970-01-02")), -1);
        assert_eq!(date("2026-12-31").end_rfc3339(), "2027-01-01T00:00:00Z");
        assert_eq!(date("2024-02-28").end_rfc3339(), "2024-02-29T00:00:00Z");
        assert_eq!(date("2026-12-01").last_second(), 1_796_169_599);
    }

    #[test]
    fn timestamps_are_utc_to_the_second() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        assert_eq!(
            rfc3339(UNIX_EPOCH + Duration::from_millis(951_827_696_999)),
            "2000-02-29T12:34:56Z"
        );
        assert_eq!(rfc3339_secs(1_735_689_599), "2024-12-31T23:59:59Z");
        let now = now_rfc3339();
        assert_eq!((now.len(), now.ends_with('Z')), (20, true), "{now}");
        assert_eq!(
            Date::of(UNIX_EPOCH + Duration::from_secs(1_735_689_599)),
            date("2024-12-31")
        );
    }

    #[test]
    fn timestamp_dates_honour_offsets() {
        assert_eq!(
            date_of_timestamp("2026-01-01T01:00:00+02:00"),
            Some(date("2025-12-31"))
        );
        assert_eq!(
            date_of_timestamp("2026-01-01T00:00:00.123456789Z"),
            Some(date("2026-01-01"))
        );
        assert_eq!(
            date_of_timestamp("2026-01-01 garbage"),
            Some(date("2026-01-01"))
        );
        assert_eq!(date_of_timestamp("garbage"), None);
    }

    #[test]
    fn today_override_is_a_date_or_refused() {
        let fixed = Clock::from_today_override(Some("2026-12-03")).unwrap();
        assert_eq!(fixed.today(), date("2026-12-03"));
        assert_eq!(fixed.overridden(), Some(date("2026-12-03")));
        assert!(fixed
            .override_warning()
            .unwrap()
            .contains("VIMES_TODAY=2026-12-03"));
        let err = Clock::from_today_override(Some("tomorrow")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "VIMES_TODAY is \"tomorrow\", not a date of the form YYYY-MM-DD"
        );
        let real = Clock::from_today_override(None).unwrap();
        assert_eq!(real.overridden(), None);
        assert_eq!(real.override_warning(), None);
        assert_eq!(real.today(), Date::of(SystemTime::now()));
    }
}
