//! A finished run, opened from its directory without simulating anything: its summary
//! (`run.json`), its KPIs (`kpis.json`), its schematic (`schematic.json`) and its series.
//!
//! The series' columns are held as f32 (the precision they are written in by default). Every
//! column but the racks' own is read when the run opens; a rack column is read when it is asked
//! for (colouring the racks by chip temperature, plotting a rack), so a year of `jupiter`
//! opens with 150 columns, not 600.

use dctwin_kpi::KpiReport;
use dctwin_scenario::alarms::AlarmFile;
use dctwin_scenario::{RunSummary, Schematic};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Columns read together: bounds the f64 copy the reader makes before they are narrowed.
const COLUMNS_PER_READ: usize = 16;

/// A run as read from its directory.
#[derive(Debug, Clone)]
pub struct RunData {
    /// The run directory.
    pub dir: PathBuf,
    /// `run.json`.
    pub summary: RunSummary,
    /// `kpis.json`.
    pub kpis: KpiReport,
    /// `schematic.json` (`None` for a run written before runs kept one).
    pub schematic: Option<Schematic>,
    /// `alarms.json` (none for a run written before runs kept them).
    pub alarms: AlarmFile,
    /// Seconds since the run's start of each row.
    pub time_s: Vec<f64>,
    /// The series file.
    series: PathBuf,
    /// Every column the series has, in its order.
    names: Vec<String>,
    /// The columns read so far, by name.
    columns: HashMap<String, Vec<f32>>,
}

impl RunData {
    /// Opens the run in `dir`; the error names the file that is missing or bad.
    pub fn open(dir: &Path) -> Result<RunData, String> {
        let (summary, kpis) = dctwin_scenario::engine::read_run(dir)?;
        let schematic = dctwin_scenario::engine::read_schematic(dir)?;
        let alarms = dctwin_scenario::engine::read_alarms(dir)?;
        let series = dir.join(
            summary
                .series
                .file_name()
                .map_or_else(|| "series.parquet".into(), PathBuf::from),
        );
        let names = dctwin_series::read_names(&series).map_err(|e| e.to_string())?;
        let racks: HashSet<String> = (schematic.iter())
            .flat_map(|s| s.racks())
            .flat_map(|r| RACK_QUANTITIES.map(|q| r.column(q)))
            .collect();
        let first: Vec<String> = (names.iter())
            .filter(|n| !racks.contains(*n))
            .cloned()
            .collect();
        let mut run = RunData {
            dir: dir.to_path_buf(),
            summary,
            kpis,
            schematic,
            alarms,
            time_s: Vec::new(),
            series,
            names,
            columns: HashMap::new(),
        };
        run.load(&first)?;
        if run.time_s.is_empty() {
            let table =
                dctwin_series::read_columns::<&str>(&run.series, &[]).map_err(|e| e.to_string())?;
            run.time_s = since_start(&table.time_s);
        }
        Ok(run)
    }

    /// Reads the columns of `wanted` that the series has and that are not read yet.
    pub fn load(&mut self, wanted: &[String]) -> Result<(), String> {
        let missing: Vec<&String> = (wanted.iter())
            .filter(|n| self.has(n) && !self.columns.contains_key(*n))
            .collect();
        for chunk in missing.chunks(COLUMNS_PER_READ) {
            let table =
                dctwin_series::read_columns(&self.series, chunk).map_err(|e| e.to_string())?;
            if self.time_s.is_empty() {
                self.time_s = since_start(&table.time_s);
            }
            for (name, values) in table.names.into_iter().zip(table.columns) {
                // f32 is the precision the series is written in unless `precision = "exact"`.
                let narrow = values.iter().map(|&v| v as f32).collect();
                self.columns.insert(name, narrow);
            }
        }
        Ok(())
    }

    /// How the run is named in the app: its scenario and overrides.
    pub fn label(&self) -> String {
        let s = &self.summary;
        if s.overrides.is_empty() {
            s.name.clone()
        } else {
            format!("{} ({})", s.name, s.overrides.join(", "))
        }
    }

    /// Whether the series has column `name`.
    pub fn has(&self, name: &str) -> bool {
        self.names.iter().any(|n| n == name)
    }

    /// Every column of the series, in its order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The values of column `name`, if it was read.
    pub fn column(&self, name: &str) -> Option<&[f32]> {
        self.columns.get(name).map(Vec::as_slice)
    }

    /// The value of column `name` at `row`, if it was read.
    pub fn value(&self, name: &str, row: usize) -> Option<f64> {
        self.columns.get(name)?.get(row).map(|&v| f64::from(v))
    }

    /// The row at or just before `time_s` (the state the cursor shows); before the first row
    /// (the run's start), the first.
    pub fn row_at(&self, time_s: f64) -> Option<usize> {
        let after = self.time_s.partition_point(|t| *t <= time_s);
        (!self.time_s.is_empty()).then(|| after.saturating_sub(1))
    }
}

/// The quantities each rack has a column of.
pub const RACK_QUANTITIES: [&str; 3] = ["it_kw", "outlet_c", "chip_c"];

/// The rows' times since the run's start [s]: rows are stamped (UTC epoch seconds) at the end
/// of each reporting step, so the run starts one step before the first row.
fn since_start(stamps_s: &[f64]) -> Vec<f64> {
    let step_s = match stamps_s {
        [a, b, ..] => b - a,
        _ => 0.0,
    };
    let start_s = stamps_s.first().copied().unwrap_or(0.0) - step_s;
    stamps_s.iter().map(|t| t - start_s).collect()
}
