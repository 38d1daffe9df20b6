//! The steady state of a whole facility: hydraulics and heat transport solved together.
//!
//! The two are coupled both ways: fluid properties follow the temperatures, and heat consumers
//! set their flows from the supply temperature that reaches them. Each round solves the
//! hydraulics (warm-started, usually one or two Newton iterations after the first round), then
//! the temperatures, then updates the consumers, until temperatures and flows stop changing.
//! Between rounds the consumers and temperatures are iterated once more on the round's
//! linearisation of the hydraulics (a triangular solve, no refactorisation). A re-solve after
//! the inputs moved (a time loop's next step) first carries the temperatures over to the new
//! set-points and keeps the consumer accelerator's history. All of this only moves where the
//! iteration starts: every solve ends on the same convergence tests.

use crate::acceleration::Anderson;
use crate::error::SolveError;
use crate::graph::Network;
use crate::hydraulic::{DAMPING_AFTER, HydraulicSolver, HydraulicState};
use crate::result::{CouplingStats, SteadyResult};
use crate::thermal::{self, ThermalState};
use dctwin_components::{Component, FluidState, ThermalLaw};

/// Temperature change below which the coupling has converged [K].
pub const TEMPERATURE_TOLERANCE_K: f64 = 1.0e-6;
/// Relative consumer-flow change below which the coupling has converged.
pub const CONSUMER_FLOW_TOLERANCE: f64 = 1.0e-8;
/// Coupling rounds allowed.
pub const MAX_ROUNDS: usize = 200;
/// Iterations of consumers and heat transport on a frozen linearisation of the hydraulics,
/// at most, between two coupling rounds. One pays: on the pandapipes network's year it cuts
/// the rounds per solve from 4.5 to 3.3; more converge little further (the linearisation's
/// own error dominates) and cost more than they save.
pub const INNER_ROUNDS: usize = 1;
/// Iterations of consumers and heat transport on the last solve's linearisation before the
/// first round of a warm re-solve. Two pay on the pandapipes network's year (the rounds per
/// solve drop from 3.6 to 2.7, the time by about a tenth); more cost more than they save.
pub const WARM_START_ITERATIONS: usize = 2;

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
    consumer_next: Vec<f64>,
    /// Whether the state holds the converged answer of the last solve (a warm start).
    warm: bool,
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
            consumer_next: Vec::new(),
            warm: false,
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
    /// as many rounds as Newton alone would need. A round that has not settled is followed by
    /// one cheap consumer iteration on its linearisation ([`INNER_ROUNDS`]). Status checks
    /// (check valves, pump limits) run once everything has converged, and restart the rounds if
    /// a status changed.
    pub fn solve_state(&mut self) -> Result<CouplingStats, SolveError> {
        let mut stats = CouplingStats::default();
        let mut since_status = 0;
        let warm = std::mem::take(&mut self.warm);
        if warm {
            self.carry_temperatures_forward();
        }
        // Loads may have moved since the last solve: start the consumers from them.
        self.guess_consumer_flows();
        // Keep what the last solve learnt of how the consumers respond to their flows.
        self.anderson.restart();
        if warm {
            // The last solve's linearisation still holds nearly: predict this solve's consumer
            // flows on it before the first Newton step.
            for _ in 0..WARM_START_ITERATIONS {
                stats.inner_rounds += self.iterate_consumers(f64::INFINITY);
            }
        }
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
                    self.warm = true;
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
            } else if starved.is_none() && since_status <= DAMPING_AFTER {
                stats.inner_rounds += self.iterate_consumers(flow_change);
            }
        }
    }

    /// Between two Newton steps, iterate the consumers and heat transport on the last
    /// linearisation of the hydraulics (one triangular solve per iteration instead of a
    /// linearisation and factorisation), so that the next round starts close to the coupled
    /// answer. Stops once the consumers' flows settle, after [`INNER_ROUNDS`], or if anything
    /// goes wrong (the round that follows meets the same case and reports it). Returns the
    /// iterations made.
    fn iterate_consumers(&mut self, mut flow_change: f64) -> usize {
        let mut made = 0;
        while made < INNER_ROUNDS && flow_change >= CONSUMER_FLOW_TOLERANCE {
            made += 1;
            if !(self.hydraulic).resolve_consumer_flows(&self.network, &mut self.hydraulic_state) {
                break;
            }
            if thermal::solve(
                &self.network,
                &self.hydraulic_state.mass_flow_kg_s,
                &self.laws,
                &mut self.thermal_state,
            )
            .is_err()
            {
                break;
            }
            let (change, starved) = self.update_consumer_flows();
            if starved.is_some() {
                break;
            }
            flow_change = change;
        }
        made
    }

    /// Carry the temperatures of the last solve's flows over to this solve's settings (supply
    /// set-points, surroundings), so that the consumers start from the supply temperatures they
    /// will see rather than last solve's: on a time loop's step this saves about one round in
    /// ten for the price of one heat-transport solve.
    fn carry_temperatures_forward(&mut self) {
        self.update_thermal_laws();
        // Only a starting point: should it fail (a cycle left with no fixed temperature), the
        // temperatures stay finite and the rounds meet the same case and report it.
        let _ = thermal::solve(
            &self.network,
            &self.hydraulic_state.mass_flow_kg_s,
            &self.laws,
            &mut self.thermal_state,
        );
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
                // Water leaving through a boundary takes the network's temperature out.
                Component::Boundary(b) if state.mass_flow_kg_s[l] >= 0.0 => b.thermal(),
                Component::Boundary(_) => ThermalLaw::Adiabatic,
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
        if starved.is_some() {
            self.anderson.reset();
            self.consumer_next.clone_from(&self.consumer_g);
        } else {
            (self.anderson).next_into(&self.consumer_x, &self.consumer_g, &mut self.consumer_next);
        }
        let next = &self.consumer_next;
        for ((&l, &m), &g) in self.consumers.iter().zip(next).zip(&self.consumer_g) {
            // A combination may overshoot the sign of a flow; substitution never does.
            self.hydraulic_state.consumer_flow_kg_s[l] = if m * g > 0.0 { m } else { g };
        }
        (change, starved)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dctwin_components::HeatDuty;
    use std::fmt::Write;

    /// A small district loop: a plant holding 2 bar and 70 °C, a supply ring (two paths to the
    /// far end, so the flow split is nonlinear), four consumers returning at 40 °C, buried pipes.
    fn district() -> Network {
        let mut t = String::from(
            "name = \"ring\"\n[[loop]]\nname = \"district\"\nfluid = \"water\"\ninitial_temperature_k = 343.15\n\
             [[loop.component]]\nkind = \"pressurisation\"\nname = \"vessel\"\nnode = \"S0\"\npressure_bar = 6.0\n\
             [[loop.component]]\nkind = \"pump\"\nname = \"pump\"\nfrom = \"R0\"\nto = \"H\"\ncontrol = \"differential_pressure\"\ndp_setpoint_bar = 2.0\nefficiency = 0.7\nshaft_heat_to_fluid = 0.0\n\
             [[loop.component]]\nkind = \"heat_source\"\nname = \"heater\"\nfrom = \"H\"\nto = \"S0\"\noutlet_temperature_k = 343.15\n",
        );
        let pipe = |t: &mut String, name: &str, from: &str, to: &str, length_km: f64, dn: f64| {
            writeln!(
                t,
                "[[loop.component]]\nkind = \"pipe\"\nname = \"{name}\"\nfrom = \"{from}\"\nto = \"{to}\"\nlength_km = {length_km}\ninner_diameter_mm = {dn}\nroughness_mm = 0.05\nminor_loss_coefficient = 0.0\nu_value_w_m2_k = 0.5\nouter_diameter_mm = {}\nambient_temperature_k = 283.15",
                1.8 * dn
            )
            .unwrap();
        };
        for i in 0..4 {
            pipe(
                &mut t,
                &format!("ps{i}"),
                &format!("S{i}"),
                &format!("S{}", i + 1),
                0.1,
                100.0,
            );
            pipe(
                &mut t,
                &format!("pr{i}"),
                &format!("R{}", i + 1),
                &format!("R{i}"),
                0.1,
                100.0,
            );
            writeln!(
                t,
                "[[loop.component]]\nkind = \"heat_consumer\"\nname = \"hc{i}\"\nfrom = \"S{}\"\nto = \"R{}\"\nheat_w = {}\nreturn_temperature_k = 313.15",
                i + 1,
                i + 1,
                100e3 + 40e3 * i as f64
            )
            .unwrap();
        }
        pipe(&mut t, "ring_s", "S0", "S4", 0.4, 65.0);
        pipe(&mut t, "ring_r", "R4", "R0", 0.4, 65.0);
        let facility = dctwin_model::parse(&t, std::path::Path::new("ring.toml"))
            .unwrap_or_else(|e| panic!("{e}"));
        Network::from_facility(&facility)
    }

    /// Hour `h` of a made-up day: loads, supply set-point and ground temperature all move.
    fn apply(solver: &mut SteadySolver, h: usize) {
        let x = (h as f64 * 0.7).sin();
        let mut k = 0;
        for c in solver.components_mut() {
            match c {
                Component::HeatConsumer(c) => {
                    c.heat_w = (100e3 + 40e3 * k as f64) * (0.6 + 0.3 * x + 0.05 * k as f64);
                    k += 1;
                }
                Component::HeatSource(s) => {
                    s.duty = HeatDuty::OutletSetpoint {
                        outlet_k: 340.15 + 3.0 * x,
                    }
                }
                Component::Pipe(p) => {
                    if let Some(loss) = &mut p.heat_loss {
                        loss.ambient_k = 281.15 + 4.0 * x;
                    }
                }
                _ => {}
            }
        }
    }

    /// The warm start (temperatures carried forward, the accelerator's history kept, consumer
    /// iterations between Newton steps) changes only where the iteration starts, not where it
    /// ends: each warm re-solve of a changing day agrees with a cold solve of the same hour to
    /// well within the solver's tolerances (1e-8 relative on flows, 1e-6 K).
    #[test]
    fn warm_re_solves_agree_with_cold_solves() {
        let network = district();
        let mut warm = SteadySolver::new(network.clone());
        for h in 0..24 {
            apply(&mut warm, h);
            let w = warm
                .solve()
                .unwrap_or_else(|e| panic!("hour {h}, warm: {e}"));
            let mut cold = SteadySolver::new(network.clone());
            apply(&mut cold, h);
            let c = cold
                .solve()
                .unwrap_or_else(|e| panic!("hour {h}, cold: {e}"));
            for (a, b) in w.links.iter().zip(&c.links) {
                let scale = b.mass_flow_kg_s.abs().max(1e-3);
                assert!(
                    (a.mass_flow_kg_s - b.mass_flow_kg_s).abs() <= 1e-7 * scale,
                    "hour {h}, {}: {} vs {}",
                    a.name,
                    a.mass_flow_kg_s,
                    b.mass_flow_kg_s
                );
                assert!(
                    (a.outlet_k - b.outlet_k).abs() <= 1e-5,
                    "hour {h}, {}",
                    a.name
                );
            }
            if h > 0 {
                assert!(
                    w.stats.rounds <= c.stats.rounds,
                    "hour {h}: warm took more rounds"
                );
            }
        }
    }
}
