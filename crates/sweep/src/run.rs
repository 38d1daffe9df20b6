//! Running a sweep's points: each in its own directory of the sweep directory,
//!
//! ```text
//! OUT/sweep.json                 the sweep: its file, base scenario and points
//! OUT/points/0007/point.json     the point's parameters
//! OUT/points/0007/run/           its run directory (series, KPIs, summary)
//! OUT/points/0007/outcome.json   completed, or failed with the error
//! ```
//!
//! on a pool of rayon threads, one scenario a thread. A point whose outcome says completed is
//! not run again, so an interrupted sweep resumes where it stopped; a point that fails is
//! recorded and the others go on.

use crate::error::SweepError;
use crate::points::{Point, points};
use crate::spec::SweepFile;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// How a sweep runs.
#[derive(Debug, Clone)]
pub struct SweepOptions {
    /// The sweep directory.
    pub out_dir: PathBuf,
    /// Threads, one point each (0: one per core).
    pub threads: usize,
    /// Where traces and weather are looked for after the base scenario's directory.
    pub data_dir: Option<PathBuf>,
    /// Only these points (a Slurm task's batch), by index; `None`: all.
    pub only: Option<std::ops::Range<usize>>,
    /// Set from outside to stop: running points stop at their next report, the rest are left.
    pub stop: Arc<AtomicBool>,
}

/// How a point ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// The point's index.
    pub index: usize,
    /// `completed` or `failed`.
    pub status: String,
    /// Why it failed.
    #[serde(default)]
    pub error: Option<String>,
    /// Whether it had completed before this run (resumed past).
    #[serde(skip)]
    pub resumed: bool,
}

/// What `sweep.json` holds: enough for `collect` to rebuild the table from the directories.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepRecord {
    /// The sweep file, as given.
    pub file: PathBuf,
    /// The base scenario.
    pub scenario: PathBuf,
    /// The parameters' keys, in order.
    pub keys: Vec<String>,
    /// The points.
    pub points: Vec<Point>,
}

/// The directory of point `index`.
pub fn point_dir(out_dir: &Path, index: usize) -> PathBuf {
    out_dir.join("points").join(format!("{index:04}"))
}

/// Read the sweep file `file`, lay out its directory (or check that the one there is of the
/// same sweep, to resume it) and return its record.
pub fn prepare(file: &Path, out_dir: &Path) -> Result<SweepRecord, SweepError> {
    let spec = SweepFile::load(file)?;
    // Absolute, so that the same sweep named from another directory (a Slurm task's) is
    // recognised as the same.
    let absolute = |p: PathBuf| std::path::absolute(&p).unwrap_or(p);
    let scenario = absolute(spec.scenario_path(file));
    let file = &absolute(file.to_path_buf());
    dctwin_scenario::Scenario::load(&scenario).map_err(|e| SweepError::Scenario(e.to_string()))?;
    let record = SweepRecord {
        file: file.to_path_buf(),
        scenario,
        keys: spec.parameters.iter().map(|p| p.key.clone()).collect(),
        points: points(&spec),
    };
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| SweepError::Io { path, source }
    };
    let record_path = out_dir.join("sweep.json");
    if record_path.is_file() {
        let text = std::fs::read_to_string(&record_path).map_err(io(&record_path))?;
        let before: Option<SweepRecord> = serde_json::from_str(&text).ok();
        if before.is_none_or(|b| b.points != record.points || b.scenario != record.scenario) {
            return Err(SweepError::Directory {
                dir: out_dir.to_path_buf(),
                reason: "holds another sweep (other points or another base scenario): give \
                         this one a directory of its own (--out)"
                    .into(),
            });
        }
    } else {
        if out_dir.is_dir()
            && std::fs::read_dir(out_dir)
                .map_err(io(out_dir))?
                .next()
                .is_some()
        {
            return Err(SweepError::Directory {
                dir: out_dir.to_path_buf(),
                reason: "is a folder of other files, not a sweep directory: give the sweep an \
                         empty or new directory (--out)"
                    .into(),
            });
        }
        std::fs::create_dir_all(out_dir).map_err(io(out_dir))?;
        write_json(&record_path, &record)?;
    }
    Ok(record)
}

/// Run the points of the sweep in `options.out_dir` (laid out by [`prepare`]), calling
/// `done` as each ends; returns every point's outcome, in index order.
pub fn run_points(
    record: &SweepRecord,
    options: &SweepOptions,
    done: &(dyn Fn(&Outcome) + Sync),
) -> Result<Vec<Outcome>, SweepError> {
    let selected: Vec<&Point> = (record.points.iter())
        .filter(|p| options.only.as_ref().is_none_or(|r| r.contains(&p.index)))
        .collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads)
        .build()
        .map_err(|e| SweepError::Scenario(format!("cannot start the threads: {e}")))?;
    // Each thread takes the next point until none is left (a long point does not hold up
    // the others). One broadcast job a thread, not one job a point: a run waits on polars'
    // own pool, and a rayon worker that waits on another pool runs its own pool's pending
    // jobs meanwhile, so points would nest inside each other.
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Result<Outcome, SweepError>>> = Mutex::new(Vec::new());
    pool.broadcast(|_| {
        loop {
            let k = next.fetch_add(1, Ordering::Relaxed);
            let Some(point) = selected.get(k) else { break };
            let result = run_point(record, point, options);
            if let Ok(outcome) = &result {
                done(outcome);
            }
            results
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(result);
        }
    });
    let mut outcomes = (results.into_inner().unwrap_or_else(|e| e.into_inner()))
        .into_iter()
        .collect::<Result<Vec<Outcome>, SweepError>>()?;
    outcomes.sort_by_key(|o| o.index);
    Ok(outcomes)
}

/// Run one point, unless it completed before.
fn run_point(
    record: &SweepRecord,
    point: &Point,
    options: &SweepOptions,
) -> Result<Outcome, SweepError> {
    let dir = point_dir(&options.out_dir, point.index);
    if let Some(before) = read_outcome(&dir)
        && before.status == "completed"
    {
        return Ok(Outcome {
            resumed: true,
            ..before
        });
    }
    std::fs::create_dir_all(&dir).map_err(|source| SweepError::Io {
        path: dir.clone(),
        source,
    })?;
    write_json(&dir.join("point.json"), point)?;
    let outcome = if options.stop.load(Ordering::Relaxed) {
        Outcome {
            index: point.index,
            status: "not run".into(),
            error: Some("the sweep was stopped".into()),
            resumed: false,
        }
    } else {
        let run = dctwin_scenario::RunOptions {
            data_dir: options.data_dir.clone(),
            out_dir: dir.join("run"),
            stop: options.stop.clone(),
            sets: point.sets(),
        };
        let result = dctwin_scenario::run(
            &record.scenario,
            &run,
            &mut |_: &dctwin_scenario::Progress| {},
        );
        match result {
            Ok((summary, _)) if summary.status == "completed" => Outcome {
                index: point.index,
                status: "completed".into(),
                error: None,
                resumed: false,
            },
            // Stopped from outside: run again on resume.
            Ok((summary, _)) => Outcome {
                index: point.index,
                status: "not run".into(),
                error: Some(format!("the run was {}", summary.status)),
                resumed: false,
            },
            Err(e) => Outcome {
                index: point.index,
                status: "failed".into(),
                error: Some(e.to_string()),
                resumed: false,
            },
        }
    };
    write_json(&dir.join("outcome.json"), &outcome)?;
    Ok(outcome)
}

/// The outcome recorded in point directory `dir`, if any.
pub fn read_outcome(dir: &Path) -> Option<Outcome> {
    let text = std::fs::read_to_string(dir.join("outcome.json")).ok()?;
    serde_json::from_str(&text).ok()
}

/// Write `value` as JSON to `path` through a temporary file, so a reader never sees half.
pub(crate) fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), SweepError> {
    let io = |source| SweepError::Io {
        path: path.to_path_buf(),
        source,
    };
    let text = serde_json::to_string_pretty(value).map_err(|e| SweepError::Table {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    let partial = path.with_extension("json.partial");
    std::fs::write(&partial, text).map_err(io)?;
    std::fs::rename(&partial, path).map_err(io)
}
