//! The right-hand side: node temperatures by enthalpy mixing, each volume's energy rate from
//! its heat law, the couplings (exchangers, heat pumps) and the energy accounts.

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
            let (q, account, water_kg_s) = match term.constant_heat {
                Some((q, account)) => (q, account, 0.0),
                None if term.layer => (self.layer_w[s], None, 0.0),
                None => {
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
        for &(q_cond, q_evap, _) in &self.heat_pump_w {
            sums[Account::HeatPumpWork as usize] += q_cond - q_evap;
        }
        accounts.copy_from_slice(&sums);
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

    /// Duties of the components that join two links: exchangers and heat pumps, from the inlet
    /// temperatures of both sides.
    pub(super) fn couplings(&mut self, plant: &Plant, t_k: &[f64]) {
        for (i, x) in plant.exchangers.iter().enumerate() {
            self.exchanger_w[i] = match self.exchanger_streams(plant, i) {
                Some((hot, cold)) => {
                    let ua_w_k = self.exchanger_ua_w_k[i];
                    exchanger_duty_w(&x.exchanger, ua_w_k, hot, cold)
                }
                None => 0.0,
            };
        }
        for (i, hp) in plant.heat_pumps.iter().enumerate() {
            self.heat_pump_w[i] = match self.heat_pump_water(plant, i, t_k) {
                Some(w) => {
                    let demand_w = hp.load_to_setpoint_w(&plant.network, w.m_c, w.sink_in_k);
                    heat_pump_duties(hp, w.source_k, demand_w)
                }
                None => (0.0, 0.0, 0.0),
            };
        }
    }

    /// The hot and cold streams entering exchanger `i`, if it is in service and water flows
    /// through both sides.
    pub(super) fn exchanger_streams<'p>(
        &self,
        plant: &'p Plant,
        i: usize,
    ) -> Option<(Stream<'p>, Stream<'p>)> {
        let x = &plant.exchangers[i];
        let side = |l: usize| {
            let m = self.flow_kg_s[l];
            Stream {
                fluid: plant.network.fluid_of(l),
                t_in_k: self.node_k[plant.network.upstream(l, m)],
                mass_flow_kg_s: m.abs(),
            }
        };
        let (hot, cold) = (side(x.hot_link), side(x.cold_link));
        let flowing = hot.mass_flow_kg_s > NO_FLOW_KG_S && cold.mass_flow_kg_s > NO_FLOW_KG_S;
        (flowing && x.in_service).then_some((hot, cold))
    }

    /// The water bank `i` works on, if it flows through both its sides: the source water
    /// leaves at the evaporator volume's temperature.
    pub(super) fn heat_pump_water(
        &self,
        plant: &Plant,
        i: usize,
        t_k: &[f64],
    ) -> Option<HeatPumpWater> {
        let hp = &plant.heat_pumps[i];
        let m_e = self.flow_kg_s[hp.evaporator_link];
        let m_c = self.flow_kg_s[hp.condenser_link];
        if !(m_e.abs() > NO_FLOW_KG_S && m_c.abs() > NO_FLOW_KG_S) {
            return None;
        }
        let source_k = match self.state_of_link[hp.evaporator_link] {
            Some(s) => t_k[s],
            None => self.node_k[plant.network.upstream(hp.evaporator_link, m_e)],
        };
        Some(HeatPumpWater {
            source_k,
            sink_in_k: self.node_k[self.condenser_inlet(plant, i)],
            m_c,
        })
    }

    /// The node bank `i`'s condenser water comes from.
    pub(super) fn condenser_inlet(&self, plant: &Plant, i: usize) -> usize {
        let l = plant.heat_pumps[i].condenser_link;
        plant.network.upstream(l, self.flow_kg_s[l])
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
            // Devices are handled above.
            Heat::None | Heat::Device(_) => (0.0, None),
            Heat::Ambient { ua_w_k, ambient_k } => (-ua_w_k * (t - ambient_k), Some(Account::Lost)),
            Heat::Fixed { heat_w } => signed(*heat_w, Account::ItHeat, Account::Rejected),
            Heat::Setpoint { outlet_k } => signed(
                m * (fluid.enthalpy_j_kg(*outlet_k) - fluid.enthalpy_j_kg(t_in)),
                Account::Boiler,
                Account::Rejected,
            ),
            Heat::ExchangerSide { index, hot } => {
                let q = self.exchanger_w[*index];
                (if *hot { -q } else { q }, None)
            }
            Heat::HeatPumpSide { index, condenser } => {
                let (q_cond, q_evap, _) = self.heat_pump_w[*index];
                (if *condenser { q_cond } else { -q_evap }, None)
            }
        };
        (q, account, 0.0)
    }
}

/// The water a heat-pump bank works on.
#[derive(Debug, Clone, Copy)]
pub(super) struct HeatPumpWater {
    /// Temperature the source water leaves the evaporator at [K].
    pub(super) source_k: f64,
    /// Temperature the condenser water enters at [K].
    pub(super) sink_in_k: f64,
    /// Condenser mass flow [kg/s].
    pub(super) m_c: f64,
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
    matches!(a, Account::Rejected | Account::Reused | Account::Lost)
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

/// An exchanger's duty from side 1 to side 2 [W]: [`HeatExchanger::exchange`]'s `heat_w`
/// (ε-NTU with mean capacity rates between the inlets), with UA at the control step's flows
/// given and without the outlet temperatures, two enthalpy inversions the RHS does not need.
pub(super) fn exchanger_duty_w(
    x: &HeatExchanger,
    ua_w_k: f64,
    side_1: Stream,
    side_2: Stream,
) -> f64 {
    let (t1, t2) = (side_1.t_in_k, side_2.t_in_k);
    let c1 = side_1.mass_flow_kg_s * mean_specific_heat_j_kg_k(side_1.fluid, t1, t2);
    let c2 = side_2.mass_flow_kg_s * mean_specific_heat_j_kg_k(side_2.fluid, t1, t2);
    let (c_min, c_max) = (c1.min(c2), c1.max(c2));
    x.arrangement.effectiveness(ua_w_k / c_min, c_min / c_max) * c_min * (t1 - t2)
}

/// A signed duty: positive into `source`, negative into `sink`.
pub(super) fn signed(q: f64, source: Account, sink: Account) -> (f64, Option<Account>) {
    (q, Some(if q >= 0.0 { source } else { sink }))
}

/// Condenser heat, evaporator heat and electric power of a bank asked for `demand_w` of heat
/// by its running units. The refrigerant temperatures follow the
/// leaving waters: the source's (its volume) and the sink's set-point, which the bank holds.
pub(super) fn heat_pump_duties(
    hp: &crate::plant::HeatPumps,
    source_leaving_k: f64,
    demand_w: f64,
) -> (f64, f64, f64) {
    let units_on = hp.staging.units_on();
    let op = (hp.bank).operate_running(units_on, demand_w, source_leaving_k, hp.supply_setpoint_k);
    (op.condenser_heat_w, op.evaporator_heat_w, op.electric_w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use dctwin_components::heat_exchanger::FlowArrangement;
    use dctwin_fluid::Fluid;

    /// The RHS's duty is the component's own `exchange().heat_w` (same formula, same
    /// functions): equal to round-off, for each arrangement, either side the warmer one.
    #[test]
    fn exchanger_duty_is_the_components_duty() {
        let water = Fluid::water();
        let stream = |t_in_k, mass_flow_kg_s| Stream {
            fluid: &water,
            t_in_k,
            mass_flow_kg_s,
        };
        for arrangement in [
            FlowArrangement::CounterFlow,
            FlowArrangement::ParallelFlow,
            FlowArrangement::CrossFlowUnmixed,
        ] {
            let x = HeatExchanger::new(arrangement, 50e3, 10.0, 8.0).unwrap();
            for (t1, m1, t2, m2) in [
                (323.15, 10.0, 303.15, 8.0),
                (300.15, 3.0, 330.15, 12.0),
                (313.15, 5.0, 313.1502, 5.0),
            ] {
                let reference = x.exchange(stream(t1, m1), stream(t2, m2)).heat_w;
                let ua = x.ua_w_k(m1, m2);
                let duty = exchanger_duty_w(&x, ua, stream(t1, m1), stream(t2, m2));
                assert!(
                    (duty - reference).abs() <= 1e-12 * reference.abs(),
                    "{arrangement:?}: {duty} vs {reference}"
                );
            }
        }
    }

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
