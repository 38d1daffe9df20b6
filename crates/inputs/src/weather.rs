//! Weather from EnergyPlus EPW files: dry bulb, dew point, relative humidity and station
//! pressure by the hour, with the humidity ratio and wet bulb derived, delivered on the
//! simulation's grid.
//!
//! The format (EnergyPlus Auxiliary Programs, "Weather Converter", EPW data dictionary): 8
//! header lines (LOCATION first, DATA PERIODS last), then 8760 hourly rows (8784 in a leap
//! year) of 35 comma-separated fields. Hour 1..24 labels the END of the hour; the values are
//! readings at that instant, in local standard time at LOCATION's offset (no daylight saving).
//!
//! Years: the year column is ignored, as EnergyPlus does for typical years (a TMYx file takes
//! each month from a different year). A grid time is mapped by its local month, day and time of
//! day; 29 February of a leap grid year reuses 28 February of a 365-day file, and 29 February of
//! a 366-day file is skipped in a common year. Between the hourly readings values are linear,
//! and the year wraps: before 01:00 on 1 January the reading of 31 December 24:00 is the left
//! neighbour. So any grid, of any year and length, is covered.
//!
//! Missing values (the EPW missing codes: 99.9 °C for temperatures, 999 % for relative
//! humidity, 999999 Pa for pressure) follow one rule per field, and are counted in
//! [`Weather::filled`]:
//! * dry bulb: the previous hour's value (EnergyPlus's rule); leading missing hours take the
//!   first valid value; a file with none is an error;
//! * dew point: from that hour's relative humidity and dry bulb when those are valid, else the
//!   previous hour's value; a file with none is an error;
//! * relative humidity: from the dew point and dry bulb (it is not used otherwise);
//! * station pressure: the previous hour's value; a file with none uses the standard
//!   atmosphere at LOCATION's elevation (ASHRAE 2017 Eq. 3).
//!
//! Only the code itself counts as missing (EnergyPlus reads anything above it as missing too;
//! here 999 in a temperature field is a typo and an error). A value that is not a missing code
//! but outside the field's range in the data dictionary
//! (temperatures −70..70 °C, humidity 0..110 %, pressure 31..120 kPa, and for the psychrometric
//! relations at least 50 kPa) is an error. A dew point above the dry bulb (the file's rounding)
//! is lowered to the dry bulb.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, Timelike};
use dctwin_components::psychrometrics::{MoistAir, Psychrometrics, saturation_pressure_pa};

use crate::error::InputError;
use crate::resolver::Resolver;
use crate::time::TimeGrid;

/// Fields in an EPW data row.
pub const EPW_FIELDS: usize = 35;

/// Header lines of an EPW file.
pub const EPW_HEADER_LINES: usize = 8;

/// 0 °C in kelvin.
const ZERO_CELSIUS_K: f64 = 273.15;

/// The header keywords, in order.
const HEADER_KEYWORDS: [&str; EPW_HEADER_LINES] = [
    "LOCATION",
    "DESIGN CONDITIONS",
    "TYPICAL/EXTREME PERIODS",
    "GROUND TEMPERATURES",
    "HOLIDAYS/DAYLIGHT SAVINGS",
    "COMMENTS 1",
    "COMMENTS 2",
    "DATA PERIODS",
];

/// Names of the fields read (1-based field number → name), for messages.
const FIELD_NAMES: [&str; 10] = [
    "year",
    "month",
    "day",
    "hour",
    "minute",
    "data source and uncertainty flags",
    "dry bulb temperature",
    "dew point temperature",
    "relative humidity",
    "atmospheric station pressure",
];

/// Where the weather station is (LOCATION header line).
#[derive(Debug, Clone, PartialEq)]
pub struct Location {
    /// Station or city name.
    pub city: String,
    /// Latitude [° north].
    pub latitude_deg: f64,
    /// Longitude [° east].
    pub longitude_deg: f64,
    /// Offset of the file's local standard time from UTC [h].
    pub utc_offset_h: f64,
    /// Elevation above sea level [m].
    pub elevation_m: f64,
}

/// How many hourly values each missing-value rule replaced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Filled {
    /// Dry bulb values taken from a neighbour.
    pub dry_bulb: usize,
    /// Dew points derived from relative humidity or taken from a neighbour.
    pub dew_point: usize,
    /// Relative humidities derived from the dew point.
    pub relative_humidity: usize,
    /// Pressures taken from a neighbour or the elevation.
    pub pressure: usize,
    /// Dew points lowered to the dry bulb.
    pub dew_point_clamped: usize,
}

/// An EPW weather year, hourly, in SI.
#[derive(Debug, Clone, PartialEq)]
pub struct Weather {
    /// The file read.
    pub file: PathBuf,
    /// The station.
    pub location: Location,
    /// Dry bulb at the end of each hour [K].
    pub dry_bulb_k: Vec<f64>,
    /// Dew point [K].
    pub dew_point_k: Vec<f64>,
    /// Relative humidity [fraction 0..1.1].
    pub relative_humidity: Vec<f64>,
    /// Station pressure [Pa].
    pub pressure_pa: Vec<f64>,
    /// Humidity ratio [kg water/kg dry air], from the dew point and pressure.
    pub humidity_ratio: Vec<f64>,
    /// Thermodynamic wet bulb [K].
    pub wet_bulb_k: Vec<f64>,
    /// (month, day, hour 1..24) of each row.
    pub stamps: Vec<(u32, u32, u32)>,
    /// Missing values replaced, per rule.
    pub filled: Filled,
}

/// A raw field: a number, or the field's missing code.
type Raw = Option<f64>;

impl Weather {
    /// Read the EPW file `file` names, found through `resolver`.
    pub fn load(file: &Path, resolver: &Resolver) -> Result<Weather, InputError> {
        Weather::read(&resolver.resolve(file)?)
    }

    /// Read the EPW file at `path`.
    pub fn read(path: &Path) -> Result<Weather, InputError> {
        // An EPW year is about 1.6 MB; 16 MB leaves room for long comments.
        let bytes = crate::table::read_text_bytes(path, 16 << 20, "an EPW weather file")?;
        let text = String::from_utf8_lossy(&bytes);
        let lines: Vec<&str> = text.lines().collect();
        let location = read_header(path, &lines)?;
        let rows: Vec<(usize, &str)> = lines
            .iter()
            .enumerate()
            .skip(EPW_HEADER_LINES)
            .map(|(i, l)| (i + 1, *l))
            .filter(|(_, l)| !l.trim().is_empty())
            .collect();
        if rows.len() != 8760 && rows.len() != 8784 {
            return Err(InputError::EpwRows {
                file: path.to_path_buf(),
                found: rows.len(),
            });
        }
        let leap = rows.len() == 8784;
        let mut stamps = Vec::with_capacity(rows.len());
        let mut raw = [
            Vec::with_capacity(rows.len()),
            Vec::with_capacity(rows.len()),
            Vec::with_capacity(rows.len()),
            Vec::with_capacity(rows.len()),
        ];
        for (k, (line, row)) in rows.iter().enumerate() {
            let fields: Vec<&str> = row.split(',').collect();
            if fields.len() != EPW_FIELDS {
                return Err(InputError::EpwFieldCount {
                    file: path.to_path_buf(),
                    line: *line,
                    found: fields.len(),
                });
            }
            let field = |n: usize, reason: String| InputError::EpwField {
                file: path.to_path_buf(),
                line: *line,
                field: n,
                name: FIELD_NAMES[n - 1],
                reason,
            };
            let number = |n: usize| -> Result<f64, InputError> {
                let text = fields[n - 1].trim();
                text.parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite())
                    .ok_or_else(|| field(n, format!("'{text}' is not a number")))
            };
            let stamp = (number(2)? as u32, number(3)? as u32, number(4)? as u32);
            let expected = hour_stamp(k, leap);
            if stamp != expected {
                return Err(field(
                    2,
                    format!(
                        "month/day/hour {}/{} {} where the hourly sequence expects {}/{} {}",
                        stamp.0, stamp.1, stamp.2, expected.0, expected.1, expected.2
                    ),
                ));
            }
            stamps.push(stamp);
            // (field, missing code, valid range): EPW data dictionary.
            let specs = [
                (7, 99.9, -70.0, 70.0),
                (8, 99.9, -70.0, 70.0),
                (9, 999.0, 0.0, 110.0),
                (10, 999_999.0, 50_000.0, 120_000.0),
            ];
            for (slot, (n, missing, lo, hi)) in raw.iter_mut().zip(specs) {
                let x = number(n)?;
                // Only the code itself is missing: 999 in a dry-bulb field is a wrong
                // value, not EnergyPlus's "99.9 or more".
                if (x - missing).abs() <= 1e-9 * missing {
                    slot.push(None);
                } else if (lo..=hi).contains(&x) {
                    slot.push(Some(x));
                } else {
                    return Err(field(
                        n,
                        format!("{x} is outside {lo}..{hi} and is not the missing code {missing}"),
                    ));
                }
            }
        }
        let [dry, dew, rh, pressure] = raw;
        Weather::derive(path, location, stamps, dry, dew, rh, pressure)
    }

    /// Fill missing values by the module's rules and derive the humidity ratio and wet bulb.
    fn derive(
        path: &Path,
        location: Location,
        stamps: Vec<(u32, u32, u32)>,
        dry: Vec<Raw>,
        dew: Vec<Raw>,
        rh: Vec<Raw>,
        pressure: Vec<Raw>,
    ) -> Result<Weather, InputError> {
        let none_valid = |field: usize| InputError::EpwField {
            file: path.to_path_buf(),
            line: EPW_HEADER_LINES + 1,
            field,
            name: FIELD_NAMES[field - 1],
            reason: "missing in every row".into(),
        };
        let mut filled = Filled::default();
        let dry_c = fill_previous(&dry, &mut filled.dry_bulb).ok_or_else(|| none_valid(7))?;
        let standard = Psychrometrics::at_altitude(location.elevation_m)
            .map(|p| p.pressure_pa)
            .unwrap_or(dctwin_components::psychrometrics::STANDARD_PRESSURE_PA);
        let pressure_pa = fill_previous(&pressure, &mut filled.pressure).unwrap_or_else(|| {
            filled.pressure = pressure.len();
            vec![standard; pressure.len()]
        });
        // Dew points from the relative humidity where the file lacks them.
        let dew_from_rh: Vec<Raw> = (0..dew.len())
            .map(|i| match (dew[i], rh[i], dry[i]) {
                (Some(d), _, _) => Some(d),
                (None, Some(h), Some(t)) if h > 0.0 => {
                    filled.dew_point += 1;
                    let pw = h / 100.0 * saturation_pressure_pa(t + ZERO_CELSIUS_K);
                    let p = Psychrometrics::new(pressure_pa[i]).ok()?;
                    Some(p.dew_point_k(p.humidity_ratio_from_vapour_pressure(pw)) - ZERO_CELSIUS_K)
                }
                _ => None,
            })
            .collect();
        let mut from_neighbour = 0;
        let dew_c =
            fill_previous(&dew_from_rh, &mut from_neighbour).ok_or_else(|| none_valid(8))?;
        filled.dew_point += from_neighbour;

        let n = dry_c.len();
        let mut weather = Weather {
            file: path.to_path_buf(),
            location,
            dry_bulb_k: Vec::with_capacity(n),
            dew_point_k: Vec::with_capacity(n),
            relative_humidity: Vec::with_capacity(n),
            pressure_pa,
            humidity_ratio: Vec::with_capacity(n),
            wet_bulb_k: Vec::with_capacity(n),
            stamps,
            filled,
        };
        for i in 0..n {
            let t = dry_c[i] + ZERO_CELSIUS_K;
            let mut d = dew_c[i] + ZERO_CELSIUS_K;
            if d > t {
                d = t;
                weather.filled.dew_point_clamped += 1;
            }
            // The pressure was range-checked on reading; the elevation's is in range too.
            let psy = Psychrometrics::new(weather.pressure_pa[i]).unwrap_or_default();
            let w = psy.humidity_ratio_from_dew_point(d);
            let relative = match rh[i] {
                Some(h) => h / 100.0,
                None => {
                    weather.filled.relative_humidity += 1;
                    psy.relative_humidity(t, w)
                }
            };
            weather.dry_bulb_k.push(t);
            weather.dew_point_k.push(d);
            weather.relative_humidity.push(relative);
            weather.humidity_ratio.push(w);
            weather.wet_bulb_k.push(wet_bulb_k(&psy, t, w));
        }
        Ok(weather)
    }

    /// Number of hourly rows (8760 or 8784).
    pub fn hours(&self) -> usize {
        self.dry_bulb_k.len()
    }

    /// The position of `t_s` [s since the epoch] in the file's hours: hours since the local
    /// 1 January 00:00 of the file year that the grid time maps to.
    fn position_h(&self, t_s: f64) -> f64 {
        let local = t_s + self.location.utc_offset_h * 3600.0;
        let whole = local.floor();
        let Some(date) = DateTime::from_timestamp(whole as i64, 0) else {
            return 0.0;
        };
        let seconds_of_day = f64::from(date.num_seconds_from_midnight()) + (local - whole);
        let day = file_day(
            date.ordinal0() as usize,
            date.date_naive().leap_year(),
            self.hours() == 8784,
        );
        day as f64 * 24.0 + seconds_of_day / 3600.0
    }

    /// Linear interpolation of the hourly `series` at `t_s` (values at the ends of hours, year
    /// wrapping).
    fn interpolate(&self, series: &[f64], t_s: f64) -> f64 {
        let n = series.len();
        let x = self.position_h(t_s);
        let p = (x.floor() as usize).min(n - 1);
        let w = x - p as f64;
        // The reading at position p (p hours after midnight) is row p − 1; position 0 is the
        // year's last row (31 December 24:00 of the periodic year).
        let left = series[(p + n - 1) % n];
        let right = series[p % n];
        left + w * (right - left)
    }

    /// Dry bulb at each grid step's start [K].
    pub fn dry_bulb_on(&self, grid: &TimeGrid) -> Vec<f64> {
        grid.times_s()
            .map(|t| self.interpolate(&self.dry_bulb_k, t))
            .collect()
    }

    /// Station pressure at each grid step's start [Pa].
    pub fn pressure_on(&self, grid: &TimeGrid) -> Vec<f64> {
        grid.times_s()
            .map(|t| self.interpolate(&self.pressure_pa, t))
            .collect()
    }

    /// Moist air at each grid step's start: dry bulb and humidity ratio linear between the
    /// hourly values; the humidity ratio is capped at saturation, which a straight line between
    /// two states can slightly exceed (saturation is convex in temperature).
    pub fn on_grid(&self, grid: &TimeGrid) -> Vec<MoistAir> {
        grid.times_s().map(|t| self.air_at(t).0).collect()
    }

    /// Wet bulb at each grid step's start [K], from [`Weather::on_grid`]'s air and pressure.
    pub fn wet_bulb_on(&self, grid: &TimeGrid) -> Vec<f64> {
        grid.times_s()
            .map(|t| {
                let (air, psy) = self.air_at(t);
                wet_bulb_k(&psy, air.dry_bulb_k, air.humidity_ratio)
            })
            .collect()
    }

    /// The air and its psychrometric relations at `t_s`.
    fn air_at(&self, t_s: f64) -> (MoistAir, Psychrometrics) {
        let t = self.interpolate(&self.dry_bulb_k, t_s);
        let psy = Psychrometrics::new(self.interpolate(&self.pressure_pa, t_s)).unwrap_or_default();
        let w = self
            .interpolate(&self.humidity_ratio, t_s)
            .min(psy.saturation_humidity_ratio(t));
        (
            MoistAir {
                dry_bulb_k: t,
                humidity_ratio: w,
            },
            psy,
        )
    }
}

/// Wet bulb [K] of air at `t_k` with humidity ratio `w` (at most saturated): at saturation the
/// root search may land a few 1e-11 K above the dry bulb, its tolerance; the wet bulb of air
/// that is not supersaturated never exceeds the dry bulb, so it is capped there.
pub(crate) fn wet_bulb_k(psy: &Psychrometrics, t_k: f64, w: f64) -> f64 {
    psy.wet_bulb_k(t_k, w).min(t_k)
}

/// The file's 0-based day for a grid day `ordinal0` (0 = 1 January) of a `leap_grid` year.
fn file_day(ordinal0: usize, leap_grid: bool, leap_file: bool) -> usize {
    /// 0-based ordinal of 29 February.
    const FEB_29: usize = 59;
    match (leap_grid, leap_file) {
        (true, false) if ordinal0 == FEB_29 => FEB_29 - 1,
        (true, false) if ordinal0 > FEB_29 => ordinal0 - 1,
        (false, true) if ordinal0 >= FEB_29 => ordinal0 + 1,
        _ => ordinal0,
    }
}

/// (month, day, hour 1..24) of the `k`-th hourly row of a year.
fn hour_stamp(k: usize, leap: bool) -> (u32, u32, u32) {
    let year = if leap { 2000 } else { 2001 };
    let day = k / 24;
    let date =
        chrono::NaiveDate::from_yo_opt(year, day as u32 + 1).unwrap_or(chrono::NaiveDate::MIN);
    (date.month(), date.day(), (k % 24) as u32 + 1)
}

/// Missing values replaced by the previous valid one (leading ones by the first valid one),
/// counting replacements; `None` if no value is valid.
fn fill_previous(raw: &[Raw], count: &mut usize) -> Option<Vec<f64>> {
    let first = raw.iter().flatten().copied().next()?;
    let mut last = first;
    Some(
        raw.iter()
            .map(|x| match x {
                Some(v) => {
                    last = *v;
                    *v
                }
                None => {
                    *count += 1;
                    last
                }
            })
            .collect(),
    )
}

/// Check the 8 header lines and read LOCATION.
fn read_header(path: &Path, lines: &[&str]) -> Result<Location, InputError> {
    let header = |line: usize, reason: String| InputError::EpwHeader {
        file: path.to_path_buf(),
        line,
        reason,
    };
    for (i, keyword) in HEADER_KEYWORDS.iter().enumerate() {
        let line = lines.get(i).copied().unwrap_or("");
        let line = line.trim_start_matches('\u{feff}');
        if !line.to_ascii_uppercase().starts_with(keyword) {
            return Err(header(
                i + 1,
                format!(
                    "expected a line starting with {keyword}, found '{}'",
                    truncate(line)
                ),
            ));
        }
    }
    let fields: Vec<&str> = lines[0].split(',').map(str::trim).collect();
    if fields.len() < 10 {
        return Err(header(
            1,
            format!("LOCATION has {} fields, expected 10", fields.len()),
        ));
    }
    let number = |i: usize, name: &str, lo: f64, hi: f64| -> Result<f64, InputError> {
        fields[i]
            .parse::<f64>()
            .ok()
            .filter(|x| (lo..=hi).contains(x))
            .ok_or_else(|| {
                header(
                    1,
                    format!(
                        "LOCATION field {} ({name}) '{}' is not a number in {lo}..{hi}",
                        i + 1,
                        fields[i]
                    ),
                )
            })
    };
    Ok(Location {
        city: fields[1].to_string(),
        latitude_deg: number(6, "latitude", -90.0, 90.0)?,
        longitude_deg: number(7, "longitude", -180.0, 180.0)?,
        utc_offset_h: number(8, "time zone", -12.0, 14.0)?,
        elevation_m: number(9, "elevation", -1000.0, 9999.9)?,
    })
}

fn truncate(line: &str) -> String {
    line.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hour_sequence() {
        assert_eq!(hour_stamp(0, false), (1, 1, 1));
        assert_eq!(hour_stamp(23, false), (1, 1, 24));
        assert_eq!(hour_stamp(59 * 24, false), (3, 1, 1));
        assert_eq!(hour_stamp(59 * 24, true), (2, 29, 1));
        assert_eq!(hour_stamp(8759, false), (12, 31, 24));
    }

    #[test]
    fn leap_days_map() {
        assert_eq!(file_day(59, true, false), 58);
        assert_eq!(file_day(60, true, false), 59);
        assert_eq!(file_day(59, false, true), 60);
        assert_eq!(file_day(10, false, false), 10);
    }
}
