//! Reading back a series this crate wrote (for tests, `dctwin report` and `compare`).

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use polars_core::prelude::{DataFrame, DataType, PlSmallStr, Schema};
use polars_io::SerReader;
use polars_io::prelude::{CsvReadOptions, ParquetReader};

use crate::{Format, SeriesError, TIME_COLUMN};

/// A series read back into memory: `time_s` and the value columns asked for, as `f64`.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesTable {
    /// The file read.
    pub path: PathBuf,
    /// Value column names in the order read (without `time_s`).
    pub names: Vec<String>,
    /// Time of each row, s.
    pub time_s: Vec<f64>,
    /// One vector per entry of `names`, each as long as `time_s`.
    pub columns: Vec<Vec<f64>>,
}

impl SeriesTable {
    /// Number of data rows.
    pub fn rows(&self) -> usize {
        self.time_s.len()
    }

    /// The values of the column called `name`, if it was read.
    pub fn column(&self, name: &str) -> Option<&[f64]> {
        let index = self.names.iter().position(|n| n == name)?;
        Some(&self.columns[index])
    }
}

/// The value column names of a series file (without `time_s`), read from the CSV header line or
/// the Parquet footer without reading the data.
pub fn read_names(path: impl AsRef<Path>) -> Result<Vec<String>, SeriesError> {
    let path = path.as_ref();
    let all = match Format::from_path(path)? {
        Format::Csv => csv_header(path)?,
        Format::Parquet => {
            let file = open(path)?;
            let schema = ParquetReader::new(file)
                .schema()
                .map_err(|source| polars_error(path, source))?;
            schema.iter_names().map(|n| n.to_string()).collect()
        }
    };
    value_names(path, all)
}

/// Reads a whole series file. A year of many columns is large in memory; prefer
/// [`read_columns`] when only some are needed.
pub fn read_series(path: impl AsRef<Path>) -> Result<SeriesTable, SeriesError> {
    let path = path.as_ref();
    let names = read_names(path)?;
    read_columns(path, &names)
}

/// Reads `time_s` and the named value columns of a series file, and only those.
pub fn read_columns<S: AsRef<str>>(
    path: impl AsRef<Path>,
    names: &[S],
) -> Result<SeriesTable, SeriesError> {
    let path = path.as_ref();
    let available = read_names(path)?;
    for name in names {
        if !available.iter().any(|a| a == name.as_ref()) {
            return Err(SeriesError::MissingColumn {
                path: path.to_path_buf(),
                column: name.as_ref().to_string(),
                available: available.join(", "),
            });
        }
    }
    let wanted: Vec<String> = std::iter::once(TIME_COLUMN.to_string())
        .chain(names.iter().map(|n| n.as_ref().to_string()))
        .collect();
    let frame = match Format::from_path(path)? {
        Format::Csv => read_csv(path, &available, &wanted)?,
        Format::Parquet => ParquetReader::new(open(path)?)
            .with_columns(Some(wanted.clone()))
            .finish()
            .map_err(|source| polars_error(path, source))?,
    };
    let mut columns = wanted
        .iter()
        .map(|name| column_values(path, &frame, name))
        .collect::<Result<Vec<_>, _>>()?;
    let time_s = columns.remove(0);
    Ok(SeriesTable {
        path: path.to_path_buf(),
        names: wanted[1..].to_vec(),
        time_s,
        columns,
    })
}

/// Reads a CSV with every column declared `f64`, so that a column whose first rows happen to
/// be whole numbers is not taken for integers.
fn read_csv(
    path: &Path,
    available: &[String],
    wanted: &[String],
) -> Result<DataFrame, SeriesError> {
    let schema: Schema = std::iter::once(TIME_COLUMN)
        .chain(available.iter().map(String::as_str))
        .map(|n| (PlSmallStr::from(n), DataType::Float64))
        .collect();
    let projection: Arc<[PlSmallStr]> = wanted
        .iter()
        .map(|n| PlSmallStr::from(n.as_str()))
        .collect();
    CsvReadOptions::default()
        .with_has_header(true)
        .with_schema(Some(Arc::new(schema)))
        .with_columns(Some(projection))
        .try_into_reader_with_file_path(Some(path.to_path_buf()))
        .and_then(|reader| reader.finish())
        .map_err(|source| polars_error(path, source))
}

/// The header line of a CSV this crate wrote (names never need quoting).
fn csv_header(path: &Path) -> Result<Vec<String>, SeriesError> {
    let mut line = String::new();
    BufReader::new(open(path)?)
        .read_line(&mut line)
        .map_err(|source| SeriesError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    let line = line
        .trim_start_matches('\u{feff}')
        .trim_end_matches(['\r', '\n']);
    Ok(line
        .split(',')
        .map(|n| n.trim_matches('"').to_string())
        .collect())
}

/// Drops the leading `time_s`, which every series file must have.
fn value_names(path: &Path, mut all: Vec<String>) -> Result<Vec<String>, SeriesError> {
    if all.first().map(String::as_str) != Some(TIME_COLUMN) {
        return Err(SeriesError::MissingColumn {
            path: path.to_path_buf(),
            column: TIME_COLUMN.to_string(),
            available: all.join(", "),
        });
    }
    all.remove(0);
    Ok(all)
}

fn column_values(path: &Path, frame: &DataFrame, name: &str) -> Result<Vec<f64>, SeriesError> {
    let bad = |reason: String| SeriesError::BadColumn {
        path: path.to_path_buf(),
        column: name.to_string(),
        reason,
    };
    let column = frame.column(name).map_err(|e| bad(e.to_string()))?;
    let expected = || bad(format!("expected floats, found {}", column.dtype()));
    // A run keeps most quantities as f32 (`Precision::ByUnit`); both widths read as f64.
    let values: Vec<Option<f64>> = match column.dtype() {
        DataType::Float64 => column.f64().map_err(|_| expected())?.iter().collect(),
        DataType::Float32 => (column.f32().map_err(|_| expected())?.iter())
            .map(|v| v.map(f64::from))
            .collect(),
        _ => return Err(expected()),
    };
    let empty = values.iter().filter(|v| v.is_none()).count();
    if empty > 0 {
        return Err(bad(format!("{empty} empty cells")));
    }
    Ok(values.into_iter().flatten().collect())
}

fn open(path: &Path) -> Result<File, SeriesError> {
    File::open(path).map_err(|source| SeriesError::Io {
        path: path.to_path_buf(),
        source,
    })
}

fn polars_error(path: &Path, source: polars_core::error::PolarsError) -> SeriesError {
    SeriesError::Polars {
        path: path.to_path_buf(),
        source,
    }
}
