//! Walks a model document: loops, their components, and template instances expanded N times with
//! generated names (`container[17].rack[3].valve`).

use crate::diagnostic::Sink;
use crate::facility::{Facility, Link, Node, Origin};
use crate::kinds::{self, KINDS, Parsed};
use crate::reader::{Reader, closest, type_name};
use dctwin_components::Component;
use dctwin_fluid::Fluid;
use std::collections::HashMap;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// Largest count of one instance line: a guard against a typo that would exhaust memory.
pub const MAX_COUNT: usize = 100_000;

/// A loop as declared, before the checks of the whole facility.
pub struct LoopDraft {
    pub name: String,
    pub fluid: Fluid,
    pub initial_temperature_k: f64,
    pub origin: Origin,
    pub offset: usize,
    /// Pressurisation points: node, pressure [Pa], offset of the component.
    pub pressurisations: Vec<(usize, f64, usize)>,
}

/// The facility being built, with what the checks need to know about where things were written.
pub struct Builder<'a> {
    pub sink: Sink,
    templates: HashMap<String, (&'a DeTable<'a>, usize)>,
    pub loops: Vec<LoopDraft>,
    pub nodes: Vec<Node>,
    node_index: HashMap<String, usize>,
    /// For each node: offset of its first mention and the links that touch it.
    pub node_offsets: Vec<usize>,
    pub node_degree: Vec<usize>,
    pub links: Vec<Link>,
    pub link_offsets: Vec<usize>,
    link_names: HashMap<String, usize>,
}

/// Where names are resolved: inside a template instance, local names get the instance's prefix
/// and port names map to the nodes the instance was connected to.
#[derive(Clone, Default)]
struct Scope {
    prefix: String,
    ports: HashMap<String, String>,
    template: Option<String>,
    stack: Vec<String>,
}

impl Scope {
    fn resolve(&self, local: &str) -> String {
        match self.ports.get(local) {
            Some(node) => node.clone(),
            None => format!("{}{local}", self.prefix),
        }
    }

    fn describe(&self, what: &str, name: &str) -> String {
        match &self.template {
            Some(t) => format!("{what} \"{}{name}\" (template \"{t}\")", self.prefix),
            None => format!("{what} \"{name}\""),
        }
    }
}

impl<'a> Builder<'a> {
    /// Read the whole document.
    pub fn read(sink: Sink, root: &'a Spanned<DeTable<'a>>) -> (Builder<'a>, String) {
        let mut b = Builder {
            sink,
            templates: HashMap::new(),
            loops: Vec::new(),
            nodes: Vec::new(),
            node_index: HashMap::new(),
            node_offsets: Vec::new(),
            node_degree: Vec::new(),
            links: Vec::new(),
            link_offsets: Vec::new(),
            link_names: HashMap::new(),
        };
        let (name, loops) = b.read_root(root);
        for (table, offset) in loops {
            b.read_loop(table, offset);
        }
        (b, name)
    }

    fn read_root(
        &mut self,
        root: &'a Spanned<DeTable<'a>>,
    ) -> (String, Vec<(&'a DeTable<'a>, usize)>) {
        let mut r = Reader::new(&mut self.sink, root.get_ref(), 0, "model".to_string());
        let name = r.string("name").map(|(s, _)| s).unwrap_or_default();
        let _ = r.string("description");
        let loops = tables_of(&mut r, "loop");
        if loops.is_empty() {
            r.error("the model has no [[loop]]: a facility needs at least one closed loop");
        }
        let mut templates = Vec::new();
        if let Some(v) = r.raw("template") {
            match v.get_ref() {
                DeValue::Table(t) => {
                    for (k, v) in t.iter() {
                        match v.get_ref() {
                            DeValue::Table(body) => {
                                templates.push((k.get_ref().to_string(), body, k.span().start))
                            }
                            other => {
                                let msg = format!(
                                    "a template must be a table, found {}",
                                    type_name(other)
                                );
                                r.error_at(v.span().start, k.get_ref(), msg);
                            }
                        }
                    }
                }
                other => {
                    let msg = format!(
                        "expected [template.NAME] tables, found {}",
                        type_name(other)
                    );
                    r.error_at(v.span().start, "template", msg);
                }
            }
        }
        r.finish();
        for (name, body, offset) in templates {
            self.templates.insert(name, (body, offset));
        }
        (name, loops)
    }

    fn read_loop(&mut self, table: &'a DeTable<'a>, offset: usize) {
        let index = self.loops.len();
        let mut r = Reader::new(
            &mut self.sink,
            table,
            offset,
            format!("loop #{}", index + 1),
        );
        let name = r.required_string("name", "the loop's name");
        let fluid_name = r.required_string(
            "fluid",
            "\"water\", \"propylene_glycol\" or \"ethylene_glycol\"",
        );
        let percent = r.number("glycol_mass_percent");
        let initial = r.temperature("initial_temperature");
        if initial.is_none() {
            r.error("missing initial_temperature_c (the loop's starting and design temperature)");
        }
        let fluid = fluid_name.and_then(|(f, at)| {
            match Fluid::from_name(&f, percent.map(|(p, _)| p / 100.0)) {
                Ok(fluid) => Some(fluid),
                Err(e) => {
                    let key = if percent.is_some() && f != "water" {
                        "glycol_mass_percent"
                    } else {
                        "fluid"
                    };
                    let at = if key == "fluid" {
                        at
                    } else {
                        percent.map_or(at, |p| p.1)
                    };
                    r.error_at(at, key, e.to_string());
                    None
                }
            }
        });
        let components = tables_of(&mut r, "component");
        let instances = tables_of(&mut r, "instance");
        let context = r.context().to_string();
        if let (Some(fluid), Some(initial)) = (&fluid, initial) {
            let (lo, hi) = fluid.valid_range_k();
            if initial.si < lo || initial.si > hi {
                let msg = format!(
                    "{:.1} °C is outside the range of {} ({:.1} to {:.1} °C)",
                    initial.si - 273.15,
                    fluid.name(),
                    lo - 273.15,
                    hi - 273.15
                );
                r.error_at(initial.offset, "initial_temperature_c", msg);
            }
        }
        r.finish();
        let (Some((name, _)), Some(fluid), Some(initial)) = (name, fluid, initial) else {
            return;
        };
        if self.loops.iter().any(|l| l.name == name) {
            self.sink.error(
                offset,
                context,
                format!("a second loop is called \"{name}\""),
            );
        }
        let (line, _) = self.sink.position(offset);
        self.loops.push(LoopDraft {
            name,
            fluid,
            initial_temperature_k: initial.si,
            origin: Origin { line },
            offset,
            pressurisations: Vec::new(),
        });
        let scope = Scope::default();
        self.read_body(index, &scope, &components, &instances);
    }

    fn read_body(
        &mut self,
        loop_index: usize,
        scope: &Scope,
        components: &[(&'a DeTable<'a>, usize)],
        instances: &[(&'a DeTable<'a>, usize)],
    ) {
        for &(table, offset) in components {
            self.read_component(loop_index, scope, table, offset);
        }
        for &(table, offset) in instances {
            self.read_instance(loop_index, scope, table, offset);
        }
    }

    fn read_component(
        &mut self,
        loop_index: usize,
        scope: &Scope,
        table: &'a DeTable<'a>,
        offset: usize,
    ) {
        let density = {
            let l = &self.loops[loop_index];
            l.fluid.density_kg_m3(l.initial_temperature_k)
        };
        let mut r = Reader::new(
            &mut self.sink,
            table,
            offset,
            scope.describe("component", "?"),
        );
        let name = r.required_string("name", "the component's name");
        if let Some((n, _)) = &name {
            let context = scope.describe("component", n);
            r = Reader::new(r.into_sink(), table, offset, context);
            let _ = r.string("name");
        }
        let kind = r.required_string("kind", "one of the component kinds");
        let Some((kind, kind_at)) = kind else {
            finish_and_skip(r);
            return;
        };
        if !KINDS.contains(&kind.as_str()) {
            let hint = closest(&kind, KINDS.iter().copied())
                .map(|k| format!("did you mean \"{k}\"? "))
                .unwrap_or_default();
            let msg = format!(
                "unknown component kind \"{kind}\": {hint}expected one of {}",
                KINDS.join(", ")
            );
            r.error_at(kind_at, "kind", msg);
            finish_and_skip(r);
            return;
        }
        let parsed = kinds::read(&mut r, &kind, density);
        let context = r.context().to_string();
        r.finish();
        let (Some((name, name_at)), Some(parsed)) = (name, parsed) else {
            return;
        };
        let full_name = format!("{}{name}", scope.prefix);
        match parsed {
            Parsed::Pressurisation { node, pressure_pa } => {
                let n = self.node(loop_index, scope, &node, &full_name, &context);
                if let Some(n) = n {
                    self.loops[loop_index]
                        .pressurisations
                        .push((n, pressure_pa, offset));
                }
            }
            Parsed::Link {
                from,
                to,
                component,
            } => {
                if let Some(&first) = self.link_names.get(&full_name) {
                    let (line, _) = self.sink.position(first);
                    let msg = format!(
                        "a second component is called \"{full_name}\" (the first is on line {line})"
                    );
                    self.sink.error(name_at, context.clone(), msg);
                    return;
                }
                let f = self.node(loop_index, scope, &from, &full_name, &context);
                let t = self.node(loop_index, scope, &to, &full_name, &context);
                let (Some(f), Some(t)) = (f, t) else { return };
                if f == t {
                    let msg = format!(
                        "\"from\" and \"to\" are the same node \"{}\"",
                        self.nodes[f].name
                    );
                    self.sink.error(to.1, context, msg);
                    return;
                }
                self.node_degree[f] += 1;
                self.node_degree[t] += 1;
                let (line, _) = self.sink.position(offset);
                self.link_names.insert(full_name.clone(), offset);
                self.links.push(Link {
                    name: full_name,
                    from: f,
                    to: t,
                    loop_index,
                    component,
                    origin: Origin { line },
                });
                self.link_offsets.push(offset);
            }
        }
    }

    /// The node a component refers to, created on first mention; refuses a node of another loop.
    fn node(
        &mut self,
        loop_index: usize,
        scope: &Scope,
        (local, at): &(String, usize),
        component: &str,
        context: &str,
    ) -> Option<usize> {
        let name = scope.resolve(local);
        if let Some(&i) = self.node_index.get(&name) {
            let other = self.nodes[i].loop_index;
            if other != loop_index {
                let msg = format!(
                    "\"{component}\" of loop \"{}\" joins node \"{name}\" of loop \"{}\": loops exchange heat through heat exchangers, never mass",
                    self.loops[loop_index].name, self.loops[other].name
                );
                self.sink.error(*at, context.to_string(), msg);
                return None;
            }
            return Some(i);
        }
        let i = self.nodes.len();
        self.nodes.push(Node {
            name: name.clone(),
            loop_index,
        });
        self.node_index.insert(name, i);
        self.node_offsets.push(*at);
        self.node_degree.push(0);
        Some(i)
    }

    fn read_instance(
        &mut self,
        loop_index: usize,
        scope: &Scope,
        table: &'a DeTable<'a>,
        offset: usize,
    ) {
        let mut r = Reader::new(
            &mut self.sink,
            table,
            offset,
            scope.describe("instance", "?"),
        );
        let template = r.required_string("template", "the name of a [template.NAME]");
        let name = r.string("name");
        let count = r.count("count");
        let ports = read_ports(&mut r);
        let Some((template, template_at)) = template else {
            r.finish();
            return;
        };
        let name = name.map_or_else(|| template.clone(), |(n, _)| n);
        let context = scope.describe("instance", &name);
        let Some(&(body, body_offset)) = self.templates.get(&template) else {
            let hint = closest(&template, self.templates.keys().map(String::as_str))
                .map(|k| format!("; did you mean \"{k}\"?"))
                .unwrap_or_default();
            r.error_at(
                template_at,
                "template",
                format!("no template is called \"{template}\"{hint}"),
            );
            r.finish();
            return;
        };
        if scope.stack.contains(&template) {
            let mut chain = scope.stack.clone();
            chain.push(template.clone());
            let msg = format!(
                "template \"{template}\" refers to itself ({})",
                chain.join(" → ")
            );
            r.error_at(template_at, "template", msg);
            r.finish();
            return;
        }
        if let Some((n, at)) = count
            && n > MAX_COUNT
        {
            r.error_at(
                at,
                "count",
                format!("{n} instances is more than the limit of {MAX_COUNT}"),
            );
            r.finish();
            return;
        }
        r.finish();
        let mut tr = Reader::new(
            &mut self.sink,
            body,
            body_offset,
            format!("template \"{template}\""),
        );
        let declared = read_port_names(&mut tr);
        let components = tables_of(&mut tr, "component");
        let instances = tables_of(&mut tr, "instance");
        let _ = tr.string("description");
        tr.finish();
        let Some(ports) = ports else { return };
        let mut complete = true;
        for p in &declared {
            if !ports.iter().any(|(k, _, _)| k == p) {
                let msg = format!(
                    "port \"{p}\" of template \"{template}\" is not connected: add it to ports"
                );
                self.sink.error(offset, context.clone(), msg);
                complete = false;
            }
        }
        for (k, _, at) in &ports {
            if !declared.contains(k) {
                let msg = format!(
                    "template \"{template}\" has no port \"{k}\" (its ports: {})",
                    declared.join(", ")
                );
                self.sink.error(*at, context.clone(), msg);
                complete = false;
            }
        }
        if !complete {
            return;
        }
        let indices: Vec<Option<usize>> = match count {
            Some((n, _)) => (1..=n).map(Some).collect(),
            None => vec![None],
        };
        for i in indices {
            let instance_name = match i {
                Some(i) => format!("{name}[{i}]"),
                None => name.clone(),
            };
            let mut inner = Scope {
                prefix: format!("{}{instance_name}.", scope.prefix),
                ports: HashMap::new(),
                template: Some(template.clone()),
                stack: scope.stack.clone(),
            };
            inner.stack.push(template.clone());
            for (port, node, _) in &ports {
                inner.ports.insert(port.clone(), scope.resolve(&node.0));
            }
            self.read_body(loop_index, &inner, &components, &instances);
        }
    }

    /// Turn the draft into a facility (the caller has run the checks).
    pub fn into_facility(self, name: String) -> (Facility, Sink) {
        let loops = self
            .loops
            .into_iter()
            .map(|l| {
                let (node, pressure) = l.pressurisations.first().map_or((0, 0.0), |p| (p.0, p.1));
                crate::facility::Loop {
                    name: l.name,
                    fluid: l.fluid,
                    initial_temperature_k: l.initial_temperature_k,
                    pressurisation_node: node,
                    pressurisation_pa: pressure,
                    origin: l.origin,
                }
            })
            .collect();
        let facility = Facility {
            name,
            loops,
            nodes: self.nodes,
            links: self.links,
        };
        (facility, self.sink)
    }

    /// Whether link `i` is a pump.
    pub fn is_pump(&self, i: usize) -> bool {
        matches!(self.links[i].component, Component::Pump(_))
    }
}

/// Stop reading a table whose kind is unusable: report nothing about its other keys.
fn finish_and_skip(r: Reader<'_, '_>) {
    drop(r);
}

/// The tables of an array-of-tables key (`[[loop]]`, `[[loop.component]]`).
fn tables_of<'a>(r: &mut Reader<'_, 'a>, key: &str) -> Vec<(&'a DeTable<'a>, usize)> {
    let Some(v) = r.raw(key) else {
        return Vec::new();
    };
    let DeValue::Array(items) = v.get_ref() else {
        let msg = format!(
            "expected [[{key}]] tables, found {}",
            type_name(v.get_ref())
        );
        r.error_at(v.span().start, key, msg);
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items.iter() {
        match item.get_ref() {
            DeValue::Table(t) => out.push((t, item.span().start)),
            other => {
                let msg = format!("expected a table, found {}", type_name(other));
                r.error_at(item.span().start, key, msg);
            }
        }
    }
    out
}

/// An instance's port connections: (port, (node, offset of the node), offset of the port).
type PortConnections = Vec<(String, (String, usize), usize)>;

/// `ports = { supply = "header.supply", … }` of an instance.
fn read_ports(r: &mut Reader<'_, '_>) -> Option<PortConnections> {
    let Some(v) = r.raw("ports") else {
        return Some(Vec::new());
    };
    let DeValue::Table(t) = v.get_ref() else {
        let msg = format!(
            "expected a table of port = \"node\", found {}",
            type_name(v.get_ref())
        );
        r.error_at(v.span().start, "ports", msg);
        return None;
    };
    let mut out = Vec::new();
    for (k, v) in t.iter() {
        match v.get_ref() {
            DeValue::String(s) => out.push((
                k.get_ref().to_string(),
                (s.to_string(), v.span().start),
                k.span().start,
            )),
            other => {
                let msg = format!("a port connects to a node name, found {}", type_name(other));
                r.error_at(v.span().start, k.get_ref(), msg);
                return None;
            }
        }
    }
    Some(out)
}

/// `ports = ["supply", "return"]` of a template.
fn read_port_names(r: &mut Reader<'_, '_>) -> Vec<String> {
    let Some(v) = r.raw("ports") else {
        return Vec::new();
    };
    let DeValue::Array(items) = v.get_ref() else {
        let msg = format!(
            "expected a list of port names, found {}",
            type_name(v.get_ref())
        );
        r.error_at(v.span().start, "ports", msg);
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items.iter() {
        match item.get_ref() {
            DeValue::String(s) => out.push(s.to_string()),
            other => {
                let msg = format!("a port name is a string, found {}", type_name(other));
                r.error_at(item.span().start, "ports", msg);
            }
        }
    }
    out
}
