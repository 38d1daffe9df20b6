//! What the design flows need where a pump could not deliver them: the short loops' pumps'
//! pressure-rise set-points raised together, their speed limits lifted, by bisection until
//! every PI loop is back inside its travel; the pipes and the plant sized at those flows.

use super::limits::controllers_at_limit;
use super::pipes::{PipeSizing, pipes};
use super::plant::{DeviceProposal, proposals};
use super::pumps::at_speed_limit;
use super::rules::SizingRules;
use crate::design::{DesignPoint, DesignWeather, Limit, design_point};
use dctwin_components::{Component, PumpControl};
use dctwin_model::Facility;
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
    /// Each pump raised: name, set-point before and after [bar], and its duty then: flow
    /// [m³/h], head [m], speed (relative to its curve's) and electric power [kW].
    pub pumps: Vec<RaisedPump>,
    /// The pipes at the design flows.
    pub pipes: Vec<PipeSizing>,
    /// The plant's proposals at the design flows.
    pub proposals: Vec<DeviceProposal>,
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

/// Whether `point` falls short of its design flows: a pump at its speed limit, or a PI loop at
/// its highest output.
pub fn short_of_design(point: &DesignPoint) -> bool {
    !short_loops(point).is_empty()
}

/// The loops `point` falls short in: those of its PI loops at their highest output and of
/// its pumps at their speed limit.
pub fn short_loops(point: &DesignPoint) -> Vec<usize> {
    let network = &point.plant.network;
    let mut loops: Vec<usize> = (point.rest.controllers.iter())
        .filter(|c| c.limit == Some(Limit::Highest))
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

/// The smallest factor on the set-points of the pressure-controlled pumps of `loops` (their
/// speed limits lifted) at which no PI loop stands at its highest output, found by bisection
/// to 1 % between 1 and [`HIGHEST_FACTOR`], with the pumps' duties, the pipes and the plant at
/// those flows. Where even the highest factor leaves a loop short, something other than flow
/// holds it back: the loops still short and the plant there, not reached. `None` if those
/// loops have no such pump.
pub fn design_flows(
    facility: &Facility,
    loops: &[usize],
    weather: DesignWeather,
    rules: &SizingRules,
) -> Result<Option<DesignFlows>, dctwin_sim::SimError> {
    let raised_pump = |link: &dctwin_model::Link| {
        loops.contains(&link.loop_index)
            && matches!(&link.component, Component::Pump(p)
                if matches!(p.control, PumpControl::DifferentialPressure { .. }))
    };
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
    let holds = |point: &DesignPoint| {
        !(point.rest.controllers.iter()).any(|c| c.limit == Some(Limit::Highest))
    };
    if !facility.links.iter().any(raised_pump) {
        return Ok(None);
    }
    let (mut lo, mut hi) = (1.0, HIGHEST_FACTOR);
    let mut best = design_point(&raised(hi), weather)?;
    if !holds(&best) {
        let short: Vec<_> = (best.rest.controllers.iter())
            .filter(|c| c.limit == Some(Limit::Highest))
            .cloned()
            .collect();
        return Ok(Some(DesignFlows {
            reached: false,
            factor: hi,
            still_short: controllers_at_limit(&short),
            pumps: Vec::new(),
            pipes: Vec::new(),
            proposals: proposals(&best),
        }));
    }
    let first = design_point(&raised(lo), weather)?;
    if holds(&first) {
        hi = lo;
        best = first;
    }
    while hi / lo > 1.01 {
        let mid = (lo * hi).sqrt();
        let point = design_point(&raised(mid), weather)?;
        if holds(&point) {
            (hi, best) = (mid, point);
        } else {
            lo = mid;
        }
    }
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
            needed_bar: setpoint_pa * hi / 1e5,
            flow_m3_h: op.flow_m3_s * 3600.0,
            head_m: op.head_m,
            speed: op.speed,
            max_speed: p0.max_speed,
            electric_kw: op.electric_w / 1e3,
        })
    })
    .collect();
    let pipes = pipes(&best, &best.rest.steady, rules);
    let proposals = proposals(&best);
    Ok(Some(DesignFlows {
        reached: true,
        factor: hi,
        still_short: Vec::new(),
        pumps,
        pipes,
        proposals,
    }))
}
