//! Checks of the facility as a whole: each loop closed and pressurised once or open through
//! boundaries of which one holds a pressure, pumped unless open, connected, and with every
//! pressure determined.

use crate::expand::Builder;
use crate::reader::closest;
use dctwin_components::{Component, PumpControl};

/// Run every check, recording errors in the builder's sink.
pub fn check(b: &mut Builder<'_>) {
    check_pressurisation_and_pumps(b);
    check_dangling_nodes(b);
    for loop_index in 0..b.loops.len() {
        check_connected(b, loop_index);
    }
}

fn check_pressurisation_and_pumps(b: &mut Builder<'_>) {
    for (i, l) in b.loops.iter().enumerate() {
        let context = format!("loop \"{}\"", l.name);
        let holds_pressure = |&&(k, _): &&(usize, usize)| match &b.links[k].component {
            Component::Boundary(bd) => bd.holds_pressure(),
            _ => false,
        };
        let pressure_boundary = l.boundaries.iter().find(holds_pressure);
        let flow_boundary = l.boundaries.iter().find(|k| !holds_pressure(k));
        match (l.pressurisations.len(), pressure_boundary) {
            (0, None) => b.sink.error(
                l.offset,
                context.clone(),
                "no pressurisation point: add a component of kind \"pressurisation\" (the \
                 expansion vessel) to fix a closed loop's pressure, or a \"pressure_boundary\" \
                 where the loop meets the outside",
            ),
            (1, None) => {}
            (1, Some(&(_, at))) => {
                let (vessel_line, _) = b.sink.position(l.pressurisations[0].2);
                b.sink.error(
                    at,
                    context.clone(),
                    format!(
                        "the loop has a pressure boundary and an expansion vessel (line \
                         {vessel_line}): an open loop takes its pressure from its boundaries; \
                         remove the vessel"
                    ),
                );
            }
            (0, Some(_)) => {}
            _ => {
                let (_, _, second) = l.pressurisations[1];
                let (first_line, _) = b.sink.position(l.pressurisations[0].2);
                b.sink.error(
                    second,
                    context.clone(),
                    format!("a second pressurisation point (the first is on line {first_line}): a closed loop has exactly one"),
                );
            }
        }
        if let (Some(&(k, at)), None) = (flow_boundary, pressure_boundary) {
            let msg = format!(
                "\"{}\" lets water in or out of a loop with no pressure boundary: nothing takes \
                 up the difference of the flows (an expansion vessel passes none); add a \
                 \"pressure_boundary\" where the loop meets the outside",
                b.links[k].name
            );
            b.sink.error(at, context.clone(), msg);
        }
        let pumps = (0..b.links.len())
            .filter(|&k| b.links[k].loop_index == i && b.is_pump(k))
            .count();
        if pumps == 0 && !b.links.iter().any(|k| k.loop_index == i) {
            b.sink
                .error(l.offset, context, "the loop has no components");
        } else if pumps == 0 && l.boundaries.is_empty() {
            b.sink.error(
                l.offset,
                context,
                "no pump: nothing drives the flow around this loop",
            );
        }
    }
}

fn check_dangling_nodes(b: &mut Builder<'_>) {
    let mut reported_offsets: Vec<usize> = Vec::new();
    for n in 0..b.nodes.len() {
        let degree = b.node_degree[n];
        if degree >= 2 || b.node_outside[n] {
            continue;
        }
        // A node written once in a template dangles in every instance: say it once.
        let offset = b.node_offsets[n];
        if reported_offsets.contains(&offset) {
            continue;
        }
        reported_offsets.push(offset);
        let message = match &b.node_origin[n] {
            Some(origin) => dangling_in_template(b, n, origin),
            None => dangling_at_top(b, n),
        };
        b.sink.error(offset, "dangling node".to_string(), message);
    }
}

fn link_touching<'b>(b: &'b Builder<'_>, n: usize) -> Option<&'b str> {
    b.links
        .iter()
        .find(|l| l.from == n || l.to == n)
        .map(|l| l.name.as_str())
}

fn dangling_at_top(b: &Builder<'_>, n: usize) -> String {
    let name = &b.nodes[n].name;
    let loop_index = b.nodes[n].loop_index;
    let suggestion = closest(
        name,
        b.nodes
            .iter()
            .enumerate()
            .filter(|(k, m)| *k != n && m.loop_index == loop_index && b.node_degree[*k] >= 1)
            .map(|(_, m)| m.name.as_str()),
    )
    .map(|s| format!("; did you mean \"{s}\"?"))
    .unwrap_or_default();
    match link_touching(b, n) {
        None => format!("node \"{name}\" is connected to no component{suggestion}"),
        Some(link) => format!(
            "node \"{name}\" is connected to only one component (\"{link}\"): a dead end, or a misspelt node name{suggestion}"
        ),
    }
}

/// Suggestions come from the template's own names: its ports and its well-connected local nodes.
fn dangling_in_template(b: &Builder<'_>, n: usize, origin: &crate::expand::NodeOrigin) -> String {
    let instances = b
        .node_offsets
        .iter()
        .filter(|&&o| o == b.node_offsets[n])
        .count();
    let locals: Vec<&str> = b
        .node_origin
        .iter()
        .enumerate()
        .filter_map(|(k, o)| o.as_ref().map(|o| (k, o)))
        .filter(|(k, o)| o.prefix == origin.prefix && b.node_degree[*k] >= 2)
        .map(|(_, o)| o.local.as_str())
        .collect();
    let candidates = origin
        .ports
        .iter()
        .map(String::as_str)
        .chain(locals.iter().copied());
    let suggestion = match closest(&origin.local, candidates) {
        Some(s) if origin.ports.iter().any(|p| p == s) => {
            format!("; did you mean the port \"{s}\"?")
        }
        Some(s) => format!("; did you mean \"{s}\"?"),
        None => String::new(),
    };
    let link = link_touching(b, n)
        .map(|l| {
            format!(
                " (\"{}\")",
                l.strip_prefix(origin.prefix.as_str()).unwrap_or(l)
            )
        })
        .unwrap_or_default();
    let each = if instances > 1 {
        format!(" in each of its {instances} instances")
    } else {
        String::new()
    };
    format!(
        "node \"{}\" of template \"{}\" is connected to only one component{link}{each}: a dead end, or a misspelt node name{suggestion}",
        origin.local, origin.template
    )
}

/// Every node reaches the pressurisation point, and reaches it through components that let the
/// pressure follow the flow (not only through flow-setting ones).
fn check_connected(b: &mut Builder<'_>, loop_index: usize) {
    let l = &b.loops[loop_index];
    // The points whose pressure is held: the vessel, or the outsides of the boundaries that
    // hold one. Joined, as they are through the ground the pressures are measured from.
    let anchors: Vec<usize> = (l.pressurisations.iter().map(|p| p.0))
        .chain(l.boundaries.iter().filter_map(|&(k, _)| {
            let link = &b.links[k];
            matches!(&link.component, Component::Boundary(bd) if bd.holds_pressure())
                .then_some(link.from)
        }))
        .collect();
    let Some(&anchor) = anchors.first() else {
        return;
    };
    let name = l.name.clone();
    let offset = l.offset;
    let mut all = UnionFind::new(b.nodes.len());
    let mut pressure = UnionFind::new(b.nodes.len());
    for &other in &anchors[1..] {
        all.union(anchor, other);
        pressure.union(anchor, other);
    }
    for link in b.links.iter().filter(|k| k.loop_index == loop_index) {
        all.union(link.from, link.to);
        if !sets_flow(&link.component) {
            pressure.union(link.from, link.to);
        }
    }
    let nodes: Vec<usize> = (0..b.nodes.len())
        .filter(|&n| b.nodes[n].loop_index == loop_index)
        .collect();
    let apart: Vec<&str> = nodes
        .iter()
        .filter(|&&n| all.find(n) != all.find(anchor))
        .map(|&n| b.nodes[n].name.as_str())
        .collect();
    if !apart.is_empty() {
        let msg = format!(
            "loop \"{name}\" falls apart: {} node(s) are not connected to its pressurisation point \"{}\": {}",
            apart.len(),
            b.nodes[anchor].name,
            list(&apart)
        );
        b.sink.error(offset, format!("loop \"{name}\""), msg);
        return;
    }
    // A flow boundary's outside is held at a pressure its flow does not read.
    let floating: Vec<&str> = nodes
        .iter()
        .filter(|&&n| !b.node_outside[n] && pressure.find(n) != pressure.find(anchor))
        .map(|&n| b.nodes[n].name.as_str())
        .collect();
    if !floating.is_empty() {
        let msg = format!(
            "the pressure at {} is undetermined: they reach the pressurisation point only through flow-setting components (heat consumers, pumps on flow control) in series",
            list(&floating)
        );
        b.sink.error(offset, format!("loop \"{name}\""), msg);
    }
}

/// Whether a component imposes its flow (its pressure drop is whatever the network gives it).
pub fn sets_flow(c: &Component) -> bool {
    match c {
        Component::HeatConsumer(_) => true,
        Component::Boundary(b) => !b.holds_pressure(),
        Component::Pump(p) => matches!(p.control, PumpControl::Flow { .. }),
        _ => false,
    }
}

fn list(names: &[&str]) -> String {
    const SHOWN: usize = 5;
    let mut s = names
        .iter()
        .take(SHOWN)
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        s.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    s
}

/// Disjoint sets with path halving.
struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n).collect(),
        }
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.parent[ra] = rb;
        }
    }
}
