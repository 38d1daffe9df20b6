//! The sweep table: one row a point, its parameters, its status (and error), its whole-run
//! KPIs and its run's energy balance, rebuilt from the sweep directory alone, so a resumed
//! sweep and the tasks of a Slurm job array end in the same table. Written as CSV (numbers
//! in Rust's shortest round-trip form, so two tables of the same runs are equal to the last
//! digit) and Parquet. The wall time is left out: it is not a result.

use crate::error::SweepError;
use crate::run::{SweepRecord, point_dir, read_outcome};
use polars_core::prelude::*;
use polars_io::prelude::*;
use std::path::Path;

/// A column's cells.
#[derive(Debug, Clone, PartialEq)]
pub enum Cells {
    /// Numbers; `None` where there is none (a failed point, a KPI without IT energy).
    Numbers(Vec<Option<f64>>),
    /// Text.
    Text(Vec<Option<String>>),
}

/// A named column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Its name: a parameter's key, `point`, `status`, `error`, or a KPI's.
    pub name: String,
    /// Its cells, one a point.
    pub cells: Cells,
}

/// The sweep table.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepTable {
    /// Its columns.
    pub columns: Vec<Column>,
}

/// Build the table of the sweep in `dir` from its record and its points' directories.
pub fn collect(dir: &Path) -> Result<SweepTable, SweepError> {
    let record_path = dir.join("sweep.json");
    let text = std::fs::read_to_string(&record_path).map_err(|source| SweepError::Io {
        path: record_path.clone(),
        source,
    })?;
    let record: SweepRecord = serde_json::from_str(&text).map_err(|e| SweepError::Directory {
        dir: dir.to_path_buf(),
        reason: format!("sweep.json is not a sweep's record: {e}"),
    })?;
    let n = record.points.len();
    let mut columns = vec![Column {
        name: "point".into(),
        cells: Cells::Numbers(record.points.iter().map(|p| Some(p.index as f64)).collect()),
    }];
    for (k, key) in record.keys.iter().enumerate() {
        let values: Vec<&toml::Value> = record.points.iter().map(|p| &p.values[k].1).collect();
        let numbers: Option<Vec<Option<f64>>> = (values.iter())
            .map(|v| match v {
                toml::Value::Integer(i) => Some(Some(*i as f64)),
                toml::Value::Float(x) => Some(Some(*x)),
                _ => None,
            })
            .collect();
        let cells = match numbers {
            Some(numbers) => Cells::Numbers(numbers),
            None => Cells::Text(values.iter().map(|v| Some(text_of(v))).collect()),
        };
        columns.push(Column {
            name: key.clone(),
            cells,
        });
    }
    let mut status = Vec::with_capacity(n);
    let mut errors = Vec::with_capacity(n);
    let mut kpis: Vec<Option<serde_json::Map<String, serde_json::Value>>> = Vec::with_capacity(n);
    for p in &record.points {
        let point = point_dir(dir, p.index);
        let outcome = read_outcome(&point);
        status.push(Some(
            outcome
                .as_ref()
                .map_or("not run".into(), |o| o.status.clone()),
        ));
        errors.push(outcome.and_then(|o| o.error));
        kpis.push(run_figures(&point.join("run")));
    }
    columns.push(Column {
        name: "status".into(),
        cells: Cells::Text(status),
    });
    columns.push(Column {
        name: "error".into(),
        cells: Cells::Text(errors),
    });
    let names: Vec<String> = (kpis.iter().flatten().next())
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    for name in names {
        let cells = (kpis.iter())
            .map(|m| {
                m.as_ref()
                    .and_then(|m| m.get(&name))
                    .and_then(|v| v.as_f64())
            })
            .collect();
        columns.push(Column {
            name,
            cells: Cells::Numbers(cells),
        });
    }
    Ok(SweepTable { columns })
}

/// A TOML value as a cell's text: a string without its quotes.
fn text_of(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A completed run's whole-run KPIs (numbers and nulls) and its energy balance residual, by
/// name; `None` without a complete run.
fn run_figures(run: &Path) -> Option<serde_json::Map<String, serde_json::Value>> {
    let kpis: dctwin_kpi::KpiReport =
        serde_json::from_str(&std::fs::read_to_string(run.join("kpis.json")).ok()?).ok()?;
    let summary: dctwin_scenario::RunSummary =
        serde_json::from_str(&std::fs::read_to_string(run.join("run.json")).ok()?).ok()?;
    // A stopped or failed run keeps what it computed; its KPIs are not the point's.
    if summary.status != "completed" {
        return None;
    }
    let serde_json::Value::Object(mut figures) = serde_json::to_value(&kpis.whole).ok()? else {
        return None;
    };
    figures.retain(|_, v| v.is_number() || v.is_null());
    figures.insert(
        "energy_residual".into(),
        serde_json::json!(summary.energy_balance.relative_residual),
    );
    Some(figures)
}

impl SweepTable {
    /// The number of rows.
    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, |c| match &c.cells {
            Cells::Numbers(v) => v.len(),
            Cells::Text(v) => v.len(),
        })
    }

    /// The column called `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Write the table as CSV (empty cells where there is no value) to `path`.
    pub fn write_csv(&self, path: &Path) -> Result<(), SweepError> {
        let fail = |e: &dyn std::fmt::Display| SweepError::Table {
            path: path.to_path_buf(),
            reason: e.to_string(),
        };
        let partial = path.with_extension("csv.partial");
        let mut w = csv::Writer::from_path(&partial).map_err(|e| fail(&e))?;
        w.write_record(self.columns.iter().map(|c| c.name.as_str()))
            .map_err(|e| fail(&e))?;
        for r in 0..self.rows() {
            let row = self.columns.iter().map(|c| match &c.cells {
                Cells::Numbers(v) => v[r].map_or(String::new(), |x| x.to_string()),
                Cells::Text(v) => v[r].clone().unwrap_or_default(),
            });
            w.write_record(row).map_err(|e| fail(&e))?;
        }
        w.flush().map_err(|e| fail(&e))?;
        drop(w);
        std::fs::rename(&partial, path).map_err(|e| fail(&e))
    }

    /// Write the table as Parquet (nulls where there is no value) to `path`.
    pub fn write_parquet(&self, path: &Path) -> Result<(), SweepError> {
        let fail = |e: &dyn std::fmt::Display| SweepError::Table {
            path: path.to_path_buf(),
            reason: e.to_string(),
        };
        let series: Vec<Column> = self.columns.clone();
        let columns: Vec<polars_core::prelude::Column> = (series.iter())
            .map(|c| {
                let name = PlSmallStr::from(c.name.as_str());
                match &c.cells {
                    Cells::Numbers(v) => Series::new(name, v.as_slice()).into(),
                    Cells::Text(v) => Series::new(name, v.as_slice()).into(),
                }
            })
            .collect();
        let mut frame = DataFrame::new_infer_height(columns).map_err(|e| fail(&e))?;
        let partial = path.with_extension("parquet.partial");
        let file = std::fs::File::create(&partial).map_err(|e| fail(&e))?;
        ParquetWriter::new(file)
            .finish(&mut frame)
            .map_err(|e| fail(&e))?;
        std::fs::rename(&partial, path).map_err(|e| fail(&e))
    }
}
