//! What can be wrong with a scenario or its run, naming the file and the key, line or time.

use std::path::PathBuf;

/// A scenario could not be read or run.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The scenario file could not be read.
    #[error("{}: {reason}", file.display())]
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
    /// A value set from outside the file (`--set`, the app's what-if) is wrong.
    #[error("set {set}: {reason}")]
    Set {
        /// The setting, `key = value`.
        set: String,
        /// What was expected.
        reason: String,
    },
    /// A value is out of its range.
    #[error("{}{}: key '{key}': {reason}", file.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Value {
        /// The file.
        file: PathBuf,
        /// 1-based line of the key (of its table when the key is missing), when known.
        line: Option<usize>,
        /// The key.
        key: String,
        /// What was expected.
        reason: String,
    },
    /// The model has errors (each names its file, line and key).
    #[error("the model has errors:\n{0}")]
    Model(dctwin_model::Diagnostics),
    /// The model has errors with the scenario's instance counts, which may be their cause.
    #[error(
        "the model has errors with the instance counts of {}{} ({}):\n{diagnostics}",
        file.display(),
        line.map(|l| format!(":{l}")).unwrap_or_default(),
        counts.join(", ")
    )]
    OverriddenModel {
        /// The scenario file.
        file: PathBuf,
        /// The line of `[overrides]`' instance counts.
        line: Option<usize>,
        /// The counts, `overrides.instance_counts.heater = 0`.
        counts: Vec<String>,
        /// The model's errors.
        diagnostics: dctwin_model::Diagnostics,
    },
    /// A trace or weather file is bad.
    #[error(transparent)]
    Input(#[from] dctwin_inputs::InputError),
    /// A trace or weather file named by a key of the scenario is bad.
    #[error(
        "{}{}: key '{key}': {source}",
        file.display(),
        line.map(|l| format!(":{l}")).unwrap_or_default()
    )]
    InputOf {
        /// The scenario file.
        file: PathBuf,
        /// The key's line, when known.
        line: Option<usize>,
        /// The key that names the input (`heat_demand.trace`).
        key: String,
        /// What is wrong with the input, naming its file, row and column.
        source: Box<dctwin_inputs::InputError>,
    },
    /// An event names something the model does not have, or an impossible action.
    #[error(transparent)]
    Event(Box<EventError>),
    /// The simulation failed (the output written so far is kept).
    #[error("simulation: {0}")]
    Simulation(#[from] dctwin_sim::SimError),
    /// An interval could not be counted in the KPIs.
    #[error("KPIs: {0}")]
    Kpi(#[from] dctwin_kpi::KpiError),
    /// The time series could not be written.
    #[error("series: {0}")]
    Series(#[from] dctwin_series::SeriesError),
    /// The run failed part-way; what it computed until then is in `dir`, status `failed`.
    #[error("{source}\nwhat was computed until then is in {} (status \"failed\")", dir.display())]
    Kept {
        /// The run directory.
        dir: PathBuf,
        /// What failed.
        source: Box<ScenarioError>,
    },
    /// The run was stopped from outside before it started; nothing was written.
    #[error("stopped before the run started; nothing was written")]
    Stopped,
    /// The run's files could not be written (a full disk); the run directory is as it was.
    #[error("cannot write the run into {}: {reason}; {} is unchanged", dir.display(), dir.display())]
    Unwritten {
        /// The run directory.
        dir: PathBuf,
        /// What failed, naming the file.
        reason: String,
    },
    /// An output file could not be written.
    #[error("{}: cannot write: {reason}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

/// What is wrong with one `[[event]]` of a scenario.
#[derive(Debug, thiserror::Error)]
#[error(
    "{}{}: event #{index} ({at}): key '{key}': {reason}",
    file.display(),
    line.map(|l| format!(":{l}")).unwrap_or_default()
)]
pub struct EventError {
    /// The scenario file.
    pub file: PathBuf,
    /// 1-based line of the key, when known.
    pub line: Option<usize>,
    /// The event's key concerned (`at`, `action`, `component`, `ua_factor`).
    pub key: String,
    /// 1-based position of the event in the file.
    pub index: usize,
    /// Its time as written.
    pub at: String,
    /// What is wrong.
    pub reason: String,
}
