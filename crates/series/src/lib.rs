//! dctwin's time-series writer: what a run computes (temperatures, flows and powers per
//! component, facility totals) streamed to CSV or Parquet while the run goes.
//!
//! # File layout
//! One row per reporting step. The first column is `time_s`: the time in seconds as the engine
//! counts it (normally from the scenario's start), an `f64` in both formats. It is not a
//! calendar timestamp: polars is built without its datetime types here, seconds are the
//! project's unit, and they round-trip exactly; the scenario's start date belongs with the
//! scenario. The value columns follow, all `f64`, named with their unit as the rest of the
//! project names things (`c0.cdu.supply_k`, `it_power_w`), so neither format needs a separate
//! unit header. No value is ever NaN or infinite: such a row is refused with an error that
//! names the column and the time.
//!
//! # Memory and safety
//! Rows are buffered column-wise and handed to polars' batched writers every
//! [`DEFAULT_BATCH_ROWS`] rows (one Parquet row group per batch), so the data held in memory
//! do not grow with the run's length; only polars' Parquet footer does, by about 3 KB per
//! batch and column (a year of 200 columns peaks near 60 MB). The bytes go to `<target>.<pid>-<n>.partial` in the target's directory;
//! [`SeriesWriter::finish`] syncs that file and renames it over the target, so the target is
//! always either the previous file or a complete new one. An interrupted run that calls
//! `finish` (the engine does on Ctrl-C) keeps a valid file with every row pushed so far; a
//! writer dropped without `finish` removes its temporary file. Only a killed process (SIGKILL,
//! power loss) can leave a `.partial` file behind, never a damaged target.
//!
//! ```no_run
//! use dctwin_series::{Format, SeriesWriter};
//! # fn main() -> Result<(), dctwin_series::SeriesError> {
//! let path = std::path::Path::new("run.parquet");
//! let mut writer = SeriesWriter::create(path, Format::from_path(path)?, &["it_power_w"])?;
//! writer.push(0.0, &[1.2e6])?;
//! writer.push(60.0, &[1.3e6])?;
//! let summary = writer.finish()?;
//! assert_eq!(summary.rows, 2);
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

mod atomic;
mod error;
mod format;
mod precision;
mod reader;
mod writer;

pub use error::SeriesError;
pub use format::Format;
pub use precision::Precision;
pub use reader::{SeriesTable, read_columns, read_names, read_series};
pub use writer::{DEFAULT_BATCH_ROWS, SeriesWriter, Summary, WriterOptions};

/// Name of the first column of every series file: time in seconds.
pub const TIME_COLUMN: &str = "time_s";
