//! What the design flows need where a pump could not deliver them: the short loops' pumps'
//! pressure-rise set-points raised together, their speed limits lifted, by bisection until
//! every PI loop is back inside its travel; the pipes and the plant sized at those flows.

use super::group::{gather, generic_name};
use super::limits::controllers_at_limit;
use super::pipes::{PipeSizing, pipes};
use super::plant::{DeviceProposal, proposals, resizes};
use super::pumps::at_speed_limit;
use super::rules::SizingRules;
use crate::design::{
    ControllerAtRest, DesignPoint, DesignWeather, Limit, Resize, design_point_resized,
};
use dctwin_components::{Component, PumpControl};
use dctwin_model::Facility;
use dctwin_sim::setting::Setting;
use serde::Serialize;

/// What the design flows need where a pump could not deliver them: the pumps' pressure-rise
/// set-points raised together, and their speed limits lifted, until every PI loop holds its
/// set-point inside its travel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DesignFlows {
    /// Whether raising the pumps reaches the design flows. If not, the rest describes the
    /// highest factor tried: the PI loops still short there and the plant at those flows.
    pub reached: bool,
    /// The factor on the pressure-rise set-points [-].
    pub factor: f64,
    /// The PI loops still at their highest output at that factor (none where reached).
    pub still_short: Vec<String>,
    /// Whether the flows also hold with the heat recovery off (the model has heat pumps).
    pub recovery_off: bool,
    /// The plant devices the search grew (with the pumps) to reach the design flows.
    pub plant_changes: Vec<PlantChange>,
    /// Each pump raised: name, set-point before and after [bar], and its duty then: flow
    /// [m³/h], head [m], speed (relative to its curve's) and electric power [kW].
    pub pumps: Vec<RaisedPump>,
    /// The pipes of the short loops at the design flows.
    pub pipes: Vec<PipeSizing>,
    /// The plant's proposals at the design flows.
    pub proposals: Vec<DeviceProposal>,
}

/// A device parameter the design-flow search changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlantChange {
    /// The device (a template's named once).
    pub device: String,
    /// Instances changed.
    pub count: usize,
    /// Its parameter (`units_in_service`).
    pub parameter: &'static str,
    /// Its value in the model (SI).
    pub from: f64,
    /// Its value at the design flows (SI).
    pub to: f64,
}

/// A pump whose set-point the design flows raise.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RaisedPump {
    /// Its name.
    pub name: String,
    /// Its pressure-rise set-point in the model [bar].
    pub setpoint_bar: f64,
    /// The set-point the design flows need [bar].
    pub needed_bar: f64,
    /// Its flow then [m³/h].
    pub flow_m3_h: f64,
    /// Its head then [m].
    pub head_m: f64,
    /// Its speed then, relative to its curve's (above its limit where it cannot).
    pub speed: Option<f64>,
    /// Its highest speed in the model.
    pub max_speed: f64,
    /// Its electric power then [kW].
    pub electric_kw: f64,
}

/// The loops `point` falls short in: those of its PI loops at their highest output and of
/// its pumps at their speed limit.
pub fn short_loops(point: &DesignPoint) -> Vec<usize> {
    let network = &point.plant.network;
    let mut loops: Vec<usize> = at_highest(point)
        .map(|c| c.loop_index)
        .chain(
            (network.links.iter().zip(&point.rest.steady.links))
                .filter(|(link, r)| {
                    matches!((&link.component, &r.pump), (Component::Pump(p), Some(op))
                        if at_speed_limit(p, op))
                })
                .map(|(link, _)| link.loop_index),
        )
        .collect();
    loops.sort_unstable();
    loops.dedup();
    loops
}

/// The highest factor the design-flow search tries on the pumps' set-points [-]: eight times
/// the pressure rise is about 2.8 times the flow through a fixed system, far past what a pump
/// swap gives; a loop still short there is short of something other than flow.
pub const HIGHEST_FACTOR: f64 = 8.0;

/// How many times the search grows the plant's devices (each time to what they propose where
/// the highest factor leaves loops short) before it gives up.
const GROWTHS: usize = 4;

/// What one bisection on the pumps' set-points found.
enum Search {
    /// The design flows are reached at this factor; the point there.
    Reached(f64, Box<DesignPoint>),
    /// Even the highest factor leaves loops short; the point there.
    Short(Box<DesignPoint>),
}

/// The smallest factor on the set-points of the pressure-controlled pumps of `loops` (their
/// speed limits lifted) at which no PI loop stands at its highest output, bracketed by
/// doubling from 1 up to [`HIGHEST_FACTOR`] and found by bisection to 1 %, with the pumps'
/// duties, the pipes and the plant at those flows. A factor holds when it holds in every
/// configuration of `bases` (the heat recovery off, which leaves the most heat to the
/// rejecters, and on); what is reported is the first's. No configuration: the model's.
///
/// Where even the highest factor leaves a loop short, something other than flow holds it
/// back: a plant device that cannot hold its set-point at the larger flows (a dry cooler whose
/// coils are too few once the same heat comes in more, cooler, water). The devices that fall
/// short there are grown to what they propose and the search is run again, up to [`GROWTHS`]
/// times; once the flows are reached, each grown device is brought back to what it proposes at
/// those flows if that still reaches them. What was grown is reported; if nothing reaches the
/// flows, the loops still short and the plant at the highest factor. `None` if those loops
/// have no such pump.
pub fn design_flows(
    facility: &Facility,
    loops: &[usize],
    weather: DesignWeather,
    rules: &SizingRules,
    bases: &[&[Resize]],
) -> Result<Option<DesignFlows>, dctwin_sim::SimError> {
    let bases: &[&[Resize]] = if bases.is_empty() { &[&[]] } else { bases };
    let raised_pump = |link: &dctwin_model::Link| {
        loops.contains(&link.loop_index)
            && matches!(&link.component, Component::Pump(p)
                if matches!(p.control, PumpControl::DifferentialPressure { .. }))
    };
    if !facility.links.iter().any(raised_pump) {
        return Ok(None);
    }
    let raised = |factor: f64| {
        let mut f = facility.clone();
        for link in &mut f.links {
            if !raised_pump(link) {
                continue;
            }
            if let Component::Pump(p) = &mut link.component
                && let PumpControl::DifferentialPressure { setpoint_pa } = &mut p.control
            {
                *setpoint_pa *= factor;
                p.max_speed = f64::INFINITY;
            }
        }
        f
    };
    // Doubling from 1 to the first factor that holds, then bisection: more flow does not
    // always help (past some flow a dry cooler's coils no longer hold their set-point), so the
    // bracket is found from below.
    let search = |grown: &[Resize]| -> Result<Search, dctwin_sim::SimError> {
        // Whether `factor` holds in every configuration, with the first configuration's point,
        // or the first that does not hold.
        let at = |factor: f64| -> Result<(bool, DesignPoint), dctwin_sim::SimError> {
            let mut first = None;
            for base in bases {
                let settings: Vec<Resize> = base.iter().chain(grown).copied().collect();
                let point = design_point_resized(&raised(factor), weather, &settings)?;
                if !holds(&point) {
                    return Ok((false, point));
                }
                first.get_or_insert(point);
            }
            Ok((true, first.expect("a configuration at least")))
        };
        let (held, first) = at(1.0)?;
        if held {
            return Ok(Search::Reached(1.0, Box::new(first)));
        }
        let (mut lo, mut hi) = (1.0, 2.0);
        let mut best = loop {
            let (held, point) = at(hi)?;
            if held {
                break point;
            }
            if hi >= HIGHEST_FACTOR {
                return Ok(Search::Short(Box::new(point)));
            }
            (lo, hi) = (hi, (2.0 * hi).min(HIGHEST_FACTOR));
        };
        while hi / lo > 1.01 {
            let mid = (lo * hi).sqrt();
            let (held, point) = at(mid)?;
            if held {
                (hi, best) = (mid, point);
            } else {
                lo = mid;
            }
        }
        Ok(Search::Reached(hi, Box::new(best)))
    };
    let (model_plant, _) = dctwin_sim::plant_of(facility)?;
    let installed = |r: &Resize| setting_value(&model_plant, r);
    let mut resized: Vec<Resize> = Vec::new();
    let mut outcome = search(&resized)?;
    for _ in 0..GROWTHS {
        let Search::Short(point) = &outcome else {
            break;
        };
        let grown = grown(&resized, &resizes(point, true));
        if grown == resized {
            break;
        }
        resized = grown;
        outcome = search(&resized)?;
    }
    if let Search::Reached(_, point) = &outcome
        && !resized.is_empty()
    {
        let trimmed = trimmed(&resized, &resizes(point, false), installed);
        if trimmed != resized
            && let again @ Search::Reached(..) = search(&trimmed)?
        {
            (resized, outcome) = (trimmed, again);
        }
    }
    let changes = plant_changes(&model_plant, &resized);
    let (factor, best) = match outcome {
        Search::Reached(factor, best) => (factor, best),
        Search::Short(point) => {
            let short: Vec<_> = at_highest(&point).cloned().collect();
            return Ok(Some(DesignFlows {
                reached: false,
                recovery_off: bases.iter().any(|b| !b.is_empty()),
                factor: HIGHEST_FACTOR,
                still_short: controllers_at_limit(&short),
                plant_changes: changes,
                pumps: Vec::new(),
                pipes: Vec::new(),
                proposals: proposals(&point, &point),
            }));
        }
    };
    let network = &best.plant.network;
    let pumps = (facility
        .links
        .iter()
        .zip(network.links.iter())
        .zip(&best.rest.steady.links))
    .filter(|((model, _), _)| raised_pump(model))
    .filter_map(|((model, link), r)| {
        let (Component::Pump(p0), Component::Pump(_), Some(op)) =
            (&model.component, &link.component, &r.pump)
        else {
            return None;
        };
        let PumpControl::DifferentialPressure { setpoint_pa } = p0.control else {
            return None;
        };
        Some(RaisedPump {
            name: link.name.to_string(),
            setpoint_bar: setpoint_pa / 1e5,
            needed_bar: setpoint_pa * factor / 1e5,
            flow_m3_h: op.flow_m3_s * 3600.0,
            head_m: op.head_m,
            speed: op.speed,
            max_speed: p0.max_speed,
            electric_kw: op.electric_w / 1e3,
        })
    })
    .collect();
    Ok(Some(DesignFlows {
        reached: true,
        recovery_off: bases.iter().any(|b| !b.is_empty()),
        factor,
        still_short: Vec::new(),
        plant_changes: changes,
        pumps,
        pipes: pipes_of(&best, loops, rules),
        proposals: proposals(&best, &best),
    }))
}

/// The pipes of `loops` at `point`: those whose flows the raised pumps set (the others'
/// change only with the heat recovery off, which is no design of theirs).
fn pipes_of(point: &DesignPoint, loops: &[usize], rules: &SizingRules) -> Vec<PipeSizing> {
    let network = &point.plant.network;
    let names: Vec<String> = (network.links.iter())
        .filter(|l| loops.contains(&l.loop_index))
        .map(|l| generic_name(&l.name))
        .collect();
    (pipes(point, &point.rest.steady, rules).into_iter())
        .filter(|p| names.contains(&p.name))
        .collect()
}

/// The PI loops of `point` at their highest output.
fn at_highest(point: &DesignPoint) -> impl Iterator<Item = &ControllerAtRest> {
    (point.rest.controllers.iter()).filter(|c| c.limit == Some(Limit::Highest))
}

/// Whether every PI loop of `point` is inside its travel at the top.
fn holds(point: &DesignPoint) -> bool {
    at_highest(point).next().is_none()
}

/// The value in `plant` of the parameter `r` sets.
fn setting_value(plant: &dctwin_sim::Plant, r: &Resize) -> Option<f64> {
    match r.setting {
        Setting::Device { link, name } => plant.device(link)?.get(name),
        Setting::Coupling { index, name } => plant.couplings.get(index)?.coupling.get(name),
        _ => None,
    }
}

/// `resized` with each parameter of `wanted` grown to its wanted value, never shrunk.
fn grown(resized: &[Resize], wanted: &[Resize]) -> Vec<Resize> {
    let mut out = resized.to_vec();
    for w in wanted {
        match (out.iter_mut()).find(|r| r.setting == w.setting) {
            Some(r) => r.value = r.value.max(w.value),
            None => out.push(*w),
        }
    }
    out
}

/// `resized` with each parameter brought back to what its device proposes at the reached flows
/// (`proposed`), but not below what the model gives it (`installed`).
fn trimmed(
    resized: &[Resize],
    proposed: &[Resize],
    installed: impl Fn(&Resize) -> Option<f64>,
) -> Vec<Resize> {
    (resized.iter())
        .map(|r| {
            let wanted = (proposed.iter())
                .find(|p| p.setting == r.setting)
                .map_or(r.value, |p| p.value);
            Resize {
                value: wanted.max(installed(r).unwrap_or(wanted)).min(r.value),
                ..*r
            }
        })
        .collect()
}

/// What `resized` changes in the model's plant `plant`, each from the model's value; a
/// template's devices together, at the largest change.
fn plant_changes(plant: &dctwin_sim::Plant, resized: &[Resize]) -> Vec<PlantChange> {
    let each = resized.iter().map(|r| {
        let change = PlantChange {
            device: generic_name(&r.target_name(plant)),
            count: 1,
            parameter: r.parameter(),
            from: setting_value(plant, r).unwrap_or(f64::NAN),
            to: r.value,
        };
        ((change.device.clone(), change.parameter), change)
    });
    (gather(each, |a, b| a.to - a.from > b.to - b.from).into_iter())
        .map(|(_, count, change)| PlantChange { count, ..change })
        .collect()
}
