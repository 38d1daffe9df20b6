//! A check (non-return) valve: a resistance while flow runs forward, shut against reverse flow.

use crate::hydraulic::{FluidState, HydraulicLaw, closed};
use crate::resistance::Resistance;

/// A check valve with its open resistance. Whether it is open is part of the solver's state
/// (EPANET's status checks): it shuts when the flow reverses and opens again when the pressure
/// upstream exceeds the pressure downstream.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CheckValve {
    /// Resistance when open.
    pub open: Resistance,
}

impl CheckValve {
    /// The hydraulic law, open or shut.
    pub fn hydraulic(&self, mass_flow_kg_s: f64, fluid: FluidState, is_open: bool) -> HydraulicLaw {
        if is_open {
            self.open.hydraulic(mass_flow_kg_s, fluid)
        } else {
            closed(mass_flow_kg_s)
        }
    }

    /// The status after a converged solve: open stays open unless the flow reversed; shut opens
    /// when p_from − p_to is positive.
    pub fn next_status(is_open: bool, mass_flow_kg_s: f64, dp_pa: f64) -> bool {
        if is_open {
            mass_flow_kg_s >= 0.0
        } else {
            dp_pa > 0.0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_logic() {
        assert!(CheckValve::next_status(true, 1.0, 100.0));
        assert!(!CheckValve::next_status(true, -1e-6, -100.0));
        assert!(!CheckValve::next_status(false, 0.0, -5.0));
        assert!(CheckValve::next_status(false, 0.0, 5.0));
    }
}
