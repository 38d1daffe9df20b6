//! The streaming writer: rows in, batches out, one atomic rename at the end.

use std::collections::HashSet;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use polars_core::prelude::{
    Column, DataFrame, DataType, Float32Chunked, Float64Chunked, IntoColumn, Schema,
};
use polars_io::SerWriter;
use polars_io::csv::write::{BatchedWriter as CsvBatched, CsvWriter};
use polars_io::parquet::write::ParquetCompression;
use polars_io::parquet::write::{BatchedWriter as ParquetBatched, ParquetWriter};

use crate::precision::{Precision, Storage};
use crate::{Format, SeriesError, TIME_COLUMN, atomic};

/// Rows buffered before a batch goes to disk, unless [`WriterOptions::batch_rows`] says
/// otherwise.
///
/// Each Parquet batch becomes a row group, and polars keeps about 3 KB of footer metadata per
/// row group and column until `finish`. So memory is the batch (8 B per row and column, about
/// twice while it is encoded) plus that metadata, which grows with the number of batches. For a
/// year at one-minute steps (525,600 rows) the sum is least near 10,000–16,000 rows whatever the
/// column count (measured with `examples/series_bench.rs`, 200 columns: peak 117 MB at 4,096,
/// 62 MB at 16,384, 75 MB at 32,768); larger row groups also compress better. CSV keeps no
/// such metadata and would be as happy with smaller batches.
pub const DEFAULT_BATCH_ROWS: usize = 16_384;

/// How a [`SeriesWriter`] batches its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriterOptions {
    /// Rows held in memory before they are written out as one batch (at least 1).
    pub batch_rows: usize,
    /// How precisely the value columns are kept (`time_s` always exactly).
    pub precision: Precision,
}

impl Default for WriterOptions {
    fn default() -> Self {
        WriterOptions {
            batch_rows: DEFAULT_BATCH_ROWS,
            precision: Precision::Exact,
        }
    }
}

/// What [`SeriesWriter::finish`] produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Data rows written (the header is not counted).
    pub rows: usize,
    /// The final file.
    pub path: PathBuf,
    /// Its size, bytes.
    pub bytes: u64,
}

/// polars' batched writer for the chosen format.
enum Sink {
    Csv(CsvBatched<Recording>),
    Parquet(Box<ParquetBatched<Recording>>),
}

/// The file polars writes to, keeping the first I/O error it met: polars reports a failed write
/// in its own words ("Invalid thrift: transport error" when the disk is full under the footer),
/// and the system's ("No space left on device") is the one a user can act on.
struct Recording {
    file: File,
    first_error: Arc<Mutex<Option<std::io::Error>>>,
}

impl Recording {
    fn keep<T>(&self, result: std::io::Result<T>) -> std::io::Result<T> {
        if let Err(e) = &result
            && let Ok(mut slot) = self.first_error.lock()
            && slot.is_none()
        {
            *slot = Some(std::io::Error::new(e.kind(), e.to_string()));
        }
        result
    }
}

impl Write for Recording {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let result = self.file.write(buf);
        self.keep(result)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let result = self.file.flush();
        self.keep(result)
    }
}

/// Streams a time series to a CSV or Parquet file while a run goes.
///
/// Columns are `time_s` (f64, seconds as the caller counts them, normally from the run's
/// start) followed by the value columns, all `f64`, whose names carry their unit
/// (`rack_03.supply_k`, `it_power_w`). Rows are buffered column-wise and written every
/// [`WriterOptions::batch_rows`] rows, so the buffered data do not grow with the length of the
/// run (see [`DEFAULT_BATCH_ROWS`] for the Parquet footer, which does, slowly). The data go to a temporary file beside the target; [`finish`](Self::finish) syncs it and renames
/// it over the target. Dropping the writer without `finish` deletes the temporary file and leaves
/// any existing target untouched. To stop early (Ctrl-C) and keep what was computed, call
/// `finish`: the file is complete and valid with the rows pushed so far.
pub struct SeriesWriter {
    target: PathBuf,
    partial: PathBuf,
    /// The temporary file, kept to sync it before the rename; the sink writes to a clone of it.
    file: Option<File>,
    /// The first I/O error the sink met.
    io_error: Arc<Mutex<Option<std::io::Error>>>,
    sink: Option<Sink>,
    /// `time_s` then the value columns.
    names: Vec<String>,
    /// How each entry of `names` is stored.
    storages: Vec<Storage>,
    /// One buffer per entry of `names`.
    buffers: Vec<Vec<f64>>,
    buffered: usize,
    batch_rows: usize,
    rows: usize,
    last_time_s: Option<f64>,
    failed: bool,
    /// Set once the partial file has been renamed over the target.
    committed: bool,
}

impl SeriesWriter {
    /// Starts a series at `path` with value columns `names`, batching [`DEFAULT_BATCH_ROWS`]
    /// rows. Nothing at `path` changes until [`finish`](Self::finish).
    pub fn create<S: AsRef<str>>(
        path: impl AsRef<Path>,
        format: Format,
        names: &[S],
    ) -> Result<SeriesWriter, SeriesError> {
        Self::create_with(path, format, names, WriterOptions::default())
    }

    /// As [`create`](Self::create), with explicit batching.
    pub fn create_with<S: AsRef<str>>(
        path: impl AsRef<Path>,
        format: Format,
        names: &[S],
        options: WriterOptions,
    ) -> Result<SeriesWriter, SeriesError> {
        let target = path.as_ref().to_path_buf();
        let mut all_names = Vec::with_capacity(names.len() + 1);
        all_names.push(TIME_COLUMN.to_string());
        all_names.extend(check_names(&target, names)?);
        let batch_rows = options.batch_rows.max(1);
        let storages = std::iter::once(Storage::Exact)
            .chain(
                all_names[1..]
                    .iter()
                    .map(|n| Storage::of(options.precision, n)),
            )
            .collect();

        let (partial, file) = atomic::create_partial(&target)?;
        // From here on, Drop removes `partial` whatever fails.
        let mut writer = SeriesWriter {
            target,
            partial,
            file: Some(file),
            io_error: Arc::default(),
            sink: None,
            buffers: (0..all_names.len())
                .map(|_| Vec::with_capacity(batch_rows))
                .collect(),
            names: all_names,
            storages,
            buffered: 0,
            batch_rows,
            rows: 0,
            last_time_s: None,
            failed: false,
            committed: false,
        };
        writer.sink = Some(writer.open_sink(format)?);
        Ok(writer)
    }

    fn open_sink(&self, format: Format) -> Result<Sink, SeriesError> {
        let file = self
            .file
            .as_ref()
            .expect("file is present until finish or drop");
        let clone = Recording {
            file: file.try_clone().map_err(|source| SeriesError::Io {
                path: self.partial.clone(),
                source,
            })?,
            first_error: self.io_error.clone(),
        };
        let schema: Schema = (self.names.iter().zip(&self.storages))
            .map(|(n, storage)| (n.as_str().into(), dtype(*storage)))
            .collect();
        let sink = match format {
            Format::Csv => CsvWriter::new(clone).batched(&schema).map(Sink::Csv),
            Format::Parquet => ParquetWriter::new(clone)
                .with_compression(ParquetCompression::Zstd(None))
                .batched(&schema)
                .map(|w| Sink::Parquet(Box::new(w))),
        };
        sink.map_err(|source| self.polars_error(source))
    }

    /// The file the series ends up in.
    pub fn path(&self) -> &Path {
        &self.target
    }

    /// The value columns' names (without `time_s`).
    pub fn names(&self) -> &[String] {
        &self.names[1..]
    }

    /// Rows accepted so far.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Appends one row: the time in seconds and one value per column, in the order given to
    /// [`create`](Self::create). The row is refused (and the writer stays usable) if the
    /// number of values is wrong, a value or the time is not finite, or the time does not
    /// come after the previous row's.
    pub fn push(&mut self, time_s: f64, values: &[f64]) -> Result<(), SeriesError> {
        if self.failed {
            return Err(self.failed_error());
        }
        self.check_row(time_s, values)?;
        self.buffers[0].push(time_s);
        for (buffer, &value) in self.buffers[1..].iter_mut().zip(values) {
            buffer.push(value);
        }
        self.buffered += 1;
        self.rows += 1;
        self.last_time_s = Some(time_s);
        if self.buffered >= self.batch_rows {
            self.flush()?;
        }
        Ok(())
    }

    fn check_row(&self, time_s: f64, values: &[f64]) -> Result<(), SeriesError> {
        let row = self.rows + 1;
        let path = || self.target.clone();
        if values.len() != self.names.len() - 1 {
            return Err(SeriesError::WrongLength {
                path: path(),
                row,
                time_s,
                expected: self.names.len() - 1,
                got: values.len(),
            });
        }
        let not_finite = std::iter::once(time_s)
            .chain(values.iter().copied())
            .position(|v| !v.is_finite());
        if let Some(index) = not_finite {
            return Err(SeriesError::NotFinite {
                path: path(),
                row,
                time_s,
                column: self.names[index].clone(),
                value: if index == 0 {
                    time_s
                } else {
                    values[index - 1]
                },
            });
        }
        let too_large = (values.iter().zip(&self.storages[1..])).position(|(v, storage)| {
            *storage != Storage::Exact && storage.round(*v).abs() > f64::from(f32::MAX)
        });
        if let Some(index) = too_large {
            return Err(SeriesError::TooLarge {
                path: path(),
                row,
                time_s,
                column: self.names[index + 1].clone(),
                value: values[index],
            });
        }
        match self.last_time_s {
            Some(previous_s) if time_s <= previous_s => Err(SeriesError::TimeNotIncreasing {
                path: path(),
                row,
                time_s,
                previous_s,
            }),
            _ => Ok(()),
        }
    }

    /// Writes the buffered rows as one batch. The buffers are moved into polars (no copy) and
    /// reallocated afterwards, so at most one batch is in memory.
    fn flush(&mut self) -> Result<(), SeriesError> {
        if self.buffered == 0 {
            return Ok(());
        }
        let height = self.buffered;
        let columns = (self.names.iter().zip(&self.storages))
            .zip(self.buffers.iter_mut())
            .map(|((name, storage), buffer)| column(name, *storage, std::mem::take(buffer)))
            .collect();
        self.buffered = 0;
        let result = DataFrame::new(height, columns).and_then(|frame| {
            match self
                .sink
                .as_mut()
                .expect("sink is present until finish or drop")
            {
                Sink::Csv(w) => w.write_batch(&frame),
                Sink::Parquet(w) => w.write_batch(&frame),
            }
        });
        if let Err(source) = result {
            self.failed = true;
            return Err(self.polars_error(source));
        }
        for buffer in &mut self.buffers {
            buffer.reserve(self.batch_rows);
        }
        Ok(())
    }

    /// Writes what is buffered, closes the file (Parquet footer; CSV header if no row came),
    /// syncs it and renames it over the target. Called after zero rows it gives a valid file
    /// with just the columns.
    pub fn finish(mut self) -> Result<Summary, SeriesError> {
        if self.failed {
            return Err(self.failed_error());
        }
        self.flush()?;
        let closed = match self
            .sink
            .take()
            .expect("sink is present until finish or drop")
        {
            Sink::Csv(mut w) => w.finish(),
            Sink::Parquet(w) => w.finish().map(|_| ()),
        };
        if let Err(source) = closed {
            self.failed = true;
            return Err(self.polars_error(source));
        }
        let file = self
            .file
            .take()
            .expect("file is present until finish or drop");
        let bytes = file
            .metadata()
            .map_err(|source| SeriesError::Io {
                path: self.partial.clone(),
                source,
            })?
            .len();
        atomic::commit(file, &self.partial, &self.target)?;
        self.committed = true;
        Ok(Summary {
            rows: self.rows,
            path: self.target.clone(),
            bytes,
        })
    }

    /// The error of a failed write: the system's I/O error where there was one.
    fn polars_error(&self, source: polars_core::error::PolarsError) -> SeriesError {
        let io = self.io_error.lock().ok().and_then(|mut e| e.take());
        match io {
            Some(io) => SeriesError::Io {
                path: self.target.clone(),
                source: io,
            },
            None => SeriesError::Polars {
                path: self.partial.clone(),
                source,
            },
        }
    }

    fn failed_error(&self) -> SeriesError {
        SeriesError::Failed {
            path: self.target.clone(),
        }
    }
}

impl Drop for SeriesWriter {
    /// Without a successful `finish`, the temporary file is removed (after its handles are
    /// closed, which Windows needs) and the target is left as it was.
    fn drop(&mut self) {
        if self.committed {
            return; // the partial file is now the target
        }
        self.sink = None;
        self.file = None;
        // Nothing sensible can be done with a failure here; a leftover is named `.partial`.
        let _ = std::fs::remove_file(&self.partial);
    }
}

/// The column type of a storage.
fn dtype(storage: Storage) -> DataType {
    match storage {
        Storage::Exact => DataType::Float64,
        Storage::Single { .. } => DataType::Float32,
    }
}

/// A batch of one column's values as stored.
fn column(name: &str, storage: Storage, values: Vec<f64>) -> Column {
    match storage {
        Storage::Exact => Float64Chunked::from_vec(name.into(), values).into_column(),
        Storage::Single { .. } => {
            let single = values.iter().map(|&v| storage.round(v) as f32).collect();
            Float32Chunked::from_vec(name.into(), single).into_column()
        }
    }
}

/// Checks the value columns' names: non-empty, unique, not `time_s`, and free of the characters
/// (`,` `"` line breaks) that would need quoting in a CSV header.
fn check_names<S: AsRef<str>>(target: &Path, names: &[S]) -> Result<Vec<String>, SeriesError> {
    let mut seen = HashSet::with_capacity(names.len());
    let mut checked = Vec::with_capacity(names.len());
    for (index, name) in names.iter().enumerate() {
        let name = name.as_ref();
        let reason = if name.is_empty() {
            Some("the name is empty")
        } else if name == TIME_COLUMN {
            Some("`time_s` is the time column, written by the writer itself")
        } else if name.contains([',', '"', '\n', '\r']) {
            Some("names may not contain commas, double quotes or line breaks")
        } else if !seen.insert(name) {
            Some("the name appears twice")
        } else {
            None
        };
        if let Some(reason) = reason {
            return Err(SeriesError::BadColumnName {
                path: target.to_path_buf(),
                index,
                name: name.to_string(),
                reason,
            });
        }
        checked.push(name.to_string());
    }
    Ok(checked)
}
