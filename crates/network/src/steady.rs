//! The steady state of a whole facility: hydraulics and heat transport solved together.
//!
//! The two are coupled both ways: fluid properties follow the temperatures, and heat consumers
//! set their flows from the supply temperature that reaches them. Each round solves the
//! hydraulics (warm-started, usually one or two Newton iterations after the first round), then
//! the temperatures, then updates the consumers, until temperatures and flows stop changing.

use crate::acceleration::Anderson;
use crate::error::SolveError;
use crate::graph::Network;
use crate::hydraulic::{HydraulicSolver, HydraulicState, SolveStats};
use crate::result::SteadyResult;
use crate::thermal::{self, ThermalState};
use dctwin_components::{Component, FluidState, ThermalLaw};

/// Temperature change below which the coupling has converged [K].
pub const TEMPERATURE_TOLERANCE_K: f64 = 1.0e-6;
/// Relative consumer-flow change below which the coupling has converged.
pub const CONSUMER_FLOW_TOLERANCE: f64 = 1.0e-8;
/// Coupling rounds allowed.
pub const MAX_ROUNDS: usize = 200;

/// A facility's network with its solver and state, reusable for many solves (warm start).
pub struct SteadySolver {
    network: Network,
    hydraulic: HydraulicSolver,
    /// Flows, pressures and statuses of the last solve.
    pub hydraulic_state: HydraulicState,
    /// Temperatures of the last solve.
    pub thermal_state: ThermalState,
    laws: Vec<ThermalLaw>,
    node_k_before: Vec<f64>,
    /// The heat consumers' links.
    consumers: Vec<usize>,
    /// Acceleration of the consumer-flow iteration.
    anderson: Anderson,
    /// Work arrays: consumer flows used in the round and those their supply temperatures ask for.
    consumer_x: Vec<f64>,
    consumer_g: Vec<f64>,
}

/// What the last solve cost.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CouplingStats {
    /// Hydraulic iterations and status rounds, summed over the coupling rounds.
    pub hydraulic: SolveStats,
    /// Coupling rounds.
    pub rounds: usize,
}

impl SteadySolver {
    /// A solver for `network`, cold-started.
    pub fn new(network: Network) -> SteadySolver {
        let hydraulic = HydraulicSolver::new(&network);
        let hydraulic_state = HydraulicState::cold(&network);
        let thermal_state = ThermalState::initial(&network);
        let laws = vec![ThermalLaw::Adiabatic; network.links.len()];
        let consumers = (network.links.iter().enumerate())
            .filter(|(_, link)| matches!(link.component, Component::HeatConsumer(_)))
            .map(|(l, _)| l)
            .collect();
        let mut solver = SteadySolver {
            network,
            hydraulic,
            hydraulic_state,
            thermal_state,
            laws,
            node_k_before: Vec::new(),
            consumers,
            anderson: Anderson::default(),
            consumer_x: Vec::new(),
            consumer_g: Vec::new(),
        };
        solver.guess_consumer_flows();
        solver
    }

    /// The network solved.
    pub fn network(&self) -> &Network {
        &self.network
    }

    /// Mutable access to the components, to change loads, set-points or openings between solves
    /// (as a time loop does); the next solve starts from the last state.
    pub fn components_mut(&mut self) -> impl Iterator<Item = &mut Component> {
        self.network.links.iter_mut().map(|l| &mut l.component)
    }

    fn guess_consumer_flows(&mut self) {
        for (l, link) in self.network.links.iter().enumerate() {
            if let Component::HeatConsumer(c) = &link.component {
                let fluid = self.network.fluid_of(l);
                let supply = self.thermal_state.node_k[link.from];
                self.hydraulic_state.consumer_flow_kg_s[l] = c
                    .required_flow_kg_s(supply, fluid)
                    .unwrap_or_else(|| c.first_guess_flow_kg_s(fluid));
            }
        }
    }

    /// Solve the steady state and return it.
    pub fn solve(&mut self) -> Result<SteadyResult, SolveError> {
        let stats = self.solve_state()?;
        let result = SteadyResult::collect(
            &self.network,
            &self.hydraulic_state,
            &self.thermal_state,
            stats,
        );
        result.check_temperatures(&self.network)?;
        Ok(result)
    }

    /// Solve the steady state, leaving it in the solver's state.
    ///
    /// Each round makes one Newton step on the hydraulics, then solves the temperatures on the
    /// new flows and resets the consumers' flows: hydraulics and heat converge together, in about
    /// as many rounds as Newton alone would need. Status checks (check valves, pump limits) run
    /// once everything has converged, and restart the rounds if a status changed.
    pub fn solve_state(&mut self) -> Result<CouplingStats, SolveError> {
        let mut stats = CouplingStats::default();
        let mut since_status = 0;
        // Loads may have moved since the last solve: start the consumers from them.
        self.guess_consumer_flows();
        self.anderson.reset();
        loop {
            stats.rounds += 1;
            since_status += 1;
            self.update_fluid_properties();
            stats.hydraulic.iterations += 1;
            let converged =
                self.hydraulic
                    .step(&self.network, &mut self.hydraulic_state, since_status)?;
            self.update_thermal_laws();
            self.node_k_before.clone_from(&self.thermal_state.node_k);
            thermal::solve(
                &self.network,
                &self.hydraulic_state.mass_flow_kg_s,
                &self.laws,
                &mut self.thermal_state,
            )?;
            let change_k = self
                .node_k_before
                .iter()
                .zip(&self.thermal_state.node_k)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f64::max);
            let (flow_change, starved) = self.update_consumer_flows();
            let settled = converged
                && change_k < TEMPERATURE_TOLERANCE_K
                && flow_change < CONSUMER_FLOW_TOLERANCE;
            if settled {
                if let Some(e) = starved {
                    return Err(e);
                }
                stats.hydraulic.status_rounds += 1;
                self.hydraulic.check_statuses(
                    &self.network,
                    &mut self.hydraulic_state,
                    stats.hydraulic.status_rounds,
                )?;
                if !self.hydraulic.statuses_changed() {
                    return Ok(stats);
                }
                since_status = 0;
                self.anderson.reset();
            } else if since_status >= MAX_ROUNDS {
                if !converged {
                    let iterations = stats.hydraulic.iterations;
                    return Err(self.hydraulic.not_converged(
                        &self.network,
                        &self.hydraulic_state,
                        iterations,
                    ));
                }
                return Err(starved.unwrap_or(SolveError::CouplingNotConverged {
                    rounds: stats.rounds,
                    change_k,
                }));
            }
        }
    }

    /// Density and viscosity of each link at the mean of its inlet and outlet temperatures.
    fn update_fluid_properties(&mut self) {
        for (l, f) in self.hydraulic_state.fluid.iter_mut().enumerate() {
            let t = 0.5 * (self.thermal_state.link_in_k[l] + self.thermal_state.link_out_k[l]);
            let fluid = self.network.fluid_of(l);
            *f = FluidState {
                density_kg_m3: fluid.density_kg_m3(t),
                viscosity_pa_s: fluid.viscosity_pa_s(t),
            };
        }
    }

    /// Thermal laws of the links; a pump's law carries the shaft power it puts into the water.
    fn update_thermal_laws(&mut self) {
        let state = &self.hydraulic_state;
        for (l, link) in self.network.links.iter().enumerate() {
            self.laws[l] = match &link.component {
                Component::Pipe(p) => p.thermal(),
                Component::HeatSource(h) => h.thermal(),
                Component::HeatConsumer(c) => c.thermal(),
                Component::Pump(p) => {
                    let rise = state.pressure_pa[link.to] - state.pressure_pa[link.from];
                    let op = p.operating_point(
                        state.mass_flow_kg_s[l],
                        rise,
                        state.fluid[l],
                        state.pump_limited[l],
                    );
                    ThermalLaw::Heat {
                        heat_w: op.shaft_w * p.shaft_heat_to_fluid,
                    }
                }
                Component::Valve(_) | Component::Resistance(_) | Component::CheckValve(_) => {
                    ThermalLaw::Adiabatic
                }
            };
        }
    }

    /// Set each consumer's flow from the supply temperature reaching it, accelerated over the
    /// rounds (see [`crate::acceleration`]). Returns the largest relative change asked for and,
    /// if a consumer cannot take its heat, the error to report should that persist at
    /// convergence.
    fn update_consumer_flows(&mut self) -> (f64, Option<SolveError>) {
        let mut change = 0.0f64;
        let mut starved = None;
        self.consumer_x.clear();
        self.consumer_g.clear();
        for &l in &self.consumers {
            let link = &self.network.links[l];
            let Component::HeatConsumer(c) = &link.component else {
                unreachable!("consumers lists heat consumers only");
            };
            let fluid = self.network.fluid_of(l);
            let supply = self.thermal_state.node_k[link.from];
            let old = self.hydraulic_state.consumer_flow_kg_s[l];
            let new = match c.required_flow_kg_s(supply, fluid) {
                Some(m) => m,
                None => {
                    starved.get_or_insert(SolveError::ConsumerStarved {
                        link: link.name.to_string(),
                        heat_kw: c.heat_w / 1e3,
                        supply_c: supply - 273.15,
                        return_c: c.return_k - 273.15,
                    });
                    c.first_guess_flow_kg_s(fluid)
                }
            };
            change = change.max((new - old).abs() / new.abs().max(1e-9));
            self.consumer_x.push(old);
            self.consumer_g.push(new);
        }
        let next = if starved.is_some() {
            self.anderson.reset();
            self.consumer_g.clone()
        } else {
            self.anderson.next(&self.consumer_x, &self.consumer_g)
        };
        for ((&l, &m), &g) in self.consumers.iter().zip(&next).zip(&self.consumer_g) {
            // A combination may overshoot the sign of a flow; substitution never does.
            self.hydraulic_state.consumer_flow_kg_s[l] = if m * g > 0.0 { m } else { g };
        }
        (change, starved)
    }
}
