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
    /// Submit the points as a Slurm job array instead of running them here.
    pub slurm: Option<SlurmRequest>,
}

/// How `--slurm` submits a sweep.
pub struct SlurmRequest {
    /// The partition (`--partition`); the cluster's default if none.
    pub partition: Option<String>,
    /// Each task's time limit (`--time`, Slurm's format: `HH:MM:SS`, `D-HH:MM`).
    pub time: Option<String>,
    /// Points per array task.
    pub batch: usize,
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
    if let Some(slurm) = &request.slurm {
        return match submit(&request, slurm, &record, &out_dir, data_dir.as_deref()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("dctwin sweep --slurm: {e}");
                ExitCode::FAILURE
            }
        };
    }
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

/// Write the sweep's job array script into `out_dir/slurm/` and submit it with `sbatch`, then
/// a job that merges the table once every task has ended (`--dependency=afterany`).
fn submit(
    request: &SweepRequest,
    slurm: &SlurmRequest,
    record: &SweepRecord,
    out_dir: &Path,
    data_dir: Option<&Path>,
) -> Result<(), String> {
    let absolute = |p: &Path| std::path::absolute(p).map_err(|e| format!("{}: {e}", p.display()));
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    let (file, out) = (absolute(&request.file)?, absolute(out_dir)?);
    let n = record.points.len();
    let batch = slurm.batch.max(1);
    let tasks = n.div_ceil(batch);
    let dir = out.join("slurm");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut header = vec![
        "#SBATCH --job-name=dctwin-sweep".to_string(),
        format!("#SBATCH --array=0-{}", tasks - 1),
        format!("#SBATCH --output={}/task-%A_%a.out", dir.display()),
        "#SBATCH --ntasks=1".to_string(),
        "#SBATCH --cpus-per-task=1".to_string(),
    ];
    let mut options = Vec::new();
    if let Some(p) = &slurm.partition {
        options.push(format!("--partition={p}"));
    }
    if let Some(t) = &slurm.time {
        options.push(format!("--time={t}"));
    }
    header.extend(options.iter().map(|o| format!("#SBATCH {o}")));
    let data = match data_dir {
        Some(d) => format!(" --data-dir {}", quote(&absolute(d)?)),
        None => String::new(),
    };
    let script = format!(
        "#!/bin/bash\n# Written by dctwin sweep --slurm: task k runs points k·{batch} .. \
         k·{batch}+{batch} of the sweep.\n{}\nfirst=$(( SLURM_ARRAY_TASK_ID * {batch} ))\n\
         last=$(( first + {batch} < {n} ? first + {batch} : {n} ))\n\
         exec {} sweep {} --out {} --points \"$first..$last\" --threads 1{data}\n",
        header.join("\n"),
        quote(&exe),
        quote(&file),
        quote(&out)
    );
    let path = dir.join("sweep.sbatch");
    std::fs::write(&path, script).map_err(|e| format!("{}: {e}", path.display()))?;
    let array = sbatch(&[&path.to_string_lossy()], &options)?;
    let collect = format!("{} sweep collect {}", quote(&exe), quote(&out));
    let merge = sbatch(
        &[
            &format!("--dependency=afterany:{array}"),
            "--job-name=dctwin-sweep-collect",
            &format!("--output={}/collect-%j.out", dir.display()),
            "--wrap",
            &collect,
        ],
        &options,
    )?;
    println!(
        "submitted job array {array} ({tasks} tasks of up to {batch} points, {n} points) and \
         job {merge}, which merges the table into {} once they have ended; `squeue` shows \
         them, `dctwin sweep collect {}` merges what has finished so far",
        out.join("sweep.csv").display(),
        out.display()
    );
    Ok(())
}

/// Run `sbatch --parsable ARGS OPTIONS` and return the job id it prints.
fn sbatch(args: &[&str], options: &[String]) -> Result<String, String> {
    let output = std::process::Command::new("sbatch")
        .arg("--parsable")
        .args(options)
        .args(args)
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                "sbatch is not on the PATH: --slurm submits to a Slurm cluster through its \
                 client commands"
                    .to_string()
            }
            _ => format!("cannot run sbatch: {e}"),
        })?;
    if !output.status.success() {
        return Err(format!(
            "sbatch refused the job: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let id = String::from_utf8_lossy(&output.stdout);
    Ok(id.trim().split(';').next().unwrap_or_default().to_string())
}

/// `path` quoted for bash.
fn quote(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', "'\\''"))
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
