//! A stratified storage tank as a device of its link: its layers ([`StratifiedTank`]) are the
//! link's states, the water passing them in turn from the end it enters, and it loses heat to
//! the room around it.

use crate::component::Component;
use crate::device::{
    Account, DeviceKind, Fallback, Parameter, ParameterKind, ParameterValues, PressureDrop,
    Refusal, SetError, Variable, VolumeDevice, Water, temperature_k,
};
use crate::heat_source::{HeatDuty, HeatSource};
use crate::resistance::Resistance;
use crate::tank::{
    DEFAULT_BUOYANCY_TIME_S, DEFAULT_DESTRATIFICATION_CONDUCTIVITY_W_M_K, DEFAULT_LAYERS,
    StratifiedTank, StratifiedTankSpec,
};
use crate::units::Quantity;
use crate::volume::MixingVolume;
use dctwin_fluid::Fluid;

/// Default height over diameter of a storage tank [-]: 3, the middle of the 2–4 that
/// stratified storage is built with (taller stratifies better, costs more wall).
pub const DEFAULT_TANK_ASPECT_RATIO: f64 = 3.0;
/// Default heat-loss coefficient of a storage tank's wall, lid and floor [W/(m²·K)]: 0.3,
/// about 100 mm of mineral wool (λ ≈ 0.035 W/(m·K)) with thermal bridges.
pub const DEFAULT_TANK_U_W_M2_K: f64 = 0.3;
/// Default temperature around a storage tank [K]: 20 °C, a plant room.
pub const DEFAULT_TANK_AMBIENT_K: f64 = 293.15;
/// Most layers a tank may have [-]: each is a state, and beyond some tens the upwind scheme's
/// diffusion is below the tank's own mixing anyway.
pub const MAX_TANK_LAYERS: usize = 100;
/// Largest height over diameter accepted [-]: beyond 20 a "tank" is a pipe.
pub const MAX_TANK_ASPECT_RATIO: f64 = 20.0;

/// Temperature step of the slopes of the heat between layers [K]: 1e-6 K is far below the
/// buoyancy ramp's 0.1 K, and the difference quotient of ~400 K values keeps ~7 digits.
const SLOPE_STEP_K: f64 = 1e-6;

/// A stratified tank on a link.
#[derive(Debug, Clone, PartialEq)]
pub struct StorageTank {
    /// Its layers' physics (layer 0 the top).
    pub tank: StratifiedTank,
    /// Whether the link's `from` end is the top: water flowing `from` → `to` enters at the top
    /// (charging with warm water) and leaves at the bottom; otherwise the other way round.
    pub top_at_from: bool,
    /// Temperature around the tank [K].
    pub ambient_k: f64,
}

/// `kind = "tank"` in a model file.
pub static KIND: DeviceKind = DeviceKind {
    key: "tank",
    parameters: &[
        Parameter {
            positive: true,
            ..Parameter::required("volume", Quantity::Volume, "the tank's water volume")
        },
        // Derived: from the aspect ratio.
        Parameter {
            name: "height",
            kind: ParameterKind::Quantity(Quantity::Length),
            fallback: Fallback::Derived,
            settable: false,
            positive: true,
        },
        Parameter::number(
            "aspect_ratio",
            0.0,
            MAX_TANK_ASPECT_RATIO,
            DEFAULT_TANK_ASPECT_RATIO,
        ),
        Parameter {
            name: "layers",
            kind: ParameterKind::Count,
            fallback: Fallback::Value(DEFAULT_LAYERS as f64),
            settable: false,
            positive: true,
        },
        // Derived: u_value_w_m2_k over the wall, lid and floor.
        Parameter {
            name: "ua",
            kind: ParameterKind::Quantity(Quantity::Conductance),
            fallback: Fallback::Derived,
            settable: false,
            positive: false,
        },
        Parameter {
            name: "u_value",
            kind: ParameterKind::Quantity(Quantity::HeatTransferCoefficient),
            fallback: Fallback::Value(DEFAULT_TANK_U_W_M2_K),
            settable: false,
            positive: false,
        },
        Parameter {
            name: "ambient_temperature",
            kind: ParameterKind::Quantity(Quantity::Temperature),
            fallback: Fallback::Value(DEFAULT_TANK_AMBIENT_K),
            settable: true,
            positive: false,
        },
        Parameter {
            name: "inlet",
            kind: ParameterKind::Choice(&["top", "bottom"]),
            fallback: Fallback::Value(0.0),
            settable: false,
            positive: false,
        },
        Parameter {
            name: "destratification_conductivity",
            kind: ParameterKind::Quantity(Quantity::Conductivity),
            fallback: Fallback::Value(DEFAULT_DESTRATIFICATION_CONDUCTIVITY_W_M_K),
            settable: false,
            positive: false,
        },
        Parameter {
            name: "buoyancy_time",
            kind: ParameterKind::Quantity(Quantity::Time),
            fallback: Fallback::Value(DEFAULT_BUOYANCY_TIME_S),
            settable: false,
            positive: true,
        },
    ],
    variables: &[
        Variable {
            name: "top",
            quantity: Quantity::Temperature,
        },
        Variable {
            name: "bottom",
            quantity: Quantity::Temperature,
        },
        Variable {
            name: "loss",
            quantity: Quantity::Power,
        },
    ],
    pressure_drop: PressureDrop::OptionalNominal,
    build: build_tank,
};

fn build_tank(
    values: &ParameterValues,
    fluid: &Fluid,
    fill_k: f64,
) -> Result<Box<dyn VolumeDevice>, Refusal> {
    let spec = tank_spec(values)?;
    let tank = StratifiedTank::new(&spec, fluid, fill_k).map_err(|e| e.to_string())?;
    Ok(Box::new(StorageTank {
        tank,
        top_at_from: values.word("inlet") != Some("bottom"),
        ambient_k: values.number("ambient_temperature").unwrap_or(f64::NAN),
    }))
}

/// The tank's geometry and losses from the values read: its height given or from its aspect
/// ratio, its UA given or from its U-value over its outer area.
fn tank_spec(values: &ParameterValues) -> Result<StratifiedTankSpec, Refusal> {
    let number = |name: &str| values.number(name).unwrap_or(f64::NAN);
    let volume_m3 = number("volume");
    let height_m = match (values.number("height"), values.given("aspect_ratio")) {
        (Some(_), true) => {
            return Err(Refusal::of(
                "aspect_ratio",
                "give height_m or aspect_ratio, not both",
            ));
        }
        (Some(h), false) => h,
        (None, _) if number("aspect_ratio") > 0.0 => {
            height_for_aspect(volume_m3, number("aspect_ratio"))
        }
        (None, _) => {
            let message = format!(
                "expected an aspect ratio (height over diameter) in (0, {MAX_TANK_ASPECT_RATIO}], \
                 found {}",
                number("aspect_ratio")
            );
            return Err(Refusal::of("aspect_ratio", message));
        }
    };
    let layers = number("layers");
    if layers > MAX_TANK_LAYERS as f64 {
        let message = format!("expected at most {MAX_TANK_LAYERS} layers, found {layers}");
        return Err(Refusal::of("layers", message));
    }
    let ua_w_k = match (values.number("ua"), values.given("u_value")) {
        (Some(_), true) => {
            return Err(Refusal::of("ua", "give ua_w_k or u_value_w_m2_k, not both"));
        }
        (Some(ua), false) => ua,
        (None, _) => number("u_value") * tank_outer_area_m2(volume_m3, height_m),
    };
    if ua_w_k < 0.0 {
        let key = if values.given("ua") { "ua" } else { "u_value" };
        return Err(Refusal::of(key, "expected a value ≥ 0"));
    }
    Ok(StratifiedTankSpec {
        volume_m3,
        height_m,
        layers: layers as usize,
        ua_w_k,
        destratification_conductivity_w_m_k: number("destratification_conductivity"),
        water_conduction: true,
        buoyancy_time_s: number("buoyancy_time"),
    })
}

/// Height [m] of a cylinder of `volume_m3` that is `aspect` times as tall as wide:
/// V = π·H³/(4·a²).
pub fn height_for_aspect(volume_m3: f64, aspect: f64) -> f64 {
    (4.0 * aspect * aspect * volume_m3 / std::f64::consts::PI).cbrt()
}

/// Wall, lid and floor of a cylinder of `volume_m3` and `height_m` [m²].
pub fn tank_outer_area_m2(volume_m3: f64, height_m: f64) -> f64 {
    let section = volume_m3 / height_m;
    (4.0 * std::f64::consts::PI * section).sqrt() * height_m + 2.0 * section
}

impl StorageTank {
    /// ∂F/∂T_upper and ∂F/∂T_lower of the heat passing down between two layers [W/K], by
    /// forward differences of the tank's own law (conduction is smooth, the buoyancy ramp C¹).
    fn interface_slopes(&self, fluid: &Fluid, upper_k: f64, lower_k: f64) -> (f64, f64) {
        let tank = &self.tank;
        let f = tank.interface_w(fluid, upper_k, lower_k);
        (
            (tank.interface_w(fluid, upper_k + SLOPE_STEP_K, lower_k) - f) / SLOPE_STEP_K,
            (tank.interface_w(fluid, upper_k, lower_k + SLOPE_STEP_K) - f) / SLOPE_STEP_K,
        )
    }
}

impl VolumeDevice for StorageTank {
    fn kind(&self) -> &'static DeviceKind {
        &KIND
    }

    fn volume(&self) -> MixingVolume {
        MixingVolume {
            mass_kg: self.tank.layer_mass_kg,
            solid_capacity_j_k: 0.0,
        }
    }

    fn layers(&self) -> Option<usize> {
        Some(self.tank.layers())
    }

    fn first_layer_at_from(&self) -> bool {
        self.top_at_from
    }

    fn layer_heat_w(&self, fluid: &Fluid, layers_k: &[f64], out: &mut [f64]) -> f64 {
        let counted = self.tank.exchange_w(fluid, layers_k, self.ambient_k, out);
        debug_assert!(counted.is_ok(), "a tank's states are its layers");
        -self.tank.heat_loss_w(layers_k, self.ambient_k)
    }

    fn layer_slopes(
        &self,
        fluid: &Fluid,
        layers_k: &[f64],
        heat: &mut Vec<(usize, usize, f64)>,
        booked: &mut Vec<(usize, f64)>,
    ) {
        let n = layers_k.len();
        let interfaces: Vec<(f64, f64)> = (0..n.saturating_sub(1))
            .map(|i| self.interface_slopes(fluid, layers_k[i], layers_k[i + 1]))
            .collect();
        for (i, &ua) in self.tank.layer_ua_w_k.iter().enumerate() {
            // q_i = −UA_i·(T_i − T_amb) + F(T_{i−1}, T_i) − F(T_i, T_{i+1}).
            heat.push((i, i, -ua));
            if i > 0 {
                let (d_upper, d_lower) = interfaces[i - 1];
                heat.push((i, i - 1, d_upper));
                heat.push((i, i, d_lower));
            }
            if i + 1 < n {
                let (d_upper, d_lower) = interfaces[i];
                heat.push((i, i, -d_upper));
                heat.push((i, i + 1, -d_lower));
            }
            booked.push((i, -ua));
        }
    }

    fn heat_w(&self, _water: &Water<'_>) -> f64 {
        // Its layers' heat is `layer_heat_w`.
        0.0
    }

    fn account(&self) -> Account {
        Account::Lost
    }

    fn steady_component(&self, resistance: Option<Resistance>) -> Component {
        Component::HeatSource(HeatSource {
            duty: HeatDuty::Fixed { heat_w: 0.0 },
            resistance,
        })
    }

    fn get(&self, name: &str) -> Option<f64> {
        match name {
            "ambient_temperature" => Some(self.ambient_k),
            "volume" => {
                let layer_m3 = self.tank.cross_section_m2 * self.tank.layer_height_m;
                Some(layer_m3 * self.tank.layers() as f64)
            }
            _ => None,
        }
    }

    fn set(&mut self, name: &str, value: f64) -> Result<(), SetError> {
        match name {
            "ambient_temperature" => {
                self.ambient_k = temperature_k(&KIND, "ambient_temperature", value)?;
            }
            _ => return Err(KIND.unknown(name)),
        }
        Ok(())
    }

    fn variable(&self, index: usize, water: &Water<'_>) -> f64 {
        let layers = water.layers_k;
        match index {
            0 => layers.first().copied().unwrap_or(water.volume_k),
            1 => layers.last().copied().unwrap_or(water.volume_k),
            _ => self.tank.heat_loss_w(layers, self.ambient_k),
        }
    }

    fn clone_box(&self) -> Box<dyn VolumeDevice> {
        Box::new(self.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::{ParameterValue, ParameterValues};

    fn read(given: &[(&str, ParameterValue)]) -> Result<Box<dyn VolumeDevice>, Refusal> {
        let mut values = ParameterValues::new(KIND.parameters);
        values.give("volume", ParameterValue::Number(50.0));
        for (name, v) in given {
            assert!(values.give(name, *v), "{name}");
        }
        (KIND.build)(&values, &Fluid::water(), 323.15)
    }

    /// The defaults give 10 layers of a tank 3 times as tall as wide losing 0.3 W/(m²·K)
    /// over its outer area, V = π·H³/(4·a²) checked back.
    #[test]
    fn defaults_build_a_tank_of_the_declared_shape() {
        let device = read(&[]).unwrap();
        let tank = device.as_any().downcast_ref::<StorageTank>().unwrap();
        assert_eq!(device.layers(), Some(DEFAULT_LAYERS));
        let h = height_for_aspect(50.0, 3.0);
        let d = h / 3.0;
        assert!((std::f64::consts::PI * d * d / 4.0 * h - 50.0).abs() < 1e-9);
        let ua: f64 = tank.tank.layer_ua_w_k.iter().sum();
        let area = std::f64::consts::PI * d * h + 2.0 * std::f64::consts::PI * d * d / 4.0;
        assert!(
            (ua - 0.3 * area).abs() < 1e-9 * ua,
            "{ua} vs {}",
            0.3 * area
        );
        assert!(tank.top_at_from);
    }

    /// Two ways of giving one thing, and values out of range, are refused at their key.
    #[test]
    fn refusals_name_the_key() {
        let both = read(&[
            ("height", ParameterValue::Number(4.0)),
            ("aspect_ratio", ParameterValue::Number(2.0)),
        ]);
        assert_eq!(both.unwrap_err().parameter, Some("aspect_ratio"));
        let ua = read(&[
            ("ua", ParameterValue::Number(10.0)),
            ("u_value", ParameterValue::Number(0.2)),
        ]);
        assert_eq!(ua.unwrap_err().parameter, Some("ua"));
        let layers = read(&[("layers", ParameterValue::Number(101.0))]);
        assert_eq!(layers.unwrap_err().parameter, Some("layers"));
        let flat = read(&[("aspect_ratio", ParameterValue::Number(0.0))]);
        assert_eq!(flat.unwrap_err().parameter, Some("aspect_ratio"));
    }

    /// The layers' heat sums to the booked loss (the exchanges cancel), and its slopes agree
    /// with central differences of the law itself to 1e-4 relative (the forward step's error).
    #[test]
    fn layer_heat_and_slopes_agree_with_the_law() {
        let water = Fluid::water();
        let device = read(&[("layers", ParameterValue::Number(4.0))]).unwrap();
        // An inversion between layers 1 and 2 exercises buoyancy.
        let layers_k = [330.0, 320.0, 321.0, 300.0];
        let mut out = [0.0; 4];
        let booked = device.layer_heat_w(&water, &layers_k, &mut out);
        assert!((out.iter().sum::<f64>() - booked).abs() < 1e-9 * booked.abs().max(1.0));
        let (mut heat, mut by) = (Vec::new(), Vec::new());
        device.layer_slopes(&water, &layers_k, &mut heat, &mut by);
        for j in 0..4 {
            let h = 1e-4;
            let (mut up, mut down) = (layers_k, layers_k);
            up[j] += h;
            down[j] -= h;
            let (mut q_up, mut q_down) = ([0.0; 4], [0.0; 4]);
            let b_up = device.layer_heat_w(&water, &up, &mut q_up);
            let b_down = device.layer_heat_w(&water, &down, &mut q_down);
            for i in 0..4 {
                let numeric = (q_up[i] - q_down[i]) / (2.0 * h);
                let analytic: f64 = (heat.iter())
                    .filter(|e| e.0 == i && e.1 == j)
                    .map(|e| e.2)
                    .sum();
                let scale = numeric.abs().max(1.0);
                assert!(
                    (numeric - analytic).abs() < 1e-4 * scale,
                    "∂q{i}/∂T{j}: {analytic} vs {numeric}"
                );
            }
            let numeric = (b_up - b_down) / (2.0 * h);
            let analytic: f64 = by.iter().filter(|e| e.0 == j).map(|e| e.1).sum();
            assert!((numeric - analytic).abs() < 1e-6 * numeric.abs().max(1.0));
        }
    }
}
