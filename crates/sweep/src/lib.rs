//! Sweeps: one base scenario run over a grid or samples of its parameters (`spec.rs`,
//! `points.rs`), every point in its own run directory, in parallel on rayon's threads or as a
//! Slurm job array's tasks (`run.rs`), and one table of each point's parameters, status and
//! KPIs (`table.rs`), rebuilt from the directories so that an interrupted sweep resumes and
//! the tasks of a job array are merged by the same code.
#![warn(missing_docs)]

pub mod error;
pub mod points;
pub mod run;
pub mod spec;
pub mod table;

pub use error::SweepError;
pub use points::{Point, points};
pub use run::{Outcome, SweepOptions, run_points};
pub use spec::SweepFile;
pub use table::{SweepTable, collect};
