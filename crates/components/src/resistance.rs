//! A fixed hydraulic resistance given by its pressure drop at a nominal flow: a rack's cold
//! plates, one side of a heat exchanger, a strainer, a boiler.

use crate::hydraulic::{FluidState, HydraulicLaw, square_law};

/// A square-law resistance, Δp = Δp_n·(ṁ/ṁ_n)²·(ρ_n/ρ).
///
/// The density ratio keeps the geometry fixed: for turbulent flow the drop scales with ρv², that
/// is with ṁ²/ρ.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Resistance {
    /// Pressure drop at the nominal flow [Pa].
    pub dp_nominal_pa: f64,
    /// Nominal mass flow [kg/s].
    pub flow_nominal_kg_s: f64,
    /// Density at which the nominal point was given [kg/m³].
    pub density_nominal_kg_m3: f64,
}

impl Resistance {
    /// Coefficient k of Δp = k·ṁ² for a fluid of density `density_kg_m3` [Pa/(kg/s)²].
    pub fn coefficient(&self, density_kg_m3: f64) -> f64 {
        self.dp_nominal_pa / (self.flow_nominal_kg_s * self.flow_nominal_kg_s)
            * (self.density_nominal_kg_m3 / density_kg_m3)
    }

    /// The hydraulic law at this flow.
    pub fn hydraulic(&self, mass_flow_kg_s: f64, fluid: FluidState) -> HydraulicLaw {
        square_law(self.coefficient(fluid.density_kg_m3), mass_flow_kg_s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nominal_point_is_reproduced() {
        let r = Resistance {
            dp_nominal_pa: 50_000.0,
            flow_nominal_kg_s: 12.0,
            density_nominal_kg_m3: 992.0,
        };
        let fluid = FluidState {
            density_kg_m3: 992.0,
            viscosity_pa_s: 6.5e-4,
        };
        let HydraulicLaw::Loss { dp_pa, .. } = r.hydraulic(12.0, fluid) else {
            panic!()
        };
        assert!((dp_pa - 50_000.0).abs() < 0.5);
    }
}
