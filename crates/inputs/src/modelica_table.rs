//! Modelica's text tables, the files `CombiTimeTable` reads (and the Modelica Buildings
//! validation data are in): after an optional `#1` line, each table is a header
//! `double NAME(ROWS, COLUMNS)` followed by its rows of numbers, separated by commas, spaces or
//! tabs. Comments start with `#` or `//`. There is no column header: as in Modelica, columns are
//! numbered from 1, and a trace names them `"1"`, `"2"`, …
//!
//! The cells are handed on as text, so the trace's own number parsing reports a bad cell with
//! its line, as for a CSV file.

use std::path::Path;

use crate::error::{InputError, Place};
use crate::table::{Cells, MAX_TEXT_BYTES, Table, read_text_bytes};

/// The header of one table: its name, declared size and the line after which its rows start.
struct Header {
    name: String,
    rows: usize,
    columns: usize,
    line: usize,
}

/// Read `time_column` and `value_columns` (column numbers from 1, as text) of table `wanted`
/// (by default the file's first) of Modelica text table `file`.
pub(crate) fn read_modelica(
    file: &Path,
    wanted: Option<&str>,
    time_column: &str,
    value_columns: &[&str],
) -> Result<Table, InputError> {
    let bytes = read_text_bytes(file, MAX_TEXT_BYTES, "a Modelica text table")?;
    // Checked to be UTF-8 by the read.
    let text = String::from_utf8_lossy(&bytes);
    let lines: Vec<&str> = text.lines().collect();
    let spec = |reason: String| InputError::Spec {
        file: file.to_path_buf(),
        reason,
    };
    let headers = headers(&lines);
    let header = match wanted {
        None => headers.first(),
        Some(name) => headers.iter().find(|h| h.name == name),
    };
    let Some(header) = header else {
        let found: Vec<&str> = headers.iter().map(|h| h.name.as_str()).collect();
        return Err(spec(match (wanted, found.is_empty()) {
            (_, true) => "no table: expected a line `double NAME(ROWS, COLUMNS)` followed by \
                          its rows (a Modelica text table, as CombiTimeTable reads)"
                .to_string(),
            (Some(name), false) => {
                format!("no table \"{name}\"; the file has {}", found.join(", "))
            }
            (None, false) => unreachable!("the first table exists"),
        }));
    };
    // A table cannot hold more rows than the file has lines, nor more columns than a line
    // has characters: a header saying so is refused before anything is reserved for it.
    let longest = lines.iter().map(|l| l.len()).max().unwrap_or(0);
    if header.rows > lines.len() || header.columns > longest.max(1) {
        return Err(spec(format!(
            "line {}: table \"{}\" declares {} rows of {} columns, more than the file holds",
            header.line, header.name, header.rows, header.columns
        )));
    }
    let index = |name: &str, role: &'static str| -> Result<usize, InputError> {
        match name.parse::<usize>() {
            Ok(i) if (1..=header.columns).contains(&i) => Ok(i - 1),
            _ => Err(InputError::MissingColumn {
                file: file.to_path_buf(),
                role,
                column: name.to_string(),
                found: (1..=header.columns.min(64))
                    .map(|i| i.to_string())
                    .collect(),
            }),
        }
    };
    let time = index(time_column, "time")?;
    let wanted: Vec<usize> = (value_columns.iter())
        .map(|c| index(c, "value"))
        .collect::<Result<_, _>>()?;
    let mut cells: Vec<Vec<Option<String>>> = vec![Vec::with_capacity(header.rows); header.columns];
    let mut places = Vec::with_capacity(header.rows);
    for (k, line) in lines.iter().enumerate().skip(header.line) {
        if places.len() == header.rows {
            break;
        }
        let content = strip_comment(line);
        if content.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = (content.split([',', ' ', '\t', ';']))
            .filter(|f| !f.is_empty())
            .collect();
        if fields.len() != header.columns {
            return Err(spec(format!(
                "line {}: {} numbers where table \"{}\" declares {} columns",
                k + 1,
                fields.len(),
                header.name,
                header.columns
            )));
        }
        for (column, field) in cells.iter_mut().zip(fields) {
            column.push(Some(field.to_string()));
        }
        places.push(Place::Line(k + 1));
    }
    if places.len() < header.rows {
        return Err(spec(format!(
            "table \"{}\" declares {} rows on line {} but the file holds {}",
            header.name,
            header.rows,
            header.line,
            places.len()
        )));
    }
    if places.is_empty() {
        return Err(InputError::Empty {
            file: file.to_path_buf(),
            header_only: true,
        });
    }
    Ok(Table {
        time: Cells::Text(cells[time].clone()),
        values: wanted
            .iter()
            .map(|&c| Cells::Text(cells[c].clone()))
            .collect(),
        places,
    })
}

/// The line without a `#` or `//` comment.
fn strip_comment(line: &str) -> &str {
    let cut = [line.find('#'), line.find("//")]
        .into_iter()
        .flatten()
        .min();
    cut.map_or(line, |i| &line[..i])
}

/// Every `double NAME(ROWS, COLUMNS)` (or `float`) header of the file.
fn headers(lines: &[&str]) -> Vec<Header> {
    lines
        .iter()
        .enumerate()
        .filter_map(|(k, line)| {
            let rest = strip_comment(line).trim();
            let rest = (rest.strip_prefix("double ")).or_else(|| rest.strip_prefix("float "))?;
            let (name, size) = rest.split_once('(')?;
            let (rows, columns) = size.trim_end().strip_suffix(')')?.split_once(',')?;
            Some(Header {
                name: name.trim().to_string(),
                rows: rows.trim().parse().ok()?,
                columns: columns.trim().parse().ok()?,
                line: k + 1,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> tempfile_path::TempFile {
        tempfile_path::TempFile::new(text)
    }

    /// A throwaway file for the tests, removed on drop.
    mod tempfile_path {
        pub struct TempFile(pub std::path::PathBuf);
        impl TempFile {
            pub fn new(text: &str) -> TempFile {
                use std::sync::atomic::{AtomicUsize, Ordering};
                static N: AtomicUsize = AtomicUsize::new(0);
                let path = std::env::temp_dir().join(format!(
                    "dctwin-mos-{}-{}.mos",
                    std::process::id(),
                    N.fetch_add(1, Ordering::Relaxed)
                ));
                std::fs::write(&path, text).unwrap();
                TempFile(path)
            }
        }
        impl Drop for TempFile {
            fn drop(&mut self) {
                let _ = std::fs::remove_file(&self.0);
            }
        }
    }

    #[test]
    fn reads_the_columns_asked_of_the_first_table() {
        let f = write(
            "#1\n// a comment\ndouble dat(3, 3)\n0, 1.5, 20\n3.1 1.6 21 # note\n\n6.2,\t1.7, 22\n",
        );
        let t = read_modelica(&f.0, None, "1", &["3", "2"]).unwrap();
        assert_eq!(
            t.time,
            Cells::Text(vec![
                Some("0".into()),
                Some("3.1".into()),
                Some("6.2".into())
            ])
        );
        assert_eq!(
            t.values[0],
            Cells::Text(vec![
                Some("20".into()),
                Some("21".into()),
                Some("22".into())
            ])
        );
        assert_eq!(
            t.places,
            vec![Place::Line(4), Place::Line(5), Place::Line(7)]
        );
    }

    #[test]
    fn picks_a_table_by_name_and_names_what_is_wrong() {
        let f = write("double a(1, 2)\n0 1\ndouble b(2, 2)\n0 5\n1 6\n");
        let t = read_modelica(&f.0, Some("b"), "1", &["2"]).unwrap();
        assert_eq!(t.places, vec![Place::Line(4), Place::Line(5)]);
        let e = read_modelica(&f.0, Some("c"), "1", &["2"]).unwrap_err();
        assert!(
            e.to_string().contains("no table \"c\"; the file has a, b"),
            "{e}"
        );
        let e = read_modelica(&f.0, None, "1", &["3"]).unwrap_err();
        assert!(e.to_string().contains("'3'"), "{e}");
        let short = write("double a(3, 2)\n0 1\n1 2\n");
        let e = read_modelica(&short.0, None, "1", &["2"]).unwrap_err();
        assert!(e.to_string().contains("declares 3 rows"), "{e}");
        let huge = write("double a(1000000000000000, 2)\n0 1\n");
        let e = read_modelica(&huge.0, None, "1", &["2"]).unwrap_err();
        assert!(e.to_string().contains("more than the file holds"), "{e}");
        let same = read_modelica(&f.0, Some("b"), "1", &["1"]).unwrap();
        assert_eq!(same.time, same.values[0]);
        let ragged = write("double a(2, 2)\n0 1\n1 2 3\n");
        let e = read_modelica(&ragged.0, None, "1", &["2"]).unwrap_err();
        assert!(e.to_string().contains("line 3: 3 numbers"), "{e}");
        let none = write("0 1\n");
        let e = read_modelica(&none.0, None, "1", &["2"]).unwrap_err();
        assert!(e.to_string().contains("no table"), "{e}");
    }
}
