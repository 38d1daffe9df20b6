//! Outdoor air from a trace (CSV, TSV or Parquet) instead of an EPW file: a typical year
//! reduced to a few columns, or a station's own export.
//!
//! The trace is read by [`crate::trace::load`] with all its rules (time formats and offsets,
//! gaps, `repeat_year` to replay a typical year on any calendar year); its columns are, in
//! order:
//! 1. the dry bulb: a temperature unit (`degC`, `K`, `degF`);
//! 2. the humidity: relative humidity (unit `1` for 0..1 or `%` for 0..100) or the dew point
//!    (a temperature unit);
//! 3. optionally the station pressure: `Pa`, `hPa` or `kPa`; without it the standard
//!    atmosphere (101 325 Pa).
//!
//! Weather readings are instants, so a column without its own `resample` is read `linear`.
//! Each step's humidity ratio follows from the humidity and the pressure through
//! `dctwin_components::psychrometrics`, as for EPW files ([`crate::weather`]): a dew point
//! above the dry bulb (rounding in the file) is lowered to it, and the wet bulb is derived by
//! the same function. Relative humidity outside its unit's range fails when the file is read,
//! with the line and column; a dry bulb outside −70..70 °C or a pressure outside
//! 50..120 kPa (the EPW data dictionary's range, and what the psychrometric relations accept)
//! fails with the column and the grid time.

use std::path::PathBuf;

use dctwin_components::psychrometrics::{
    MAX_PRESSURE_PA, MIN_PRESSURE_PA, MoistAir, Psychrometrics, STANDARD_PRESSURE_PA,
};

use crate::error::InputError;
use crate::resample::Resample;
use crate::resolver::Resolver;
use crate::time::{TimeGrid, format_time};
use crate::trace::{Trace, TraceSpec, load};
use crate::units::{Quantity, Unit};
use crate::weather::wet_bulb_k;

/// 0 °C in kelvin.
const ZERO_CELSIUS_K: f64 = 273.15;
/// Dry bulb range of the EPW data dictionary [K].
const DRY_BULB_RANGE_K: (f64, f64) = (-70.0 + ZERO_CELSIUS_K, 70.0 + ZERO_CELSIUS_K);

/// How the trace gives the humidity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Humidity {
    /// Relative humidity, a fraction 0..1 on the grid.
    Relative,
    /// Dew point [K] on the grid.
    DewPoint,
}

/// Outdoor air from a trace, on the simulation's grid.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceWeather {
    /// The file read.
    pub file: PathBuf,
    /// How the file gave the humidity.
    pub humidity: Humidity,
    /// Whether the file gave the pressure (else the standard atmosphere).
    pub pressure_given: bool,
    /// Moist air at each grid step's start.
    pub air: Vec<MoistAir>,
    /// Station pressure at each grid step's start [Pa].
    pub pressure_pa: Vec<f64>,
    /// Steps whose dew point was lowered to the dry bulb.
    pub dew_point_clamped: usize,
}

impl TraceWeather {
    /// Read the weather trace `spec` names, found through `resolver`, onto `grid`.
    pub fn load(
        spec: &TraceSpec,
        resolver: &Resolver,
        grid: &TimeGrid,
    ) -> Result<TraceWeather, InputError> {
        let humidity = check_roles(spec)?;
        let mut spec = spec.clone();
        for c in &mut spec.columns {
            c.resample.get_or_insert(Resample::Linear);
        }
        let trace = load(&spec, resolver, grid)?;
        TraceWeather::derive(trace, humidity, grid)
    }

    /// Humidity ratios from the columns, each step checked.
    fn derive(trace: Trace, humidity: Humidity, grid: &TimeGrid) -> Result<Self, InputError> {
        let bad = |column: &str, k: usize, reason: String| InputError::Spec {
            file: trace.file.clone(),
            reason: format!(
                "column '{column}' at grid time {}: {reason}",
                format_time(grid.time_s(k))
            ),
        };
        let [dry, wet] = [&trace.columns[0], &trace.columns[1]];
        let pressure = trace.columns.get(2);
        let n = dry.values.len();
        let mut out = TraceWeather {
            file: trace.file.clone(),
            humidity,
            pressure_given: pressure.is_some(),
            air: Vec::with_capacity(n),
            pressure_pa: Vec::with_capacity(n),
            dew_point_clamped: 0,
        };
        for k in 0..n {
            let t = dry.values[k];
            let (lo, hi) = DRY_BULB_RANGE_K;
            if !(lo..=hi).contains(&t) {
                let c = t - ZERO_CELSIUS_K;
                return Err(bad(
                    &dry.name,
                    k,
                    format!("dry bulb {c:.2} °C is outside −70..70 °C"),
                ));
            }
            let p = pressure.map_or(STANDARD_PRESSURE_PA, |c| c.values[k]);
            let psy = Psychrometrics::new(p).map_err(|_| {
                let name = pressure.map_or("", |c| c.name.as_str());
                bad(
                    name,
                    k,
                    format!(
                        "pressure {p} Pa is outside {}..{} kPa (is the unit right?)",
                        MIN_PRESSURE_PA / 1e3,
                        MAX_PRESSURE_PA / 1e3
                    ),
                )
            })?;
            let w = match humidity {
                Humidity::Relative => psy.humidity_ratio_from_relative_humidity(t, wet.values[k]),
                Humidity::DewPoint => {
                    let mut d = wet.values[k];
                    if d > t {
                        d = t;
                        out.dew_point_clamped += 1;
                    }
                    psy.humidity_ratio_from_dew_point(d)
                }
            };
            out.air.push(MoistAir {
                dry_bulb_k: t,
                humidity_ratio: w.min(psy.saturation_humidity_ratio(t)),
            });
            out.pressure_pa.push(p);
        }
        Ok(out)
    }

    /// Wet bulb at each grid step's start [K], by the same relation as EPW weather's.
    pub fn wet_bulb_k(&self) -> Vec<f64> {
        (self.air.iter().zip(&self.pressure_pa))
            .map(|(a, &p)| {
                let psy = Psychrometrics::new(p).unwrap_or_default();
                wet_bulb_k(&psy, a.dry_bulb_k, a.humidity_ratio)
            })
            .collect()
    }
}

/// The columns' roles from their units, before the file is read. A unit that is not known at
/// all is left for the trace reader, whose error lists the accepted ones.
fn check_roles(spec: &TraceSpec) -> Result<Humidity, InputError> {
    let error = |reason: String| InputError::Spec {
        file: spec.file.clone(),
        reason: format!(
            "a weather trace lists its columns as [dry bulb, relative humidity or dew point, \
             pressure (optional)]: {reason}"
        ),
    };
    let quantity = |i: usize| Unit::parse(&spec.columns[i].unit).map(|u| u.quantity);
    let describe = |i: usize| {
        format!(
            "column '{}' has unit '{}'",
            spec.columns[i].name, spec.columns[i].unit
        )
    };
    if !(2..=3).contains(&spec.columns.len()) {
        return Err(error(format!("{} columns are listed", spec.columns.len())));
    }
    if !matches!(quantity(0), Some(Quantity::Temperature) | None) {
        return Err(error(format!(
            "{}, expected a temperature (degC, K, degF) for the dry bulb",
            describe(0)
        )));
    }
    let humidity = match quantity(1) {
        Some(Quantity::Fraction) => Humidity::Relative,
        Some(Quantity::Temperature) | None => Humidity::DewPoint,
        Some(_) => {
            return Err(error(format!(
                "{}, expected relative humidity (1 or %) or a dew point (degC, K, degF)",
                describe(1)
            )));
        }
    };
    if spec.columns.len() == 3 && !matches!(quantity(2), Some(Quantity::Pressure) | None) {
        return Err(error(format!(
            "{}, expected a pressure (Pa, hPa, kPa)",
            describe(2)
        )));
    }
    Ok(humidity)
}
