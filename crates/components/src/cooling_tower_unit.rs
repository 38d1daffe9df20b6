//! A cooling tower on a loop's link, as a volume device: the calibrated tower of
//! [`crate::cooling_tower`], the water it holds, the outdoor air's wet bulb, and the leaving
//! set-point its fans hold.
//!
//! At each control step the fans run at the speed that brings the water arriving then to the
//! set-point at the outdoor wet bulb (the tower inverted, [`CoolingTower::fan_speed_for`]), as a
//! dry cooler's do. Its make-up water (evaporation, drift and blow-down) is the site's water use.

use crate::component::Component;
use crate::cooling_tower::{
    CoolingTower, CoolingTowerOperation, CoolingTowerRating, DEFAULT_CYCLES_OF_CONCENTRATION,
    DEFAULT_DRIFT_FRACTION, DEFAULT_EVAPORATION_FACTOR, DEFAULT_MERKEL_EXPONENT,
};
use crate::device::{
    Account, DeviceKind, Fallback, Parameter, ParameterKind, ParameterValues, PressureDrop,
    REJECTER_VARIABLES, Refusal, SetError, VolumeDevice, Water, outlet_setpoint, temperature_k,
};
use crate::dry_cooler::DEFAULT_MIN_FAN_SPEED;
use crate::psychrometrics::MoistAir;
use crate::resistance::Resistance;
use crate::units::Quantity;
use crate::volume::{DEFAULT_DEVICE_VOLUME_M3, MixingVolume};
use dctwin_fluid::{Fluid, FluidKind};

/// Default water-to-air mass-flow ratio L/G of a cooling tower at design, fans at full speed
/// [-]: 1.1, mid-range of the 0.75–1.5 of mechanical-draught towers (ASHRAE Handbook — HVAC
/// Systems and Equipment, "Cooling Towers").
pub const DEFAULT_LIQUID_GAS_RATIO: f64 = 1.1;

/// `kind = "cooling_tower"` in a model file.
pub static KIND: DeviceKind = DeviceKind {
    key: "cooling_tower",
    parameters: &[
        Parameter {
            name: "design_heat",
            kind: ParameterKind::Quantity(Quantity::Power),
            fallback: Fallback::Required("the heat rejected at design"),
            settable: false,
            positive: true,
        },
        Parameter::required(
            "design_water_in",
            Quantity::Temperature,
            "the water entering at design",
        ),
        Parameter::required(
            "design_water_out",
            Quantity::Temperature,
            "the water leaving at design",
        ),
        Parameter::required(
            "design_wet_bulb",
            Quantity::Temperature,
            "the air's wet-bulb temperature at design",
        ),
        Parameter::required(
            "fan_power",
            Quantity::Power,
            "the fans' power at full speed",
        ),
        Parameter::number("liquid_gas_ratio", 0.2, 5.0, DEFAULT_LIQUID_GAS_RATIO),
        // Derived: the design leaving water.
        Parameter {
            name: "leaving_setpoint",
            kind: ParameterKind::Quantity(Quantity::Temperature),
            fallback: Fallback::Derived,
            settable: true,
            positive: false,
        },
        Parameter::number("drift_fraction", 0.0, 0.01, DEFAULT_DRIFT_FRACTION),
        Parameter::number(
            "cycles_of_concentration",
            1.1,
            50.0,
            DEFAULT_CYCLES_OF_CONCENTRATION,
        ),
        Parameter::number("evaporation_factor", 0.01, 1.0, DEFAULT_EVAPORATION_FACTOR),
        Parameter::number("min_fan_speed", 0.0, 0.99, DEFAULT_MIN_FAN_SPEED),
        Parameter::number("merkel_exponent", 0.05, 0.95, DEFAULT_MERKEL_EXPONENT),
        // An open tower sprays the loop's own water; a closed one is the same law calibrated to
        // its own rating.
        Parameter {
            name: "circuit",
            kind: ParameterKind::Choice(&["open", "closed"]),
            fallback: Fallback::Value(0.0),
            settable: false,
            positive: false,
        },
    ],
    variables: REJECTER_VARIABLES,
    pressure_drop: PressureDrop::Nominal,
    build: build_cooling_tower,
};

/// A cooling tower on a link.
#[derive(Debug, Clone, Copy)]
pub struct CoolingTowerUnit {
    /// The calibrated tower.
    pub tower: CoolingTower,
    /// Leaving-water set-point its fans hold [K].
    pub leaving_setpoint_k: f64,
    /// Fan speed set at the last control step [-].
    pub fan_speed: f64,
    /// The outdoor air's wet bulb over the control step [K].
    pub wet_bulb_k: f64,
    /// The water it holds.
    pub volume: MixingVolume,
}

fn build_cooling_tower(
    values: &ParameterValues,
    fluid: &Fluid,
    fill_k: f64,
) -> Result<Box<dyn VolumeDevice>, Refusal> {
    let number = |name: &str| values.number(name).unwrap_or(f64::NAN);
    let (t_in, t_out, t_wb) = (
        number("design_water_in"),
        number("design_water_out"),
        number("design_wet_bulb"),
    );
    if values.word("circuit") != Some("closed") && fluid.kind() != FluidKind::Water {
        return Err(Refusal::of(
            "circuit",
            format!(
                "an open cooling tower sprays the loop's own water, but this loop holds {}: put \
             the tower on a water loop behind a heat exchanger, or write circuit = \"closed\"",
                fluid.name()
            ),
        ));
    }
    if !(t_in > t_out && t_out > t_wb) {
        // The key at fault: the leaving water if it is not above the wet bulb.
        let key = if t_out > t_wb {
            "design_water_in"
        } else {
            "design_water_out"
        };
        return Err(Refusal::of(
            key,
            format!(
                "expected design_water_in_c > design_water_out_c > design_wet_bulb_c, found {:.2} °C, \
             {:.2} °C and {:.2} °C",
                t_in - 273.15,
                t_out - 273.15,
                t_wb - 273.15
            ),
        ));
    }
    let water_flow =
        number("design_heat") / (fluid.enthalpy_j_kg(t_in) - fluid.enthalpy_j_kg(t_out));
    let rating = CoolingTowerRating {
        water_flow_kg_s: water_flow,
        air_flow_kg_s: water_flow / number("liquid_gas_ratio"),
        wet_bulb_k: t_wb,
        range_k: t_in - t_out,
        approach_k: t_out - t_wb,
        fan_power_w: number("fan_power"),
    };
    let tower = CoolingTower::new(&rating, fluid)
        .and_then(|t| t.with_merkel_exponent(number("merkel_exponent"), &rating, fluid))
        .and_then(|t| t.with_drift_fraction(number("drift_fraction")))
        .and_then(|t| t.with_cycles_of_concentration(number("cycles_of_concentration")))
        .and_then(|t| t.with_evaporation_factor(number("evaporation_factor")))
        .and_then(|t| t.with_min_fan_speed(number("min_fan_speed")))
        .map_err(|e| format!("{e} (a smaller liquid_gas_ratio gives the tower more air)"))?;
    Ok(Box::new(CoolingTowerUnit {
        tower,
        leaving_setpoint_k: values.number("leaving_setpoint").unwrap_or(t_out),
        fan_speed: 1.0,
        wet_bulb_k: t_wb,
        volume: MixingVolume::of_volume(DEFAULT_DEVICE_VOLUME_M3, fluid, fill_k, 0.0),
    }))
}

impl CoolingTowerUnit {
    /// The tower's operation with water `water`, at the fan speed and wet bulb now.
    pub fn operate(&self, water: &Water<'_>) -> CoolingTowerOperation {
        (self.tower).operate(
            water.fluid,
            water.inlet_k,
            water.mass_flow_kg_s,
            self.wet_bulb_k,
            self.fan_speed,
        )
    }
}

impl VolumeDevice for CoolingTowerUnit {
    fn kind(&self) -> &'static DeviceKind {
        &KIND
    }

    fn volume(&self) -> MixingVolume {
        self.volume
    }

    fn heat_w(&self, water: &Water<'_>) -> f64 {
        -self.operate(water).heat_rejected_w
    }

    fn heat_and_water(&self, water: &Water<'_>) -> (f64, f64) {
        let op = self.operate(water);
        (-op.heat_rejected_w, op.makeup_kg_s)
    }

    fn uses_water(&self) -> bool {
        true
    }

    fn account(&self) -> Account {
        Account::Rejected
    }

    fn fan_power_w(&self) -> f64 {
        self.tower.fan.power_w(self.fan_speed)
    }

    fn set_outdoor(&mut self, air: MoistAir) {
        self.wet_bulb_k = self.tower.psychrometrics.wet_bulb_of_k(air);
    }

    fn controls_itself(&self) -> bool {
        true
    }

    fn control(&mut self, water: &Water<'_>) {
        self.fan_speed = self.tower.fan_speed_for(
            water.fluid,
            water.inlet_k,
            water.mass_flow_kg_s,
            self.wet_bulb_k,
            self.leaving_setpoint_k,
        );
    }

    fn steady_component(&self, resistance: Option<Resistance>) -> Component {
        outlet_setpoint(self.leaving_setpoint_k, resistance)
    }

    fn get(&self, name: &str) -> Option<f64> {
        match name {
            "leaving_setpoint" => Some(self.leaving_setpoint_k),
            "fan_speed" => Some(self.fan_speed),
            _ => None,
        }
    }

    fn set(&mut self, name: &str, value: f64) -> Result<(), SetError> {
        match name {
            "leaving_setpoint" => {
                self.leaving_setpoint_k = temperature_k(&KIND, "leaving_setpoint", value)?
            }
            _ => return Err(KIND.unknown(name)),
        }
        Ok(())
    }

    fn variable(&self, index: usize, water: &Water<'_>) -> f64 {
        match index {
            0 => self.operate(water).heat_rejected_w,
            1 => water.volume_k,
            2 => self.fan_power_w(),
            _ => self.operate(water).makeup_kg_s,
        }
    }

    fn variables(&self, water: &Water<'_>, out: &mut Vec<f64>) {
        let op = self.operate(water);
        out.extend([
            op.heat_rejected_w,
            water.volume_k,
            self.fan_power_w(),
            op.makeup_kg_s,
        ]);
    }

    fn clone_box(&self) -> Box<dyn VolumeDevice> {
        Box::new(*self)
    }
}
