//! What each link's solution depended on when its group last converged. A group whose every
//! input is as it was (bit for bit: component and its settings, fluid, fixed flow, statuses,
//! the flow it converged to and the fixed pressures at its ends) still has its solution, and a
//! transient re-solve can leave it out: in a facility of fifty containers, the container loops
//! hold their flows while the facility loop's valves move every control step.

use super::state::HydraulicState;
use crate::graph::Network;
use dctwin_components::{Component, FluidState};

/// A link's inputs at its group's last converged solve.
#[derive(Debug, Clone)]
struct LinkInputs {
    component: Component,
    scalars: Scalars,
}

/// The numbers and flags among a link's inputs (all but its component).
#[derive(Debug, Clone, Copy)]
struct Scalars {
    fluid: FluidState,
    consumer_flow_kg_s: f64,
    mass_flow_kg_s: f64,
    check_open: bool,
    pump_limited: bool,
    fixed_pa: [Option<f64>; 2],
}

impl Scalars {
    /// Link `l`'s now.
    fn of(network: &Network, state: &HydraulicState, l: usize) -> Scalars {
        let link = &network.links[l];
        Scalars {
            fluid: state.fluid[l],
            consumer_flow_kg_s: state.consumer_flow_kg_s[l],
            mass_flow_kg_s: state.mass_flow_kg_s[l],
            check_open: state.check_open[l],
            pump_limited: state.pump_limited[l],
            fixed_pa: [
                network.fixed_pressure(link.from),
                network.fixed_pressure(link.to),
            ],
        }
    }

    /// The numbers equal bit for bit (a value that moved at all, even −0 to 0, has moved).
    fn same(&self, other: &Scalars) -> bool {
        let bits = |a: f64, b: f64| a.to_bits() == b.to_bits();
        bits(self.mass_flow_kg_s, other.mass_flow_kg_s)
            && bits(self.consumer_flow_kg_s, other.consumer_flow_kg_s)
            && bits(self.fluid.density_kg_m3, other.fluid.density_kg_m3)
            && bits(self.fluid.viscosity_pa_s, other.fluid.viscosity_pa_s)
            && self.check_open == other.check_open
            && self.pump_limited == other.pump_limited
            && self.fixed_pa == other.fixed_pa
    }
}

impl LinkInputs {
    fn of(network: &Network, state: &HydraulicState, l: usize) -> LinkInputs {
        LinkInputs {
            component: network.links[l].component.clone(),
            scalars: Scalars::of(network, state, l),
        }
    }

    /// Take the inputs of link `l` now, cloning the component only if it changed (a pump's
    /// curve is on the heap; its settings change far less often than its flow).
    fn update(&mut self, network: &Network, state: &HydraulicState, l: usize) {
        let component = &network.links[l].component;
        if self.component != *component {
            self.component = component.clone();
        }
        self.scalars = Scalars::of(network, state, l);
    }

    /// Whether link `l`'s inputs now are these.
    fn same_as(&self, network: &Network, state: &HydraulicState, l: usize) -> bool {
        self.scalars.same(&Scalars::of(network, state, l))
            && self.component == network.links[l].component
    }
}

/// The inputs of every link as of its group's last converged solve (`None`: never solved).
#[derive(Debug, Clone)]
pub struct Settled {
    links: Vec<Option<LinkInputs>>,
}

impl Settled {
    /// Nothing solved yet, for a network of `links` links.
    pub fn new(links: usize) -> Settled {
        Settled {
            links: vec![None; links],
        }
    }

    /// Whether every one of `links` has the inputs it had when last recorded.
    pub fn holds(&self, network: &Network, state: &HydraulicState, links: &[usize]) -> bool {
        links.iter().all(|&l| {
            (self.links[l].as_ref()).is_some_and(|inputs| inputs.same_as(network, state, l))
        })
    }

    /// Record the inputs of `links` (their group just converged).
    pub fn record(&mut self, network: &Network, state: &HydraulicState, links: &[usize]) {
        for &l in links {
            match &mut self.links[l] {
                Some(inputs) => inputs.update(network, state, l),
                slot => *slot = Some(LinkInputs::of(network, state, l)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hydraulic::HydraulicSolver;
    use crate::hydraulic::fixtures::{TWO_LOOPS, network};

    #[test]
    fn a_converged_group_holds_until_one_of_its_inputs_moves() {
        let mut net = network(TWO_LOOPS);
        let mut state = HydraulicState::cold(&net);
        HydraulicSolver::new(&net)
            .solve(&net, &mut state)
            .expect("solves");
        let links: Vec<usize> = (0..net.links.len()).collect();
        let mut settled = Settled::new(links.len());
        assert!(!settled.holds(&net, &state, &links), "nothing recorded yet");
        settled.record(&net, &state, &links);
        assert!(settled.holds(&net, &state, &links));

        let v = net.link_index("a.valve").unwrap();
        if let Component::Valve(valve) = &mut net.links[v].component {
            valve.opening = 0.6;
        }
        assert!(!settled.holds(&net, &state, &links), "a valve moved");
        settled.record(&net, &state, &links);
        state.fluid[v].viscosity_pa_s *= 1.0 + f64::EPSILON;
        assert!(!settled.holds(&net, &state, &links), "the fluid moved");
        settled.record(&net, &state, &links);
        state.mass_flow_kg_s[v] += 1e-12;
        assert!(!settled.holds(&net, &state, &links), "the flow moved");
    }
}
