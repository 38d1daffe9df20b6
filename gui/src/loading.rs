//! Reading on threads of their own: a run directory (a year's columns take a second or two), or
//! more columns of a run already open (a year of 150 racks' chip temperatures). The app polls
//! each read once a frame and never waits on one.

use crate::run_data::{self, Columns, RunData};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, TryRecvError, channel};

/// Which run a read run (or a live run, when it ends) becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Role {
    /// The run shown.
    #[default]
    Shown,
    /// The run compared with the one shown.
    Compared,
}

/// What a read is for.
#[derive(Debug, Clone)]
pub enum Job {
    /// A run directory, to become the run shown or compared.
    Run {
        /// What it becomes.
        role: Role,
        /// How the run failed, shown once it is read (a failed run keeps what it computed).
        failure: Option<String>,
    },
    /// Columns of the open run of this generation ([`RunData::generation`]).
    Columns {
        /// The run they belong to.
        generation: u64,
        /// The columns.
        names: Vec<String>,
    },
}

/// What a read gave.
pub enum Outcome {
    /// A run.
    Run(Result<Box<RunData>, String>),
    /// Columns.
    Columns(Result<Columns, String>),
}

/// A read going on.
pub struct Loading {
    /// Which read this is: later requests have higher numbers.
    pub id: u64,
    /// The run directory or series file read.
    pub path: PathBuf,
    /// What it is for.
    pub job: Job,
    done: Receiver<Outcome>,
}

impl Loading {
    /// Reads the run directory `dir` to become `role`.
    pub fn run(id: u64, dir: &Path, role: Role, failure: Option<String>) -> Loading {
        let path = dir.to_path_buf();
        let job = Job::Run { role, failure };
        Loading::spawn(id, dir, job, move || {
            Outcome::Run(RunData::open(&path).map(Box::new))
        })
    }

    /// Reads columns `names` of `run`.
    pub fn columns(id: u64, run: &RunData, names: Vec<String>) -> Loading {
        let series = run.series().to_path_buf();
        let job = Job::Columns {
            generation: run.generation,
            names: names.clone(),
        };
        let path = series.clone();
        Loading::spawn(id, &path, job, move || {
            Outcome::Columns(run_data::read(&series, &names))
        })
    }

    fn spawn(
        id: u64,
        path: &Path,
        job: Job,
        read: impl FnOnce() -> Outcome + Send + 'static,
    ) -> Loading {
        let (send, done) = channel();
        let started = std::thread::Builder::new()
            .name("read run".into())
            .spawn(move || {
                // The app may have gone; then nobody needs what was read.
                let _ = send.send(read());
            });
        if let Err(e) = started {
            let (send, failed) = channel();
            let message = format!("cannot start a thread: {e}");
            let outcome = match job {
                Job::Run { .. } => Outcome::Run(Err(message)),
                Job::Columns { .. } => Outcome::Columns(Err(message)),
            };
            let _ = send.send(outcome);
            return Loading {
                id,
                path: path.to_path_buf(),
                job,
                done: failed,
            };
        }
        Loading {
            id,
            path: path.to_path_buf(),
            job,
            done,
        }
    }

    /// What the read gave, once it has (without waiting).
    pub fn poll(&self) -> Option<Outcome> {
        match self.done.try_recv() {
            Ok(outcome) => Some(outcome),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => {
                let message = format!("{}: reading it failed", self.path.display());
                Some(match self.job {
                    Job::Run { .. } => Outcome::Run(Err(message)),
                    Job::Columns { .. } => Outcome::Columns(Err(message)),
                })
            }
        }
    }

    /// Whether it reads a run (rather than columns of one open).
    pub fn is_run(&self) -> bool {
        matches!(self.job, Job::Run { .. })
    }
}
