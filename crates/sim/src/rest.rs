//! The design point of any model: its transient simulation held at constant inputs (the
//! model's design values, one weather point) until it comes to rest, a pseudo-transient
//! continuation. Every device, coupling and controller then stands where its own law and
//! set-point put it: exchangers by ε-NTU, heat pumps at their set-points and capacity, dry
//! coolers and towers at the weather given, tanks full of their steady water, substations at
//! their demand, PI loops at their set-point or at a limit, which the result says.

use crate::control::Measured;
use crate::plant::Plant;
use crate::{SimError, Simulation};
use dctwin_network::SteadyResult;
use std::ops::ControlFlow;

/// When a run counts as at rest.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RestOptions {
    /// How often the state is compared with the last [s].
    pub check_every_s: f64,
    /// Give up after [s].
    pub max_s: f64,
    /// At rest when no volume moved more than this over a check [K]: a mode that still moves
    /// 5e-4 K an hour is within 0.05 K of its end unless its time constant exceeds 100 h.
    pub tolerance_k: f64,
    /// And no flow moved more than this share of itself (or of 1 g/s) [-].
    pub flow_tolerance: f64,
}

impl Default for RestOptions {
    fn default() -> Self {
        RestOptions {
            check_every_s: 3600.0,
            max_s: 60.0 * 86_400.0,
            tolerance_k: 5e-4,
            flow_tolerance: 1e-6,
        }
    }
}

/// Which of its limits a controller's output stands at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Its lowest output (a valve shut, a pump at its lowest speed).
    Lowest,
    /// Its highest (a valve open, a pump at full speed): its set-point may be out of reach.
    Highest,
}

/// A PI loop at rest.
#[derive(Debug, Clone, PartialEq)]
pub struct ControllerAtRest {
    /// Its name.
    pub name: String,
    /// Its set-point [K].
    pub setpoint_k: f64,
    /// What it measures [K].
    pub measured_k: f64,
    /// Its output (a valve's opening, a pump's relative speed) [-].
    pub output: f64,
    /// The limit its output stands at, if it does.
    pub limit: Option<Limit>,
    /// The loop of what it moves (a valve's, a pump's).
    pub loop_index: usize,
}

/// A model at rest.
#[derive(Debug, Clone, PartialEq)]
pub struct Rest {
    /// Time simulated to reach it [s].
    pub simulated_s: f64,
    /// Flows, pressures and temperatures, as the steady solver reports them.
    pub steady: SteadyResult,
    /// Each PI loop.
    pub controllers: Vec<ControllerAtRest>,
    /// The most any volume moved over the last check [K].
    pub drift_k: f64,
}

/// Share of an output's range within which it counts as at its limit [-].
const AT_LIMIT: f64 = 1e-3;

/// Run `sim` at its plant's present inputs until it is at rest by `options`.
pub fn come_to_rest(sim: &mut Simulation, options: &RestOptions) -> Result<Rest, SimError> {
    let mut before = sim.snapshot();
    loop {
        let end = sim.time_s() + options.check_every_s;
        let hold = &mut |_: f64, _: &mut Plant| {};
        sim.run(end, options.check_every_s, hold, &mut |_| {
            ControlFlow::Continue(())
        })?;
        let now = sim.snapshot();
        let (drift_k, worst) = (now.volume_k.iter().zip(&before.volume_k))
            .map(|(a, b)| (a - b).abs())
            .enumerate()
            .fold(
                (0.0, 0),
                |(d, w), (s, x)| if x > d { (x, s) } else { (d, w) },
            );
        let flows_held = (now.flow_kg_s.iter().zip(&before.flow_kg_s))
            .all(|(a, b)| (a - b).abs() <= options.flow_tolerance * a.abs().max(1e-3));
        if drift_k <= options.tolerance_k && flows_held {
            return Ok(Rest {
                simulated_s: sim.time_s(),
                steady: sim.steady_view(),
                controllers: controllers_at_rest(sim),
                drift_k,
            });
        }
        if sim.time_s() >= options.max_s {
            let states = sim.plant.state_links();
            let component = (states.get(worst)).map_or("?".to_string(), |&l| {
                sim.plant.network.links[l].name.to_string()
            });
            return Err(SimError::NotAtRest {
                days: sim.time_s() / 86_400.0,
                component,
                drift_k,
            });
        }
        before = now;
    }
}

/// Each PI loop of `sim` now: its set-point, what it measures, its output and the limit it
/// stands at.
fn controllers_at_rest(sim: &Simulation) -> Vec<ControllerAtRest> {
    let network = &sim.plant.network;
    (sim.controllers.loops.iter())
        .map(|c| {
            let measured_k = match c.measured {
                Measured::Node(n) => sim.node_temperatures_k()[n],
                Measured::Volume(l) => (sim.link_temperature_k(l))
                    .unwrap_or(sim.node_temperatures_k()[network.links[l].to]),
            };
            let output = c.pi.output();
            let (lo, hi) = c.pi.output_limits();
            let near = AT_LIMIT * (hi - lo).abs().max(f64::MIN_POSITIVE);
            let limit = if output <= lo + near {
                Some(Limit::Lowest)
            } else if output >= hi - near {
                Some(Limit::Highest)
            } else {
                None
            };
            let actuated = match c.actuator {
                crate::control::Actuator::ValveOpening(l)
                | crate::control::Actuator::PumpSpeed(l) => l,
            };
            ControllerAtRest {
                loop_index: network.links[actuated].loop_index,
                name: c.name.clone(),
                setpoint_k: c.pi.current_setpoint(),
                measured_k,
                output,
                limit,
            }
        })
        .collect()
}
