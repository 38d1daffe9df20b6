//! A scenario run: the model with its overrides becomes a plant, the traces and weather drive
//! it, events are scheduled, and each reporting step streams a row to the series and an
//! interval to the KPIs. A run stopped from outside (Ctrl-C) or failed in the simulation keeps
//! what it computed: the series and KPIs up to then are written completely.

use crate::alarms::{AlarmFile, AlarmLog};
use crate::drive::{Drive, DriveInputs, Driven};
use crate::error::{EventError, ScenarioError};
use crate::measured::Measured;
use crate::observe::{Observer, Progress, RunSnapshot};
use crate::record::Layout;
use crate::run_dir::RunDir;
use crate::schematic::Schematic;
use crate::spec::{EventAction, EventSpec, MAX_CONTROL_STEPS, OutputSpec, Scenario};
use dctwin_components::controller::Setpoint;
use dctwin_components::dry_cooler_unit;
use dctwin_inputs::{Resolver, TimeGrid, parse_timestamp, time::utc};
use dctwin_kpi::{Accumulator, KpiReport, KpiSettings};
use dctwin_model::{Device, Facility};
use dctwin_series::{Format, SeriesWriter, WriterOptions};
use dctwin_sim::{Action, Event, Settings, Simulation, Snapshot, plant_of};
use serde::{Deserialize, Serialize};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// The control step [s]: inputs, controllers and flows change at its multiples; the
/// simulation's own (the scenario's inputs are put on the grid the simulation steps on).
pub use dctwin_sim::DEFAULT_CONTROL_STEP_S as CONTROL_STEP_S;

/// How a run is done.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Where traces and weather are looked for after the scenario's directory.
    pub data_dir: Option<PathBuf>,
    /// The run's directory (series, KPIs, summary).
    pub out_dir: PathBuf,
    /// Set from outside (Ctrl-C) to stop after the current step.
    pub stop: Arc<AtomicBool>,
    /// Values set over the scenario file's (`overrides.cdu_supply_c = 38`; see
    /// [`Scenario::load_with`]).
    pub sets: Vec<String>,
}

/// How a run ended and what it wrote (`run.json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunSummary {
    /// The scenario file.
    pub scenario: PathBuf,
    /// The scenario's name (its file name without the extension).
    #[serde(default)]
    pub name: String,
    /// The scenario's description.
    #[serde(default)]
    pub description: Option<String>,
    /// The scenario's overrides of its model, as written (`instance_counts.container = 100`).
    #[serde(default)]
    pub overrides: Vec<String>,
    /// Values set over the scenario file's (`--set`, the app's what-if), as given.
    #[serde(default)]
    pub sets: Vec<String>,
    /// The model's name.
    pub model: String,
    /// Start and end as given.
    pub start: String,
    /// End as given.
    pub end: String,
    /// `completed`, `stopped` (from outside) or `failed: …`.
    pub status: String,
    /// Simulated [s].
    pub simulated_s: f64,
    /// Wall time [s].
    pub wall_s: f64,
    /// Rows in the series.
    pub rows: usize,
    /// States integrated.
    pub states: usize,
    /// CVODE's internal steps over the run.
    #[serde(default)]
    pub integrator_steps: u64,
    /// Peak resident memory of the process so far [MiB] (Linux; `None` where unknown).
    #[serde(default)]
    pub peak_memory_mib: Option<f64>,
    /// Energy balance: IT heat to liquid, in, out, stored, and residual relative [J, -].
    pub energy_balance: Balance,
    /// The series file.
    pub series: PathBuf,
    /// Its size [bytes].
    #[serde(default)]
    pub series_bytes: u64,
    /// Alarm episodes over the run (`alarms.json` lists them).
    #[serde(default)]
    pub alarms: u64,
    /// The site information given, for the EU report.
    pub site: dctwin_kpi::SiteInfo,
    /// How the run compares with the measurements the scenario gives (`[[measured]]`).
    #[serde(default)]
    pub measured: Vec<crate::measured::Fit>,
}

/// The run's energy balance, as written.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Balance {
    /// Energy in (IT heat to liquid, pump heat, heat-pump work, boiler, enthalpy of the water
    /// entering through open boundaries) [J].
    pub in_j: f64,
    /// Energy out (rejected, reused, lost, enthalpy of the water leaving through open
    /// boundaries) [J].
    pub out_j: f64,
    /// Change of stored energy [J].
    pub stored_j: f64,
    /// In − out − stored, relative to in.
    pub relative_residual: f64,
}

/// The files of a run directory.
pub mod files {
    /// KPIs as JSON.
    pub const KPIS_JSON: &str = "kpis.json";
    /// KPIs as CSV.
    pub const KPIS_CSV: &str = "kpis.csv";
    /// The run's summary.
    pub const SUMMARY: &str = "run.json";
    /// What the app draws of the facility ([`crate::schematic`]).
    pub const SCHEMATIC: &str = "schematic.json";
    /// The run's alarms ([`crate::alarms`]).
    pub const ALARMS: &str = "alarms.json";
}

/// The longest period a scenario may span [s]: 20 years, a cooling plant's service life. The
/// inputs on the control grid take about 24 bytes a step (IT power, outdoor air), so a longer run
/// would need gigabytes before it starts.
pub const MAX_SPAN_S: f64 = 20.0 * 365.25 * 86_400.0;

/// Run the scenario at `path` into [`RunOptions::out_dir`].
///
/// Every input is read and checked before the run directory is touched. The run's files are
/// written into a temporary directory that replaces `out_dir` as a whole at the end
/// ([`RunDir`]); a run stopped from outside is complete with status `stopped`. A run whose
/// simulation fails is kept too (status `failed: …`), and the error says where.
///
/// `observer` sees the progress at every reporting step and, as often as it asks, a snapshot
/// of every device's state and the KPIs so far ([`crate::observe`]).
pub fn run(
    path: &Path,
    options: &RunOptions,
    observer: &mut dyn Observer,
) -> Result<(RunSummary, KpiReport), ScenarioError> {
    let wall = Instant::now();
    let scenario = Scenario::load_with(path, &options.sets)?;
    let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    let resolver = Resolver::new(Some(dir.clone()), options.data_dir.clone());
    let (start_s, end_s) = period(&scenario)?;
    let mut facility = load_model(&scenario, &dir)?;
    if let Some(c) = scenario.overrides.initial_temperature_c {
        start_at(&mut facility, c + 273.15)
            .map_err(|e| scenario.error("overrides.initial_temperature_c", e))?;
    }
    let (mut plant, mut controllers) = plant_of(&facility)?;
    if let Some(c) = scenario.overrides.cdu_supply_c {
        for l in &mut controllers.loops {
            l.pi.set_setpoint(Setpoint::Constant(c + 273.15))
                .map_err(|e| scenario.error("overrides.cdu_supply_c", e.to_string()))?;
        }
    }
    let grid = TimeGrid::between(start_s, end_s, scenario.control_step_s)
        .map_err(|e| scenario.error("start", e.to_string()))?;
    let events = events(&scenario, path, &facility, start_s, end_s)?;
    let driven = Driven::of(&plant);
    let schematic = Arc::new(Schematic::of(&plant, &facility.name));
    let layout = Layout::new(&plant, &driven, &scenario.output)
        .map_err(|e| scenario.error(e.key, e.reason))?;
    let mut drive = Drive::load(&scenario, &resolver, grid, driven)?;
    drive.bind_inputs(&scenario, &resolver, &plant, &controllers)?;
    no_input_undoes_an_event(&scenario, &drive, &events, &plant)?;
    let refused = |reason: String| scenario.error("input", reason);
    drive.apply(0.0, &mut plant).map_err(refused)?;
    (drive.apply_controllers(0.0, &mut controllers)).map_err(refused)?;
    let mut alarms = AlarmLog::new(&plant, &drive, &events, scenario.kpi.supply_tolerance_k);
    let settings = Settings {
        control_step_s: scenario.control_step_s,
        ..Settings::default()
    };
    let mut sim = Simulation::new(plant, 0.0, settings)?;
    sim.controllers = controllers;
    sim.schedule(events);

    if options.stop.load(Ordering::Relaxed) {
        return Err(ScenarioError::Stopped);
    }
    let run_dir = RunDir::prepare(&options.out_dir)?;
    let series_name = &scenario.output.series;
    let series_path = run_dir.path().join(series_name);
    let format = Format::from_path(&series_path)?;
    let writer_options = WriterOptions {
        precision: scenario.output.precision.into(),
        ..WriterOptions::default()
    };
    let mut writer = SeriesWriter::create_with(
        &series_path,
        format,
        layout.written_columns(),
        writer_options,
    )?;
    let settings = KpiSettings {
        supply_limit_k: scenario.kpi.supply_limit_c.map(|c| c + 273.15),
        supply_tolerance_k: scenario.kpi.supply_tolerance_k,
    };
    let mut kpis = Accumulator::new(settings);
    let total_s = end_s - start_s;
    let mut measured = Measured::load(
        &scenario,
        &resolver,
        start_s,
        total_s,
        layout.written_columns(),
    )?;
    // What a watching observer gets: every column the run can report, whatever the file keeps.
    let snapshot_every = observer.snapshot_interval();
    let watched = match snapshot_every {
        None => None,
        Some(_) => {
            let everything = OutputSpec {
                devices: true,
                racks: true,
                columns: None,
                ..scenario.output.clone()
            };
            let full = Layout::new(&sim.plant, &drive.driven, &everything)
                .map_err(|e| scenario.error(e.key, e.reason))?;
            let names: Arc<[String]> = full.written_columns().into();
            Some((full, names))
        }
    };
    let snapshot_every = snapshot_every.unwrap_or_default();
    let mut published: Option<Instant> = None;
    let mut prev: Snapshot = sim.snapshot();
    let mut alarms_shown: (u64, Arc<AlarmFile>) = (0, Arc::default());
    let mut failure: Option<ScenarioError> = None;
    let mut inputs = DriveInputs(&drive);
    let outcome = sim.run(
        total_s,
        scenario.report_step_s,
        &mut inputs,
        &mut |now: &Snapshot| {
            let (interval, row) = layout.record(&scenario, &drive, &prev, now);
            measured.observe(now.time_s, &row);
            alarms.update(now.time_s, now);
            let pushed = kpis
                .push(&interval)
                .map_err(ScenarioError::from)
                .and_then(|_| {
                    writer
                        .push(start_s + now.time_s, &row)
                        .map_err(ScenarioError::from)
                });
            if let Err(e) = pushed {
                failure = Some(e);
                return ControlFlow::Break(());
            }
            let progress = Progress {
                simulated_s: now.time_s,
                total_s,
                wall_s: wall.elapsed().as_secs_f64(),
            };
            let asked_to_stop =
                observer.progress(&progress).is_break() || options.stop.load(Ordering::Relaxed);
            let last = asked_to_stop || now.time_s >= total_s - 1e-6;
            if let Some((full, names)) = &watched
                && (last || published.is_none_or(|t| t.elapsed() >= snapshot_every))
            {
                let (_, values) = full.record(&scenario, &drive, &prev, now);
                if alarms_shown.0 != alarms.version {
                    alarms_shown = (alarms.version, Arc::new(alarms.file()));
                }
                observer.snapshot(Arc::new(RunSnapshot {
                    time_s: now.time_s,
                    start_s,
                    total_s,
                    wall_s: progress.wall_s,
                    columns: names.clone(),
                    values,
                    racks: full.rack_states(&drive, now),
                    kpis: kpis.report(),
                    schematic: schematic.clone(),
                    alarms: alarms_shown.1.clone(),
                }));
                published = Some(Instant::now());
            }
            prev = now.clone();
            if asked_to_stop {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        },
    );
    let failure = match (outcome, failure) {
        (_, Some(e)) => Some(e),
        (Err(e), None) => Some(ScenarioError::from(e)),
        (Ok(_), None) => None,
    };
    let simulated_s = sim.time_s();
    let status = match &failure {
        Some(e) => format!("failed: {e}"),
        None if simulated_s < total_s - 1e-6 => "stopped".to_string(),
        None => "completed".to_string(),
    };
    let unwritten = |reason: String| ScenarioError::Unwritten {
        dir: options.out_dir.clone(),
        reason,
    };
    // A file that cannot be written (a full disk) ends the run with nothing replaced; a row
    // refused for its values (a NaN) leaves a valid file, and the run is kept as failed.
    if let Some(ScenarioError::Series(e)) = &failure
        && e.is_write_error()
    {
        return Err(unwritten(in_target(e.to_string(), &run_dir)));
    }
    let written = writer
        .finish()
        .map_err(|e| unwritten(in_target(e.to_string(), &run_dir)))?;
    let report = kpis.finish();
    let balance = sim.energy_balance();
    let summary = RunSummary {
        scenario: path.to_path_buf(),
        name: scenario_name(path),
        description: scenario.description.clone(),
        overrides: scenario.overrides.describe(),
        sets: scenario.sets.clone(),
        model: facility.name.clone(),
        start: scenario.start.clone(),
        end: scenario.end.clone(),
        status,
        simulated_s,
        wall_s: wall.elapsed().as_secs_f64(),
        rows: written.rows,
        states: sim.snapshot().volume_k.len(),
        integrator_steps: sim.integrator_stats().steps,
        peak_memory_mib: peak_memory_mib(),
        energy_balance: Balance {
            in_j: balance.input_j(),
            out_j: balance.rejected_j + balance.reused_j + balance.lost_j + balance.left_j,
            stored_j: balance.stored_j,
            relative_residual: balance.relative_residual(),
        },
        series: options.out_dir.join(series_name),
        series_bytes: written.bytes,
        alarms: alarms.alarms.len() as u64 + alarms.dropped,
        site: scenario.site.clone(),
        measured: measured.fits(),
    };
    write_outputs(&run_dir, &summary, &report, &schematic, &alarms.file())?;
    run_dir.commit()?;
    match failure {
        Some(e) => Err(ScenarioError::Kept {
            dir: options.out_dir.clone(),
            source: Box::new(e),
        }),
        None => Ok((summary, report)),
    }
}

/// `text` with the run's temporary directory named as the run directory it was to become (the
/// temporary one is gone when the message is read).
fn in_target(text: String, run_dir: &RunDir) -> String {
    let temporary = run_dir.path().display().to_string();
    text.replace(&temporary, &run_dir.target().display().to_string())
}

/// A finished run's summary and KPIs, read from its directory (`run.json`, `kpis.json`); the
/// error names the file.
pub fn read_run(dir: &Path) -> Result<(RunSummary, KpiReport), String> {
    let read = |name: &str| {
        let p = dir.join(name);
        std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))
    };
    let summary: RunSummary = serde_json::from_str(&read(files::SUMMARY)?)
        .map_err(|e| format!("{}: {e}", dir.join(files::SUMMARY).display()))?;
    let report = KpiReport::from_json(&read(files::KPIS_JSON)?)
        .map_err(|e| format!("{}: {e}", dir.join(files::KPIS_JSON).display()))?;
    Ok((summary, report))
}

/// A finished run's schematic (`schematic.json`), or `None` for a run written before runs kept
/// one; the error names the file.
pub fn read_schematic(dir: &Path) -> Result<Option<Schematic>, String> {
    read_optional_json(&dir.join(files::SCHEMATIC))
}

/// A finished run's alarms (`alarms.json`; none for a run written before runs kept them); the
/// error names the file.
pub fn read_alarms(dir: &Path) -> Result<AlarmFile, String> {
    Ok(read_optional_json(&dir.join(files::ALARMS))?.unwrap_or_default())
}

/// The JSON file at `path`, or `None` if there is none; the error names the file.
fn read_optional_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Option<T>, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| format!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// A scenario's name: its file name without the extension (`run` for a path without one).
pub fn scenario_name(path: &Path) -> String {
    path.file_stem()
        .map_or_else(|| "run".to_string(), |s| s.to_string_lossy().into_owned())
}

/// The model with the scenario's overrides.
fn load_model(scenario: &Scenario, dir: &Path) -> Result<Facility, ScenarioError> {
    let overrides = dctwin_model::Overrides {
        instance_counts: scenario.overrides.instance_counts.clone(),
    };
    let model = dir.join(&scenario.model);
    if !model.is_file() {
        let what = if model.is_dir() {
            "is a directory; expected a model file (TOML)"
        } else {
            "no such file"
        };
        return Err(scenario.error("model", format!("{}: {what}", model.display())));
    }
    let counts: Vec<String> = (scenario.overrides.instance_counts.iter())
        .map(|(name, n)| format!("overrides.instance_counts.{name} = {n}"))
        .collect();
    dctwin_model::load_with(&model, &overrides).map_err(|diagnostics| {
        if counts.is_empty() {
            ScenarioError::Model(diagnostics)
        } else {
            ScenarioError::OverriddenModel {
                file: scenario.file.clone(),
                line: crate::spec::line_of_key(&scenario.source, "overrides.instance_counts"),
                counts,
                diagnostics,
            }
        }
    })
}

/// Start every loop and component of `facility` at `t_k` [K], refused outside a loop's fluid
/// or where its water would boil at the loop's reference pressure.
fn start_at(facility: &mut Facility, t_k: f64) -> Result<(), String> {
    for l in &mut facility.loops {
        let (min_k, max_k) = l.fluid.valid_range_k();
        let boils_k = (l.fluid.boiling_point_k(l.pressurisation_pa)).unwrap_or(f64::INFINITY);
        if t_k < min_k || t_k > max_k.min(boils_k - 1e-6) {
            return Err(format!(
                "{:.2} °C: loop \"{}\" holds {} from {:.1} to {:.1} °C (where it boils at its \
                 pressure, or its range ends)",
                t_k - 273.15,
                l.name,
                l.fluid.name(),
                min_k - 273.15,
                max_k.min(boils_k) - 273.15
            ));
        }
        l.initial_temperature_k = t_k;
    }
    for link in &mut facility.links {
        link.initial_temperature_k = None;
    }
    Ok(())
}

/// Start and end, epoch seconds UTC.
fn period(scenario: &Scenario) -> Result<(f64, f64), ScenarioError> {
    let parse = |key: &str, text: &str| {
        parse_timestamp(text, utc()).map_err(|e| scenario.error(key, e.to_string()))
    };
    let start = parse("start", &scenario.start)?;
    let end = parse("end", &scenario.end)?;
    if end <= start {
        return Err(scenario.error("end", "the end is not after the start".into()));
    }
    if end - start > MAX_SPAN_S {
        return Err(scenario.error(
            "end",
            format!(
                "the run spans {:.1} years; at most 20 are simulated in one run \
                 (split longer studies into several scenarios)",
                (end - start) / (365.25 * 86_400.0)
            ),
        ));
    }
    let steps = (end - start) / scenario.control_step_s;
    if steps > MAX_CONTROL_STEPS {
        return Err(scenario.error(
            "control_step_s",
            format!(
                "{} s steps over {:.1} days are {steps:.0} steps; at most {MAX_CONTROL_STEPS:.0} \
                 (twenty years of minutes) are run at once: a longer step, or a shorter period",
                scenario.control_step_s,
                (end - start) / 86_400.0
            ),
        ));
    }
    Ok((start, end))
}

/// Refuses an `[[input]]` that sets what an `[[event]]` changes: set at every control step, it
/// would undo the event at the next one, and the run would show no trace of it.
fn no_input_undoes_an_event(
    scenario: &Scenario,
    drive: &Drive,
    events: &[Event],
    plant: &dctwin_sim::Plant,
) -> Result<(), ScenarioError> {
    for (j, event) in events.iter().enumerate() {
        if let Some(i) = drive.inputs().setting_any(&event.action.settings(plant)) {
            let e = &scenario.events[j];
            return Err(scenario.error(
                &format!("input.{i}.target"),
                format!(
                    "sets what event {} (`{}` on '{}' at {}) changes: the input, set at every \
                     control step, would undo the event at the next one. Drop the input, or \
                     the event",
                    j + 1,
                    e.action.key(),
                    e.component,
                    e.at
                ),
            ));
        }
    }
    Ok(())
}

/// The scenario's events, checked against the model, on the run's clock.
fn events(
    scenario: &Scenario,
    path: &Path,
    facility: &Facility,
    start_s: f64,
    end_s: f64,
) -> Result<Vec<Event>, ScenarioError> {
    let mut out = Vec::new();
    for (i, e) in scenario.events.iter().enumerate() {
        let bad = |(key, reason): (&str, String)| {
            ScenarioError::Event(Box::new(EventError {
                file: path.to_path_buf(),
                line: crate::spec::line_of_key(&scenario.source, &format!("event.{i}.{key}")),
                key: key.to_string(),
                index: i + 1,
                at: e.at.clone(),
                reason,
            }))
        };
        let t = parse_timestamp(&e.at, utc()).map_err(|x| bad(("at", x.to_string())))?;
        if !(start_s..end_s).contains(&t) {
            return Err(bad((
                "at",
                "the event is outside the scenario's period".into(),
            )));
        }
        let action = action(e, facility).map_err(bad)?;
        out.push(Event {
            time_s: t - start_s,
            action,
        });
    }
    Ok(out)
}

/// An event's action, its component checked against the model; an error names the key.
fn action(e: &EventSpec, facility: &Facility) -> Result<Action, (&'static str, String)> {
    let exchangers: Vec<&str> = (facility.devices.iter())
        .filter_map(|d| match d {
            Device::HeatExchanger { name, .. } => Some(name.as_str()),
            _ => None,
        })
        .collect();
    let coolers: Vec<&str> = (facility.devices.iter())
        .filter_map(|d| match d {
            Device::Volume { link, spec } if *spec.kind == dry_cooler_unit::KIND => {
                Some(facility.links[*link].name.as_str())
            }
            _ => None,
        })
        .collect();
    let pumps: Vec<&str> = (facility.links.iter())
        .filter(|l| matches!(l.component, dctwin_components::Component::Pump(_)))
        .map(|l| l.name.as_str())
        .collect();
    let known = |names: &[&str], what: &str| -> Result<String, (&'static str, String)> {
        if names.contains(&e.component.as_str()) {
            return Ok(e.component.clone());
        }
        if names.is_empty() {
            let reason = format!("the model has no {what} at all ('{}' given)", e.component);
            return Err(("component", reason));
        }
        let some: Vec<&str> = names.iter().take(5).copied().collect();
        Err((
            "component",
            format!(
                "the model has no {what} called '{}' (it has {}{})",
                e.component,
                some.join(", "),
                if names.len() > 5 { ", …" } else { "" }
            ),
        ))
    };
    let factor = || match e.ua_factor {
        Some(f) if f > 0.0 && f <= 1.0 => Ok(f),
        Some(f) => Err(("ua_factor", format!("{f} is not in (0, 1]"))),
        None => Err(("action", "fouling needs ua_factor, in (0, 1]".to_string())),
    };
    Ok(match e.action {
        EventAction::TripPump => Action::TripPump {
            link: known(&pumps, "pump")?,
        },
        EventAction::LoseExchanger => Action::LoseExchanger {
            name: known(&exchangers, "heat exchanger")?,
        },
        EventAction::FoulExchanger => Action::FoulExchanger {
            name: known(&exchangers, "heat exchanger")?,
            ua_factor: factor()?,
        },
        EventAction::FoulDryCooler => Action::FoulDryCooler {
            name: known(&coolers, "dry cooler")?,
            ua_factor: factor()?,
        },
    })
}

/// Write the KPIs and the summary into the run's temporary directory. A failure names the file
/// as it would have been in the run directory, and says that the directory is unchanged.
fn write_outputs(
    run_dir: &RunDir,
    summary: &RunSummary,
    report: &KpiReport,
    schematic: &Schematic,
    alarms: &AlarmFile,
) -> Result<(), ScenarioError> {
    fn json<T: Serialize>(
        run_dir: &RunDir,
        name: &str,
        value: &T,
    ) -> Result<String, ScenarioError> {
        serde_json::to_string_pretty(value).map_err(|e| ScenarioError::Write {
            path: run_dir.target().join(name),
            reason: e.to_string(),
        })
    }
    let files = [
        (files::KPIS_JSON, report.to_json()),
        (files::KPIS_CSV, report.to_csv()),
        (
            files::SCHEMATIC,
            json(run_dir, files::SCHEMATIC, schematic)?,
        ),
        (files::ALARMS, json(run_dir, files::ALARMS, alarms)?),
        (files::SUMMARY, json(run_dir, files::SUMMARY, summary)?),
    ];
    for (name, text) in files {
        std::fs::write(run_dir.path().join(name), text).map_err(|e| ScenarioError::Write {
            path: run_dir.target().join(name),
            reason: format!("{e}; {} is unchanged", run_dir.target().display()),
        })?;
    }
    Ok(())
}

/// Write `text` to `path` through a temporary file in the same directory and a rename, so a
/// reader sees the old file or the whole new one; a failed write leaves no temporary file.
pub fn write_atomic(path: &Path, text: &str) -> Result<(), ScenarioError> {
    let tmp = path.with_extension("partial");
    let written = std::fs::write(&tmp, text)
        .and_then(|_| std::fs::File::open(&tmp)?.sync_all())
        .and_then(|_| std::fs::rename(&tmp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(write_error(path, e));
    }
    Ok(())
}

fn write_error(path: &Path, e: std::io::Error) -> ScenarioError {
    ScenarioError::Write {
        path: path.to_path_buf(),
        reason: e.to_string(),
    }
}

/// The process's peak resident set [MiB], from `/proc/self/status` (`VmHWM`, in kB).
fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}
