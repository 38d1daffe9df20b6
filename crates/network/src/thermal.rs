//! Steady heat transport on solved flows: each link's thermal law in the direction of flow, and
//! ideal mixing (of enthalpy) at the nodes.
//!
//! The nodes are visited in flow order. Where the flow runs in a cycle with no component that
//! fixes a temperature on it (a loop heated and cooled only through fixed duties and pipe losses),
//! the cycle's nodes are solved together as one linear system.

use crate::error::SolveError;
use crate::graph::Network;
use crate::hydraulic::newton::quoted;
use dctwin_components::ThermalLaw;
use nalgebra::{DMatrix, DVector};

/// Flows below this magnitude carry no heat [kg/s].
pub const NO_FLOW_KG_S: f64 = 1.0e-9;

/// Temperatures of nodes and of each link's ends.
#[derive(Debug, Clone)]
pub struct ThermalState {
    /// Mixed temperature at each node [K].
    pub node_k: Vec<f64>,
    /// Temperature entering each link, in the direction of flow [K].
    pub link_in_k: Vec<f64>,
    /// Temperature leaving each link, in the direction of flow [K].
    pub link_out_k: Vec<f64>,
    plan: ThermalPlan,
}

impl ThermalState {
    /// Every node and link at its loop's initial temperature.
    pub fn initial(network: &Network) -> ThermalState {
        let node_k: Vec<f64> = network
            .node_loop
            .iter()
            .map(|&l| network.loops[l].initial_temperature_k)
            .collect();
        let link_k: Vec<f64> = network.links.iter().map(|l| node_k[l.from]).collect();
        ThermalState {
            node_k,
            link_in_k: link_k.clone(),
            link_out_k: link_k,
            plan: ThermalPlan::default(),
        }
    }
}

/// The link's upstream and downstream node for its flow direction.
fn ends(network: &Network, l: usize, m: f64) -> (usize, usize) {
    (network.upstream(l, m), network.downstream(l, m))
}

/// The order in which nodes are solved, which depends only on the flow directions and on which
/// links fix their outlet: rebuilt only when those change (rarely, in a time loop).
#[derive(Debug, Clone, Default)]
pub struct ThermalPlan {
    /// Per link: +1/−1 flow direction, 0 no flow; 2 added when the outlet is fixed.
    key: Vec<i8>,
    /// Links arriving at each node with the node they come from, as offsets into `inflow`.
    inflow_offsets: Vec<usize>,
    inflow: Vec<(usize, usize)>,
    /// The nodes in flow order: single nodes mixed from known temperatures, and cycles.
    steps: Vec<Step>,
    /// Links without flow.
    idle: Vec<usize>,
}

/// One step of the heat-transport solve.
#[derive(Debug, Clone)]
enum Step {
    /// Mix at a node whose upstream temperatures are all known.
    Mix(usize),
    /// Solve a cycle of nodes together.
    Cycle(Vec<usize>),
}

impl ThermalPlan {
    fn key_of<'a>(flows: &'a [f64], laws: &'a [ThermalLaw]) -> impl Iterator<Item = i8> + 'a {
        flows.iter().zip(laws).map(|(&m, law)| {
            let dir = if m.abs() <= NO_FLOW_KG_S {
                0
            } else if m > 0.0 {
                1
            } else {
                -1
            };
            dir + if matches!(law, ThermalLaw::FixedOutlet { .. }) {
                2
            } else {
                0
            }
        })
    }

    fn is_current(&self, flows: &[f64], laws: &[ThermalLaw]) -> bool {
        self.key.len() == flows.len() && Self::key_of(flows, laws).eq(self.key.iter().copied())
    }

    fn build(network: &Network, flows: &[f64], laws: &[ThermalLaw]) -> ThermalPlan {
        let n = network.node_count();
        let mut inflow: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
        let mut depends: Vec<Vec<usize>> = vec![Vec::new(); n];
        for l in (0..flows.len()).filter(|&l| flows[l].abs() > NO_FLOW_KG_S) {
            let (u, d) = ends(network, l, flows[l]);
            inflow[d].push((l, u));
            if !matches!(laws[l], ThermalLaw::FixedOutlet { .. }) {
                depends[u].push(d);
            }
        }
        // Tarjan emits downstream components first.
        let mut groups = strongly_connected(&depends);
        groups.reverse();
        let steps = (groups.into_iter())
            .map(|g| {
                if g.len() == 1 && !depends[g[0]].contains(&g[0]) {
                    Step::Mix(g[0])
                } else {
                    Step::Cycle(g)
                }
            })
            .collect();
        let mut inflow_offsets = Vec::with_capacity(n + 1);
        let mut inflow_links = Vec::new();
        inflow_offsets.push(0);
        for links in &inflow {
            inflow_links.extend_from_slice(links);
            inflow_offsets.push(inflow_links.len());
        }
        ThermalPlan {
            key: Self::key_of(flows, laws).collect(),
            inflow_offsets,
            inflow: inflow_links,
            steps,
            idle: (0..flows.len())
                .filter(|&l| flows[l].abs() <= NO_FLOW_KG_S)
                .collect(),
        }
    }

    /// The links arriving at `node`, each with the node it comes from.
    fn inflow(&self, node: usize) -> &[(usize, usize)] {
        &self.inflow[self.inflow_offsets[node]..self.inflow_offsets[node + 1]]
    }
}

/// Solve node temperatures for flows `flows` and thermal laws `laws`, updating `state` (whose
/// node temperatures are kept where no water arrives).
pub fn solve(
    network: &Network,
    flows: &[f64],
    laws: &[ThermalLaw],
    state: &mut ThermalState,
) -> Result<(), SolveError> {
    if !state.plan.is_current(flows, laws) {
        state.plan = ThermalPlan::build(network, flows, laws);
    }
    let plan = std::mem::take(&mut state.plan);
    let outcome = solve_planned(network, flows, laws, state, &plan);
    state.plan = plan;
    outcome
}

fn solve_planned(
    network: &Network,
    flows: &[f64],
    laws: &[ThermalLaw],
    state: &mut ThermalState,
    plan: &ThermalPlan,
) -> Result<(), SolveError> {
    solve_steps(network, flows, laws, state, plan)?;
    for &l in &plan.idle {
        let t = state.node_k[network.links[l].from];
        state.link_in_k[l] = t;
        state.link_out_k[l] = t;
    }
    Ok(())
}

/// Solve the plan's steps in order.
fn solve_steps(
    network: &Network,
    flows: &[f64],
    laws: &[ThermalLaw],
    state: &mut ThermalState,
    plan: &ThermalPlan,
) -> Result<(), SolveError> {
    for step in &plan.steps {
        match step {
            Step::Mix(d) => mix_node(network, flows, laws, plan.inflow(*d), state, *d),
            Step::Cycle(group) => {
                solve_cycle(network, flows, laws, plan, state, group)?;
                for &d in group {
                    for &(l, u) in plan.inflow(d) {
                        set_link(network, flows, laws, state, l, u);
                    }
                }
            }
        }
    }
    Ok(())
}

/// Set link `l`'s inlet and outlet temperatures from its upstream node `u`; return the outlet.
fn set_link(
    network: &Network,
    flows: &[f64],
    laws: &[ThermalLaw],
    state: &mut ThermalState,
    l: usize,
    u: usize,
) -> f64 {
    let t_in = state.node_k[u];
    let t_out = laws[l].outlet_k(t_in, flows[l].abs(), network.fluid_of(l));
    state.link_in_k[l] = t_in;
    state.link_out_k[l] = t_out;
    t_out
}

/// Mix the water arriving at node `d`, all of whose upstream temperatures are known.
fn mix_node(
    network: &Network,
    flows: &[f64],
    laws: &[ThermalLaw],
    inflow: &[(usize, usize)],
    state: &mut ThermalState,
    d: usize,
) {
    match *inflow {
        [] => {}
        [(l, u)] => state.node_k[d] = set_link(network, flows, laws, state, l, u),
        ref links => {
            let fluid = &network.loops[network.node_loop[d]].fluid;
            let (mut mh, mut mt, mut m) = (0.0, 0.0, 0.0);
            for &(l, u) in links {
                let w = flows[l].abs();
                let t = set_link(network, flows, laws, state, l, u);
                mh += w * fluid.enthalpy_j_kg(t);
                mt += w * t;
                m += w;
            }
            state.node_k[d] = mixed_temperature(fluid, mh / m, mt / m);
        }
    }
}

/// Largest Newton step from the mean temperature that is taken as the mixed temperature
/// without a second step [K]. Newton's error after one step is about (c_p′ / 2c_p)·step²; c_p
/// changes by less than 1e-3 of itself per kelvin for water and the glycol mixtures, so a step
/// this small leaves an error below 1e-11 K.
const SINGLE_STEP_K: f64 = 1.0e-4;

/// The temperature of specific enthalpy `h_j_kg`, starting from the flow-weighted mean
/// temperature `mean_k` of the streams mixed. That is within millikelvin of the answer (c_p
/// barely varies over the streams' spread), so one Newton step usually lands within 1e-11 K;
/// otherwise the fluid's own inversion finishes from there.
fn mixed_temperature(fluid: &dctwin_fluid::Fluid, h_j_kg: f64, mean_k: f64) -> f64 {
    let step = (fluid.enthalpy_j_kg(mean_k) - h_j_kg) / fluid.specific_heat_j_kg_k(mean_k);
    if step.abs() <= SINGLE_STEP_K {
        mean_k - step
    } else {
        fluid.temperature_from_enthalpy_near_k(h_j_kg, mean_k - step)
    }
}

/// Solve the enthalpies of a cycle of nodes together. The laws are written as
/// h_out = α·h_in + β, exact at the current estimate, and the linear system is re-solved until the
/// temperatures stop changing.
fn solve_cycle(
    network: &Network,
    flows: &[f64],
    laws: &[ThermalLaw],
    plan: &ThermalPlan,
    state: &mut ThermalState,
    nodes: &[usize],
) -> Result<(), SolveError> {
    let fluid = network.loops[network.node_loop[nodes[0]]].fluid.clone();
    let position: std::collections::HashMap<usize, usize> =
        nodes.iter().enumerate().map(|(i, &n)| (n, i)).collect();
    let index = |n: usize| position.get(&n).copied();
    let no_anchor = || SolveError::NoThermalAnchor {
        loop_name: network.loops[network.node_loop[nodes[0]]].name.to_string(),
        nodes: quoted(
            &nodes
                .iter()
                .take(5)
                .map(|&n| &*network.node_names[n])
                .collect::<Vec<_>>(),
        ),
    };
    let anchored = nodes.iter().any(|&d| {
        plan.inflow(d).iter().any(|&(l, u)| {
            index(u).is_none()
                || matches!(
                    laws[l],
                    ThermalLaw::FixedOutlet { .. } | ThermalLaw::LossToAmbient { .. }
                )
        })
    });
    if !anchored {
        // Water circulating with no heat in or out keeps whatever uniform temperature it has
        // (a hydraulic study of a loop with no thermal components); with heat, no steady state.
        let heated = nodes.iter().any(|&d| {
            plan.inflow(d).iter().any(|&(l, _)| {
                !matches!(
                    laws[l],
                    ThermalLaw::Adiabatic | ThermalLaw::Heat { heat_w: 0.0 }
                )
            })
        });
        return if heated { Err(no_anchor()) } else { Ok(()) };
    }
    let k = nodes.len();
    for _ in 0..50 {
        let mut a = DMatrix::<f64>::zeros(k, k);
        let mut b = DVector::<f64>::zeros(k);
        for (row, &d) in nodes.iter().enumerate() {
            for &(l, u) in plan.inflow(d) {
                let w = flows[l].abs();
                a[(row, row)] += w;
                match (index(u), laws[l]) {
                    (Some(col), law) if !matches!(law, ThermalLaw::FixedOutlet { .. }) => {
                        let (alpha, beta) = affine(&fluid, law, state.node_k[u], w);
                        a[(row, col)] -= w * alpha;
                        b[row] += w * beta;
                    }
                    _ => {
                        let t_out = laws[l].outlet_k(state.node_k[u], w, network.fluid_of(l));
                        b[row] += w * fluid.enthalpy_j_kg(t_out);
                    }
                }
            }
        }
        let h = a.lu().solve(&b).ok_or_else(no_anchor)?;
        let mut change = 0.0f64;
        for (row, &d) in nodes.iter().enumerate() {
            if !h[row].is_finite() {
                return Err(no_anchor());
            }
            let t = fluid.temperature_from_enthalpy_k(h[row]);
            change = change.max((t - state.node_k[d]).abs());
            state.node_k[d] = t;
        }
        if change < 1e-10 {
            break;
        }
    }
    Ok(())
}

/// h_out = α·h_in + β for a law, exact at inlet temperature `t_in_k`.
fn affine(fluid: &dctwin_fluid::Fluid, law: ThermalLaw, t_in_k: f64, m: f64) -> (f64, f64) {
    match law {
        ThermalLaw::Adiabatic => (1.0, 0.0),
        ThermalLaw::Heat { heat_w } => (1.0, heat_w / m),
        ThermalLaw::LossToAmbient { ambient_k, .. } => {
            let h_amb = fluid.enthalpy_j_kg(ambient_k);
            let h_in = fluid.enthalpy_j_kg(t_in_k);
            let h_out = fluid.enthalpy_j_kg(law.outlet_k(t_in_k, m, fluid));
            let r = if (h_in - h_amb).abs() > 1e-6 {
                (h_out - h_amb) / (h_in - h_amb)
            } else {
                let cp = fluid.specific_heat_j_kg_k(t_in_k);
                let ThermalLaw::LossToAmbient { ua_w_k, .. } = law else {
                    unreachable!()
                };
                (-ua_w_k / (cp * m)).exp()
            };
            (r, h_amb * (1.0 - r))
        }
        ThermalLaw::FixedOutlet { outlet_k } => (0.0, fluid.enthalpy_j_kg(outlet_k)),
    }
}

/// Strongly connected components of a directed graph (Tarjan, iterative), each emitted after
/// every component reachable from it.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut out = Vec::new();
    let mut counter = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut call: Vec<(usize, usize)> = vec![(root, 0)];
        index[root] = counter;
        low[root] = counter;
        counter += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut next)) = call.last_mut() {
            if *next < edges[v].len() {
                let w = edges[v][*next];
                *next += 1;
                if index[w] == usize::MAX {
                    index[w] = counter;
                    low[w] = counter;
                    counter += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    call.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                call.pop();
                if let Some(&(parent, _)) = call.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut comp = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        comp.push(w);
                        if w == v {
                            break;
                        }
                    }
                    out.push(comp);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tarjan_finds_cycles_and_orders_downstream_first() {
        // 0 → 1 → 2 → 1, 2 → 3
        let edges = vec![vec![1], vec![2], vec![1, 3], vec![]];
        let comps = strongly_connected(&edges);
        assert_eq!(comps.len(), 3);
        assert_eq!(comps[0], vec![3]);
        let mut cycle = comps[1].clone();
        cycle.sort_unstable();
        assert_eq!(cycle, vec![1, 2]);
        assert_eq!(comps[2], vec![0]);
    }
}
