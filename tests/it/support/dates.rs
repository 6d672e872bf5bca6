//! Calendar arithmetic the tests need against the real clock (what Trivy
//! and Kyverno use), in one place: days to civil dates and back (Howard
//! Hinnant's algorithms).

/// Today's date (UTC) by the real clock, which is what Trivy uses.
pub fn real_today() -> String {
    real_day(0)
}

/// The date `offset` days from today by the real clock: far enough for an
/// exception still in force, within the 365 days vimes accepts, say.
pub fn real_day(offset: i64) -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs();
    // civil_from_days (Howard Hinnant).
    let z = (secs / 86_400) as i64 + offset + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Seconds since the Unix epoch of an RFC 3339 UTC time (`...Z`).
pub fn unix_seconds(rfc3339: &str) -> i64 {
    let t = rfc3339.trim_end_matches('Z');
    let (date, time) = t.split_once('T').unwrap();
    let d: Vec<i64> = date.split('-').map(|p| p.parse().unwrap()).collect();
    let time = time.split('.').next().unwrap();
    let h: Vec<i64> = time.split(':').map(|p| p.parse().unwrap()).collect();
    let (y, m) = if d[1] <= 2 {
        (d[0] - 1, d[1] + 9)
    } else {
        (d[0], d[1] - 3)
    };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + d[2] - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * 86_400 + h[0] * 3600 + h[1] * 60 + h[2]
}
