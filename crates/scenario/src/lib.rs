//! dctwin's scenario engine: a model, its inputs and its events replayed through the transient
//! simulation, streaming a time series and KPIs to a run directory.
//!
//! A scenario file ([`spec`]) names the model (with overrides such as more containers or
//! another supply set-point), the period and reporting step, the IT load (design power, or a
//! trace of system power, a rack power shape, or a utilisation through P = P_idle +
//! (P_max − P_idle)·u), the weather (EPW), the heat demand (a trace scaled to a peak), events
//! and KPI settings. [`drive`] puts the inputs on the 60 s control grid; [`record`] turns each
//! reporting step into a series row and a KPI interval; [`engine`] runs it all.

#![warn(missing_docs)]

pub mod alarms;
pub mod bound;
pub mod design;
pub mod drive;
pub mod engine;
pub mod error;
pub mod measured;
pub mod observe;
pub mod pattern;
pub mod record;
pub mod run_dir;
pub mod schematic;
pub mod sizing;
pub mod spec;
pub mod variables;

pub use engine::{RunOptions, RunSummary, run};
pub use error::ScenarioError;
pub use observe::{LatestSnapshot, Observer, Progress, Publisher, RackState, RunSnapshot};
pub use schematic::Schematic;
pub use spec::Scenario;
