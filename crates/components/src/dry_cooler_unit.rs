//! A dry cooler on a loop's link, as a volume device: the rated coil and fans of
//! [`crate::dry_cooler`], the water its coil holds, the outdoor air, and the leaving set-point
//! its fans hold.
//!
//! At each control step the fans run at the speed that brings the water arriving then to the
//! set-point (the coil model inverted, [`DryCooler::fan_speed_for`]): a coil's volume is small,
//! so a PI on its outlet would see an almost static plant and chatter between its limits.
//! Between control steps the speed holds and the coil rejects what its law gives for the water
//! arriving, so the outlet follows the inlet and the weather.

use crate::component::Component;
use crate::device::{
    Account, DeviceKind, Fallback, Parameter, ParameterKind, ParameterValues, PressureDrop,
    REJECTER_VARIABLES, Refusal, SetError, VolumeDevice, Water, checked, outlet_setpoint,
    temperature_k,
};
use crate::dry_cooler::{AdiabaticPrecooling, DryCooler, DryCoolerRating};
use crate::proposal::{Figure, Proposal};
use crate::psychrometrics::{self, MoistAir, Psychrometrics, STANDARD_PRESSURE_PA};
use crate::resistance::Resistance;
use crate::units::Quantity;
use crate::volume::{DEFAULT_DEVICE_VOLUME_M3, MixingVolume};
use dctwin_fluid::Fluid;

/// Default relative humidity of a dry cooler's design air [-]: a dry summer afternoon.
pub const DEFAULT_DESIGN_AIR_RH: f64 = 0.40;
/// Default air temperature rise across a dry cooler's coil at design [K]: typical of
/// manufacturers' ratings (8–15 K).
pub const DEFAULT_AIR_RISE_K: f64 = 12.0;
/// Default pad saturation efficiency of adiabatic pre-cooling [-] (typical 0.6–0.8).
pub const DEFAULT_PAD_EFFICIENCY: f64 = 0.7;

/// `kind = "dry_cooler"` in a model file.
pub static KIND: DeviceKind = DeviceKind {
    key: "dry_cooler",
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
            "design_air",
            Quantity::Temperature,
            "the dry-bulb temperature of the design point",
        ),
        Parameter::number("design_air_rh", 0.0, 1.0, DEFAULT_DESIGN_AIR_RH),
        Parameter {
            name: "air_rise",
            kind: ParameterKind::Quantity(Quantity::TemperatureDifference),
            fallback: Fallback::Value(DEFAULT_AIR_RISE_K),
            settable: false,
            positive: true,
        },
        Parameter::required(
            "fan_power",
            Quantity::Power,
            "the fans' power at full speed",
        ),
        // Derived: the design leaving water.
        Parameter {
            name: "leaving_setpoint",
            kind: ParameterKind::Quantity(Quantity::Temperature),
            fallback: Fallback::Derived,
            settable: true,
            positive: false,
        },
        // Derived: no pads.
        Parameter {
            name: "adiabatic_above",
            kind: ParameterKind::Quantity(Quantity::Temperature),
            fallback: Fallback::Derived,
            settable: false,
            positive: false,
        },
        Parameter::number("pad_efficiency", 0.0, 1.0, DEFAULT_PAD_EFFICIENCY),
        // Identical coils in parallel that make up the design heat.
        Parameter {
            name: "units",
            kind: ParameterKind::Count,
            fallback: Fallback::Value(1.0),
            settable: false,
            positive: true,
        },
        // Coils running (derived: all of them): an input or a sweep takes some out of
        // service, or adds coils of the same size.
        Parameter {
            name: "units_in_service",
            kind: ParameterKind::Count,
            fallback: Fallback::Derived,
            settable: true,
            positive: true,
        },
        // A multiplier on the coil's UA for fouled fins (an event sets it during a run).
        Parameter {
            name: "fouling_factor",
            kind: ParameterKind::Number { min: 0.0, max: 1.0 },
            fallback: Fallback::Value(1.0),
            settable: true,
            positive: true,
        },
    ],
    variables: REJECTER_VARIABLES,
    pressure_drop: PressureDrop::Nominal,
    build: build_dry_cooler,
};

/// The narrowest approach between the set-point and the air at the coil [K] at which a
/// proposal is an ordinary size: dry coolers are usually selected for 5–10 K, and below about
/// 3 K the coil grows steeply toward the infinite bank that would reach the air.
const PRACTICAL_APPROACH_K: f64 = 3.0;

/// The most coils in service, as a multiple of the model's (what `units_in_service` accepts).
const MOST_COILS_PER_UNIT: f64 = 1000.0;

/// A dry cooler on a link.
#[derive(Debug, Clone, Copy)]
pub struct DryCoolerUnit {
    /// The rated coils and fans, all its units together.
    pub cooler: DryCooler,
    /// Identical coils in parallel that make up the rating.
    pub units: f64,
    /// Coils running.
    pub units_in_service: f64,
    /// Leaving-water set-point its fans hold [K].
    pub leaving_setpoint_k: f64,
    /// Fan speed set at the last control step [-].
    pub fan_speed: f64,
    /// Outdoor air over the control step.
    pub outdoor: MoistAir,
    /// The water its coil and headers hold.
    pub volume: MixingVolume,
}

fn build_dry_cooler(
    values: &ParameterValues,
    fluid: &Fluid,
    fill_k: f64,
) -> Result<Box<dyn VolumeDevice>, Refusal> {
    let number = |name: &str| values.number(name).unwrap_or(f64::NAN);
    let heat_w = number("design_heat");
    let t_out_k = number("design_water_out");
    let psy = Psychrometrics::new(STANDARD_PRESSURE_PA).map_err(|e| e.to_string())?;
    let ambient = psy.air_from_relative_humidity(number("design_air"), number("design_air_rh"));
    let rise_k = values.number("air_rise").unwrap_or(DEFAULT_AIR_RISE_K);
    let rating = DryCoolerRating {
        heat_w,
        t_water_in_k: number("design_water_in"),
        t_water_out_k: t_out_k,
        ambient,
        air_flow_kg_s: heat_w
            / (psychrometrics::specific_heat_j_kg_k(ambient.humidity_ratio) * rise_k),
        fan_power_w: number("fan_power"),
    };
    let mut cooler = (DryCooler::from_rating(&rating, fluid))
        .and_then(|c| c.with_fouling_factor(values.number("fouling_factor").unwrap_or(1.0)))
        .map_err(|e| e.to_string())?;
    if let Some(switch_on_k) = values.number("adiabatic_above") {
        cooler.precooling = Some(AdiabaticPrecooling {
            pad_efficiency: number("pad_efficiency"),
            switch_on_k,
        });
    }
    let units = values.number("units").unwrap_or(1.0);
    Ok(Box::new(DryCoolerUnit {
        cooler,
        units,
        units_in_service: values.number("units_in_service").unwrap_or(units),
        leaving_setpoint_k: values.number("leaving_setpoint").unwrap_or(t_out_k),
        fan_speed: 1.0,
        outdoor: ambient,
        volume: MixingVolume::of_volume(DEFAULT_DEVICE_VOLUME_M3, fluid, fill_k, 0.0),
    }))
}

impl DryCoolerUnit {
    /// The coils running: the rated bank scaled to the units in service.
    fn running(&self) -> DryCooler {
        if self.units_in_service == self.units {
            self.cooler
        } else {
            self.cooler.scaled(self.units_in_service / self.units)
        }
    }

    /// The coil's operation with water `water`, at the fan speed and outdoor air now.
    fn operate(&self, water: &Water<'_>) -> crate::dry_cooler::DryCoolerOperation {
        self.running().operate(
            water.fluid,
            water.inlet_k,
            water.mass_flow_kg_s,
            self.outdoor,
            self.fan_speed,
        )
    }
}

impl VolumeDevice for DryCoolerUnit {
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
        (-op.heat_rejected_w, op.water_evaporated_kg_s)
    }

    fn uses_water(&self) -> bool {
        true
    }

    fn account(&self) -> Account {
        Account::Rejected
    }

    fn fan_power_w(&self) -> f64 {
        self.running().fan.power_w(self.fan_speed)
    }

    fn set_outdoor(&mut self, air: MoistAir) {
        self.outdoor = air;
    }

    fn controls_itself(&self) -> bool {
        true
    }

    fn control(&mut self, water: &Water<'_>) {
        self.fan_speed = if water.mass_flow_kg_s > 0.0 {
            self.running()
                .fan_speed_for(
                    water.fluid,
                    water.inlet_k,
                    water.mass_flow_kg_s,
                    self.outdoor,
                    self.leaving_setpoint_k,
                )
                .speed
        } else {
            0.0
        };
    }

    fn steady_component(&self, resistance: Option<Resistance>) -> Component {
        let share = self.flow_share();
        let resistance = resistance.map(|r| Resistance {
            flow_nominal_kg_s: r.flow_nominal_kg_s * share,
            ..r
        });
        outlet_setpoint(self.leaving_setpoint_k, resistance)
    }

    fn flow_share(&self) -> f64 {
        // The nominal drop is the bank's with all its coils; n of them in parallel pass n/N
        // of the flow at that drop.
        self.units_in_service / self.units
    }

    fn get(&self, name: &str) -> Option<f64> {
        match name {
            "leaving_setpoint" => Some(self.leaving_setpoint_k),
            "fouling_factor" => Some(self.cooler.fouling_factor),
            "fan_speed" => Some(self.fan_speed),
            "units_in_service" => Some(self.units_in_service),
            _ => None,
        }
    }

    fn set(&mut self, name: &str, value: f64) -> Result<(), SetError> {
        match name {
            "leaving_setpoint" => {
                self.leaving_setpoint_k = temperature_k(&KIND, "leaving_setpoint", value)?
            }
            "fouling_factor" => {
                self.cooler.fouling_factor = checked(
                    &KIND,
                    "fouling_factor",
                    value,
                    value > 0.0 && value <= 1.0,
                    "a factor in (0, 1]",
                )?
            }
            "units_in_service" => {
                self.units_in_service = checked(
                    &KIND,
                    "units_in_service",
                    value,
                    value >= 1.0
                        && value.fract() == 0.0
                        && value <= MOST_COILS_PER_UNIT * self.units,
                    "a whole number of coils, at least 1",
                )?
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
            _ => self.operate(water).water_evaporated_kg_s,
        }
    }

    fn variables(&self, water: &Water<'_>, out: &mut Vec<f64>) {
        let op = self.operate(water);
        out.extend([
            op.heat_rejected_w,
            water.volume_k,
            self.fan_power_w(),
            op.water_evaporated_kg_s,
        ]);
    }

    fn proposal(&self, water: &Water<'_>) -> Option<Proposal> {
        Some(self.design_day(water))
    }

    fn clone_box(&self) -> Box<dyn VolumeDevice> {
        Box::new(*self)
    }
}

impl DryCoolerUnit {
    /// The coils, conductance and fan power that reject `heat_w` [W] (what it rejects at the
    /// design point) from the water flow `water` brings, leaving at the set-point, in the
    /// outdoor air now. The water is taken to arrive as warm as that heat needs: where the
    /// coils installed fall short the loop runs warmer, which would flatter them.
    fn design_day(&self, water: &Water<'_>) -> Proposal {
        let (fluid, m) = (water.fluid, water.mass_flow_kg_s);
        let heat_w = if m > 0.0 {
            self.operate(water).heat_rejected_w.max(0.0)
        } else {
            0.0
        };
        let target_k = self.leaving_setpoint_k;
        let t_in_k = if heat_w > 0.0 {
            fluid.temperature_from_enthalpy_k(fluid.enthalpy_j_kg(target_k) + heat_w / m)
        } else {
            target_k
        };
        let coil = self.cooler.scaled(1.0 / self.units);
        // More coils than a resize may set (`units_in_service`) count as none.
        let needed = (coil.scale_for(fluid, t_in_k, m, self.outdoor, target_k))
            .filter(|&n| n <= MOST_COILS_PER_UNIT * self.units);
        let whole = needed.map(|n| {
            if n > 0.0 {
                (n - 1e-9).ceil().max(1.0)
            } else {
                0.0
            }
        });
        let ua_at_full_fans = |bank: &DryCooler| {
            bank.fouling_factor * bank.coil.ua_w_k(m, bank.coil.rated_flow_2_kg_s)
        };
        // The fans' speed for the set-point, their power, and the water the pads evaporate.
        let fans = |bank: &DryCooler| {
            let solution = bank.fan_speed_for(fluid, t_in_k, m, self.outdoor, target_k);
            let op = bank.operate(fluid, t_in_k, m, self.outdoor, solution.speed);
            (solution, op.fan_power_w, op.water_evaporated_kg_s)
        };
        let installed = self.running();
        let (held, installed_fan_w, installed_water) = fans(&installed);
        let proposed = whole.map(|n| fans(&coil.scaled(n)));
        let installed_suffices = held.t_water_out_k <= target_k + 1e-6;
        let (coil_air, wet) = self.cooler.coil_air(self.outdoor, 1.0);
        let approach_k = target_k - coil_air.dry_bulb_k;
        let limited_by = match needed {
            Some(0.0) => format!(
                "the water, which arrives at {:.1} °C, below its {:.1} °C set-point",
                water.inlet_k - 273.15,
                target_k - 273.15
            ),
            Some(_) if approach_k < PRACTICAL_APPROACH_K => format!(
                "the leaving set-point with the fans at full speed, only {approach_k:.1} K above \
                 the air at the coil: so close an approach takes a coil far larger than usual"
            ),
            Some(_) => "the leaving set-point with the fans at full speed".to_string(),
            None if approach_k > 0.0 => format!(
                "the air at the coil ({:.2} °C{}), too close to the {:.2} °C set-point for any \
                 number of coils up to {MOST_COILS_PER_UNIT} times its own",
                coil_air.dry_bulb_k - 273.15,
                if wet { " after the pads" } else { "" },
                target_k - 273.15
            ),
            None => format!(
                "the air at the coil ({:.1} °C{}), not colder than the {:.1} °C set-point",
                coil_air.dry_bulb_k - 273.15,
                if wet { " after the pads" } else { "" },
                target_k - 273.15
            ),
        };
        let mut figures = vec![
            Figure {
                name: "coils",
                quantity: None,
                installed: self.units_in_service,
                needed: whole,
            },
            Figure {
                name: "conductance at full fan speed",
                quantity: Some(Quantity::Conductance),
                installed: ua_at_full_fans(&installed),
                needed: needed.map(|n| ua_at_full_fans(&coil.scaled(n))),
            },
            Figure {
                name: "fan speed",
                quantity: None,
                installed: held.speed,
                needed: proposed.map(|(s, _, _)| s.speed),
            },
            Figure {
                name: "fan power",
                quantity: Some(Quantity::Power),
                installed: installed_fan_w,
                needed: proposed.map(|(_, w, _)| w),
            },
        ];
        if self.cooler.precooling.is_some() {
            figures.push(Figure {
                name: "water evaporated by the pads",
                quantity: Some(Quantity::Flow),
                installed: installed_water,
                needed: proposed.map(|(_, _, water)| water),
            });
        }
        let duty = if heat_w > 0.0 {
            format!(
                "reject {:.0} kW from {:.1} kg/s of water, {:.1} → {:.1} °C, outdoor {:.1} °C{}",
                heat_w / 1e3,
                m,
                t_in_k - 273.15,
                target_k - 273.15,
                self.outdoor.dry_bulb_k - 273.15,
                if wet {
                    format!(" ({:.1} °C after the pads)", coil_air.dry_bulb_k - 273.15)
                } else {
                    String::new()
                }
            )
        } else {
            "reject nothing: no heat reaches it at the design point".to_string()
        };
        Proposal {
            duty,
            figures,
            limited_by,
            installed_suffices,
            resize: whole.filter(|&n| n >= 1.0).map(|n| ("units_in_service", n)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::ParameterValue;

    fn k(t_c: f64) -> f64 {
        t_c + 273.15
    }

    /// Eight coils of 1,925 kW rated at 45 → 34 °C in 28 °C, 40 % air (the jupiter plant's),
    /// with pads above 26 °C.
    fn bank() -> DryCoolerUnit {
        let mut values = ParameterValues::new(KIND.parameters);
        for (name, x) in [
            ("design_heat", 15.4e6),
            ("design_water_in", k(45.0)),
            ("design_water_out", k(34.0)),
            ("design_air", k(28.0)),
            ("design_air_rh", 0.4),
            ("fan_power", 185e3),
            ("adiabatic_above", k(26.0)),
            ("units", 8.0),
        ] {
            assert!(values.give(name, ParameterValue::Number(x)), "{name}");
        }
        let device = build_dry_cooler(&values, &Fluid::water(), k(34.0)).unwrap();
        *device.as_any().downcast_ref::<DryCoolerUnit>().unwrap()
    }

    fn figure(p: &Proposal, name: &str) -> Figure {
        *p.figures.iter().find(|f| f.name == name).unwrap()
    }

    /// On its rating day, at its rated heat and flow, the bank proposes itself: 8 coils, its
    /// own conductance (to 1e-9, the rating inverted through ε-NTU and back), its fans at
    /// full speed (its pads kept dry: the rating is a dry coil's). At 15 °C it needs fewer. In
    /// 2022's hottest hour (37.5 °C, 14 %) no bank of dry coils does; the pads bring the air
    /// to 24.5 °C and 8 coils do again.
    #[test]
    fn proposes_itself_on_its_rating_day() {
        let water = Fluid::water();
        let mut unit = bank();
        let m = unit.cooler.coil.rated_flow_1_kg_s;
        let at = |inlet_c: f64| Water {
            fluid: &water,
            inlet_k: k(inlet_c),
            volume_k: k(34.0),
            mass_flow_kg_s: m,
            layers_k: &[],
        };
        let air = Psychrometrics::default();
        let pads = unit.cooler.precooling.take();
        unit.outdoor = air.air_from_relative_humidity(k(28.0), 0.4);
        unit.fan_speed = 1.0;
        let rating = unit.proposal(&at(45.0)).unwrap();
        assert_eq!(figure(&rating, "coils").needed, Some(8.0));
        let ua = figure(&rating, "conductance at full fan speed");
        assert!(
            (ua.needed.unwrap() / ua.installed - 1.0).abs() < 1e-9,
            "{ua:?}"
        );
        assert!((figure(&rating, "fan speed").needed.unwrap() - 1.0).abs() < 1e-6);
        assert!(rating.installed_suffices);

        unit.outdoor = air.air_from_relative_humidity(k(15.0), 0.6);
        unit.control(&at(45.0));
        let mild = unit.proposal(&at(45.0)).unwrap();
        assert!(figure(&mild, "coils").needed.unwrap() < 8.0, "{mild:?}");
        assert!(figure(&mild, "fan power").installed < 185e3);

        unit.outdoor = air.air_from_relative_humidity(k(37.5), 0.14);
        unit.control(&at(45.0));
        let dry = unit.proposal(&at(45.0)).unwrap();
        assert_eq!(figure(&dry, "coils").needed, None);
        assert!(!dry.installed_suffices);
        assert!(
            dry.limited_by.contains("not colder than"),
            "{}",
            dry.limited_by
        );

        unit.cooler.precooling = pads;
        unit.control(&at(45.0));
        let hot = unit.proposal(&at(45.0)).unwrap();
        assert!(hot.duty.contains("after the pads"), "{}", hot.duty);
        assert!(figure(&hot, "coils").needed.unwrap() <= 8.0, "{hot:?}");
        assert!(hot.installed_suffices);

        // Water arriving below the set-point brings no heat: nothing to size.
        unit.control(&at(33.0));
        let idle = unit.proposal(&at(33.0)).unwrap();
        assert_eq!(figure(&idle, "coils").needed, Some(0.0));
        assert_eq!(figure(&idle, "fan power").needed, Some(0.0));
        assert!(
            idle.limited_by.contains("below its 34.0 °C set-point"),
            "{}",
            idle.limited_by
        );
        assert!(idle.duty.starts_with("reject nothing"), "{}", idle.duty);
    }
}
