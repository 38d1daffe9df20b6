//! `dctwin simulate`, `dctwin report` and `dctwin compare`: a scenario run with a progress bar
//! (or quiet JSON), the EU report of a run, and two runs side by side.

use dctwin_kpi::{EuReport, KpiReport, ReportPeriod};
use dctwin_scenario::engine::write_atomic;
use dctwin_scenario::{Progress, RunOptions, RunSummary};
use indicatif::{ProgressBar, ProgressStyle};
use signal_hook::consts::{SIGINT, SIGTERM};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Seconds per day, for the progress bar.
const DAY_S: f64 = 86_400.0;

/// Run a scenario into `out` (default `runs/<scenario name>`).
pub fn simulate(
    scenario: &Path,
    out: Option<PathBuf>,
    data_dir: Option<PathBuf>,
    sets: Vec<String>,
    json: bool,
) -> ExitCode {
    let (stop, signal) = stop_on_signals();
    let out_dir = out.unwrap_or_else(|| {
        PathBuf::from("runs").join(dctwin_scenario::engine::scenario_name(scenario))
    });
    let data_dir = data_dir.or_else(|| std::env::var_os("DCTWIN_DATA").map(PathBuf::from));
    let options = RunOptions {
        data_dir,
        out_dir: out_dir.clone(),
        stop: stop.clone(),
        sets,
    };
    let bar = (!json).then(progress_bar);
    let mut told = false;
    let mut on_progress = |p: &Progress| {
        if !told && stop.load(Ordering::Relaxed) {
            told = true;
            let note = "stopping at the end of this reporting step (a second signal aborts)";
            match &bar {
                Some(bar) => bar.println(note),
                None => eprintln!("{note}"),
            }
        }
        if let Some(bar) = &bar {
            bar.set_length((p.total_s / DAY_S).ceil() as u64);
            bar.set_position((p.simulated_s / DAY_S) as u64);
            let speed = p.simulated_s / p.wall_s.max(1e-9);
            bar.set_message(format!("{speed:.0}× real time"));
        }
    };
    let result = dctwin_scenario::run(scenario, &options, &mut on_progress);
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    match result {
        Ok((summary, report)) => {
            if json {
                println!("{}", summary_json(&summary, &report));
            } else {
                print_summary(&summary, &report, &out_dir);
            }
            if summary.status == "stopped" {
                stopped_code(&signal)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(dctwin_scenario::ScenarioError::Stopped) => {
            eprintln!(
                "{}: stopped before the run started; nothing was written",
                scenario.display()
            );
            stopped_code(&signal)
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

/// The shell's convention for a process ended by a signal, 128 + its number: 130 for SIGINT,
/// 143 for SIGTERM, so scripts can tell a stopped run from a finished one.
fn stopped_code(signal: &AtomicUsize) -> ExitCode {
    let sig = match signal.load(Ordering::Relaxed) {
        0 => SIGINT as usize,
        s => s,
    };
    ExitCode::from(128 + sig as u8)
}

/// A flag that SIGINT and SIGTERM set (the run stops at the end of its step and keeps what it
/// computed), and which signal came. A second signal ends the process at once with 130 or 143;
/// the next run removes the temporary directory it leaves.
pub fn stop_on_signals() -> (Arc<AtomicBool>, Arc<AtomicUsize>) {
    let stop = Arc::new(AtomicBool::new(false));
    let which = Arc::new(AtomicUsize::new(0));
    for sig in [SIGINT, SIGTERM] {
        // Registered first, so it sees the flag as the previous signal left it.
        let _ = signal_hook::flag::register_conditional_shutdown(sig, 128 + sig, stop.clone());
        let _ = signal_hook::flag::register(sig, stop.clone());
        let _ = signal_hook::flag::register_usize(sig, which.clone(), sig as usize);
    }
    (stop, which)
}

fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::new(1);
    let style = ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {bar:40} day {pos}/{len} {msg}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}

fn summary_json(summary: &RunSummary, report: &KpiReport) -> String {
    let value = serde_json::json!({
        "run": summary,
        "kpis": serde_json::from_str::<serde_json::Value>(&report.to_json()).unwrap_or_default(),
    });
    serde_json::to_string_pretty(&value).unwrap_or_default()
}

fn print_summary(summary: &RunSummary, report: &KpiReport, out: &Path) {
    let speed = summary.simulated_s / summary.wall_s.max(1e-9);
    let memory = summary
        .peak_memory_mib
        .map_or(String::new(), |m| format!(", peak memory {m:.0} MiB"));
    let overrides = if summary.overrides.is_empty() {
        String::new()
    } else {
        format!(", {}", summary.overrides.join(", "))
    };
    println!(
        "{} (model {}{overrides}): {}",
        summary.name, summary.model, summary.status
    );
    println!(
        "{:.1} days simulated in {:.1} s ({speed:.0}× real time), {} states, {} integrator steps{memory}",
        summary.simulated_s / DAY_S,
        summary.wall_s,
        summary.states,
        summary.integrator_steps,
    );
    let b = &summary.energy_balance;
    println!(
        "energy balance: in {:.3} GJ, out {:.3} GJ, stored {:.3} GJ, residual {:.2e} relative",
        b.in_j / 1e9,
        b.out_j / 1e9,
        b.stored_j / 1e9,
        b.relative_residual
    );
    for fit in &summary.measured {
        println!(
            "measured: {} against {}: RMSE {:.3} {u}, largest {:.3} {u}, mean {:+.3} {u} \
             over {} reports",
            fit.variable,
            fit.measured,
            fit.rmse,
            fit.max_abs,
            fit.mean,
            fit.count,
            u = fit.unit
        );
    }
    println!("{report}");
    if summary.alarms > 0 {
        println!("{} alarm episodes, listed in alarms.json", summary.alarms);
    }
    println!(
        "written to {} ({} rows, series {:.1} MB)",
        out.display(),
        summary.rows,
        summary.series_bytes as f64 / 1e6
    );
}

/// How `dctwin report` prints the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// A rounded table.
    Table,
    /// CSV, the values as computed.
    Csv,
    /// JSON, the values as computed.
    Json,
}

/// Write the EU data-centre report of a run (JSON and CSV beside its KPIs) and print it.
pub fn report(dir: &Path, year: Option<i32>, format: ReportFormat) -> ExitCode {
    let (summary, kpis) = match dctwin_scenario::engine::read_run(dir) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let years = dctwin_kpi::eu_report::years(&kpis);
    if let Some(y) = year
        && !years.contains(&y)
    {
        let covered: Vec<String> = years.iter().map(i32::to_string).collect();
        eprintln!(
            "{}: --year {y}: the run has no month in {y} (it covers {}); nothing written",
            dir.display(),
            if covered.is_empty() {
                "no month".to_string()
            } else {
                covered.join(", ")
            }
        );
        return ExitCode::FAILURE;
    }
    let period = year.map_or(ReportPeriod::WholeRun, ReportPeriod::CalendarYear);
    let eu = EuReport::build(&kpis, &summary.site, period);
    let json = dir.join("eu_report.json");
    let csv = dir.join("eu_report.csv");
    let written = write_atomic(&json, &eu.to_json()).and_then(|_| write_atomic(&csv, &eu.to_csv()));
    if let Err(e) = written {
        eprintln!("{e}");
        return ExitCode::FAILURE;
    }
    match format {
        ReportFormat::Table => {
            print!("{}", eu.to_table());
            println!("written to {} and {}", json.display(), csv.display());
        }
        ReportFormat::Csv => print!("{}", eu.to_csv()),
        ReportFormat::Json => println!("{}", eu.to_json()),
    }
    ExitCode::SUCCESS
}

/// Print two runs' KPIs side by side.
pub fn compare(a: &Path, b: &Path) -> ExitCode {
    match (
        dctwin_scenario::engine::read_run(a),
        dctwin_scenario::engine::read_run(b),
    ) {
        (Ok((sa, ka)), Ok((sb, kb))) => {
            let name = |s: &RunSummary, d: &Path| {
                d.file_name()
                    .map_or(s.model.clone(), |n| n.to_string_lossy().into_owned())
            };
            print!(
                "{}",
                dctwin_kpi::compare(&ka, &kb, (&name(&sa, a), &name(&sb, b)))
            );
            ExitCode::SUCCESS
        }
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
