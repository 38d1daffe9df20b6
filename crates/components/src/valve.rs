//! A control or balancing valve given by its flow coefficient Kvs and characteristic.

use crate::hydraulic::{FluidState, HydraulicLaw, closed, square_law};

/// Pressure drop at which Kv is defined (1 bar) [Pa].
const KV_REFERENCE_DP_PA: f64 = 1.0e5;
/// Density at which Kv is defined (water, 1000 kg/m³).
const KV_REFERENCE_DENSITY_KG_M3: f64 = 1000.0;

/// Inherent characteristic: how Kv follows the opening.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Characteristic {
    /// Kv = Kvs·x.
    Linear,
    /// Kv = Kvs·R^(x−1), with rangeability R (Kvs / Kv at the smallest controllable opening).
    EqualPercentage {
        /// Rangeability R [-]; 50 is a common value for globe valves (VDI/VDE 2173).
        rangeability: f64,
    },
}

/// A valve of flow coefficient Kvs [m³/h at 1 bar] at an opening 0..1. Opening 0 is tight shut.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Valve {
    /// Kv at full opening [m³/h of water at Δp = 1 bar].
    pub kvs_m3_h: f64,
    /// Inherent characteristic.
    pub characteristic: Characteristic,
    /// Opening, 0 (shut) to 1 (fully open) [-].
    pub opening: f64,
}

impl Valve {
    /// Kv at the current opening [m³/h]; 0 when shut.
    pub fn kv_m3_h(&self) -> f64 {
        let x = self.opening.clamp(0.0, 1.0);
        if x <= 0.0 {
            return 0.0;
        }
        match self.characteristic {
            Characteristic::Linear => self.kvs_m3_h * x,
            Characteristic::EqualPercentage { rangeability } => {
                self.kvs_m3_h * rangeability.powf(x - 1.0)
            }
        }
    }

    /// The hydraulic law: Δp = Δp_ref·(ρ/ρ_ref)·(V̇/Kv)² with V̇ in m³/h, i.e. a square law in ṁ.
    pub fn hydraulic(&self, mass_flow_kg_s: f64, fluid: FluidState) -> HydraulicLaw {
        let kv = self.kv_m3_h();
        if kv <= 0.0 {
            return closed(mass_flow_kg_s);
        }
        // V̇[m³/h] = 3600 ṁ/ρ, so Δp = Δp_ref·3600²·ṁ²/(ρ_ref·ρ·Kv²).
        let k = KV_REFERENCE_DP_PA * 3600.0 * 3600.0
            / (KV_REFERENCE_DENSITY_KG_M3 * fluid.density_kg_m3 * kv * kv);
        square_law(k, mass_flow_kg_s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dp(v: &Valve, m: f64, rho: f64) -> f64 {
        let fluid = FluidState {
            density_kg_m3: rho,
            viscosity_pa_s: 1e-3,
        };
        match v.hydraulic(m, fluid) {
            HydraulicLaw::Loss { dp_pa, .. } => dp_pa,
            _ => unreachable!(),
        }
    }

    #[test]
    fn kv_definition_one_bar_at_kv_cubic_metres_per_hour() {
        let v = Valve {
            kvs_m3_h: 25.0,
            characteristic: Characteristic::Linear,
            opening: 1.0,
        };
        // 25 m³/h of water at 1000 kg/m³ through Kv 25 drops exactly 1 bar.
        assert!((dp(&v, 25.0 * 1000.0 / 3600.0, 1000.0) - 1.0e5).abs() < 0.5);
    }

    #[test]
    fn characteristics_follow_their_definitions() {
        let lin = Valve {
            kvs_m3_h: 10.0,
            characteristic: Characteristic::Linear,
            opening: 0.4,
        };
        assert!((lin.kv_m3_h() - 4.0).abs() < 1e-12);
        let eq = Valve {
            characteristic: Characteristic::EqualPercentage { rangeability: 50.0 },
            ..lin
        };
        assert!((eq.kv_m3_h() - 10.0 * 50f64.powf(-0.6)).abs() < 1e-12);
        // Equal percentage: each 0.1 of stroke multiplies Kv by the same factor.
        let at = |x| Valve { opening: x, ..eq }.kv_m3_h();
        assert!((at(0.5) / at(0.4) - at(0.9) / at(0.8)).abs() < 1e-12);
    }

    #[test]
    fn shut_valve_is_a_huge_but_finite_resistance() {
        let v = Valve {
            kvs_m3_h: 10.0,
            characteristic: Characteristic::Linear,
            opening: 0.0,
        };
        let fluid = FluidState::WATER_20C;
        match v.hydraulic(0.0, fluid) {
            HydraulicLaw::Loss {
                slope_pa_per_kg_s, ..
            } => assert!(slope_pa_per_kg_s >= 1e10),
            other => panic!("{other:?}"),
        }
    }
}
