//! The network's own variables a run can write besides the devices' (`[output] variables`):
//! each node's temperature and gauge pressure, and each link's flow, heat and the temperatures of the water
//! entering and leaving it, chosen by `[kind:]pattern.variable` (`node:*.temperature_c`,
//! `pipe:main*.out_c`, `campus.source.heat_kw`).

use crate::pattern::matches;
use dctwin_sim::{Plant, Snapshot};

/// What a node reports.
const NODE_VARIABLES: &[&str] = &["temperature_c", "pressure_bar"];
/// What a link reports.
const LINK_VARIABLES: &[&str] = &["flow_kg_s", "heat_kw", "in_c", "out_c"];
/// The kind that names nodes in an entry.
const NODE: &str = "node";
/// The kind that names sensors; a sensor reports its reading.
const SENSOR: &str = "sensor";
/// What a sensor reports.
const SENSOR_VARIABLE: &str = "temperature_c";

/// One value of the network at a reporting step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NetworkValue {
    /// A node's mixed temperature [°C].
    NodeC(usize),
    /// A node's gauge pressure [bar].
    NodeBar(usize),
    /// A sensor's reading [°C].
    SensorC(usize),
    /// A link's mass flow, signed along `from` → `to` [kg/s].
    FlowKgS(usize),
    /// Heat into a link's water [kW] (negative: taken out).
    HeatKw(usize),
    /// The water entering a link (at its upstream end) [°C].
    InC(Link),
    /// The water leaving a link: its volume's, or its downstream node's [°C].
    OutC(Link, Option<usize>),
}

/// A link's ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link {
    index: usize,
    from: usize,
    to: usize,
}

impl NetworkValue {
    /// Its value at `now`.
    pub fn of(self, now: &Snapshot) -> f64 {
        // The end the water enters by and the one it leaves by, at this step's flow.
        let ends = |l: Link| match now.flow_kg_s[l.index] >= 0.0 {
            true => (l.from, l.to),
            false => (l.to, l.from),
        };
        match self {
            NetworkValue::NodeC(n) => now.node_k[n] - 273.15,
            NetworkValue::NodeBar(n) => now.pressure_pa[n] / 1e5,
            NetworkValue::SensorC(j) => now.sensor_k[j] - 273.15,
            NetworkValue::FlowKgS(l) => now.flow_kg_s[l],
            NetworkValue::HeatKw(l) => now.heat_w[l] / 1e3,
            NetworkValue::InC(l) => now.node_k[ends(l).0] - 273.15,
            NetworkValue::OutC(_, Some(state)) => now.volume_k[state] - 273.15,
            NetworkValue::OutC(l, None) => now.node_k[ends(l).1] - 273.15,
        }
    }
}

/// The columns `entry` names, each with its value; the error says why it names none.
/// `state_of_link` gives a link's volume where it is one mixing volume (whose temperature is
/// the water leaving; a chain's last state depends on the flow's direction, so its leaving
/// water is read at the downstream node).
pub fn columns(
    plant: &Plant,
    state_of_link: &[Option<usize>],
    entry: &str,
) -> Result<Vec<(String, NetworkValue)>, String> {
    let (kind, rest) = match entry.split_once(':') {
        Some((kind, rest)) if !kind.contains('.') => (Some(kind), rest),
        _ => (None, entry),
    };
    if kind == Some(SENSOR) {
        return sensor_columns(plant, entry, rest);
    }
    let Some((pattern, variable)) = rest.rsplit_once('.') else {
        return Err(format!(
            "'{entry}': expected [kind:]name.variable, e.g. node:*.temperature_c or \
             pipe:*.out_c"
        ));
    };
    let net = &plant.network;
    if kind == Some(NODE) {
        if !NODE_VARIABLES.contains(&variable) {
            return Err(unknown(entry, variable, NODE, NODE_VARIABLES));
        }
        let found: Vec<(String, NetworkValue)> = (net.node_names.iter().enumerate())
            .filter(|(_, name)| matches(pattern, name))
            .map(|(n, name)| {
                let value = match variable {
                    "pressure_bar" => NetworkValue::NodeBar(n),
                    _ => NetworkValue::NodeC(n),
                };
                (format!("node:{name}.{variable}"), value)
            })
            .collect();
        return match found.is_empty() {
            true => Err(nothing(
                entry,
                "node",
                net.node_names.iter().map(|n| n.as_ref()),
            )),
            false => Ok(found),
        };
    }
    if !LINK_VARIABLES.contains(&variable) {
        return Err(unknown(entry, variable, "link", LINK_VARIABLES));
    }
    let kind_of = |l: usize| match plant.device(l) {
        Some(d) => d.kind().key,
        None => net.links[l].component.kind_name(),
    };
    let found: Vec<(String, NetworkValue)> = (net.links.iter().enumerate())
        .filter(|(l, link)| matches(pattern, &link.name) && kind.is_none_or(|k| k == kind_of(*l)))
        .map(|(l, link)| {
            let ends = Link {
                index: l,
                from: link.from,
                to: link.to,
            };
            let single_volume = plant.chain(l).is_none();
            let value = match variable {
                "flow_kg_s" => NetworkValue::FlowKgS(l),
                "heat_kw" => NetworkValue::HeatKw(l),
                "in_c" => NetworkValue::InC(ends),
                _ => NetworkValue::OutC(ends, state_of_link[l].filter(|_| single_volume)),
            };
            (format!("{}.{variable}", link.name), value)
        })
        .collect();
    match found.is_empty() {
        true => Err(nothing(
            entry,
            kind.unwrap_or("component"),
            net.links.iter().map(|l| l.name.as_ref()),
        )),
        false => Ok(found),
    }
}

/// The readings of the sensors `rest` names (`*`, `consumer*`, with or without
/// `.temperature_c`).
fn sensor_columns(
    plant: &Plant,
    entry: &str,
    rest: &str,
) -> Result<Vec<(String, NetworkValue)>, String> {
    let pattern = rest
        .strip_suffix(&format!(".{SENSOR_VARIABLE}"))
        .unwrap_or(rest);
    let found: Vec<(String, NetworkValue)> = (plant.sensors.iter().enumerate())
        .filter(|(_, s)| matches(pattern, &s.name))
        .map(|(j, s)| {
            let column = format!("{SENSOR}:{}.{SENSOR_VARIABLE}", s.name);
            (column, NetworkValue::SensorC(j))
        })
        .collect();
    match found.is_empty() {
        true => Err(nothing(
            entry,
            SENSOR,
            plant.sensors.iter().map(|s| s.name.as_str()),
        )),
        false => Ok(found),
    }
}

/// `variable` is not one `what` reports.
fn unknown(entry: &str, variable: &str, what: &str, known: &[&str]) -> String {
    format!(
        "'{entry}': a {what} has no variable '{variable}': it reports {}",
        known.join(", ")
    )
}

/// `entry` names no `what` among `names`, with the closest name if one is near.
fn nothing<'n>(entry: &str, what: &str, names: impl Iterator<Item = &'n str> + Clone) -> String {
    let pattern = entry
        .split_once(':')
        .map_or(entry, |(_, rest)| rest)
        .rsplit_once('.')
        .map_or(entry, |(p, _)| p);
    match dctwin_model::closest(pattern, names.clone()) {
        Some(near) => format!("'{entry}' names no {what}: did you mean '{near}'?"),
        None => format!("'{entry}' names no {what} ({} in the model)", names.count()),
    }
}
