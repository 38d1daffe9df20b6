//! Loops: each loop's figures at the design point, a template's loops together at the one that
//! carries most: the flow it circulates, its fastest and steepest pipes, what its pumps give
//! (pressure rise, head, electric power), its heat, and what holds it back where something
//! does.

use super::group::{gather, generic_name};
use super::pumps::at_speed_limit;
use crate::design::{DesignPoint, Limit};
use dctwin_components::Component;
use serde::Serialize;

/// A loop (all instances of a template's loop together, at the one with the largest flow) at
/// the design point.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoopSizing {
    /// Its name (a template's loop named once).
    pub name: String,
    /// Instances.
    pub count: usize,
    /// The largest flow through any of its links [kg/s]: what it circulates.
    pub flow_kg_s: f64,
    /// The same as a volume [m³/h].
    pub flow_m3_h: f64,
    /// Its fastest pipe and that pipe's velocity [m/s].
    pub fastest_pipe: Option<(String, f64)>,
    /// Its steepest pipe and that pipe's friction gradient [Pa/m].
    pub steepest_pipe: Option<(String, f64)>,
    /// The pressure rise of its pumps, summed [bar] (none without a pump: an open loop driven
    /// by its boundaries).
    pub pump_rise_bar: Option<f64>,
    /// Their head, summed [m].
    pub pump_head_m: Option<f64>,
    /// Their electric power [kW].
    pub pump_kw: f64,
    /// Heat its sources and pumps put into its water [kW].
    pub heat_in_kw: f64,
    /// What holds it back: a pump at its speed limit, a PI loop at a limit of its output;
    /// empty where nothing does.
    pub limited_by: Vec<String>,
}

/// Every loop of `point`'s network, a template's together.
pub fn loops(point: &DesignPoint) -> Vec<LoopSizing> {
    let network = &point.plant.network;
    let steady = &point.rest.steady;
    let each = (network.loops.iter().enumerate()).map(|(i, info)| {
        let links =
            || (network.links.iter().zip(&steady.links)).filter(move |(l, _)| l.loop_index == i);
        let flow = links()
            .map(|(_, r)| r.mass_flow_kg_s.abs())
            .fold(0.0, f64::max);
        let volume = links()
            .map(|(_, r)| r.volume_flow_m3_s.abs())
            .fold(0.0, f64::max);
        let pipes = || links().filter_map(|(l, r)| Some((l, r.pipe?)));
        let fastest = pipes()
            .map(|(l, p)| (generic_name(&l.name), p.velocity_m_s.abs()))
            .max_by(|a, b| a.1.total_cmp(&b.1));
        let steepest = pipes()
            .filter_map(|(l, p)| match &l.component {
                Component::Pipe(pipe) if pipe.length_m > 0.0 => Some((
                    generic_name(&l.name),
                    p.friction_dp_pa.abs() / pipe.length_m,
                )),
                _ => None,
            })
            .max_by(|a, b| a.1.total_cmp(&b.1));
        let pumps: Vec<_> = links()
            .filter_map(|(l, r)| match (&l.component, r.pump) {
                (Component::Pump(p), Some(op)) => Some((l, p, op)),
                _ => None,
            })
            .collect();
        let sum = |f: &dyn Fn(&dctwin_components::PumpOperatingPoint) -> f64| {
            (!pumps.is_empty()).then(|| pumps.iter().map(|(_, _, op)| f(op)).sum::<f64>())
        };
        let mut limited_by: Vec<String> = (pumps.iter())
            .filter(|(_, p, op)| at_speed_limit(p, op))
            .map(|(l, _, _)| format!("{} at its speed limit", generic_name(&l.name)))
            .collect();
        limited_by.extend(
            (point.rest.controllers.iter())
                .filter(|c| c.loop_index == i)
                .filter_map(|c| {
                    let at = match c.limit? {
                        Limit::Highest => "at its highest output",
                        Limit::Lowest => "at its lowest output",
                    };
                    Some(format!("{} {at}", generic_name(&c.name)))
                }),
        );
        // A template's PI loops on this loop (fifty CDUs' valves on the facility's) said once.
        let limited_by = (gather(limited_by.into_iter().map(|s| (s, ())), |_, _| false)
            .into_iter())
        .map(|(s, n, ())| if n > 1 { format!("{s} (×{n})") } else { s })
        .collect();
        let sizing = LoopSizing {
            name: generic_name(&info.name),
            count: 1,
            flow_kg_s: flow,
            flow_m3_h: volume * 3600.0,
            fastest_pipe: fastest,
            steepest_pipe: steepest,
            pump_rise_bar: sum(&|op| op.dp_pa / 1e5),
            pump_head_m: sum(&|op| op.head_m),
            pump_kw: sum(&|op| op.electric_w / 1e3).unwrap_or(0.0),
            heat_in_kw: steady.loops[i].heat_in_w / 1e3,
            limited_by,
        };
        (sizing.name.clone(), sizing)
    });
    (gather(each, |a, b| a.flow_kg_s > b.flow_kg_s).into_iter())
        .map(|(_, count, sizing)| LoopSizing { count, ..sizing })
        .collect()
}
