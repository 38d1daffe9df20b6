//! The right-hand side: node temperatures by enthalpy mixing, each volume's energy rate from
//! its heat law, the couplings' heat (exchangers, heat pumps) and the energy accounts.

use super::*;

impl Dynamics {
    /// The volumes' temperatures, node temperatures and coupling duties at state `y` (what
    /// controllers read).
    pub fn refresh(&mut self, plant: &Plant, y: &[f64]) {
        self.state_temperatures(plant, y);
        let t_k = std::mem::take(&mut self.state_k);
        self.mix_nodes(plant, &t_k);
        self.couplings(plant, &t_k);
        self.layer_exchanges(plant, &t_k);
        self.state_k = t_k;
    }

    /// Each layered device's heat into its layers other than by the flow, and the part of it
    /// from its surroundings.
    pub(super) fn layer_exchanges(&mut self, plant: &Plant, t_k: &[f64]) {
        for (i, &l) in self.layered.iter().enumerate() {
            let Some(d) = plant.device(l) else {
                unreachable!("layered links hold a device");
            };
            let range = self.states_of(l);
            let fluid = plant.network.fluid_of(l);
            let out = &mut self.layer_w[range.clone()];
            self.layered_w[i] = d.layer_heat_w(fluid, &t_k[range], out);
        }
    }

    /// Evaluate dy/dt at state `y`. Duties that do not depend on temperatures (racks, fixed
    /// duties) are those of the plant at the last [`Dynamics::set_flows`], which the time loop
    /// calls after applying each control step's inputs.
    pub fn evaluate(&mut self, plant: &Plant, y: &[f64], dy: &mut [f64]) {
        self.refresh(plant, y);
        let t_k = std::mem::take(&mut self.state_k);
        let accounts_at = self.temperatures();
        let (dy, accounts) = dy.split_at_mut(accounts_at);
        let mut sums = [0.0; ACCOUNTS];
        // Summed over a chain's states.
        self.heat_w.fill(0.0);
        for (s, term) in self.terms.iter().enumerate() {
            let fluid = &plant.network.loops[term.loop_index].fluid;
            let t = t_k[s];
            let h = self.state_h[s];
            let (t_in, h_in) = match term.inlet {
                Some(Source::Node(n)) => (self.node_k[n], self.node_h[n]),
                Some(Source::State(u)) => (t_k[u], self.state_h[u]),
                None => (t, h),
            };
            let m = term.m_kg_s;
            let (q, account, water_kg_s) = match (term.wall, term.constant_heat) {
                (Some((w, film_w_k)), _) => (film_w_k * (y[w] - t), None, 0.0),
                (None, Some((q, account))) => (q, account, 0.0),
                (None, None) if term.layer => (self.layer_w[s], None, 0.0),
                (None, None) => {
                    let LinkThermal::Volume { heat, .. } = &plant.links[term.link] else {
                        unreachable!("states belong to volumes");
                    };
                    self.link_heat(heat, fluid, t_in, t, m)
                }
            };
            sums[Account::WaterKg as usize] += water_kg_s;
            self.heat_w[term.link] += q;
            if let Some(a) = account {
                // Sources count positive, sinks as the heat they take.
                sums[a as usize] += if is_sink(a) { -q } else { q };
            }
            // The mixing volume's law with the inlet enthalpy taken from the mix itself:
            // dE/dt = ṁ·(h_in − h) + Q, in kelvin of state (EnergyState).
            dy[s] = (m * (h_in - h) + q) / self.energy_states[s].capacity_j_k;
        }
        self.state_k = t_k;
        for (&l, &q) in self.layered.iter().zip(&self.layered_w) {
            if let Some(d) = plant.device(l) {
                let a = d.account();
                sums[a as usize] += if is_sink(a) { -q } else { q };
            }
            self.heat_w[l] = q;
        }
        for (l, &q) in self.pump_heat_w.iter().enumerate() {
            if q != 0.0 && self.flow_kg_s[l].abs() > NO_FLOW_KG_S {
                sums[Account::PumpHeat as usize] += q;
            }
        }
        for (c, duties) in plant.couplings.iter().zip(&self.coupling_duties) {
            if let Some(a) = c.coupling.work_account() {
                sums[a as usize] += duties.into_w[0] + duties.into_w[1];
            }
        }
        let (entered, left) = self.boundary_enthalpy_w(&plant.network);
        sums[Account::Entered as usize] += entered;
        sums[Account::Left as usize] += left;
        let (accounts, rest) = accounts.split_at_mut(ACCOUNTS);
        let (sensors, walls) = rest.split_at_mut(self.sensors.len());
        sums[Account::Lost as usize] += self.wall_rates(plant, y, walls);
        accounts.copy_from_slice(&sums);
        let readings = &y[accounts_at + ACCOUNTS..];
        for ((d, &(node, sensor)), &reading) in sensors.iter_mut().zip(&self.sensors).zip(readings)
        {
            let flow = self.node_flow_kg_s(node);
            *d = sensor.derivative_k_s(reading, self.node_k[node], flow);
        }
    }

    /// Each wall segment's rate, C·dT/dt = g·(T_water − T_wall) − L·(T_wall − T_ambient), into
    /// `out` (the walls' part of dy/dt); returns the walls' loss to their ambients [W].
    fn wall_rates(&mut self, plant: &Plant, y: &[f64], out: &mut [f64]) -> f64 {
        let base = self.wall_base();
        let mut total = 0.0;
        for (j, w) in self.walls.iter().enumerate() {
            let LinkThermal::Volume {
                heat:
                    Heat::FilmWall {
                        loss_w_k,
                        ambient_k,
                        ..
                    },
                ..
            } = &plant.links[w.link]
            else {
                unreachable!("walls belong to pipes with a wall of their own");
            };
            let mut lost = 0.0;
            for i in 0..w.segments {
                let wall_k = y[w.first + i];
                let film = w.film_w_k * (self.state_k[w.water + i] - wall_k);
                let loss = loss_w_k * (wall_k - ambient_k);
                out[w.first + i - base] = (film - loss) / w.capacity_j_k;
                lost += loss;
            }
            self.wall_loss_w[j] = lost;
            total += lost;
        }
        total
    }

    /// The enthalpy water carries in through the open boundaries and out through them [W]:
    /// entering at the boundary's temperature (its outside node's), leaving at the network's.
    pub fn boundary_enthalpy_w(&self, network: &Network) -> (f64, f64) {
        let (mut entered, mut left) = (0.0, 0.0);
        for l in network.boundaries() {
            let m = self.flow_kg_s[l];
            let link = &network.links[l];
            if m > NO_FLOW_KG_S {
                entered += m * self.node_h[link.from];
            } else if m < -NO_FLOW_KG_S {
                left -= m * self.node_h[link.to];
            }
        }
        (entered, left)
    }

    /// Temperature and enthalpy of every volume (its outlet's) at state `y`.
    pub(super) fn state_temperatures(&mut self, plant: &Plant, y: &[f64]) {
        for s in 0..self.temperatures() {
            let (state, evaluated) = self.at_state(plant, y, s);
            (self.state_k[s], self.state_h[s]) = (state.t_k, state.h_j_kg);
            if evaluated {
                self.known[s] = state;
            }
        }
    }

    /// Node temperatures and enthalpies in flow order.
    pub(super) fn mix_nodes(&mut self, plant: &Plant, t_k: &[f64]) {
        let network = &plant.network;
        for mix in &self.mixes {
            match *mix {
                Mix::Outside { node, k } => {
                    let fluid = &network.loops[network.node_loop[node]].fluid;
                    self.node_k[node] = k;
                    self.node_h[node] = fluid.enthalpy_j_kg(k);
                }
                Mix::Hold(d) => {
                    let fluid = &network.loops[network.node_loop[d]].fluid;
                    self.node_h[d] = fluid.enthalpy_j_kg(self.node_k[d]);
                }
                Mix::State { node, state } => {
                    self.node_k[node] = t_k[state];
                    self.node_h[node] = self.state_h[state];
                }
                Mix::Node { node, from } => {
                    self.node_k[node] = self.node_k[from];
                    self.node_h[node] = self.node_h[from];
                }
                Mix::Streams {
                    node,
                    start,
                    end,
                    loop_index,
                } => {
                    let (mut mh, mut mt, mut m_sum) = (0.0, 0.0, 0.0);
                    for stream in &self.streams[start..end] {
                        let (t, h) = match stream.source {
                            Source::State(s) => (t_k[s], self.state_h[s]),
                            Source::Node(n) => (self.node_k[n], self.node_h[n]),
                        };
                        let m = stream.m_kg_s;
                        mh += m * (h + stream.added_j_kg);
                        mt += m * t;
                        m_sum += m;
                    }
                    let h = mh / m_sum;
                    let fluid = &network.loops[loop_index].fluid;
                    self.node_k[node] = mixed_temperature_k(fluid, h, mt / m_sum);
                    self.node_h[node] = h;
                }
            }
        }
    }

    /// The heat each coupling (an exchanger, a heat-pump bank) moves, from the water on both
    /// its sides; none where either side does not flow.
    pub(super) fn couplings(&mut self, plant: &Plant, t_k: &[f64]) {
        for (i, c) in plant.couplings.iter().enumerate() {
            let sides = self.coupling_sides(&plant.network, c.links, t_k);
            self.coupling_duties[i] = match flowing(&sides) {
                true => c.coupling.duties(&sides),
                false => Duties::default(),
            };
        }
    }

    /// The water on the sides of a coupling of links `links` with the volumes at `t_k` [K]
    /// (by state): entering from upstream, leaving at the side's volume's temperature, at the
    /// flow's magnitude (zero where nothing flows).
    pub fn coupling_sides<'n>(
        &self,
        network: &'n Network,
        links: [usize; 2],
        t_k: &[f64],
    ) -> [Side<'n>; 2] {
        links.map(|l| {
            let m = self.flow_kg_s[l];
            let inlet_k = self.node_k[network.upstream(l, m)];
            Side {
                fluid: network.fluid_of(l),
                inlet_k,
                leaving_k: self.state_of_link[l].map_or(inlet_k, |s| t_k[s]),
                mass_flow_kg_s: if m.abs() > NO_FLOW_KG_S { m.abs() } else { 0.0 },
            }
        })
    }

    /// The heat coupling `i` moved at the last evaluation.
    pub fn coupling_duties(&self, i: usize) -> Duties {
        self.coupling_duties[i]
    }

    /// Heat into a volume's water [W] and the account it belongs to.
    pub(super) fn link_heat(
        &self,
        heat: &Heat,
        fluid: &dctwin_fluid::Fluid,
        t_in: f64,
        t: f64,
        m: f64,
    ) -> (f64, Option<Account>, f64) {
        if let Heat::Device(d) = heat {
            let water = Water {
                fluid,
                inlet_k: t_in,
                volume_k: t,
                mass_flow_kg_s: m,
                layers_k: &[],
            };
            let (q, water_kg_s) = d.heat_and_water(&water);
            return (q, Some(d.account()), water_kg_s);
        }
        let (q, account) = match heat {
            // Devices are handled above, film walls by the evaluation (they read their wall's
            // state).
            Heat::None | Heat::Device(_) | Heat::FilmWall { .. } => (0.0, None),
            Heat::Ambient { ua_w_k, ambient_k } => (-ua_w_k * (t - ambient_k), Some(Account::Lost)),
            Heat::Fixed { heat_w } => signed(*heat_w, Account::ItHeat, Account::Rejected),
            Heat::Setpoint { outlet_k } => signed(
                m * (fluid.enthalpy_j_kg(*outlet_k) - fluid.enthalpy_j_kg(t_in)),
                Account::Boiler,
                Account::Rejected,
            ),
            Heat::CouplingSide { index, side } => {
                (self.coupling_duties[*index].into_w[*side], None)
            }
        };
        (q, account, 0.0)
    }
}

/// The water a device whose heat is constant over a control step is evaluated with: its heat
/// does not read it.
pub(super) fn constant_water(fluid: &dctwin_fluid::Fluid) -> Water<'_> {
    Water {
        fluid,
        inlet_k: f64::NAN,
        volume_k: f64::NAN,
        mass_flow_kg_s: 0.0,
        layers_k: &[],
    }
}

/// Whether account `a` takes heat out of the water (booked as the heat it takes).
pub(super) fn is_sink(a: Account) -> bool {
    matches!(
        a,
        Account::Rejected | Account::Reused | Account::Lost | Account::Left
    )
}

/// Newton steps of the mixed temperature shorter than this end the iteration [K]: the next step
/// would be c_p'/(2·c_p)·step² ≈ 1e-4/K · 1e-6 K² = 1e-10 K.
pub(super) const MIX_NEWTON_DONE_K: f64 = 1e-3;

/// The temperature of enthalpy `h_j_kg`, by Newton from the flow-weighted mean temperature
/// `guess_k` of the streams mixed (within millikelvin of the answer: usually one step); the
/// fluid's own inversion if that guess is outside its valid range or Newton does not settle.
pub(super) fn mixed_temperature_k(fluid: &dctwin_fluid::Fluid, h_j_kg: f64, guess_k: f64) -> f64 {
    let (min_k, max_k) = fluid.valid_range_k();
    if guess_k > min_k && guess_k < max_k {
        let mut t = guess_k;
        for _ in 0..3 {
            let step = (fluid.enthalpy_j_kg(t) - h_j_kg) / fluid.specific_heat_j_kg_k(t);
            t -= step;
            if step.abs() < MIX_NEWTON_DONE_K {
                return t;
            }
        }
    }
    fluid.temperature_from_enthalpy_near_k(h_j_kg, guess_k)
}

/// A signed duty: positive into `source`, negative into `sink`.
pub(super) fn signed(q: f64, source: Account, sink: Account) -> (f64, Option<Account>) {
    (q, Some(if q >= 0.0 { source } else { sink }))
}

/// Whether water flows through both sides of a coupling.
pub(super) fn flowing(sides: &[Side<'_>; 2]) -> bool {
    sides.iter().all(|s| s.mass_flow_kg_s > 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use dctwin_fluid::Fluid;

    /// One or two Newton steps from the mean temperature invert the enthalpy to 1e-9 K.
    #[test]
    fn mixed_temperature_inverts_the_enthalpy() {
        let water = Fluid::water();
        for (t_a, t_b, share) in [
            (303.15, 323.15, 0.3),
            (278.15, 358.15, 0.5),
            (313.15, 313.15, 0.9),
        ] {
            let h = share * water.enthalpy_j_kg(t_a) + (1.0 - share) * water.enthalpy_j_kg(t_b);
            let mean = share * t_a + (1.0 - share) * t_b;
            let t = mixed_temperature_k(&water, h, mean);
            let exact = water.temperature_from_enthalpy_k(h);
            assert!((t - exact).abs() < 1e-9, "{t} vs {exact}");
        }
    }
}
