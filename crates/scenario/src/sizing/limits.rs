//! Limits: every device's and coupling's alarm limits at the design point, and the PI loops
//! standing at a limit of their output.

use super::edge::at_edge;
use super::group::{gather, generic_name};
use crate::design::{ControllerAtRest, DesignPoint, Limit};
use dctwin_components::device::{Variable, Watch};
use serde::Serialize;

/// A device's alarm limit at the design point.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LimitCheck {
    /// The device.
    pub device: String,
    /// The alarm (`supply_over_class`, `chip_over_limit`, …).
    pub alarm: &'static str,
    /// The watched value and its limit, in the variable's unit at the edge (°C for
    /// temperatures, kW for powers).
    pub value: f64,
    /// The limit.
    pub limit: f64,
    /// Whether the value is on the wrong side of the limit.
    pub breached: bool,
}

/// The PI loops at a limit of their output, a template's loops together (the one furthest
/// from its set-point).
pub fn controllers_at_limit(controllers: &[ControllerAtRest]) -> Vec<String> {
    let off = |c: &&ControllerAtRest| (c.measured_k - c.setpoint_k).abs();
    let at_limit = (controllers.iter())
        .filter(|c| c.limit.is_some())
        .map(|c| (generic_name(&c.name), c));
    (gather(at_limit, |a, b| off(a) > off(b)).into_iter())
        .map(|(name, n, c)| {
            let at = match c.limit {
                Some(Limit::Highest) => "at its highest output",
                _ => "at its lowest output",
            };
            let times = if n > 1 {
                format!(" (×{n})")
            } else {
                String::new()
            };
            format!(
                "{name}{times} {at}: reads {:.2} °C for a set-point of {:.2} °C",
                c.measured_k - 273.15,
                c.setpoint_k - 273.15
            )
        })
        .collect()
}

/// Every device's and coupling's alarm limits at the design point, the worst instance of each
/// template's (the one nearest or furthest past its limit).
pub fn limits(point: &DesignPoint) -> Vec<LimitCheck> {
    let plant = &point.plant;
    let values = &point.snapshot.device_values;
    let mut watched: Vec<(String, &[Variable], Vec<Watch>, usize)> = Vec::new();
    for (l, at) in plant.device_value_offsets() {
        if let Some(device) = plant.device(l) {
            let name = generic_name(&plant.network.links[l].name);
            watched.push((name, device.kind().variables, device.watches(), at));
        }
    }
    for (c, at) in plant.couplings.iter().zip(plant.coupling_value_offsets()) {
        let (kind, watches) = (c.coupling.kind(), c.coupling.watches());
        watched.push((generic_name(&c.name), kind.variables, watches, at));
    }
    let checks = watched
        .into_iter()
        .flat_map(|(device, variables, watches, at)| {
            watches.into_iter().map(move |w| {
                let raw = values[at + w.variable];
                let edge = |x: f64| at_edge(variables[w.variable].quantity, x).0;
                let margin = if w.above {
                    w.limit - raw
                } else {
                    raw - w.limit
                };
                let check = LimitCheck {
                    device: device.clone(),
                    alarm: w.alarm,
                    value: edge(raw),
                    limit: edge(w.limit),
                    breached: margin < 0.0,
                };
                (
                    format!("{}/{}", check.device, check.alarm),
                    (check, w.above),
                )
            })
        });
    let worse = |(a, above): &(LimitCheck, bool), (b, _): &(LimitCheck, bool)| {
        if *above {
            a.value > b.value
        } else {
            a.value < b.value
        }
    };
    (gather(checks, worse).into_iter())
        .map(|(_, _, (check, _))| check)
        .collect()
}
