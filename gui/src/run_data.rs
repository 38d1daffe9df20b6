//! A finished run, opened from its directory without simulating anything: its summary
//! (`run.json`), its KPIs (`kpis.json`) and a few columns of its series, read column by column so
//! that a year of 126 columns does not have to be held.

use dctwin_kpi::KpiReport;
use dctwin_scenario::RunSummary;
use std::path::{Path, PathBuf};

/// The series columns opened with a run, the first that the run has being plotted first.
pub const PLOTTED: &[&str] = &[
    "max_rack_supply_c",
    "it_power_kw",
    "reused_kw",
    "rejected_kw",
    "outdoor_c",
    "peak_chip_c",
];

/// A run as read from its directory.
#[derive(Debug, Clone)]
pub struct RunData {
    /// The run directory.
    pub dir: PathBuf,
    /// `run.json`.
    pub summary: RunSummary,
    /// `kpis.json`.
    pub kpis: KpiReport,
    /// Seconds since the run's start of each row.
    pub time_s: Vec<f64>,
    /// The columns read: name (with its unit) and values.
    pub columns: Vec<(String, Vec<f64>)>,
}

impl RunData {
    /// Opens the run in `dir`; the error names the file that is missing or bad.
    pub fn open(dir: &Path) -> Result<RunData, String> {
        let (summary, kpis) = dctwin_scenario::engine::read_run(dir)?;
        let series = dir.join(
            summary
                .series
                .file_name()
                .map_or_else(|| "series.parquet".into(), PathBuf::from),
        );
        let have = dctwin_series::read_names(&series).map_err(|e| e.to_string())?;
        let wanted: Vec<&str> = (PLOTTED.iter().copied())
            .filter(|name| have.iter().any(|h| h == name))
            .collect();
        let table = dctwin_series::read_columns(&series, &wanted).map_err(|e| e.to_string())?;
        let start_s = table.time_s.first().copied().unwrap_or(0.0) - summary_step_s(&table.time_s);
        let time_s = table.time_s.iter().map(|t| t - start_s).collect();
        let columns = (table.names.iter().cloned()).zip(table.columns).collect();
        Ok(RunData {
            dir: dir.to_path_buf(),
            summary,
            kpis,
            time_s,
            columns,
        })
    }

    /// The values of column `name`, if it was read.
    pub fn column(&self, name: &str) -> Option<&[f64]> {
        (self.columns.iter())
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    }

    /// The row at or just before `time_s` (the state the cursor shows).
    pub fn row_at(&self, time_s: f64) -> Option<usize> {
        let after = self.time_s.partition_point(|t| *t <= time_s);
        after.checked_sub(1)
    }
}

/// The reporting step of a series: its rows are stamped at the end of each step, so the run
/// starts one step before the first row.
fn summary_step_s(time_s: &[f64]) -> f64 {
    match time_s {
        [a, b, ..] => b - a,
        _ => 0.0,
    }
}
