//! What a volume's ODE state is: the energy it holds, measured in kelvin.
//!
//! A volume holds E(T) = M·h(T) + C_solid·T (its coolant plus the metal wetted by it). Its
//! state is not T but E, scaled to read like a temperature:
//!
//! y = T_ref + (E(T) − E(T_ref)) / C(T_ref),  C = dE/dT = M·c_p(T) + C_solid.
//!
//! Why energy: the facility's energy is then linear in the state vector (Σ C(T_ref)·y plus a
//! constant), and a BDF step keeps linear invariants exactly. The run's energy balance
//! (in − out − stored) closes to round-off and the Newton iteration's convergence, whatever the
//! integration tolerance: measured 5e-15 to 6e-11 of the energy moved in the tests and 4e-14
//! over the jupiter year. With T as the state it closed only to the tolerance, since E(T) is
//! curved (c_p changes with T): up to 4.8e-6 over an hour's start-up.
//!
//! Why kelvin: y − T = ∫(C(T')/C(T_ref) − 1) dT' from T_ref to T, the mean relative change of
//! the capacity times the distance, and dy/dT = C(T)/C(T_ref). Both depend on the fluid and
//! where it starts: for water from 40 °C, 30 mK and 0.3 % at ±30 K; from 5 °C up 30 K, 0.13 K
//! and 0.6 %; 30 % ethylene glycol from 40 °C down 30 K, 0.34 K and 2.3 %. The tolerances keep
//! their meaning in kelvin to those few per cent; the temperatures reported are the inverted T.
//!
//! T_ref is the volume's initial temperature, so the initial state is the initial temperature.

use dctwin_fluid::Fluid;

/// Newton steps shorter than this end the inversion [K]: the next step would be about
/// c_p'/(2·c_p)·step², under 1e-3/K · 1e-6 K² = 1e-9 K for water and glycols.
const NEWTON_DONE_K: f64 = 1e-5;

/// States closer than this to a known point take its tangent, without evaluating the fluid
/// [K]: E(T) is linear to c_p'/(2·c_p)·Δ², under 1e-3/K · 1e-6 K² = 1e-9 K. Most evaluations
/// within a step (the Newton iterations) are this close to the step's first.
const TANGENT_K: f64 = 1e-3;

/// Newton steps at most. From a known point's tangent one step usually settles, since E(T) is
/// nearly linear.
const NEWTON_STEPS: usize = 12;

/// A volume's energy scale: what turns its state into its temperature and back.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EnergyState {
    /// Coolant held [kg].
    pub mass_kg: f64,
    /// Heat capacity of the wetted solids [J/K].
    pub solid_j_k: f64,
    /// Reference temperature T_ref: the state equals it there [K].
    pub reference_k: f64,
    /// Heat capacity at T_ref, C(T_ref) [J/K]: the energy one kelvin of state holds.
    pub capacity_j_k: f64,
    /// Energy held at T_ref, E(T_ref) [J].
    pub reference_energy_j: f64,
}

/// A volume's state with its temperature, enthalpy and heat capacity there: where the next
/// inversion starts from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Known {
    /// The state [K].
    pub y: f64,
    /// Its temperature [K].
    pub t_k: f64,
    /// The coolant's enthalpy at `t_k` [J/kg].
    pub h_j_kg: f64,
    /// The volume's heat capacity at `t_k`, dE/dT [J/K] (after Newton, at its last point, within
    /// a hundredth of a millikelvin of `t_k`).
    pub capacity_j_k: f64,
    /// The coolant's specific heat there [J/(kg·K)].
    pub cp_j_kg_k: f64,
}

impl EnergyState {
    /// The scale of a volume of `mass_kg` of `fluid` and `solid_j_k` of metal, whose state
    /// equals its temperature at `reference_k`.
    pub fn new(fluid: &Fluid, mass_kg: f64, solid_j_k: f64, reference_k: f64) -> EnergyState {
        EnergyState {
            mass_kg,
            solid_j_k,
            reference_k,
            capacity_j_k: mass_kg * fluid.specific_heat_j_kg_k(reference_k) + solid_j_k,
            reference_energy_j: mass_kg * fluid.enthalpy_j_kg(reference_k)
                + solid_j_k * reference_k,
        }
    }

    /// Energy held at `t_k`, E(T) [J] (relative to h = 0 of the fluid and 0 K of the metal).
    pub fn energy_j(&self, fluid: &Fluid, t_k: f64) -> f64 {
        self.mass_kg * fluid.enthalpy_j_kg(t_k) + self.solid_j_k * t_k
    }

    /// Energy held at state `y` [J]: E(T(y)), linear in y by the state's definition.
    pub fn energy_of_state_j(&self, y: f64) -> f64 {
        self.reference_energy_j + self.capacity_j_k * (y - self.reference_k)
    }

    /// The state of the volume at `t_k` [K].
    pub fn state_of(&self, fluid: &Fluid, t_k: f64) -> f64 {
        self.reference_k + (self.energy_j(fluid, t_k) - self.reference_energy_j) / self.capacity_j_k
    }

    /// The volume at its reference temperature.
    pub fn at_reference(&self, fluid: &Fluid) -> Known {
        Known {
            y: self.reference_k,
            t_k: self.reference_k,
            h_j_kg: fluid.enthalpy_j_kg(self.reference_k),
            capacity_j_k: self.capacity_j_k,
            cp_j_kg_k: fluid.specific_heat_j_kg_k(self.reference_k),
        }
    }

    /// The volume at state `y` along the tangent at `known`, if `y` is within [`TANGENT_K`] of
    /// it (the fluid is not evaluated).
    pub fn near(&self, y: f64, known: &Known) -> Option<Known> {
        let dy = y - known.y;
        if dy.abs() > TANGENT_K || dy.is_nan() {
            return None;
        }
        let dt = self.capacity_j_k * dy / known.capacity_j_k;
        Some(Known {
            y,
            t_k: known.t_k + dt,
            h_j_kg: known.h_j_kg + known.cp_j_kg_k * dt,
            ..*known
        })
    }

    /// The volume at state `y`, by Newton from the tangent at `from` (the last evaluation's).
    /// NaN in, NaN out.
    pub fn at_state(&self, fluid: &Fluid, y: f64, from: &Known) -> Known {
        if y == from.y {
            return *from;
        }
        let target_j = self.energy_of_state_j(y);
        let mut t = from.t_k + self.capacity_j_k * (y - from.y) / from.capacity_j_k;
        if !t.is_finite() {
            t = y;
        }
        for _ in 0..NEWTON_STEPS {
            let h = fluid.enthalpy_j_kg(t);
            let cp = fluid.specific_heat_j_kg_k(t);
            let capacity_j_k = self.mass_kg * cp + self.solid_j_k;
            let step = (self.mass_kg * h + self.solid_j_k * t - target_j) / capacity_j_k;
            t -= step;
            if step.abs() <= NEWTON_DONE_K || step.is_nan() {
                // h at the new t to first order: the second-order term is c_p'·step²/2.
                return Known {
                    y,
                    t_k: t,
                    h_j_kg: h - cp * step,
                    capacity_j_k,
                    cp_j_kg_k: cp,
                };
            }
        }
        let cp = fluid.specific_heat_j_kg_k(t);
        Known {
            y,
            t_k: t,
            h_j_kg: fluid.enthalpy_j_kg(t),
            capacity_j_k: self.mass_kg * cp + self.solid_j_k,
            cp_j_kg_k: cp,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The state inverts to the temperature it came from, to 1e-9 K, from states up to 35 K
    /// away; the enthalpy and capacity returned are those at that temperature.
    #[test]
    fn the_state_inverts_to_its_temperature() {
        for fluid in [
            Fluid::water(),
            Fluid::from_name("ethylene_glycol", Some(0.3)).unwrap(),
        ] {
            let volume = EnergyState::new(&fluid, 120.0, 8.0e4, 313.15);
            let reference = volume.at_reference(&fluid);
            for t in [278.15, 300.0, 313.15, 333.15, 358.15] {
                let y = volume.state_of(&fluid, t);
                for from_k in [t, t + 0.01, t - 5.0, 313.15] {
                    let from = volume.at_state(&fluid, volume.state_of(&fluid, from_k), &reference);
                    let back = volume.at_state(&fluid, y, &from);
                    let name = fluid.name();
                    assert!(
                        (back.t_k - t).abs() < 1e-9,
                        "{name} {t} from {from_k}: {back:?}"
                    );
                    let exact_h = fluid.enthalpy_j_kg(t);
                    assert!((back.h_j_kg - exact_h).abs() < 1e-9 * exact_h.abs().max(1.0));
                    let exact_c = volume.mass_kg * fluid.specific_heat_j_kg_k(t) + volume.solid_j_k;
                    assert!((back.capacity_j_k - exact_c).abs() < 1e-6 * exact_c);
                }
            }
        }
    }

    /// Within a millikelvin of a known point the tangent gives the temperature to 1e-9 K and the
    /// enthalpy to 1e-6 J/kg; further away it declines.
    #[test]
    fn the_tangent_serves_nearby_states() {
        let water = Fluid::water();
        let volume = EnergyState::new(&water, 120.0, 8.0e4, 313.15);
        let known = volume.at_state(&water, 330.0, &volume.at_reference(&water));
        for dy in [-1e-3, -1e-4, 1e-5, 1e-3] {
            let near = volume.near(330.0 + dy, &known).unwrap();
            let exact = volume.at_state(&water, 330.0 + dy, &known);
            assert!(
                (near.t_k - exact.t_k).abs() < 1e-9,
                "{dy}: {near:?} vs {exact:?}"
            );
            assert!((near.h_j_kg - exact.h_j_kg).abs() < 1e-6);
        }
        assert_eq!(volume.near(330.002, &known), None);
        assert_eq!(volume.near(f64::NAN, &known), None);
    }

    /// The state reads as a temperature: equal at T_ref, and away from it off by the mean
    /// relative change of c_p times the distance: 27 mK for water cooled from 40 to 10 °C, 30 mK
    /// heated to 70 °C (c_p is 4179 J/(kg·K) at 40 °C, 4192 at 10 °C, 4190 at 70 °C).
    #[test]
    fn the_state_reads_as_a_temperature() {
        let water = Fluid::water();
        let volume = EnergyState::new(&water, 1000.0, 0.0, 313.15);
        assert_eq!(volume.state_of(&water, 313.15), 313.15);
        for dt in [-30.0, -10.0, 10.0, 30.0] {
            let gap = volume.state_of(&water, 313.15 + dt) - (313.15 + dt);
            assert!(gap.abs() < 0.035, "{dt} K: {gap}");
        }
    }

    /// Energy is linear in the state: E(T(y)) = E(T_ref) + C(T_ref)·(y − T_ref).
    #[test]
    fn energy_is_linear_in_the_state() {
        let water = Fluid::water();
        let volume = EnergyState::new(&water, 50.0, 2.0e4, 300.0);
        for y in [290.0, 310.0, 350.0] {
            let t = volume.at_state(&water, y, &volume.at_reference(&water)).t_k;
            let e = volume.energy_j(&water, t);
            let linear = volume.energy_of_state_j(y);
            assert!(
                (e - linear).abs() < 1e-9 * linear.abs(),
                "{y}: {e} vs {linear}"
            );
        }
    }
}
