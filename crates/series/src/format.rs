//! Which file format a series is written in.

use std::path::Path;

use crate::SeriesError;

/// The on-disk format of a time series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated text with one header line: easy to open anywhere, about 3× larger than
    /// Parquet and slower to write.
    Csv,
    /// Apache Parquet, zstd-compressed, one row group per flushed batch: the format for long runs.
    Parquet,
}

impl Format {
    /// The format named by the path's extension (case-insensitive): `.csv`, or `.parquet`/`.pq`.
    pub fn from_path(path: &Path) -> Result<Format, SeriesError> {
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("csv") => Ok(Format::Csv),
            Some("parquet") | Some("pq") => Ok(Format::Parquet),
            _ => Err(SeriesError::UnknownFormat {
                path: path.to_path_buf(),
            }),
        }
    }
}
