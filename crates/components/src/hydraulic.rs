//! What a link tells the network solver about its hydraulics at a given mass flow.
//!
//! Sign convention everywhere: positive mass flow runs from the link's `from` node to its `to`
//! node, and `dp_pa` is the pressure difference p_from − p_to that the link needs to carry that
//! flow. A resistance gives a positive `dp_pa` for a positive flow; a running pump a negative one.

/// The fluid a link carries, evaluated at the link's mean temperature.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FluidState {
    /// Density [kg/m³].
    pub density_kg_m3: f64,
    /// Dynamic viscosity [Pa·s].
    pub viscosity_pa_s: f64,
}

impl FluidState {
    /// Water at 20 °C, for tests and examples.
    pub const WATER_20C: FluidState = FluidState {
        density_kg_m3: 998.2,
        viscosity_pa_s: 1.0016e-3,
    };
}

/// The hydraulic law of a link, linearised at one mass flow.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum HydraulicLaw {
    /// Δp = F(ṁ) with a positive slope: pipes, valves, resistances, pumps at a set speed.
    Loss {
        /// F(ṁ) = p_from − p_to [Pa].
        dp_pa: f64,
        /// dF/dṁ [Pa/(kg/s)], > 0.
        slope_pa_per_kg_s: f64,
    },
    /// Δp fixed whatever the flow: an ideal connection (0 Pa) or a pump held to a Δp set-point
    /// (−set-point).
    FixedDp {
        /// p_from − p_to [Pa].
        dp_pa: f64,
    },
    /// Mass flow fixed whatever the pressures: a pump held to a flow set-point, a heat consumer's
    /// control valve.
    FixedFlow {
        /// ṁ from → to [kg/s].
        mass_flow_kg_s: f64,
    },
}

/// Pressure difference that defines the near-zero-flow region of square-law elements [Pa].
///
/// A square law Δp = k·ṁ·|ṁ| has zero slope at zero flow, which would make Newton's node system
/// singular for a branch with no flow. Square-law elements therefore use
/// Δp = k·ṁ·√(ṁ² + ṁ_ε²) with k·ṁ_ε² = 1 Pa: the slope at zero flow is finite, and the law differs
/// from the square law by less than 0.5 Pa at any flow.
pub const SQUARE_LAW_REGULARISATION_PA: f64 = 1.0;

/// Regularised square law Δp = k·ṁ·√(ṁ² + ṁ_ε²) with k·ṁ_ε² = [`SQUARE_LAW_REGULARISATION_PA`].
///
/// `k_pa_per_kg2_s2` is the coefficient k of Δp = k·ṁ² [Pa/(kg/s)²], > 0.
pub fn square_law(k_pa_per_kg2_s2: f64, mass_flow_kg_s: f64) -> HydraulicLaw {
    let m = mass_flow_kg_s;
    let eps2 = SQUARE_LAW_REGULARISATION_PA / k_pa_per_kg2_s2;
    let root = (m * m + eps2).sqrt();
    HydraulicLaw::Loss {
        dp_pa: k_pa_per_kg2_s2 * m * root,
        slope_pa_per_kg_s: k_pa_per_kg2_s2 * (root + m * m / root),
    }
}

/// Resistance of a closed valve or check valve, Δp = R·ṁ [Pa/(kg/s)].
///
/// Large enough that the leak is negligible (1 mg/s at 1 bar) yet finite, so a closed branch never
/// leaves a node without a path in the node system (EPANET does the same with its CBIG).
pub const CLOSED_RESISTANCE_PA_PER_KG_S: f64 = 1.0e11;

/// The law of a closed element.
pub fn closed(mass_flow_kg_s: f64) -> HydraulicLaw {
    HydraulicLaw::Loss {
        dp_pa: CLOSED_RESISTANCE_PA_PER_KG_S * mass_flow_kg_s,
        slope_pa_per_kg_s: CLOSED_RESISTANCE_PA_PER_KG_S,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn square_law_is_within_half_a_pascal_and_its_slope_is_exact() {
        let k = 2.0e4;
        for &m in &[-3.0, -0.1, -1e-4, 0.0, 1e-5, 0.02, 1.0, 7.0] {
            let HydraulicLaw::Loss {
                dp_pa,
                slope_pa_per_kg_s,
            } = square_law(k, m)
            else {
                unreachable!()
            };
            assert!((dp_pa - k * m * m.abs()).abs() <= 0.5 + 1e-12, "m {m}");
            assert!(slope_pa_per_kg_s > 0.0);
            let h = 1e-7;
            let dp = |m| match square_law(k, m) {
                HydraulicLaw::Loss { dp_pa, .. } => dp_pa,
                _ => unreachable!(),
            };
            let fd = (dp(m + h) - dp(m - h)) / (2.0 * h);
            assert!(
                (fd - slope_pa_per_kg_s).abs() <= 1e-5 * slope_pa_per_kg_s,
                "m {m}"
            );
        }
    }
}
