//! Everything the app shows, apart from how, and the commands that change it. Commands come
//! through a channel (from the UI's buttons, the command line or a test) and are applied before
//! each frame; [`State::poll`] then takes what a live run has published since.

use crate::history::History;
use crate::live_run::{LiveRun, RunEnd};
pub use crate::loading::Role;
use crate::loading::{Job, Loading, Outcome};
use crate::quantity::Quantity;
use crate::readings::{Readings, index_of};
use crate::run_data::{RACK_QUANTITIES, RunData};
use crate::time_control::TimeControl;
use dctwin_kpi::KpiReport;
use dctwin_scenario::alarms::AlarmFile;
use dctwin_scenario::{RunSnapshot, Schematic};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What can be asked of the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Open a path: a run directory is shown, a scenario file (`.toml`) is run.
    Open(PathBuf),
    /// Stop the live run; it keeps what it computed.
    Stop,
    /// Start playback.
    Play,
    /// Pause playback.
    Pause,
    /// Move the cursor [s since the run's start].
    Seek(f64),
    /// Set the playback speed [simulated s per wall s].
    Speed(f64),
    /// Whether playback starts over at the end.
    Looping(bool),
    /// Plot this column of the run's series.
    Plot(String),
    /// Colour the racks by this quantity.
    ColourBy(Quantity),
    /// Select the rack of this name: its column of the colouring quantity is plotted.
    SelectRack(String),
    /// Run the shown run's scenario again with these values set over its own (`key = value`),
    /// and compare it with the shown run when it ends.
    WhatIf(Vec<String>),
    /// Open a run directory to compare with the shown run.
    Compare(PathBuf),
    /// Stop comparing.
    CloseCompare,
    /// Write the KPIs shown (one run, or two and their differences) as CSV to this file.
    ExportKpis(PathBuf),
    /// Write a part of the window as PNG to this file (at the next frame drawn).
    ExportImage(Part, PathBuf),
    /// A file was written in the background (an image export), or could not be.
    Wrote(Result<PathBuf, String>),
}

/// A part of the window that can be exported as an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The time plots.
    Plots,
    /// The schematic.
    Schematic,
}

/// Where what the app shows comes from.
enum Shown<'a> {
    /// A live run's latest snapshot.
    Live(&'a RunSnapshot),
    /// A finished run read from its directory.
    Finished(&'a RunData),
}

/// Everything the app shows, apart from how.
#[derive(Default)]
pub struct State {
    /// The finished run open, if any.
    pub run: Option<RunData>,
    /// Runs and columns being read.
    pub loading: Vec<Loading>,
    /// The number of the next read.
    next_read: u64,
    /// The latest read of a run for each role (shown, compared): an earlier one that ends later
    /// is dropped.
    latest_run_read: [u64; 2],
    /// Exports asked for while a run was being read: done once it is.
    pending_exports: Vec<Command>,
    /// The run compared with it, if any.
    pub other: Option<RunData>,
    /// What the live run becomes when it ends.
    pub live_role: Role,
    /// The scenario running, if any.
    pub live: Option<LiveRun>,
    /// The live run's latest snapshot.
    pub snapshot: Option<Arc<RunSnapshot>>,
    /// The position of each column in the live run's snapshots.
    pub snapshot_index: HashMap<String, usize>,
    /// The live run's snapshots so far.
    pub history: History,
    /// The last error, shown until a run or scenario opens.
    pub error: Option<String>,
    /// The last thing done that the user should know of (a file written).
    pub notice: Option<String>,
    /// Image exports waiting for the app to ask the window for a screenshot.
    pub pending_images: Vec<(Part, PathBuf)>,
    /// The runs and scenarios opened lately, newest first.
    pub recent: Vec<PathBuf>,
    /// Where they are kept between sessions (none: not kept).
    pub recent_file: Option<PathBuf>,
    /// The playback cursor of the finished run.
    pub time: Option<TimeControl>,
    /// Where the cursor of the next run opened starts [s], if asked before it was read.
    pub seek_on_open: Option<f64>,
    /// Whether the next run opened plays at once (asked before it was read).
    pub play_on_open: bool,
    /// The plotted column.
    pub plotted: Option<String>,
    /// What the racks are coloured by.
    pub colour_by: Quantity,
    /// The rack last clicked.
    pub selected_rack: Option<String>,
    /// The path typed into the open field.
    pub path_field: String,
    /// Where traces and weather are looked for after a scenario's own directory.
    pub data_dir: Option<PathBuf>,
    /// Where the runs of scenarios opened in the app are written (`runs/<name>`, as the CLI).
    pub runs_dir: PathBuf,
}

/// The column plotted first below the fixed plots (which show temperatures, powers and the
/// ratios): the first flow where a plant stage meets a loop (the CDUs' into the facility loop),
/// else the first flow, else the highest rack supply.
pub fn first_plotted<'a>(names: impl Iterator<Item = &'a String> + Clone) -> Option<String> {
    let find = |want: &dyn Fn(&String) -> bool| names.clone().find(|n| want(n)).cloned();
    find(&|n| n.contains('@') && n.ends_with("_kg_s"))
        .or_else(|| find(&|n| n.ends_with("_kg_s")))
        .or_else(|| find(&|n| n == "max_rack_supply_c"))
}

impl State {
    /// A state with nothing open, writing runs under `runs_dir`.
    pub fn new(runs_dir: PathBuf, data_dir: Option<PathBuf>) -> State {
        State {
            runs_dir,
            data_dir,
            ..State::default()
        }
    }

    /// Applies one command.
    pub fn apply(&mut self, command: Command) {
        match command {
            Command::Open(path) => self.open(&path),
            Command::Stop => self.live.iter().for_each(LiveRun::stop),
            Command::Play => match &mut self.time {
                Some(time) => time.play(),
                // A run being read: it plays once it is.
                None => self.play_on_open = true,
            },
            Command::Pause => self.time.iter_mut().for_each(TimeControl::pause),
            Command::Seek(t) => match &mut self.time {
                Some(time) => time.seek(t),
                // A run being read: its cursor starts there.
                None => self.seek_on_open = Some(t),
            },
            Command::Speed(s) => self.time.iter_mut().for_each(|c| c.set_speed(s)),
            Command::Looping(on) => self.time.iter_mut().for_each(|c| c.set_looping(on)),
            Command::Plot(name) => self.plot(name),
            Command::ColourBy(quantity) => {
                self.colour_by = quantity;
                self.load_rack_columns();
            }
            Command::SelectRack(name) => self.select_rack(name),
            Command::WhatIf(sets) => self.what_if(sets),
            Command::Compare(dir) => self.read_run(&dir, Role::Compared, None),
            Command::CloseCompare => self.other = None,
            export @ (Command::ExportKpis(_) | Command::ExportImage(..)) if self.is_loading() => {
                self.pending_exports.push(export)
            }
            Command::ExportKpis(path) | Command::ExportImage(_, path) if self.run.is_none() => {
                let refused = format!("{}: no run is open to export", path.display());
                // After a failed open, both: why the run did not open, and that nothing went out.
                self.error = Some(match self.error.take() {
                    Some(why) => format!("{why}\n{refused}"),
                    None => refused,
                });
            }
            Command::ExportKpis(path) => self.export_kpis(&path),
            Command::ExportImage(part, path) => self.pending_images.push((part, path)),
            Command::Wrote(Ok(path)) => self.notice = Some(format!("wrote {}", path.display())),
            Command::Wrote(Err(e)) => self.error = Some(e),
        }
    }

    /// Takes the runs read and what the live run published since the last frame, and its end
    /// if it came.
    pub fn poll(&mut self) {
        self.take_loaded();
        let Some(live) = &mut self.live else { return };
        if let Some(snapshot) = live.latest() {
            if self.snapshot_index.is_empty() {
                self.snapshot_index = index_of(&snapshot);
                if self
                    .plotted
                    .as_ref()
                    .is_none_or(|p| !self.snapshot_index.contains_key(p))
                {
                    let names = snapshot.columns.iter();
                    self.plotted = first_plotted(names);
                }
            }
            self.history.push(&snapshot);
            self.snapshot = Some(snapshot);
        }
        let Some(end) = live.poll() else { return };
        let out_dir = live.out_dir.clone();
        self.live = None;
        let role = std::mem::take(&mut self.live_role);
        let (dir, failure) = match end {
            RunEnd::Written(_) => (out_dir, None),
            RunEnd::Kept { dir, message } => (dir, Some(format!("the run failed: {message}"))),
            RunEnd::Refused(message) => {
                self.error = Some(message);
                return;
            }
        };
        self.read_run(&dir, role, failure);
    }

    /// Reads the run directory `dir` on a thread, to become `role`.
    fn read_run(&mut self, dir: &Path, role: Role, failure: Option<String>) {
        let id = self.next_id();
        self.latest_run_read[role as usize] = id;
        self.loading.push(Loading::run(id, dir, role, failure));
    }

    fn next_id(&mut self) -> u64 {
        self.next_read += 1;
        self.next_read
    }

    /// Reads the columns of `names` that the open runs have not read yet (nor are reading).
    fn read_columns(&mut self, names: &[String]) {
        let mut reads = Vec::new();
        for run in [&self.run, &self.other].into_iter().flatten() {
            let reading = |n: &String| {
                self.loading.iter().any(|l| match &l.job {
                    Job::Columns { generation, names } => {
                        *generation == run.generation && names.contains(n)
                    }
                    Job::Run { .. } => false,
                })
            };
            let missing: Vec<String> = run
                .missing(names)
                .into_iter()
                .filter(|n| !reading(n))
                .collect();
            if !missing.is_empty() {
                reads.push((run.generation, missing));
            }
        }
        for (generation, missing) in reads {
            let id = self.next_id();
            let run = [&self.run, &self.other]
                .into_iter()
                .flatten()
                .find(|r| r.generation == generation);
            if let Some(run) = run {
                self.loading.push(Loading::columns(id, run, missing));
            }
        }
    }

    /// Whether a scenario is running.
    pub fn is_running(&self) -> bool {
        self.live.is_some()
    }

    /// The run shown: the live run's latest snapshot once one came, else the finished run.
    fn shown(&self) -> Option<Shown<'_>> {
        match (&self.snapshot, &self.run) {
            (Some(s), _) if self.live.is_some() => Some(Shown::Live(s)),
            (_, Some(run)) => Some(Shown::Finished(run)),
            _ => None,
        }
    }

    /// The schematic shown: the live run's, else the finished run's.
    pub fn schematic(&self) -> Option<&Schematic> {
        match self.shown()? {
            Shown::Live(s) => Some(&s.schematic),
            Shown::Finished(run) => run.schematic.as_ref(),
        }
    }

    /// How far the run shown has got [s]: the live run's latest, else the finished run's end.
    pub fn run_time_s(&self) -> Option<f64> {
        match self.shown()? {
            Shown::Live(s) => Some(s.time_s),
            Shown::Finished(run) => Some(run.summary.simulated_s),
        }
    }

    /// The alarms shown: the live run's so far, else the finished run's.
    pub fn alarms(&self) -> Option<&AlarmFile> {
        match self.shown()? {
            Shown::Live(s) => Some(&s.alarms),
            Shown::Finished(run) => Some(&run.alarms),
        }
    }

    /// The KPIs shown: the live run's so far, else the finished run's.
    pub fn kpis(&self) -> Option<&KpiReport> {
        match self.shown()? {
            Shown::Live(s) => Some(&s.kpis),
            Shown::Finished(run) => Some(&run.kpis),
        }
    }

    /// Every column of the run shown, in the series' order.
    pub fn column_names(&self) -> Vec<String> {
        if self.is_running() {
            let mut names: Vec<(usize, String)> = (self.snapshot_index.iter())
                .map(|(n, &i)| (i, n.clone()))
                .collect();
            names.sort();
            names.into_iter().map(|(_, n)| n).collect()
        } else {
            (self.run.as_ref()).map_or_else(Vec::new, |r| r.names().to_vec())
        }
    }

    /// The values at the cursor: the live run's latest, else the finished run's row at the
    /// playback cursor.
    pub fn readings(&self) -> Option<Readings<'_>> {
        if self.live.is_some() {
            return (self.snapshot.as_deref()).map(|s| Readings::Live(s, &self.snapshot_index));
        }
        let run = self.run.as_ref()?;
        let t = self.time.as_ref().map_or(0.0, TimeControl::time_s);
        run.row_at(t).map(|row| Readings::Row(run, row))
    }

    /// Where exports of the shown run go: `<run directory>-export` beside it (not inside: a
    /// new run of the scenario replaces its directory as a whole).
    pub fn export_dir(&self) -> Option<PathBuf> {
        let dir = &self.run.as_ref()?.dir;
        let name = dir.file_name()?.to_string_lossy();
        Some(dir.with_file_name(format!("{name}-export")))
    }

    fn export_kpis(&mut self, path: &Path) {
        let Some(run) = &self.run else { return };
        let text = crate::export::kpis_csv(run, self.other.as_ref());
        let written = (path.parent())
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(path, text));
        match written {
            Ok(()) => self.notice = Some(format!("wrote {}", path.display())),
            Err(e) => self.error = Some(format!("{}: {e}", path.display())),
        }
    }

    /// Remembers `path` among the recent ones, and keeps the list if it has a file.
    fn remember(&mut self, path: &Path) {
        self.recent = crate::recent::with(&self.recent, path);
        if let Some(file) = &self.recent_file
            && let Err(e) = crate::recent::save(file, &self.recent)
        {
            self.notice = Some(e);
        }
    }

    fn open(&mut self, path: &Path) {
        self.path_field = path.display().to_string();
        if path.is_file() {
            self.run_scenario(path);
        } else {
            self.open_run(path);
        }
    }

    fn open_run(&mut self, dir: &Path) {
        // Another run shown: the comparison was with the one before.
        self.other = None;
        self.read_run(dir, Role::Shown, None);
    }

    /// Shows or compares a run that has been read.
    fn opened(&mut self, run: RunData, role: Role) {
        self.error = None;
        if role == Role::Compared {
            self.other = Some(run);
            self.read_plotted();
            return;
        }
        let mut time = TimeControl::new(run.summary.simulated_s);
        if let Some(t) = self.seek_on_open.take() {
            time.seek(t);
        }
        if std::mem::take(&mut self.play_on_open) {
            time.play();
        }
        self.time = Some(time);
        let first = first_plotted(run.names().iter()).or_else(|| run.names().first().cloned());
        self.path_field = run.dir.display().to_string();
        let dir = run.dir.clone();
        self.remember(&dir);
        self.run = Some(run);
        if self.plotted.as_ref().is_none_or(|p| !self.has_column(p)) {
            self.plotted = first;
        }
        self.read_plotted();
        self.load_rack_columns();
    }

    /// Reads the plotted column where an open run has it but has not read it (a rack's).
    fn read_plotted(&mut self) {
        if let Some(name) = self.plotted.clone() {
            self.read_columns(std::slice::from_ref(&name));
        }
    }

    /// Takes the runs and columns read since the last frame; once no run is being read, does
    /// the exports asked for meanwhile.
    fn take_loaded(&mut self) {
        let mut still = Vec::new();
        for loading in std::mem::take(&mut self.loading) {
            let Some(outcome) = loading.poll() else {
                still.push(loading);
                continue;
            };
            match (loading.job, outcome) {
                (Job::Run { role, failure }, Outcome::Run(read)) => {
                    // A later read for the same role has replaced this one.
                    if loading.id != self.latest_run_read[role as usize] {
                        continue;
                    }
                    match read {
                        Ok(run) => {
                            self.opened(*run, role);
                            if failure.is_some() {
                                self.error = failure;
                            }
                        }
                        Err(e) => self.error = Some(e),
                    }
                }
                (Job::Columns { generation, .. }, Outcome::Columns(read)) => match read {
                    Ok(columns) => {
                        let runs = [&mut self.run, &mut self.other].into_iter().flatten();
                        if let Some(run) = runs.into_iter().find(|r| r.generation == generation) {
                            run.insert(columns);
                        }
                    }
                    Err(e) => self.error = Some(e),
                },
                // A read gives what its job asked for.
                _ => {}
            }
        }
        self.loading.extend(still);
        if !self.is_loading() {
            for export in std::mem::take(&mut self.pending_exports) {
                self.apply(export);
            }
        }
    }

    /// Whether a run is being read.
    pub fn is_loading(&self) -> bool {
        self.loading.iter().any(Loading::is_run)
    }

    /// Whether columns of an open run are being read.
    pub fn is_reading_columns(&self) -> bool {
        self.loading.iter().any(|l| !l.is_run())
    }

    fn run_scenario(&mut self, scenario: &Path) {
        if self.is_running() {
            self.error = Some("a run is going: stop it or let it end first".into());
            return;
        }
        let name = dctwin_scenario::engine::scenario_name(scenario);
        let out_dir = self.runs_dir.join(name);
        self.remember(scenario);
        self.start(scenario, Vec::new(), &out_dir, Role::Shown);
    }

    /// The shown run's scenario again with `sets`, into `runs/<name>-what-if`.
    fn what_if(&mut self, sets: Vec<String>) {
        if self.is_running() {
            self.error = Some("a run is going: stop it or let it end first".into());
            return;
        }
        let Some(run) = &self.run else {
            self.error = Some("open a run first: a what-if changes its scenario".into());
            return;
        };
        let scenario = run.summary.scenario.clone();
        let out_dir = self.runs_dir.join(format!("{}-what-if", run.summary.name));
        self.start(&scenario, sets, &out_dir, Role::Compared);
    }

    fn start(&mut self, scenario: &Path, sets: Vec<String>, out_dir: &Path, role: Role) {
        let data_dir = self.data_dir.clone();
        self.live = Some(LiveRun::start(scenario, sets, out_dir, data_dir));
        self.live_role = role;
        self.snapshot = None;
        self.snapshot_index.clear();
        self.history = History::default();
        self.error = None;
    }

    /// Whether the run shown has column `name`.
    fn has_column(&self, name: &str) -> bool {
        match &self.run {
            Some(run) if self.live.is_none() => run.has(name),
            _ => self.snapshot_index.contains_key(name),
        }
    }

    fn plot(&mut self, name: String) {
        self.read_columns(std::slice::from_ref(&name));
        self.plotted = Some(name);
    }

    fn select_rack(&mut self, name: String) {
        let column = self.schematic().and_then(|s| {
            let (group, rack) = (s.groups.iter())
                .find_map(|g| g.racks.iter().find(|r| r.name == name).map(|r| (g, r)))?;
            self.colour_by.column(group, rack)
        });
        self.selected_rack = Some(name);
        if let Some(column) = column {
            self.plot(column);
        }
    }

    /// Reads the finished run's rack columns of the colouring quantity, if its series has them.
    fn load_rack_columns(&mut self) {
        let quantity = self.colour_by;
        let Some(schematic) = self.run.as_ref().and_then(|r| r.schematic.as_ref()) else {
            return;
        };
        let wanted: Vec<String> = (schematic.groups.iter())
            .flat_map(|g| g.racks.iter().filter_map(move |r| quantity.column(g, r)))
            .filter(|c| RACK_QUANTITIES.iter().any(|q| c.ends_with(q)))
            .collect();
        self.read_columns(&wanted);
    }
}
