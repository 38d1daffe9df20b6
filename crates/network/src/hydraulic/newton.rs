//! Newton's iteration on the node system, with EPANET-style status checks between converged
//! solves (check valves opening or shutting, pump drives reaching their speed limit).

use super::assembly::{Coefficients, assemble, assemble_rhs, linearise};
use super::matrix::NodeSystem;
use super::state::HydraulicState;
use crate::error::SolveError;
use crate::graph::Network;
use dctwin_components::{CheckValve, Component, PumpControl};

/// Converged when Σ|Δṁ| ≤ this × Σ|ṁ| (plus a tiny absolute floor for networks at rest).
pub const RELATIVE_FLOW_TOLERANCE: f64 = 1.0e-8;
/// Newton iterations allowed per status round (and per coupling with temperatures).
pub const MAX_ITERATIONS: usize = 200;
/// Iteration after which steps are halved, for the rare case Newton oscillates.
pub const DAMPING_AFTER: usize = 40;
/// Status rounds allowed before giving up on a cycling status.
pub const MAX_STATUS_ROUNDS: usize = 20;
/// Largest relative change of any link's conductance for which a Newton step keeps the last
/// factorisation (a chord step: the last slopes, today's pressure drops). The step then
/// converges by about this factor instead of quadratically, which near convergence, where the
/// conductances barely move, is as fast; and it saves the factorisation.
pub const REUSE_FACTOR_TOLERANCE: f64 = 1.0e-4;

/// What a solve cost.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SolveStats {
    /// Newton iterations, over all status rounds.
    pub iterations: usize,
    /// Status rounds.
    pub status_rounds: usize,
}

/// The reusable solver of a network: its node system (with the LDLᵀ's symbolic analysis)
/// and work arrays.
pub struct HydraulicSolver {
    system: NodeSystem,
    coefficients: Coefficients,
    next_flow: Vec<f64>,
    statuses_changed: bool,
    /// The conductances of the last factorisation (empty: none yet).
    factored_y: Vec<f64>,
    /// The heat consumers' links (fixed flows).
    consumers: Vec<usize>,
}

impl HydraulicSolver {
    /// Lay out the solver for `network`.
    pub fn new(network: &Network) -> HydraulicSolver {
        HydraulicSolver {
            system: NodeSystem::new(network),
            coefficients: Coefficients::default(),
            next_flow: vec![0.0; network.links.len()],
            statuses_changed: false,
            factored_y: Vec::new(),
            consumers: (network.links.iter().enumerate())
                .filter(|(_, link)| matches!(link.component, Component::HeatConsumer(_)))
                .map(|(l, _)| l)
                .collect(),
        }
    }

    /// One Newton iteration: linearise, assemble, factorise, solve, update the flows. Returns
    /// whether the flows have converged (Σ|Δṁ| within tolerance). `iteration` counts from 1 and
    /// switches on damping if Newton has not converged after a while.
    pub fn step(
        &mut self,
        network: &Network,
        state: &mut HydraulicState,
        iteration: usize,
    ) -> Result<bool, SolveError> {
        for (n, p) in state.pressure_pa.iter_mut().enumerate() {
            if let Some(fixed) = network.fixed_pressure(n) {
                *p = fixed;
            }
        }
        let relax = if iteration % MAX_ITERATIONS > DAMPING_AFTER {
            0.5
        } else {
            1.0
        };
        linearise(network, state, &mut self.coefficients);
        if relax == 1.0 && self.factorisation_holds() {
            self.use_factored_slopes(state);
            assemble_rhs(network, state, &self.coefficients, &mut self.system);
            self.system.solve_factored();
        } else {
            assemble(network, state, &self.coefficients, &mut self.system);
            if self.system.solve().is_err() {
                self.factored_y.clear();
                return Err(self.singular(network));
            }
            self.factored_y.clone_from(&self.coefficients.y);
        }
        for (row, &node) in self.system.node_of_row.iter().enumerate() {
            state.pressure_pa[node] = self.system.solution[row];
        }
        let (mut change, mut total) = (0.0, 0.0);
        for (l, link) in network.links.iter().enumerate() {
            let (y, a) = (self.coefficients.y[l], self.coefficients.a[l]);
            let target = a + y * (state.pressure_pa[link.from] - state.pressure_pa[link.to]);
            let m = state.mass_flow_kg_s[l];
            let next = m + relax * (target - m);
            if !next.is_finite() {
                return Err(SolveError::NonFinite {
                    loop_name: network.loops[link.loop_index].name.to_string(),
                    link: link.name.to_string(),
                });
            }
            self.next_flow[l] = next;
            change += (next - m).abs();
            total += next.abs();
        }
        std::mem::swap(&mut state.mass_flow_kg_s, &mut self.next_flow);
        Ok(change <= RELATIVE_FLOW_TOLERANCE * total + 1e-12)
    }

    /// Whether every conductance is within [`REUSE_FACTOR_TOLERANCE`] of the one last
    /// factorised.
    fn factorisation_holds(&self) -> bool {
        let y = &self.coefficients.y;
        self.factored_y.len() == y.len()
            && (y.iter().zip(&self.factored_y))
                .all(|(y, f)| (y - f).abs() <= REUSE_FACTOR_TOLERANCE * f.abs())
    }

    /// Turn the linearisation into a chord step on the factorised conductances: each link's
    /// pressure drop at its current flow, dp = (ṁ − a)/y, kept, its slope taken from the last
    /// factorisation.
    fn use_factored_slopes(&mut self, state: &HydraulicState) {
        let c = &mut self.coefficients;
        let links = c.y.iter_mut().zip(c.a.iter_mut()).zip(&self.factored_y);
        for (((y, a), &f), &m) in links.zip(&state.mass_flow_kg_s) {
            if *y != f {
                *a = m - (m - *a) * (f / *y);
                *y = f;
            }
        }
    }

    /// Re-solve the last Newton step's linear system with the heat consumers holding their
    /// flows in `state` now: the right-hand side changes, the linearisation and its
    /// factorisation are kept. The flows and pressures become those the last step would have
    /// given with these consumer flows: in a tree they are exact (mass balance), in meshes they
    /// carry the last linearisation's error, which the next [`HydraulicSolver::step`] corrects.
    /// Lets the steady coupling iterate consumers and heat transport at the price of a
    /// triangular solve. Call only after a successful `step` on the same network. Returns
    /// false, leaving `state` as it was, if a pressure or flow came out non-finite.
    pub fn resolve_consumer_flows(
        &mut self,
        network: &Network,
        state: &mut HydraulicState,
    ) -> bool {
        // Only the consumers' intercepts change: move their terms of the right-hand side.
        let rhs = self.system.rhs.as_mut_slice();
        for &l in &self.consumers {
            let flow = state.consumer_flow_kg_s[l];
            let change = flow - self.coefficients.a[l];
            self.coefficients.a[l] = flow;
            let slots = self.system.slots[l];
            if let Some(f) = slots.row_from {
                rhs[f] -= change;
            }
            if let Some(t) = slots.row_to {
                rhs[t] += change;
            }
        }
        self.system.solve_factored();
        if !self.system.solution.iter().all(|p| p.is_finite()) {
            return false;
        }
        let pressure = |n: usize| match self.system.row_of_node[n] {
            Some(row) => self.system.solution[row],
            None => state.pressure_pa[n],
        };
        let links = (network.links.iter())
            .zip(&self.coefficients.y)
            .zip(&self.coefficients.a);
        for (((link, &y), &a), m) in links.zip(self.next_flow.iter_mut()) {
            *m = a + y * (pressure(link.from) - pressure(link.to));
        }
        if !self.next_flow.iter().all(|m| m.is_finite()) {
            return false;
        }
        for (row, &node) in self.system.node_of_row.iter().enumerate() {
            state.pressure_pa[node] = self.system.solution[row];
        }
        std::mem::swap(&mut state.mass_flow_kg_s, &mut self.next_flow);
        true
    }

    /// Solve the flows and pressures alone, with the fluid properties and consumer flows in
    /// `state` held fixed (the transient time loop re-solves them quasi-statically each control
    /// step): Newton to convergence, then status checks until no status changes.
    pub fn solve(
        &mut self,
        network: &Network,
        state: &mut HydraulicState,
    ) -> Result<SolveStats, SolveError> {
        let mut stats = SolveStats::default();
        loop {
            let mut iteration = 0;
            loop {
                iteration += 1;
                stats.iterations += 1;
                if self.step(network, state, iteration)? {
                    break;
                }
                if iteration >= MAX_ITERATIONS {
                    return Err(self.not_converged(network, state, stats.iterations));
                }
            }
            stats.status_rounds += 1;
            self.check_statuses(network, state, stats.status_rounds)?;
            if !self.statuses_changed {
                return Ok(stats);
            }
        }
    }

    /// After convergence: update check valves and pump limits. Afterwards
    /// [`HydraulicSolver::statuses_changed`] tells whether another solve is needed.
    pub fn check_statuses(
        &mut self,
        network: &Network,
        state: &mut HydraulicState,
        round: usize,
    ) -> Result<(), SolveError> {
        let changed = update_statuses(network, state);
        self.statuses_changed = !changed.is_empty();
        if self.statuses_changed && round >= MAX_STATUS_ROUNDS {
            let names: Vec<&str> = changed.iter().map(|&l| &*network.links[l].name).collect();
            return Err(SolveError::StatusCycling {
                links: quoted(&names),
            });
        }
        Ok(())
    }

    /// Whether the last status check changed any status.
    pub fn statuses_changed(&self) -> bool {
        self.statuses_changed
    }

    fn singular(&self, network: &Network) -> SolveError {
        let nodes: Vec<usize> = self
            .system
            .empty_rows()
            .into_iter()
            .map(|r| self.system.node_of_row[r])
            .collect();
        let loop_name = nodes.first().map_or_else(String::new, |&n| {
            network.loops[network.node_loop[n]].name.to_string()
        });
        let names: Vec<&str> = nodes.iter().map(|&n| &*network.node_names[n]).collect();
        SolveError::Singular {
            loop_name,
            nodes: if names.is_empty() {
                "some nodes".to_string()
            } else {
                quoted(&names)
            },
        }
    }

    /// Name the loop and the links whose flows still changed most.
    pub fn not_converged(
        &self,
        network: &Network,
        state: &HydraulicState,
        iterations: usize,
    ) -> SolveError {
        // `next_flow` holds the previous iterate after the swap.
        let mut changes: Vec<(f64, usize)> = (0..network.links.len())
            .map(|l| ((state.mass_flow_kg_s[l] - self.next_flow[l]).abs(), l))
            .collect();
        changes.sort_by(|a, b| b.0.total_cmp(&a.0));
        let worst_loop = changes
            .first()
            .map_or(0, |&(_, l)| network.links[l].loop_index);
        let links: Vec<String> = changes
            .iter()
            .filter(|&&(_, l)| network.links[l].loop_index == worst_loop)
            .take(5)
            .map(|&(d, l)| format!("\"{}\" (Δ {d:.3e} kg/s)", network.links[l].name))
            .collect();
        SolveError::NotConverged {
            loop_name: network.loops[worst_loop].name.to_string(),
            iterations,
            links: links.join(", "),
        }
    }
}

/// Update check valves and pump limits after a converged solve; return the links that changed.
fn update_statuses(network: &Network, state: &mut HydraulicState) -> Vec<usize> {
    let mut changed = Vec::new();
    for (l, link) in network.links.iter().enumerate() {
        let m = state.mass_flow_kg_s[l];
        let dp = state.pressure_pa[link.from] - state.pressure_pa[link.to];
        match &link.component {
            Component::CheckValve(_) => {
                let open = CheckValve::next_status(state.check_open[l], m, dp);
                if open != state.check_open[l] {
                    state.check_open[l] = open;
                    changed.push(l);
                }
            }
            Component::Pump(pump) if pump.curve.is_some() => {
                let rise = -dp;
                let limited = state.pump_limited[l];
                let next = match pump.control {
                    PumpControl::Speed { .. } => false,
                    PumpControl::DifferentialPressure { setpoint_pa } if !limited => pump
                        .speed_for(m, setpoint_pa, state.fluid[l])
                        .is_none_or(|s| s > pump.max_speed * (1.0 + 1e-9)),
                    PumpControl::DifferentialPressure { setpoint_pa } => rise <= setpoint_pa,
                    PumpControl::Flow { .. } if !limited => pump
                        .speed_for(m, rise, state.fluid[l])
                        .is_none_or(|s| s > pump.max_speed * (1.0 + 1e-9)),
                    PumpControl::Flow { setpoint_kg_s } => m <= setpoint_kg_s,
                };
                if next != limited {
                    state.pump_limited[l] = next;
                    changed.push(l);
                }
            }
            _ => {}
        }
    }
    changed
}

/// `"a", "b", "c"` with at most five names shown.
pub fn quoted(names: &[&str]) -> String {
    let mut s = names
        .iter()
        .take(5)
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > 5 {
        s.push_str(&format!(" and {} more", names.len() - 5));
    }
    s
}
