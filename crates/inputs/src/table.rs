//! Reading a trace file into raw columns with polars (eager CSV and Parquet readers), keeping for
//! every row its place in the file (the line an editor shows, or the Parquet record) so that
//! later errors can point at it.
//!
//! CSV is read with every column as text and numbers are parsed here, so a bad cell is reported
//! with its line and column rather than as a reader failure. The byte slice handed to polars is
//! cut by this module: leading `skip_rows` lines, a UTF-8 byte-order mark and `footer_lines`
//! trailing lines (a database report's "(15277 rows affected)") never reach polars.
//! Line numbers assume one record per line (no line breaks inside quoted fields).

use std::fs::File;
use std::io::Cursor;
use std::path::Path;

use polars_core::prelude::*;
use polars_io::prelude::*;

use crate::error::{InputError, Place};

/// File formats a trace can be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Delimited text, comma by default.
    Csv,
    /// Tab-separated text.
    Tsv,
    /// Apache Parquet.
    Parquet,
    /// A Modelica text table (`double NAME(ROWS, COLUMNS)` and its rows), columns numbered
    /// from 1.
    Modelica,
}

impl Format {
    /// The format a file name implies: `.parquet`/`.pq` → Parquet, `.tsv`/`.txt` → TSV, `.mos`
    /// → a Modelica text table, else CSV.
    pub fn from_path(path: &Path) -> Format {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase())
            .as_deref()
        {
            Some("parquet" | "pq") => Format::Parquet,
            Some("tsv" | "txt") => Format::Tsv,
            Some("mos") => Format::Modelica,
            _ => Format::Csv,
        }
    }
}

/// The cells of one column.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cells {
    /// Text cells (CSV, or a Parquet string column); `None` = empty.
    Text(Vec<Option<String>>),
    /// Numeric cells (Parquet); `None` = null.
    Number(Vec<Option<f64>>),
}

/// The columns a trace asked for, row-aligned, with each row's place in the file.
#[derive(Debug, Clone)]
pub(crate) struct Table {
    /// The time column.
    pub time: Cells,
    /// The value columns, in the order asked.
    pub values: Vec<Cells>,
    /// Place of each row in the file.
    pub places: Vec<Place>,
}

/// How to cut and split a text file.
pub(crate) struct TextLayout {
    /// Field separator.
    pub separator: u8,
    /// Lines before the header.
    pub skip_rows: usize,
    /// Lines after the data.
    pub footer_lines: usize,
    /// Which table of a Modelica text table file (by default its first).
    pub table: Option<String>,
}

/// Read `time_column` and `value_columns` of `file`.
pub(crate) fn read_table(
    file: &Path,
    format: Format,
    layout: &TextLayout,
    time_column: &str,
    value_columns: &[&str],
) -> Result<Table, InputError> {
    match format {
        Format::Csv | Format::Tsv => read_text(file, layout, time_column, value_columns),
        Format::Parquet => read_parquet(file, time_column, value_columns),
        Format::Modelica => crate::modelica_table::read_modelica(
            file,
            layout.table.as_deref(),
            time_column,
            value_columns,
        ),
    }
}

fn parse_error(file: &Path, format: &'static str, e: PolarsError) -> InputError {
    InputError::Parse {
        file: file.to_path_buf(),
        format,
        message: e.to_string(),
    }
}

/// Lines of `bytes` as (1-based line number, byte range without the line break).
fn lines(bytes: &[u8]) -> Vec<(usize, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'\n' {
            out.push((out.len() + 1, start..i));
            start = i + 1;
        }
    }
    if start < bytes.len() {
        out.push((out.len() + 1, start..bytes.len()));
    }
    out
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|b| b.is_ascii_whitespace())
}

/// The largest text trace read [bytes]: it is read whole, and a run is to stay within 1 GiB.
/// A year of one-minute readings of 200 columns is about 500 MB as CSV; larger traces belong in
/// Parquet, whose columns are read one by one.
pub(crate) const MAX_TEXT_BYTES: u64 = 512 << 20;

/// The bytes of a text input of at most `max_bytes`, refused (naming its line) when a NUL byte
/// shows it is binary. The size is checked before reading, and the read stops one byte past the
/// limit: a device or a pipe (/dev/zero) has no size to check.
pub(crate) fn read_text_bytes(
    file: &Path,
    max_bytes: u64,
    what: &str,
) -> Result<Vec<u8>, InputError> {
    use dctwin_files::TextFileError;
    let not_text = |reason: String| InputError::NotText {
        file: file.to_path_buf(),
        reason,
    };
    dctwin_files::read_text_bytes(file, max_bytes).map_err(|e| match e {
        TextFileError::Io(source) => InputError::Io {
            file: file.to_path_buf(),
            source,
        },
        TextFileError::Directory => not_text(format!("this is a directory, not {what}")),
        TextFileError::TooLarge { size } => {
            let size = size.map_or(format!("more than {max_bytes}"), |s| s.to_string());
            not_text(format!(
                "{size} bytes is more than {what} read whole may have ({max_bytes}); write it \
                 as Parquet (format = \"parquet\"), whose columns are read one at a time"
            ))
        }
        TextFileError::Binary { line } => not_text(format!(
            "a NUL byte on line {line}: this is a binary file, not {what}"
        )),
        TextFileError::NotUtf8 { line } => not_text(format!("line {line} is not UTF-8")),
    })
}

fn read_text(
    file: &Path,
    layout: &TextLayout,
    time_column: &str,
    value_columns: &[&str],
) -> Result<Table, InputError> {
    let bytes = read_text_bytes(file, MAX_TEXT_BYTES, "a text trace")?;
    let bom = if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let all = lines(&bytes);
    let empty = |header_only| InputError::Empty {
        file: file.to_path_buf(),
        header_only,
    };
    // The header is the first non-blank line after the skipped ones.
    let mut rest = all
        .iter()
        .skip(layout.skip_rows)
        .skip_while(|(_, r)| is_blank(&bytes[r.clone()]));
    let (_, header) = rest.next().ok_or_else(|| empty(false))?;
    let body: Vec<_> = rest.cloned().collect();
    let kept = body.len().saturating_sub(layout.footer_lines);
    let data = &body[..kept];
    let last_data = data.iter().rposition(|(_, r)| !is_blank(&bytes[r.clone()]));
    let Some(last_data) = last_data else {
        return Err(empty(true));
    };
    let data = &data[..=last_data];
    let from = header.start.max(bom);
    let to = data[last_data].1.end;
    let slice = bytes[from..to].to_vec();

    let frame = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .with_raise_if_empty(false)
        .with_parse_options(
            CsvParseOptions::default()
                .with_separator(layout.separator)
                .with_missing_is_null(true),
        )
        .into_reader_with_file_handle(Cursor::new(slice))
        .finish()
        .map_err(|e| parse_error(file, "csv", e))?;
    if frame.height() == 0 {
        return Err(empty(true));
    }
    // Polars may or may not skip blank lines inside the data; map rows to lines either way.
    let non_blank: Vec<Place> = data
        .iter()
        .filter(|(_, r)| !is_blank(&bytes[r.clone()]))
        .map(|(n, _)| Place::Line(*n))
        .collect();
    let places = if frame.height() == non_blank.len() {
        non_blank
    } else {
        data.iter()
            .map(|(n, _)| Place::Line(*n))
            .take(frame.height())
            .collect()
    };
    let text = |name: &str, role| -> Result<Cells, InputError> {
        let column = find_column(&frame, file, name, role)?;
        let strings = column
            .str()
            .map_err(|e| parse_error(file, "csv", e))?
            .iter()
            .map(|c| c.map(|s| s.to_string()))
            .collect();
        Ok(Cells::Text(strings))
    };
    Ok(Table {
        time: text(time_column, "time")?,
        values: value_columns
            .iter()
            .map(|c| text(c, "value"))
            .collect::<Result<_, _>>()?,
        places,
    })
}

/// The column named `name`. An empty name also matches the first column when its header cell
/// is empty (pandas writes its unnamed index so, and polars names such a column itself).
fn find_column<'a>(
    frame: &'a DataFrame,
    file: &Path,
    name: &str,
    role: &'static str,
) -> Result<&'a Column, InputError> {
    let names: Vec<String> = frame
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    let index = names.iter().position(|n| n == name).or_else(|| {
        let unnamed = names
            .first()
            .is_some_and(|n| n.is_empty() || n.starts_with("column_") || n == "__index_level_0__");
        (name.is_empty() && unnamed).then_some(0)
    });
    match index {
        Some(i) => Ok(&frame.columns()[i]),
        None => Err(InputError::MissingColumn {
            file: file.to_path_buf(),
            role,
            column: name.to_string(),
            found: names,
        }),
    }
}

fn read_parquet(
    file: &Path,
    time_column: &str,
    value_columns: &[&str],
) -> Result<Table, InputError> {
    let handle = File::open(file).map_err(|source| InputError::Io {
        file: file.to_path_buf(),
        source,
    })?;
    let frame = ParquetReader::new(handle)
        .finish()
        .map_err(|e| parse_error(file, "parquet", e))?;
    if frame.height() == 0 {
        return Err(InputError::Empty {
            file: file.to_path_buf(),
            header_only: frame.width() > 0,
        });
    }
    let cells = |name: &str, role, numeric_only: bool| -> Result<Cells, InputError> {
        let column = find_column(&frame, file, name, role)?;
        let dtype = column.dtype();
        if dtype.is_primitive_numeric() {
            let floats = column
                .cast(&DataType::Float64)
                .map_err(|e| parse_error(file, "parquet", e))?;
            let values = floats
                .f64()
                .map_err(|e| parse_error(file, "parquet", e))?
                .iter()
                .collect();
            Ok(Cells::Number(values))
        } else if matches!(dtype, DataType::String) && !numeric_only {
            let strings = column
                .str()
                .map_err(|e| parse_error(file, "parquet", e))?
                .iter()
                .map(|c| c.map(|s| s.to_string()))
                .collect();
            Ok(Cells::Text(strings))
        } else {
            Err(InputError::ColumnType {
                file: file.to_path_buf(),
                column: name.to_string(),
                found: dtype.to_string(),
                expected: if numeric_only {
                    "a number (float or integer)"
                } else {
                    "a number or text timestamps"
                },
            })
        }
    };
    Ok(Table {
        time: cells(time_column, "time", false)?,
        values: value_columns
            .iter()
            .map(|c| cells(c, "value", true))
            .collect::<Result<_, _>>()?,
        places: (1..=frame.height()).map(Place::Row).collect(),
    })
}
