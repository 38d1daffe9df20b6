//! Link coefficients and the assembly of the node system (EPANET's global gradient algorithm).
//!
//! Each link's law p_from − p_to = F(ṁ), linearised at the current flow ṁₖ with slope G, gives
//! ṁ = aₗ + yₗ·(p_from − p_to) with yₗ = 1/G and aₗ = ṁₖ − F(ṁₖ)/G. Mass balance at the nodes
//! then is a weighted graph Laplacian in the unknown pressures: symmetric positive definite as
//! soon as each group of nodes reaches a fixed pressure through links with yₗ > 0.

use super::matrix::NodeSystem;
use super::state::HydraulicState;
use crate::graph::Network;
use dctwin_components::{Component, FluidState, HydraulicLaw, Pipe};

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
    /// Each pipe's last law and what it was evaluated for.
    pipe_memo: Vec<Option<PipeMemo>>,
    /// Work space: the largest loss conductance of each loop, and the fixed-Δp links.
    stiffest: Vec<f64>,
    fixed_dp: Vec<(usize, f64)>,
}

/// A pipe's law at one flow and fluid. Colebrook's implicit friction factor is most of a
/// linearisation's cost; a loop whose flows and fluid have not moved (a container loop while
/// the facility loop's valves move) gets its pipes' laws back unchanged.
#[derive(Debug, Clone, Copy)]
struct PipeMemo {
    pipe: Pipe,
    mass_flow_kg_s: f64,
    fluid: FluidState,
    law: HydraulicLaw,
}

/// The law of pipe link `l`, from the memo when the pipe, its flow and its fluid are those it
/// was last evaluated for (bit for bit).
fn pipe_law(
    pipe: &Pipe,
    state: &mut HydraulicState,
    l: usize,
    memo: &mut Option<PipeMemo>,
) -> HydraulicLaw {
    let (m, fluid) = (state.mass_flow_kg_s[l], state.fluid[l]);
    if let Some(hit) = memo
        && hit.mass_flow_kg_s.to_bits() == m.to_bits()
        && hit.fluid == fluid
        && hit.pipe == *pipe
    {
        return hit.law;
    }
    let law = pipe.hydraulic_with_hint(m, fluid, &mut state.friction_hint[l]);
    *memo = Some(PipeMemo {
        pipe: *pipe,
        mass_flow_kg_s: m,
        fluid,
        law,
    });
    law
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
        Component::Boundary(b) => b.hydraulic(),
    }
}

/// Linearise `links` (whole loops: a fixed-Δp link's stiffness is set from its loop's loss
/// links) at the current flows; the other links keep their coefficients.
pub fn linearise(
    network: &Network,
    state: &mut HydraulicState,
    links: &[usize],
    out: &mut Coefficients,
) {
    let n = network.links.len();
    out.y.resize(n, 0.0);
    out.a.resize(n, 0.0);
    out.pipe_memo.resize(n, None);
    out.stiffest.resize(network.loops.len(), 0.0);
    for &l in links {
        out.stiffest[network.links[l].loop_index] = 0.0;
    }
    out.fixed_dp.clear();
    for &l in links {
        let m = state.mass_flow_kg_s[l];
        let law = match &network.links[l].component {
            Component::Pipe(p) => pipe_law(p, state, l, &mut out.pipe_memo[l]),
            _ => law(network, state, l),
        };
        match law {
            HydraulicLaw::Loss {
                dp_pa,
                slope_pa_per_kg_s,
            } => {
                let y = 1.0 / slope_pa_per_kg_s;
                out.y[l] = y;
                out.a[l] = m - dp_pa * y;
                let lp = network.links[l].loop_index;
                out.stiffest[lp] = out.stiffest[lp].max(y);
            }
            HydraulicLaw::FixedDp { dp_pa } => out.fixed_dp.push((l, dp_pa)),
            HydraulicLaw::FixedFlow { mass_flow_kg_s } => {
                out.y[l] = 0.0;
                out.a[l] = mass_flow_kg_s;
            }
        }
    }
    for &(l, dp_pa) in &out.fixed_dp {
        let stiffest = out.stiffest[network.links[l].loop_index];
        let y = if stiffest > 0.0 {
            FIXED_DP_STIFFNESS * stiffest
        } else {
            1.0
        };
        out.y[l] = y;
        out.a[l] = state.mass_flow_kg_s[l] - dp_pa * y;
    }
}

/// Add the conductances of `links` to the matrix (cleared beforehand by the caller).
pub fn assemble_matrix(links: &[usize], c: &Coefficients, system: &mut NodeSystem) {
    for &l in links {
        system.add_conductance(l, c.y[l]);
    }
}

/// Add the right-hand side terms of `links` (the matrix depends on the conductances only, the
/// right-hand side also on the intercepts and the fixed pressures): Σ y (p_n − p_other) =
/// Σ_in a − Σ_out a.
pub fn assemble_rhs(
    network: &Network,
    state: &HydraulicState,
    links: &[usize],
    c: &Coefficients,
    system: &mut NodeSystem,
) {
    let rhs = system.rhs.as_mut_slice();
    for &l in links {
        let (link, slots) = (&network.links[l], &system.slots[l]);
        let (y, a) = (c.y[l], c.a[l]);
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
