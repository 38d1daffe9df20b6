//! The simulation's time axis: seconds since the Unix epoch (1970-01-01T00:00:00Z), UTC, as
//! `f64`, and the regular grid the simulation reports and controls on.
//!
//! Time zones: only fixed UTC offsets are understood (`+01:00`, `-0500`, `UTC`, `Z`). A
//! timestamp that carries its own offset (`2022-03-27T03:00:00+02:00`, as the Bavarian heat
//! file writes across daylight saving time) is exact. A naive timestamp (`2022-01-01 00:00`) is
//! read at an offset declared beside it, the same offset all year: named zones with daylight
//! saving time (`Europe/Berlin`) are not understood, because their rules need a time-zone
//! database this crate does not carry. A naive local trace recorded under daylight saving time
//! therefore shows a missing hour in spring and a repeated hour in autumn, which the gap and
//! duplicate policies of a trace then handle explicitly.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use thiserror::Error;

/// Seconds in an hour.
pub const HOUR_S: f64 = 3600.0;

/// Seconds in a day.
pub const DAY_S: f64 = 86_400.0;

/// Why a timestamp, an offset or a grid cannot be used.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum TimeError {
    /// A timestamp in none of the accepted forms.
    #[error(
        "'{value}' is not a timestamp: expected ISO 8601 like 2022-01-01T00:00:00+01:00, \
         2022-01-01 00:00 (read at the declared UTC offset) or 2022-01-01"
    )]
    Timestamp {
        /// The text given.
        value: String,
    },
    /// A UTC offset in none of the accepted forms.
    #[error(
        "'{value}' is not a fixed UTC offset: expected +01:00, -0500, +01, UTC or Z (named time zones are not supported)"
    )]
    Offset {
        /// The text given.
        value: String,
    },
    /// A grid that is not a regular forward axis.
    #[error("bad time grid: {reason}")]
    Grid {
        /// What is wrong.
        reason: String,
    },
}

/// Parse a fixed UTC offset: `+01:00`, `-05:00`, `+0100`, `+01`, `UTC`, `Z` (case-insensitive
/// for the names). The offset is local time minus UTC.
pub fn parse_utc_offset(text: &str) -> Result<FixedOffset, TimeError> {
    let bad = || TimeError::Offset {
        value: text.to_string(),
    };
    let t = text.trim();
    if t.eq_ignore_ascii_case("utc") || t.eq_ignore_ascii_case("z") || t.eq_ignore_ascii_case("gmt")
    {
        return Ok(utc());
    }
    let t = t
        .strip_prefix("UTC")
        .or_else(|| t.strip_prefix("utc"))
        .unwrap_or(t);
    let (sign, rest) = match t.as_bytes().first() {
        Some(b'+') => (1, &t[1..]),
        Some(b'-') => (-1, &t[1..]),
        _ => return Err(bad()),
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) || !matches!(digits.len(), 2 | 4) {
        return Err(bad());
    }
    let hours: i32 = digits[..2].parse().map_err(|_| bad())?;
    let minutes: i32 = if digits.len() == 4 {
        digits[2..].parse().map_err(|_| bad())?
    } else {
        0
    };
    if hours > 23 || minutes > 59 {
        return Err(bad());
    }
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60)).ok_or_else(bad)
}

/// The zero offset.
pub fn utc() -> FixedOffset {
    FixedOffset::east_opt(0).expect("zero is a valid offset")
}

/// Naive date-time layouts accepted, most common first. `%.f` also accepts no fraction.
const NAIVE_FORMATS: [&str; 4] = [
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
];

/// Parse a timestamp into seconds since the Unix epoch.
///
/// Accepted: ISO 8601 / RFC 3339 with an offset or `Z` (`2022-01-01T00:00:00+01:00`,
/// `2022-01-01 00:15:00.000000+01:00`), which is exact; a naive date-time with seconds or
/// minutes and an optional fraction of seconds (`2025-10-31 09:00:00.000`, `2014-01-01 00:00`),
/// read at `naive_offset`; a date alone (`2022-01-01`), read as its midnight at `naive_offset`.
pub fn parse_timestamp(text: &str, naive_offset: FixedOffset) -> Result<f64, TimeError> {
    let t = text.trim();
    let bad = || TimeError::Timestamp {
        value: text.to_string(),
    };
    let (naive_part, offset) = split_offset(t).ok_or_else(bad)?;
    let naive = parse_naive(naive_part).ok_or_else(bad)?;
    let offset = offset.unwrap_or(naive_offset);
    let local = offset
        .from_local_datetime(&naive)
        .single()
        .ok_or_else(bad)?;
    Ok(epoch_seconds(&local))
}

/// Split a trailing `Z` or `±hh:mm` offset (after the date's own dashes) from a timestamp.
/// `None` if the offset part is present but malformed.
fn split_offset(t: &str) -> Option<(&str, Option<FixedOffset>)> {
    if let Some(head) = t.strip_suffix('Z').or_else(|| t.strip_suffix('z')) {
        return Some((head, Some(utc())));
    }
    // The date occupies the first 10 characters (YYYY-MM-DD); a sign after them starts an offset.
    if t.len() <= 10 || !t.is_char_boundary(10) {
        return Some((t, None));
    }
    match t[10..].rfind(['+', '-']) {
        Some(pos) => {
            let at = 10 + pos;
            let offset = parse_utc_offset(&t[at..]).ok()?;
            Some((&t[..at], Some(offset)))
        }
        None => Some((t, None)),
    }
}

/// A naive date-time in one of [`NAIVE_FORMATS`], or a date alone (midnight).
fn parse_naive(text: &str) -> Option<NaiveDateTime> {
    let text = text.trim();
    for format in NAIVE_FORMATS {
        if let Ok(dt) = NaiveDateTime::parse_from_str(text, format) {
            return Some(dt);
        }
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
}

/// Seconds since the epoch of a zoned date-time, with its fraction of a second.
pub fn epoch_seconds<Tz: TimeZone>(t: &DateTime<Tz>) -> f64 {
    t.timestamp() as f64 + f64::from(t.timestamp_subsec_nanos()) * 1e-9
}

/// The UTC date-time of `seconds` since the epoch (rounded to the nanosecond), or `None` out
/// of chrono's range.
pub fn to_datetime(seconds: f64) -> Option<DateTime<chrono::Utc>> {
    if !seconds.is_finite() {
        return None;
    }
    let whole = seconds.floor();
    let nanos = ((seconds - whole) * 1e9).round().min(999_999_999.0) as u32;
    DateTime::from_timestamp(whole as i64, nanos)
}

/// `seconds` since the epoch as an RFC 3339 UTC text (for messages).
pub fn format_time(seconds: f64) -> String {
    match to_datetime(seconds) {
        Some(t) if t.timestamp_subsec_nanos() == 0 => t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        Some(t) => t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        None => format!("{seconds} s since 1970-01-01"),
    }
}

/// The simulation's regular time axis: `len` steps of `step_s` seconds from `start_s`
/// (seconds since the epoch, UTC). Step k covers [start_s + k·step_s, start_s + (k+1)·step_s):
/// the start is inclusive, the end exclusive. It is the grid on which inputs are delivered
/// (one value per step) and on which the simulation controls and reports.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeGrid {
    /// First step's start [s since the epoch, UTC].
    pub start_s: f64,
    /// Length of a step [s].
    pub step_s: f64,
    /// Number of steps.
    pub len: usize,
}

impl TimeGrid {
    /// A grid of `len` steps of `step_s` seconds from `start_s`. The step must be positive and
    /// finite, the start finite.
    pub fn new(start_s: f64, step_s: f64, len: usize) -> Result<Self, TimeError> {
        if !start_s.is_finite() {
            return Err(TimeError::Grid {
                reason: format!("start {start_s} s is not finite"),
            });
        }
        if !(step_s.is_finite() && step_s > 0.0) {
            return Err(TimeError::Grid {
                reason: format!("step {step_s} s must be positive and finite"),
            });
        }
        Ok(TimeGrid {
            start_s,
            step_s,
            len,
        })
    }

    /// The grid from `start_s` (inclusive) to `end_s` (exclusive) in steps of `step_s`; the
    /// span must be a whole number of steps (within a microsecond), so that no step is cut.
    pub fn between(start_s: f64, end_s: f64, step_s: f64) -> Result<Self, TimeError> {
        let grid = TimeGrid::new(start_s, step_s, 0)?;
        let steps = (end_s - start_s) / step_s;
        let whole = steps.round();
        if end_s.is_nan() || end_s <= start_s || (steps - whole).abs() * step_s > 1e-6 {
            return Err(TimeError::Grid {
                reason: format!(
                    "{} .. {} is not a positive whole number of {step_s} s steps",
                    format_time(start_s),
                    format_time(end_s)
                ),
            });
        }
        Ok(TimeGrid {
            len: whole as usize,
            ..grid
        })
    }

    /// End of the last step [s] (exclusive).
    pub fn end_s(&self) -> f64 {
        self.start_s + self.len as f64 * self.step_s
    }

    /// Start of step `k` [s].
    pub fn time_s(&self, k: usize) -> f64 {
        self.start_s + k as f64 * self.step_s
    }

    /// Starts of all steps [s].
    pub fn times_s(&self) -> impl Iterator<Item = f64> + '_ {
        (0..self.len).map(|k| self.time_s(k))
    }

    /// Whether the grid has no step.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_forms_agree() {
        let plus1 = parse_utc_offset("+01:00").unwrap();
        let a = parse_timestamp("2022-01-01T00:00:00+01:00", utc()).unwrap();
        let b = parse_timestamp("2022-01-01 00:00", plus1).unwrap();
        let c = parse_timestamp("2022-01-01", plus1).unwrap();
        let d = parse_timestamp("2021-12-31T23:00:00Z", plus1).unwrap();
        assert_eq!(a, 1_640_991_600.0);
        assert_eq!((a, a, a), (b, c, d));
        let frac = parse_timestamp("2025-10-31 09:00:00.250", utc()).unwrap();
        assert_eq!(frac, 1_761_901_200.25);
        let bavaria = parse_timestamp("2022-01-01T00:15:00.000000+01:00", utc()).unwrap();
        assert_eq!(bavaria, a + 900.0);
    }

    #[test]
    fn bad_forms_are_rejected() {
        for bad in [
            "2022-13-01",
            "yesterday",
            "2022-01-01T25:00",
            "2022-01-01 00:00+25:00",
            "",
        ] {
            assert!(parse_timestamp(bad, utc()).is_err(), "{bad}");
        }
        for bad in ["Europe/Berlin", "+1", "+01:70", "01:00"] {
            assert!(parse_utc_offset(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_utc_offset("-0500").unwrap().local_minus_utc(),
            -18_000
        );
        assert_eq!(parse_utc_offset("Z").unwrap().local_minus_utc(), 0);
    }

    #[test]
    fn grid_between_needs_whole_steps() {
        let g = TimeGrid::between(0.0, 7200.0, 900.0).unwrap();
        assert_eq!((g.len, g.end_s(), g.time_s(3)), (8, 7200.0, 2700.0));
        assert!(TimeGrid::between(0.0, 1000.0, 900.0).is_err());
        assert!(TimeGrid::new(0.0, 0.0, 3).is_err());
    }
}
