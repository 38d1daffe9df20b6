//! Link coefficients and the assembly of the node system (EPANET's global gradient algorithm).
//!
//! Each link's law p_from − p_to = F(ṁ), linearised at the current flow ṁₖ with slope G, gives
//! ṁ = aₗ + yₗ·(p_from − p_to) with yₗ = 1/G and aₗ = ṁₖ − F(ṁₖ)/G. Mass balance at the nodes
//! then is a weighted graph Laplacian in the unknown pressures: symmetric positive definite as
//! soon as each group of nodes reaches a fixed pressure through links with yₗ > 0.

use super::matrix::NodeSystem;
use super::state::HydraulicState;
use crate::graph::Network;
use dctwin_components::{Component, HydraulicLaw};

/// How much stiffer than the stiffest loss link of its loop a fixed-Δp link is made.
///
/// A fixed Δp (an ideal connection, a pump holding a Δp) has no slope. It enters the system as
/// ṁ = ṁₖ + (p_from − p_to − Δp)/ε: a proximal step whose error shrinks by about 1/this factor
/// per iteration, so that at convergence the Δp is held exactly while the matrix stays well
/// conditioned.
const FIXED_DP_STIFFNESS: f64 = 1.0e4;

/// The linearised law of every link: ṁ = a + y·(p_from − p_to).
#[derive(Debug, Clone, Default)]
pub struct Coefficients {
    /// Conductance y [(kg/s)/Pa].
    pub y: Vec<f64>,
    /// Intercept a [kg/s].
    pub a: Vec<f64>,
}

/// The law of link `l` in the current state.
pub fn law(network: &Network, state: &mut HydraulicState, l: usize) -> HydraulicLaw {
    let m = state.mass_flow_kg_s[l];
    let fluid = state.fluid[l];
    match &network.links[l].component {
        Component::Pipe(p) => p.hydraulic_with_hint(m, fluid, &mut state.friction_hint[l]),
        Component::Pump(p) => p.hydraulic(m, fluid, state.pump_limited[l]),
        Component::Valve(v) => v.hydraulic(m, fluid),
        Component::Resistance(r) => r.hydraulic(m, fluid),
        Component::CheckValve(c) => c.hydraulic(m, fluid, state.check_open[l]),
        Component::HeatSource(h) => h.hydraulic(m, fluid),
        Component::HeatConsumer(_) => HydraulicLaw::FixedFlow {
            mass_flow_kg_s: state.consumer_flow_kg_s[l],
        },
    }
}

/// Linearise every link at the current flows.
pub fn linearise(network: &Network, state: &mut HydraulicState, out: &mut Coefficients) {
    let n = network.links.len();
    out.y.resize(n, 0.0);
    out.a.resize(n, 0.0);
    let mut stiffest = vec![0.0f64; network.loops.len()];
    let mut fixed_dp = Vec::new();
    for l in 0..n {
        let m = state.mass_flow_kg_s[l];
        match law(network, state, l) {
            HydraulicLaw::Loss {
                dp_pa,
                slope_pa_per_kg_s,
            } => {
                let y = 1.0 / slope_pa_per_kg_s;
                out.y[l] = y;
                out.a[l] = m - dp_pa * y;
                let lp = network.links[l].loop_index;
                stiffest[lp] = stiffest[lp].max(y);
            }
            HydraulicLaw::FixedDp { dp_pa } => fixed_dp.push((l, dp_pa)),
            HydraulicLaw::FixedFlow { mass_flow_kg_s } => {
                out.y[l] = 0.0;
                out.a[l] = mass_flow_kg_s;
            }
        }
    }
    for (l, dp_pa) in fixed_dp {
        let lp = network.links[l].loop_index;
        let y = if stiffest[lp] > 0.0 {
            FIXED_DP_STIFFNESS * stiffest[lp]
        } else {
            1.0
        };
        out.y[l] = y;
        out.a[l] = state.mass_flow_kg_s[l] - dp_pa * y;
    }
}

/// Assemble the node system from the coefficients: Σ y (p_n − p_other) = Σ_in a − Σ_out a.
pub fn assemble(
    network: &Network,
    state: &HydraulicState,
    c: &Coefficients,
    system: &mut NodeSystem,
) {
    system.values.fill(0.0);
    for (l, &y) in c.y.iter().enumerate() {
        system.add_conductance(l, y);
    }
    assemble_rhs(network, state, c, system);
}

/// Assemble the right-hand side alone (the matrix depends on the conductances only, the
/// right-hand side also on the intercepts and the fixed pressures).
pub fn assemble_rhs(
    network: &Network,
    state: &HydraulicState,
    c: &Coefficients,
    system: &mut NodeSystem,
) {
    system.rhs.fill(0.0);
    let rhs = system.rhs.as_mut_slice();
    let links = network.links.iter().zip(&system.slots).zip(&c.y).zip(&c.a);
    for (((link, slots), &y), &a) in links {
        match (slots.row_from, slots.row_to) {
            (Some(f), Some(t)) => {
                rhs[f] -= a;
                rhs[t] += a;
            }
            (Some(f), None) => rhs[f] += y * state.pressure_pa[link.to] - a,
            (None, Some(t)) => rhs[t] += y * state.pressure_pa[link.from] + a,
            (None, None) => {}
        }
    }
}
