//! The scenario's inputs on the control-step grid (IT power, outdoor air, heat demand) and
//! their application to the plant at each step.

use crate::error::ScenarioError;
use crate::spec::{ItMode, Scenario, WeatherSource};
use dctwin_components::psychrometrics::{MoistAir, Psychrometrics};
use dctwin_inputs::{Resolver, TimeGrid, TraceWeather, Weather};
use dctwin_sim::Plant;
use dctwin_sim::plant::{Heat, LinkThermal};
use std::path::Path;

/// Default outdoor dry bulb without a weather file [°C].
pub const DEFAULT_DRY_BULB_C: f64 = 15.0;
/// Default outdoor relative humidity without a weather file [-].
pub const DEFAULT_RELATIVE_HUMIDITY: f64 = 0.6;
/// Standard atmosphere [Pa].
const STANDARD_ATMOSPHERE_PA: f64 = 101_325.0;

/// The racks and substations the inputs drive, with their design values.
#[derive(Debug, Clone, Default)]
pub struct Driven {
    /// Rack links and their design IT power [W].
    pub racks: Vec<(usize, f64)>,
    /// Substation links and their design demand [W].
    pub substations: Vec<(usize, f64)>,
}

impl Driven {
    /// The racks and substations of `plant`.
    pub fn of(plant: &Plant) -> Driven {
        let mut d = Driven::default();
        for (l, t) in plant.links.iter().enumerate() {
            match t {
                LinkThermal::Volume {
                    heat: Heat::Rack(r),
                    ..
                } => d.racks.push((l, r.it_power_w)),
                LinkThermal::Volume {
                    heat: Heat::District(s),
                    ..
                } => d.substations.push((l, s.demand_w)),
                _ => {}
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

/// Per control step: the racks' power as a fraction of design, the outdoor air and the total
/// heat demand.
#[derive(Debug, Clone)]
pub struct Drive {
    /// The grid (absolute times, UTC epoch seconds).
    pub grid: TimeGrid,
    /// What is driven.
    pub driven: Driven,
    /// Every rack draws this fraction of its design power [-].
    pub it_fraction: Vec<f64>,
    /// Outdoor air.
    pub air: Vec<MoistAir>,
    /// Total heat demand of the substations [W] (`None`: at design).
    pub demand_w: Option<Vec<f64>>,
}

impl Drive {
    /// Read the scenario's traces and weather onto `grid`.
    pub fn load(
        scenario: &Scenario,
        file: &Path,
        resolver: &Resolver,
        grid: TimeGrid,
        driven: Driven,
    ) -> Result<Drive, ScenarioError> {
        let scale = scenario.overrides.it_scale.unwrap_or(1.0);
        let it_fraction = it_fraction(scenario, file, resolver, &grid, &driven)?
            .into_iter()
            .map(|f| f * scale)
            .collect();
        let air = outdoor_air(&scenario.weather, resolver, &grid)?;
        let demand_w = match &scenario.heat_demand {
            None => None,
            Some(h) => {
                let trace = dctwin_inputs::load(&h.trace, resolver, &grid)?;
                let mut values = first_column(&trace, file, "heat_demand.trace")?;
                if let Some(peak_kw) = h.peak_kw {
                    let peak = values.iter().cloned().fold(0.0, f64::max);
                    if peak > 0.0 {
                        values.iter_mut().for_each(|v| *v *= peak_kw * 1e3 / peak);
                    }
                }
                Some(values)
            }
        };
        Ok(Drive {
            grid,
            driven,
            it_fraction,
            air,
            demand_w,
        })
    }

    /// The step of simulated time `time_s` (seconds from the run's start).
    pub fn step_of(&self, time_s: f64) -> usize {
        ((time_s / self.grid.step_s).floor().max(0.0) as usize).min(self.grid.len - 1)
    }

    /// Mean IT power over steps `from..to` [W].
    pub fn mean_it_power_w(&self, from: usize, to: usize) -> f64 {
        let to = to.min(self.grid.len).max(from + 1);
        let sum: f64 = self.it_fraction[from..to].iter().sum();
        sum / (to - from) as f64 * self.driven.design_it_w()
    }

    /// Set the plant's inputs for the step starting at `time_s`.
    pub fn apply(&self, time_s: f64, plant: &mut Plant) {
        let k = self.step_of(time_s);
        let f = self.it_fraction[k];
        for &(l, design) in &self.driven.racks {
            if let LinkThermal::Volume {
                heat: Heat::Rack(r),
                ..
            } = &mut plant.links[l]
            {
                r.it_power_w = design * f;
            }
        }
        plant.outdoor = self.air[k];
        if let Some(demand) = &self.demand_w {
            let design = self.driven.design_demand_w();
            for &(l, share) in &self.driven.substations {
                if let LinkThermal::Volume {
                    heat: Heat::District(s),
                    ..
                } = &mut plant.links[l]
                {
                    s.demand_w = if design > 0.0 {
                        demand[k] * share / design
                    } else {
                        0.0
                    };
                }
            }
        }
    }
}

/// Outdoor air at each step: from the EPW file, the weather trace, or the constant.
fn outdoor_air(
    weather: &WeatherSource,
    resolver: &Resolver,
    grid: &TimeGrid,
) -> Result<Vec<MoistAir>, ScenarioError> {
    if let Some(epw) = &weather.epw {
        return Ok(Weather::load(epw, resolver)?.on_grid(grid));
    }
    if let Some(trace) = &weather.trace {
        return Ok(TraceWeather::load(trace, resolver, grid)?.air);
    }
    let psy = Psychrometrics::new(STANDARD_ATMOSPHERE_PA)
        .expect("standard atmosphere is a valid pressure");
    let t = weather.dry_bulb_c.unwrap_or(DEFAULT_DRY_BULB_C) + 273.15;
    let rh = (weather.relative_humidity)
        .unwrap_or(DEFAULT_RELATIVE_HUMIDITY)
        .clamp(0.0, 1.0);
    Ok(vec![psy.air_from_relative_humidity(t, rh); grid.len])
}

/// The first column of a loaded trace.
fn first_column(
    trace: &dctwin_inputs::Trace,
    file: &Path,
    key: &str,
) -> Result<Vec<f64>, ScenarioError> {
    trace
        .columns
        .first()
        .map(|c| c.values.clone())
        .ok_or_else(|| ScenarioError::Value {
            file: file.to_path_buf(),
            key: key.to_string(),
            reason: "the trace lists no column".into(),
        })
}

/// Each step's IT power as a fraction of the racks' design power, by the scenario's rule.
fn it_fraction(
    scenario: &Scenario,
    file: &Path,
    resolver: &Resolver,
    grid: &TimeGrid,
    driven: &Driven,
) -> Result<Vec<f64>, ScenarioError> {
    let it = &scenario.it;
    let Some(spec) = &it.trace else {
        return Ok(vec![1.0; grid.len]);
    };
    let trace = dctwin_inputs::load(spec, resolver, grid)?;
    let values = first_column(&trace, file, "it.trace")?;
    let bad = |reason: String| ScenarioError::Value {
        file: file.to_path_buf(),
        key: "it.trace".into(),
        reason,
    };
    Ok(match it.mode {
        ItMode::Design => vec![1.0; grid.len],
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
    })
}
