//! dctwin's external inputs: the files users already have, read and turned into regular series
//! on the simulation's time axis, in SI.
//!
//! What it reads:
//! * traces ([`trace`]): a timestamp column and value columns in CSV, TSV or Parquet, through
//!   polars' eager readers, or in a Modelica text table (`modelica_table.rs`): IT power (W/kW/MW), utilisation (fraction or %), temperatures,
//!   heat demand, volume flows, cumulative energy registers. A [`TraceSpec`] (serde, so a
//!   scenario's TOML holds it) says how: time format, offset or time zone, interval start or end stamps,
//!   row order, duplicate and gap policies, units, resampling, scale, replaying another year;
//! * weather ([`weather`]): EnergyPlus EPW files, with the humidity ratio and wet bulb derived
//!   through `dctwin_components::psychrometrics`, or a trace of dry bulb, humidity and pressure
//!   ([`weather_trace`]), such as a typical year shipped in `data/`.
//!
//! What it returns: for a [`TimeGrid`] (start, step, number of steps; seconds since the Unix
//! epoch, UTC), one value per step and column in SI ([`Trace`]), or moist-air states, dry bulb,
//! wet bulb and pressure per step ([`Weather`]).
//!
//! Time zones ([`time`]): timestamps carrying an offset are exact; naive ones are read at a
//! declared fixed offset (`utc_offset`) or in a named IANA zone with its daylight saving time
//! (`time_zone = "Europe/Berlin"`, the database compiled in by `chrono-tz`): the hour skipped
//! in spring is an error, the hour repeated in autumn is read by row order.
//!
//! Errors ([`InputError`]) name the file, the line as an editor shows it (or the Parquet
//! record), the column or EPW field, and what was expected: files not found (with every place
//! looked in), unreadable or empty files, missing columns, wrong Parquet column types, bad
//! timestamps, rows out of order, duplicate stamps, values that are not finite numbers or out
//! of range, unknown units, gaps the policy refuses, traces that do not cover the grid, and EPW
//! files with a bad header, a wrong field or row count, or a non-numeric field.
#![warn(missing_docs)]

pub mod error;
mod modelica_table;
pub mod resample;
pub mod resolver;
mod table;
pub mod time;
pub mod trace;
pub mod units;
pub mod weather;
pub mod weather_trace;

pub use error::{InputError, Place};
pub use resample::Resample;
pub use resolver::{DATA_DIR_ENV, Resolver};
pub use table::Format;
pub use time::{
    Instants, LocalZone, TimeError, TimeGrid, parse_time_zone, parse_timestamp, parse_timestamp_in,
    parse_utc_offset,
};
pub use trace::{
    ColumnSpec, Duplicates, Gaps, Order, Stamp, TimeFormat, Trace, TraceColumn, TraceSpec, load,
};
pub use units::{Quantity, Unit};
pub use weather::{Location, Weather};
pub use weather_trace::{Humidity, TraceWeather};
