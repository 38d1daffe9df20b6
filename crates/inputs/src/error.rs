//! Everything that can be wrong with an input file, each error naming the file, the place (the
//! 1-based line as an editor shows it, or the record number in a Parquet file) and the column or
//! field, and what was expected.

use std::fmt;
use std::path::PathBuf;

use thiserror::Error;

use crate::time::TimeError;

/// Where a value sits in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// 1-based line of a text file, as an editor numbers it.
    Line(usize),
    /// 1-based record of a Parquet file (no lines there).
    Row(usize),
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Line(n) => write!(f, "line {n}"),
            Place::Row(n) => write!(f, "row {n}"),
        }
    }
}

/// Why an input could not be read or used.
#[derive(Debug, Error)]
pub enum InputError {
    /// The file is in none of the places looked in.
    #[error(
        "input file '{}' not found; looked in: {}. Real traces live outside the repository: \
         give their folder with --data-dir DIR or the DCTWIN_DATA environment variable",
        file.display(),
        list_paths(looked)
    )]
    NotFound {
        /// The file as the scenario names it.
        file: PathBuf,
        /// Every path tried, in order.
        looked: Vec<PathBuf>,
    },
    /// The file exists but could not be read.
    #[error("{}: cannot read: {source}", file.display())]
    Io {
        /// The file.
        file: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// A text input (CSV, TSV, EPW) that is binary or too large to read whole.
    #[error("{}: {reason}", file.display())]
    NotText {
        /// The file.
        file: PathBuf,
        /// Why it is not a text table to read (binary, too large).
        reason: String,
    },
    /// The CSV or Parquet reader failed on the file's structure.
    #[error("{}: cannot parse as {format}: {message}", file.display())]
    Parse {
        /// The file.
        file: PathBuf,
        /// `csv` or `parquet`.
        format: &'static str,
        /// The reader's message.
        message: String,
    },
    /// The file has no data row.
    #[error("{}: the file is empty (no data rows{})", file.display(), if *header_only { " after the header" } else { "" })]
    Empty {
        /// The file.
        file: PathBuf,
        /// Whether a header was there.
        header_only: bool,
    },
    /// A column named in the scenario is not in the file.
    #[error("{}: no {role} column '{column}'; the file has: {}", file.display(), quote_list(found))]
    MissingColumn {
        /// The file.
        file: PathBuf,
        /// `time` or `value`.
        role: &'static str,
        /// The name looked for.
        column: String,
        /// The columns present.
        found: Vec<String>,
    },
    /// A column holds the wrong kind of data (Parquet types are fixed by the writer).
    #[error("{}: column '{column}' has type {found}, expected {expected}", file.display())]
    ColumnType {
        /// The file.
        file: PathBuf,
        /// The column.
        column: String,
        /// The type found.
        found: String,
        /// The type expected.
        expected: &'static str,
    },
    /// A timestamp cell that cannot be read.
    #[error("{}: {place}, column '{column}': {reason}", file.display())]
    Timestamp {
        /// The file.
        file: PathBuf,
        /// Where.
        place: Place,
        /// The time column.
        column: String,
        /// What is wrong, with the text found and the forms expected.
        reason: String,
    },
    /// A value cell that cannot be used.
    #[error("{}: {place}, column '{column}': {reason}", file.display())]
    Value {
        /// The file.
        file: PathBuf,
        /// Where.
        place: Place,
        /// The column.
        column: String,
        /// What is wrong, with the value found and the range expected.
        reason: String,
    },
    /// Timestamps out of the declared order.
    #[error(
        "{}: {place}: timestamp {time} is out of {order} order after {previous} at \
         {previous_place} (`order = \"descending\"` declares a file written newest first; a \
         local-time export repeats an hour when daylight saving time ends: declare its \
         `time_zone`; any other disorder must be fixed in the file)",
        file.display()
    )]
    Order {
        /// The file.
        file: PathBuf,
        /// The row out of order.
        place: Place,
        /// Its time.
        time: String,
        /// The row before it in the file.
        previous_place: Place,
        /// That row's time.
        previous: String,
        /// `ascending` or `descending`.
        order: &'static str,
    },
    /// Two rows with the same timestamp under `duplicates = "fail"`.
    #[error(
        "{}: {place} repeats timestamp {time} of {first_place} \
         (set `duplicates = \"first\"` or `\"mean\"` to accept repeated stamps; a local-time \
         export's hour repeated when daylight saving time ends needs its `time_zone`)",
        file.display()
    )]
    Duplicate {
        /// The file.
        file: PathBuf,
        /// The repeated row.
        place: Place,
        /// The row it repeats.
        first_place: Place,
        /// The timestamp.
        time: String,
    },
    /// Missing samples the gap policy does not allow.
    #[error("{}: column '{column}': {missing} missing sample(s) between {between}; {policy}", file.display())]
    Gap {
        /// The file.
        file: PathBuf,
        /// The column.
        column: String,
        /// The last valid row before the gap and the first after it, with their stamps:
        /// "line 10 (2022-01-01 02:00) and line 14 (2022-01-01 06:00)".
        between: String,
        /// Samples missing at the trace's own spacing.
        missing: usize,
        /// What the policy allows.
        policy: String,
    },
    /// The trace does not span the simulation's grid.
    #[error("{}: column '{column}' covers {covered} but the simulation needs {needed}", file.display())]
    NotCovered {
        /// The file.
        file: PathBuf,
        /// The column.
        column: String,
        /// First instant with data .. end of the last sample's interval (UTC).
        covered: String,
        /// Grid start .. grid end, mapped onto the trace's year with `repeat_year` (UTC).
        needed: String,
    },
    /// A unit string that is not understood.
    #[error("{}: column '{column}': unit '{unit}' is not understood; {accepted}", file.display())]
    Unit {
        /// The file.
        file: PathBuf,
        /// The column.
        column: String,
        /// The unit given.
        unit: String,
        /// What is accepted.
        accepted: &'static str,
    },
    /// A trace specification that contradicts itself or lacks a needed field.
    #[error("{}: {reason}", file.display())]
    Spec {
        /// The file the specification is for.
        file: PathBuf,
        /// What is wrong and how to fix it.
        reason: String,
    },
    /// A time or offset in the specification (not in the file).
    #[error("{}: {field}: {source}", file.display())]
    SpecTime {
        /// The file the specification is for.
        file: PathBuf,
        /// The specification field (`origin`, `utc_offset`, `time_zone`).
        field: &'static str,
        /// The reason.
        source: TimeError,
    },
    /// An EPW header line that is missing or malformed.
    #[error("{}: line {line}: bad EPW header: {reason}", file.display())]
    EpwHeader {
        /// The file.
        file: PathBuf,
        /// The line.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// An EPW data line without the 35 fields of the format.
    #[error("{}: line {line}: {found} comma-separated fields, expected 35", file.display())]
    EpwFieldCount {
        /// The file.
        file: PathBuf,
        /// The line.
        line: usize,
        /// Fields found.
        found: usize,
    },
    /// An EPW field that is not a number or out of its range.
    #[error("{}: line {line}, field {field} ({name}): {reason}", file.display())]
    EpwField {
        /// The file.
        file: PathBuf,
        /// The line.
        line: usize,
        /// 1-based field number as in the EPW data dictionary.
        field: usize,
        /// Field name.
        name: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// An EPW file with a wrong number of hourly rows.
    #[error("{}: {found} data rows, expected 8760 (or 8784 for a leap year)", file.display())]
    EpwRows {
        /// The file.
        file: PathBuf,
        /// Rows found.
        found: usize,
    },
}

fn list_paths(paths: &[PathBuf]) -> String {
    if paths.is_empty() {
        return "nowhere (no scenario directory, no --data-dir and no DCTWIN_DATA)".to_string();
    }
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn quote_list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("'{n}'"))
        .collect::<Vec<_>>()
        .join(", ")
}
