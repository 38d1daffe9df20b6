//! Walks a model document: loops, their components, and template instances expanded N times with
//! generated names (`container[17].rack[3].valve`).

use crate::device::{Device, SupplyControl};
use crate::device_kinds::{Coupling, ExchangerRating};
use crate::diagnostic::Sink;
use crate::facility::{Facility, Link, Node, Origin, Sensor};
use crate::kinds::{self, Parsed, kind_names};
use crate::reader::{Reader, closest, type_name};
use crate::units::Quantity;
use dctwin_components::Component;
use dctwin_components::heat_exchanger::{FlowArrangement, HeatExchanger, Stream};
use dctwin_fluid::{Fluid, FluidError};
use std::collections::HashMap;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// Largest count of one instance line: a guard against a typo that would exhaust memory.
pub const MAX_COUNT: usize = 100_000;

/// Largest number of template instances in a whole facility, nested ones included (a template
/// of 1000 instances of a template of 1000 is a million): checked before each instance line is
/// expanded, so memory stays bounded.
pub const MAX_INSTANCES: usize = 100_000;

/// A loop as declared, before the checks of the whole facility.
pub struct LoopDraft {
    pub name: String,
    pub fluid: Fluid,
    pub initial_temperature_k: f64,
    pub origin: Origin,
    pub offset: usize,
    /// Pressurisation points: node, pressure [Pa], offset of the component.
    pub pressurisations: Vec<(usize, f64, usize)>,
    /// Open boundaries: link, offset of the component.
    pub boundaries: Vec<(usize, usize)>,
}

impl LoopDraft {
    /// The pressure the loop is referred to [Pa, gauge]: its vessel's, or where it is open its
    /// lowest pressure boundary's (where its water is nearest boiling of the points held).
    pub fn reference_pressure_pa(&self, links: &[Link]) -> Option<f64> {
        if let Some(&(_, pressure_pa, _)) = self.pressurisations.first() {
            return Some(pressure_pa);
        }
        (self.boundaries.iter())
            .filter_map(|&(l, _)| match &links[l].component {
                Component::Boundary(b) => b.held_pressure_pa(),
                _ => None,
            })
            .reduce(f64::min)
    }
}

/// The facility being built, with what the checks need to know about where things were written.
pub struct Builder<'a> {
    pub sink: Sink,
    templates: HashMap<String, (&'a DeTable<'a>, usize)>,
    pub loops: Vec<LoopDraft>,
    pub nodes: Vec<Node>,
    node_index: HashMap<String, usize>,
    /// For each node: offset of its first mention.
    pub node_offsets: Vec<usize>,
    /// For each node: how many link ends touch it.
    pub node_degree: Vec<usize>,
    /// For nodes made inside a template: where.
    pub node_origin: Vec<Option<NodeOrigin>>,
    /// Whether each node is the outside of an open boundary (its link its only one).
    pub node_outside: Vec<bool>,
    pub links: Vec<Link>,
    /// Offset of each component name, links and pressurisation points alike.
    component_names: HashMap<String, usize>,
    /// Full names of the instances made so far, with their offsets.
    instance_names: HashMap<String, usize>,
    /// Templates instantiated at least once.
    used_templates: std::collections::HashSet<String>,
    /// Transient devices, with their links resolved.
    pub devices: Vec<Device>,
    /// Temperature sensors, with their nodes resolved.
    pub sensors: Vec<Sensor>,
    /// Couplings waiting for the links they name.
    couplings: Vec<PendingCoupling>,
    /// Instance counts a scenario overrides, and whether each was used.
    count_overrides: HashMap<String, (usize, bool)>,
    /// Template instances made so far, nested ones included.
    instances_made: usize,
    /// Set once [`MAX_INSTANCES`] is reached: nothing more is expanded.
    over_limit: bool,
}

/// A coupling as read, resolved once every link exists.
struct PendingCoupling {
    name: String,
    prefix: String,
    coupling: Coupling,
    offset: usize,
    context: String,
}

/// A node created inside a template instance.
pub struct NodeOrigin {
    /// The template.
    pub template: String,
    /// The instance's name prefix, e.g. `container[3].rack[2].`.
    pub prefix: String,
    /// The name as written in the template.
    pub local: String,
    /// The template's ports.
    pub ports: Vec<String>,
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

    /// How a component or instance is named in messages. Inside a template it is named as
    /// written there, not per instance, so that a mistake in a template instantiated N times
    /// is reported once.
    fn describe(&self, what: &str, name: &str) -> String {
        match &self.template {
            Some(t) => format!("{what} \"{name}\" in template \"{t}\""),
            None => format!("{what} \"{name}\""),
        }
    }
}

impl<'a> Builder<'a> {
    /// Read the whole document.
    pub fn read(
        sink: Sink,
        root: &'a Spanned<DeTable<'a>>,
        overrides: &crate::Overrides,
    ) -> (Builder<'a>, String) {
        let mut b = Builder {
            sink,
            templates: HashMap::new(),
            loops: Vec::new(),
            nodes: Vec::new(),
            node_index: HashMap::new(),
            node_offsets: Vec::new(),
            node_degree: Vec::new(),
            node_origin: Vec::new(),
            node_outside: Vec::new(),
            links: Vec::new(),
            component_names: HashMap::new(),
            instance_names: HashMap::new(),
            used_templates: std::collections::HashSet::new(),
            devices: Vec::new(),
            sensors: Vec::new(),
            couplings: Vec::new(),
            count_overrides: overrides
                .instance_counts
                .iter()
                .map(|(k, &n)| (k.clone(), (n, false)))
                .collect(),
            instances_made: 0,
            over_limit: false,
        };
        let (name, loops) = b.read_root(root);
        for (table, offset) in loops {
            b.read_loop(table, offset, &Scope::default());
        }
        b.check_unused_templates();
        b.check_unused_overrides();
        b.resolve_couplings();
        (b, name)
    }

    /// An override naming no instance is a typo that would silently change nothing.
    fn check_unused_overrides(&mut self) {
        let mut unused: Vec<&String> = self
            .count_overrides
            .iter()
            .filter(|(_, (_, used))| !used)
            .map(|(k, _)| k)
            .collect();
        unused.sort();
        let msgs: Vec<String> = unused
            .into_iter()
            .map(|k| format!("the scenario overrides the count of instance \"{k}\", but the model has no instance of that name"))
            .collect();
        for msg in msgs {
            self.sink.error(0, "overrides", msg);
        }
    }

    /// A template no instance uses would never be read, so its mistakes would pass unseen.
    fn check_unused_templates(&mut self) {
        if self.sink.has_errors() {
            return; // an instance may have been skipped because of an earlier error
        }
        let mut unused: Vec<(&String, usize)> = self
            .templates
            .iter()
            .filter(|(name, _)| !self.used_templates.contains(*name))
            .map(|(name, &(_, offset))| (name, offset))
            .collect();
        unused.sort_by_key(|&(_, offset)| offset);
        let found: Vec<(String, usize)> = unused.into_iter().map(|(n, o)| (n.clone(), o)).collect();
        for (name, offset) in found {
            let msg =
                "no instance uses this template, so it is not checked: instantiate it or remove it";
            self.sink.error(offset, format!("template \"{name}\""), msg);
        }
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

    fn read_loop(&mut self, table: &'a DeTable<'a>, offset: usize, scope: &Scope) {
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
        let percent_written = r.is_present("glycol_mass_percent");
        let percent = r.number("glycol_mass_percent");
        let initial = r.temperature("initial_temperature");
        if initial.is_none() && !r.has_quantity("initial_temperature", Quantity::Temperature) {
            let keys = vec![
                "initial_temperature_c".into(),
                "initial_temperature_k".into(),
            ];
            let msg = "missing initial_temperature_c (the loop's starting and design temperature)";
            r.missing(keys, msg.into());
        }
        let fluid = match fluid_name {
            // A percentage that could not be read has been reported already.
            Some(_) if percent_written && percent.is_none() => None,
            Some((name, at)) => read_fluid(&mut r, &name, at, percent),
            None => None,
        };
        let components = tables_of(&mut r, "component");
        let instances = tables_of(&mut r, "instance");
        let context = r.context().to_string();
        if let (Some(fluid), Some(initial)) = (&fluid, &initial)
            && let Some(msg) = kinds::outside_fluid(fluid, initial.si)
        {
            r.error_at(initial.offset, &initial.key, msg);
        }
        r.finish();
        let (Some((name, _)), Some(fluid), Some(initial)) = (name, fluid, initial) else {
            return;
        };
        let name = format!("{}{name}", scope.prefix);
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
            boundaries: Vec::new(),
        });
        self.read_body(index, scope, &components, &instances);
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
        let (fluid, initial_k) = {
            let l = &self.loops[loop_index];
            (l.fluid.clone(), l.initial_temperature_k)
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
            r.abandon();
            return;
        };
        let kinds = kind_names();
        if !kinds.contains(&kind.as_str()) {
            let hint = closest(&kind, kinds.iter().copied())
                .map(|k| format!("did you mean \"{k}\"? "))
                .unwrap_or_default();
            let msg = format!(
                "unknown component kind \"{kind}\": {hint}expected one of {}",
                kinds.join(", ")
            );
            r.error_at(kind_at, "kind", msg);
            r.abandon();
            return;
        }
        let parsed = kinds::read(&mut r, &kind, &fluid, initial_k);
        let context = r.context().to_string();
        r.finish();
        let (Some((name, name_at)), Some(parsed)) = (name, parsed) else {
            return;
        };
        let full_name = format!("{}{name}", scope.prefix);
        if let Some(&first) = self.component_names.get(&full_name) {
            let (line, _) = self.sink.position(first);
            let msg = format!(
                "a second component is called \"{full_name}\" (the first is on line {line})"
            );
            self.sink.error(name_at, context, msg);
            return;
        }
        self.component_names.insert(full_name.clone(), offset);
        match parsed {
            Parsed::Pressurisation { node, pressure_pa } => {
                let n = self.node(loop_index, scope, &node, "node", &full_name, &context);
                if let Some(n) = n {
                    self.loops[loop_index]
                        .pressurisations
                        .push((n, pressure_pa, offset));
                }
            }
            Parsed::Boundary { node, boundary } => {
                let n = self.node(loop_index, scope, &node, "node", &full_name, &context);
                let outside = self.outside_node(loop_index, &full_name, node.1, &context);
                let (Some(n), Some(outside)) = (n, outside) else {
                    return;
                };
                self.node_degree[n] += 1;
                let (line, _) = self.sink.position(offset);
                self.loops[loop_index]
                    .boundaries
                    .push((self.links.len(), offset));
                self.links.push(Link {
                    name: full_name,
                    from: outside,
                    to: n,
                    loop_index,
                    component: Component::Boundary(boundary),
                    initial_temperature_k: None,
                    origin: Origin { line },
                });
            }
            Parsed::Sensor { node, sensor } => {
                let n = self.node(loop_index, scope, &node, "node", &full_name, &context);
                if let Some(node) = n {
                    self.sensors.push(Sensor {
                        name: full_name,
                        node,
                        sensor,
                    });
                }
            }
            Parsed::Coupling(coupling) => self.couplings.push(PendingCoupling {
                name: full_name,
                prefix: scope.prefix.clone(),
                coupling,
                offset,
                context,
            }),
            Parsed::Link {
                from,
                to,
                component,
                device,
                initial_temperature_k,
            } => {
                let f = self.node(loop_index, scope, &from, "from", &full_name, &context);
                let t = self.node(loop_index, scope, &to, "to", &full_name, &context);
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
                if let Some(spec) = device {
                    let link = self.links.len();
                    self.devices.push(Device::Volume { link, spec });
                }
                self.links.push(Link {
                    name: full_name,
                    from: f,
                    to: t,
                    loop_index,
                    component,
                    initial_temperature_k,
                    origin: Origin { line },
                });
            }
        }
    }

    /// The node a component refers to, created on first mention; refuses a node of another loop.
    fn node(
        &mut self,
        loop_index: usize,
        scope: &Scope,
        (local, at): &(String, usize),
        key: &str,
        component: &str,
        context: &str,
    ) -> Option<usize> {
        let context = &format!("{context} › key \"{key}\"");
        if local.trim().is_empty() {
            self.sink
                .error(*at, context.to_string(), "a node name cannot be empty");
            return None;
        }
        let name = scope.resolve(local);
        if let Some(&i) = self.node_index.get(&name) {
            if self.node_outside[i] {
                let boundary = name.strip_suffix(".outside").unwrap_or(&name);
                let msg = format!(
                    "node \"{name}\" is the outside of boundary \"{boundary}\": no component \
                     may connect to it"
                );
                self.sink.error(*at, context.to_string(), msg);
                return None;
            }
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
        self.node_outside.push(false);
        self.node_origin
            .push(scope.template.as_ref().map(|t| NodeOrigin {
                template: t.clone(),
                prefix: scope.prefix.clone(),
                local: local.clone(),
                ports: scope.ports.keys().cloned().collect(),
            }));
        Some(i)
    }

    /// The outside node of boundary `boundary` (`NAME.outside`), which only its link touches;
    /// refused if a component already named a node so.
    fn outside_node(
        &mut self,
        loop_index: usize,
        boundary: &str,
        at: usize,
        context: &str,
    ) -> Option<usize> {
        let name = format!("{boundary}.outside");
        if self.node_index.contains_key(&name) {
            let msg = format!(
                "node \"{name}\" is the outside of boundary \"{boundary}\": no component may \
                 connect to it"
            );
            self.sink.error(at, context.to_string(), msg);
            return None;
        }
        let i = self.node(
            loop_index,
            &Scope::default(),
            &(name, at),
            "node",
            boundary,
            context,
        )?;
        self.node_degree[i] = 1;
        self.node_outside[i] = true;
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
        let Some((template, template_at)) = template else {
            r.finish();
            return;
        };
        let name = name.map_or_else(|| template.clone(), |(n, _)| n);
        let context = scope.describe("instance", &name);
        r = Reader::new(r.into_sink(), table, offset, context.clone());
        let _ = (r.string("template"), r.string("name"));
        let mut count = r.count("count");
        if let Some((n, used)) = self.count_overrides.get_mut(&name) {
            *used = true;
            count = Some((*n, count.map_or(offset, |(_, at)| at)));
        }
        let ports = read_ports(&mut r);
        let full_name = format!("{}{name}", scope.prefix);
        if let Some(&first) = self.instance_names.get(&full_name) {
            let (line, _) = r.position(first);
            r.error(format!("a second instance is called \"{name}\" here (the first is on line {line}): give one a different name"));
            r.finish();
            return;
        }
        self.instance_names.insert(full_name, offset);
        self.used_templates.insert(template.clone());
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
        let loops = tables_of(&mut tr, "loop");
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
        if self.over_limit {
            return;
        }
        if self.instances_made + indices.len() > MAX_INSTANCES {
            self.over_limit = true;
            let msg = format!(
                "the facility would have more than {MAX_INSTANCES} template instances \
                 ({} made before this line, which adds {} inside \"{}\"): nested counts \
                 multiply",
                self.instances_made,
                indices.len(),
                scope.prefix.trim_end_matches('.')
            );
            self.sink.error(offset, context.clone(), msg);
            return;
        }
        self.instances_made += indices.len();
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
            // A template may hold loops of its own (a container's secondary loop behind its
            // CDU); their names get the instance's prefix like everything else in it.
            for &(table, offset) in &loops {
                self.read_loop(table, offset, &inner);
            }
        }
    }

    /// Find the links each coupling names (in its own scope) and build its device.
    fn resolve_couplings(&mut self) {
        if self.sink.has_errors() {
            return;
        }
        let index: HashMap<&str, usize> = self
            .links
            .iter()
            .enumerate()
            .map(|(i, l)| (l.name.as_str(), i))
            .collect();
        let mut devices = Vec::new();
        for p in &self.couplings {
            let mut find = |(local, at): &(String, usize), key: &str| -> Option<usize> {
                let full = format!("{}{local}", p.prefix);
                match index.get(full.as_str()) {
                    Some(&i) => Some(i),
                    None => {
                        let hint = closest(&full, index.keys().copied())
                            .map(|k| format!("; did you mean \"{k}\"?"))
                            .unwrap_or_default();
                        let context = format!("{} › key \"{key}\"", p.context);
                        let msg = format!("no component is called \"{full}\"{hint}");
                        self.sink.error(*at, context, msg);
                        None
                    }
                }
            };
            let device = match &p.coupling {
                Coupling::Exchanger {
                    hot,
                    cold,
                    arrangement,
                    rating,
                    control,
                } => {
                    let h = find(hot, "hot_side");
                    let c = find(cold, "cold_side");
                    let v = control.as_ref().map(|(v, ..)| find(v, "control_valve"));
                    let (Some(h), Some(c)) = (h, c) else { continue };
                    let control = match (v, control) {
                        (Some(Some(valve)), Some((_, setpoint_k, gain, ti))) => {
                            Some(SupplyControl {
                                valve,
                                setpoint_k: *setpoint_k,
                                gain_per_k: *gain,
                                integral_time_s: *ti,
                            })
                        }
                        (None, _) => None,
                        _ => continue,
                    };
                    let fluid = |l: usize| {
                        let lp = &self.loops[self.links[l].loop_index];
                        (lp.fluid.clone(), lp.initial_temperature_k)
                    };
                    match size_exchanger(*arrangement, rating, fluid(h), fluid(c)) {
                        Ok(exchanger) => Device::HeatExchanger {
                            name: p.name.clone(),
                            hot: h,
                            cold: c,
                            exchanger,
                            control,
                        },
                        Err(msg) => {
                            self.sink.error(p.offset, p.context.clone(), msg);
                            continue;
                        }
                    }
                }
                Coupling::HeatPumps {
                    evaporator,
                    condenser,
                    bank,
                    supply_setpoint_k,
                    staging,
                } => {
                    let e = find(evaporator, "evaporator");
                    let c = find(condenser, "condenser");
                    let (Some(e), Some(c)) = (e, c) else { continue };
                    Device::HeatPumps {
                        name: p.name.clone(),
                        evaporator: e,
                        condenser: c,
                        bank: bank.clone(),
                        supply_setpoint_k: *supply_setpoint_k,
                        staging: *staging,
                    }
                }
            };
            devices.push(device);
        }
        self.devices.extend(devices);
    }

    /// Turn the draft into a facility (the caller has run the checks).
    pub fn into_facility(self, name: String) -> (Facility, Sink) {
        let loops = self
            .loops
            .into_iter()
            .map(|l| {
                let reference_pa = l.reference_pressure_pa(&self.links).unwrap_or(0.0);
                crate::facility::Loop {
                    name: l.name,
                    fluid: l.fluid,
                    initial_temperature_k: l.initial_temperature_k,
                    pressurisation_node: l.pressurisations.first().map(|p| p.0),
                    pressurisation_pa: reference_pa,
                    origin: l.origin,
                }
            })
            .collect();
        let facility = Facility {
            name,
            loops,
            nodes: self.nodes,
            links: self.links,
            devices: self.devices,
            sensors: self.sensors,
        };
        (facility, self.sink)
    }

    /// Where component `name` was written (its table's offset), if it was.
    pub fn component_offset(&self, name: &str) -> Option<usize> {
        self.component_names.get(name).copied()
    }

    /// Whether link `i` is a pump.
    pub fn is_pump(&self, i: usize) -> bool {
        matches!(self.links[i].component, Component::Pump(_))
    }
}

/// The loop's fluid from its name and glycol percentage, errors on the key at fault.
fn read_fluid(
    r: &mut Reader<'_, '_>,
    name: &str,
    at: usize,
    percent: Option<(f64, usize)>,
) -> Option<Fluid> {
    match Fluid::from_name(name, percent.map(|(p, _)| p / 100.0)) {
        Ok(fluid) => Some(fluid),
        Err(FluidError::UnknownName { .. }) => {
            let msg = format!(
                "unknown fluid \"{name}\": expected \"water\", \"propylene_glycol\" or \"ethylene_glycol\""
            );
            r.error_at(at, "fluid", msg);
            None
        }
        Err(FluidError::WaterWithGlycol { .. }) => {
            let at = percent.map_or(at, |p| p.1);
            r.error_at(
                at,
                "glycol_mass_percent",
                "water takes no glycol: remove glycol_mass_percent",
            );
            None
        }
        Err(FluidError::MassFractionOutOfRange { min, max, .. }) => {
            let (p, at) = percent.unwrap_or((f64::NAN, at));
            let msg = format!(
                "{p} % is outside the range of the glycol correlations, {:.0} to {:.0} %",
                min * 100.0,
                max * 100.0
            );
            r.error_at(at, "glycol_mass_percent", msg);
            None
        }
        Err(FluidError::MissingMassFraction { min, max, .. }) => {
            let msg = format!(
                "\"{name}\" needs glycol_mass_percent, the glycol's share of the mixture by mass ({:.0} to {:.0})",
                min * 100.0,
                max * 100.0
            );
            r.error_at(at, "fluid", msg);
            None
        }
    }
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

/// The exchanger of a rating, on the fluids of its two sides (each at its loop's initial
/// temperature, which converts volume flows).
fn size_exchanger(
    arrangement: FlowArrangement,
    rating: &ExchangerRating,
    (hot_fluid, hot_k): (Fluid, f64),
    (cold_fluid, cold_k): (Fluid, f64),
) -> Result<HeatExchanger, String> {
    let hot_flow = rating.hot_flow.mass_flow(hot_fluid.density_kg_m3(hot_k));
    let cold_flow = rating.cold_flow.mass_flow(cold_fluid.density_kg_m3(cold_k));
    let sized = match (rating.ua_w_k, rating.duty) {
        (Some(ua), _) => HeatExchanger::new(arrangement, ua, hot_flow, cold_flow),
        (None, Some((heat_w, hot_in_k, cold_in_k))) => HeatExchanger::from_rating(
            arrangement,
            Stream {
                fluid: &hot_fluid,
                t_in_k: hot_in_k,
                mass_flow_kg_s: hot_flow,
            },
            Stream {
                fluid: &cold_fluid,
                t_in_k: cold_in_k,
                mass_flow_kg_s: cold_flow,
            },
            heat_w,
        ),
        (None, None) => unreachable!("the reader requires a UA or a duty"),
    };
    sized.map_err(|e| e.to_string())
}
