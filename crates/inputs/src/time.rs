//! The simulation's time axis: seconds since the Unix epoch (1970-01-01T00:00:00Z), UTC, as
//! `f64`, and the regular grid the simulation reports and controls on.
//!
//! Time zones ([`LocalZone`]): a timestamp that carries its own offset
//! (`2022-03-27T03:00:00+02:00`, as the Bavarian heat file writes across daylight saving time)
//! is exact. A naive timestamp (`2022-01-01 00:00`) is read in a calendar declared beside it:
//! a fixed UTC offset, the same all year (`+01:00`, `-0500`, `UTC`, `Z`), or a named IANA zone
//! with its daylight-saving rules (`Europe/Berlin`, from the IANA database that `chrono-tz`
//! compiles in). In a named zone, a local time in the hour the clocks skip in spring does not
//! exist and is an error; a local time in the hour they repeat in autumn names two instants
//! ([`Instants::Fold`]), which a trace tells apart by the order of its rows
//! (`crate::trace`).

use chrono::{DateTime, FixedOffset, MappedLocalTime, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
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
         2022-01-01 00:00 (read in the declared offset or time zone) or 2022-01-01"
    )]
    Timestamp {
        /// The text given.
        value: String,
    },
    /// A UTC offset in none of the accepted forms.
    #[error(
        "'{value}' is not a fixed UTC offset: expected +01:00, -0500, +01, UTC or Z (a named \
         zone such as Europe/Berlin goes in time_zone)"
    )]
    Offset {
        /// The text given.
        value: String,
    },
    /// Not a time zone name of the IANA database.
    #[error("'{value}' is not an IANA time zone name: expected a name like Europe/Berlin, \
             America/New_York or UTC{}", hint.as_ref().map(|h| format!(" (names are \
             case-sensitive: did you mean {h}?)")).unwrap_or_default())]
    Zone {
        /// The text given.
        value: String,
        /// The zone it names in another case, if any.
        hint: Option<&'static str>,
    },
    /// A local time that a zone skips when daylight saving time starts.
    #[error(
        "'{value}' does not exist in {zone}: the clocks skip it when daylight saving time \
         starts (write the offset if the file means another instant)"
    )]
    Nonexistent {
        /// The text given.
        value: String,
        /// The zone's name.
        zone: &'static str,
    },
    /// A local time that a zone repeats when daylight saving time ends, where no order tells
    /// which is meant.
    #[error(
        "'{value}' is ambiguous in {zone}: the clocks show it twice when daylight saving time \
         ends, first at {first} and then at {second}; write the offset"
    )]
    Ambiguous {
        /// The text given.
        value: String,
        /// The zone's name.
        zone: &'static str,
        /// Offset of the first occurrence (daylight saving time).
        first: FixedOffset,
        /// Offset of the second occurrence (standard time).
        second: FixedOffset,
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

/// An IANA time zone by its exact name (`Europe/Berlin`, `UTC`). A name that matches one only
/// in another case is refused, the error naming the zone it would match.
pub fn parse_time_zone(name: &str) -> Result<Tz, TimeError> {
    let name = name.trim();
    name.parse::<Tz>().map_err(|_| TimeError::Zone {
        value: name.to_string(),
        hint: chrono_tz::TZ_VARIANTS
            .iter()
            .find(|z| z.name().eq_ignore_ascii_case(name))
            .map(|z| z.name()),
    })
}

/// The calendar in which naive timestamps are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalZone {
    /// A fixed offset from UTC, the same all year.
    Fixed(FixedOffset),
    /// An IANA time zone, with its daylight-saving rules.
    Named(Tz),
}

/// The instants a timestamp names [s since the epoch].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Instants {
    /// Exactly one.
    One(f64),
    /// A local time in the hour a zone repeats when daylight saving time ends: first in
    /// daylight saving time (`earlier_s`), then in standard time (`later_s`).
    Fold {
        /// The first occurrence.
        earlier_s: f64,
        /// The second occurrence.
        later_s: f64,
    },
}

impl LocalZone {
    /// Its name for messages: the IANA name, or "a fixed offset" (which never skips or repeats
    /// a local time).
    pub fn name(&self) -> &'static str {
        match self {
            LocalZone::Fixed(_) => "a fixed offset",
            LocalZone::Named(tz) => tz.name(),
        }
    }

    /// The instants the local date-time `naive` names; `None` for a local time the zone skips.
    pub fn instants(&self, naive: &NaiveDateTime) -> Option<Instants> {
        match self {
            LocalZone::Fixed(offset) => instants(offset.from_local_datetime(naive)),
            LocalZone::Named(tz) => instants(tz.from_local_datetime(naive)),
        }
    }

    /// The local date-time at `seconds` since the epoch (whole seconds), or `None` out of
    /// chrono's range.
    pub fn local(&self, seconds: i64) -> Option<NaiveDateTime> {
        let utc = DateTime::from_timestamp(seconds, 0)?.naive_utc();
        Some(match self {
            LocalZone::Fixed(offset) => offset.from_utc_datetime(&utc).naive_local(),
            LocalZone::Named(tz) => tz.from_utc_datetime(&utc).naive_local(),
        })
    }

    /// The first instant of the local date-time `naive` [s]; one the zone skips is read at the
    /// offset in force just before the skip (so 02:30 on a spring-forward night, an hour that
    /// does not exist, becomes 03:30 of the new offset). `None` out of chrono's range.
    pub fn first_instant(&self, naive: &NaiveDateTime) -> Option<f64> {
        let first = |i: Instants| match i {
            Instants::One(t) | Instants::Fold { earlier_s: t, .. } => t,
        };
        if let Some(i) = self.instants(naive) {
            return Some(first(i));
        }
        // Three hours earlier is before the gap (no zone skips more than an hour or two): its
        // offset, applied to `naive`.
        let earlier = *naive - chrono::Duration::hours(3);
        let offset_s = naive_seconds(&earlier) - first(self.instants(&earlier)?);
        Some(naive_seconds(naive) - offset_s)
    }
}

/// Seconds of a naive date-time counted as if it were UTC.
fn naive_seconds(naive: &NaiveDateTime) -> f64 {
    epoch_seconds(&naive.and_utc())
}

/// A chrono mapping as [`Instants`]; `None` for a gap.
fn instants<Tz: TimeZone>(mapped: MappedLocalTime<DateTime<Tz>>) -> Option<Instants> {
    match mapped {
        MappedLocalTime::Single(t) => Some(Instants::One(epoch_seconds(&t))),
        MappedLocalTime::Ambiguous(a, b) => Some(Instants::Fold {
            earlier_s: epoch_seconds(&a),
            later_s: epoch_seconds(&b),
        }),
        MappedLocalTime::None => None,
    }
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
    match parse_timestamp_in(text, &LocalZone::Fixed(naive_offset))? {
        Instants::One(t) => Ok(t),
        // A fixed offset maps every local time to one instant.
        Instants::Fold { earlier_s, .. } => Ok(earlier_s),
    }
}

/// As [`parse_timestamp`], naive timestamps read in `zone`: the instants the text names. An
/// explicit offset in the text wins over the zone. A local time the zone skips (spring) is
/// [`TimeError::Nonexistent`]; one it repeats (autumn) gives [`Instants::Fold`].
pub fn parse_timestamp_in(text: &str, zone: &LocalZone) -> Result<Instants, TimeError> {
    let t = text.trim();
    let bad = || TimeError::Timestamp {
        value: text.to_string(),
    };
    let (naive_part, offset) = split_offset(t).ok_or_else(bad)?;
    let naive = parse_naive(naive_part).ok_or_else(bad)?;
    let zone = offset.map_or(*zone, LocalZone::Fixed);
    zone.instants(&naive).ok_or_else(|| TimeError::Nonexistent {
        value: t.to_string(),
        zone: zone.name(),
    })
}

/// A single instant of `text` in `zone`, for a value no row order can disambiguate (a trace's
/// `origin`): a repeated local time is [`TimeError::Ambiguous`].
pub fn parse_single_timestamp(text: &str, zone: &LocalZone) -> Result<f64, TimeError> {
    match parse_timestamp_in(text, zone)? {
        Instants::One(t) => Ok(t),
        Instants::Fold { earlier_s, later_s } => {
            // Only a naive text can be ambiguous: its local reading minus each instant.
            let local_s = parse_naive(text.trim()).map_or(earlier_s, |n| naive_seconds(&n));
            let offset =
                |t: f64| FixedOffset::east_opt((local_s - t).round() as i32).unwrap_or(utc());
            Err(TimeError::Ambiguous {
                value: text.trim().to_string(),
                zone: zone.name(),
                first: offset(earlier_s),
                second: offset(later_s),
            })
        }
    }
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

    /// Europe/Berlin in 2022: CET (+01:00) until 27 March 02:00, when the clocks jump to
    /// 03:00 CEST (+02:00); back on 30 October at 03:00 CEST to 02:00 CET.
    #[test]
    fn named_zone_follows_daylight_saving_time() {
        let berlin = LocalZone::Named(parse_time_zone("Europe/Berlin").unwrap());
        let z = |text: &str| parse_timestamp(text, utc()).unwrap();
        let one = |text: &str| parse_timestamp_in(text, &berlin).unwrap();
        assert_eq!(
            one("2022-01-15 12:00"),
            Instants::One(z("2022-01-15T11:00:00Z"))
        );
        assert_eq!(
            one("2022-07-15 12:00"),
            Instants::One(z("2022-07-15T10:00:00Z"))
        );
        assert_eq!(
            one("2022-03-27 01:59"),
            Instants::One(z("2022-03-27T00:59:00Z"))
        );
        assert_eq!(
            one("2022-03-27 03:00"),
            Instants::One(z("2022-03-27T01:00:00Z"))
        );
        match parse_timestamp_in("2022-03-27 02:30", &berlin) {
            Err(e @ TimeError::Nonexistent { .. }) => {
                let text = e.to_string();
                assert!(text.contains("2022-03-27 02:30") && text.contains("Europe/Berlin"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            one("2022-10-30 02:30"),
            Instants::Fold {
                earlier_s: z("2022-10-30T00:30:00Z"),
                later_s: z("2022-10-30T01:30:00Z"),
            }
        );
        assert_eq!(
            one("2022-10-30 03:00"),
            Instants::One(z("2022-10-30T02:00:00Z"))
        );
        // An explicit offset wins over the zone, even inside the gap or the fold.
        assert_eq!(
            one("2022-10-30T02:30:00+01:00"),
            Instants::One(z("2022-10-30T01:30:00Z"))
        );
        assert_eq!(
            one("2022-03-27T02:30:00+01:00"),
            Instants::One(z("2022-03-27T01:30:00Z"))
        );
        // An origin cannot be disambiguated by order: the error gives both offsets.
        match parse_single_timestamp("2022-10-30 02:30", &berlin) {
            Err(e @ TimeError::Ambiguous { .. }) => {
                let text = e.to_string();
                assert!(text.contains("+02:00") && text.contains("+01:00"), "{text}");
            }
            other => panic!("{other:?}"),
        }
        // The first instant of a skipped time is read at the offset before the skip.
        let gap = NaiveDateTime::parse_from_str("2022-03-27 02:30", "%Y-%m-%d %H:%M").unwrap();
        assert_eq!(berlin.first_instant(&gap), Some(z("2022-03-27T01:30:00Z")));
        assert_eq!(
            berlin.local(z("2022-10-30T01:30:00Z") as i64),
            NaiveDateTime::parse_from_str("2022-10-30 02:30", "%Y-%m-%d %H:%M").ok()
        );
    }

    #[test]
    fn zone_names_are_exact() {
        assert!(parse_time_zone("Europe/Berlin").is_ok());
        assert!(parse_time_zone("UTC").is_ok());
        match parse_time_zone("europe/berlin") {
            Err(e @ TimeError::Zone { .. }) => {
                assert!(e.to_string().contains("did you mean Europe/Berlin"), "{e}");
            }
            other => panic!("{other:?}"),
        }
        match parse_time_zone("Europe/Berlim") {
            Err(TimeError::Zone { hint, .. }) => assert_eq!(hint, None),
            other => panic!("{other:?}"),
        }
        assert!(parse_time_zone("+01:00").is_err());
    }

    #[test]
    fn grid_between_needs_whole_steps() {
        let g = TimeGrid::between(0.0, 7200.0, 900.0).unwrap();
        assert_eq!((g.len, g.end_s(), g.time_s(3)), (8, 7200.0, 2700.0));
        assert!(TimeGrid::between(0.0, 1000.0, 900.0).is_err());
        assert!(TimeGrid::new(0.0, 0.0, 3).is_err());
    }
}
