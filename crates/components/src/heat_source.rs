//! A heat source or sink in a branch: a fixed heat flow (IT heat into the water, a cooler's fixed
//! duty), or an ideal plant that holds its outlet temperature (boiler, chiller or dry cooler at
//! steady state), with the branch's own hydraulic resistance if it has one.

use crate::hydraulic::{FluidState, HydraulicLaw};
use crate::resistance::Resistance;
use crate::thermal::ThermalLaw;

/// What the source does to the water.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum HeatDuty {
    /// A fixed heat flow into the water [W]; negative removes heat.
    Fixed {
        /// Heat into the water [W].
        heat_w: f64,
    },
    /// The outlet is held at a set temperature [K]; the heat follows from the flow.
    OutletSetpoint {
        /// Outlet temperature [K].
        outlet_k: f64,
    },
}

/// A heat source or sink.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeatSource {
    /// What it does to the water.
    pub duty: HeatDuty,
    /// Its pressure drop; `None` for an ideal connection with no drop.
    pub resistance: Option<Resistance>,
}

impl HeatSource {
    /// The hydraulic law at this flow.
    pub fn hydraulic(&self, mass_flow_kg_s: f64, fluid: FluidState) -> HydraulicLaw {
        match &self.resistance {
            Some(r) => r.hydraulic(mass_flow_kg_s, fluid),
            None => HydraulicLaw::FixedDp { dp_pa: 0.0 },
        }
    }

    /// The steady thermal law.
    pub fn thermal(&self) -> ThermalLaw {
        match self.duty {
            HeatDuty::Fixed { heat_w } => ThermalLaw::Heat { heat_w },
            HeatDuty::OutletSetpoint { outlet_k } => ThermalLaw::FixedOutlet { outlet_k },
        }
    }
}
