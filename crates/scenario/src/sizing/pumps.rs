//! Pumps: the duty at the design point with a margin on its head, and a generic curve
//! through it; a pump at its speed limit cannot give its loop more.

use super::group::{gather, generic_name};
use super::rules::SizingRules;
use crate::design::DesignPoint;
use dctwin_components::Component;
use dctwin_network::SteadyResult;
use serde::Serialize;

/// A pump (all instances of a template's pump together, at the one with the highest head) at
/// the design point and its proposed duty.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PumpSizing {
    /// Its name (a template's pump named once).
    pub name: String,
    /// Instances.
    pub count: usize,
    /// Flow [m³/h].
    pub flow_m3_h: f64,
    /// Head [m].
    pub head_m: f64,
    /// Electric power [kW].
    pub electric_kw: f64,
    /// Relative speed, where it has a curve.
    pub speed: Option<f64>,
    /// Whether it runs at its highest speed: it cannot give its loop more.
    pub at_speed_limit: bool,
    /// Proposed duty head, with the margin [m].
    pub duty_head_m: f64,
    /// The generic curve's shut-off head and zero-head flow [m, m³/h].
    pub curve: (f64, f64),
}

/// Whether pump `p` runs at its highest speed at operating point `op`.
pub fn at_speed_limit(
    p: &dctwin_components::Pump,
    op: &dctwin_components::PumpOperatingPoint,
) -> bool {
    op.speed.is_some_and(|s| s >= p.max_speed - 1e-6)
}

/// Every pump, instances of a template's pump together at the one with the highest head.
pub fn pumps(point: &DesignPoint, steady: &SteadyResult, rules: &SizingRules) -> Vec<PumpSizing> {
    let network = &point.plant.network;
    let instances = (network.links.iter().zip(&steady.links)).filter_map(|(link, r)| {
        let (Component::Pump(p), Some(op)) = (&link.component, &r.pump) else {
            return None;
        };
        let duty_head_m = op.head_m * (1.0 + rules.head_margin);
        let sizing = PumpSizing {
            name: generic_name(&r.name),
            count: 1,
            flow_m3_h: op.flow_m3_s * 3600.0,
            head_m: op.head_m,
            electric_kw: op.electric_w / 1e3,
            speed: op.speed,
            at_speed_limit: at_speed_limit(p, op),
            duty_head_m,
            curve: (4.0 / 3.0 * duty_head_m, 2.0 * op.flow_m3_s * 3600.0),
        };
        Some((sizing.name.clone(), sizing))
    });
    (gather(instances, |a, b| a.head_m > b.head_m).into_iter())
        .map(|(_, count, sizing)| PumpSizing { count, ..sizing })
        .collect()
}
