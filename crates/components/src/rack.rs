//! A cold-plate (direct-liquid-cooled, DLC) rack: the IT heat source of a warm-water loop.
//!
//! The rack's electrical IT power becomes heat. A share of it (the liquid fraction) is captured
//! by the cold plates and carried away by the coolant; the rest (power supplies, disks, board
//! parts without plates) goes to the room air. The coolant in the rack's manifolds, hoses and
//! plates, with the plates' metal, is one [`MixingVolume`]:
//! (M·c_p + C_plates)·dT/dt = ṁ·(h(T_in) − h(T)) + P_IT·f_liquid.
//!
//! The chip temperature follows the case-to-coolant resistance of one cold plate:
//! T_chip = T_coolant + R_th·P_chip. The coolant temperature used is the volume's, i.e. the
//! rack outlet: the hottest coolant in the rack, so the estimate is conservative for chips near
//! the inlet.

use crate::component::Component;
use crate::device::{
    Account, DeviceKind, Fallback, Parameter, ParameterKind, ParameterValues, PressureDrop,
    Refusal, SetError, Variable, VolumeDevice, Watch, Water, boxed, checked,
};
use crate::heat_source::{HeatDuty, HeatSource};
use crate::parameter::check;
use crate::resistance::Resistance;
use crate::units::Quantity;
use crate::volume::MixingVolume;
use dctwin_fluid::Fluid;

/// Default IT power [W]: 88 kW, the order of one HPE Cray EX / Eviden XH3000-class DLC rack
/// (the facility size this twin is built for).
pub const DEFAULT_IT_POWER_W: f64 = 88_000.0;

/// Default share of the IT heat captured by the cold plates [-]: 0.97. Fanless blades whose CPUs,
/// GPUs, memory, network and voltage regulators all sit on plates (HPE Cray EX; Lenovo markets
/// its current Neptune generation as 100 % heat removal to water) capture 95–100 % of their heat
/// in the liquid; Inspur's full-DLC node reports ≈ 95 % liquid and 5 % to a rear air-to-liquid
/// exchanger; Lenovo's 2017 SD650 tray ≈ 90 %. CPU/GPU-only plates capture less (70–90 %): set
/// it lower for such racks.
pub const DEFAULT_LIQUID_FRACTION: f64 = 0.97;

/// Default coolant held in the rack's manifolds, hoses and cold plates [m³]: 40 L, the order of
/// a 64-blade DLC rack (≈ 0.5 L per blade loop plus the vertical manifolds).
pub const DEFAULT_COOLANT_VOLUME_M3: f64 = 0.04;

/// Default heat capacity of the cold plates and manifolds in contact with the coolant [J/K]:
/// ≈ 100 kg of copper (385 J/(kg·K)), about 0.8 kg of plate per chip for 128 chips.
pub const DEFAULT_SOLID_CAPACITY_J_K: f64 = 40_000.0;

/// Default number of cold-plated chips (GPUs or CPUs) in the rack [-]: 128.
pub const DEFAULT_CHIPS_PER_RACK: u32 = 128;

/// Default share of the IT power dissipated in those chips [-]: 0.70, so 88 kW × 0.70 / 128 ≈
/// 480 W per chip, an A100/H100-class accelerator (400–700 W TDP) under load.
pub const DEFAULT_CHIP_SHARE: f64 = 0.70;

/// Default case-to-coolant thermal resistance of one cold plate [K/W]: 0.03. GPU cold plates
/// are specified at 0.02–0.05 K/W (GB200-class designs target < 0.03 K/W).
pub const DEFAULT_CHIP_RESISTANCE_K_W: f64 = 0.03;

/// Default chip case limit [K]: 85 °C. A round value in the 80–95 °C range at which data-center
/// GPUs and CPUs start throttling; not a vendor number: take it from the chip's data sheet.
pub const DEFAULT_CHIP_LIMIT_K: f64 = 358.15;

/// ASHRAE TC 9.9 liquid-cooling class: the highest facility-water supply temperature the IT
/// equipment is specified for (ASHRAE TC 9.9 white paper "Emergence and Expansion of Liquid
/// Cooling in Mainstream Data Centers", 2021, Table 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiquidCoolingClass {
    /// Supply ≤ 17 °C (chilled water).
    W17,
    /// Supply ≤ 27 °C.
    W27,
    /// Supply ≤ 32 °C.
    W32,
    /// Supply ≤ 40 °C.
    W40,
    /// Supply ≤ 45 °C (warm water, heat reuse).
    W45,
}

impl LiquidCoolingClass {
    /// Every class, in the order of [`CLASS_NAMES`].
    pub const ALL: [LiquidCoolingClass; 5] = [
        LiquidCoolingClass::W17,
        LiquidCoolingClass::W27,
        LiquidCoolingClass::W32,
        LiquidCoolingClass::W40,
        LiquidCoolingClass::W45,
    ];

    /// Highest supply temperature of the class [K].
    pub fn supply_limit_k(self) -> f64 {
        let celsius = match self {
            LiquidCoolingClass::W17 => 17.0,
            LiquidCoolingClass::W27 => 27.0,
            LiquidCoolingClass::W32 => 32.0,
            LiquidCoolingClass::W40 => 40.0,
            LiquidCoolingClass::W45 => 45.0,
        };
        celsius + 273.15
    }
}

/// The classes' names as a model file writes them.
pub const CLASS_NAMES: &[&str] = &["W17", "W27", "W32", "W40", "W45"];

/// Default class: W45. The twin models heat reuse, which needs equipment accepting warm supply
/// (fanless DLC racks are sold for 40–45 °C water and above).
pub const DEFAULT_CLASS: LiquidCoolingClass = LiquidCoolingClass::W45;

/// Why a rack's parameters cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RackError {
    /// A parameter out of its physical range.
    #[error("rack parameter `{name}` = {value} is invalid: expected {expected}")]
    Parameter {
        /// The parameter's name.
        name: &'static str,
        /// The value given.
        value: f64,
        /// What was expected.
        expected: &'static str,
    },
}

crate::parameter::from_invalid_parameter!(RackError);

/// The parameters of a cold-plate rack, as given by the user.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ColdPlateRackSpec {
    /// Electrical IT power, all of it turned into heat [W].
    pub it_power_w: f64,
    /// Share of the IT heat captured by the cold plates [-], in [0, 1].
    pub liquid_fraction: f64,
    /// Coolant volume in the rack's manifolds, hoses and plates [m³].
    pub coolant_volume_m3: f64,
    /// Heat capacity of the wetted plates and manifolds [J/K].
    pub solid_capacity_j_k: f64,
    /// Case-to-coolant thermal resistance of one chip's cold plate [K/W].
    pub chip_resistance_k_w: f64,
    /// Share of the IT power dissipated in the cold-plated chips [-], at most the liquid fraction.
    pub chip_share: f64,
    /// Number of cold-plated chips in the rack [-].
    pub chips: u32,
    /// Chip case temperature limit [K].
    pub chip_limit_k: f64,
    /// ASHRAE liquid-cooling class of the equipment.
    pub class: LiquidCoolingClass,
}

impl Default for ColdPlateRackSpec {
    fn default() -> Self {
        ColdPlateRackSpec {
            it_power_w: DEFAULT_IT_POWER_W,
            liquid_fraction: DEFAULT_LIQUID_FRACTION,
            coolant_volume_m3: DEFAULT_COOLANT_VOLUME_M3,
            solid_capacity_j_k: DEFAULT_SOLID_CAPACITY_J_K,
            chip_resistance_k_w: DEFAULT_CHIP_RESISTANCE_K_W,
            chip_share: DEFAULT_CHIP_SHARE,
            chips: DEFAULT_CHIPS_PER_RACK,
            chip_limit_k: DEFAULT_CHIP_LIMIT_K,
            class: DEFAULT_CLASS,
        }
    }
}

/// Which of the rack's limits are exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RackAlarms {
    /// The coolant supply is warmer than the rack's ASHRAE class allows.
    pub supply_above_class: bool,
    /// A chip's case is warmer than its limit.
    pub chip_above_limit: bool,
}

impl RackAlarms {
    /// Whether any limit is exceeded.
    pub fn any(&self) -> bool {
        self.supply_above_class || self.chip_above_limit
    }
}

/// A cold-plate rack.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ColdPlateRack {
    /// Electrical IT power now [W]: an input the simulation updates from its time series.
    pub it_power_w: f64,
    /// Share of the IT heat captured by the cold plates [-].
    pub liquid_fraction: f64,
    /// The rack's coolant and plates.
    pub volume: MixingVolume,
    /// Case-to-coolant thermal resistance of one chip's cold plate [K/W].
    pub chip_resistance_k_w: f64,
    /// Share of the IT power dissipated in the cold-plated chips [-].
    pub chip_share: f64,
    /// Number of cold-plated chips [-].
    pub chips: u32,
    /// Chip case temperature limit [K].
    pub chip_limit_k: f64,
    /// ASHRAE liquid-cooling class.
    pub class: LiquidCoolingClass,
}

impl ColdPlateRack {
    /// A rack from its parameters, its coolant `fluid` filled at `fill_k` (for the coolant mass).
    pub fn new(spec: &ColdPlateRackSpec, fluid: &Fluid, fill_k: f64) -> Result<Self, RackError> {
        check(
            "it_power_w",
            spec.it_power_w,
            spec.it_power_w >= 0.0,
            "a finite power ≥ 0",
        )?;
        check(
            "liquid_fraction",
            spec.liquid_fraction,
            (0.0..=1.0).contains(&spec.liquid_fraction),
            "a share in [0, 1]",
        )?;
        check(
            "coolant_volume_m3",
            spec.coolant_volume_m3,
            spec.coolant_volume_m3 > 0.0,
            "a finite volume > 0",
        )?;
        check(
            "solid_capacity_j_k",
            spec.solid_capacity_j_k,
            spec.solid_capacity_j_k >= 0.0,
            "a finite capacity ≥ 0",
        )?;
        check(
            "chip_resistance_k_w",
            spec.chip_resistance_k_w,
            spec.chip_resistance_k_w >= 0.0,
            "a finite resistance ≥ 0",
        )?;
        check(
            "chip_share",
            spec.chip_share,
            spec.chip_share >= 0.0 && spec.chip_share <= spec.liquid_fraction,
            "a share in [0, liquid_fraction]: the chips' heat all goes to their plates",
        )?;
        check(
            "chips",
            f64::from(spec.chips),
            spec.chips > 0,
            "at least one chip",
        )?;
        check(
            "chip_limit_k",
            spec.chip_limit_k,
            spec.chip_limit_k > 0.0,
            "a finite temperature > 0 K",
        )?;
        check("fill_k", fill_k, fill_k > 0.0, "a finite temperature > 0 K")?;
        Ok(ColdPlateRack {
            it_power_w: spec.it_power_w,
            liquid_fraction: spec.liquid_fraction,
            volume: MixingVolume::of_volume(
                spec.coolant_volume_m3,
                fluid,
                fill_k,
                spec.solid_capacity_j_k,
            ),
            chip_resistance_k_w: spec.chip_resistance_k_w,
            chip_share: spec.chip_share,
            chips: spec.chips,
            chip_limit_k: spec.chip_limit_k,
            class: spec.class,
        })
    }

    /// Heat the cold plates put into the coolant [W]: P_IT · f_liquid.
    pub fn heat_to_coolant_w(&self) -> f64 {
        self.it_power_w * self.liquid_fraction
    }

    /// Heat the rack gives to the room air [W]: P_IT · (1 − f_liquid).
    pub fn heat_to_room_w(&self) -> f64 {
        self.it_power_w * (1.0 - self.liquid_fraction)
    }

    /// Power of one chip [W]: P_IT · chip share / chips.
    pub fn chip_power_w(&self) -> f64 {
        self.it_power_w * self.chip_share / f64::from(self.chips)
    }

    /// Chip case temperature [K] with the rack's coolant at `coolant_k` (the volume, i.e. outlet,
    /// temperature: conservative): T_coolant + R_th · P_chip.
    pub fn chip_temperature_k(&self, coolant_k: f64) -> f64 {
        coolant_k + self.chip_resistance_k_w * self.chip_power_w()
    }

    /// dT/dt [K/s] of the rack's coolant at `t_k`, fed `mass_flow_kg_s` (≥ 0) at `t_in_k`.
    pub fn derivative_k_s(&self, fluid: &Fluid, t_in_k: f64, t_k: f64, mass_flow_kg_s: f64) -> f64 {
        self.volume
            .derivative_k_s(fluid, t_in_k, t_k, mass_flow_kg_s, self.heat_to_coolant_w())
    }

    /// Time constant of the rack's temperature response [s] at `t_k` and `mass_flow_kg_s`:
    /// τ = (M·c_p + C_plates) / (ṁ·c_p). Infinite without flow.
    pub fn time_constant_s(&self, fluid: &Fluid, t_k: f64, mass_flow_kg_s: f64) -> f64 {
        self.volume.capacity_j_k(fluid, t_k) / (mass_flow_kg_s * fluid.specific_heat_j_kg_k(t_k))
    }

    /// Which limits are exceeded with the coolant supplied at `supply_k` and the chips at `chip_k`.
    pub fn alarms(&self, supply_k: f64, chip_k: f64) -> RackAlarms {
        RackAlarms {
            supply_above_class: supply_k > self.class.supply_limit_k(),
            chip_above_limit: chip_k > self.chip_limit_k,
        }
    }
}

/// `kind = "rack"` in a model file.
pub static KIND: DeviceKind = DeviceKind {
    key: "rack",
    parameters: &[
        Parameter {
            name: "it_power",
            kind: ParameterKind::Quantity(Quantity::Power),
            fallback: Fallback::Required("the rack's design IT power"),
            settable: true,
            positive: false,
        },
        Parameter {
            name: "liquid_fraction",
            kind: ParameterKind::Number { min: 0.0, max: 1.0 },
            fallback: Fallback::Value(DEFAULT_LIQUID_FRACTION),
            settable: false,
            positive: false,
        },
        Parameter {
            name: "coolant_volume",
            kind: ParameterKind::Quantity(Quantity::Volume),
            fallback: Fallback::Value(DEFAULT_COOLANT_VOLUME_M3),
            settable: false,
            positive: true,
        },
        Parameter {
            name: "plate_heat_capacity",
            kind: ParameterKind::Quantity(Quantity::HeatCapacity),
            fallback: Fallback::Value(DEFAULT_SOLID_CAPACITY_J_K),
            settable: false,
            positive: false,
        },
        Parameter {
            name: "chip_limit",
            kind: ParameterKind::Quantity(Quantity::Temperature),
            fallback: Fallback::Value(DEFAULT_CHIP_LIMIT_K),
            settable: false,
            positive: false,
        },
        Parameter {
            name: "chip_resistance",
            kind: ParameterKind::Quantity(Quantity::ThermalResistance),
            fallback: Fallback::Value(DEFAULT_CHIP_RESISTANCE_K_W),
            settable: false,
            positive: false,
        },
        // At most the liquid fraction: the chips' heat all goes to their plates.
        Parameter {
            name: "chip_share",
            kind: ParameterKind::Number { min: 0.0, max: 1.0 },
            fallback: Fallback::Value(DEFAULT_CHIP_SHARE),
            settable: false,
            positive: false,
        },
        Parameter {
            name: "chips",
            kind: ParameterKind::Count,
            fallback: Fallback::Value(DEFAULT_CHIPS_PER_RACK as f64),
            settable: false,
            positive: false,
        },
        Parameter {
            name: "class",
            kind: ParameterKind::Choice(CLASS_NAMES),
            fallback: Fallback::Value(4.0),
            settable: false,
            positive: false,
        },
    ],
    variables: &[
        Variable {
            name: "it_power",
            quantity: Quantity::Power,
        },
        Variable {
            name: "heat",
            quantity: Quantity::Power,
        },
        Variable {
            name: "supply",
            quantity: Quantity::Temperature,
        },
        Variable {
            name: "outlet",
            quantity: Quantity::Temperature,
        },
        Variable {
            name: "chip",
            quantity: Quantity::Temperature,
        },
    ],
    pressure_drop: PressureDrop::Nominal,
    build: build_rack,
};

/// Indices of the rack's variables in [`KIND`].
pub mod variable {
    /// IT power [W].
    pub const IT_POWER: usize = 0;
    /// Heat into the coolant [W].
    pub const HEAT: usize = 1;
    /// Coolant supply, its inlet [K].
    pub const SUPPLY: usize = 2;
    /// Coolant outlet [K].
    pub const OUTLET: usize = 3;
    /// Chip case [K].
    pub const CHIP: usize = 4;
}

fn build_rack(
    values: &ParameterValues,
    fluid: &Fluid,
    fill_k: f64,
) -> Result<Box<dyn VolumeDevice>, Refusal> {
    let number = |name: &str, default: f64| values.number(name).unwrap_or(default);
    let liquid_fraction = number("liquid_fraction", DEFAULT_LIQUID_FRACTION);
    let class = (values.word("class"))
        .and_then(|w| CLASS_NAMES.iter().position(|n| *n == w))
        .map_or(DEFAULT_CLASS, |i| LiquidCoolingClass::ALL[i]);
    let spec = ColdPlateRackSpec {
        it_power_w: number("it_power", f64::NAN),
        liquid_fraction,
        coolant_volume_m3: number("coolant_volume", DEFAULT_COOLANT_VOLUME_M3),
        solid_capacity_j_k: number("plate_heat_capacity", DEFAULT_SOLID_CAPACITY_J_K),
        chip_resistance_k_w: number("chip_resistance", DEFAULT_CHIP_RESISTANCE_K_W),
        chip_share: number("chip_share", DEFAULT_CHIP_SHARE).min(liquid_fraction),
        chips: number("chips", f64::from(DEFAULT_CHIPS_PER_RACK)) as u32,
        chip_limit_k: number("chip_limit", DEFAULT_CHIP_LIMIT_K),
        class,
    };
    boxed(ColdPlateRack::new(&spec, fluid, fill_k))
}

impl VolumeDevice for ColdPlateRack {
    fn kind(&self) -> &'static DeviceKind {
        &KIND
    }

    fn volume(&self) -> MixingVolume {
        self.volume
    }

    fn heat_w(&self, _water: &Water<'_>) -> f64 {
        self.heat_to_coolant_w()
    }

    fn account(&self) -> Account {
        Account::ItHeat
    }

    fn heat_is_constant(&self) -> bool {
        true
    }

    fn it_power_w(&self) -> f64 {
        self.it_power_w
    }

    fn steady_component(&self, resistance: Option<Resistance>) -> Component {
        Component::HeatSource(HeatSource {
            duty: HeatDuty::Fixed {
                heat_w: self.heat_to_coolant_w(),
            },
            resistance,
        })
    }

    fn get(&self, name: &str) -> Option<f64> {
        match name {
            "it_power" => Some(self.it_power_w),
            "liquid_fraction" => Some(self.liquid_fraction),
            "chip_limit" => Some(self.chip_limit_k),
            "chip_resistance" => Some(self.chip_resistance_k_w),
            "chip_share" => Some(self.chip_share),
            "chips" => Some(f64::from(self.chips)),
            _ => None,
        }
    }

    fn set(&mut self, name: &str, value: f64) -> Result<(), SetError> {
        match name {
            "it_power" => {
                self.it_power_w =
                    checked(&KIND, "it_power", value, value >= 0.0, "a finite power ≥ 0")?
            }
            _ => return Err(KIND.unknown(name)),
        }
        Ok(())
    }

    fn variable(&self, index: usize, water: &Water<'_>) -> f64 {
        match index {
            variable::IT_POWER => self.it_power_w,
            variable::HEAT => self.heat_to_coolant_w(),
            variable::SUPPLY => water.inlet_k,
            variable::OUTLET => water.volume_k,
            _ => self.chip_temperature_k(water.volume_k),
        }
    }

    fn variables(&self, water: &Water<'_>, out: &mut Vec<f64>) {
        out.extend([
            self.it_power_w,
            self.heat_to_coolant_w(),
            water.inlet_k,
            water.volume_k,
            self.chip_temperature_k(water.volume_k),
        ]);
    }

    fn watches(&self) -> Vec<Watch> {
        vec![
            Watch {
                alarm: "supply_over_class",
                variable: variable::SUPPLY,
                limit: self.class.supply_limit_k(),
                supply_limit: true,
                above: true,
            },
            Watch {
                alarm: "chip_over_limit",
                variable: variable::CHIP,
                limit: self.chip_limit_k,
                supply_limit: false,
                above: true,
            },
        ]
    }

    fn clone_box(&self) -> Box<dyn VolumeDevice> {
        Box::new(*self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const C: f64 = 273.15;

    fn rack() -> (ColdPlateRack, Fluid) {
        let water = Fluid::water();
        let r = ColdPlateRack::new(&ColdPlateRackSpec::default(), &water, C + 45.0).unwrap();
        (r, water)
    }

    /// Steady outlet for `rack` at inlet `t_in_k` and flow `m`: h(T_in) + Q/ṁ.
    fn steady_k(rack: &ColdPlateRack, water: &Fluid, t_in_k: f64, m: f64) -> f64 {
        water
            .temperature_from_enthalpy_k(water.enthalpy_j_kg(t_in_k) + rack.heat_to_coolant_w() / m)
    }

    /// A step of the IT power from 44 to 88 kW at constant flow and inlet gives a first-order
    /// response with τ = C/(ṁ c_p). The MixingVolume ODE is integrated with classical RK4 at
    /// τ/500 (truncation error ~ (1/500)⁴ ≈ 1e-11 relative, negligible). The analytical solution
    /// assumes constant c_p; water's c_p varies by δ over the 5 K swing, which changes τ by at most
    /// δ and so the trajectory by at most δ·|ΔT|/e. The tolerance 2·δ·|ΔT| is computed from the
    /// fluid, so a τ wrong by more than ~0.1 % (e.g. the plates' capacity forgotten: −19 %) fails.
    #[test]
    fn it_power_step_is_first_order_with_tau_c_over_m_cp() {
        let (mut rack, water) = rack();
        let (t_in, m) = (C + 40.0, 2.0);
        rack.it_power_w = 44_000.0;
        let t0 = steady_k(&rack, &water, t_in, m);
        rack.it_power_w = 88_000.0;
        let t_ss = steady_k(&rack, &water, t_in, m);
        let t_mid = 0.5 * (t0 + t_ss);
        let tau = rack.time_constant_s(&water, t_mid, m);
        // ≈ (40 kg · 4180 + 40 kJ/K) / (2 · 4180) ≈ 25 s.
        assert!((20.0..30.0).contains(&tau), "tau {tau}");

        let cp = |t| water.specific_heat_j_kg_k(t);
        let delta = ((cp(t0) - cp(t_mid)).abs().max((cp(t_ss) - cp(t_mid)).abs())) / cp(t_mid);
        let tol = 2.0 * delta * (t_ss - t0).abs() + 1e-9;

        let f = |t: f64| rack.derivative_k_s(&water, t_in, t, m);
        let dt = tau / 500.0;
        let (mut t, mut time, mut worst) = (t0, 0.0, 0.0_f64);
        while time < 5.0 * tau {
            let k1 = f(t);
            let k2 = f(t + 0.5 * dt * k1);
            let k3 = f(t + 0.5 * dt * k2);
            let k4 = f(t + dt * k3);
            t += dt / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4);
            time += dt;
            let exact = t_ss + (t0 - t_ss) * (-time / tau).exp();
            worst = worst.max((t - exact).abs());
        }
        assert!(worst < tol, "deviation {worst} K > tolerance {tol} K");
        // The step is ≈ 5 K: the response is not trivially flat.
        assert!((t_ss - t0) > 4.5, "{}", t_ss - t0);
    }

    /// Chip temperature: T_coolant + R_th · P_IT · share / chips, by hand:
    /// 88 kW · 0.70 / 128 = 481.25 W, × 0.03 K/W = 14.4375 K.
    #[test]
    fn chip_temperature_adds_the_plate_resistance_rise() {
        let (rack, _) = rack();
        assert!((rack.chip_power_w() - 481.25).abs() < 1e-9);
        let t = rack.chip_temperature_k(C + 50.0);
        assert!((t - (C + 50.0 + 14.4375)).abs() < 1e-9, "{t}");
    }

    /// The IT power splits into coolant and room heat; 97 % to the coolant by default.
    #[test]
    fn heat_splits_between_coolant_and_room() {
        let (rack, _) = rack();
        assert!((rack.heat_to_coolant_w() - 0.97 * 88_000.0).abs() < 1e-6);
        assert!((rack.heat_to_coolant_w() + rack.heat_to_room_w() - 88_000.0).abs() < 1e-6);
    }

    /// Alarms fire strictly above the ASHRAE class limit and the chip limit.
    #[test]
    fn alarms_name_the_exceeded_limits() {
        let (mut rack, _) = rack();
        assert_eq!(rack.alarms(C + 44.0, C + 80.0), RackAlarms::default());
        let hot_supply = rack.alarms(C + 45.5, C + 80.0);
        assert!(hot_supply.supply_above_class && !hot_supply.chip_above_limit);
        let hot_chip = rack.alarms(C + 30.0, C + 86.0);
        assert!(!hot_chip.supply_above_class && hot_chip.chip_above_limit && hot_chip.any());
        rack.class = LiquidCoolingClass::W32;
        assert!(rack.alarms(C + 33.0, C + 60.0).supply_above_class);
        assert!(!rack.alarms(C + 31.0, C + 60.0).any());
        let limits: Vec<f64> = [
            LiquidCoolingClass::W17,
            LiquidCoolingClass::W27,
            LiquidCoolingClass::W32,
            LiquidCoolingClass::W40,
            LiquidCoolingClass::W45,
        ]
        .iter()
        .map(|c| c.supply_limit_k() - C)
        .collect();
        assert_eq!(limits, [17.0, 27.0, 32.0, 40.0, 45.0]);
    }

    /// Bad parameters are refused, naming the parameter.
    #[test]
    fn bad_parameters_are_named() {
        let water = Fluid::water();
        let bad = |spec: ColdPlateRackSpec| ColdPlateRack::new(&spec, &water, C + 40.0);
        let name = |r: Result<ColdPlateRack, RackError>| match r {
            Err(RackError::Parameter { name, .. }) => name,
            Ok(_) => "accepted",
        };
        let d = ColdPlateRackSpec::default();
        assert_eq!(
            name(bad(ColdPlateRackSpec {
                liquid_fraction: 1.2,
                ..d
            })),
            "liquid_fraction"
        );
        assert_eq!(
            name(bad(ColdPlateRackSpec {
                chip_share: 0.99,
                ..d
            })),
            "chip_share"
        );
        assert_eq!(name(bad(ColdPlateRackSpec { chips: 0, ..d })), "chips");
        assert_eq!(
            name(bad(ColdPlateRackSpec {
                coolant_volume_m3: f64::NAN,
                ..d
            })),
            "coolant_volume_m3"
        );
    }
}
