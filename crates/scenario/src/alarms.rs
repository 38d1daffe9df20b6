//! A run's alarms: each episode of a watched condition, with when it came and cleared, the
//! component, and the worst value while it lasted. Written to `alarms.json` and carried by the
//! snapshots, so the app lists them live and for a finished run alike.
//!
//! Watched at every reporting step: a rack's supply over its ASHRAE W class (with the KPIs'
//! tolerance), a chip over its limit, a heat-pump evaporator in its freeze-protection band (the
//! units unload), a boiler firing. From the scenario's events: a pump trip and a CDU lost.
//!
//! An alarm clears only once its value is back past the limit by a deadband, as alarm
//! management does (ISA-18.2) so that a value hovering at its limit gives one episode, not one
//! per minute; and a log keeps at most [`MAX_ALARMS`] episodes, counting those beyond.

use crate::drive::Drive;
use dctwin_components::rack;
use dctwin_components::units::Quantity;
use dctwin_sim::{Action, Event, Plant, Snapshot};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The most episodes a run keeps; more are counted in [`AlarmLog::dropped`].
pub const MAX_ALARMS: usize = 10_000;

/// The deadband of a temperature alarm [K].
pub const TEMPERATURE_DEADBAND_K: f64 = 0.5;

/// What an alarm is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlarmKind {
    /// A rack's coolant supply is over its W-class limit [°C].
    SupplyOverClass,
    /// A rack's chip (case) temperature is over its limit [°C].
    ChipOverLimit,
    /// A pump tripped (from the scenario's events).
    PumpTrip,
    /// A CDU's exchanger was lost (from the scenario's events).
    CduLost,
    /// A heat pump's evaporator water leaves in its freeze-protection band: the units unload
    /// [°C].
    EvaporatorFreezeLimit,
    /// A backup boiler fires [kW].
    BoilerOn,
}

impl AlarmKind {
    /// How the alarm reads in a list.
    pub fn describe(self) -> &'static str {
        match self {
            AlarmKind::SupplyOverClass => "supply over its W class",
            AlarmKind::ChipOverLimit => "chip over its limit",
            AlarmKind::PumpTrip => "pump trip",
            AlarmKind::CduLost => "CDU lost",
            AlarmKind::EvaporatorFreezeLimit => "evaporator at its freeze limit",
            AlarmKind::BoilerOn => "boiler on",
        }
    }

    /// The unit of its values.
    pub fn unit(self) -> &'static str {
        match self {
            AlarmKind::BoilerOn => "kW",
            AlarmKind::PumpTrip | AlarmKind::CduLost => "",
            _ => "°C",
        }
    }
}

/// One episode of an alarm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alarm {
    /// What it is about.
    pub kind: AlarmKind,
    /// The component's name.
    pub component: String,
    /// When it came [s since the run's start].
    pub start_s: f64,
    /// When it cleared [s since the run's start]; `None` while on (and if on at the end).
    pub end_s: Option<f64>,
    /// The worst value while on, in the kind's unit (`None` for events).
    pub worst: Option<f64>,
    /// The limit it is judged by, in the kind's unit (`None` for events).
    pub limit: Option<f64>,
}

/// One watched condition.
#[derive(Debug, Clone)]
struct Watch {
    kind: AlarmKind,
    component: String,
    /// The limit, in the kind's unit.
    limit: f64,
    /// How far back past the limit the value must come to clear.
    deadband: f64,
    /// Whether higher values are worse (else lower).
    high: bool,
    /// Where the value comes from.
    source: Source,
}

#[derive(Debug, Clone, Copy)]
enum Source {
    /// A device variable: its index in the snapshot's device values, and the factor and offset
    /// from SI to the alarm's unit.
    Device(usize, f64, f64),
}

/// The watch of a device's limit `w` on a variable of `quantity`, its values from `offset` in
/// the snapshot's device values; `None` if its alarm is not one [`AlarmKind`] knows.
fn device_watch(
    quantity: Quantity,
    w: &dctwin_components::device::Watch,
    offset: usize,
    component: &str,
    supply_tolerance_k: f64,
) -> Option<Watch> {
    let kind: AlarmKind =
        serde_json::from_value(serde_json::Value::String(w.alarm.to_string())).ok()?;
    let (_, scale, shift) = quantity.display();
    let tolerance_k = if w.supply_limit {
        supply_tolerance_k
    } else {
        0.0
    };
    let limit = (w.limit + tolerance_k) * scale + shift;
    let deadband = match quantity {
        Quantity::Temperature => TEMPERATURE_DEADBAND_K,
        // An on/off alarm of a power: half its threshold, so a trickle around it is one episode.
        _ => (w.limit * scale / 2.0).abs(),
    };
    Some(Watch {
        kind,
        component: component.to_string(),
        limit,
        deadband,
        high: w.above,
        source: Source::Device(offset + w.variable, scale, shift),
    })
}

/// The alarms of a run so far.
#[derive(Debug, Clone, Default)]
pub struct AlarmLog {
    /// The episodes, in the order they came.
    pub alarms: Vec<Alarm>,
    /// Episodes beyond [`MAX_ALARMS`], not kept.
    pub dropped: u64,
    watches: Vec<Watch>,
    /// The open episode of each watch (`None`: none open): its index into `alarms`, or `None`
    /// when it opened with the log full (counted once in `dropped`, not at every step it stays
    /// on).
    open: Vec<Option<Option<usize>>>,
    /// Event alarms not yet reached: time [s], kind, component.
    events: Vec<(f64, AlarmKind, String)>,
    /// Bumped at each change, so a reader knows when to copy the list.
    pub version: u64,
}

/// `alarms.json`: the episodes and how many were not kept.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AlarmFile {
    /// The episodes kept.
    pub alarms: Vec<Alarm>,
    /// Episodes beyond [`MAX_ALARMS`].
    #[serde(default)]
    pub dropped: u64,
}

impl AlarmLog {
    /// The watches of `plant`'s racks (in `drive`'s order), its other devices and its couplings
    /// (a heat pump's evaporator), and the
    /// alarms of `events`; a supply counts as over its class `supply_tolerance_k` above it.
    pub fn new(plant: &Plant, drive: &Drive, events: &[Event], supply_tolerance_k: f64) -> Self {
        let mut watches = Vec::new();
        let net = &plant.network;
        let offsets: HashMap<usize, usize> = plant.device_value_offsets().into_iter().collect();
        // Racks first, in the drive's order, then the other devices in link order.
        let racks = drive.driven.racks.iter().map(|&(l, _)| l);
        let others = (plant.devices())
            .filter(|(_, d)| *d.kind() != rack::KIND)
            .map(|(l, _)| l);
        for l in racks.chain(others) {
            let Some(device) = plant.device(l) else {
                continue;
            };
            let Some(&first) = offsets.get(&l) else {
                continue;
            };
            for w in device.watches() {
                watches.extend(device_watch(
                    device.kind().variables[w.variable].quantity,
                    &w,
                    first,
                    &net.links[l].name,
                    supply_tolerance_k,
                ));
            }
        }
        let coupling_offsets = plant.coupling_value_offsets();
        for (c, &first) in plant.couplings.iter().zip(&coupling_offsets) {
            for w in c.coupling.watches() {
                watches.extend(device_watch(
                    c.coupling.kind().variables[w.variable].quantity,
                    &w,
                    first,
                    &c.name,
                    supply_tolerance_k,
                ));
            }
        }
        let events = (events.iter())
            .filter_map(|e| match &e.action {
                Action::TripPump { link } => Some((e.time_s, AlarmKind::PumpTrip, link.clone())),
                Action::LoseExchanger { name } => {
                    Some((e.time_s, AlarmKind::CduLost, name.clone()))
                }
                Action::FoulExchanger { .. } | Action::FoulDryCooler { .. } => None,
            })
            .collect();
        AlarmLog {
            watches,
            events,
            ..AlarmLog::default()
        }
    }

    /// Looks at the state `now`, at `t` [s since the run's start].
    pub fn update(&mut self, t: f64, now: &Snapshot) {
        let reached: Vec<(f64, AlarmKind, String)> = {
            let (due, later) = std::mem::take(&mut self.events)
                .into_iter()
                .partition(|(at, _, _)| *at <= t + 1e-6);
            self.events = later;
            due
        };
        for (at, kind, component) in reached {
            self.push(Alarm {
                kind,
                component,
                start_s: at,
                end_s: None,
                worst: None,
                limit: None,
            });
        }
        for w in 0..self.watches.len() {
            let value = match self.watches[w].source {
                Source::Device(v, scale, offset) => now.device_values[v] * scale + offset,
            };
            self.observe(w, value, t);
        }
    }

    /// Watch `w` reads `value` at `t` [s]: an episode opens beyond the limit, follows its
    /// worst value, and closes once back past the limit by the deadband.
    fn observe(&mut self, w: usize, value: f64, t: f64) {
        let watch = &self.watches[w];
        let sign = if watch.high { 1.0 } else { -1.0 };
        let beyond = sign * (value - watch.limit);
        if self.open.len() < self.watches.len() {
            self.open.resize(self.watches.len(), None);
        }
        match self.open[w] {
            None if beyond > 0.0 => {
                let alarm = Alarm {
                    kind: watch.kind,
                    component: watch.component.clone(),
                    start_s: t,
                    end_s: None,
                    worst: Some(value),
                    limit: Some(watch.limit),
                };
                let index = self.push(alarm);
                self.open[w] = Some(index);
            }
            None => {}
            Some(None) if beyond < -watch.deadband => {
                self.open[w] = None;
            }
            Some(None) => {}
            Some(Some(index)) => {
                let alarm = &mut self.alarms[index];
                if beyond < -watch.deadband {
                    alarm.end_s = Some(t);
                    self.open[w] = None;
                    self.version += 1;
                } else if alarm
                    .worst
                    .is_some_and(|worst| sign * (value - worst) > 0.0)
                {
                    alarm.worst = Some(value);
                    self.version += 1;
                }
            }
        }
    }

    /// Keeps `alarm` if there is room; its index.
    fn push(&mut self, alarm: Alarm) -> Option<usize> {
        if self.alarms.len() >= MAX_ALARMS {
            self.dropped += 1;
            return None;
        }
        self.alarms.push(alarm);
        self.version += 1;
        Some(self.alarms.len() - 1)
    }

    /// What `alarms.json` holds.
    pub fn file(&self) -> AlarmFile {
        AlarmFile {
            alarms: self.alarms.clone(),
            dropped: self.dropped,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log_with(watch: Watch) -> AlarmLog {
        AlarmLog {
            watches: vec![watch],
            ..AlarmLog::default()
        }
    }

    /// Steps the log's one watch through `values`, one a minute.
    fn feed(log: &mut AlarmLog, values: &[f64]) {
        for (i, &v) in values.iter().enumerate() {
            log.observe(0, v, 60.0 * (i + 1) as f64);
        }
    }

    #[test]
    fn a_value_hovering_at_its_limit_is_one_episode_until_it_clears_past_the_deadband() {
        let mut log = log_with(Watch {
            kind: AlarmKind::SupplyOverClass,
            component: "rack".into(),
            limit: 45.0,
            deadband: 0.5,
            high: true,
            source: Source::Device(0, 1.0, -273.15),
        });
        feed(
            &mut log,
            &[44.0, 45.2, 44.8, 45.3, 44.9, 46.0, 44.6, 44.4, 44.0],
        );
        assert_eq!(log.alarms.len(), 1);
        let a = &log.alarms[0];
        assert_eq!(
            (a.start_s, a.end_s, a.worst),
            (120.0, Some(480.0), Some(46.0))
        );
    }

    #[test]
    fn a_low_limit_opens_below_and_a_full_log_counts_what_it_drops() {
        let mut log = log_with(Watch {
            kind: AlarmKind::EvaporatorFreezeLimit,
            component: "hp".into(),
            limit: 6.0,
            deadband: 0.5,
            high: false,
            source: Source::Device(0, 1.0, -273.15),
        });
        feed(&mut log, &[7.0, 5.5, 4.2, 6.2, 6.6]);
        assert_eq!(log.alarms.len(), 1);
        let a = &log.alarms[0];
        assert_eq!(
            (a.start_s, a.end_s, a.worst),
            (120.0, Some(300.0), Some(4.2))
        );
        let mut flapping = Vec::new();
        for _ in 0..MAX_ALARMS + 5 {
            flapping.extend([5.0, 7.0]);
        }
        feed(&mut log, &flapping);
        assert_eq!(log.alarms.len(), MAX_ALARMS);
        assert_eq!(log.dropped, 6);
        // An episode that comes with the log full and stays on is dropped once, not each step.
        feed(&mut log, &[5.0; 100]);
        assert_eq!(log.dropped, 7);
    }

    /// Every alarm a device kind watches is one the log knows: an unknown one would be dropped
    /// without a word.
    #[test]
    fn every_device_watch_is_a_known_alarm() {
        use dctwin_components::device::{Fallback, ParameterValue, ParameterValues};
        let water = dctwin_fluid::Fluid::water();
        for kind in dctwin_components::devices::KINDS {
            let mut values = ParameterValues::new(kind.parameters);
            for p in kind.parameters {
                if let Fallback::Required(_) = p.fallback {
                    let x = match p.name {
                        "return" | "design_water_out" => 313.15,
                        "design_air" | "design_wet_bulb" => 298.15,
                        "design_heat" | "fan_power" => 100_000.0,
                        _ => 343.15,
                    };
                    values.give(p.name, ParameterValue::Number(x));
                }
            }
            let device = (kind.build)(&values, &water, 318.15).unwrap();
            for w in device.watches() {
                let quantity = kind.variables[w.variable].quantity;
                let watch = device_watch(quantity, &w, 0, "x", 0.0);
                assert!(watch.is_some(), "{}: alarm {}", kind.key, w.alarm);
            }
        }
    }
}
