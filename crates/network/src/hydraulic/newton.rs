//! Newton's iteration on the node system, with EPANET-style status checks between converged
//! solves (check valves opening or shutting, pump drives reaching their speed limit).

use super::assembly::{Coefficients, assemble_matrix, assemble_rhs, linearise};
use super::groups::Groups;
use super::matrix::NodeSystem;
use super::settled::Settled;
use super::state::HydraulicState;
use crate::error::SolveError;
use crate::graph::Network;
use dctwin_components::{CheckValve, Component, PumpControl};

/// Converged when Σ|Δṁ| ≤ this × Σ|ṁ| (plus a tiny absolute floor for networks at rest).
pub const RELATIVE_FLOW_TOLERANCE: f64 = 1.0e-8;
/// A step this small (relative, undamped) also converges: Newton's error after it is about its
/// square (1e-10; measured 1.07× the square on the jupiter facility loop), a chord step's about
/// 1e-4 of it (1e-9), both 10–100× inside [`RELATIVE_FLOW_TOLERANCE`], so the step that would
/// only confirm it is saved.
pub const FINAL_STEP_TOLERANCE: f64 = 1.0e-5;
/// Absolute floor of the convergence test, for a group at rest [kg/s].
const FLOW_FLOOR_KG_S: f64 = 1.0e-12;
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
    /// Each link's previous iterate [kg/s], by which a solve that does not converge is
    /// diagnosed; a re-solve also computes its new flows here before swapping them in.
    previous_flow_kg_s: Vec<f64>,
    statuses_changed: bool,
    /// Each link's conductance in its group's last factorisation (NaN: none yet).
    factored_y: Vec<f64>,
    /// The heat consumers' links (fixed flows).
    consumers: Vec<usize>,
    /// Loops joined by mass: each converges on its own.
    groups: Groups,
    /// The groups still iterated in this solve (a settled group drops out).
    active: Vec<bool>,
    /// The groups a solve's status round started iterating.
    solving: Vec<bool>,
    /// What each link's solution depended on when its group last converged in a solve.
    settled: Settled,
    /// Σ|Δṁ| and Σ|ṁ| of each group in the last step [kg/s].
    group_sums: Vec<(f64, f64)>,
}

impl HydraulicSolver {
    /// Lay out the solver for `network`.
    pub fn new(network: &Network) -> HydraulicSolver {
        let groups = Groups::new(network);
        HydraulicSolver {
            system: NodeSystem::new(network, &groups),
            coefficients: Coefficients::default(),
            previous_flow_kg_s: vec![0.0; network.links.len()],
            statuses_changed: false,
            factored_y: vec![f64::NAN; network.links.len()],
            consumers: (network.links.iter().enumerate())
                .filter(|(_, link)| matches!(link.component, Component::HeatConsumer(_)))
                .map(|(l, _)| l)
                .collect(),
            active: vec![true; groups.count],
            solving: vec![true; groups.count],
            settled: Settled::new(network.links.len()),
            group_sums: vec![(0.0, 0.0); groups.count],
            groups,
        }
    }

    /// One Newton iteration on every loop: linearise, assemble, factorise, solve, update the
    /// flows. Returns whether the flows have converged (in each group, Σ|Δṁ| within
    /// tolerance). `iteration` counts from 1 and switches on damping if Newton has not
    /// converged after a while.
    pub fn step(
        &mut self,
        network: &Network,
        state: &mut HydraulicState,
        iteration: usize,
    ) -> Result<bool, SolveError> {
        self.active.fill(true);
        self.step_active(network, state, iteration)
    }

    /// One Newton iteration on the groups still active, each its own block of the node
    /// system; a group that converges drops out. Returns whether none is left.
    fn step_active(
        &mut self,
        network: &Network,
        state: &mut HydraulicState,
        iteration: usize,
    ) -> Result<bool, SolveError> {
        let relax = if iteration % MAX_ITERATIONS > DAMPING_AFTER {
            0.5
        } else {
            1.0
        };
        for g in 0..self.groups.count {
            if self.active[g] {
                self.solve_group(network, state, g, relax)?;
            }
        }
        for g in 0..self.groups.count {
            if self.active[g] {
                self.group_sums[g] = self.update_flows(network, state, g, relax)?;
            }
        }
        for g in 0..self.groups.count {
            let (change, total) = self.group_sums[g];
            if self.active[g] && converged(change, total, relax) {
                self.active[g] = false;
            }
        }
        Ok(self.active.iter().all(|a| !a))
    }

    /// Linearise group `g`, refactorise its block unless a chord step on the last factor does
    /// (undamped, conductances within [`REUSE_FACTOR_TOLERANCE`]), solve for its pressures.
    fn solve_group(
        &mut self,
        network: &Network,
        state: &mut HydraulicState,
        g: usize,
        relax: f64,
    ) -> Result<(), SolveError> {
        let links = &self.groups.links[g];
        for &l in links {
            for n in [network.links[l].from, network.links[l].to] {
                if let Some(fixed) = network.fixed_pressure(n) {
                    state.pressure_pa[n] = fixed;
                }
            }
        }
        linearise(network, state, links, &mut self.coefficients);
        if relax == 1.0 && self.factorisation_holds(links) {
            use_factored_slopes(&mut self.coefficients, &self.factored_y, links, state);
        } else {
            self.system.clear_group_values(g);
            assemble_matrix(links, &self.coefficients, &mut self.system);
            if self.system.factor_group(g).is_err() {
                for &l in links {
                    self.factored_y[l] = f64::NAN;
                }
                return Err(self.singular(network, g));
            }
            for &l in links {
                self.factored_y[l] = self.coefficients.y[l];
            }
        }
        self.system.clear_group_rhs(g);
        assemble_rhs(network, state, links, &self.coefficients, &mut self.system);
        self.system.solve_group(g);
        for row in self.system.group_rows[g].clone() {
            state.pressure_pa[self.system.node_of_row[row]] = self.system.solution[row];
        }
        Ok(())
    }

    /// Move group `g`'s flows to (or, damped, towards) the linearised laws at the new
    /// pressures; returns Σ|Δṁ| and Σ|ṁ| [kg/s].
    fn update_flows(
        &mut self,
        network: &Network,
        state: &mut HydraulicState,
        g: usize,
        relax: f64,
    ) -> Result<(f64, f64), SolveError> {
        let (mut change, mut total) = (0.0, 0.0);
        for &l in &self.groups.links[g] {
            let link = &network.links[l];
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
            // The last iterate is kept for the diagnosis of a solve that does not converge.
            self.previous_flow_kg_s[l] = m;
            state.mass_flow_kg_s[l] = next;
            change += (next - m).abs();
            total += next.abs();
        }
        Ok((change, total))
    }

    /// Whether every conductance of `links` is within [`REUSE_FACTOR_TOLERANCE`] of the one
    /// last factorised (never, before a first factorisation: NaN).
    fn factorisation_holds(&self, links: &[usize]) -> bool {
        let (y, f) = (&self.coefficients.y, &self.factored_y);
        links
            .iter()
            .all(|&l| (y[l] - f[l]).abs() <= REUSE_FACTOR_TOLERANCE * f[l].abs())
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
        for (((link, &y), &a), m) in links.zip(self.previous_flow_kg_s.iter_mut()) {
            *m = a + y * (pressure(link.from) - pressure(link.to));
        }
        if !self.previous_flow_kg_s.iter().all(|m| m.is_finite()) {
            return false;
        }
        for (row, &node) in self.system.node_of_row.iter().enumerate() {
            state.pressure_pa[node] = self.system.solution[row];
        }
        std::mem::swap(&mut state.mass_flow_kg_s, &mut self.previous_flow_kg_s);
        true
    }

    /// Solve the flows and pressures alone, with the fluid properties and consumer flows in
    /// `state` held fixed (the transient time loop re-solves them quasi-statically each control
    /// step): Newton to convergence, then status checks until no status changes. A group whose
    /// inputs are all as at its last converged solve keeps its solution and costs nothing.
    pub fn solve(
        &mut self,
        network: &Network,
        state: &mut HydraulicState,
    ) -> Result<SolveStats, SolveError> {
        let mut stats = SolveStats::default();
        loop {
            for (g, links) in self.groups.links.iter().enumerate() {
                self.active[g] = !self.settled.holds(network, state, links);
            }
            self.solving.clone_from(&self.active);
            let mut iteration = 0;
            while self.active.iter().any(|&a| a) {
                iteration += 1;
                stats.iterations += 1;
                if self.step_active(network, state, iteration)? {
                    break;
                }
                if iteration >= MAX_ITERATIONS {
                    return Err(self.not_converged(network, state, stats.iterations));
                }
            }
            for (g, links) in self.groups.links.iter().enumerate() {
                if self.solving[g] {
                    self.settled.record(network, state, links);
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

    /// The loop and nodes of group `g` that no conducting link reaches.
    fn singular(&self, network: &Network, g: usize) -> SolveError {
        let nodes: Vec<usize> = self
            .system
            .empty_rows(self.system.group_rows[g].clone())
            .into_iter()
            .map(|r| self.system.node_of_row[r])
            .collect();
        let first_loop = (self.groups.of_loop.iter()).position(|&of| of == g);
        let loop_index = nodes.first().map(|&n| network.node_loop[n]).or(first_loop);
        let loop_name =
            loop_index.map_or_else(String::new, |lp| network.loops[lp].name.to_string());
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
        // `previous_flow_kg_s` holds each link's previous iterate; the groups that settled are left out
        // (all are looked at if every group settled and the coupling around them did not).
        let any_active = self.active.iter().any(|&a| a);
        let moving =
            |l: usize| !any_active || self.active[self.groups.of_loop[network.links[l].loop_index]];
        let mut changes: Vec<(f64, usize)> = (0..network.links.len())
            .filter(|&l| moving(l))
            .map(|l| {
                (
                    (state.mass_flow_kg_s[l] - self.previous_flow_kg_s[l]).abs(),
                    l,
                )
            })
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

/// Turn the linearisation of `links` into a chord step on the factorised conductances: each
/// link's pressure drop at its current flow, dp = (ṁ − a)/y, kept, its slope taken from the
/// last factorisation.
fn use_factored_slopes(
    c: &mut Coefficients,
    factored_y: &[f64],
    links: &[usize],
    state: &HydraulicState,
) {
    for &l in links {
        let (y, a, f, m) = (c.y[l], c.a[l], factored_y[l], state.mass_flow_kg_s[l]);
        if y != f {
            c.a[l] = m - (m - a) * (f / y);
            c.y[l] = f;
        }
    }
}

/// Whether a step of Σ|Δṁ| = `change` on flows Σ|ṁ| = `total` leaves them converged: the step
/// itself within tolerance, or (undamped) so small that the next would be.
fn converged(change: f64, total: f64, relax: f64) -> bool {
    let tolerance = if relax == 1.0 {
        FINAL_STEP_TOLERANCE
    } else {
        RELATIVE_FLOW_TOLERANCE
    };
    change <= tolerance * total + FLOW_FLOOR_KG_S
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hydraulic::fixtures::{TWO_LOOPS, network};

    /// A re-solve after loop a's valve moved leaves loop b's solution as it was, bit for bit,
    /// and gives loop a the flows a fresh solve of the changed network gives; a re-solve with
    /// nothing moved does no Newton step at all.
    #[test]
    fn a_solve_leaves_out_the_groups_whose_inputs_hold() {
        let mut net = network(TWO_LOOPS);
        let mut state = HydraulicState::cold(&net);
        let mut solver = HydraulicSolver::new(&net);
        solver.solve(&net, &mut state).expect("solves");
        let again = solver.solve(&net, &mut state).expect("solves");
        assert_eq!(again.iterations, 0, "nothing moved");
        let before = state.clone();
        let v = net.link_index("a.valve").unwrap();
        if let Component::Valve(valve) = &mut net.links[v].component {
            valve.opening = 0.8;
        }
        let stats = solver.solve(&net, &mut state).expect("solves");
        assert!(stats.iterations >= 1);
        for name in ["b.pump", "b.valve", "b.pipe"] {
            let l = net.link_index(name).unwrap();
            assert_eq!(
                state.mass_flow_kg_s[l].to_bits(),
                before.mass_flow_kg_s[l].to_bits(),
                "{name} was re-solved"
            );
        }
        let mut fresh = HydraulicState::cold(&net);
        HydraulicSolver::new(&net)
            .solve(&net, &mut fresh)
            .expect("solves");
        for (l, (m, f)) in state
            .mass_flow_kg_s
            .iter()
            .zip(&fresh.mass_flow_kg_s)
            .enumerate()
        {
            assert!((m - f).abs() <= 1e-7 * f.abs(), "link {l}: {m} vs {f}");
        }
        let a = net.link_index("a.pump").unwrap();
        assert!(
            state.mass_flow_kg_s[a] > before.mass_flow_kg_s[a] * 1.1,
            "the valve opened"
        );
    }
}
