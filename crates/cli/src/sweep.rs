//! `dctwin sweep FILE`: a sweep's points run in parallel with a progress bar counting points,
//! then its table; `dctwin sweep collect DIR`: the table of a sweep directory (after a Slurm
//! job array's tasks, or to look at a sweep in progress).

use dctwin_sweep::run::{SweepRecord, prepare};
use dctwin_sweep::{Outcome, SweepError, SweepOptions, collect, run_points};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::Ordering;

/// What `dctwin sweep FILE` was given.
pub struct SweepRequest {
    /// The sweep file.
    pub file: PathBuf,
    /// The sweep directory [runs/<file name>].
    pub out: Option<PathBuf>,
    /// Threads (0: one per core).
    pub threads: usize,
    /// The data directory.
    pub data_dir: Option<PathBuf>,
    /// Only these points (`A..B`), as a Slurm task runs its batch: no table at the end.
    pub points: Option<std::ops::Range<usize>>,
}

/// The sweep directory of sweep file `file` unless one is given: `runs/<its name>`.
pub fn default_out(file: &Path) -> PathBuf {
    let name = file
        .file_stem()
        .map_or("sweep".into(), |s| s.to_string_lossy());
    PathBuf::from("runs").join(name.as_ref())
}

/// Run a sweep.
pub fn sweep(request: SweepRequest) -> ExitCode {
    let (stop, signal) = crate::run::stop_on_signals();
    let out_dir = request
        .out
        .clone()
        .unwrap_or_else(|| default_out(&request.file));
    let record = match prepare(&request.file, &out_dir) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("dctwin sweep: {e}");
            return ExitCode::from(2);
        }
    };
    let data_dir =
        (request.data_dir.clone()).or_else(|| std::env::var_os("DCTWIN_DATA").map(PathBuf::from));
    let options = SweepOptions {
        out_dir: out_dir.clone(),
        threads: request.threads,
        data_dir,
        only: request.points.clone(),
        stop: stop.clone(),
    };
    let total = (record.points.iter())
        .filter(|p| request.points.as_ref().is_none_or(|r| r.contains(&p.index)))
        .count();
    let bar = points_bar(total as u64);
    let done = |o: &Outcome| {
        bar.inc(1);
        if o.status == "failed" {
            bar.println(format!(
                "point {} failed: {}",
                o.index,
                o.error.as_deref().unwrap_or("")
            ));
        }
    };
    let outcomes = run_points(&record, &options, &done);
    bar.finish_and_clear();
    let outcomes = match outcomes {
        Ok(o) => o,
        Err(e) => {
            eprintln!("dctwin sweep: {e}");
            return ExitCode::FAILURE;
        }
    };
    report(&record, &outcomes);
    if request.points.is_none()
        && let Err(e) = write_table(&out_dir)
    {
        eprintln!("dctwin sweep: {e}");
        return ExitCode::FAILURE;
    }
    if stop.load(Ordering::Relaxed) {
        let sig = signal.load(Ordering::Relaxed);
        eprintln!("stopped: run the same command again to resume");
        return ExitCode::from((128 + sig.clamp(1, 127)) as u8);
    }
    ExitCode::SUCCESS
}

/// Merge the table of the sweep directory `dir`.
pub fn collect_table(dir: &Path) -> ExitCode {
    match write_table(dir) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("dctwin sweep collect: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Write `sweep.csv` and `sweep.parquet` into `dir` and say what they hold.
fn write_table(dir: &Path) -> Result<(), SweepError> {
    let table = collect(dir)?;
    table.write_csv(&dir.join("sweep.csv"))?;
    table.write_parquet(&dir.join("sweep.parquet"))?;
    let count = |status: &str| match table.column("status").map(|c| &c.cells) {
        Some(dctwin_sweep::table::Cells::Text(v)) => {
            v.iter().filter(|s| s.as_deref() == Some(status)).count()
        }
        _ => 0,
    };
    println!(
        "{} points: {} completed, {} failed, {} not run; table in {} (and .parquet)",
        table.rows(),
        count("completed"),
        count("failed"),
        table.rows() - count("completed") - count("failed"),
        dir.join("sweep.csv").display()
    );
    Ok(())
}

/// List the failed points with their parameters and errors.
fn report(record: &SweepRecord, outcomes: &[Outcome]) {
    let resumed = outcomes.iter().filter(|o| o.resumed).count();
    if resumed > 0 {
        println!("{resumed} points had completed before and were not run again");
    }
    for o in outcomes.iter().filter(|o| o.status == "failed") {
        let sets = record.points[o.index].sets().join(", ");
        println!(
            "point {} ({sets}) failed: {}",
            o.index,
            o.error.as_deref().unwrap_or("")
        );
    }
}

fn points_bar(total: u64) -> ProgressBar {
    let bar = ProgressBar::new(total);
    let style =
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:40} point {pos}/{len}")
            .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}

/// `A..B`: the points of a batch.
pub fn parse_range(text: &str) -> Result<std::ops::Range<usize>, String> {
    let bad = || format!("'{text}': expected a range of points such as 0..4");
    let (a, b) = text.split_once("..").ok_or_else(bad)?;
    let (a, b): (usize, usize) = (a.parse().map_err(|_| bad())?, b.parse().map_err(|_| bad())?);
    if a >= b {
        return Err(bad());
    }
    Ok(a..b)
}
