//! The network: nodes and links of all loops with their components, in index form for the solver.

use dctwin_components::Component;
use dctwin_fluid::Fluid;
use dctwin_model::Facility;
use std::sync::Arc;

/// A shared name: results and errors copy it by reference count, not by allocation.
pub type Name = Arc<str>;

/// One loop of the network: closed, or open through boundaries.
#[derive(Debug, Clone)]
pub struct LoopInfo {
    /// Name from the model.
    pub name: Name,
    /// The coolant.
    pub fluid: Fluid,
    /// Starting temperature [K].
    pub initial_temperature_k: f64,
    /// The expansion vessel's node, whose pressure is fixed, if the loop is closed.
    pub pressurisation_node: Option<usize>,
    /// The loop's reference pressure [Pa]: its vessel's, or its lowest pressure boundary's.
    pub pressurisation_pa: f64,
}

/// A link in index form.
#[derive(Debug, Clone)]
pub struct LinkInfo {
    /// Full name.
    pub name: Name,
    /// Node where positive flow enters.
    pub from: usize,
    /// Node where positive flow leaves.
    pub to: usize,
    /// Its loop.
    pub loop_index: usize,
    /// Its physics.
    pub component: Component,
    /// Its own starting temperature [K]; `None`: its loop's ([`Network::initial_k`]).
    pub initial_temperature_k: Option<f64>,
}

/// The network of a facility.
#[derive(Debug, Clone)]
pub struct Network {
    /// The loops.
    pub loops: Vec<LoopInfo>,
    /// Node names.
    pub node_names: Vec<Name>,
    /// Loop of each node.
    pub node_loop: Vec<usize>,
    /// The links.
    pub links: Vec<LinkInfo>,
    /// For each node that is the outside of an open boundary, the boundary's link.
    pub boundary_of_node: Vec<Option<usize>>,
    /// The open boundaries' links, in link order (the right-hand side walks them at every
    /// evaluation: a closed model walks none).
    boundary_links: Vec<usize>,
}

impl Network {
    /// Build the network of a checked facility.
    pub fn from_facility(facility: &Facility) -> Network {
        let mut boundary_of_node = vec![None; facility.nodes.len()];
        let mut boundary_links = Vec::new();
        for (l, link) in facility.links.iter().enumerate() {
            if let Component::Boundary(_) = link.component {
                boundary_of_node[link.from] = Some(l);
                boundary_links.push(l);
            }
        }
        Network {
            boundary_of_node,
            boundary_links,
            loops: facility
                .loops
                .iter()
                .map(|l| LoopInfo {
                    name: Name::from(l.name.as_str()),
                    fluid: l.fluid.clone(),
                    initial_temperature_k: l.initial_temperature_k,
                    pressurisation_node: l.pressurisation_node,
                    pressurisation_pa: l.pressurisation_pa,
                })
                .collect(),
            node_names: (facility.nodes.iter())
                .map(|n| Name::from(n.name.as_str()))
                .collect(),
            node_loop: facility.nodes.iter().map(|n| n.loop_index).collect(),
            links: facility
                .links
                .iter()
                .map(|l| LinkInfo {
                    name: Name::from(l.name.as_str()),
                    from: l.from,
                    to: l.to,
                    loop_index: l.loop_index,
                    component: l.component.clone(),
                    initial_temperature_k: l.initial_temperature_k,
                })
                .collect(),
        }
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.node_names.len()
    }

    /// Pressure fixed at node `n`, if it is a pressurisation point or a boundary's outside
    /// [Pa].
    pub fn fixed_pressure(&self, n: usize) -> Option<f64> {
        let l = &self.loops[self.node_loop[n]];
        if let Some(b) = self.boundary_of_node[n] {
            let Component::Boundary(boundary) = &self.links[b].component else {
                unreachable!("a boundary's outside node belongs to a boundary link");
            };
            return Some(boundary.outside_pressure_pa(l.pressurisation_pa));
        }
        (l.pressurisation_node == Some(n)).then_some(l.pressurisation_pa)
    }

    /// Refer open loop `i` to its lowest pressure boundary's pressure again (after an input
    /// moved one); a closed loop keeps its vessel's.
    pub fn refresh_reference_pressure(&mut self, i: usize) {
        if self.loops[i].pressurisation_node.is_some() {
            return;
        }
        let lowest = (self.boundaries())
            .filter(|&l| self.links[l].loop_index == i)
            .filter_map(|l| match &self.links[l].component {
                Component::Boundary(b) => b.held_pressure_pa(),
                _ => None,
            })
            .reduce(f64::min);
        if let Some(p) = lowest {
            self.loops[i].pressurisation_pa = p;
        }
    }

    /// The open boundaries' links.
    pub fn boundaries(&self) -> impl Iterator<Item = usize> + '_ {
        self.boundary_links.iter().copied()
    }

    /// Index of the link called `name`.
    pub fn link_index(&self, name: &str) -> Option<usize> {
        self.links.iter().position(|l| &*l.name == name)
    }

    /// Index of the node called `name`.
    pub fn node_index(&self, name: &str) -> Option<usize> {
        self.node_names.iter().position(|n| &**n == name)
    }

    /// The node water enters link `l` from when its flow is `mass_flow_kg_s`.
    pub fn upstream(&self, l: usize, mass_flow_kg_s: f64) -> usize {
        let link = &self.links[l];
        if mass_flow_kg_s >= 0.0 {
            link.from
        } else {
            link.to
        }
    }

    /// The node water leaves link `l` into when its flow is `mass_flow_kg_s`.
    pub fn downstream(&self, l: usize, mass_flow_kg_s: f64) -> usize {
        let link = &self.links[l];
        if mass_flow_kg_s >= 0.0 {
            link.to
        } else {
            link.from
        }
    }

    /// The fluid of link `l`.
    pub fn fluid_of(&self, l: usize) -> &Fluid {
        &self.loops[self.links[l].loop_index].fluid
    }

    /// The temperature link `l` starts at [K]: its own, or its loop's.
    pub fn initial_k(&self, l: usize) -> f64 {
        let link = &self.links[l];
        (link.initial_temperature_k).unwrap_or(self.loops[link.loop_index].initial_temperature_k)
    }
}
