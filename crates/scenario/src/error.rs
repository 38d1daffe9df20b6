//! What can be wrong with a scenario or its run, naming the file and the key, line or time.

use std::path::PathBuf;

/// A scenario could not be read or run.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The scenario file could not be read.
    #[error("{}: cannot read: {reason}", file.display())]
    Read {
        /// The file.
        file: PathBuf,
        /// Why.
        reason: String,
    },
    /// The scenario is not valid TOML or has an unknown or mistyped key.
    #[error("{}{}: {reason}", file.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Syntax {
        /// The file.
        file: PathBuf,
        /// 1-based line, when known.
        line: Option<usize>,
        /// What the reader said.
        reason: String,
    },
    /// A value is out of its range.
    #[error("{}: key '{key}': {reason}", file.display())]
    Value {
        /// The file.
        file: PathBuf,
        /// The key.
        key: String,
        /// What was expected.
        reason: String,
    },
    /// The model has errors (each names its file, line and key).
    #[error("the model has errors:\n{0}")]
    Model(dctwin_model::Diagnostics),
    /// A trace or weather file is bad.
    #[error(transparent)]
    Input(#[from] dctwin_inputs::InputError),
    /// An event names something the model does not have, or an impossible action.
    #[error("{}: event #{index} ({at}): {reason}", file.display())]
    Event {
        /// The scenario file.
        file: PathBuf,
        /// 1-based position of the event in the file.
        index: usize,
        /// Its time as written.
        at: String,
        /// What is wrong.
        reason: String,
    },
    /// The simulation failed (the output written so far is kept).
    #[error("simulation: {0}")]
    Simulation(#[from] dctwin_sim::SimError),
    /// An interval could not be counted in the KPIs.
    #[error("KPIs: {0}")]
    Kpi(#[from] dctwin_kpi::KpiError),
    /// The time series could not be written.
    #[error("series: {0}")]
    Series(#[from] dctwin_series::SeriesError),
    /// An output file could not be written.
    #[error("{}: cannot write: {reason}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}
