//! The analytic Jacobian of the right-hand side, for the sparse LU the integrator's Newton
//! iteration solves with: mixing sensitivities, heat-law slopes and the couplings' slopes.

use super::rhs::{flowing, is_sink};
use super::*;

impl Dynamics {
    /// The Jacobian ∂(dy/dt)/∂y at `y`, into `out` (rows: every state; columns: the volumes'
    /// states, since nothing depends on the accounts). Transport and mixing are differentiated
    /// analytically (frozen flows make them linear in the enthalpies); the heat laws by a
    /// difference quotient of each alone. Built by temperature, ∂(energy rate)/∂T_j, then turned
    /// into states: row s divided by its C(T_ref), column j times dT_j/dy_j = C_j(T_ref)/C_j(T_j).
    pub fn jacobian(&mut self, plant: &Plant, y: &[f64], out: &mut SparseRows) {
        self.refresh(plant, y);
        let t_k = std::mem::take(&mut self.state_k);
        self.node_sensitivities(plant, &t_k);
        let network = &plant.network;
        let coupling_slopes: Vec<Vec<CouplingSlope>> = (0..plant.couplings.len())
            .map(|i| self.coupling_slopes(plant, i, &t_k))
            .collect();
        let (layer_slopes, layer_booked) = self.layer_slopes(plant, &t_k);
        let (mut next_slope, mut next_booked) = (0, 0);
        let dt_dy: Vec<f64> = (self.energy_states.iter().zip(&self.known))
            .map(|(e, k)| e.capacity_j_k / k.capacity_j_k)
            .collect();
        // A wall's state is its temperature (dT/dy = 1).
        let by_state = |row: &mut Vec<(usize, f64)>| {
            for (c, v) in row.iter_mut() {
                if let Some(f) = dt_dy.get(*c) {
                    *v *= f;
                }
            }
        };
        let sens = std::mem::take(&mut self.sensitivity);
        // Zero slopes are kept as entries: the pattern then changes only with the flows.
        let spread = |row: &mut Vec<(usize, f64)>, node: usize, factor: f64| {
            row.extend(sens[node].iter().map(|&(c, w)| (c, factor * w)));
        };
        // The same from where a volume's inflow comes from (a node or a tank layer).
        let spread_from = |row: &mut Vec<(usize, f64)>, from: Source, factor: f64| match from {
            Source::Node(n) => spread(row, n, factor),
            Source::State(u) => row.push((u, factor)),
        };
        out.clear(self.len());
        let mut accounts: [Vec<(usize, f64)>; ACCOUNTS] = Default::default();
        let mut row = Vec::new();
        for (s, term) in self.terms.iter().enumerate() {
            row.clear();
            let LinkThermal::Volume { heat, .. } = &plant.links[term.link] else {
                unreachable!("states belong to volumes");
            };
            let fluid = &network.loops[term.loop_index].fluid;
            let t = t_k[s];
            let t_in = match term.inlet {
                Some(Source::Node(n)) => self.node_k[n],
                Some(Source::State(u)) => t_k[u],
                None => t,
            };
            let m = term.m_kg_s;
            let cp = fluid.specific_heat_j_kg_k(t);
            // The row's scale: a kelvin of state holds this much energy.
            let capacity = self.energy_states[s].capacity_j_k;
            let slopes = if let Some((_, film_w_k)) = term.wall {
                HeatSlopes {
                    dq_dt: -film_w_k,
                    ..HeatSlopes::default()
                }
            } else if term.layer {
                // The layer's own law is differentiated below, with its neighbours.
                HeatSlopes {
                    constant: true,
                    ..HeatSlopes::default()
                }
            } else {
                self.heat_slopes(heat, fluid, t_in, t, m)
            };
            // dE/dt = ṁ·(h_in − h(T)) + Q: ∂/∂T = ∂Q/∂T − ṁ·c_p(T).
            row.push((s, (slopes.dq_dt - m * cp) / capacity));
            let inflow = m * fluid.specific_heat_j_kg_k(t_in) + slopes.dq_dt_in;
            match term.inlet {
                Some(from) => spread_from(&mut row, from, inflow / capacity),
                None => row.push((s, slopes.dq_dt_in / capacity)),
            }
            let mut into = |a: Account, factor: f64, row_dt: f64| {
                let list = &mut accounts[a as usize];
                list.push((s, factor * row_dt));
                match term.inlet {
                    Some(from) => spread_from(list, from, factor * slopes.dq_dt_in),
                    None => list.push((s, factor * slopes.dq_dt_in)),
                }
            };
            // Constant duties (racks, fixed duties) add nothing to their account's row.
            if let (Some(a), false) = (slopes.account, slopes.constant) {
                into(a, if is_sink(a) { -1.0 } else { 1.0 }, slopes.dq_dt);
            }
            let uses_water = match heat {
                Heat::Device(d) => d.uses_water(),
                _ => false,
            };
            if let (Some(from), true) = (term.inlet, uses_water) {
                spread_from(
                    &mut accounts[Account::WaterKg as usize],
                    from,
                    slopes.dwater_dt_in,
                );
            }
            // A layer's own law, with its neighbours (slopes in row order, so each row's are
            // next), and its booked part's slope by this layer.
            while let Some(&(_, j, v)) = layer_slopes.get(next_slope).filter(|e| e.0 == s) {
                row.push((j, v / capacity));
                next_slope += 1;
            }
            while let Some(&(_, a, v)) = layer_booked.get(next_booked).filter(|e| e.0 == s) {
                accounts[a as usize].push((s, if is_sink(a) { -v } else { v }));
                next_booked += 1;
            }
            if let Some((w, film_w_k)) = term.wall {
                row.push((w, film_w_k / capacity));
            }
            if let Heat::CouplingSide { index, side } = heat {
                let per = 1.0 / capacity;
                for &(reading, slopes) in &coupling_slopes[*index] {
                    let factor = per * slopes[*side];
                    self.spread_reading(plant, *index, reading, factor, &mut row, &sens);
                }
            }
            by_state(&mut row);
            out.push_row(&mut row);
        }
        // A coupling's work: the heat it puts into both sides together.
        for (i, c) in plant.couplings.iter().enumerate() {
            let Some(a) = c.coupling.work_account() else {
                continue;
            };
            for &(reading, slopes) in &coupling_slopes[i] {
                let list = &mut accounts[a as usize];
                self.spread_reading(plant, i, reading, slopes[0] + slopes[1], list, &sens);
            }
        }
        // A wall's loss to its ambient.
        for w in &self.walls {
            if let LinkThermal::Volume {
                heat: Heat::FilmWall { loss_w_k, .. },
                ..
            } = &plant.links[w.link]
            {
                let lost = &mut accounts[Account::Lost as usize];
                lost.extend((0..w.segments).map(|i| (w.first + i, *loss_w_k)));
            }
        }
        // Water leaving through a boundary takes its node's enthalpy out.
        for l in network.boundaries() {
            let (m, inside) = (self.flow_kg_s[l], network.links[l].to);
            if m < -NO_FLOW_KG_S {
                let fluid = network.fluid_of(l);
                let out = -m * fluid.specific_heat_j_kg_k(self.node_k[inside]);
                spread(&mut accounts[Account::Left as usize], inside, out);
            }
        }
        for list in &mut accounts {
            by_state(list);
            out.push_row(list);
        }
        // A sensor's reading moves with its own and with its node's water.
        for (j, &(node, sensor)) in self.sensors.iter().enumerate() {
            row.clear();
            let (by_reading, by_water) = sensor.slopes_per_s(self.node_flow_kg_s(node));
            spread(&mut row, node, by_water);
            by_state(&mut row);
            row.push((self.sensor_state(j), by_reading));
            out.push_row(&mut row);
        }
        // A wall segment moves with its own temperature and its water's.
        for w in &self.walls {
            let LinkThermal::Volume {
                heat: Heat::FilmWall { loss_w_k, .. },
                ..
            } = &plant.links[w.link]
            else {
                unreachable!("walls belong to pipes with a wall of their own");
            };
            for i in 0..w.segments {
                row.clear();
                row.push((w.water + i, w.film_w_k / w.capacity_j_k));
                by_state(&mut row);
                row.push((w.first + i, -(w.film_w_k + loss_w_k) / w.capacity_j_k));
                out.push_row(&mut row);
            }
        }
        self.sensitivity = sens;
        self.state_k = t_k;
    }

    /// The slopes of every layered device's layer heat, by state: ∂q_s/∂T_j as `(s, j,
    /// slope)` in row order [W/K], and of its booked part by each layer as `(j, account,
    /// slope)` in state order
    /// ([`VolumeDevice::layer_slopes`](dctwin_components::device::VolumeDevice::layer_slopes)).
    pub(super) fn layer_slopes(
        &self,
        plant: &Plant,
        t_k: &[f64],
    ) -> (Vec<Slope>, Vec<BookedSlope>) {
        let (mut slopes, mut booked) = (Vec::new(), Vec::new());
        let (mut heat, mut by) = (Vec::new(), Vec::new());
        for &l in &self.layered {
            let Some(d) = plant.device(l) else {
                unreachable!("layered links hold a device");
            };
            let range = self.states_of(l);
            let first = range.start;
            heat.clear();
            by.clear();
            d.layer_slopes(plant.network.fluid_of(l), &t_k[range], &mut heat, &mut by);
            slopes.extend(heat.iter().map(|&(i, j, v)| (first + i, first + j, v)));
            booked.extend(by.iter().map(|&(j, v)| (first + j, d.account(), v)));
        }
        // The Jacobian takes them row by row; a stable sort keeps each row's own order.
        slopes.sort_by_key(|e| e.0);
        booked.sort_by_key(|e| e.0);
        (slopes, booked)
    }

    /// Add `factor` × d(the temperature `reading` of coupling `i`)/dT_s to `row`: an inlet
    /// moves with its upstream node, a side's leaving water with its volume (or, without one,
    /// its upstream node).
    pub(super) fn spread_reading(
        &self,
        plant: &Plant,
        i: usize,
        reading: Reading,
        factor: f64,
        row: &mut Vec<(usize, f64)>,
        sens: &[Vec<(usize, f64)>],
    ) {
        let (l, leaving) = match reading {
            Reading::Inlet(k) => (plant.couplings[i].links[k], false),
            Reading::Leaving(k) => (plant.couplings[i].links[k], true),
        };
        match self.state_of_link[l] {
            Some(s) if leaving => row.push((s, factor)),
            _ => {
                let n = plant.network.upstream(l, self.flow_kg_s[l]);
                row.extend(sens[n].iter().map(|&(c, w)| (c, factor * w)));
            }
        }
    }

    /// dT_node/dT_s for every node, in flow order: a mixed node moves with each stream by its
    /// share of the mixed heat capacity flow, ṁ_l·c_p(T_l) / (Σṁ·c_p(T_mix)).
    pub(super) fn node_sensitivities(&mut self, plant: &Plant, t_k: &[f64]) {
        let network = &plant.network;
        let mut sens = std::mem::take(&mut self.sensitivity);
        sens.resize_with(network.node_count(), Vec::new);
        for mix in &self.mixes {
            match *mix {
                Mix::Hold(d) | Mix::Outside { node: d, .. } => sens[d].clear(),
                Mix::State { node, state } => {
                    sens[node].clear();
                    sens[node].push((state, 1.0));
                }
                Mix::Node { node, from } => {
                    let source = std::mem::take(&mut sens[from]);
                    sens[node].clone_from(&source);
                    sens[from] = source;
                }
                Mix::Streams {
                    node,
                    start,
                    end,
                    loop_index,
                } => {
                    let fluid = &network.loops[loop_index].fluid;
                    let streams = &self.streams[start..end];
                    let m_sum: f64 = streams.iter().map(|s| s.m_kg_s).sum();
                    let per_cp = 1.0 / (m_sum * fluid.specific_heat_j_kg_k(self.node_k[node]));
                    let mut acc = std::mem::take(&mut sens[node]);
                    acc.clear();
                    for stream in streams {
                        let t = match stream.source {
                            Source::State(s) => t_k[s],
                            Source::Node(n) => self.node_k[n],
                        };
                        let w = stream.m_kg_s * fluid.specific_heat_j_kg_k(t) * per_cp;
                        match stream.source {
                            Source::State(s) => acc.push((s, w)),
                            Source::Node(n) => acc.extend(sens[n].iter().map(|&(c, v)| (c, w * v))),
                        }
                    }
                    merge_columns(&mut acc);
                    sens[node] = acc;
                }
            }
        }
        self.sensitivity = sens;
    }

    /// The slopes of coupling `i`'s heat into each side by each temperature it reads
    /// ([`Coupling::reads`](dctwin_components::coupling::Coupling::reads)), by forward
    /// differences of its own law [W/K]; zero where a side does not flow.
    pub(super) fn coupling_slopes(
        &self,
        plant: &Plant,
        i: usize,
        t_k: &[f64],
    ) -> Vec<CouplingSlope> {
        let coupling = &plant.couplings[i].coupling;
        let sides = self.coupling_sides(&plant.network, plant.couplings[i].links, t_k);
        let reads = coupling.reads().iter().copied();
        if !flowing(&sides) {
            return reads.map(|r| (r, [0.0; 2])).collect();
        }
        let base = coupling.duties(&sides).into_w;
        reads
            .map(|r| {
                let moved = coupling.duties(&r.moved(&sides, SLOPE_STEP_K)).into_w;
                let slope = |k: usize| (moved[k] - base[k]) / SLOPE_STEP_K;
                (r, [slope(0), slope(1)])
            })
            .collect()
    }

    /// Slopes of a volume's own heat law (the couplings are handled apart).
    pub(super) fn heat_slopes(
        &self,
        heat: &Heat,
        fluid: &dctwin_fluid::Fluid,
        t_in: f64,
        t: f64,
        m: f64,
    ) -> HeatSlopes {
        let (q, account, water) = self.link_heat(heat, fluid, t_in, t, m);
        let constant = match heat {
            Heat::None | Heat::Fixed { .. } | Heat::CouplingSide { .. } => true,
            Heat::Device(d) => d.heat_is_constant(),
            _ => false,
        };
        if constant {
            return HeatSlopes {
                account,
                constant,
                ..HeatSlopes::default()
            };
        }
        let (q_in, _, water_in) = self.link_heat(heat, fluid, t_in + SLOPE_STEP_K, t, m);
        let (q_t, _, _) = self.link_heat(heat, fluid, t_in, t + SLOPE_STEP_K, m);
        HeatSlopes {
            dq_dt_in: (q_in - q) / SLOPE_STEP_K,
            dq_dt: (q_t - q) / SLOPE_STEP_K,
            dwater_dt_in: (water_in - water) / SLOPE_STEP_K,
            account,
            constant,
        }
    }
}

/// Slopes of a heat law at an operating point.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct HeatSlopes {
    /// ∂Q/∂T_in [W/K].
    pub(super) dq_dt_in: f64,
    /// ∂Q/∂T [W/K].
    pub(super) dq_dt: f64,
    /// ∂(water evaporated)/∂T_in [kg/(s·K)].
    pub(super) dwater_dt_in: f64,
    /// The account Q goes to.
    pub(super) account: Option<Account>,
    /// Whether the law's duty is independent of temperatures (all slopes zero).
    pub(super) constant: bool,
}

/// Sort `(column, value)` pairs and add up those of the same column.
pub(super) fn merge_columns(list: &mut Vec<(usize, f64)>) {
    list.sort_unstable_by_key(|e| e.0);
    let mut w = 0;
    for r in 0..list.len() {
        if w > 0 && list[w - 1].0 == list[r].0 {
            list[w - 1].1 += list[r].1;
        } else {
            list[w] = list[r];
            w += 1;
        }
    }
    list.truncate(w);
}

/// ∂q_s/∂T_j of a layer's heat: `(s, j, slope)` [W/K].
pub(super) type Slope = (usize, usize, f64);
/// ∂(a device's booked heat)/∂T_j: `(j, account, slope)` [W/K].
pub(super) type BookedSlope = (usize, Account, f64);

/// The slopes of a coupling's heat into its two sides by one temperature it reads [W/K].
pub(super) type CouplingSlope = (Reading, [f64; 2]);
