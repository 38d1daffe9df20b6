//! The keys of the transient device kinds (`rack`, `dry_cooler`, `substation`, `boiler`) and of
//! the couplings (`heat_exchanger`, `heat_pump`), read into the components' SI parameters.
//! Each device link also gets a hydraulic law, so the steady solver can use the same file.

use crate::kinds::read_resistance;
use crate::reader::{Reader, Value};
use crate::units::Quantity;
use dctwin_components::boiler::{Boiler, BoilerKind, BoilerSpec};
use dctwin_components::district::{DistrictSubstation, SubstationSpec};
use dctwin_components::dry_cooler::{AdiabaticPrecooling, DryCooler, DryCoolerRating};
use dctwin_components::heat_exchanger::FlowArrangement;
use dctwin_components::heat_pump::{CarnotFraction, CopModel, HeatPump, HeatPumpBank, Mode};
use dctwin_components::psychrometrics::{MoistAir, Psychrometrics};
use dctwin_components::rack::{
    ColdPlateRack, ColdPlateRackSpec, DEFAULT_CHIP_LIMIT_K, DEFAULT_CHIP_RESISTANCE_K_W,
    DEFAULT_CHIP_SHARE, DEFAULT_CHIPS_PER_RACK, DEFAULT_COOLANT_VOLUME_M3, DEFAULT_LIQUID_FRACTION,
    DEFAULT_SOLID_CAPACITY_J_K, LiquidCoolingClass,
};
use dctwin_components::{Component, HeatConsumer, HeatDuty, HeatSource};
use dctwin_fluid::Fluid;

/// Standard atmosphere [Pa], the pressure at which design air states are given.
const STANDARD_ATMOSPHERE_PA: f64 = 101_325.0;
/// Default relative humidity of a dry cooler's design air [-]: a dry summer afternoon.
pub const DEFAULT_DESIGN_AIR_RH: f64 = 0.40;
/// Default air temperature rise across a dry cooler's coil at design [K]: typical of
/// manufacturers' ratings (8–15 K).
pub const DEFAULT_AIR_RISE_K: f64 = 12.0;
/// Default pad saturation efficiency of adiabatic pre-cooling [-] (typical 0.6–0.8).
pub const DEFAULT_PAD_EFFICIENCY: f64 = 0.7;
/// Default water volume of a substation's exchanger and pipes [m³].
pub const DEFAULT_SUBSTATION_VOLUME_M3: f64 = 1.0;
/// Default water volume of a boiler [m³].
pub const DEFAULT_BOILER_VOLUME_M3: f64 = 0.5;
/// Default Carnot fraction of a water-to-water heat pump [-] (the TESPy reference gives 0.55–0.6).
pub const DEFAULT_CARNOT_FRACTION: f64 = 0.55;
/// Default evaporator and condenser approach [K].
pub const DEFAULT_APPROACH_K: f64 = 5.0;
/// A substation's valve passes this multiple of its design flow when fully open [-].
const SUBSTATION_FLOW_MARGIN: f64 = 1.5;

/// What a device link holds, before its link index is known.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkDevice {
    /// A cold-plate rack.
    Rack(ColdPlateRackSpec),
    /// A dry cooler with its fans' leaving set-point [K].
    DryCooler(DryCooler, f64),
    /// A district substation.
    Substation(SubstationSpec),
    /// A backup boiler.
    Boiler(BoilerSpec),
}

impl LinkDevice {
    /// The device, on link `link`.
    pub fn at_link(self, link: usize) -> crate::device::Device {
        use crate::device::Device;
        match self {
            LinkDevice::Rack(spec) => Device::Rack { link, spec },
            LinkDevice::DryCooler(cooler, leaving_setpoint_k) => Device::DryCooler {
                link,
                cooler,
                leaving_setpoint_k,
            },
            LinkDevice::Substation(spec) => Device::Substation { link, spec },
            LinkDevice::Boiler(spec) => Device::Boiler { link, spec },
        }
    }
}

/// A coupling between named links, before the names are resolved.
#[derive(Debug, Clone, PartialEq)]
pub enum Coupling {
    /// A heat exchanger.
    Exchanger {
        /// Hot and cold side link names, with their offsets.
        hot: (String, usize),
        /// The cold side.
        cold: (String, usize),
        /// Flow arrangement.
        arrangement: FlowArrangement,
        /// How it is sized.
        rating: ExchangerRating,
        /// Supply control: valve link, set-point [K], gain [1/K], integral time [s].
        control: Option<((String, usize), f64, f64, f64)>,
    },
    /// A heat-pump bank.
    HeatPumps {
        /// Evaporator link.
        evaporator: (String, usize),
        /// Condenser link.
        condenser: (String, usize),
        /// The units.
        bank: HeatPumpBank,
        /// Condenser leaving set-point [K].
        supply_setpoint_k: f64,
    },
}

/// How an exchanger is sized: flows of both sides [kg/s or m³/s, see `Value::volumetric`] and
/// either its UA or a design duty with both inlet temperatures.
#[derive(Debug, Clone, PartialEq)]
pub struct ExchangerRating {
    /// Hot-side design flow.
    pub hot_flow: Value,
    /// Cold-side design flow.
    pub cold_flow: Value,
    /// UA at the design flows [W/K], or
    pub ua_w_k: Option<f64>,
    /// design duty [W] with hot and cold inlet temperatures [K].
    pub duty: Option<(f64, f64, f64)>,
}

/// A link device: its hydraulic law and its thermal description.
pub fn read_link_device(
    r: &mut Reader<'_, '_>,
    kind: &str,
    fluid: &Fluid,
    initial_k: f64,
) -> Option<(Component, LinkDevice)> {
    let density = fluid.density_kg_m3(initial_k);
    match kind {
        "rack" => read_rack(r, fluid, initial_k, density),
        "dry_cooler" => read_dry_cooler(r, fluid, density),
        "substation" => read_substation(r, fluid, initial_k),
        "boiler" => read_boiler(r, fluid, initial_k, density),
        _ => unreachable!("kind checked by the caller"),
    }
}

fn read_rack(
    r: &mut Reader<'_, '_>,
    fluid: &Fluid,
    initial_k: f64,
    density: f64,
) -> Option<(Component, LinkDevice)> {
    let power = r.required_quantity("it_power", Quantity::Power, "the rack's design IT power");
    let liquid_fraction = r.number_in("liquid_fraction", 0.0, 1.0, DEFAULT_LIQUID_FRACTION);
    let volume = r.optional_positive_quantity("coolant_volume", Quantity::Volume);
    let solid_kj_k = r.number("plate_heat_capacity_kj_k");
    let chip_limit = r.temperature("chip_limit");
    let chip_resistance = r.number("chip_resistance_k_w");
    let chip_share = r.number_in("chip_share", 0.0, 1.0, DEFAULT_CHIP_SHARE);
    let chips = r.count("chips");
    let class = read_class(r);
    // The cold plates' pressure drop is required: it sets the rack's share of the flow.
    let resistance = read_resistance(r, density);
    let power = power?;
    let spec = ColdPlateRackSpec {
        it_power_w: power.si,
        liquid_fraction,
        coolant_volume_m3: volume.map_or(DEFAULT_COOLANT_VOLUME_M3, |v| v.si),
        solid_capacity_j_k: solid_kj_k.map_or(DEFAULT_SOLID_CAPACITY_J_K, |(x, _)| x * 1e3),
        chip_resistance_k_w: chip_resistance.map_or(DEFAULT_CHIP_RESISTANCE_K_W, |(x, _)| x),
        chip_share: chip_share.min(liquid_fraction),
        chips: chips.map_or(DEFAULT_CHIPS_PER_RACK, |(n, _)| n as u32),
        chip_limit_k: chip_limit.map_or(DEFAULT_CHIP_LIMIT_K, |v| v.si),
        class: class?,
    };
    if let Err(e) = ColdPlateRack::new(&spec, fluid, initial_k) {
        r.error(e.to_string());
        return None;
    }
    let source = HeatSource {
        duty: HeatDuty::Fixed {
            heat_w: spec.it_power_w * spec.liquid_fraction,
        },
        resistance: Some(resistance?),
    };
    Some((Component::HeatSource(source), LinkDevice::Rack(spec)))
}

/// `class = "W45"`: the rack's ASHRAE liquid-cooling class [W45].
fn read_class(r: &mut Reader<'_, '_>) -> Option<LiquidCoolingClass> {
    let Some((name, at)) = r.string("class") else {
        return Some(dctwin_components::rack::DEFAULT_CLASS);
    };
    let class = match name.as_str() {
        "W17" => LiquidCoolingClass::W17,
        "W27" => LiquidCoolingClass::W27,
        "W32" => LiquidCoolingClass::W32,
        "W40" => LiquidCoolingClass::W40,
        "W45" => LiquidCoolingClass::W45,
        _ => {
            let msg = format!(
                "unknown ASHRAE liquid-cooling class \"{name}\": expected W17, W27, W32, W40 or W45"
            );
            r.error_at(at, "class", msg);
            return None;
        }
    };
    Some(class)
}

fn read_dry_cooler(
    r: &mut Reader<'_, '_>,
    fluid: &Fluid,
    density: f64,
) -> Option<(Component, LinkDevice)> {
    let heat = r.positive_quantity(
        "design_heat",
        Quantity::Power,
        "the heat rejected at design",
    );
    let t_in = r.temperature("design_water_in");
    let t_out = r.temperature("design_water_out");
    if t_in.is_none() && !r.has_quantity("design_water_in", Quantity::Temperature) {
        r.missing(
            vec!["design_water_in_c".into()],
            "missing design_water_in_c (water entering at design)".into(),
        );
    }
    if t_out.is_none() && !r.has_quantity("design_water_out", Quantity::Temperature) {
        r.missing(
            vec!["design_water_out_c".into()],
            "missing design_water_out_c (water leaving at design)".into(),
        );
    }
    let t_air = r.temperature("design_air");
    if t_air.is_none() && !r.has_quantity("design_air", Quantity::Temperature) {
        r.missing(
            vec!["design_air_c".into()],
            "missing design_air_c (the dry-bulb temperature of the design point)".into(),
        );
    }
    let rh = r.number_in("design_air_rh", 0.0, 1.0, DEFAULT_DESIGN_AIR_RH);
    let rise = r.optional_positive_quantity("air_rise", Quantity::TemperatureDifference);
    let fan = r.required_quantity(
        "fan_power",
        Quantity::Power,
        "the fans' power at full speed",
    );
    let setpoint = r.temperature("leaving_setpoint");
    let adiabatic = r.temperature("adiabatic_above");
    let pad = r.number_in("pad_efficiency", 0.0, 1.0, DEFAULT_PAD_EFFICIENCY);
    let resistance = read_resistance(r, density);
    let (heat, t_in, t_out, t_air, fan) = (heat?, t_in?, t_out?, t_air?, fan?);
    let psy = Psychrometrics::new(STANDARD_ATMOSPHERE_PA).ok()?;
    let ambient: MoistAir = psy.air_from_relative_humidity(t_air.si, rh);
    let rise_k = rise.map_or(DEFAULT_AIR_RISE_K, |v| v.si);
    let rating = DryCoolerRating {
        heat_w: heat.si,
        t_water_in_k: t_in.si,
        t_water_out_k: t_out.si,
        ambient,
        air_flow_kg_s: heat.si / (psychrometric_cp(ambient) * rise_k),
        fan_power_w: fan.si,
    };
    let mut cooler = match DryCooler::from_rating(&rating, fluid) {
        Ok(c) => c,
        Err(e) => {
            r.error(e.to_string());
            return None;
        }
    };
    if let Some(t) = adiabatic {
        cooler.precooling = Some(AdiabaticPrecooling {
            pad_efficiency: pad,
            switch_on_k: t.si,
        });
    }
    let setpoint_k = setpoint.map_or(t_out.si, |v| v.si);
    let source = HeatSource {
        duty: HeatDuty::OutletSetpoint {
            outlet_k: setpoint_k,
        },
        resistance: Some(resistance?),
    };
    Some((
        Component::HeatSource(source),
        LinkDevice::DryCooler(cooler, setpoint_k),
    ))
}

/// Specific heat of moist air per kg of dry air [J/(kg K)].
fn psychrometric_cp(air: MoistAir) -> f64 {
    dctwin_components::psychrometrics::specific_heat_j_kg_k(air.humidity_ratio)
}

fn read_substation(
    r: &mut Reader<'_, '_>,
    fluid: &Fluid,
    initial_k: f64,
) -> Option<(Component, LinkDevice)> {
    let demand = r.required_quantity("design_demand", Quantity::Power, "the design heat demand");
    let min_supply = r.temperature("min_supply");
    let ret = r.temperature("return");
    for (stem, what) in [
        (
            "min_supply",
            "the lowest supply at which it meets its demand",
        ),
        ("return", "the temperature it returns the water at"),
    ] {
        if !r.has_quantity(stem, Quantity::Temperature) {
            let msg = format!("missing {stem}_c ({what})");
            r.missing(vec![format!("{stem}_c")], msg);
        }
    }
    let max_flow = r.optional_positive_quantity("max_flow", Quantity::Flow);
    let volume = r.optional_positive_quantity("volume", Quantity::Volume);
    let (demand, min_supply, ret) = (demand?, min_supply?, ret?);
    let density = fluid.density_kg_m3(initial_k);
    let cp = fluid.specific_heat_j_kg_k(initial_k);
    let design_flow = demand.si / (cp * (min_supply.si - ret.si).max(1.0));
    let spec = SubstationSpec {
        demand_w: demand.si,
        min_supply_k: min_supply.si,
        return_target_k: ret.si,
        max_flow_kg_s: max_flow.map_or(design_flow * SUBSTATION_FLOW_MARGIN, |v| {
            v.mass_flow(density)
        }),
        volume_m3: volume.map_or(DEFAULT_SUBSTATION_VOLUME_M3, |v| v.si),
        solid_capacity_j_k: 0.0,
    };
    if let Err(e) = DistrictSubstation::new(&spec, fluid, initial_k) {
        r.error(e.to_string());
        return None;
    }
    let consumer = HeatConsumer {
        heat_w: spec.demand_w,
        return_k: spec.return_target_k,
    };
    Some((
        Component::HeatConsumer(consumer),
        LinkDevice::Substation(spec),
    ))
}

fn read_boiler(
    r: &mut Reader<'_, '_>,
    fluid: &Fluid,
    initial_k: f64,
    density: f64,
) -> Option<(Component, LinkDevice)> {
    let capacity = r.positive_quantity("capacity", Quantity::Power, "the boiler's largest heat");
    let setpoint = r.temperature("setpoint");
    if !r.has_quantity("setpoint", Quantity::Temperature) {
        r.missing(
            vec!["setpoint_c".into()],
            "missing setpoint_c (the outlet temperature it tops the water up to)".into(),
        );
    }
    let kind = match r.string("fuel") {
        None => Some(BoilerKind::GasCondensing),
        Some((f, _)) if f == "gas" => Some(BoilerKind::GasCondensing),
        Some((f, _)) if f == "electric" => Some(BoilerKind::Electric),
        Some((f, at)) => {
            r.error_at(
                at,
                "fuel",
                format!("unknown fuel \"{f}\": expected \"gas\" or \"electric\""),
            );
            None
        }
    };
    let efficiency = r.number("efficiency").map(|(x, _)| x);
    let volume = r.optional_positive_quantity("volume", Quantity::Volume);
    let resistance = read_resistance(r, density);
    let spec = BoilerSpec {
        kind: kind?,
        capacity_w: capacity?.si,
        setpoint_k: setpoint?.si,
        efficiency,
        volume_m3: volume.map_or(DEFAULT_BOILER_VOLUME_M3, |v| v.si),
        solid_capacity_j_k: 0.0,
    };
    if let Err(e) = Boiler::new(&spec, fluid, initial_k) {
        r.error(e.to_string());
        return None;
    }
    Some((Component::Resistance(resistance?), LinkDevice::Boiler(spec)))
}

/// A coupling between two links named in the same scope.
pub fn read_coupling(r: &mut Reader<'_, '_>, kind: &str) -> Option<Coupling> {
    match kind {
        "heat_exchanger" => read_exchanger(r),
        "heat_pump" => read_heat_pump(r),
        _ => unreachable!("kind checked by the caller"),
    }
}

fn read_exchanger(r: &mut Reader<'_, '_>) -> Option<Coupling> {
    let hot = r.required_string("hot_side", "the component whose water gives heat");
    let cold = r.required_string("cold_side", "the component whose water takes heat");
    let arrangement = match r.string("arrangement") {
        None => Some(FlowArrangement::CounterFlow),
        Some((a, at)) => match a.as_str() {
            "counter_flow" => Some(FlowArrangement::CounterFlow),
            "parallel_flow" => Some(FlowArrangement::ParallelFlow),
            "cross_flow" => Some(FlowArrangement::CrossFlowUnmixed),
            _ => {
                let msg = format!(
                    "unknown arrangement \"{a}\": expected counter_flow, parallel_flow or cross_flow"
                );
                r.error_at(at, "arrangement", msg);
                None
            }
        },
    };
    let hot_flow = r.positive_quantity(
        "design_hot_flow",
        Quantity::Flow,
        "the hot side's design flow",
    );
    let cold_flow = r.positive_quantity(
        "design_cold_flow",
        Quantity::Flow,
        "the cold side's design flow",
    );
    let ua = r.optional_positive_quantity("ua", Quantity::Conductance);
    let heat = r.optional_positive_quantity("design_heat", Quantity::Power);
    let hot_in = r.temperature("design_hot_in");
    let cold_in = r.temperature("design_cold_in");
    let duty = match (&ua, &heat, &hot_in, &cold_in) {
        (Some(_), None, None, None) => Some(None),
        (None, Some(q), Some(h), Some(c)) => Some(Some((q.si, h.si, c.si))),
        _ => {
            r.error(
                "size the exchanger by ua_kw_k, or by design_heat_kw with design_hot_in_c and design_cold_in_c",
            );
            None
        }
    };
    let setpoint = r.temperature("supply_setpoint");
    let valve = r.string("control_valve");
    let gain = r.number("gain_per_k").map(|(x, _)| x);
    let ti = r.optional_positive_quantity("integral_time", Quantity::Time);
    let control = match (setpoint, valve) {
        (None, None) => Some(None),
        (Some(s), Some(v)) => Some(Some((
            v,
            s.si,
            gain.unwrap_or(crate::device::DEFAULT_SUPPLY_GAIN_PER_K),
            ti.map_or(crate::device::DEFAULT_SUPPLY_INTEGRAL_TIME_S, |t| t.si),
        ))),
        _ => {
            r.error("a supply controller needs both supply_setpoint_c and control_valve");
            None
        }
    };
    Some(Coupling::Exchanger {
        hot: hot?,
        cold: cold?,
        arrangement: arrangement?,
        rating: ExchangerRating {
            hot_flow: hot_flow?,
            cold_flow: cold_flow?,
            ua_w_k: ua.map(|v| v.si),
            duty: duty?,
        },
        control: control?,
    })
}

fn read_heat_pump(r: &mut Reader<'_, '_>) -> Option<Coupling> {
    let evaporator = r.required_string("evaporator", "the component the heat is taken from");
    let condenser = r.required_string("condenser", "the component the heat is delivered to");
    let capacity = r.positive_quantity(
        "heating_capacity",
        Quantity::Power,
        "each unit's rated heating capacity",
    );
    let units = r.count("units").map_or(1, |(n, _)| n);
    let eta = r.number_in("carnot_fraction", 0.05, 0.95, DEFAULT_CARNOT_FRACTION);
    let evap_approach = r.quantity("evaporator_approach", Quantity::TemperatureDifference);
    let cond_approach = r.quantity("condenser_approach", Quantity::TemperatureDifference);
    let setpoint = r.temperature("supply_setpoint");
    if !r.has_quantity("supply_setpoint", Quantity::Temperature) {
        r.missing(
            vec!["supply_setpoint_c".into()],
            "missing supply_setpoint_c (the condenser leaving temperature it holds)".into(),
        );
    }
    let capacity = capacity?;
    let model = CarnotFraction::constant(eta).and_then(|f| {
        CopModel::carnot(
            f,
            evap_approach.map_or(DEFAULT_APPROACH_K, |v| v.si),
            cond_approach.map_or(DEFAULT_APPROACH_K, |v| v.si),
        )
    });
    let bank = model
        .and_then(|m| HeatPump::new(Mode::Heating, m, capacity.si))
        .and_then(|unit| HeatPumpBank::new(unit, units));
    let bank = match bank {
        Ok(b) => b,
        Err(e) => {
            r.error(e.to_string());
            return None;
        }
    };
    Some(Coupling::HeatPumps {
        evaporator: evaporator?,
        condenser: condenser?,
        bank,
        supply_setpoint_k: setpoint?.si,
    })
}
