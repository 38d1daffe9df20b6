//! A scenario running on a worker thread. The run publishes an immutable snapshot into a
//! "latest" slot at most [`SNAPSHOTS_PER_S`] times a second; the app takes the newest each
//! frame. Neither side waits on the other: the run never waits on drawing, and the app never
//! waits on the run (it polls the slot and the end of the run without blocking).

use dctwin_kpi::KpiReport;
use dctwin_scenario::{LatestSnapshot, Progress, Publisher, RunOptions, RunSnapshot, RunSummary};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// Snapshots a second at most: the app draws at 30 to 60 frames a second, and a snapshot of a
/// 300-rack facility costs some 50 µs to build, so 30 a second cost the run nothing noticeable.
pub const SNAPSHOTS_PER_S: f64 = 30.0;

/// How a run ended, as the worker reports it.
#[derive(Debug, Clone)]
pub enum RunEnd {
    /// Completed or stopped: the run directory holds it.
    Written(Box<(RunSummary, KpiReport)>),
    /// Failed after the run directory was written (it holds what was computed).
    Kept {
        /// The run directory.
        dir: PathBuf,
        /// What failed.
        message: String,
    },
    /// Nothing was written: a bad scenario, model or input (the message names the file, line
    /// and key), or a run directory that could not be written.
    Refused(String),
}

/// A scenario running on its worker thread.
pub struct LiveRun {
    /// The scenario file.
    pub scenario: PathBuf,
    /// The run directory it writes.
    pub out_dir: PathBuf,
    latest: LatestSnapshot,
    stop: Arc<AtomicBool>,
    ended: Receiver<RunEnd>,
    worker: Option<JoinHandle<()>>,
    /// Where it is: simulated and total [s].
    progress: Arc<Mutex<Option<Progress>>>,
}

impl LiveRun {
    /// Starts the scenario at `scenario` with `sets` over its values (see
    /// `Scenario::load_with`), writing `out_dir`.
    pub fn start(
        scenario: &Path,
        sets: Vec<String>,
        out_dir: &Path,
        data_dir: Option<PathBuf>,
    ) -> LiveRun {
        let latest = LatestSnapshot::default();
        let stop = Arc::new(AtomicBool::new(false));
        let progress = Arc::new(Mutex::new(None));
        let (send, ended) = channel();
        let options = RunOptions {
            data_dir,
            out_dir: out_dir.to_path_buf(),
            stop: stop.clone(),
            sets,
        };
        let (slot, path, seen) = (latest.clone(), scenario.to_path_buf(), progress.clone());
        let worker = std::thread::Builder::new()
            .name("dctwin run".into())
            .spawn(move || {
                let mut publisher = Publisher::new(slot, SNAPSHOTS_PER_S, |p: &Progress| {
                    if let Ok(mut last) = seen.lock() {
                        *last = Some(*p);
                    }
                    ControlFlow::Continue(())
                });
                let end = match dctwin_scenario::run(&path, &options, &mut publisher) {
                    Ok(done) => RunEnd::Written(Box::new(done)),
                    Err(dctwin_scenario::ScenarioError::Kept { dir, source }) => RunEnd::Kept {
                        dir,
                        message: source.to_string(),
                    },
                    Err(e) => RunEnd::Refused(e.to_string()),
                };
                // The app may have gone; then nobody needs to know.
                let _ = send.send(end);
            });
        let (worker, ended) = match worker {
            Ok(handle) => (Some(handle), ended),
            Err(e) => {
                let (send, ended) = channel();
                let _ = send.send(RunEnd::Refused(format!("cannot start a thread: {e}")));
                (None, ended)
            }
        };
        LiveRun {
            scenario: scenario.to_path_buf(),
            out_dir: out_dir.to_path_buf(),
            latest,
            stop,
            ended,
            worker,
            progress,
        }
    }

    /// The newest snapshot, if one came.
    pub fn latest(&self) -> Option<Arc<RunSnapshot>> {
        self.latest.latest()
    }

    /// Simulated and total time so far [s], once the run has begun.
    pub fn progress(&self) -> Option<Progress> {
        self.progress.lock().ok().and_then(|p| *p)
    }

    /// Asks the run to stop at its next reporting step; it keeps what it computed.
    pub fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }

    /// How the run ended, once it has (without waiting).
    pub fn poll(&mut self) -> Option<RunEnd> {
        match self.ended.try_recv() {
            Ok(end) => {
                if let Some(worker) = self.worker.take() {
                    // The worker sent its last word: joining cannot block for long.
                    let _ = worker.join();
                }
                Some(end)
            }
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(RunEnd::Refused(
                "the run's thread ended without a word (it panicked)".into(),
            )),
        }
    }
}

impl Drop for LiveRun {
    /// A run left behind (the app closing) stops at its next reporting step and is waited for
    /// while it writes what it computed, so that closing the app leaves a whole `stopped` run,
    /// never a half-written one.
    fn drop(&mut self) {
        self.stop();
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}
