//! Loops: each loop's figures at the design point, a template's loops together at the one that
//! carries most: the flow it circulates, its fastest and steepest pipes, what its pumps give
//! (pressure rise, head, electric power), its heat, and what holds it back where something
//! does.

use super::group::{gather, generic_name};
use super::pumps::at_speed_limit;
use crate::design::{DesignPoint, Limit};
use dctwin_components::{Component, PumpOperatingPoint};
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
    /// The largest pressure rise of its pumps [bar] (pumps in parallel share one; none
    /// without a pump: an open loop driven by its boundaries).
    pub pump_rise_bar: Option<f64>,
    /// Their largest head [m].
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
    let each = (0..network.loops.len()).map(|i| {
        let sizing = one_loop(point, i);
        (sizing.name.clone(), sizing)
    });
    let groups = gather(each, |a, b| a.flow_kg_s > b.flow_kg_s);
    // What holds back any instance of a template's loop, not only the one shown: the one that
    // carries most is rarely the one held back.
    let held: Vec<(String, String)> = (0..network.loops.len())
        .flat_map(|i| {
            let name = generic_name(&network.loops[i].name);
            held_back(point, i)
                .into_iter()
                .map(move |s| (name.clone(), s))
        })
        .collect();
    (groups.into_iter())
        .map(|(name, count, sizing)| {
            let reasons = (held.iter())
                .filter(|(n, _)| *n == name)
                .map(|(_, s)| (s.clone(), ()));
            let limited_by = (gather(reasons, |_, _| false).into_iter())
                .map(|(s, n, ())| if n > 1 { format!("{s} (×{n})") } else { s })
                .collect();
            LoopSizing {
                count,
                limited_by,
                ..sizing
            }
        })
        .collect()
}

/// Loop `i` of `point`'s network, what holds it back left out.
fn one_loop(point: &DesignPoint, i: usize) -> LoopSizing {
    let network = &point.plant.network;
    let steady = &point.rest.steady;
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
    let pumps = || links().filter_map(|(_, r)| r.pump);
    // Pumps in parallel share one rise: the largest is the loop's (pumps in series are rare in
    // these plants); their power adds.
    let largest = |f: fn(&PumpOperatingPoint) -> f64| pumps().map(|op| f(&op)).reduce(f64::max);
    LoopSizing {
        name: generic_name(&network.loops[i].name),
        count: 1,
        flow_kg_s: flow,
        flow_m3_h: volume * 3600.0,
        fastest_pipe: fastest,
        steepest_pipe: steepest,
        pump_rise_bar: largest(|op| op.dp_pa / 1e5),
        pump_head_m: largest(|op| op.head_m),
        pump_kw: pumps().map(|op| op.electric_w / 1e3).sum(),
        heat_in_kw: steady.loops[i].heat_in_w / 1e3,
        limited_by: Vec::new(),
    }
}

/// What holds loop `i` of `point` back: its pumps at their speed limit, its PI loops at a
/// limit of their output.
fn held_back(point: &DesignPoint, i: usize) -> Vec<String> {
    let network = &point.plant.network;
    let pumps = (network.links.iter().zip(&point.rest.steady.links))
        .filter(|(l, _)| l.loop_index == i)
        .filter_map(|(l, r)| match (&l.component, &r.pump) {
            (Component::Pump(p), Some(op)) if at_speed_limit(p, op) => {
                Some(format!("{} at its speed limit", generic_name(&l.name)))
            }
            _ => None,
        });
    let controllers = (point.rest.controllers.iter())
        .filter(|c| c.loop_index == i)
        .filter_map(|c| {
            let at = match c.limit? {
                Limit::Highest => "at its highest output",
                Limit::Lowest => "at its lowest output",
            };
            Some(format!("{} {at}", generic_name(&c.name)))
        });
    pumps.chain(controllers).collect()
}
