//! What a link does to the temperature of the water that passes through it, at steady state.

/// The steady thermal law of a link, applied in the direction of flow.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ThermalLaw {
    /// The outlet leaves at the inlet temperature (valves, resistances, check valves).
    Adiabatic,
    /// A fixed heat flow enters the water: h_out = h_in + Q/ṁ (negative Q cools).
    Heat {
        /// Heat into the water [W].
        heat_w: f64,
    },
    /// Heat lost to a surrounding at a fixed temperature through a conductance UA:
    /// T_out = T_amb + (T_in − T_amb)·exp(−UA / (c_p·ṁ)), the exact solution of the steady
    /// energy balance of a pipe with uniform U (the law pandapipes uses).
    LossToAmbient {
        /// Overall conductance U·π·D_outer·L [W/K].
        ua_w_k: f64,
        /// Temperature of the surroundings [K].
        ambient_k: f64,
    },
    /// The outlet leaves at a set temperature whatever the inlet: a plant holding its supply
    /// temperature, a consumer holding its return temperature.
    FixedOutlet {
        /// Outlet temperature [K].
        outlet_k: f64,
    },
}

impl ThermalLaw {
    /// Outlet temperature [K] for inlet `t_in_k`, flow magnitude `mass_flow_kg_s` > 0 and the
    /// fluid's enthalpy functions.
    pub fn outlet_k(&self, t_in_k: f64, mass_flow_kg_s: f64, fluid: &dctwin_fluid::Fluid) -> f64 {
        match *self {
            ThermalLaw::Adiabatic => t_in_k,
            ThermalLaw::Heat { heat_w } => fluid
                .temperature_from_enthalpy_k(fluid.enthalpy_j_kg(t_in_k) + heat_w / mass_flow_kg_s),
            ThermalLaw::LossToAmbient { ua_w_k, ambient_k } => {
                // c_p at the inlet: over a pipe the temperature changes by a fraction of a
                // kelvin, and c_p by 1e-5 of itself, far below what the law itself can claim.
                let cp = fluid.specific_heat_j_kg_k(t_in_k);
                ambient_k + (t_in_k - ambient_k) * (-ua_w_k / (cp * mass_flow_kg_s)).exp()
            }
            ThermalLaw::FixedOutlet { outlet_k } => outlet_k,
        }
    }
}
