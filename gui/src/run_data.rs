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
use std::sync::atomic::{AtomicU64, Ordering};

/// Columns read together: bounds the f64 copy the reader makes before they are narrowed.
const COLUMNS_PER_READ: usize = 16;

/// Numbers each run read, so that columns read later for a run find it (and not a run opened
/// since in its place).
static GENERATION: AtomicU64 = AtomicU64::new(1);

/// Columns read from a series: names and values.
pub type Columns = Vec<(String, Vec<f32>)>;

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
    /// Days since the run's start of each row (the plots' time axis).
    pub days: Vec<f64>,
    /// This reading of the run, unique in the process.
    pub generation: u64,
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
        let stamps = dctwin_series::read_columns::<&str>(&series, &[])
            .map_err(|e| e.to_string())?
            .time_s;
        // A one-row run has no step between rows: its step is its span.
        let one_step_s = summary.simulated_s / (summary.rows.max(1) as f64);
        let time_s = since_start(&stamps, one_step_s);
        let columns = read(&series, &first)?;
        let mut run = RunData {
            dir: dir.to_path_buf(),
            summary,
            kpis,
            schematic,
            alarms,
            days: time_s.iter().map(|t| t / 86_400.0).collect(),
            time_s,
            generation: GENERATION.fetch_add(1, Ordering::Relaxed),
            series,
            names,
            columns: HashMap::new(),
        };
        run.insert(columns);
        Ok(run)
    }

    /// The columns of `wanted` that the series has and that are not read yet.
    pub fn missing(&self, wanted: &[String]) -> Vec<String> {
        (wanted.iter())
            .filter(|n| self.has(n) && !self.columns.contains_key(*n))
            .cloned()
            .collect()
    }

    /// Keeps columns read for this run ([`read`]).
    pub fn insert(&mut self, columns: Columns) {
        self.columns.extend(columns);
    }

    /// The series file.
    pub fn series(&self) -> &Path {
        &self.series
    }

    /// How the run is named in the app: its scenario, its overrides and any other value set
    /// over the scenario's (a weather file).
    pub fn label(&self) -> String {
        let s = &self.summary;
        let other_sets = (s.sets.iter()).filter(|set| !set.trim_start().starts_with("overrides."));
        let changes: Vec<&String> = s.overrides.iter().chain(other_sets).collect();
        if changes.is_empty() {
            s.name.clone()
        } else {
            let changes: Vec<&str> = changes.iter().map(|c| c.as_str()).collect();
            format!("{} ({})", s.name, changes.join(", "))
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

/// Reads columns `names` of the series at `series`, a few at a time, each narrowed to `f32` (the
/// precision the series is written in unless `precision = "exact"`).
pub fn read(series: &Path, names: &[String]) -> Result<Columns, String> {
    let mut out = Vec::with_capacity(names.len());
    for chunk in names.chunks(COLUMNS_PER_READ) {
        let table = dctwin_series::read_columns(series, chunk).map_err(|e| e.to_string())?;
        for (name, values) in table.names.into_iter().zip(table.columns) {
            out.push((name, values.iter().map(|&v| v as f32).collect()));
        }
    }
    Ok(out)
}

/// The quantities each rack has a column of.
pub const RACK_QUANTITIES: [&str; 3] = ["it_kw", "outlet_c", "chip_c"];

/// The rows' times since the run's start [s]: rows are stamped (UTC epoch seconds) at the end
/// of each reporting step, so the run starts one step before the first row (`one_step_s` when
/// there is no second row to tell the step).
fn since_start(stamps_s: &[f64], one_step_s: f64) -> Vec<f64> {
    let step_s = match stamps_s {
        [a, b, ..] => b - a,
        _ => one_step_s,
    };
    let start_s = stamps_s.first().copied().unwrap_or(0.0) - step_s;
    stamps_s.iter().map(|t| t - start_s).collect()
}
