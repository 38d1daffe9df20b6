//! The keys of the couplings (`heat_exchanger`, `heat_pump`), read into the components' SI
//! parameters.

use crate::device::HeatPumpStaging;
use crate::reader::{Reader, Value};
use crate::units::Quantity;
use dctwin_components::heat_exchanger::FlowArrangement;
use dctwin_components::heat_pump::{
    CarnotFraction, CopModel, DEFAULT_EVAPORATOR_UNLOADING_BAND_K,
    DEFAULT_MIN_EVAPORATOR_LEAVING_K, DEFAULT_MIN_PART_LOAD, HeatPump, HeatPumpBank,
    MAX_MIN_PART_LOAD, Mode,
};

/// Default Carnot fraction of a water-to-water heat pump [-] (the TESPy reference gives 0.55–0.6).
pub const DEFAULT_CARNOT_FRACTION: f64 = 0.55;
/// Default evaporator and condenser approach [K].
pub const DEFAULT_APPROACH_K: f64 = 5.0;

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
        /// How its units are switched.
        staging: HeatPumpStaging,
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
    let scaled = match r.string("approaches") {
        None => Some(false),
        Some((word, _)) if word == "fixed" => Some(false),
        Some((word, _)) if word == "load" => Some(true),
        Some((word, at)) => {
            let msg = format!(
                "unknown approaches \"{word}\": expected \"fixed\" or \"load\" (the approaches \
                 given are at full load and scale with the part-load ratio)"
            );
            r.error_at(at, "approaches", msg);
            None
        }
    };
    let setpoint = r.temperature("supply_setpoint");
    if !r.has_quantity("supply_setpoint", Quantity::Temperature) {
        r.missing(
            vec!["supply_setpoint_c".into()],
            "missing supply_setpoint_c (the condenser leaving temperature it holds)".into(),
        );
    }
    let min_part_load = r.number_in(
        "min_part_load",
        0.0,
        MAX_MIN_PART_LOAD,
        DEFAULT_MIN_PART_LOAD,
    );
    let staging = read_staging(r);
    let min_leaving = r.temperature("min_evaporator_leaving");
    let unloading = match r.quantity("evaporator_unloading", Quantity::TemperatureDifference) {
        Some(v) if v.si < 0.0 => {
            r.error_at(v.offset, &v.key, "expected a temperature difference ≥ 0 K");
            None
        }
        other => other,
    };
    let capacity = capacity?;
    let model = CarnotFraction::constant(eta).and_then(|f| {
        CopModel::carnot(
            f,
            evap_approach.map_or(DEFAULT_APPROACH_K, |v| v.si),
            cond_approach.map_or(DEFAULT_APPROACH_K, |v| v.si),
        )
    });
    let model = match scaled? {
        true => model.map(CopModel::with_load_scaled_approaches),
        false => model,
    };
    let bank = model
        .and_then(|m| HeatPump::new(Mode::Heating, m, capacity.si))
        .and_then(|unit| unit.with_min_part_load(min_part_load))
        .and_then(|unit| {
            unit.with_evaporator_limit(
                min_leaving.map_or(DEFAULT_MIN_EVAPORATOR_LEAVING_K, |v| v.si),
                unloading.map_or(DEFAULT_EVAPORATOR_UNLOADING_BAND_K, |v| v.si),
            )
        })
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
        staging: staging?,
    })
}

/// A bank's staging: `stage_up_load` [0.9], `stage_down_load` [0.75], `stage_up_delay_s` [300],
/// `stage_down_delay_s` [600].
fn read_staging(r: &mut Reader<'_, '_>) -> Option<HeatPumpStaging> {
    let d = HeatPumpStaging::default();
    // At least the largest minimum part load, so that one unit is never both too much and too
    // little (see the simulation's staging).
    let up_load = r.number_in("stage_up_load", MAX_MIN_PART_LOAD, 1.0, d.up_load);
    let down = r.number("stage_down_load");
    let delay =
        |r: &mut Reader<'_, '_>, stem: &str, default: f64| match r.quantity(stem, Quantity::Time) {
            Some(v) if v.si >= 0.0 => Some(v.si),
            Some(v) => {
                r.error_at(v.offset, &v.key, "expected a duration ≥ 0");
                None
            }
            None => Some(default),
        };
    let up_delay_s = delay(r, "stage_up_delay", d.up_delay_s);
    let down_delay_s = delay(r, "stage_down_delay", d.down_delay_s);
    let down_load = match down {
        None => Some(d.down_load.min(up_load)),
        Some((x, _)) if x > 0.0 && x <= up_load => Some(x),
        Some((x, at)) => {
            let msg = format!(
                "expected a load in (0, stage_up_load = {up_load}] (stopping a unit must not call for starting one at once), found {x}"
            );
            r.error_at(at, "stage_down_load", msg);
            None
        }
    };
    Some(HeatPumpStaging {
        up_load,
        down_load: down_load?,
        up_delay_s: up_delay_s?,
        down_delay_s: down_delay_s?,
    })
}
