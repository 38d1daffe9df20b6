//! The scenario's inputs on the control-step grid (IT power, outdoor air, heat demand, and the
//! inputs bound to any settable parameter) and their application to the plant at each step.

use crate::bound::BoundInputs;
use crate::error::ScenarioError;
use crate::spec::{ItLoad, ItMode, Scenario, shown};
use dctwin_components::psychrometrics::{MoistAir, Psychrometrics};
use dctwin_components::{district, rack};
use dctwin_inputs::{Quantity, Resolver, TimeGrid, TraceWeather, Weather};
use dctwin_sim::Plant;
use dctwin_sim::control::Controllers;

/// Default outdoor dry bulb without a weather file [°C].
pub const DEFAULT_DRY_BULB_C: f64 = 15.0;
/// Default outdoor relative humidity without a weather file [-].
pub const DEFAULT_RELATIVE_HUMIDITY: f64 = 0.6;
// Standard atmosphere [Pa], for air states given without a pressure.
use dctwin_components::psychrometrics::STANDARD_PRESSURE_PA as STANDARD_ATMOSPHERE_PA;

/// The racks and substations the inputs drive, with their design values.
#[derive(Debug, Clone, Default)]
pub struct Driven {
    /// Rack links and their design IT power [W].
    pub racks: Vec<(usize, f64)>,
    /// The racks' names, in the same order.
    pub rack_names: Vec<String>,
    /// Substation links and their design demand [W].
    pub substations: Vec<(usize, f64)>,
}

impl Driven {
    /// The racks and substations of `plant`.
    pub fn of(plant: &Plant) -> Driven {
        let mut d = Driven::default();
        for (l, device) in plant.devices() {
            let kind = device.kind();
            if *kind == rack::KIND {
                d.racks.push((l, device.get("it_power").unwrap_or(0.0)));
                d.rack_names.push(plant.network.links[l].name.to_string());
            } else if *kind == district::KIND {
                d.substations
                    .push((l, device.get("design_demand").unwrap_or(0.0)));
            }
        }
        d
    }

    /// Sum of the racks' design IT power [W].
    pub fn design_it_w(&self) -> f64 {
        self.racks.iter().map(|r| r.1).sum()
    }

    /// Sum of the substations' design demand [W].
    pub fn design_demand_w(&self) -> f64 {
        self.substations.iter().map(|s| s.1).sum()
    }
}

/// The racks' IT power per control step: one or more series, each driving its racks in
/// proportion to their design power.
#[derive(Debug, Clone)]
pub struct ItPower {
    /// Per series, each step's power as a fraction of its racks' design power [-].
    pub fractions: Vec<Vec<f64>>,
    /// The series of each driven rack (in [`Driven::racks`] order).
    pub series_of_rack: Vec<usize>,
    /// Design IT power of each series' racks [W].
    pub design_w: Vec<f64>,
}

impl ItPower {
    /// One series driving every rack.
    fn uniform(fraction: Vec<f64>, driven: &Driven) -> ItPower {
        ItPower {
            fractions: vec![fraction],
            series_of_rack: vec![0; driven.racks.len()],
            design_w: vec![driven.design_it_w()],
        }
    }

    /// The fraction of its design power rack `rack` draws at `step` [-].
    pub fn fraction(&self, rack: usize, step: usize) -> f64 {
        at(&self.fractions[self.series_of_rack[rack]], step)
    }

    /// The racks' total IT power at `step` [W].
    pub fn power_w(&self, step: usize) -> f64 {
        (self.fractions.iter().zip(&self.design_w))
            .map(|(f, design)| at(f, step) * design)
            .sum()
    }
}

/// The value of a per-step series at `step`; a series of one value is a constant (no run
/// allocates a value per step for an input that does not change).
fn at<T: Copy>(series: &[T], step: usize) -> T {
    series[step.min(series.len() - 1)]
}

/// Per control step: the racks' power, the outdoor air and the total heat demand.
#[derive(Debug, Clone)]
pub struct Drive {
    /// The grid (absolute times, UTC epoch seconds).
    pub grid: TimeGrid,
    /// What is driven.
    pub driven: Driven,
    /// The racks' IT power.
    pub it: ItPower,
    /// Outdoor air.
    pub air: Vec<MoistAir>,
    /// Total heat demand of the substations [W] (`None`: at design).
    pub demand_w: Option<Vec<f64>>,
    /// The inputs bound to settable parameters (`[[input]]`).
    pub bound: BoundInputs,
}

impl Drive {
    /// Read the scenario's traces and weather onto `grid` (its `[[input]]`s are bound by
    /// [`Drive::bind_inputs`]).
    pub fn load(
        scenario: &Scenario,
        resolver: &Resolver,
        grid: TimeGrid,
        driven: Driven,
    ) -> Result<Drive, ScenarioError> {
        let scale = scenario.overrides.it_scale.unwrap_or(1.0);
        let mut it = it_power(scenario, resolver, &grid, &driven)?;
        for f in it.fractions.iter_mut().flatten() {
            *f *= scale;
        }
        check_it(&it, scenario, &grid)?;
        let air = outdoor_air(scenario, resolver, &grid)?;
        let demand_w = match &scenario.heat_demand {
            None => None,
            Some(h) => {
                let trace = dctwin_inputs::load(&h.trace, resolver, &grid)
                    .map_err(|e| scenario.input_error("heat_demand.trace", e))?;
                let mut values = first_column(&trace, scenario, "heat_demand.trace")?;
                check_demand(&values, scenario, &grid)?;
                if let Some(peak_kw) = h.peak_kw {
                    let peak_w = values.iter().cloned().fold(0.0, f64::max);
                    // Below a watt the trace is zero for any facility: scaling it would blow
                    // its rounding noise up to the peak asked for.
                    if peak_w < 1.0 {
                        return Err(scenario.error(
                            "heat_demand.peak_kw",
                            format!(
                                "the trace's peak over the run is {} W: there is no demand to \
                                 scale to {peak_kw} kW",
                                shown(peak_w)
                            ),
                        ));
                    }
                    values.iter_mut().for_each(|v| *v *= peak_kw * 1e3 / peak_w);
                }
                Some(values)
            }
        };
        Ok(Drive {
            grid,
            driven,
            it,
            air,
            demand_w,
            bound: BoundInputs::default(),
        })
    }

    /// Bind the scenario's `[[input]]`s to `plant`'s and `controllers`' parameters, their
    /// values read onto the drive's grid.
    pub fn bind_inputs(
        &mut self,
        scenario: &Scenario,
        resolver: &Resolver,
        plant: &Plant,
        controllers: &Controllers,
    ) -> Result<(), ScenarioError> {
        self.bound = BoundInputs::load(scenario, resolver, &self.grid, plant, controllers)?;
        Ok(())
    }

    /// The scenario's bound inputs.
    pub fn inputs(&self) -> &BoundInputs {
        &self.bound
    }

    /// The step of simulated time `time_s` (seconds from the run's start). A time within
    /// 1e-9 of a step below a step's start is that step's (0.6 s is step 6 of 0.1 s, whatever
    /// its last bit); a report asks for the step before its time by 1e-6 s, well beyond that.
    pub fn step_of(&self, time_s: f64) -> usize {
        let steps = time_s / self.grid.step_s + 1e-9;
        (steps.floor().max(0.0) as usize).min(self.grid.len - 1)
    }

    /// Mean IT power over steps `from..to` [W].
    pub fn mean_it_power_w(&self, from: usize, to: usize) -> f64 {
        let to = to.min(self.grid.len).max(from + 1);
        let sum: f64 = (from..to).map(|k| self.it.power_w(k)).sum();
        sum / (to - from) as f64
    }

    /// The outdoor air at step `k`.
    pub fn air_at(&self, k: usize) -> MoistAir {
        at(&self.air, k)
    }

    /// Set the plant's inputs for the step starting at `time_s`; the error names an
    /// `[[input]]` whose value a parameter refused.
    pub fn apply(&self, time_s: f64, plant: &mut Plant) -> Result<(), String> {
        let k = self.step_of(time_s);
        for (i, &(l, design)) in self.driven.racks.iter().enumerate() {
            set(plant, l, "it_power", design * self.it.fraction(i, k));
        }
        plant.outdoor = self.air_at(k);
        if let Some(demand) = &self.demand_w {
            let design = self.driven.design_demand_w();
            for &(l, share) in &self.driven.substations {
                let demand_w = if design > 0.0 {
                    demand[k] * share / design
                } else {
                    0.0
                };
                set(plant, l, "demand", demand_w);
            }
        }
        self.bound.apply(k, plant)
    }

    /// Set the controllers' set-points bound to inputs for the step starting at `time_s`.
    pub fn apply_controllers(
        &self,
        time_s: f64,
        controllers: &mut Controllers,
    ) -> Result<(), String> {
        (self.bound).apply_controllers(self.step_of(time_s), controllers)
    }
}

/// The drive as the simulation takes its inputs: the plant's, then the controllers'.
pub struct DriveInputs<'d>(pub &'d Drive);

impl dctwin_sim::Inputs for DriveInputs<'_> {
    fn apply(&mut self, time_s: f64, plant: &mut Plant) -> Result<(), String> {
        self.0.apply(time_s, plant)
    }

    fn apply_controllers(
        &mut self,
        time_s: f64,
        controllers: &mut Controllers,
    ) -> Result<(), String> {
        self.0.apply_controllers(time_s, controllers)
    }
}

/// Set parameter `name` of the device on link `l`. The inputs were checked finite and ≥ 0 when
/// read, which is all a rack's power and a substation's demand ask.
fn set(plant: &mut Plant, l: usize, name: &str, value: f64) {
    if let Some(device) = plant.device_mut(l) {
        let result = device.set(name, value);
        debug_assert!(result.is_ok(), "{result:?}");
    }
}

/// Outdoor air at each step: from the EPW file, the weather trace, or the constant.
fn outdoor_air(
    scenario: &Scenario,
    resolver: &Resolver,
    grid: &TimeGrid,
) -> Result<Vec<MoistAir>, ScenarioError> {
    let weather = &scenario.weather;
    if let Some(epw) = &weather.epw {
        return Ok(Weather::load(epw, resolver)
            .map_err(|e| scenario.input_error("weather.epw", e))?
            .on_grid(grid));
    }
    if let Some(trace) = &weather.trace {
        return Ok(TraceWeather::load(trace, resolver, grid)
            .map_err(|e| scenario.input_error("weather.trace", e))?
            .air);
    }
    let psy = Psychrometrics::new(STANDARD_ATMOSPHERE_PA)
        .expect("standard atmosphere is a valid pressure");
    let t = weather.dry_bulb_c.unwrap_or(DEFAULT_DRY_BULB_C) + 273.15;
    let rh = (weather.relative_humidity)
        .unwrap_or(DEFAULT_RELATIVE_HUMIDITY)
        .clamp(0.0, 1.0);
    Ok(vec![psy.air_from_relative_humidity(t, rh)])
}

/// The most a trace may ask of a rack, as a multiple of its design power [-]: a rack's power
/// supplies and cold plates are sized for about its design power; ten times it is a unit error.
const MAX_IT_FRACTION: f64 = 10.0;

/// Every step's IT power is from 0 to [`MAX_IT_FRACTION`] × design.
fn check_it(it: &ItPower, scenario: &Scenario, grid: &TimeGrid) -> Result<(), ScenarioError> {
    for (series, fractions) in it.fractions.iter().enumerate() {
        let bad =
            (fractions.iter().enumerate()).find(|(_, f)| !(0.0..=MAX_IT_FRACTION).contains(*f));
        if let Some((k, f)) = bad {
            return Err(scenario.error(
                "it.trace",
                format!(
                    "{} kW at {} is {} × the design power of the racks it drives ({} kW, \
                     it_scale included): expected 0 to {MAX_IT_FRACTION} × (check the \
                     column's unit)",
                    shown(f * it.design_w[series] / 1e3),
                    dctwin_inputs::time::format_time(grid.time_s(k)),
                    shown(*f),
                    shown(it.design_w[series] / 1e3)
                ),
            ));
        }
    }
    Ok(())
}

/// The largest heat demand a trace may give [W]: 10 GW, above the largest district-heating
/// networks (a campus network is a few MW).
const MAX_DEMAND_W: f64 = 1e10;

/// Every step's heat demand is a power from 0 to [`MAX_DEMAND_W`].
fn check_demand(values: &[f64], scenario: &Scenario, grid: &TimeGrid) -> Result<(), ScenarioError> {
    let bad = (values.iter().enumerate()).find(|(_, w)| !(0.0..=MAX_DEMAND_W).contains(*w));
    match bad {
        None => Ok(()),
        Some((k, w)) => Err(scenario.error(
            "heat_demand.trace",
            format!(
                "{} kW at {}: expected a heat demand from 0 to 1e7 kW (10 GW)",
                shown(w / 1e3),
                dctwin_inputs::time::format_time(grid.time_s(k))
            ),
        )),
    }
}

/// The first column of a loaded trace.
fn first_column(
    trace: &dctwin_inputs::Trace,
    scenario: &Scenario,
    key: &str,
) -> Result<Vec<f64>, ScenarioError> {
    trace
        .columns
        .first()
        .map(|c| c.values.clone())
        .ok_or_else(|| scenario.error(key, "the trace lists no column".into()))
}

/// Each step's IT power of the racks, by the scenario's rule.
fn it_power(
    scenario: &Scenario,
    resolver: &Resolver,
    grid: &TimeGrid,
    driven: &Driven,
) -> Result<ItPower, ScenarioError> {
    let it = &scenario.it;
    let Some(spec) = &it.trace else {
        return Ok(ItPower::uniform(vec![1.0], driven));
    };
    let trace = dctwin_inputs::load(spec, resolver, grid)
        .map_err(|e| scenario.input_error("it.trace", e))?;
    let bad = |key: &str, reason: String| scenario.error(key, reason);
    if it.mode == ItMode::Columns {
        return column_power(it, &trace, driven, &bad);
    }
    let values = first_column(&trace, scenario, "it.trace")?;
    let bad = |reason: String| bad("it.trace", reason);
    let fraction = match it.mode {
        ItMode::Design => vec![1.0],
        ItMode::System => {
            let design = driven.design_it_w();
            if design <= 0.0 {
                return Err(bad("the model has no rack to spread the power over".into()));
            }
            values.iter().map(|p| p / design).collect()
        }
        ItMode::RackShape => {
            let peak = values.iter().cloned().fold(0.0, f64::max);
            if peak <= 0.0 {
                return Err(bad("the trace is zero over the whole run".into()));
            }
            values.iter().map(|p| p / peak).collect()
        }
        ItMode::Utilisation => {
            if let Some((k, u)) =
                (values.iter().enumerate()).find(|(_, u)| !(0.0..=1.0).contains(*u))
            {
                return Err(bad(format!(
                    "utilisation {u} at {} is outside 0..1 (declare unit \"%\" for percentages)",
                    dctwin_inputs::time::format_time(grid.time_s(k))
                )));
            }
            let idle = it.idle_fraction;
            values.iter().map(|u| idle + (1.0 - idle) * u).collect()
        }
        ItMode::Columns => unreachable!("handled above"),
    };
    Ok(ItPower::uniform(fraction, driven))
}

/// `columns` mode: each trace column is the power of the racks under its prefixes.
fn column_power(
    it: &ItLoad,
    trace: &dctwin_inputs::Trace,
    driven: &Driven,
    bad: &dyn Fn(&str, String) -> ScenarioError,
) -> Result<ItPower, ScenarioError> {
    if let Some(key) = (it.racks.keys()).find(|k| !trace.columns.iter().any(|c| &c.name == *k)) {
        return Err(bad(
            &format!("it.racks.{key}"),
            "no column of [it.trace] has this name".into(),
        ));
    }
    const NONE: usize = usize::MAX;
    let mut series_of_rack = vec![NONE; driven.racks.len()];
    let mut design_w = vec![0.0; trace.columns.len()];
    for (s, column) in trace.columns.iter().enumerate() {
        if !matches!(column.quantity, Quantity::Power | Quantity::EnergyRegister) {
            return Err(bad(
                "it.trace",
                format!(
                    "column '{}' is not a power: declare its unit as W, kW or MW (or a kWh \
                     register)",
                    column.name
                ),
            ));
        }
        let prefixes =
            (it.racks.get(&column.name)).map_or_else(|| vec![column.name.clone()], |p| p.list());
        let key = format!("it.racks.{}", column.name);
        for (r, name) in driven.rack_names.iter().enumerate() {
            if !prefixes.iter().any(|p| is_under(name, p)) {
                continue;
            }
            if series_of_rack[r] != NONE {
                let other = &trace.columns[series_of_rack[r]].name;
                return Err(bad(
                    &key,
                    format!("rack '{name}' is also under column '{other}'"),
                ));
            }
            series_of_rack[r] = s;
            design_w[s] += driven.racks[r].1;
        }
        if design_w[s] <= 0.0 {
            return Err(bad(
                &key,
                format!(
                    "column '{}' drives no rack of design power > 0: no rack's name is or \
                     starts with {}",
                    column.name,
                    prefixes
                        .iter()
                        .map(|p| format!("'{p}'"))
                        .collect::<Vec<_>>()
                        .join(" or ")
                ),
            ));
        }
    }
    let missing: Vec<&str> = (series_of_rack.iter().zip(&driven.rack_names))
        .filter(|(s, _)| **s == NONE)
        .map(|(_, name)| name.as_str())
        .collect();
    if let Some(first) = missing.first() {
        return Err(bad(
            "it.racks",
            format!(
                "{} rack(s) belong to no column, '{first}' the first: give each a column",
                missing.len()
            ),
        ));
    }
    let fractions = (trace.columns.iter().zip(&design_w))
        .map(|(c, design)| c.values.iter().map(|p| p / design).collect())
        .collect();
    Ok(ItPower {
        fractions,
        series_of_rack,
        design_w,
    })
}

/// Whether a component called `name` is `prefix` or lies under it (`prefix.` ...).
fn is_under(name: &str, prefix: &str) -> bool {
    name.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}
