//! The right-hand side of the facility's ODE: node temperatures by enthalpy mixing of the
//! volumes' outlets (in flow order), each volume's energy rate, and the energy flows integrated
//! alongside. A volume's state is the energy it holds, in kelvin ([`EnergyState`]): the facility's
//! energy is linear in the states, so the run's energy balance closes to round-off and the
//! integrator's Newton convergence.
//!
//! Flows and every input (IT power, weather, set-points, fan speeds) are frozen over a control
//! step; only temperatures move inside it. The node order depends on flow directions only and is
//! rebuilt when the flows are re-solved, together with a plan of the step (how each node mixes,
//! each volume's flow and inlet, the constant duties) so that an evaluation is arithmetic over
//! flat arrays: per volume, its temperature from its state (mostly along the tangent at its last
//! evaluated point, else by Newton), per node where streams mix, its temperature from the mixed
//! enthalpy. [`Dynamics::jacobian`] gives the analytic Jacobian for the preconditioner.
//!
//! A stratified tank holds one state per layer, a pipe one per segment: the flow passes through
//! them in turn (upwind, from the state it enters to the one it leaves, which feeds the node
//! downstream). A tank's layers exchange heat by conduction and buoyancy and lose it to the
//! ambient by the tank's own laws ([`StratifiedTank::exchange_w`]); a pipe's segments each lose
//! their share to their ambient.

use crate::energy_state::{EnergyState, Known};
use crate::error::SimError;
use crate::plant::{Chain, Heat, LinkThermal, Plant};
use crate::precondition::SparseRows;
use dctwin_components::device::Water;
use dctwin_components::heat_exchanger::{HeatExchanger, Stream, mean_specific_heat_j_kg_k};
use dctwin_components::tank::StratifiedTank;
use dctwin_network::Network;

pub use crate::plant::NO_FLOW_KG_S;

/// The energy flows integrated with the temperatures are the accounts, as indices into the
/// accounting states.
pub use dctwin_components::device::{ACCOUNTS, Account, ENERGY_ACCOUNTS};

/// Work arrays and the node order of the right-hand side.
#[derive(Debug, Clone, Default)]
pub struct Dynamics {
    /// State index of each link with a volume: its outlet's (for a chain of states, the one
    /// the water leaves from at the current flows).
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
    /// Node enthalpies of the last evaluation [J/kg]: the mixed enthalpy itself, so the
    /// enthalpy a volume receives is exactly what its upstream volumes passed on.
    node_h: Vec<f64>,
    /// Enthalpy of each temperature state at the last evaluation [J/kg].
    state_h: Vec<f64>,
    /// Temperature of each state at the last evaluation [K].
    state_k: Vec<f64>,
    /// Each state where the fluid was last evaluated for it, with its temperature, enthalpy and
    /// capacity: the tangent nearby states take, and where inversions further away start.
    known: Vec<Known>,
    /// Each state's energy scale: how its state turns into its temperature.
    energy_states: Vec<EnergyState>,
    /// Each state's loop (for the fluid).
    loop_of_state: Vec<usize>,
    /// Nodes in flow order (upstream first) through the links without volume.
    order: Vec<usize>,
    /// For each node, the links flowing into it (CSR over `inflow`).
    inflow_start: Vec<usize>,
    inflow: Vec<usize>,
    /// How each node in `order` gets its temperature over this control step.
    mixes: Vec<Mix>,
    /// The streams of the mixing nodes (ranges of it in [`Mix::Streams`]).
    streams: Vec<Inflow>,
    /// Each temperature state's constants over this control step.
    terms: Vec<VolumeTerm>,
    /// For each node, dT_node/dT_s as (state s, weight) pairs (the Jacobian's transport part,
    /// by the states' temperatures: the Jacobian turns it into states at the end).
    sensitivity: Vec<Vec<(usize, f64)>>,
    /// Counts the flow changes, so a Jacobian knows whether it is from the current flows.
    generation: u64,
    /// The node each link flows into ([`NOT_FLOWING`] if it does not), as of the last
    /// [`Dynamics::set_flows`]; the node order was built from it.
    downstream: Vec<usize>,
    /// Each exchanger's UA at this control step's flows [W/K] (0: a side without flow).
    exchanger_ua_w_k: Vec<f64>,
    /// The links holding a chain of states (tanks, pipes of several segments).
    chains: Vec<ChainAt>,
    /// Index into `chains` of each link's chain.
    chain_of_link: Vec<Option<usize>>,
    /// Heat into each tank layer other than by the flow at the last evaluation [W], by state
    /// (zero for other states).
    tank_w: Vec<f64>,
    /// Each tank's loss to its ambient at the last evaluation [W].
    tank_loss_w: Vec<f64>,
    /// Each cooling tower's wet bulb over this control step [K].
    tower_wet_bulb_k: Vec<f64>,
}

/// Temperature step of the difference quotients of the heat laws in the Jacobian [K]: small
/// against the laws' curvature (their duties are smooth over kelvins), large against round-off.
const SLOPE_STEP_K: f64 = 1e-3;

/// How a node's temperature follows from upstream over a control step (frozen flows).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Mix {
    /// No water arrives: the node keeps its last temperature.
    Hold(usize),
    /// One volume feeds it: the node is that volume's outlet.
    State { node: usize, state: usize },
    /// One link without volume or heat feeds it: the node is that link's inlet node.
    Node { node: usize, from: usize },
    /// Enthalpy mixing of several streams (or one stream heated by a pump): `streams[range]`.
    Streams {
        node: usize,
        start: usize,
        end: usize,
        loop_index: usize,
    },
}

/// A stream arriving at a mixing node.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Inflow {
    /// Mass flow [kg/s] (> 0).
    pub m_kg_s: f64,
    /// Where its water comes from.
    pub source: Source,
    /// Heat put in on the way (a pump's shaft), per kg [J/kg].
    pub added_j_kg: f64,
}

/// The origin of a stream: a volume's outlet or (through a link without volume) a node. Also
/// where a volume's inflow comes from: its inlet node, or the tank layer upstream of it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Source {
    /// A temperature state.
    State(usize),
    /// A node.
    Node(usize),
}

/// A volume's constants over a control step.
#[derive(Debug, Clone, Copy)]
pub(crate) struct VolumeTerm {
    /// Its link.
    pub link: usize,
    /// Its loop (for the fluid).
    pub loop_index: usize,
    /// Where its inflow comes from, if water flows through it: its inlet node, or for a tank
    /// layer other than the inlet one, the layer upstream.
    pub inlet: Option<Source>,
    /// Mass flow through it [kg/s] (0 below [`NO_FLOW_KG_S`]).
    pub m_kg_s: f64,
    /// The heat into the water and its account, if they do not depend on temperatures
    /// (racks, fixed duties, none) and so are constant over the control step.
    pub constant_heat: Option<(f64, Option<Account>)>,
    /// Whether it is a tank layer (its heat is in `tank_w`).
    pub layer: bool,
}

/// Marks a link without flow in [`Dynamics`]' per-link downstream nodes.
const NOT_FLOWING: usize = usize::MAX;

impl Dynamics {
    /// The state layout of `plant`: one temperature per volume, then the accounts.
    pub fn new(plant: &Plant) -> Dynamics {
        let link_of_state = plant.state_links();
        let mut state_of_link = vec![None; plant.links.len()];
        for (s, &l) in link_of_state.iter().enumerate().rev() {
            state_of_link[l] = Some(s);
        }
        let mut chains = Vec::new();
        let mut chain_of_link = vec![None; plant.links.len()];
        for (l, first) in state_of_link.iter().enumerate() {
            if let (Some(chain), Some(first)) = (plant.chain(l), *first) {
                chain_of_link[l] = Some(chains.len());
                chains.push(ChainAt { first, chain });
            }
        }
        // A chain's outlet for positive flow until flows are set.
        for (l, c) in chain_of_link.iter().enumerate() {
            if let Some(c) = *c {
                state_of_link[l] = Some(chains[c].outlet(1.0));
            }
        }
        let n_nodes = plant.network.node_count();
        let network = &plant.network;
        let loop_of_state: Vec<usize> = (link_of_state.iter())
            .map(|&l| network.links[l].loop_index)
            .collect();
        let energy_states: Vec<EnergyState> = (link_of_state.iter().zip(&loop_of_state))
            .map(|(&l, &i)| {
                let LinkThermal::Volume { volume, .. } = &plant.links[l] else {
                    unreachable!("states belong to volumes");
                };
                let (fluid, start_k) = (
                    &network.loops[i].fluid,
                    network.loops[i].initial_temperature_k,
                );
                EnergyState::new(fluid, volume.mass_kg, volume.solid_capacity_j_k, start_k)
            })
            .collect();
        let known: Vec<Known> = (energy_states.iter().zip(&loop_of_state))
            .map(|(e, &i)| e.at_reference(&network.loops[i].fluid))
            .collect();
        Dynamics {
            state_of_link,
            flow_kg_s: vec![0.0; plant.links.len()],
            pump_heat_w: vec![0.0; plant.links.len()],
            node_k: initial_node_temperatures(&plant.network),
            heat_w: vec![0.0; plant.links.len()],
            exchanger_w: vec![0.0; plant.exchangers.len()],
            heat_pump_w: vec![(0.0, 0.0, 0.0); plant.heat_pumps.len()],
            node_h: vec![0.0; n_nodes],
            state_h: known.iter().map(|k| k.h_j_kg).collect(),
            state_k: known.iter().map(|k| k.t_k).collect(),
            known,
            energy_states,
            loop_of_state,
            order: Vec::with_capacity(n_nodes),
            inflow_start: Vec::new(),
            inflow: Vec::new(),
            mixes: Vec::with_capacity(n_nodes),
            streams: Vec::new(),
            terms: Vec::new(),
            sensitivity: vec![Vec::new(); n_nodes],
            generation: 0,
            downstream: Vec::new(),
            exchanger_ua_w_k: vec![0.0; plant.exchangers.len()],
            chains,
            chain_of_link,
            tank_w: vec![0.0; link_of_state.len()],
            tank_loss_w: vec![0.0; plant.tanks.len()],
            tower_wet_bulb_k: vec![0.0; plant.cooling_towers.len()],
            link_of_state,
        }
    }

    /// The first state of link `l`'s chain (a tank's top layer, a pipe's `from` segment).
    fn first_state(&self, l: usize) -> usize {
        let c = self.chain_of_link[l].expect("tanks and segmented pipes hold a chain");
        self.chains[c].first
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

    /// Initial state: every volume at its loop's initial temperature (where its state equals
    /// its temperature), accounts at zero.
    pub fn initial_state(&self) -> Vec<f64> {
        let mut y: Vec<f64> = self.energy_states.iter().map(|e| e.reference_k).collect();
        y.extend([0.0; ACCOUNTS]);
        y
    }

    /// The volumes' temperatures at state `y` [K], into `out` (one per temperature state).
    pub fn temperatures_of(&self, plant: &Plant, y: &[f64], out: &mut Vec<f64>) {
        out.clear();
        out.extend((0..self.temperatures()).map(|s| self.at_state(plant, y, s).0.t_k));
    }

    /// Energy held by the volumes at state `y` [J].
    pub fn stored_energy_j(&self, y: &[f64]) -> f64 {
        (self.energy_states.iter().zip(y))
            .map(|(e, &y)| e.energy_of_state_j(y))
            .sum()
    }

    /// State `s` at `y`: along the tangent at its last evaluated point if that is close
    /// enough, otherwise evaluated (and then a new point to start from, `true`).
    fn at_state(&self, plant: &Plant, y: &[f64], s: usize) -> (Known, bool) {
        let (scale, known) = (&self.energy_states[s], &self.known[s]);
        match scale.near(y[s], known) {
            Some(near) => (near, false),
            None => {
                let fluid = &plant.network.loops[self.loop_of_state[s]].fluid;
                (scale.at_state(fluid, y[s], known), true)
            }
        }
    }

    /// Take new flows and rebuild the node order. Fails if water circulates through links that
    /// hold no volume only: its temperature would be undetermined.
    pub fn set_flows(&mut self, plant: &Plant, flows: &[f64]) -> Result<(), SimError> {
        self.flow_kg_s.copy_from_slice(flows);
        // A chain's outlet follows the flow's direction (kept while nothing flows).
        for (l, c) in self.chain_of_link.iter().enumerate() {
            if let Some(c) = *c
                && flows[l].abs() > NO_FLOW_KG_S
            {
                self.state_of_link[l] = Some(self.chains[c].outlet(flows[l]));
            }
        }
        // Flows change every control step, their directions rarely: the node order holds
        // while every link still flows (or not) into the same node.
        if !self.same_directions(plant) {
            self.index_inflows(plant.network.node_count());
            self.order_nodes(plant)?;
        }
        self.plan(plant);
        self.generation += 1;
        Ok(())
    }

    /// Each node's inflowing links, from the links' downstream nodes (a counting sort).
    fn index_inflows(&mut self, n: usize) {
        let mut count = vec![0usize; n + 1];
        for &d in self.downstream.iter().filter(|&&d| d != NOT_FLOWING) {
            count[d + 1] += 1;
        }
        for i in 0..n {
            count[i + 1] += count[i];
        }
        self.inflow_start.clone_from(&count);
        self.inflow.clear();
        self.inflow.resize(count[n], 0);
        let mut fill = count;
        for (l, &d) in self.downstream.iter().enumerate() {
            if d != NOT_FLOWING {
                self.inflow[fill[d]] = l;
                fill[d] += 1;
            }
        }
    }

    /// Whether every link flows into the same node as at the last ordering (or still does
    /// not flow); records the new pattern if not.
    fn same_directions(&mut self, plant: &Plant) -> bool {
        let network = &plant.network;
        let mut same = self.downstream.len() == self.flow_kg_s.len();
        self.downstream.resize(self.flow_kg_s.len(), NOT_FLOWING);
        for (l, (&m, d)) in self.flow_kg_s.iter().zip(&mut self.downstream).enumerate() {
            let now = if m.abs() > NO_FLOW_KG_S {
                network.downstream(l, m)
            } else {
                NOT_FLOWING
            };
            same &= *d == now;
            *d = now;
        }
        same
    }

    /// How many times the flows were set: a Jacobian taken at an earlier generation belongs
    /// to other flows.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Freeze what the right-hand side needs over the control step: how each node mixes and
    /// each volume's flow, inlet and capacities, so an evaluation only does arithmetic.
    fn plan(&mut self, plant: &Plant) {
        let network = &plant.network;
        self.mixes.clear();
        self.streams.clear();
        for &d in &self.order {
            let links = &self.inflow[self.inflow_start[d]..self.inflow_start[d + 1]];
            let mix = match links {
                [] => Mix::Hold(d),
                &[l] if self.state_of_link[l].is_some() => Mix::State {
                    node: d,
                    state: self.state_of_link[l].unwrap_or_default(),
                },
                &[l] if self.pump_heat_w[l] == 0.0 => Mix::Node {
                    node: d,
                    from: network.upstream(l, self.flow_kg_s[l]),
                },
                _ => {
                    let start = self.streams.len();
                    for &l in links {
                        let m = self.flow_kg_s[l].abs();
                        let (source, added_j_kg) = match self.state_of_link[l] {
                            Some(s) => (Source::State(s), 0.0),
                            None => (
                                Source::Node(network.upstream(l, self.flow_kg_s[l])),
                                self.pump_heat_w[l] / m,
                            ),
                        };
                        self.streams.push(Inflow {
                            m_kg_s: m,
                            source,
                            added_j_kg,
                        });
                    }
                    Mix::Streams {
                        node: d,
                        start,
                        end: self.streams.len(),
                        loop_index: network.node_loop[d],
                    }
                }
            };
            self.mixes.push(mix);
        }
        for (ua, x) in self.exchanger_ua_w_k.iter_mut().zip(&plant.exchangers) {
            let (mh, mc) = (
                self.flow_kg_s[x.hot_link].abs(),
                self.flow_kg_s[x.cold_link].abs(),
            );
            *ua = if mh > NO_FLOW_KG_S && mc > NO_FLOW_KG_S {
                x.exchanger.ua_w_k(mh, mc)
            } else {
                0.0
            };
        }
        self.tower_wet_bulb_k.clear();
        for unit in &plant.cooling_towers {
            let wet_bulb_k = unit.tower.psychrometrics.wet_bulb_of_k(plant.outdoor);
            self.tower_wet_bulb_k.push(wet_bulb_k);
        }
        self.terms.clear();
        for (s, &l) in self.link_of_state.iter().enumerate() {
            let LinkThermal::Volume { heat, .. } = &plant.links[l] else {
                unreachable!("states belong to volumes");
            };
            let m = self.flow_kg_s[l];
            let flowing = m.abs() > NO_FLOW_KG_S;
            let inlet = match self.chain_of_link[l] {
                Some(c) if flowing => Some(self.chains[c].inflow(s, m, network.upstream(l, m))),
                _ => flowing.then(|| Source::Node(network.upstream(l, m))),
            };
            let constant_heat = match heat {
                Heat::None => Some((0.0, None)),
                Heat::Fixed { heat_w } => {
                    let (q, a) = signed(*heat_w, Account::ItHeat, Account::Rejected);
                    Some((q, a))
                }
                Heat::Device(d) if d.heat_is_constant() => Some((
                    d.heat_w(&constant_water(network.fluid_of(l))),
                    Some(d.account()),
                )),
                _ => None,
            };
            self.terms.push(VolumeTerm {
                link: l,
                loop_index: network.links[l].loop_index,
                inlet,
                m_kg_s: if flowing { m.abs() } else { 0.0 },
                constant_heat,
                layer: matches!(heat, Heat::Tank { .. }),
            });
        }
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

    /// The volumes' temperatures, node temperatures and coupling duties at state `y` (what
    /// controllers read).
    pub fn refresh(&mut self, plant: &Plant, y: &[f64]) {
        self.state_temperatures(plant, y);
        let t_k = std::mem::take(&mut self.state_k);
        self.mix_nodes(plant, &t_k);
        self.couplings(plant, &t_k);
        self.tank_exchanges(plant, &t_k);
        self.state_k = t_k;
    }

    /// Each tank's heat into its layers other than by the flow, and its loss.
    fn tank_exchanges(&mut self, plant: &Plant, t_k: &[f64]) {
        for (i, t) in plant.tanks.iter().enumerate() {
            let first = self.first_state(t.link);
            let fluid = plant.network.fluid_of(t.link);
            let range = first..first + t.tank.layers();
            let layers = &t_k[range.clone()];
            let out = &mut self.tank_w[range];
            let counted = (t.tank).exchange_w(fluid, layers, t.ambient_k, out);
            debug_assert!(counted.is_ok(), "a tank's states are its layers");
            self.tank_loss_w[i] = t.tank.heat_loss_w(layers, t.ambient_k);
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
                None if term.layer => (self.tank_w[s], None, 0.0),
                None => {
                    let LinkThermal::Volume { heat, .. } = &plant.links[term.link] else {
                        unreachable!("states belong to volumes");
                    };
                    self.link_heat(plant, heat, fluid, t_in, t, m)
                }
            };
            sums[Account::WaterKg as usize] += water_kg_s;
            self.heat_w[term.link] += q;
            if let Some(a) = account {
                // Sources count positive, sinks as the heat they take.
                let sink = matches!(a, Account::Rejected | Account::Reused | Account::Lost);
                sums[a as usize] += if sink { -q } else { q };
            }
            // The mixing volume's law with the inlet enthalpy taken from the mix itself:
            // dE/dt = ṁ·(h_in − h) + Q, in kelvin of state (EnergyState).
            dy[s] = (m * (h_in - h) + q) / self.energy_states[s].capacity_j_k;
        }
        self.state_k = t_k;
        for (t, &loss) in plant.tanks.iter().zip(&self.tank_loss_w) {
            sums[Account::Lost as usize] += loss;
            self.heat_w[t.link] = -loss;
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
    fn state_temperatures(&mut self, plant: &Plant, y: &[f64]) {
        for s in 0..self.temperatures() {
            let (state, evaluated) = self.at_state(plant, y, s);
            (self.state_k[s], self.state_h[s]) = (state.t_k, state.h_j_kg);
            if evaluated {
                self.known[s] = state;
            }
        }
    }

    /// Node temperatures and enthalpies in flow order.
    fn mix_nodes(&mut self, plant: &Plant, t_k: &[f64]) {
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
        let exchanger_slopes: Vec<(f64, f64)> = (0..plant.exchangers.len())
            .map(|i| self.exchanger_slopes(plant, i))
            .collect();
        let heat_pump_slopes: Vec<HeatPumpSlopes> = (0..plant.heat_pumps.len())
            .map(|i| self.heat_pump_slopes(plant, i, &t_k))
            .collect();
        let interfaces = self.tank_interface_slopes(plant, &t_k);
        let dt_dy: Vec<f64> = (self.energy_states.iter().zip(&self.known))
            .map(|(e, k)| e.capacity_j_k / k.capacity_j_k)
            .collect();
        let by_state = |row: &mut Vec<(usize, f64)>| {
            for (c, v) in row.iter_mut() {
                *v *= dt_dy[*c];
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
            let slopes = if term.layer {
                // The layer's own law is differentiated below, with its neighbours.
                HeatSlopes {
                    constant: true,
                    ..HeatSlopes::default()
                }
            } else {
                self.heat_slopes(plant, heat, fluid, t_in, t, m)
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
                let sink = matches!(a, Account::Rejected | Account::Reused | Account::Lost);
                into(a, if sink { -1.0 } else { 1.0 }, slopes.dq_dt);
            }
            if let (Some(from), Heat::DryCooler { .. } | Heat::CoolingTower { .. }) =
                (term.inlet, heat)
            {
                spread_from(
                    &mut accounts[Account::WaterKg as usize],
                    from,
                    slopes.dwater_dt_in,
                );
            }
            match heat {
                Heat::Tank { index } => {
                    let t = &plant.tanks[*index];
                    let i = s - self.first_state(t.link);
                    let ua = t.tank.layer_ua_w_k[i];
                    // q_i = −UA_i·(T_i − T_amb) + F(T_{i−1}, T_i) − F(T_i, T_{i+1}).
                    row.push((s, -ua / capacity));
                    if i > 0 {
                        let (d_upper, d_lower) = interfaces[s - 1];
                        row.push((s - 1, d_upper / capacity));
                        row.push((s, d_lower / capacity));
                    }
                    if i + 1 < t.tank.layers() {
                        let (d_upper, d_lower) = interfaces[s];
                        row.push((s, -d_upper / capacity));
                        row.push((s + 1, -d_lower / capacity));
                    }
                    accounts[Account::Lost as usize].push((s, ua));
                }
                Heat::ExchangerSide { index, hot } => {
                    let x = &plant.exchangers[*index];
                    let sign = if *hot { -1.0 } else { 1.0 } / capacity;
                    let (d_hot, d_cold) = exchanger_slopes[*index];
                    let inlet = |l: usize| network.upstream(l, self.flow_kg_s[l]);
                    spread(&mut row, inlet(x.hot_link), sign * d_hot);
                    spread(&mut row, inlet(x.cold_link), sign * d_cold);
                }
                Heat::HeatPumpSide { index, condenser } => {
                    let slopes = heat_pump_slopes[*index];
                    let sign = if *condenser { 1.0 } else { -1.0 } / capacity;
                    let (by_source, by_sink) = if *condenser {
                        (slopes.condenser_by_source, slopes.condenser_by_sink)
                    } else {
                        (slopes.evaporator_by_source, slopes.evaporator_by_sink)
                    };
                    self.spread_source(plant, *index, sign * by_source, &mut row, &sens);
                    let sink_in = self.condenser_inlet(plant, *index);
                    spread(&mut row, sink_in, sign * by_sink);
                }
                _ => {}
            }
            by_state(&mut row);
            out.push_row(&mut row);
        }
        for (i, slopes) in heat_pump_slopes.iter().enumerate() {
            let list = &mut accounts[Account::HeatPumpWork as usize];
            let by_source = slopes.condenser_by_source - slopes.evaporator_by_source;
            self.spread_source(plant, i, by_source, list, &sens);
            let by_sink = slopes.condenser_by_sink - slopes.evaporator_by_sink;
            let sink_in = self.condenser_inlet(plant, i);
            list.extend(sens[sink_in].iter().map(|&(c, w)| (c, by_sink * w)));
        }
        for list in &mut accounts {
            by_state(list);
            out.push_row(list);
        }
        self.sensitivity = sens;
        self.state_k = t_k;
    }

    /// For each tank layer state s above another, the slopes of the heat passing down from it
    /// to the layer below, ∂F/∂T_s and ∂F/∂T_{s+1} [W/K] ([`StratifiedTank::interface_w`]);
    /// zero for other states.
    fn tank_interface_slopes(&self, plant: &Plant, t_k: &[f64]) -> Vec<(f64, f64)> {
        if plant.tanks.is_empty() {
            return Vec::new();
        }
        let mut out = vec![(0.0, 0.0); self.temperatures()];
        for t in &plant.tanks {
            let first = self.first_state(t.link);
            let fluid = plant.network.fluid_of(t.link);
            for s in first..first + t.tank.layers() - 1 {
                out[s] = interface_slopes(&t.tank, fluid, t_k[s], t_k[s + 1]);
            }
        }
        out
    }

    /// Add `factor` × d(source leaving temperature)/dT_s of heat-pump bank `i` to `row`.
    fn spread_source(
        &self,
        plant: &Plant,
        i: usize,
        factor: f64,
        row: &mut Vec<(usize, f64)>,
        sens: &[Vec<(usize, f64)>],
    ) {
        let l = plant.heat_pumps[i].evaporator_link;
        match self.state_of_link[l] {
            Some(s) => row.push((s, factor)),
            None => {
                let n = plant.network.upstream(l, self.flow_kg_s[l]);
                row.extend(sens[n].iter().map(|&(c, w)| (c, factor * w)));
            }
        }
    }

    /// dT_node/dT_s for every node, in flow order: a mixed node moves with each stream by its
    /// share of the mixed heat capacity flow, ṁ_l·c_p(T_l) / (Σṁ·c_p(T_mix)).
    fn node_sensitivities(&mut self, plant: &Plant, t_k: &[f64]) {
        let network = &plant.network;
        let mut sens = std::mem::take(&mut self.sensitivity);
        sens.resize_with(network.node_count(), Vec::new);
        for mix in &self.mixes {
            match *mix {
                Mix::Hold(d) => sens[d].clear(),
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

    /// d(duty)/d(hot inlet) and d(duty)/d(cold inlet) of exchanger `i` [W/K].
    fn exchanger_slopes(&self, plant: &Plant, i: usize) -> (f64, f64) {
        let x = &plant.exchangers[i];
        let side = |l: usize| {
            let m = self.flow_kg_s[l];
            let t_in = self.node_k[plant.network.upstream(l, m)];
            (t_in, m.abs(), plant.network.fluid_of(l))
        };
        let (th, mh, fh) = side(x.hot_link);
        let (tc, mc, fc) = side(x.cold_link);
        if !(mh > NO_FLOW_KG_S && mc > NO_FLOW_KG_S) || x.fouling_factor == 0.0 {
            return (0.0, 0.0);
        }
        let duty = |th: f64, tc: f64| {
            let hot = Stream {
                fluid: fh,
                t_in_k: th,
                mass_flow_kg_s: mh,
            };
            let cold = Stream {
                fluid: fc,
                t_in_k: tc,
                mass_flow_kg_s: mc,
            };
            exchanger_duty_w(&x.exchanger, self.exchanger_ua_w_k[i], hot, cold) * x.fouling_factor
        };
        let base = duty(th, tc);
        (
            (duty(th + SLOPE_STEP_K, tc) - base) / SLOPE_STEP_K,
            (duty(th, tc + SLOPE_STEP_K) - base) / SLOPE_STEP_K,
        )
    }

    /// The slopes of bank `i`'s condenser and evaporator heat by its source's leaving water
    /// and its condenser's inlet [W/K].
    fn heat_pump_slopes(&self, plant: &Plant, i: usize, t_k: &[f64]) -> HeatPumpSlopes {
        let hp = &plant.heat_pumps[i];
        let (m_e, m_c) = (
            self.flow_kg_s[hp.evaporator_link],
            self.flow_kg_s[hp.condenser_link],
        );
        if !(m_e.abs() > NO_FLOW_KG_S && m_c.abs() > NO_FLOW_KG_S) {
            return HeatPumpSlopes::default();
        }
        let source_k = match self.state_of_link[hp.evaporator_link] {
            Some(s) => t_k[s],
            None => self.node_k[plant.network.upstream(hp.evaporator_link, m_e)],
        };
        let sink_in_k = self.node_k[self.condenser_inlet(plant, i)];
        let duties = |source_k: f64, sink_in_k: f64| {
            let demand_w = hp.load_to_setpoint_w(&plant.network, m_c, sink_in_k);
            heat_pump_duties(hp, source_k, demand_w)
        };
        let (c0, e0, _) = duties(source_k, sink_in_k);
        let (c1, e1, _) = duties(source_k + SLOPE_STEP_K, sink_in_k);
        let (c2, e2, _) = duties(source_k, sink_in_k + SLOPE_STEP_K);
        HeatPumpSlopes {
            condenser_by_source: (c1 - c0) / SLOPE_STEP_K,
            evaporator_by_source: (e1 - e0) / SLOPE_STEP_K,
            condenser_by_sink: (c2 - c0) / SLOPE_STEP_K,
            evaporator_by_sink: (e2 - e0) / SLOPE_STEP_K,
        }
    }

    /// The node bank `i`'s condenser water comes from.
    fn condenser_inlet(&self, plant: &Plant, i: usize) -> usize {
        let l = plant.heat_pumps[i].condenser_link;
        plant.network.upstream(l, self.flow_kg_s[l])
    }

    /// Slopes of a volume's own heat law (the couplings are handled apart).
    fn heat_slopes(
        &self,
        plant: &Plant,
        heat: &Heat,
        fluid: &dctwin_fluid::Fluid,
        t_in: f64,
        t: f64,
        m: f64,
    ) -> HeatSlopes {
        let (q, account, water) = self.link_heat(plant, heat, fluid, t_in, t, m);
        let constant = match heat {
            Heat::None
            | Heat::Fixed { .. }
            | Heat::ExchangerSide { .. }
            | Heat::HeatPumpSide { .. } => true,
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
        let (q_in, _, water_in) = self.link_heat(plant, heat, fluid, t_in + SLOPE_STEP_K, t, m);
        let (q_t, _, _) = self.link_heat(plant, heat, fluid, t_in, t + SLOPE_STEP_K, m);
        HeatSlopes {
            dq_dt_in: (q_in - q) / SLOPE_STEP_K,
            dq_dt: (q_t - q) / SLOPE_STEP_K,
            dwater_dt_in: (water_in - water) / SLOPE_STEP_K,
            account,
            constant,
        }
    }

    /// Duties of the components that join two links: exchangers and heat pumps, from the inlet
    /// temperatures of both sides.
    fn couplings(&mut self, plant: &Plant, t_k: &[f64]) {
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
                let ua_w_k = self.exchanger_ua_w_k[i];
                exchanger_duty_w(&x.exchanger, ua_w_k, stream(fh, th, mh), stream(fc, tc, mc))
                    * x.fouling_factor
            } else {
                0.0
            };
        }
        for (i, hp) in plant.heat_pumps.iter().enumerate() {
            let m_e = self.flow_kg_s[hp.evaporator_link];
            let m_c = self.flow_kg_s[hp.condenser_link];
            // The source water leaves at the evaporator volume's temperature.
            let source_leaving_k = match self.state_of_link[hp.evaporator_link] {
                Some(s) => t_k[s],
                None => self.node_k[plant.network.upstream(hp.evaporator_link, m_e)],
            };
            self.heat_pump_w[i] = if m_e.abs() > NO_FLOW_KG_S && m_c.abs() > NO_FLOW_KG_S {
                let sink_in_k = self.node_k[self.condenser_inlet(plant, i)];
                let demand_w = hp.load_to_setpoint_w(&plant.network, m_c, sink_in_k);
                heat_pump_duties(hp, source_leaving_k, demand_w)
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
        if let Heat::CoolingTower { index } = heat {
            let unit = &plant.cooling_towers[*index];
            let wet_bulb_k = self.tower_wet_bulb_k[*index];
            let op = (unit.tower).operate(fluid, t_in, m, wet_bulb_k, unit.fan_speed);
            return (-op.heat_rejected_w, Some(Account::Rejected), op.makeup_kg_s);
        }
        let (q, account) = match heat {
            // Towers are handled above; tank layers by `tank_exchanges`.
            Heat::None | Heat::DryCooler { .. } | Heat::CoolingTower { .. } | Heat::Tank { .. } => {
                (0.0, None)
            }
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
            Heat::Device(d) => {
                let water = Water {
                    fluid,
                    inlet_k: t_in,
                    volume_k: t,
                    mass_flow_kg_s: m,
                };
                (d.heat_w(&water), Some(d.account()))
            }
        };
        (q, account, 0.0)
    }
}

/// The water a device whose heat is constant over a control step is evaluated with: its heat
/// does not read it.
fn constant_water(fluid: &dctwin_fluid::Fluid) -> Water<'_> {
    Water {
        fluid,
        inlet_k: f64::NAN,
        volume_k: f64::NAN,
        mass_flow_kg_s: 0.0,
    }
}

/// Slopes of a heat law at an operating point.
#[derive(Debug, Clone, Copy, Default)]
struct HeatSlopes {
    /// ∂Q/∂T_in [W/K].
    dq_dt_in: f64,
    /// ∂Q/∂T [W/K].
    dq_dt: f64,
    /// ∂(water evaporated)/∂T_in [kg/(s·K)].
    dwater_dt_in: f64,
    /// The account Q goes to.
    account: Option<Account>,
    /// Whether the law's duty is independent of temperatures (all slopes zero).
    constant: bool,
}

/// Newton steps of the mixed temperature shorter than this end the iteration [K]: the next step
/// would be c_p'/(2·c_p)·step² ≈ 1e-4/K · 1e-6 K² = 1e-10 K.
const MIX_NEWTON_DONE_K: f64 = 1e-3;

/// The temperature of enthalpy `h_j_kg`, by Newton from the flow-weighted mean temperature
/// `guess_k` of the streams mixed (within millikelvin of the answer: usually one step); the
/// fluid's own inversion if that guess is outside its valid range or Newton does not settle.
fn mixed_temperature_k(fluid: &dctwin_fluid::Fluid, h_j_kg: f64, guess_k: f64) -> f64 {
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
fn exchanger_duty_w(x: &HeatExchanger, ua_w_k: f64, side_1: Stream, side_2: Stream) -> f64 {
    let (t1, t2) = (side_1.t_in_k, side_2.t_in_k);
    let c1 = side_1.mass_flow_kg_s * mean_specific_heat_j_kg_k(side_1.fluid, t1, t2);
    let c2 = side_2.mass_flow_kg_s * mean_specific_heat_j_kg_k(side_2.fluid, t1, t2);
    let (c_min, c_max) = (c1.min(c2), c1.max(c2));
    x.arrangement.effectiveness(ua_w_k / c_min, c_min / c_max) * c_min * (t1 - t2)
}

/// Sort `(column, value)` pairs and add up those of the same column.
fn merge_columns(list: &mut Vec<(usize, f64)>) {
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

/// A chain of states ([`Chain`]) starting at state `first`.
#[derive(Debug, Clone, Copy)]
struct ChainAt {
    first: usize,
    chain: Chain,
}

impl ChainAt {
    /// Whether water flowing at `m_kg_s` along the link enters at the first state.
    fn enters_first(&self, m_kg_s: f64) -> bool {
        (m_kg_s > 0.0) == self.chain.first_at_from
    }

    fn last(&self) -> usize {
        self.first + self.chain.states - 1
    }

    /// The state the water leaves from at link flow `m_kg_s`.
    fn outlet(&self, m_kg_s: f64) -> usize {
        if self.enters_first(m_kg_s) {
            self.last()
        } else {
            self.first
        }
    }

    /// Where state `s` gets its inflow at link flow `m_kg_s`: the inlet node `inlet` for the
    /// state the water enters, else the state upstream of it.
    fn inflow(&self, s: usize, m_kg_s: f64, inlet: usize) -> Source {
        match (self.enters_first(m_kg_s), s) {
            (true, s) if s == self.first => Source::Node(inlet),
            (true, s) => Source::State(s - 1),
            (false, s) if s == self.last() => Source::Node(inlet),
            (false, s) => Source::State(s + 1),
        }
    }
}

/// ∂F/∂T_upper and ∂F/∂T_lower of the heat passing down between two tank layers [W/K], by
/// forward differences of the tank's own law (conduction is smooth, the buoyancy ramp C¹).
fn interface_slopes(
    tank: &StratifiedTank,
    fluid: &dctwin_fluid::Fluid,
    upper_k: f64,
    lower_k: f64,
) -> (f64, f64) {
    let f = tank.interface_w(fluid, upper_k, lower_k);
    (
        (tank.interface_w(fluid, upper_k + SLOPE_STEP_K, lower_k) - f) / SLOPE_STEP_K,
        (tank.interface_w(fluid, upper_k, lower_k + SLOPE_STEP_K) - f) / SLOPE_STEP_K,
    )
}

/// A signed duty: positive into `source`, negative into `sink`.
fn signed(q: f64, source: Account, sink: Account) -> (f64, Option<Account>) {
    (q, Some(if q >= 0.0 { source } else { sink }))
}

/// The slopes of a bank's duties [W/K] ([`Dynamics::heat_pump_slopes`]).
#[derive(Debug, Clone, Copy, Default)]
struct HeatPumpSlopes {
    condenser_by_source: f64,
    evaporator_by_source: f64,
    condenser_by_sink: f64,
    evaporator_by_sink: f64,
}

/// Condenser heat, evaporator heat and electric power of a bank asked for `demand_w` of heat
/// by its running units. The refrigerant temperatures follow the
/// leaving waters: the source's (its volume) and the sink's set-point, which the bank holds.
fn heat_pump_duties(
    hp: &crate::plant::HeatPumps,
    source_leaving_k: f64,
    demand_w: f64,
) -> (f64, f64, f64) {
    let units_on = hp.staging.units_on();
    let op = (hp.bank).operate_running(units_on, demand_w, source_leaving_k, hp.supply_setpoint_k);
    (op.condenser_heat_w, op.evaporator_heat_w, op.electric_w)
}

fn initial_node_temperatures(network: &Network) -> Vec<f64> {
    network
        .node_loop
        .iter()
        .map(|&l| network.loops[l].initial_temperature_k)
        .collect()
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

    /// Two loops (pump, a pipe of four segments with its wall, losing heat, a 300 kW source, a
    /// cooler at a set-point; the second a pump and a pipe of three segments) joined by an
    /// exchanger.
    fn two_loops() -> Plant {
        let text = r#"
name = "two loops"
[[loop]]
name = "a"
fluid = "water"
initial_temperature_c = 35.0
[[loop.component]]
kind = "pressurisation"
name = "a.vessel"
node = "a.suction"
pressure_bar = 2.0
[[loop.component]]
kind = "pump"
name = "a.pump"
from = "a.suction"
to = "a.discharge"
control = "flow"
efficiency = 0.75
flow_setpoint_m3_h = 30
[[loop.component]]
kind = "pipe"
name = "a.supply"
from = "a.discharge"
to = "a.source_in"
length_m = 100
inner_diameter_mm = 100
u_value_w_m2_k = 2.0
outer_diameter_mm = 150
ambient_temperature_c = 10
wall_thickness_mm = 4
segments = 4
[[loop.component]]
kind = "heat_source"
name = "a.source"
from = "a.source_in"
to = "a.hx_in"
heat_kw = 300
dp_nominal_bar = 0.3
flow_nominal_m3_h = 30
[[loop.component]]
kind = "resistance"
name = "a.hx"
from = "a.hx_in"
to = "a.cooler_in"
dp_nominal_bar = 0.2
flow_nominal_m3_h = 30
[[loop.component]]
kind = "heat_source"
name = "a.cooler"
from = "a.cooler_in"
to = "a.suction"
outlet_temperature_c = 30
dp_nominal_bar = 0.2
flow_nominal_m3_h = 30
[[loop]]
name = "b"
fluid = "water"
initial_temperature_c = 20.0
[[loop.component]]
kind = "pressurisation"
name = "b.vessel"
node = "b.suction"
pressure_bar = 2.0
[[loop.component]]
kind = "pump"
name = "b.pump"
from = "b.suction"
to = "b.hx_in"
control = "flow"
efficiency = 0.75
flow_setpoint_m3_h = 20
[[loop.component]]
kind = "resistance"
name = "b.hx"
from = "b.hx_in"
to = "b.out"
dp_nominal_bar = 0.2
flow_nominal_m3_h = 20
[[loop.component]]
kind = "pipe"
name = "b.return"
from = "b.out"
to = "b.suction"
length_m = 50
inner_diameter_mm = 80
segments = 3
"#;
        let facility = dctwin_model::parse(text, std::path::Path::new("two.toml")).unwrap();
        let mut plant = Plant::new(Network::from_facility(&facility));
        let x = HeatExchanger::new(FlowArrangement::CounterFlow, 30e3, 8.3, 5.5).unwrap();
        plant.attach_exchanger("hx", "a.hx", "b.hx", x).unwrap();
        plant
    }

    /// One loop through a 200 kW heat source, a four-layer 2 m³ tank (entered at its top or its
    /// bottom) and a cooling tower; a heat-pump bank lifts heat from the tank's outlet pipe.
    fn tank_and_tower(inlet: &str) -> Plant {
        let text = dctwin_model::fixture::pumped_loop(
            "tank and tower",
            "c",
            32.0,
            "flow_setpoint_m3_h = 28.8",
        ) + &format!(
            r#"
[[loop.component]]
kind = "heat_source"
name = "load"
from = "discharge"
to = "tank_in"
heat_kw = 200
[[loop.component]]
kind = "tank"
name = "tank"
from = "tank_in"
to = "tank_out"
volume_m3 = 2.0
layers = 4
inlet = "{inlet}"
ua_w_k = 50
[[loop.component]]
kind = "resistance"
name = "evaporator"
from = "tank_out"
to = "tower_in"
dp_nominal_bar = 0.1
flow_nominal_m3_h = 28.8
[[loop.component]]
kind = "cooling_tower"
name = "tower"
from = "tower_in"
to = "suction"
design_heat_kw = 200
design_water_in_c = 35
design_water_out_c = 29
design_wet_bulb_c = 21
fan_power_kw = 3
dp_nominal_bar = 0.3
flow_nominal_m3_h = 28.8
[[loop]]
name = "h"
fluid = "water"
initial_temperature_c = 60.0
[[loop.component]]
kind = "pressurisation"
name = "h.vessel"
node = "h.suction"
pressure_bar = 2.0
[[loop.component]]
kind = "pump"
name = "h.pump"
from = "h.suction"
to = "h.out"
control = "flow"
efficiency = 0.75
flow_setpoint_m3_h = 5
[[loop.component]]
kind = "resistance"
name = "condenser"
from = "h.out"
to = "h.suction"
dp_nominal_bar = 0.1
flow_nominal_m3_h = 5
[[loop.component]]
kind = "heat_pump"
name = "hp"
evaporator = "evaporator"
condenser = "condenser"
heating_capacity_kw = 40
units = 2
supply_setpoint_c = 65
"#
        );
        let facility = dctwin_model::parse(&text, std::path::Path::new("tt.toml"))
            .unwrap_or_else(|e| panic!("{e}"));
        let (mut plant, _) = crate::from_model::plant_of(&facility).unwrap();
        let bank = &plant.heat_pumps[0].bank;
        let unit_w = bank.unit().rated_capacity_w();
        let (p_min, units) = (bank.unit().min_part_load(), bank.units());
        (plant.heat_pumps[0].staging).update(60e3, unit_w, p_min, units, 60.0);
        plant
    }

    /// The analytic Jacobian times a vector matches a central difference of the right-hand
    /// side to 1e-4 of the largest entry (its heat laws are forward differences over 1 mK:
    /// errors of about 1e-6 relative), with the states 10 K apart and a difference step of 2 mK,
    /// beyond the tangent's reach, so the conversion between states and temperatures is checked: two loops joined by an exchanger (with pipes of
    /// several segments, one with its wall and a loss), and a loop with
    /// a stratified tank (entered at either end, with inversions between its layers), a
    /// cooling tower and a heat pump.
    #[test]
    fn jacobian_matches_difference_quotients() {
        for plant in [two_loops(), tank_and_tower("top"), tank_and_tower("bottom")] {
            check_jacobian(&plant);
        }
    }

    fn check_jacobian(plant: &Plant) {
        use dctwin_network::hydraulic::{HydraulicSolver, HydraulicState};
        let plant = plant.clone();
        let mut state = HydraulicState::cold(&plant.network);
        HydraulicSolver::new(&plant.network)
            .solve(&plant.network, &mut state)
            .unwrap();
        let mut dynamics = Dynamics::new(&plant);
        dynamics.set_flows(&plant, &state.mass_flow_kg_s).unwrap();
        let n = dynamics.len();
        let temperatures = dynamics.temperatures();
        // A state away from balance: every volume at its own temperature.
        let mut y = dynamics.initial_state();
        for (s, t) in y[..temperatures].iter_mut().enumerate() {
            *t += 10.0 * ((s as f64) * 1.7).sin();
        }
        let mut jacobian = SparseRows::default();
        dynamics.jacobian(&plant, &y, &mut jacobian);
        assert_eq!(jacobian.rows(), n);
        for k in 0..4 {
            let v: Vec<f64> = (0..n)
                .map(|s| {
                    if s < temperatures {
                        ((s * 7 + k * 3) as f64).cos()
                    } else {
                        0.0
                    }
                })
                .collect();
            let mut jv = vec![0.0; n];
            jacobian.multiply(&v, &mut jv);
            let eps = 2e-3;
            let (mut plus, mut minus) = (vec![0.0; n], vec![0.0; n]);
            let shifted = |sign: f64| -> Vec<f64> {
                y.iter().zip(&v).map(|(y, v)| y + sign * eps * v).collect()
            };
            dynamics.evaluate(&plant, &shifted(1.0), &mut plus);
            dynamics.evaluate(&plant, &shifted(-1.0), &mut minus);
            let fd: Vec<f64> = plus
                .iter()
                .zip(&minus)
                .map(|(p, m)| (p - m) / (2.0 * eps))
                .collect();
            // Temperatures and energy accounts have their own scales.
            for range in [0..temperatures, temperatures..n] {
                let scale = fd[range.clone()].iter().fold(0.0f64, |a, d| a.max(d.abs()));
                for i in range {
                    assert!(
                        (jv[i] - fd[i]).abs() <= 1e-4 * scale + 1e-12,
                        "row {i} of {n}, direction {k}: {} vs {}",
                        jv[i],
                        fd[i]
                    );
                }
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
