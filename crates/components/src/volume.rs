//! A well-mixed volume of coolant: the thermal state a component carries in the transient
//! simulation.
//!
//! Its energy is one ODE state (in the simulation, scaled to read in kelvin). Energy E = M·h(T) + C_extra·T (coolant plus the metal
//! around it: cold plates, a heat-exchanger's plates, a pipe wall), so
//! dE/dt = (M·c_p(T) + C_extra)·dT/dt = ṁ·(h(T_in) − h(T)) + Q.
//! Writing the law with enthalpies (not c_p·ΔT) makes the facility's energy balance exact: the
//! enthalpy a volume passes on is the enthalpy the next one receives.

use dctwin_fluid::Fluid;

/// Default volume given to a device that has no geometry of its own [m³]: 50 L, a few metres
/// of DN100 pipe, the order of a plant connection or a coil's headers. It only sets a short time
/// constant.
pub const DEFAULT_DEVICE_VOLUME_M3: f64 = 0.05;

/// A mixing volume: the coolant mass it holds and the heat capacity of the solids wetted by it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MixingVolume {
    /// Coolant held [kg].
    pub mass_kg: f64,
    /// Heat capacity of the wetted solids, in thermal contact with the coolant [J/K].
    pub solid_capacity_j_k: f64,
}

impl MixingVolume {
    /// A volume holding `volume_m3` of `fluid` at `t_k`, with `solid_capacity_j_k` of metal.
    pub fn of_volume(volume_m3: f64, fluid: &Fluid, t_k: f64, solid_capacity_j_k: f64) -> Self {
        MixingVolume {
            mass_kg: volume_m3 * fluid.density_kg_m3(t_k),
            solid_capacity_j_k,
        }
    }

    /// Heat capacity at temperature `t_k` [J/K].
    pub fn capacity_j_k(&self, fluid: &Fluid, t_k: f64) -> f64 {
        self.mass_kg * fluid.specific_heat_j_kg_k(t_k) + self.solid_capacity_j_k
    }

    /// Energy held relative to 0 K of the solids and h = 0 of the fluid's reference [J].
    pub fn energy_j(&self, fluid: &Fluid, t_k: f64) -> f64 {
        self.mass_kg * fluid.enthalpy_j_kg(t_k) + self.solid_capacity_j_k * t_k
    }

    /// dT/dt [K/s] of the volume at `t_k`, fed with `mass_flow_kg_s` (≥ 0) at `t_in_k` and
    /// receiving `heat_w` (negative: giving it away).
    pub fn derivative_k_s(
        &self,
        fluid: &Fluid,
        t_in_k: f64,
        t_k: f64,
        mass_flow_kg_s: f64,
        heat_w: f64,
    ) -> f64 {
        let advected_w = mass_flow_kg_s * (fluid.enthalpy_j_kg(t_in_k) - fluid.enthalpy_j_kg(t_k));
        (advected_w + heat_w) / self.capacity_j_k(fluid, t_k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// With no flow, Q raises the temperature at Q / C.
    #[test]
    fn heats_at_q_over_c_without_flow() {
        let water = Fluid::water();
        let v = MixingVolume::of_volume(0.1, &water, 313.15, 5000.0);
        let c = v.capacity_j_k(&water, 313.15);
        let d = v.derivative_k_s(&water, 313.15, 313.15, 0.0, 10_000.0);
        assert!((d - 10_000.0 / c).abs() < 1e-12);
        // ~100 kg of water: c ≈ 0.1 m³ · 992 kg/m³ · 4179 J/(kg K) + 5000 J/K.
        assert!(
            (c - (0.1 * 992.2 * 4179.0 + 5000.0)).abs() / c < 2e-3,
            "{c}"
        );
    }

    /// At steady state the outlet is T_in + Q / (ṁ c_p) (within the c_p variation).
    #[test]
    fn steady_state_is_the_heat_balance() {
        let water = Fluid::water();
        let v = MixingVolume::of_volume(0.05, &water, 313.15, 0.0);
        let (m, q) = (2.0, 80_000.0);
        let t_in = 313.15;
        let h_out = water.enthalpy_j_kg(t_in) + q / m;
        let t_out = water.temperature_from_enthalpy_k(h_out);
        assert!(v.derivative_k_s(&water, t_in, t_out, m, q).abs() < 1e-9);
        assert!((t_out - t_in - q / (m * 4179.0)).abs() < 0.01);
    }
}
