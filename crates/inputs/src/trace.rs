//! Traces: a timestamp column and value columns in a CSV, TSV or Parquet file, turned into one
//! value per step of the simulation's grid, in SI.
//!
//! The steps, in order, each with its own explicit rule:
//! 1. find the file ([`Resolver`]) and read the two kinds of column (`table.rs`);
//! 2. timestamps: ISO 8601 text (an offset in the text is exact; a naive stamp is read at
//!    the fixed `utc_offset`, or in the IANA `time_zone` with its daylight saving time, UTC by
//!    default), or a number of `seconds`/`hours` since `origin`. In Parquet the time column is
//!    text or a number; Parquet's own date-time types are not read (polars is built without
//!    its temporal types here): write them as ISO 8601 text. In a `time_zone`, a local time
//!    the clocks skip in spring is an error naming the row; one they repeat in autumn is read
//!    by the order of the rows: its first occurrence is daylight saving time, a row at or past
//!    it in time is followed by the second occurrence, standard time (mirrored in a descending
//!    file). So a local trace's repeated hour is not a duplicate, and its skipped hour no
//!    gap;
//! 3. order: rows must be ascending, or descending when declared (`order = "descending"`, the
//!    BioHPC exports are newest first); any other disorder is an error naming the row;
//! 4. duplicates (equal stamps): `fail` (default), keep the `first`, or their `mean`;
//! 5. the trace's spacing Δ is the (lower) median step between stamps; with `stamp = "end"`
//!    each stamp marks the end of its interval (EPW, the Bavarian heat file) and moves back by
//!    Δ, so every row describes [start, start + Δ). An energy register ignores `stamp`: its
//!    readings are instants, and the mean power between two readings fills the interval
//!    between them;
//! 6. values: an empty cell is missing; text that is not a number, NaN or infinity is an
//!    error; values are converted to SI (see [`crate::units`]), multiplied by `scale`, and
//!    checked (no negative power, fractions in 0..1);
//! 7. gaps, per column (empty cells and missing rows, counted in samples of Δ): `fail`
//!    (default) refuses any; `hold` keeps the last value; `interpolate` draws a straight line
//!    between the valid neighbours; either way a gap longer than `max_gap_steps` samples fails;
//! 8. coverage: every grid step must lie inside [first sample, last sample + Δ), or the error
//!    gives both spans;
//! 9. resampling ([`Resample`]): `mean` over each step (default; keeps energy), `hold` or
//!    `linear` at each step's start (linear is the default for temperatures).
//!
//! `repeat_year = true` replays a trace of another year: each grid step's start is moved to the
//! same month, day and time of day in the trace's year (`source_year`, default the year of the
//! first sample, both in the calendar of `utc_offset` or `time_zone`; in a zone, a time of day
//! that the source year skips is read at the offset before the skip, one it repeats as its
//! first occurrence), so a 2014 demand profile drives a 2022 run, and a run of several years
//! repeats it. 29 February of a leap grid year reads
//! 28 February when the source year has none. Weekdays do not line up across years: a weekly
//! pattern in the trace shifts by one or two days.

use std::path::PathBuf;

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use crate::error::{InputError, Place};
use crate::resample::{Resample, Samples};
use crate::resolver::Resolver;
use crate::table::{Cells, Format, Table, TextLayout, read_table};
use crate::time::{
    Instants, LocalZone, TimeGrid, format_time, parse_single_timestamp, parse_time_zone,
    parse_timestamp_in, parse_utc_offset, utc,
};
use crate::units::{ACCEPTED_UNITS, Quantity, Unit};

/// How the time column is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeFormat {
    /// ISO 8601 text, with or without an offset, optionally with a fraction of seconds.
    #[default]
    Iso8601,
    /// Seconds since `origin`.
    Seconds,
    /// Hours since `origin` (an hour index, as the Alibaba and Google workload files have).
    Hours,
}

/// Which end of its interval a timestamp marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stamp {
    /// The start (also: an instantaneous reading taken at the stamp).
    #[default]
    Start,
    /// The end: the value is about the interval that ends at the stamp.
    End,
}

/// The order of rows in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Order {
    /// Oldest first.
    #[default]
    Ascending,
    /// Newest first.
    Descending,
}

/// What to do with rows that share a timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Duplicates {
    /// An error naming both rows.
    #[default]
    Fail,
    /// Keep the first row in time order, drop the others.
    First,
    /// Average each column over the rows (empty cells left out).
    Mean,
}

/// What to do with missing samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Gaps {
    /// An error naming the rows around the gap.
    #[default]
    Fail,
    /// The last valid value holds through the gap.
    Hold,
    /// A straight line between the valid values on either side.
    Interpolate,
}

/// One value column of a trace.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnSpec {
    /// Column name in the file.
    pub name: String,
    /// Unit of the values in the file (see [`crate::units`]).
    pub unit: String,
    /// How to read it on the grid; default `linear` for temperatures, else `mean`.
    #[serde(default)]
    pub resample: Option<Resample>,
    /// A positive multiplier applied after the unit conversion (one server's GPU power × the
    /// GPUs of a rack); not for temperatures. Default 1.
    #[serde(default)]
    pub scale: Option<f64>,
}

impl ColumnSpec {
    /// A column with the default resampling and no scale.
    pub fn new(name: &str, unit: &str) -> Self {
        ColumnSpec {
            name: name.to_string(),
            unit: unit.to_string(),
            resample: None,
            scale: None,
        }
    }
}

/// Where a trace is and how to read it: the part of a scenario that names an external series.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TraceSpec {
    /// The file, relative to the scenario's directory or the data directory.
    pub file: PathBuf,
    /// `csv`, `tsv`, `parquet` or `modelica`; by default from the extension (`.tsv` and `.txt`
    /// are tab-separated, `.parquet`/`.pq` Parquet, `.mos` a Modelica text table, anything
    /// else comma-separated).
    #[serde(default)]
    pub format: Option<Format>,
    /// Field separator of a text file, one character (`;` for the Bavarian files).
    #[serde(default)]
    pub delimiter: Option<String>,
    /// Lines to skip before the header line.
    #[serde(default)]
    pub skip_rows: usize,
    /// Which table of a Modelica text table file (`format = "modelica"`, or a `.mos` file),
    /// by its name in `double NAME(ROWS, COLUMNS)`; by default the file's first. Its columns
    /// are named by number from 1 (`time_column = "1"`).
    #[serde(default)]
    pub table: Option<String>,
    /// Lines at the end of the file that are not data (a database report's trailer: 5 for
    /// the BioHPC exports). Counted as an editor shows them, blank lines included; a final
    /// line break does not start a line.
    #[serde(default)]
    pub footer_lines: usize,
    /// Name of the timestamp column; `""` for an unnamed first column (an index written by
    /// pandas).
    pub time_column: String,
    /// How the timestamps are written.
    #[serde(default)]
    pub time_format: TimeFormat,
    /// The instant of time 0 for `seconds` / `hours` (a timestamp; naive ones read at
    /// `utc_offset` or in `time_zone`, where a repeated local time is refused as ambiguous).
    #[serde(default)]
    pub origin: Option<String>,
    /// Fixed UTC offset of naive timestamps (`+01:00`, `UTC`), the same all year; default
    /// UTC. Also the calendar of `repeat_year`. Not with `time_zone`.
    #[serde(default)]
    pub utc_offset: Option<String>,
    /// IANA time zone of naive timestamps (`Europe/Berlin`, exact case), with its daylight
    /// saving time: for meter exports in local time. Also the calendar of `repeat_year`. Not
    /// with `utc_offset`.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// Which end of its interval a timestamp marks.
    #[serde(default)]
    pub stamp: Stamp,
    /// Row order in the file.
    #[serde(default)]
    pub order: Order,
    /// Policy for repeated timestamps.
    #[serde(default)]
    pub duplicates: Duplicates,
    /// The value columns to read.
    pub columns: Vec<ColumnSpec>,
    /// Policy for missing samples.
    #[serde(default)]
    pub gaps: Gaps,
    /// Longest gap accepted by `hold` / `interpolate`, in samples of the trace's spacing;
    /// required with those policies.
    #[serde(default)]
    pub max_gap_steps: Option<usize>,
    /// Replay the trace on the grid's year(s) by month, day and time of day.
    #[serde(default)]
    pub repeat_year: bool,
    /// The trace's year to replay; default the year of its first sample.
    #[serde(default)]
    pub source_year: Option<i32>,
}

impl TraceSpec {
    /// A specification with every option at its default.
    pub fn new(file: impl Into<PathBuf>, time_column: &str, columns: Vec<ColumnSpec>) -> Self {
        TraceSpec {
            file: file.into(),
            time_column: time_column.to_string(),
            columns,
            ..TraceSpec::default()
        }
    }
}

/// One column of a loaded trace on the grid.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceColumn {
    /// Column name in the file.
    pub name: String,
    /// What it measures; its SI unit is [`Quantity::si_unit`].
    pub quantity: Quantity,
    /// One value per grid step, in SI.
    pub values: Vec<f64>,
}

/// A trace on the simulation's grid.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    /// The file read.
    pub file: PathBuf,
    /// The grid the values are on.
    pub grid: TimeGrid,
    /// The trace's own spacing Δ [s] (lower median step between its stamps).
    pub spacing_s: f64,
    /// The columns, in the order the specification lists them.
    pub columns: Vec<TraceColumn>,
}

impl Trace {
    /// The values of the column named `name` (one per grid step, SI).
    pub fn column(&self, name: &str) -> Option<&[f64]> {
        self.columns
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.values.as_slice())
    }
}

/// A column's settings once checked.
struct Prepared {
    unit: Unit,
    scale: f64,
    resample: Resample,
}

/// Rows after parsing, in time order: times [s], the file's text for each stamp, places, and
/// per column the SI values (`None` = missing).
struct Rows {
    t: Vec<f64>,
    label: Vec<String>,
    place: Vec<Place>,
    values: Vec<Vec<Option<f64>>>,
}

/// Read the trace `spec` names, found through `resolver`, onto `grid`.
pub fn load(spec: &TraceSpec, resolver: &Resolver, grid: &TimeGrid) -> Result<Trace, InputError> {
    let path = resolver.resolve(&spec.file)?;
    let spec_error = |reason: String| InputError::Spec {
        file: path.clone(),
        reason,
    };
    let format = spec.format.unwrap_or_else(|| Format::from_path(&path));
    if spec.table.is_some() && format != Format::Modelica {
        return Err(spec_error(
            "table names a table of a Modelica text table (format = \"modelica\", or a .mos \
             file); this file is not read as one"
                .to_string(),
        ));
    }
    let layout = TextLayout {
        separator: separator(spec, format).map_err(&spec_error)?,
        skip_rows: spec.skip_rows,
        footer_lines: spec.footer_lines,
        table: spec.table.clone(),
    };
    let prepared = spec
        .columns
        .iter()
        .map(|c| prepare_column(c, &path))
        .collect::<Result<Vec<_>, _>>()?;
    if spec.columns.is_empty() {
        return Err(spec_error("no value column is listed (`columns`)".into()));
    }
    let max_gap = match (spec.gaps, spec.max_gap_steps) {
        (Gaps::Fail, _) => 0,
        (_, Some(n)) => n,
        (_, None) => {
            return Err(spec_error(
                "gaps = \"hold\" or \"interpolate\" needs max_gap_steps (the longest gap, in \
                 samples, to fill)"
                    .into(),
            ));
        }
    };
    let zone = local_zone(spec, &path)?;

    let names: Vec<&str> = spec.columns.iter().map(|c| c.name.as_str()).collect();
    let table = read_table(&path, format, &layout, &spec.time_column, &names)?;
    let (times, labels) = parse_times(&table, spec, &zone, &path)?;
    let order = time_order(&times, &table.places, spec.order, &labels, &path)?;
    let values = table
        .values
        .iter()
        .zip(&spec.columns)
        .zip(&prepared)
        .map(|((cells, column), p)| convert_column(cells, column, p, &table.places, &path))
        .collect::<Result<Vec<_>, _>>()?;
    let rows = merge_duplicates(
        Rows {
            t: order.iter().map(|&i| times[i]).collect(),
            label: order.iter().map(|&i| labels[i].clone()).collect(),
            place: order.iter().map(|&i| table.places[i]).collect(),
            values: values
                .iter()
                .map(|col| order.iter().map(|&i| col[i]).collect())
                .collect(),
        },
        spec.duplicates,
        &path,
    )?;
    let spacing_s = spacing(&rows.t).ok_or_else(|| {
        spec_error("a trace needs at least two distinct timestamps to tell its spacing".into())
    })?;
    let shift_s = match spec.stamp {
        Stamp::Start => 0.0,
        Stamp::End => spacing_s,
    };
    let source_year = match spec.source_year {
        Some(year) => year,
        None => year_of(rows.t[0] - shift_s, &zone),
    };
    let steps = grid_steps(grid, spec.repeat_year, &zone, source_year);

    let mut columns = Vec::with_capacity(spec.columns.len());
    for (k, (column, p)) in spec.columns.iter().zip(&prepared).enumerate() {
        let register = p.unit.quantity == Quantity::EnergyRegister;
        check_register(register, &rows, k, &column.name, &path)?;
        let filled = fill_gaps(&rows, k, spacing_s, spec.gaps, max_gap, &column.name, &path)?;
        let samples = if register {
            differentiate(filled)
        } else {
            let mut s = filled;
            s.t.iter_mut().for_each(|t| *t -= shift_s);
            s.end_s -= shift_s;
            s
        };
        check_coverage(&samples, &steps, grid.step_s, &column.name, &path)?;
        let values = steps
            .iter()
            .map(|&a| samples.on_step(p.resample, a, grid.step_s))
            .collect();
        columns.push(TraceColumn {
            name: column.name.clone(),
            quantity: p.unit.quantity,
            values,
        });
    }
    Ok(Trace {
        file: path,
        grid: *grid,
        spacing_s,
        columns,
    })
}

/// The calendar of naive timestamps: `utc_offset`, `time_zone` (not both), or UTC.
fn local_zone(spec: &TraceSpec, path: &std::path::Path) -> Result<LocalZone, InputError> {
    let spec_time = |field, source| InputError::SpecTime {
        file: path.to_path_buf(),
        field,
        source,
    };
    match (&spec.utc_offset, &spec.time_zone) {
        (Some(offset), Some(zone)) => Err(InputError::Spec {
            file: path.to_path_buf(),
            reason: format!(
                "utc_offset = \"{offset}\" and time_zone = \"{zone}\" are both given: keep one \
                 (time_zone follows daylight saving time, utc_offset is the same all year)"
            ),
        }),
        (Some(offset), None) => parse_utc_offset(offset)
            .map(LocalZone::Fixed)
            .map_err(|e| spec_time("utc_offset", e)),
        (None, Some(zone)) => parse_time_zone(zone)
            .map(LocalZone::Named)
            .map_err(|e| spec_time("time_zone", e)),
        (None, None) => Ok(LocalZone::Fixed(utc())),
    }
}

/// The field separator: `delimiter` if given (one character), else by format.
fn separator(spec: &TraceSpec, format: Format) -> Result<u8, String> {
    match spec.delimiter.as_deref() {
        None => Ok(if format == Format::Tsv { b'\t' } else { b',' }),
        Some("\\t" | "tab") => Ok(b'\t'),
        Some(d) if d.len() == 1 => Ok(d.as_bytes()[0]),
        Some(d) => Err(format!(
            "delimiter '{d}' must be one ASCII character (or \"\\t\")"
        )),
    }
}

fn prepare_column(column: &ColumnSpec, path: &std::path::Path) -> Result<Prepared, InputError> {
    let unit = Unit::parse(&column.unit).ok_or_else(|| InputError::Unit {
        file: path.to_path_buf(),
        column: column.name.clone(),
        unit: column.unit.clone(),
        accepted: ACCEPTED_UNITS,
    })?;
    let spec_error = |reason: String| InputError::Spec {
        file: path.to_path_buf(),
        reason: format!("column '{}': {reason}", column.name),
    };
    let scale = column.scale.unwrap_or(1.0);
    if !(scale.is_finite() && scale > 0.0) {
        return Err(spec_error(format!(
            "scale {scale} must be positive and finite"
        )));
    }
    if unit.quantity == Quantity::Temperature && column.scale.is_some() {
        return Err(spec_error("a temperature cannot be scaled".into()));
    }
    let default = if unit.quantity == Quantity::Temperature {
        Resample::Linear
    } else {
        Resample::Mean
    };
    let resample = column.resample.unwrap_or(default);
    if unit.quantity == Quantity::EnergyRegister && resample != Resample::Mean {
        return Err(spec_error(
            "an energy register is always delivered as the mean power over each step \
             (resample = \"mean\")"
                .into(),
        ));
    }
    Ok(Prepared {
        unit,
        scale,
        resample,
    })
}

/// Each row's time [s] and the text the file shows for it.
fn parse_times(
    table: &Table,
    spec: &TraceSpec,
    zone: &LocalZone,
    path: &std::path::Path,
) -> Result<(Vec<f64>, Vec<String>), InputError> {
    let error = |row: usize, reason: String| InputError::Timestamp {
        file: path.to_path_buf(),
        place: table.places[row],
        column: spec.time_column.clone(),
        reason,
    };
    let unit_s = match spec.time_format {
        TimeFormat::Iso8601 => None,
        TimeFormat::Seconds => Some(1.0),
        TimeFormat::Hours => Some(3600.0),
    };
    let origin = match (unit_s, &spec.origin) {
        (None, _) => 0.0,
        (Some(_), Some(text)) => {
            parse_single_timestamp(text, zone).map_err(|source| InputError::SpecTime {
                file: path.to_path_buf(),
                field: "origin",
                source,
            })?
        }
        (Some(_), None) => {
            return Err(InputError::Spec {
                file: path.to_path_buf(),
                reason: "time_format = \"seconds\" or \"hours\" needs an origin (the timestamp \
                         of time 0)"
                    .into(),
            });
        }
    };
    let n = table.places.len();
    let mut times: Vec<f64> = Vec::with_capacity(n);
    let mut labels = Vec::with_capacity(n);
    for row in 0..n {
        let (text, number) = match &table.time {
            Cells::Text(cells) => (cells[row].clone(), None),
            Cells::Number(cells) => (cells[row].map(|x| x.to_string()), cells[row]),
        };
        let Some(text) = text else {
            return Err(error(row, "the timestamp is empty".into()));
        };
        let t = match unit_s {
            None if number.is_some() => {
                return Err(error(
                    row,
                    "the time column is numeric: set time_format = \"seconds\" or \"hours\" \
                     and an origin"
                        .into(),
                ));
            }
            None => {
                let instants =
                    parse_timestamp_in(&text, zone).map_err(|e| error(row, e.to_string()))?;
                in_order(instants, times.last().copied(), spec.order)
            }
            Some(unit) => {
                let x = match number {
                    Some(x) => x,
                    None => text.trim().parse::<f64>().map_err(|_| {
                        error(
                            row,
                            format!(
                                "'{text}' is not a number of {:?} since the origin",
                                spec.time_format
                            )
                            .to_lowercase(),
                        )
                    })?,
                };
                if !x.is_finite() {
                    return Err(error(row, format!("'{text}' is not a finite time")));
                }
                origin + x * unit
            }
        };
        times.push(t);
        labels.push(text.trim().to_string());
    }
    Ok((times, labels))
}

/// The instant of a row's timestamp, `previous` being the row before it in the file. A local
/// time the zone repeats in autumn is its first occurrence (daylight saving time), unless the
/// previous row is already at or past that, then its second (standard time); in a descending
/// file the other way round. So a local trace's repeated hour reads as the hour it is, in
/// order, and a row repeating a stamp of the second occurrence is a duplicate.
fn in_order(instants: Instants, previous: Option<f64>, order: Order) -> f64 {
    match instants {
        Instants::One(t) => t,
        Instants::Fold { earlier_s, later_s } => match order {
            Order::Ascending if previous.is_some_and(|p| p >= earlier_s) => later_s,
            Order::Ascending => earlier_s,
            Order::Descending if previous.is_some_and(|p| p <= later_s) => earlier_s,
            Order::Descending => later_s,
        },
    }
}

/// Row indices in ascending time order, after checking the declared order.
fn time_order(
    times: &[f64],
    places: &[Place],
    order: Order,
    labels: &[String],
    path: &std::path::Path,
) -> Result<Vec<usize>, InputError> {
    for k in 1..times.len() {
        let out_of_order = match order {
            Order::Ascending => times[k] < times[k - 1],
            Order::Descending => times[k] > times[k - 1],
        };
        if out_of_order {
            return Err(InputError::Order {
                file: path.to_path_buf(),
                place: places[k],
                time: labels[k].clone(),
                previous_place: places[k - 1],
                previous: labels[k - 1].clone(),
                order: match order {
                    Order::Ascending => "ascending",
                    Order::Descending => "descending",
                },
            });
        }
    }
    let mut indices: Vec<usize> = (0..times.len()).collect();
    if order == Order::Descending {
        indices.reverse();
    }
    Ok(indices)
}

/// A column's cells in SI, checked (`None` = empty cell).
fn convert_column(
    cells: &Cells,
    column: &ColumnSpec,
    p: &Prepared,
    places: &[Place],
    path: &std::path::Path,
) -> Result<Vec<Option<f64>>, InputError> {
    let error = |row: usize, reason: String| InputError::Value {
        file: path.to_path_buf(),
        place: places[row],
        column: column.name.clone(),
        reason,
    };
    let raw: Vec<(Option<f64>, String)> = match cells {
        Cells::Text(cells) => cells
            .iter()
            .enumerate()
            .map(|(row, c)| match c.as_deref().map(str::trim) {
                None | Some("") => Ok((None, String::new())),
                Some(text) => text
                    .parse::<f64>()
                    .map(|x| (Some(x), text.to_string()))
                    .map_err(|_| error(row, format!("'{text}' is not a number"))),
            })
            .collect::<Result<_, _>>()?,
        Cells::Number(cells) => cells
            .iter()
            .map(|c| (*c, c.map(|x| x.to_string()).unwrap_or_default()))
            .collect(),
    };
    raw.into_iter()
        .enumerate()
        .map(|(row, (x, text))| {
            let Some(x) = x else { return Ok(None) };
            if !x.is_finite() {
                return Err(error(
                    row,
                    format!(
                        "'{text}' is not a finite number (leave the cell empty for a missing value)"
                    ),
                ));
            }
            let si = p.unit.to_si(x) * p.scale;
            p.unit
                .quantity
                .check(si)
                .map_err(|why| error(row, format!("{text} {}: {why}", column.unit)))?;
            Ok(Some(si))
        })
        .collect()
}

/// Resolve rows with equal times by `policy`.
fn merge_duplicates(
    rows: Rows,
    policy: Duplicates,
    path: &std::path::Path,
) -> Result<Rows, InputError> {
    let n = rows.t.len();
    let mut out = Rows {
        t: Vec::with_capacity(n),
        label: Vec::with_capacity(n),
        place: Vec::with_capacity(n),
        values: vec![Vec::with_capacity(n); rows.values.len()],
    };
    let mut i = 0;
    while i < n {
        let mut j = i + 1;
        while j < n && rows.t[j] == rows.t[i] {
            j += 1;
        }
        if j > i + 1 && policy == Duplicates::Fail {
            return Err(InputError::Duplicate {
                file: path.to_path_buf(),
                place: rows.place[i + 1],
                first_place: rows.place[i],
                time: rows.label[i + 1].clone(),
            });
        }
        out.t.push(rows.t[i]);
        out.label.push(rows.label[i].clone());
        out.place.push(rows.place[i]);
        for (column, merged) in rows.values.iter().zip(out.values.iter_mut()) {
            merged.push(match policy {
                Duplicates::Mean => {
                    let present: Vec<f64> = column[i..j].iter().flatten().copied().collect();
                    (!present.is_empty())
                        .then(|| present.iter().sum::<f64>() / present.len() as f64)
                }
                _ => column[i],
            });
        }
        i = j;
    }
    Ok(out)
}

/// The (lower) median step between consecutive (distinct, ascending) times; `None` below two
/// rows. The lower one, so that one long step in a short trace reads as a gap.
fn spacing(t: &[f64]) -> Option<f64> {
    let mut steps: Vec<f64> = t.windows(2).map(|w| w[1] - w[0]).collect();
    if steps.is_empty() {
        return None;
    }
    steps.sort_by(f64::total_cmp);
    Some(steps[(steps.len() - 1) / 2])
}

/// Samples missing between rows k−1 and k: a step of about m+1 spacings hides m rows.
fn missing_rows(t: &[f64], k: usize, spacing_s: f64) -> usize {
    let ratio = (t[k] - t[k - 1]) / spacing_s;
    if ratio > 1.5 {
        ratio.round() as usize - 1
    } else {
        0
    }
}

/// A register must not fall between consecutive readings.
fn check_register(
    register: bool,
    rows: &Rows,
    k: usize,
    name: &str,
    path: &std::path::Path,
) -> Result<(), InputError> {
    if !register {
        return Ok(());
    }
    let mut last: Option<(usize, f64)> = None;
    for (row, value) in rows.values[k].iter().enumerate() {
        let Some(v) = *value else { continue };
        if let Some((prev_row, prev)) = last
            && v < prev
        {
            return Err(InputError::Value {
                file: path.to_path_buf(),
                place: rows.place[row],
                column: name.to_string(),
                reason: format!(
                    "the cumulative register falls from its reading at {} (a meter reset or \
                         a wrong unit)",
                    rows.place[prev_row]
                ),
            });
        }
        last = Some((row, v));
    }
    Ok(())
}

/// The valid samples of column `k`, gaps checked and filled by `policy`.
fn fill_gaps(
    rows: &Rows,
    k: usize,
    spacing_s: f64,
    policy: Gaps,
    max_gap: usize,
    name: &str,
    path: &std::path::Path,
) -> Result<Samples, InputError> {
    let t = &rows.t;
    let v = &rows.values[k];
    let valid: Vec<usize> = (0..t.len()).filter(|&i| v[i].is_some()).collect();
    let (Some(&first), Some(&last)) = (valid.first(), valid.last()) else {
        return Err(InputError::Spec {
            file: path.to_path_buf(),
            reason: format!("column '{name}' has no value in any row"),
        });
    };
    let value = |i: usize| v[i].unwrap_or(0.0);
    let mut out_t = vec![t[first]];
    let mut out_v = vec![value(first)];
    for pair in valid.windows(2) {
        let (i, j) = (pair[0], pair[1]);
        let holes: usize = (i + 1..=j).map(|r| missing_rows(t, r, spacing_s)).sum();
        let missing = (j - i - 1) + holes;
        if missing > 0 && (policy == Gaps::Fail || missing > max_gap) {
            return Err(InputError::Gap {
                file: path.to_path_buf(),
                column: name.to_string(),
                between: format!(
                    "{} ({}) and {} ({})",
                    rows.place[i], rows.label[i], rows.place[j], rows.label[j]
                ),
                missing,
                policy: match policy {
                    Gaps::Fail => "gaps = \"fail\" accepts none (set gaps = \"hold\" or \
                                   \"interpolate\" with max_gap_steps)"
                        .to_string(),
                    _ => format!("max_gap_steps = {max_gap} accepts at most {max_gap}"),
                },
            });
        }
        if missing > 0 && policy == Gaps::Interpolate {
            let line = |x: f64| value(i) + (value(j) - value(i)) * (x - t[i]) / (t[j] - t[i]);
            for r in i + 1..=j {
                let m = missing_rows(t, r, spacing_s);
                for q in 1..=m {
                    let x = t[r - 1] + (t[r] - t[r - 1]) * q as f64 / (m + 1) as f64;
                    out_t.push(x);
                    out_v.push(line(x));
                }
                if r < j {
                    out_t.push(t[r]);
                    out_v.push(line(t[r]));
                }
            }
        }
        out_t.push(t[j]);
        out_v.push(value(j));
    }
    Ok(Samples {
        t: out_t,
        v: out_v,
        end_s: t[last] + spacing_s,
    })
}

/// A register's readings turned into the mean power between consecutive readings: the step
/// function whose integral is the register's rise, ending at the last reading.
fn differentiate(register: Samples) -> Samples {
    let n = register.t.len();
    let power = (0..n.saturating_sub(1))
        .map(|i| (register.v[i + 1] - register.v[i]) / (register.t[i + 1] - register.t[i]))
        .collect();
    Samples {
        t: register.t[..n.saturating_sub(1)].to_vec(),
        v: power,
        end_s: register.t[n - 1],
    }
}

/// The year of `t_s` in the calendar of `zone`.
fn year_of(t_s: f64, zone: &LocalZone) -> i32 {
    zone.local(t_s.floor() as i64)
        .map(|d| d.year())
        .unwrap_or(1970)
}

/// The start of each grid step in the trace's time: the grid itself, or with `repeat_year`
/// each start moved to the same month, day and time of day in `year`.
fn grid_steps(grid: &TimeGrid, repeat_year: bool, zone: &LocalZone, year: i32) -> Vec<f64> {
    grid.times_s()
        .map(|g| {
            if repeat_year {
                move_to_year(g, zone, year).unwrap_or(g)
            } else {
                g
            }
        })
        .collect()
}

/// `t_s` moved to the same local month/day/time of `year` in `zone` (29 Feb → 28 Feb in a
/// common year; a time the zone skips in `year` read at the offset before the skip, one it
/// repeats as its first occurrence).
fn move_to_year(t_s: f64, zone: &LocalZone, year: i32) -> Option<f64> {
    let whole = t_s.floor();
    let naive = zone.local(whole as i64)?;
    let day = if naive.month() == 2
        && naive.day() == 29
        && NaiveDate::from_ymd_opt(year, 2, 29).is_none()
    {
        28
    } else {
        naive.day()
    };
    let moved = NaiveDate::from_ymd_opt(year, naive.month(), day)?.and_time(naive.time());
    Some(zone.first_instant(&moved)? + (t_s - whole))
}

/// Every step [a, a + h) must lie inside the samples' span.
fn check_coverage(
    samples: &Samples,
    steps: &[f64],
    step_s: f64,
    name: &str,
    path: &std::path::Path,
) -> Result<(), InputError> {
    /// Slack for rounding in stamps carrying fractions of a second [s].
    const SLACK_S: f64 = 1e-6;
    let Some(&first) = samples.t.first() else {
        return Ok(());
    };
    let lo = steps.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = steps.iter().copied().fold(f64::NEG_INFINITY, f64::max) + step_s;
    if steps.is_empty() || (lo >= first - SLACK_S && hi <= samples.end_s + SLACK_S) {
        return Ok(());
    }
    Err(InputError::NotCovered {
        file: path.to_path_buf(),
        column: name.to_string(),
        covered: format!("{} .. {}", format_time(first), format_time(samples.end_s)),
        needed: format!("{} .. {}", format_time(lo), format_time(hi)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::time::parse_timestamp;

    #[test]
    fn year_move_keeps_calendar() {
        let plus1 = parse_utc_offset("+01:00").unwrap();
        let zone = LocalZone::Fixed(plus1);
        let t = parse_timestamp("2022-03-01 06:30", plus1).unwrap();
        let moved = move_to_year(t, &zone, 2014).unwrap();
        assert_eq!(moved, parse_timestamp("2014-03-01 06:30", plus1).unwrap());
        let leap = parse_timestamp("2024-02-29 12:00", plus1).unwrap();
        let moved = move_to_year(leap, &zone, 2014).unwrap();
        assert_eq!(moved, parse_timestamp("2014-02-28 12:00", plus1).unwrap());
        let quarter = parse_timestamp("2022-03-01 06:30:00.25", plus1).unwrap();
        let moved = move_to_year(quarter, &zone, 2014).unwrap();
        assert_eq!(
            moved,
            parse_timestamp("2014-03-01 06:30:00.25", plus1).unwrap()
        );
    }

    /// In a named zone the wall-clock time of day is kept across daylight saving time: 08:00
    /// in Berlin in July 2022 (06:00Z) is 08:00 in July 2014 (06:00Z), 08:00 in January (07:00Z)
    /// is 08:00 in January. 2022-03-30 02:30 (summer time, 00:30Z) moves to 2014-03-30 02:30,
    /// which 2014 skips (its clocks went forward that night): read at the winter offset, 01:30Z.
    #[test]
    fn year_move_in_a_zone_keeps_wall_time() {
        let berlin = LocalZone::Named(parse_time_zone("Europe/Berlin").unwrap());
        let z = |text: &str| parse_timestamp(text, utc()).unwrap();
        assert_eq!(
            move_to_year(z("2022-07-01T06:00:00Z"), &berlin, 2014),
            Some(z("2014-07-01T06:00:00Z"))
        );
        assert_eq!(
            move_to_year(z("2022-01-10T07:00:00Z"), &berlin, 2014),
            Some(z("2014-01-10T07:00:00Z"))
        );
        assert_eq!(
            move_to_year(z("2022-03-30T00:30:00Z"), &berlin, 2014),
            Some(z("2014-03-30T01:30:00Z"))
        );
        assert_eq!(year_of(z("2021-12-31T23:30:00Z"), &berlin), 2022);
    }

    /// Folds follow the rows: ascending, the first occurrence until a row reaches it;
    /// descending, the second until a row reaches it.
    #[test]
    fn folds_resolve_by_order() {
        let fold = Instants::Fold {
            earlier_s: 100.0,
            later_s: 3700.0,
        };
        assert_eq!(in_order(fold, None, Order::Ascending), 100.0);
        assert_eq!(in_order(fold, Some(50.0), Order::Ascending), 100.0);
        assert_eq!(in_order(fold, Some(100.0), Order::Ascending), 3700.0);
        assert_eq!(in_order(fold, Some(1900.0), Order::Ascending), 3700.0);
        assert_eq!(in_order(fold, None, Order::Descending), 3700.0);
        assert_eq!(in_order(fold, Some(5000.0), Order::Descending), 3700.0);
        assert_eq!(in_order(fold, Some(3700.0), Order::Descending), 100.0);
        assert_eq!(
            in_order(Instants::One(7.0), Some(9.0), Order::Ascending),
            7.0
        );
    }

    #[test]
    fn spacing_is_the_median_step() {
        assert_eq!(spacing(&[0.0, 10.0, 20.0, 50.0, 60.0]), Some(10.0));
        assert_eq!(spacing(&[0.0]), None);
        assert_eq!(missing_rows(&[0.0, 30.0], 1, 10.0), 2);
        assert_eq!(missing_rows(&[0.0, 14.0], 1, 10.0), 0);
    }
}
