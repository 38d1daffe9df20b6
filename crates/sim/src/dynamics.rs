//! The right-hand side of the facility's ODE: node temperatures by enthalpy mixing of the
//! volumes' outlets (in flow order), each volume's dT/dt, and the energy flows integrated
//! alongside (so the run's energy balance is exact up to the integrator's tolerance).
//!
//! Flows and every input (IT power, weather, set-points, fan speeds) are frozen over a control
//! step; only temperatures move inside it. The node order depends on flow directions only and is
//! rebuilt when the flows are re-solved.

use crate::error::SimError;
use crate::plant::{Heat, LinkThermal, Plant};
use dctwin_components::heat_exchanger::Stream;
use dctwin_network::Network;

/// Flows below this carry no heat [kg/s] (as in the steady solver).
pub const NO_FLOW_KG_S: f64 = 1e-9;

/// The energy flows integrated with the temperatures, as indices into the accounting states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(usize)]
pub enum Account {
    /// IT heat captured by the coolant (racks, positive fixed duties) [J].
    ItHeat,
    /// Pump shaft heat put into the water [J].
    PumpHeat,
    /// Heat pumps' electric input, delivered to the water as condenser minus evaporator heat [J].
    HeatPumpWork,
    /// Heat added by boilers and heating set-point plants [J].
    Boiler,
    /// Heat rejected to the outdoors (dry coolers, cooling set-point plants, negative duties) [J].
    Rejected,
    /// Heat delivered to district-heating consumers [J].
    Reused,
    /// Heat lost by pipes to their surroundings [J].
    Lost,
    /// Water evaporated by adiabatic pre-cooling [kg] (not energy: for WUE).
    WaterKg,
}

/// Number of accounting states.
pub const ACCOUNTS: usize = 8;
/// Of which energy accounts (the first ones).
pub const ENERGY_ACCOUNTS: usize = 7;

/// Work arrays and the node order of the right-hand side.
#[derive(Debug, Clone, Default)]
pub struct Dynamics {
    /// State index of each link with a volume.
    pub state_of_link: Vec<Option<usize>>,
    /// Link of each temperature state.
    pub link_of_state: Vec<usize>,
    /// Mass flows frozen over the control step [kg/s].
    pub flow_kg_s: Vec<f64>,
    /// Heat put into the water by pump shafts, frozen over the control step [W].
    pub pump_heat_w: Vec<f64>,
    /// Node temperatures of the last evaluation [K].
    pub node_k: Vec<f64>,
    /// Heat into each link's water at the last evaluation [W].
    pub heat_w: Vec<f64>,
    /// Heat duty of each exchanger at the last evaluation [W].
    pub exchanger_w: Vec<f64>,
    /// Condenser heat, evaporator heat and electric power of each heat-pump bank [W].
    pub heat_pump_w: Vec<(f64, f64, f64)>,
    /// Nodes in flow order (upstream first) through the links without volume.
    order: Vec<usize>,
    /// For each node, the links flowing into it (CSR over `inflow`).
    inflow_start: Vec<usize>,
    inflow: Vec<usize>,
}

impl Dynamics {
    /// The state layout of `plant`: one temperature per volume, then the accounts.
    pub fn new(plant: &Plant) -> Dynamics {
        let mut state_of_link = vec![None; plant.links.len()];
        let mut link_of_state = Vec::new();
        for (l, t) in plant.links.iter().enumerate() {
            if let LinkThermal::Volume { .. } = t {
                state_of_link[l] = Some(link_of_state.len());
                link_of_state.push(l);
            }
        }
        let n_nodes = plant.network.node_count();
        Dynamics {
            state_of_link,
            link_of_state,
            flow_kg_s: vec![0.0; plant.links.len()],
            pump_heat_w: vec![0.0; plant.links.len()],
            node_k: initial_node_temperatures(&plant.network),
            heat_w: vec![0.0; plant.links.len()],
            exchanger_w: vec![0.0; plant.exchangers.len()],
            heat_pump_w: vec![(0.0, 0.0, 0.0); plant.heat_pumps.len()],
            order: Vec::with_capacity(n_nodes),
            inflow_start: Vec::new(),
            inflow: Vec::new(),
        }
    }

    /// Number of temperature states.
    pub fn temperatures(&self) -> usize {
        self.link_of_state.len()
    }

    /// Total states: temperatures then accounts.
    pub fn len(&self) -> usize {
        self.link_of_state.len() + ACCOUNTS
    }

    /// Whether there are no states at all (never: the accounts are always there).
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Initial state: every volume at its loop's initial temperature, accounts at zero.
    pub fn initial_state(&self, plant: &Plant) -> Vec<f64> {
        let mut y: Vec<f64> = self
            .link_of_state
            .iter()
            .map(|&l| plant.network.loops[plant.network.links[l].loop_index].initial_temperature_k)
            .collect();
        y.extend([0.0; ACCOUNTS]);
        y
    }

    /// Take new flows and rebuild the node order. Fails if water circulates through links that
    /// hold no volume only: its temperature would be undetermined.
    pub fn set_flows(&mut self, plant: &Plant, flows: &[f64]) -> Result<(), SimError> {
        self.flow_kg_s.copy_from_slice(flows);
        let network = &plant.network;
        let n = network.node_count();
        let mut count = vec![0usize; n + 1];
        for (l, &m) in flows.iter().enumerate() {
            if m.abs() > NO_FLOW_KG_S {
                count[network.downstream(l, m) + 1] += 1;
            }
        }
        for i in 0..n {
            count[i + 1] += count[i];
        }
        self.inflow_start.clone_from(&count);
        self.inflow.clear();
        self.inflow.resize(count[n], 0);
        let mut fill = count;
        for (l, &m) in flows.iter().enumerate() {
            if m.abs() > NO_FLOW_KG_S {
                let d = network.downstream(l, m);
                self.inflow[fill[d]] = l;
                fill[d] += 1;
            }
        }
        self.order_nodes(plant)
    }

    /// Kahn's algorithm over the links without volume: a node is ready once every such link
    /// flowing into it has a ready upstream node.
    fn order_nodes(&mut self, plant: &Plant) -> Result<(), SimError> {
        let network = &plant.network;
        let n = network.node_count();
        let mut waiting = vec![0usize; n];
        let mut through_out: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (d, waits) in waiting.iter_mut().enumerate() {
            for &l in &self.inflow[self.inflow_start[d]..self.inflow_start[d + 1]] {
                if self.state_of_link[l].is_none() {
                    *waits += 1;
                    through_out[network.upstream(l, self.flow_kg_s[l])].push(d);
                }
            }
        }
        self.order.clear();
        let mut ready: Vec<usize> = (0..n).filter(|&d| waiting[d] == 0).collect();
        while let Some(v) = ready.pop() {
            self.order.push(v);
            for &d in &through_out[v] {
                waiting[d] -= 1;
                if waiting[d] == 0 {
                    ready.push(d);
                }
            }
        }
        if self.order.len() < n {
            let stuck: Vec<String> = (0..n)
                .filter(|&d| waiting[d] > 0)
                .take(5)
                .map(|d| network.node_names[d].to_string())
                .collect();
            return Err(SimError::NoThermalMass {
                nodes: stuck.join(", "),
            });
        }
        Ok(())
    }

    /// Node temperatures and coupling duties at state `y` (what controllers read).
    pub fn refresh(&mut self, plant: &Plant, y: &[f64]) {
        self.mix_nodes(plant, y);
        self.couplings(plant, y);
    }

    /// Evaluate dy/dt at state `y`.
    pub fn evaluate(&mut self, plant: &Plant, y: &[f64], dy: &mut [f64]) {
        self.refresh(plant, y);
        let accounts_at = self.temperatures();
        dy[accounts_at..].fill(0.0);
        for (s, &l) in self.link_of_state.iter().enumerate() {
            let LinkThermal::Volume { volume, heat } = &plant.links[l] else {
                unreachable!("states belong to volumes");
            };
            let fluid = plant.network.fluid_of(l);
            let m = self.flow_kg_s[l];
            let t = y[s];
            let t_in = if m.abs() > NO_FLOW_KG_S {
                self.node_k[plant.network.upstream(l, m)]
            } else {
                t
            };
            let m = if m.abs() > NO_FLOW_KG_S { m.abs() } else { 0.0 };
            let (q, account, water_kg_s) = self.link_heat(plant, heat, fluid, t_in, t, m);
            dy[accounts_at + Account::WaterKg as usize] += water_kg_s;
            self.heat_w[l] = q;
            if let Some(a) = account {
                // Sources count positive, sinks as the heat they take.
                let sink = matches!(a, Account::Rejected | Account::Reused | Account::Lost);
                dy[accounts_at + a as usize] += if sink { -q } else { q };
            }
            dy[s] = volume.derivative_k_s(fluid, t_in, t, m, q);
        }
        for (l, &q) in self.pump_heat_w.iter().enumerate() {
            if q != 0.0 && self.flow_kg_s[l].abs() > NO_FLOW_KG_S {
                dy[accounts_at + Account::PumpHeat as usize] += q;
            }
        }
        for &(q_cond, q_evap, _) in &self.heat_pump_w {
            dy[accounts_at + Account::HeatPumpWork as usize] += q_cond - q_evap;
        }
    }

    /// Node temperatures in flow order.
    fn mix_nodes(&mut self, plant: &Plant, y: &[f64]) {
        let network = &plant.network;
        for i in 0..self.order.len() {
            let d = self.order[i];
            let links = &self.inflow[self.inflow_start[d]..self.inflow_start[d + 1]];
            if links.is_empty() {
                continue; // no water arrives: the node keeps its last temperature
            }
            let fluid = &network.loops[network.node_loop[d]].fluid;
            let (mut mh, mut mt, mut m_sum) = (0.0, 0.0, 0.0);
            for &l in links {
                let m = self.flow_kg_s[l].abs();
                let (t, h) = match self.state_of_link[l] {
                    Some(s) => (y[s], fluid.enthalpy_j_kg(y[s])),
                    None => {
                        let t_up = self.node_k[network.upstream(l, self.flow_kg_s[l])];
                        (t_up, fluid.enthalpy_j_kg(t_up) + self.pump_heat_w[l] / m)
                    }
                };
                mh += m * h;
                mt += m * t;
                m_sum += m;
            }
            self.node_k[d] = if links.len() == 1 && self.state_of_link[links[0]].is_some() {
                y[self.state_of_link[links[0]].unwrap_or_default()]
            } else {
                fluid.temperature_from_enthalpy_near_k(mh / m_sum, mt / m_sum)
            };
        }
    }

    /// Duties of the components that join two links: exchangers and heat pumps, from the inlet
    /// temperatures of both sides.
    fn couplings(&mut self, plant: &Plant, y: &[f64]) {
        for (i, x) in plant.exchangers.iter().enumerate() {
            let side = |l: usize| {
                let m = self.flow_kg_s[l];
                let t_in = self.node_k[plant.network.upstream(l, m)];
                (t_in, m.abs(), plant.network.fluid_of(l))
            };
            let (th, mh, fh) = side(x.hot_link);
            let (tc, mc, fc) = side(x.cold_link);
            self.exchanger_w[i] = if mh > NO_FLOW_KG_S && mc > NO_FLOW_KG_S {
                let stream = |fluid, t_in_k, mass_flow_kg_s| Stream {
                    fluid,
                    t_in_k,
                    mass_flow_kg_s,
                };
                let exchange = x.exchanger.exchange(stream(fh, th, mh), stream(fc, tc, mc));
                exchange.heat_w * x.fouling_factor
            } else {
                0.0
            };
        }
        for (i, hp) in plant.heat_pumps.iter().enumerate() {
            let m_e = self.flow_kg_s[hp.evaporator_link];
            let m_c = self.flow_kg_s[hp.condenser_link];
            // The source water leaves at the evaporator volume's temperature.
            let source_leaving_k = match self.state_of_link[hp.evaporator_link] {
                Some(s) => y[s],
                None => self.node_k[plant.network.upstream(hp.evaporator_link, m_e)],
            };
            self.heat_pump_w[i] = if m_e.abs() > NO_FLOW_KG_S && m_c.abs() > NO_FLOW_KG_S {
                heat_pump_duties(hp, source_leaving_k)
            } else {
                (0.0, 0.0, 0.0)
            };
        }
    }

    /// Heat into a volume's water [W] and the account it belongs to.
    fn link_heat(
        &self,
        plant: &Plant,
        heat: &Heat,
        fluid: &dctwin_fluid::Fluid,
        t_in: f64,
        t: f64,
        m: f64,
    ) -> (f64, Option<Account>, f64) {
        if let Heat::DryCooler { index } = heat {
            let unit = &plant.dry_coolers[*index];
            let op = (unit.cooler).operate(fluid, t_in, m, plant.outdoor, unit.fan_speed);
            return (
                -op.heat_rejected_w,
                Some(Account::Rejected),
                op.water_evaporated_kg_s,
            );
        }
        let (q, account) = match heat {
            Heat::None | Heat::DryCooler { .. } => (0.0, None),
            Heat::Ambient { ua_w_k, ambient_k } => (-ua_w_k * (t - ambient_k), Some(Account::Lost)),
            Heat::Fixed { heat_w } => signed(*heat_w, Account::ItHeat, Account::Rejected),
            Heat::Setpoint { outlet_k } => signed(
                m * (fluid.enthalpy_j_kg(*outlet_k) - fluid.enthalpy_j_kg(t_in)),
                Account::Boiler,
                Account::Rejected,
            ),
            Heat::Rack(r) => (r.heat_to_coolant_w(), Some(Account::ItHeat)),
            Heat::ExchangerSide { index, hot } => {
                let q = self.exchanger_w[*index];
                (if *hot { -q } else { q }, None)
            }
            Heat::HeatPumpSide { index, condenser } => {
                let (q_cond, q_evap, _) = self.heat_pump_w[*index];
                (if *condenser { q_cond } else { -q_evap }, None)
            }
            Heat::District(c) => (c.heat_to_coolant_w(fluid, t_in), Some(Account::Reused)),
            Heat::Boiler(b) => (b.heat_w(fluid, t_in, m), Some(Account::Boiler)),
        };
        (q, account, 0.0)
    }
}

/// A signed duty: positive into `source`, negative into `sink`.
fn signed(q: f64, source: Account, sink: Account) -> (f64, Option<Account>) {
    (q, Some(if q >= 0.0 { source } else { sink }))
}

/// Condenser heat, evaporator heat and electric power of a bank at its demand. The refrigerant
/// temperatures follow the leaving waters: the source's (its volume) and the sink's set-point,
/// which the bank is controlled to.
fn heat_pump_duties(hp: &crate::plant::HeatPumps, source_leaving_k: f64) -> (f64, f64, f64) {
    let op = (hp.bank).operate(hp.demand_w, source_leaving_k, hp.supply_setpoint_k);
    (op.condenser_heat_w, op.evaporator_heat_w, op.electric_w)
}

fn initial_node_temperatures(network: &Network) -> Vec<f64> {
    network
        .node_loop
        .iter()
        .map(|&l| network.loops[l].initial_temperature_k)
        .collect()
}
