//! The closed set of link components the network can hold.

use crate::{Boundary, CheckValve, HeatConsumer, HeatSource, Pipe, Pump, Resistance, Valve};

/// One link component. Pressurisation points are not links: they belong to a node.
#[derive(Debug, Clone, PartialEq)]
pub enum Component {
    /// A straight pipe.
    Pipe(Pipe),
    /// A pump with its drive.
    Pump(Pump),
    /// A control or balancing valve.
    Valve(Valve),
    /// A fixed resistance given at a nominal point.
    Resistance(Resistance),
    /// A check valve.
    CheckValve(CheckValve),
    /// A heat source or sink.
    HeatSource(HeatSource),
    /// A heat consumer that sets its own flow.
    HeatConsumer(HeatConsumer),
    /// An open boundary: from its outside node into the network.
    Boundary(Boundary),
}

impl Component {
    /// The kind's name as written in model files.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Component::Pipe(_) => "pipe",
            Component::Pump(_) => "pump",
            Component::Valve(_) => "valve",
            Component::Resistance(_) => "resistance",
            Component::CheckValve(_) => "check_valve",
            Component::HeatSource(_) => "heat_source",
            Component::HeatConsumer(_) => "heat_consumer",
            Component::Boundary(b) if b.holds_pressure() => "pressure_boundary",
            Component::Boundary(_) => "flow_boundary",
        }
    }
}
