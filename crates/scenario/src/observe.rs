//! What a run publishes while it goes: progress at every reporting step, and, as often as the
//! observer asks, an immutable snapshot of every reported quantity, each rack's state and the
//! KPIs so far. The CLI's progress bar and the desktop app read the same stream.
//!
//! The simulation never waits on a reader: a snapshot is built only when the observer's interval
//! (wall time) has passed, handed over as an `Arc`, and [`LatestSnapshot`] keeps just the newest,
//! so a reader that draws at 30 frames a second takes the latest and never blocks the run for
//! longer than a pointer swap.

use crate::alarms::AlarmFile;
use crate::schematic::Schematic;
use dctwin_kpi::KpiReport;
use std::ops::ControlFlow;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Where a run is.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// Simulated so far [s].
    pub simulated_s: f64,
    /// To simulate in all [s].
    pub total_s: f64,
    /// Wall time so far [s].
    pub wall_s: f64,
}

/// A rack's state at a reporting step.
#[derive(Debug, Clone, PartialEq)]
pub struct RackState {
    /// The rack's component name (`container[3].rack[2].cold_plates`).
    pub name: String,
    /// IT power [W].
    pub it_power_w: f64,
    /// Coolant temperature at its inlet (its supply) [K].
    pub inlet_k: f64,
    /// Coolant temperature leaving it [K].
    pub outlet_k: f64,
    /// Chip (case) temperature [K].
    pub chip_k: f64,
    /// The supply limit of its ASHRAE W class [K].
    pub supply_limit_k: f64,
}

/// Everything a run reports at one reporting step. Immutable once published.
#[derive(Debug, Clone)]
pub struct RunSnapshot {
    /// Simulated time since the run's start [s].
    pub time_s: f64,
    /// The run's start, UTC epoch seconds.
    pub start_s: f64,
    /// The run's length [s].
    pub total_s: f64,
    /// Wall time since the run started [s].
    pub wall_s: f64,
    /// The names of `values`: every series column the run can write (facility totals, each
    /// device, each rack), with its unit in the name, whatever `[output]` writes to the file.
    pub columns: Arc<[String]>,
    /// The value of each column at this step.
    pub values: Vec<f64>,
    /// Each rack's state.
    pub racks: Vec<RackState>,
    /// The KPIs of the run so far (whole run and each month).
    pub kpis: KpiReport,
    /// What the app draws of the facility: the same for every snapshot of a run.
    pub schematic: Arc<Schematic>,
    /// The run's alarms so far (shared between snapshots until one changes).
    pub alarms: Arc<AlarmFile>,
}

impl RunSnapshot {
    /// The value of column `name`, if the run has it.
    pub fn value(&self, name: &str) -> Option<f64> {
        let i = self.columns.iter().position(|c| c == name)?;
        self.values.get(i).copied()
    }
}

/// Receives a run's progress and snapshots.
pub trait Observer {
    /// At every reporting step. `Break` stops the run at this step; it keeps what it computed.
    fn progress(&mut self, progress: &Progress) -> ControlFlow<()>;

    /// How much wall time at least between two snapshots; `None` (the default) for none, so a
    /// run that nobody watches builds none.
    fn snapshot_interval(&self) -> Option<Duration> {
        None
    }

    /// A snapshot: after the interval, and always at the run's last step (completed or stopped).
    fn snapshot(&mut self, _snapshot: Arc<RunSnapshot>) {}
}

/// Any `FnMut(&Progress)` is an observer of progress alone (the CLI's progress bar, tests).
impl<F: FnMut(&Progress)> Observer for F {
    fn progress(&mut self, progress: &Progress) -> ControlFlow<()> {
        self(progress);
        ControlFlow::Continue(())
    }
}

/// The newest snapshot of a run, shared between the run's thread and a reader: the run replaces
/// it, the reader clones the `Arc`. Cloning the slot shares it.
#[derive(Debug, Clone, Default)]
pub struct LatestSnapshot(Arc<Mutex<Option<Arc<RunSnapshot>>>>);

impl LatestSnapshot {
    /// The newest snapshot, if one was published.
    pub fn latest(&self) -> Option<Arc<RunSnapshot>> {
        self.0.lock().ok().and_then(|slot| slot.clone())
    }

    /// Replaces the snapshot.
    pub fn publish(&self, snapshot: Arc<RunSnapshot>) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(snapshot);
        }
    }
}

/// An observer that publishes snapshots into a [`LatestSnapshot`] at most `per_second` times a
/// second of wall time, and passes progress on to `on_progress`.
pub struct Publisher<F> {
    slot: LatestSnapshot,
    interval: Duration,
    on_progress: F,
}

impl<F: FnMut(&Progress) -> ControlFlow<()>> Publisher<F> {
    /// Publishes into `slot` at most `per_second` times a second (at least once a second).
    pub fn new(slot: LatestSnapshot, per_second: f64, on_progress: F) -> Self {
        Publisher {
            slot,
            interval: Duration::from_secs_f64(1.0 / per_second.max(1.0)),
            on_progress,
        }
    }
}

impl<F: FnMut(&Progress) -> ControlFlow<()>> Observer for Publisher<F> {
    fn progress(&mut self, progress: &Progress) -> ControlFlow<()> {
        (self.on_progress)(progress)
    }

    fn snapshot_interval(&self) -> Option<Duration> {
        Some(self.interval)
    }

    fn snapshot(&mut self, snapshot: Arc<RunSnapshot>) {
        self.slot.publish(snapshot);
    }
}
