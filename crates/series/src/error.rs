//! The one error type of this crate.

use std::path::PathBuf;

use polars_core::error::PolarsError;

/// Everything that can go wrong while writing or reading a time series.
///
/// Every variant names the file it concerns; errors about a row give the 1-based row number
/// (the first data row is row 1, as a spreadsheet shows it below the header) and the column.
#[derive(Debug, thiserror::Error)]
pub enum SeriesError {
    /// The file name does not end in `.csv`, `.parquet` or `.pq`.
    #[error("{path}: cannot tell the format from the extension; expected .csv, .parquet or .pq")]
    UnknownFormat {
        /// The path that was given.
        path: PathBuf,
    },

    /// A column name is empty, repeated, reserved or contains a character the CSV header cannot
    /// hold unquoted.
    #[error("{path}: column {index} ({name:?}): {reason}")]
    BadColumnName {
        /// The target file.
        path: PathBuf,
        /// 0-based position in the list of value columns given to the writer.
        index: usize,
        /// The offending name.
        name: String,
        /// What is wrong with it.
        reason: &'static str,
    },

    /// The target path cannot be written (no file name, or it is a directory).
    #[error("{path}: {reason}")]
    BadTarget {
        /// The target file.
        path: PathBuf,
        /// What is wrong with it.
        reason: &'static str,
    },

    /// A row has a different number of values than there are value columns.
    #[error("{path}: row {row} at time_s = {time_s}: expected {expected} values, got {got}")]
    WrongLength {
        /// The target file.
        path: PathBuf,
        /// 1-based row number the rejected row would have had.
        row: usize,
        /// Time of the rejected row, s.
        time_s: f64,
        /// Number of value columns.
        expected: usize,
        /// Number of values pushed.
        got: usize,
    },

    /// A value is NaN or infinite; the project never writes those.
    #[error(
        "{path}: row {row} at time_s = {time_s}: column {column:?} is {value}, expected a finite number"
    )]
    NotFinite {
        /// The target file.
        path: PathBuf,
        /// 1-based row number the rejected row would have had.
        row: usize,
        /// Time of the rejected row, s.
        time_s: f64,
        /// Name of the offending column (`time_s` if the time itself is not finite).
        column: String,
        /// The offending value.
        value: f64,
    },

    /// A value too large for the `f32` its column is kept in.
    #[error(
        "{path}: row {row} at time_s = {time_s}: column {column:?} is {value:e}, beyond an f32 \
         (±3.4e38): write the series with precision = \"exact\""
    )]
    TooLarge {
        /// The target file.
        path: PathBuf,
        /// 1-based row number the rejected row would have had.
        row: usize,
        /// Time of the rejected row, s.
        time_s: f64,
        /// Name of the offending column.
        column: String,
        /// The offending value.
        value: f64,
    },

    /// The time does not increase strictly from one row to the next.
    #[error(
        "{path}: row {row}: time_s = {time_s} does not come after the previous row's {previous_s}"
    )]
    TimeNotIncreasing {
        /// The target file.
        path: PathBuf,
        /// 1-based row number the rejected row would have had.
        row: usize,
        /// Time of the rejected row, s.
        time_s: f64,
        /// Time of the last accepted row, s.
        previous_s: f64,
    },

    /// An earlier write failed, so the partial file cannot be trusted; the writer accepts nothing
    /// more and `finish` refuses to replace the target.
    #[error(
        "{path}: an earlier write failed; the partial file was discarded and the target left as it was"
    )]
    Failed {
        /// The target file.
        path: PathBuf,
    },

    /// A column asked of a reader is not in the file.
    #[error("{path}: no column {column:?}; the file has: {available}")]
    MissingColumn {
        /// The file read.
        path: PathBuf,
        /// The name asked for.
        column: String,
        /// The file's columns, comma-separated.
        available: String,
    },

    /// A column read back is not a complete column of numbers.
    #[error("{path}: column {column:?}: {reason}")]
    BadColumn {
        /// The file read.
        path: PathBuf,
        /// The column.
        column: String,
        /// What was found instead of finite 64-bit floats without gaps.
        reason: String,
    },

    /// The operating system refused a file operation.
    #[error("{path}: {source}")]
    Io {
        /// The file concerned (the temporary file while writing).
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },

    /// polars failed to encode or decode the file.
    #[error("{path}: {source}")]
    Polars {
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        source: PolarsError,
    },
}

impl SeriesError {
    /// Whether the file could not be written (a full disk, a failed encoder), as opposed to a
    /// row refused for its values, after which the file is still whole.
    pub fn is_write_error(&self) -> bool {
        matches!(
            self,
            SeriesError::Io { .. } | SeriesError::Polars { .. } | SeriesError::Failed { .. }
        )
    }
}
