//! A district-heating consumer: a substation behind a heat exchanger, seen from the primary
//! (network) water as a heat sink whose control valve sets the flow.
//!
//! The valve aims at the demand with the return at its target:
//! ṁ = Q_demand / (h(T_supply) − h(T_return)), capped at the valve's maximum flow.
//! Below the minimum supply temperature the substation cannot heat its secondary side to what
//! the buildings need. It then holds the flow it would need at the minimum supply temperature
//! and takes what that flow gives down to the return target, so the heat falls with the
//! available enthalpy difference: Q = Q_demand·(h(T_s) − h(T_r)) / (h(T_min) − h(T_r)),
//! continuous at T_min and zero at T_s = T_r. What it cannot take is reported as unmet heat.
//!
//! The water it holds (exchanger channels, pipes) is a [`MixingVolume`] whose outlet settles at
//! the return target whenever the supply is above it.

use crate::component::Component;
use crate::device::{
    Account, DeviceKind, Fallback, Parameter, ParameterKind, ParameterValues, PressureDrop,
    Refusal, SetError, Variable, VolumeDevice, Water, checked,
};
use crate::heat_consumer::HeatConsumer;
use crate::parameter::{check, check_volume};
use crate::resistance::Resistance;
use crate::units::Quantity;
use crate::volume::MixingVolume;
use dctwin_fluid::Fluid;

/// Default water volume of a substation's exchanger and pipes [m³]: 1 m³, a plate exchanger
/// of some MW with its primary pipework.
pub const DEFAULT_SUBSTATION_VOLUME_M3: f64 = 1.0;

/// A substation's valve passes this multiple of its design flow when fully open [-], unless
/// its largest flow is given: valves are sized with a margin over the design point.
pub const SUBSTATION_FLOW_MARGIN: f64 = 1.5;

/// Why a substation's parameters cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SubstationError {
    /// A parameter out of its physical range.
    #[error("substation parameter `{name}` = {value} is invalid: expected {expected}")]
    Parameter {
        /// The parameter's name.
        name: &'static str,
        /// The value given.
        value: f64,
        /// What was expected.
        expected: &'static str,
    },
}

crate::parameter::from_invalid_parameter!(SubstationError);

/// The parameters of a district-heating substation, as given by the user.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SubstationSpec {
    /// Heat demand of the buildings behind it [W] (the time series' current value).
    pub demand_w: f64,
    /// Lowest supply temperature at which it delivers its full demand [K].
    pub min_supply_k: f64,
    /// Temperature at which it returns the primary water [K].
    pub return_target_k: f64,
    /// Largest primary flow its valve passes [kg/s].
    pub max_flow_kg_s: f64,
    /// Primary water held in its exchanger and pipes [m³].
    pub volume_m3: f64,
    /// Heat capacity of the exchanger's wetted metal [J/K].
    pub solid_capacity_j_k: f64,
}

/// A district-heating substation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DistrictSubstation {
    /// Heat demand at design [W]: its share of a facility's demand series.
    pub design_demand_w: f64,
    /// Heat demand now [W]: an input the simulation updates from its time series.
    pub demand_w: f64,
    /// Lowest supply temperature at which it delivers its full demand [K].
    pub min_supply_k: f64,
    /// Temperature at which it returns the primary water [K].
    pub return_target_k: f64,
    /// Largest primary flow its valve passes [kg/s].
    pub max_flow_kg_s: f64,
    /// Its primary water and exchanger metal.
    pub volume: MixingVolume,
}

/// What the substation does at a given supply temperature.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SubstationPoint {
    /// Primary mass flow its valve passes [kg/s].
    pub mass_flow_kg_s: f64,
    /// Heat it takes from the primary water [W].
    pub heat_taken_w: f64,
    /// Demand it cannot meet [W]: demand − heat taken.
    pub unmet_heat_w: f64,
    /// The valve is at its maximum flow and wanted more.
    pub flow_capped: bool,
    /// The supply is below the minimum supply temperature.
    pub supply_too_cold: bool,
}

impl DistrictSubstation {
    /// A substation from its parameters, its volume filled with `fluid` at `fill_k`.
    pub fn new(spec: &SubstationSpec, fluid: &Fluid, fill_k: f64) -> Result<Self, SubstationError> {
        check(
            "demand_w",
            spec.demand_w,
            spec.demand_w >= 0.0,
            "a finite heat ≥ 0",
        )?;
        check(
            "return_target_k",
            spec.return_target_k,
            spec.return_target_k > 0.0,
            "a finite temperature > 0 K",
        )?;
        check(
            "min_supply_k",
            spec.min_supply_k,
            spec.min_supply_k > spec.return_target_k,
            "a finite temperature above the return target",
        )?;
        check(
            "max_flow_kg_s",
            spec.max_flow_kg_s,
            spec.max_flow_kg_s > 0.0,
            "a finite flow > 0",
        )?;
        check_volume(spec.volume_m3, spec.solid_capacity_j_k, fill_k)?;
        Ok(DistrictSubstation {
            design_demand_w: spec.demand_w,
            demand_w: spec.demand_w,
            min_supply_k: spec.min_supply_k,
            return_target_k: spec.return_target_k,
            max_flow_kg_s: spec.max_flow_kg_s,
            volume: MixingVolume::of_volume(spec.volume_m3, fluid, fill_k, spec.solid_capacity_j_k),
        })
    }

    /// Flow, heat taken and unmet heat with the primary supply at `supply_k`.
    pub fn operating_point(&self, fluid: &Fluid, supply_k: f64) -> SubstationPoint {
        let demand = self.demand_w.max(0.0);
        let h_return = fluid.enthalpy_j_kg(self.return_target_k);
        // Below the minimum supply the valve holds the flow designed for the minimum supply.
        let supply_too_cold = supply_k < self.min_supply_k;
        let design_k = supply_k.max(self.min_supply_k);
        let wanted_flow = demand / (fluid.enthalpy_j_kg(design_k) - h_return);
        let flow_capped = wanted_flow > self.max_flow_kg_s;
        let mass_flow_kg_s = wanted_flow.min(self.max_flow_kg_s);
        // It cannot cool the water below the return target: nothing taken from a colder supply.
        let available = (fluid.enthalpy_j_kg(supply_k) - h_return).max(0.0);
        let heat_taken_w = mass_flow_kg_s * available;
        SubstationPoint {
            mass_flow_kg_s,
            heat_taken_w,
            unmet_heat_w: demand - heat_taken_w,
            flow_capped,
            supply_too_cold,
        }
    }

    /// Heat put into the primary water of its volume [W]: minus the heat taken.
    pub fn heat_to_coolant_w(&self, fluid: &Fluid, supply_k: f64) -> f64 {
        -self.operating_point(fluid, supply_k).heat_taken_w
    }

    /// dT/dt [K/s] of its volume at `t_k`, fed by its own valve's flow at `supply_k`.
    pub fn derivative_k_s(&self, fluid: &Fluid, supply_k: f64, t_k: f64) -> f64 {
        let point = self.operating_point(fluid, supply_k);
        self.volume.derivative_k_s(
            fluid,
            supply_k,
            t_k,
            point.mass_flow_kg_s,
            -point.heat_taken_w,
        )
    }
}

/// `kind = "substation"` in a model file.
pub static KIND: DeviceKind = DeviceKind {
    key: "substation",
    parameters: &[
        Parameter {
            name: "design_demand",
            kind: ParameterKind::Quantity(Quantity::Power),
            fallback: Fallback::Required("the design heat demand"),
            settable: false,
            positive: false,
        },
        // Derived: the design demand. An input sets it through a run.
        Parameter {
            name: "demand",
            kind: ParameterKind::Quantity(Quantity::Power),
            fallback: Fallback::Derived,
            settable: true,
            positive: false,
        },
        Parameter {
            name: "min_supply",
            kind: ParameterKind::Quantity(Quantity::Temperature),
            fallback: Fallback::Required("the lowest supply at which it meets its demand"),
            settable: false,
            positive: false,
        },
        Parameter {
            name: "return",
            kind: ParameterKind::Quantity(Quantity::Temperature),
            fallback: Fallback::Required("the temperature it returns the water at"),
            settable: true,
            positive: false,
        },
        // Derived: SUBSTATION_FLOW_MARGIN × the design flow, the design demand between the
        // minimum supply and the return (at least 1 K apart).
        Parameter {
            name: "max_flow",
            kind: ParameterKind::Quantity(Quantity::Flow),
            fallback: Fallback::Derived,
            settable: false,
            positive: true,
        },
        Parameter {
            name: "volume",
            kind: ParameterKind::Quantity(Quantity::Volume),
            fallback: Fallback::Value(DEFAULT_SUBSTATION_VOLUME_M3),
            settable: false,
            positive: true,
        },
    ],
    // The heat it takes from the water, the outlet (its return), the demand and what is unmet.
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
            name: "demand",
            quantity: Quantity::Power,
        },
        Variable {
            name: "unmet",
            quantity: Quantity::Power,
        },
    ],
    pressure_drop: PressureDrop::Own,
    build: build_substation,
};

fn build_substation(
    values: &ParameterValues,
    fluid: &Fluid,
    fill_k: f64,
) -> Result<Box<dyn VolumeDevice>, Refusal> {
    let design_w = values.number("design_demand").unwrap_or(f64::NAN);
    let min_supply_k = values.number("min_supply").unwrap_or(f64::NAN);
    let return_target_k = values.number("return").unwrap_or(f64::NAN);
    let cp = fluid.specific_heat_j_kg_k(fill_k);
    let design_flow = design_w / (cp * (min_supply_k - return_target_k).max(1.0));
    let spec = SubstationSpec {
        demand_w: design_w,
        min_supply_k,
        return_target_k,
        max_flow_kg_s: (values.number("max_flow")).unwrap_or(design_flow * SUBSTATION_FLOW_MARGIN),
        volume_m3: values
            .number("volume")
            .unwrap_or(DEFAULT_SUBSTATION_VOLUME_M3),
        solid_capacity_j_k: 0.0,
    };
    let mut substation =
        DistrictSubstation::new(&spec, fluid, fill_k).map_err(|e| e.to_string())?;
    if let Some(demand_w) = values.number("demand") {
        substation
            .set("demand", demand_w)
            .map_err(|e| e.to_string())?;
    }
    Ok(Box::new(substation))
}

impl VolumeDevice for DistrictSubstation {
    fn kind(&self) -> &'static DeviceKind {
        &KIND
    }

    fn volume(&self) -> MixingVolume {
        self.volume
    }

    fn heat_w(&self, water: &Water<'_>) -> f64 {
        self.heat_to_coolant_w(water.fluid, water.inlet_k)
    }

    fn account(&self) -> Account {
        Account::Reused
    }

    fn drawn_flow_kg_s(&self, fluid: &Fluid, supply_k: f64) -> Option<f64> {
        Some(self.operating_point(fluid, supply_k).mass_flow_kg_s)
    }

    fn steady_component(&self, _resistance: Option<Resistance>) -> Component {
        Component::HeatConsumer(HeatConsumer {
            heat_w: self.demand_w,
            return_k: self.return_target_k,
        })
    }

    fn get(&self, name: &str) -> Option<f64> {
        match name {
            "design_demand" => Some(self.design_demand_w),
            "demand" => Some(self.demand_w),
            "min_supply" => Some(self.min_supply_k),
            "return" => Some(self.return_target_k),
            "max_flow" => Some(self.max_flow_kg_s),
            _ => None,
        }
    }

    fn set(&mut self, name: &str, value: f64) -> Result<(), SetError> {
        match name {
            "demand" => {
                self.demand_w = checked(&KIND, "demand", value, value >= 0.0, "a finite heat ≥ 0")?
            }
            "return" => {
                self.return_target_k = checked(
                    &KIND,
                    "return",
                    value,
                    value > 0.0 && value < self.min_supply_k,
                    "a finite temperature below the minimum supply",
                )?
            }
            _ => return Err(KIND.unknown(name)),
        }
        Ok(())
    }

    fn variable(&self, index: usize, water: &Water<'_>) -> f64 {
        match index {
            0 => {
                self.operating_point(water.fluid, water.inlet_k)
                    .heat_taken_w
            }
            1 => water.volume_k,
            2 => self.demand_w,
            _ => {
                self.operating_point(water.fluid, water.inlet_k)
                    .unmet_heat_w
            }
        }
    }

    fn clone_box(&self) -> Box<dyn VolumeDevice> {
        Box::new(*self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const C: f64 = 273.15;

    /// 300 kW behind a 70 °C minimum supply, returning at 40 °C, valve up to 4 kg/s.
    fn substation() -> (DistrictSubstation, Fluid) {
        let water = Fluid::water();
        let spec = SubstationSpec {
            demand_w: 300_000.0,
            min_supply_k: C + 70.0,
            return_target_k: C + 40.0,
            max_flow_kg_s: 4.0,
            volume_m3: 0.2,
            solid_capacity_j_k: 50_000.0,
        };
        (
            DistrictSubstation::new(&spec, &water, C + 60.0).unwrap(),
            water,
        )
    }

    /// With a warm enough supply and flow to spare, ṁ·(h(T_s) − h(T_r)) = Q_demand to rounding,
    /// nothing is unmet, and the volume is steady at the return target.
    #[test]
    fn flow_takes_exactly_the_demand() {
        let (s, water) = substation();
        let supply = C + 80.0;
        let p = s.operating_point(&water, supply);
        let dh = water.enthalpy_j_kg(supply) - water.enthalpy_j_kg(C + 40.0);
        assert!((p.mass_flow_kg_s * dh - 300_000.0).abs() < 1e-9 * 300_000.0);
        assert!((p.heat_taken_w - 300_000.0).abs() < 1e-9 * 300_000.0);
        assert!(p.unmet_heat_w.abs() < 1e-6);
        assert!(!p.flow_capped && !p.supply_too_cold);
        // ≈ 300 kW / (4190 J/(kg K) · 40 K) ≈ 1.79 kg/s.
        assert!(
            (p.mass_flow_kg_s - 1.79).abs() < 0.01,
            "{}",
            p.mass_flow_kg_s
        );
        assert!(s.derivative_k_s(&water, supply, C + 40.0).abs() < 1e-12);
        assert!(s.derivative_k_s(&water, supply, C + 45.0) < 0.0);
    }

    /// A demand beyond what the maximum flow carries: the flow sits at the cap, the heat is
    /// cap · Δh and the rest is unmet.
    #[test]
    fn flow_cap_leaves_heat_unmet() {
        let (mut s, water) = substation();
        s.demand_w = 1.0e6;
        let supply = C + 75.0;
        let p = s.operating_point(&water, supply);
        let dh = water.enthalpy_j_kg(supply) - water.enthalpy_j_kg(C + 40.0);
        assert!(p.flow_capped && !p.supply_too_cold);
        assert_eq!(p.mass_flow_kg_s, 4.0);
        assert!((p.heat_taken_w - 4.0 * dh).abs() < 1e-9 * p.heat_taken_w);
        assert!((p.unmet_heat_w - (1.0e6 - 4.0 * dh)).abs() < 1e-6);
        // ≈ 1 MW − 4 kg/s · 4190 · 35 K ≈ 413 kW unmet.
        assert!(
            (p.unmet_heat_w - 413_000.0).abs() < 3_000.0,
            "{}",
            p.unmet_heat_w
        );
        // The capped volume still settles at the return target.
        assert!(s.derivative_k_s(&water, supply, C + 40.0).abs() < 1e-12);
    }

    /// Below the minimum supply the heat scales with Δh(T_s, T_r)/Δh(T_min, T_r): 3/4 of the
    /// demand at 62.5 °C (30 → 22.5 K, within the c_p variation); continuous at T_min; nothing
    /// at or below the return target, all of it unmet.
    #[test]
    fn cold_supply_delivers_in_proportion_and_reports_the_rest() {
        let (s, water) = substation();
        let h = |t: f64| water.enthalpy_j_kg(t);
        let p = s.operating_point(&water, C + 62.5);
        assert!(p.supply_too_cold);
        let expected = 300_000.0 * (h(C + 62.5) - h(C + 40.0)) / (h(C + 70.0) - h(C + 40.0));
        assert!((p.heat_taken_w - expected).abs() < 1e-9 * expected);
        assert!(
            (p.heat_taken_w / 300_000.0 - 0.75).abs() < 1e-3,
            "{}",
            p.heat_taken_w
        );
        assert!((p.unmet_heat_w - (300_000.0 - expected)).abs() < 1e-6);

        let below = s.operating_point(&water, C + 70.0 - 1e-9);
        let above = s.operating_point(&water, C + 70.0 + 1e-9);
        assert!((below.heat_taken_w - above.heat_taken_w).abs() < 1e-3);
        assert!((below.mass_flow_kg_s - above.mass_flow_kg_s).abs() < 1e-9);

        for supply in [C + 40.0, C + 35.0] {
            let p = s.operating_point(&water, supply);
            assert_eq!(p.heat_taken_w, 0.0);
            assert_eq!(p.unmet_heat_w, 300_000.0);
        }
        // Still above the return target the outlet settles there.
        assert!(s.derivative_k_s(&water, C + 62.5, C + 40.0).abs() < 1e-12);
    }

    /// No demand, no flow, no heat.
    #[test]
    fn no_demand_closes_the_valve() {
        let (mut s, water) = substation();
        s.demand_w = 0.0;
        let p = s.operating_point(&water, C + 80.0);
        assert_eq!(
            (p.mass_flow_kg_s, p.heat_taken_w, p.unmet_heat_w),
            (0.0, 0.0, 0.0)
        );
    }

    /// Bad parameters are refused, naming the parameter.
    #[test]
    fn bad_parameters_are_named() {
        let water = Fluid::water();
        let spec = SubstationSpec {
            demand_w: 1.0,
            min_supply_k: C + 60.0,
            return_target_k: C + 65.0,
            max_flow_kg_s: 1.0,
            volume_m3: 0.1,
            solid_capacity_j_k: 0.0,
        };
        let err = DistrictSubstation::new(&spec, &water, C + 50.0);
        assert!(matches!(
            err,
            Err(SubstationError::Parameter {
                name: "min_supply_k",
                ..
            })
        ));
        let err = DistrictSubstation::new(
            &SubstationSpec {
                min_supply_k: C + 70.0,
                max_flow_kg_s: 0.0,
                ..spec
            },
            &water,
            C + 50.0,
        );
        assert!(matches!(
            err,
            Err(SubstationError::Parameter {
                name: "max_flow_kg_s",
                ..
            })
        ));
    }
}
