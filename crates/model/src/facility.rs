//! A checked facility: loops, nodes and links with SI parameters, ready to become a network.

use crate::device::Device;
use dctwin_components::Component;
use dctwin_fluid::Fluid;

/// Where in the model file something was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Origin {
    /// 1-based line.
    pub line: usize,
}

/// A hydraulic loop: one fluid; closed with one pressurisation point, or open through
/// boundaries.
#[derive(Debug, Clone, PartialEq)]
pub struct Loop {
    /// Name as written (or generated from a template).
    pub name: String,
    /// The coolant.
    pub fluid: Fluid,
    /// Temperature the loop starts from and at which volume flows are converted to mass [K].
    pub initial_temperature_k: f64,
    /// The expansion vessel's node, if the loop is closed (an open loop's pressures are held
    /// by its pressure boundaries).
    pub pressurisation_node: Option<usize>,
    /// The loop's reference pressure [Pa, gauge]: its vessel's, or its lowest pressure
    /// boundary's.
    pub pressurisation_pa: f64,
    /// Where the loop was declared.
    pub origin: Origin,
}

/// A junction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// Full name, e.g. `container[3].manifold.supply`.
    pub name: String,
    /// Index of its loop.
    pub loop_index: usize,
}

/// A component between two nodes.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// Full name, e.g. `container[3].rack[2].valve`.
    pub name: String,
    /// Node at which positive flow enters.
    pub from: usize,
    /// Node at which positive flow leaves.
    pub to: usize,
    /// Index of its loop.
    pub loop_index: usize,
    /// Its physics.
    pub component: Component,
    /// Its own starting temperature [K] (`initial_temperature_c`); `None`: its loop's.
    pub initial_temperature_k: Option<f64>,
    /// Where it was written.
    pub origin: Origin,
}

/// A whole facility model, checked.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Facility {
    /// Name of the facility.
    pub name: String,
    /// The loops.
    pub loops: Vec<Loop>,
    /// All junctions.
    pub nodes: Vec<Node>,
    /// All components.
    pub links: Vec<Link>,
    /// The transient devices on links and the couplings between them.
    pub devices: Vec<Device>,
    /// Temperature sensors at nodes.
    pub sensors: Vec<Sensor>,
}

/// A temperature sensor reading a node's water.
#[derive(Debug, Clone, PartialEq)]
pub struct Sensor {
    /// Full name.
    pub name: String,
    /// The node it reads.
    pub node: usize,
    /// Its law.
    pub sensor: dctwin_components::temperature_sensor::TemperatureSensor,
}

impl Facility {
    /// Index of the node called `name`.
    pub fn node_index(&self, name: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.name == name)
    }

    /// Index of the link called `name`.
    pub fn link_index(&self, name: &str) -> Option<usize> {
        self.links.iter().position(|l| l.name == name)
    }
}
