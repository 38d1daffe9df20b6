//! An open boundary: where a network meets water outside it (a district-heating grid's feed, a
//! test bench's supply, a bleed to drain). Modelica Buildings' `Boundary_pT` and
//! `MassFlowSource_T` are the references: the outside holds either a pressure or a mass flow,
//! and water that enters comes in at the outside's temperature; water that leaves takes the
//! network's own temperature with it.
//!
//! In the network a boundary is a link from an outside node (a node of its own, at the
//! boundary's temperature) to the node it is attached to, positive flow entering the network.

use crate::hydraulic::HydraulicLaw;
use crate::thermal::ThermalLaw;

/// What the outside holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BoundaryHold {
    /// A pressure [Pa, gauge]: the node is held there and the flow is what the network takes
    /// or gives back (a pressure boundary).
    Pressure {
        /// Gauge pressure [Pa].
        pressure_pa: f64,
    },
    /// A mass flow into the network [kg/s] (negative: out of it), whatever the pressure (a flow
    /// boundary).
    Flow {
        /// Mass flow into the network [kg/s].
        mass_flow_kg_s: f64,
    },
}

/// An open boundary.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Boundary {
    /// What it holds.
    pub hold: BoundaryHold,
    /// Temperature of the water that enters the network through it [K].
    pub temperature_k: f64,
    /// Whether the flow a model or an input gives a flow boundary is what leaves the network
    /// (a draw, as a consumer's meter reads it) rather than what enters it.
    pub given_out: bool,
}

impl Boundary {
    /// The hydraulic law of its link: an ideal connection to the outside (which the network
    /// holds at the pressure) or the flow it prescribes.
    pub fn hydraulic(&self) -> HydraulicLaw {
        match self.hold {
            BoundaryHold::Pressure { .. } => HydraulicLaw::FixedDp { dp_pa: 0.0 },
            BoundaryHold::Flow { mass_flow_kg_s } => HydraulicLaw::FixedFlow { mass_flow_kg_s },
        }
    }

    /// The steady thermal law of its link: water entering the network comes in at the
    /// boundary's temperature (water leaving reaches the outside node, which nothing reads).
    pub fn thermal(&self) -> ThermalLaw {
        ThermalLaw::FixedOutlet {
            outlet_k: self.temperature_k,
        }
    }

    /// The pressure the outside node is held at [Pa]: the boundary's own, or for a flow
    /// boundary (whose law does not read it) the network's `reference_pa`.
    pub fn outside_pressure_pa(&self, reference_pa: f64) -> f64 {
        self.held_pressure_pa().unwrap_or(reference_pa)
    }

    /// Hold the mass flow `given_kg_s` as the model or an input gives it: into the network, or
    /// out of it for a boundary whose flow is given as a draw.
    pub fn set_flow(&mut self, given_kg_s: f64) {
        let mass_flow_kg_s = if self.given_out {
            -given_kg_s
        } else {
            given_kg_s
        };
        self.hold = BoundaryHold::Flow { mass_flow_kg_s };
    }

    /// Whether it holds a pressure (and so can take up any imbalance of its loop's flows).
    pub fn holds_pressure(&self) -> bool {
        self.held_pressure_pa().is_some()
    }

    /// The gauge pressure it holds [Pa], if it holds one.
    pub fn held_pressure_pa(&self) -> Option<f64> {
        match self.hold {
            BoundaryHold::Pressure { pressure_pa } => Some(pressure_pa),
            BoundaryHold::Flow { .. } => None,
        }
    }

    /// The flow a cold start guesses [kg/s].
    pub fn first_guess_kg_s(&self) -> f64 {
        match self.hold {
            BoundaryHold::Pressure { .. } => 0.0,
            BoundaryHold::Flow { mass_flow_kg_s } => mass_flow_kg_s,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flow_boundary_prescribes_its_flow_and_a_pressure_boundary_connects() {
        let flow = Boundary {
            hold: BoundaryHold::Flow {
                mass_flow_kg_s: -1.2,
            },
            temperature_k: 330.0,
            given_out: false,
        };
        assert_eq!(
            flow.hydraulic(),
            HydraulicLaw::FixedFlow {
                mass_flow_kg_s: -1.2
            }
        );
        assert_eq!(flow.outside_pressure_pa(2e5), 2e5);
        assert!(!flow.holds_pressure());
        let pressure = Boundary {
            hold: BoundaryHold::Pressure { pressure_pa: 3e5 },
            temperature_k: 330.0,
            given_out: false,
        };
        assert_eq!(pressure.hydraulic(), HydraulicLaw::FixedDp { dp_pa: 0.0 });
        assert_eq!(pressure.outside_pressure_pa(2e5), 3e5);
        assert_eq!(
            pressure.thermal(),
            ThermalLaw::FixedOutlet { outlet_k: 330.0 }
        );
        let mut draw = Boundary {
            given_out: true,
            ..flow
        };
        draw.set_flow(2.0);
        assert_eq!(
            draw.hold,
            BoundaryHold::Flow {
                mass_flow_kg_s: -2.0
            }
        );
    }
}
