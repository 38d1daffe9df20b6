//! A backup boiler (gas or electric) that tops the water up to its set-point.
//!
//! Given the inlet temperature and flow it adds the heat that brings the water to the set-point,
//! Q = min(capacity, ṁ·(h(T_set) − h(T_in))), nothing if the inlet is already at or above it.
//! The heat is computed from the inlet (feed-forward, as a modulating burner or a stepped
//! electrode boiler with its own outlet controller does at steady state), so the outlet, its
//! [`MixingVolume`], settles at the set-point whenever the capacity suffices. It draws
//! Q / η of fuel or electricity.

use crate::component::Component;
use crate::device::{
    Account, DeviceKind, Fallback, Parameter, ParameterKind, ParameterValues, PressureDrop,
    Refusal, SetError, Variable, VolumeDevice, Watch, Water, boxed, temperature_k,
};
use crate::heat_source::{HeatDuty, HeatSource};
use crate::parameter::{check, check_volume};
use crate::resistance::Resistance;
use crate::units::Quantity;
use crate::volume::MixingVolume;
use dctwin_fluid::Fluid;

/// Default water volume of a boiler [m³]: 0.5, a packaged boiler of some hundred kW to a few
/// MW with its headers.
pub const DEFAULT_BOILER_VOLUME_M3: f64 = 0.5;

/// A boiler is on above this share of its capacity [-]: below it, the numerical trickle of an
/// idle boiler's controller.
pub const BOILER_ON_SHARE: f64 = 0.01;

/// Default efficiency of a gas condensing boiler [-]: 0.95, on the net calorific value.
/// Condensing boilers reach 0.94–0.98 (NCV) when the return is cold enough to condense flue
/// water (below ≈ 55 °C), as district-heating and reuse returns are; EU Ecodesign Regulation
/// 813/2013 in effect requires condensing technology for new gas boilers.
pub const DEFAULT_GAS_CONDENSING_EFFICIENCY: f64 = 0.95;

/// Default efficiency of an electric (resistance or electrode) boiler [-]: 0.99. Electricity
/// turns entirely into heat in the water; only the shell's standing loss (≈ 1 %) is lost.
pub const DEFAULT_ELECTRIC_EFFICIENCY: f64 = 0.99;

/// What the boiler burns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoilerKind {
    /// Natural gas, condensing.
    GasCondensing,
    /// Electricity (resistance or electrode).
    Electric,
}

impl BoilerKind {
    /// Default efficiency of the kind [-].
    pub fn default_efficiency(self) -> f64 {
        match self {
            BoilerKind::GasCondensing => DEFAULT_GAS_CONDENSING_EFFICIENCY,
            BoilerKind::Electric => DEFAULT_ELECTRIC_EFFICIENCY,
        }
    }
}

/// Why a boiler's parameters cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BoilerError {
    /// A parameter out of its physical range.
    #[error("boiler parameter `{name}` = {value} is invalid: expected {expected}")]
    Parameter {
        /// The parameter's name.
        name: &'static str,
        /// The value given.
        value: f64,
        /// What was expected.
        expected: &'static str,
    },
}

crate::parameter::from_invalid_parameter!(BoilerError);

/// The parameters of a boiler, as given by the user.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoilerSpec {
    /// What it burns.
    pub kind: BoilerKind,
    /// Largest heat it gives the water [W].
    pub capacity_w: f64,
    /// Outlet temperature it aims at [K].
    pub setpoint_k: f64,
    /// Heat to the water per fuel or electric input [-]; `None`: the kind's default.
    pub efficiency: Option<f64>,
    /// Water it holds [m³].
    pub volume_m3: f64,
    /// Heat capacity of its wetted metal (heat exchanger, shell) [J/K].
    pub solid_capacity_j_k: f64,
}

/// A backup boiler.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Boiler {
    /// What it burns.
    pub kind: BoilerKind,
    /// Largest heat it gives the water [W].
    pub capacity_w: f64,
    /// Outlet temperature it aims at [K]: an input the simulation may change.
    pub setpoint_k: f64,
    /// Heat to the water per fuel or electric input [-].
    pub efficiency: f64,
    /// Its water and metal.
    pub volume: MixingVolume,
}

impl Boiler {
    /// A boiler from its parameters, its volume filled with `fluid` at `fill_k`.
    pub fn new(spec: &BoilerSpec, fluid: &Fluid, fill_k: f64) -> Result<Self, BoilerError> {
        let efficiency = spec
            .efficiency
            .unwrap_or_else(|| spec.kind.default_efficiency());
        check(
            "capacity_w",
            spec.capacity_w,
            spec.capacity_w >= 0.0,
            "a finite heat ≥ 0",
        )?;
        check(
            "setpoint_k",
            spec.setpoint_k,
            spec.setpoint_k > 0.0,
            "a finite temperature > 0 K",
        )?;
        check(
            "efficiency",
            efficiency,
            efficiency > 0.0 && efficiency <= 1.0,
            "an efficiency in (0, 1]",
        )?;
        check_volume(spec.volume_m3, spec.solid_capacity_j_k, fill_k)?;
        Ok(Boiler {
            kind: spec.kind,
            capacity_w: spec.capacity_w,
            setpoint_k: spec.setpoint_k,
            efficiency,
            volume: MixingVolume::of_volume(spec.volume_m3, fluid, fill_k, spec.solid_capacity_j_k),
        })
    }

    /// Heat given to the water [W] for water arriving at `t_in_k` with `mass_flow_kg_s`:
    /// min(capacity, ṁ·(h(T_set) − h(T_in))), 0 without forward flow or at/above the set-point.
    pub fn heat_w(&self, fluid: &Fluid, t_in_k: f64, mass_flow_kg_s: f64) -> f64 {
        let shortfall = fluid.enthalpy_j_kg(self.setpoint_k) - fluid.enthalpy_j_kg(t_in_k);
        (mass_flow_kg_s.max(0.0) * shortfall.max(0.0)).min(self.capacity_w)
    }

    /// Fuel (on the efficiency's calorific basis) or electricity drawn [W]: heat / η.
    pub fn input_power_w(&self, fluid: &Fluid, t_in_k: f64, mass_flow_kg_s: f64) -> f64 {
        self.heat_w(fluid, t_in_k, mass_flow_kg_s) / self.efficiency
    }

    /// dT/dt [K/s] of its volume at `t_k`, fed `mass_flow_kg_s` (≥ 0) at `t_in_k`.
    pub fn derivative_k_s(&self, fluid: &Fluid, t_in_k: f64, t_k: f64, mass_flow_kg_s: f64) -> f64 {
        let heat = self.heat_w(fluid, t_in_k, mass_flow_kg_s);
        self.volume
            .derivative_k_s(fluid, t_in_k, t_k, mass_flow_kg_s, heat)
    }
}

/// `kind = "boiler"` in a model file.
pub static KIND: DeviceKind = DeviceKind {
    key: "boiler",
    parameters: &[
        Parameter {
            name: "capacity",
            kind: ParameterKind::Quantity(Quantity::Power),
            fallback: Fallback::Required("the boiler's largest heat"),
            settable: false,
            positive: true,
        },
        Parameter {
            name: "setpoint",
            kind: ParameterKind::Quantity(Quantity::Temperature),
            fallback: Fallback::Required("the outlet temperature it tops the water up to"),
            settable: true,
            positive: false,
        },
        Parameter {
            name: "fuel",
            kind: ParameterKind::Choice(&["gas", "electric"]),
            fallback: Fallback::Value(0.0),
            settable: false,
            positive: false,
        },
        // Derived: the fuel's default (DEFAULT_GAS_CONDENSING_EFFICIENCY, DEFAULT_ELECTRIC_EFFICIENCY).
        Parameter {
            name: "efficiency",
            kind: ParameterKind::Number { min: 0.0, max: 1.0 },
            fallback: Fallback::Derived,
            settable: false,
            positive: false,
        },
        Parameter {
            name: "volume",
            kind: ParameterKind::Quantity(Quantity::Volume),
            fallback: Fallback::Value(DEFAULT_BOILER_VOLUME_M3),
            settable: false,
            positive: true,
        },
    ],
    variables: &[
        Variable {
            name: "heat",
            quantity: Quantity::Power,
        },
        Variable {
            name: "outlet",
            quantity: Quantity::Temperature,
        },
        Variable {
            name: "input_power",
            quantity: Quantity::Power,
        },
    ],
    pressure_drop: PressureDrop::Nominal,
    build: build_boiler,
};

fn build_boiler(
    values: &ParameterValues,
    fluid: &Fluid,
    fill_k: f64,
) -> Result<Box<dyn VolumeDevice>, Refusal> {
    let spec = BoilerSpec {
        kind: match values.word("fuel") {
            Some("electric") => BoilerKind::Electric,
            _ => BoilerKind::GasCondensing,
        },
        capacity_w: values.number("capacity").unwrap_or(f64::NAN),
        setpoint_k: values.number("setpoint").unwrap_or(f64::NAN),
        efficiency: values.number("efficiency"),
        volume_m3: values.number("volume").unwrap_or(DEFAULT_BOILER_VOLUME_M3),
        solid_capacity_j_k: 0.0,
    };
    boxed(Boiler::new(&spec, fluid, fill_k))
}

impl VolumeDevice for Boiler {
    fn kind(&self) -> &'static DeviceKind {
        &KIND
    }

    fn volume(&self) -> MixingVolume {
        self.volume
    }

    fn heat_w(&self, water: &Water<'_>) -> f64 {
        Boiler::heat_w(self, water.fluid, water.inlet_k, water.mass_flow_kg_s)
    }

    fn account(&self) -> Account {
        Account::Boiler
    }

    fn steady_component(&self, resistance: Option<Resistance>) -> Component {
        match resistance {
            Some(r) => Component::Resistance(r),
            // Its kind reads a resistance, so this is only a boiler built by hand: an ideal
            // connection.
            None => Component::HeatSource(HeatSource {
                duty: HeatDuty::Fixed { heat_w: 0.0 },
                resistance: None,
            }),
        }
    }

    fn get(&self, name: &str) -> Option<f64> {
        match name {
            "capacity" => Some(self.capacity_w),
            "setpoint" => Some(self.setpoint_k),
            "efficiency" => Some(self.efficiency),
            _ => None,
        }
    }

    fn set(&mut self, name: &str, value: f64) -> Result<(), SetError> {
        match name {
            "setpoint" => self.setpoint_k = temperature_k(&KIND, "setpoint", value)?,
            _ => return Err(KIND.unknown(name)),
        }
        Ok(())
    }

    fn variable(&self, index: usize, water: &Water<'_>) -> f64 {
        let heat = || Boiler::heat_w(self, water.fluid, water.inlet_k, water.mass_flow_kg_s);
        match index {
            0 => heat(),
            1 => water.volume_k,
            _ => heat() / self.efficiency,
        }
    }

    fn watches(&self) -> Vec<Watch> {
        vec![Watch {
            alarm: "boiler_on",
            variable: 0,
            limit: BOILER_ON_SHARE * self.capacity_w,
            supply_limit: false,
            above: true,
        }]
    }

    fn clone_box(&self) -> Box<dyn VolumeDevice> {
        Box::new(*self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const C: f64 = 273.15;

    /// A 500 kW gas boiler aiming at 75 °C.
    fn boiler(kind: BoilerKind) -> (Boiler, Fluid) {
        let water = Fluid::water();
        let spec = BoilerSpec {
            kind,
            capacity_w: 500_000.0,
            setpoint_k: C + 75.0,
            efficiency: None,
            volume_m3: 0.3,
            solid_capacity_j_k: 100_000.0,
        };
        (Boiler::new(&spec, &water, C + 60.0).unwrap(), water)
    }

    /// Within capacity the heat is ṁ·(h(T_set) − h(T_in)) to rounding, and the volume is steady
    /// exactly at the set-point (the energy the water carries away is what the burner put in).
    #[test]
    fn tops_up_to_the_set_point() {
        let (b, water) = boiler(BoilerKind::GasCondensing);
        let (t_in, m) = (C + 65.0, 5.0);
        let q = b.heat_w(&water, t_in, m);
        let expected = m * (water.enthalpy_j_kg(C + 75.0) - water.enthalpy_j_kg(t_in));
        assert!((q - expected).abs() < 1e-9 * expected);
        // ≈ 5 kg/s · 4190 J/(kg K) · 10 K ≈ 210 kW, below the 500 kW capacity.
        assert!((q - 210_000.0).abs() < 2_000.0, "{q}");
        assert!(b.derivative_k_s(&water, t_in, C + 75.0, m).abs() < 1e-12);
        assert!(b.derivative_k_s(&water, t_in, C + 70.0, m) > 0.0);
    }

    /// Beyond capacity it gives exactly the capacity and the outlet settles at
    /// h(T_in) + capacity/ṁ, below the set-point.
    #[test]
    fn capacity_caps_the_heat() {
        let (b, water) = boiler(BoilerKind::GasCondensing);
        let (t_in, m) = (C + 45.0, 8.0);
        assert_eq!(b.heat_w(&water, t_in, m), 500_000.0);
        let outlet = water.temperature_from_enthalpy_k(water.enthalpy_j_kg(t_in) + 500_000.0 / m);
        assert!(b.derivative_k_s(&water, t_in, outlet, m).abs() < 1e-9);
        // ≈ 45 °C + 500 kW / (8 · 4180) ≈ 60 °C.
        assert!(
            outlet < C + 75.0 && (outlet - (C + 60.0)).abs() < 0.2,
            "{}",
            outlet - C
        );
    }

    /// At or above the set-point, or without forward flow, it adds nothing and burns nothing.
    #[test]
    fn no_heat_at_or_above_the_set_point() {
        let (b, water) = boiler(BoilerKind::GasCondensing);
        for (t_in, m) in [
            (C + 75.0, 5.0),
            (C + 80.0, 5.0),
            (C + 50.0, 0.0),
            (C + 50.0, -1.0),
        ] {
            assert_eq!(b.heat_w(&water, t_in, m), 0.0, "{t_in} {m}");
            assert_eq!(b.input_power_w(&water, t_in, m), 0.0);
        }
    }

    /// Fuel or electricity drawn is heat / η, with the documented defaults per kind.
    #[test]
    fn input_is_heat_over_efficiency() {
        for (kind, eta) in [
            (BoilerKind::GasCondensing, 0.95),
            (BoilerKind::Electric, 0.99),
        ] {
            let (b, water) = boiler(kind);
            assert_eq!(b.efficiency, eta);
            let q = b.heat_w(&water, C + 60.0, 4.0);
            assert!(q > 0.0);
            assert!((b.input_power_w(&water, C + 60.0, 4.0) - q / eta).abs() < 1e-9 * q);
        }
    }

    /// Bad parameters are refused, naming the parameter.
    #[test]
    fn bad_parameters_are_named() {
        let water = Fluid::water();
        let spec = BoilerSpec {
            kind: BoilerKind::Electric,
            capacity_w: 1.0e5,
            setpoint_k: C + 70.0,
            efficiency: Some(1.2),
            volume_m3: 0.1,
            solid_capacity_j_k: 0.0,
        };
        let err = Boiler::new(&spec, &water, C + 50.0);
        assert!(matches!(
            err,
            Err(BoilerError::Parameter {
                name: "efficiency",
                ..
            })
        ));
        let err = Boiler::new(
            &BoilerSpec {
                efficiency: None,
                capacity_w: -1.0,
                ..spec
            },
            &water,
            C + 50.0,
        );
        assert!(matches!(
            err,
            Err(BoilerError::Parameter {
                name: "capacity_w",
                ..
            })
        ));
    }
}
