//! A heat consumer (a district-heating substation, a building's heat exchanger) whose control
//! valve sets the flow so that it takes a given heat and returns at a given temperature.
//!
//! Its flow, ṁ = Q / (h(T_supply) − h(T_return)), depends on the supply temperature that reaches
//! it, which depends on the flows: the network solver iterates that coupling to convergence.
//! A negative heat turns it into a load that heats the water to a set outlet temperature (a rack
//! whose valve holds its return temperature).

use crate::hydraulic::HydraulicLaw;
use crate::thermal::ThermalLaw;
use dctwin_fluid::Fluid;

/// Smallest supply-minus-return difference the valve can work with [K]: below it the flow
/// would run away; the consumer is then reported as unable to take its heat.
pub const MIN_TEMPERATURE_DIFFERENCE_K: f64 = 0.1;

/// Temperature difference assumed before the supply temperature is known [K], for the first
/// guess of the flow.
pub const FIRST_GUESS_DIFFERENCE_K: f64 = 10.0;

/// A heat consumer with a flow-controlling valve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeatConsumer {
    /// Heat taken from the water [W] (negative: given to the water).
    pub heat_w: f64,
    /// Temperature at which the water leaves [K].
    pub return_k: f64,
}

impl HeatConsumer {
    /// The mass flow [kg/s] that takes `heat_w` between supply `t_supply_k` and the return target,
    /// or `None` if the supply is not at least [`MIN_TEMPERATURE_DIFFERENCE_K`] on the right side
    /// of the return target.
    pub fn required_flow_kg_s(&self, t_supply_k: f64, fluid: &Fluid) -> Option<f64> {
        if self.heat_w == 0.0 {
            return Some(0.0);
        }
        let wanted_sign = self.heat_w.signum();
        if (t_supply_k - self.return_k) * wanted_sign < MIN_TEMPERATURE_DIFFERENCE_K {
            return None;
        }
        let dh = fluid.enthalpy_j_kg(t_supply_k) - fluid.enthalpy_j_kg(self.return_k);
        Some(self.heat_w / dh)
    }

    /// First guess of the flow before any supply temperature is known [kg/s].
    pub fn first_guess_flow_kg_s(&self, fluid: &Fluid) -> f64 {
        self.heat_w.abs() / (fluid.specific_heat_j_kg_k(self.return_k) * FIRST_GUESS_DIFFERENCE_K)
    }

    /// The hydraulic law for the flow the valve currently holds.
    pub fn hydraulic(mass_flow_kg_s: f64) -> HydraulicLaw {
        HydraulicLaw::FixedFlow { mass_flow_kg_s }
    }

    /// The steady thermal law.
    pub fn thermal(&self) -> ThermalLaw {
        ThermalLaw::FixedOutlet {
            outlet_k: self.return_k,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flow_takes_exactly_the_heat() {
        let water = Fluid::water();
        let c = HeatConsumer {
            heat_w: 150_000.0,
            return_k: 313.15,
        };
        let m = c.required_flow_kg_s(343.0, &water).unwrap();
        let taken = m * (water.enthalpy_j_kg(343.0) - water.enthalpy_j_kg(313.15));
        assert!((taken - 150_000.0).abs() < 1e-6);
        // About 1.2 kg/s for 150 kW over 30 K.
        assert!((m - 1.2).abs() < 0.01, "{m}");
    }

    #[test]
    fn supply_too_cold_is_reported() {
        let c = HeatConsumer {
            heat_w: 1000.0,
            return_k: 313.15,
        };
        assert_eq!(c.required_flow_kg_s(313.2, &Fluid::water()), None);
        let rack = HeatConsumer {
            heat_w: -1000.0,
            return_k: 323.15,
        };
        assert!(rack.required_flow_kg_s(313.15, &Fluid::water()).unwrap() > 0.0);
        assert_eq!(rack.required_flow_kg_s(330.0, &Fluid::water()), None);
    }
}
