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
//! A device of several layers (a stratified tank) holds one state per layer, a pipe one per
//! segment: the flow passes through them in turn (upwind, from the state it enters to the one
//! it leaves, which feeds the node downstream). A device's layers exchange heat by its own law
//! ([`VolumeDevice::layer_heat_w`](dctwin_components::device::VolumeDevice::layer_heat_w): a
//! tank's conduction, buoyancy and loss); a pipe's segments each lose their share to their
//! ambient.

use crate::energy_state::{EnergyState, Known};
use crate::error::SimError;
use crate::plant::{Chain, Heat, LinkThermal, Plant};
use crate::precondition::SparseRows;
use dctwin_components::coupling::{Duties, Reading, Side};
use dctwin_components::device::Water;
use dctwin_components::temperature_sensor::TemperatureSensor;
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
    /// The heat each coupling moved at the last evaluation.
    coupling_duties: Vec<Duties>,
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
    /// For each node, the links that end at it (either end), whatever flows.
    links_at_node: Vec<Vec<usize>>,
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
    /// The links holding a chain of states (devices of several layers, pipes of several
    /// segments).
    chains: Vec<ChainAt>,
    /// Index into `chains` of each link's chain.
    chain_of_link: Vec<Option<usize>>,
    /// The links holding a device of several layers (a tank).
    layered: Vec<usize>,
    /// The sensors: the node each reads and its law; their readings are the states after the
    /// accounts.
    sensors: Vec<(usize, TemperatureSensor)>,
    /// Each sensor's first reading [K]: its node's water as the components around it start.
    sensor_start_k: Vec<f64>,
    /// Heat into each layer other than by the flow at the last evaluation [W], by state (zero
    /// for other states).
    layer_w: Vec<f64>,
    /// Each device of `layered`'s heat from its surroundings at the last evaluation [W] (a
    /// tank's loss, negative), booked to its account.
    layered_w: Vec<f64>,
    /// The pipes' walls held as states of their own (after the sensors').
    walls: Vec<WallAt>,
    /// Index into `walls` of each link's wall.
    wall_of_link: Vec<Option<usize>>,
    /// Each wall's loss to its ambient at the last evaluation [W].
    wall_loss_w: Vec<f64>,
}

/// A pipe's wall held as states of its own, one per segment beside the water's, exchanging
/// with the water through the film and losing to the pipe's ambient.
#[derive(Debug, Clone, Copy)]
pub(super) struct WallAt {
    /// Its pipe's link.
    pub(super) link: usize,
    /// Its first segment's state.
    pub(super) first: usize,
    /// The water state of its first segment (the pipe's chain from its `from` end).
    pub(super) water: usize,
    /// Segments.
    pub(super) segments: usize,
    /// One segment's heat capacity [J/K].
    pub(super) capacity_j_k: f64,
    /// One segment's film conductance at the control step's flow [W/K].
    pub(super) film_w_k: f64,
}

/// Temperature step of the difference quotients of the heat laws in the Jacobian [K]: small
/// against the laws' curvature (their duties are smooth over kelvins), large against round-off.
const SLOPE_STEP_K: f64 = 1e-3;

/// How a node's temperature follows from upstream over a control step (frozen flows).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Mix {
    /// The outside node of an open boundary: the boundary's temperature [K], whichever way
    /// the water crosses (leaving water takes its node's temperature out, not this one).
    Outside { node: usize, k: f64 },
    /// No water arrives and no volume touches it: the node keeps its last temperature (a node
    /// where nothing flows but volumes meet takes their mean, as [`Mix::Streams`] of equal
    /// weights).
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
    /// For a pipe segment whose wall is its own state: that state and the film's conductance
    /// [W/K] over this control step.
    pub wall: Option<(usize, f64)>,
}

/// Marks a link without flow in [`Dynamics`]' per-link downstream nodes.
const NOT_FLOWING: usize = usize::MAX;

/// A chain of states ([`Chain`]) starting at state `first`.
#[derive(Debug, Clone, Copy)]
pub(super) struct ChainAt {
    pub(super) first: usize,
    pub(super) chain: Chain,
}

impl ChainAt {
    /// Whether water flowing at `m_kg_s` along the link enters at the first state.
    pub(super) fn enters_first(&self, m_kg_s: f64) -> bool {
        (m_kg_s > 0.0) == self.chain.first_at_from
    }

    pub(super) fn last(&self) -> usize {
        self.first + self.chain.states - 1
    }

    /// The state the water leaves from at link flow `m_kg_s`.
    pub(super) fn outlet(&self, m_kg_s: f64) -> usize {
        if self.enters_first(m_kg_s) {
            self.last()
        } else {
            self.first
        }
    }

    /// Where state `s` gets its inflow at link flow `m_kg_s`: the inlet node `inlet` for the
    /// state the water enters, else the state upstream of it.
    pub(super) fn inflow(&self, s: usize, m_kg_s: f64, inlet: usize) -> Source {
        match (self.enters_first(m_kg_s), s) {
            (true, s) if s == self.first => Source::Node(inlet),
            (true, s) => Source::State(s - 1),
            (false, s) if s == self.last() => Source::Node(inlet),
            (false, s) => Source::State(s + 1),
        }
    }
}

mod jacobian;
mod layout;
mod order;
mod rhs;
