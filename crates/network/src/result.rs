//! The result of a steady solve: per link, per node and per loop, in SI units.

use crate::error::SolveError;
use crate::graph::{Name, Network};
use crate::hydraulic::{HydraulicState, SolveStats};
use crate::thermal::{NO_FLOW_KG_S, ThermalState};
use dctwin_components::{Component, HeatDuty, PumpOperatingPoint};

/// What the last solve cost.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CouplingStats {
    /// Hydraulic iterations and status rounds, summed over the coupling rounds.
    pub hydraulic: SolveStats,
    /// Coupling rounds.
    pub rounds: usize,
    /// Iterations of consumers and heat transport between rounds, on a frozen linearisation
    /// of the hydraulics.
    pub inner_rounds: usize,
}

/// The state of one link.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkResult {
    /// Full name.
    pub name: Name,
    /// Component kind.
    pub kind: &'static str,
    /// Its loop.
    pub loop_index: usize,
    /// Mass flow from → to [kg/s]; exactly 0 for a shut valve.
    pub mass_flow_kg_s: f64,
    /// Volume flow at the link's mean temperature [m³/s].
    pub volume_flow_m3_s: f64,
    /// p_from − p_to [Pa].
    pub dp_pa: f64,
    /// Temperature entering, in the direction of flow [K].
    pub inlet_k: f64,
    /// Temperature leaving, in the direction of flow [K].
    pub outlet_k: f64,
    /// Heat into the water, |ṁ|·(h_out − h_in) [W] (negative: heat given off); for an open
    /// boundary the enthalpy its water carries into the network, ṁ·h (negative: out of it),
    /// from the fluid's enthalpy reference.
    pub heat_w: f64,
    /// Whether the link is shut (a valve at zero opening, a check valve against reverse flow).
    pub shut: bool,
    /// Pipes: mean velocity [m/s], Reynolds number, Darcy factor and friction drop [Pa].
    pub pipe: Option<PipeFigures>,
    /// Pumps: the operating point and powers.
    pub pump: Option<PumpOperatingPoint>,
}

/// Figures only pipes have.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PipeFigures {
    /// Mean velocity [m/s].
    pub velocity_m_s: f64,
    /// Reynolds number [-].
    pub reynolds: f64,
    /// Darcy friction factor [-].
    pub friction_factor: f64,
    /// Friction pressure drop without minor losses [Pa].
    pub friction_dp_pa: f64,
}

/// The state of one node.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeResult {
    /// Full name.
    pub name: Name,
    /// Its loop.
    pub loop_index: usize,
    /// Pressure [Pa].
    pub pressure_pa: f64,
    /// Mixed temperature [K].
    pub temperature_k: f64,
}

/// Totals of one loop.
#[derive(Debug, Clone, PartialEq)]
pub struct LoopResult {
    /// Name.
    pub name: Name,
    /// Electric power of its pumps [W].
    pub pump_electric_w: f64,
    /// Heat put into the water by sources and pumps [W].
    pub heat_in_w: f64,
    /// Heat taken out by consumers, coolers and plants [W].
    pub heat_out_w: f64,
    /// Heat lost by pipes to their surroundings [W].
    pub pipe_loss_w: f64,
    /// Enthalpy carried in through open boundaries, net of what leaves through them [W].
    pub boundary_w: f64,
    /// Water entering through open boundaries [kg/s].
    pub water_in_kg_s: f64,
    /// Water leaving through open boundaries [kg/s]: equal to what enters, the network's
    /// nodes conserving mass.
    pub water_out_kg_s: f64,
    /// Energy balance residual, in + boundaries − out − losses [W]; zero to rounding at steady
    /// state.
    pub balance_residual_w: f64,
}

/// A steady state.
#[derive(Debug, Clone, PartialEq)]
pub struct SteadyResult {
    /// Per link.
    pub links: Vec<LinkResult>,
    /// Per node.
    pub nodes: Vec<NodeResult>,
    /// Per loop.
    pub loops: Vec<LoopResult>,
    /// What the solve cost.
    pub stats: CouplingStats,
}

impl SteadyResult {
    /// Gather the result from a solved state.
    pub fn collect(
        network: &Network,
        h: &HydraulicState,
        t: &ThermalState,
        stats: CouplingStats,
    ) -> SteadyResult {
        let links: Vec<LinkResult> = network
            .links
            .iter()
            .enumerate()
            .map(|(l, link)| link_result(network, h, t, l, link))
            .collect();
        let nodes = (0..network.node_count())
            .map(|n| node_result(network, h, t, n))
            .collect();
        let loops = network
            .loops
            .iter()
            .enumerate()
            .map(|(i, lp)| loop_result(&lp.name, links.iter().filter(|r| r.loop_index == i)))
            .collect();
        SteadyResult {
            links,
            nodes,
            loops,
            stats,
        }
    }

    /// Refuse a state whose temperatures leave the fluid's range: its properties would be
    /// extrapolated and the answer could not be defended.
    ///
    /// Where several links' water leaves the range, the one named is a link whose water
    /// entered within it (the heater or set-point that drove it out), not one downstream.
    pub fn check_temperatures(&self, network: &Network) -> Result<(), SolveError> {
        let within = |l: usize, t_k: f64| {
            let (lo, hi) = network.fluid_of(l).valid_range_k();
            t_k >= lo - 1e-9 && t_k <= hi + 1e-9
        };
        let out: Vec<usize> = (0..self.links.len())
            .filter(|&l| !within(l, self.links[l].outlet_k))
            .collect();
        let cause = (out.iter().copied())
            .find(|&l| within(l, self.links[l].inlet_k))
            .or(out.first().copied());
        if let Some(l) = cause {
            let (r, fluid) = (&self.links[l], network.fluid_of(l));
            let (lo, hi) = fluid.valid_range_k();
            return Err(SolveError::TemperatureOutOfRange {
                link: r.name.to_string(),
                t_c: r.outlet_k - 273.15,
                fluid: fluid.name(),
                lo_c: lo - 273.15,
                hi_c: hi - 273.15,
            });
        }
        for (l, r) in self.links.iter().enumerate() {
            if let Component::HeatSource(source) = &network.links[l].component
                && let HeatDuty::Fixed { heat_w } = source.duty
                && heat_w != 0.0
                && r.mass_flow_kg_s.abs() <= NO_FLOW_KG_S
            {
                return Err(SolveError::HeatWithoutFlow {
                    link: r.name.to_string(),
                    flow_kg_s: r.mass_flow_kg_s,
                    heat_kw: heat_w / 1e3,
                });
            }
        }
        Ok(())
    }

    /// The link called `name`.
    pub fn link(&self, name: &str) -> Option<&LinkResult> {
        self.links.iter().find(|l| &*l.name == name)
    }

    /// The node called `name`.
    pub fn node(&self, name: &str) -> Option<&NodeResult> {
        self.nodes.iter().find(|n| &*n.name == name)
    }
}

/// Node `n`'s state; a boundary's outside shows the boundary's temperature, and a flow
/// boundary's (whose pressure the flow does not read) its inside node's pressure.
fn node_result(network: &Network, h: &HydraulicState, t: &ThermalState, n: usize) -> NodeResult {
    let (mut pressure_pa, mut temperature_k) = (h.pressure_pa[n], t.node_k[n]);
    if let Some(l) = network.boundary_of_node[n]
        && let Component::Boundary(b) = &network.links[l].component
    {
        temperature_k = b.temperature_k;
        if !b.holds_pressure() {
            pressure_pa = h.pressure_pa[network.links[l].to];
        }
    }
    NodeResult {
        name: network.node_names[n].clone(),
        loop_index: network.node_loop[n],
        pressure_pa,
        temperature_k,
    }
}

fn link_result(
    network: &Network,
    h: &HydraulicState,
    t: &ThermalState,
    l: usize,
    link: &crate::graph::LinkInfo,
) -> LinkResult {
    let fluid = network.fluid_of(l);
    let state = h.fluid[l];
    let shut = match &link.component {
        Component::Valve(v) => v.kv_m3_h() <= 0.0,
        Component::CheckValve(_) => !h.check_open[l],
        _ => false,
    };
    let m = if shut { 0.0 } else { h.mass_flow_kg_s[l] };
    let dp = match &link.component {
        Component::Boundary(b) if !b.holds_pressure() => 0.0,
        _ => h.pressure_pa[link.from] - h.pressure_pa[link.to],
    };
    let (mut inlet, outlet) = (t.link_in_k[l], t.link_out_k[l]);
    let mut heat = m.abs() * (fluid.enthalpy_j_kg(outlet) - fluid.enthalpy_j_kg(inlet));
    if let Component::Boundary(_) = &link.component {
        // The water crossing: the boundary's own entering, the network's leaving; what it
        // carries is its enthalpy, not a heat.
        inlet = outlet;
        heat = m * fluid.enthalpy_j_kg(outlet);
    }
    let pipe = match &link.component {
        Component::Pipe(p) => {
            let (velocity_m_s, reynolds, friction_factor, friction_dp_pa) =
                p.figures(m, state, &mut h.friction_hint[l].clone());
            Some(PipeFigures {
                velocity_m_s,
                reynolds,
                friction_factor,
                friction_dp_pa,
            })
        }
        _ => None,
    };
    let pump = match &link.component {
        Component::Pump(p) => Some(p.operating_point(m, -dp, state, h.pump_limited[l])),
        _ => None,
    };
    LinkResult {
        name: link.name.clone(),
        kind: link.component.kind_name(),
        loop_index: link.loop_index,
        mass_flow_kg_s: m,
        volume_flow_m3_s: m / state.density_kg_m3,
        dp_pa: dp,
        inlet_k: inlet,
        outlet_k: outlet,
        heat_w: heat,
        shut,
        pipe,
        pump,
    }
}

fn loop_result<'a>(name: &Name, links: impl Iterator<Item = &'a LinkResult>) -> LoopResult {
    let mut r = LoopResult {
        name: name.clone(),
        pump_electric_w: 0.0,
        heat_in_w: 0.0,
        heat_out_w: 0.0,
        pipe_loss_w: 0.0,
        boundary_w: 0.0,
        water_in_kg_s: 0.0,
        water_out_kg_s: 0.0,
        balance_residual_w: 0.0,
    };
    for link in links {
        if let Some(p) = &link.pump {
            r.pump_electric_w += p.electric_w;
        }
        match (link.kind, link.heat_w >= 0.0) {
            ("pipe", _) => r.pipe_loss_w -= link.heat_w,
            ("pressure_boundary" | "flow_boundary", _) => {
                r.boundary_w += link.heat_w;
                r.water_in_kg_s += link.mass_flow_kg_s.max(0.0);
                r.water_out_kg_s -= link.mass_flow_kg_s.min(0.0);
            }
            (_, true) => r.heat_in_w += link.heat_w,
            (_, false) => r.heat_out_w -= link.heat_w,
        }
    }
    r.balance_residual_w = r.heat_in_w + r.boundary_w - r.heat_out_w - r.pipe_loss_w;
    r
}
