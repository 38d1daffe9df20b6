//! Sizing at the design point ([`crate::design`]): what each pipe's diameter and each pump's
//! duty should be for the flows the design asks, and whether the design's limits hold.
//!
//! - **Pipes.** The smallest nominal diameter of the steel series [`STEEL_SERIES`] whose
//!   velocity stays within the band of its size (lower for small pipes: noise and erosion at
//!   fittings) and whose friction gradient stays under a limit, at the largest flow any
//!   instance of the pipe carries. Each proposal says which of the two limited it.
//! - **Pumps.** The duty (flow and head at the design point, the head with a margin for fouling
//!   and wear), its power, and a generic curve through it, H = H₀·(1 − (Q/Q₀)²) with the duty
//!   at half the shut-off flow (H₀ = 4/3·H, Q₀ = 2·Q); a pump at its speed limit is flagged:
//!   it cannot deliver what its loop asks.
//! - **Limits.** Every device's alarm limit (a rack's W-class supply and its chip, a heat
//!   pump's evaporator) at the design point, with its margin; every PI loop at a limit of its
//!   output.

use crate::design::{ControllerAtRest, DesignPoint, DesignWeather, Limit, design_point};
use dctwin_components::{Component, FluidState, Pipe, PumpControl};
use dctwin_model::{Device, Facility};
use dctwin_network::SteadyResult;
use serde::Serialize;
use std::fmt::Write;

/// Nominal diameter and inner diameter [mm] of welded and seamless steel tube, EN 10220 (the
/// outside diameters) with the common wall of each size (EN 10255 medium series up to DN 50,
/// EN 10217/10216 above), as heating and cooling plants are built.
pub const STEEL_SERIES: &[(u32, f64)] = &[
    (15, 16.1),
    (20, 21.6),
    (25, 27.2),
    (32, 35.9),
    (40, 41.8),
    (50, 53.0),
    (65, 70.3),
    (80, 82.5),
    (100, 107.1),
    (125, 131.7),
    (150, 159.3),
    (200, 206.5),
    (250, 260.4),
    (300, 309.7),
    (350, 339.6),
    (400, 388.8),
    (450, 437.0),
    (500, 486.0),
    (600, 585.0),
    (700, 686.0),
    (800, 784.6),
    (900, 882.0),
    (1000, 984.0),
];

/// What the proposals aim at.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SizingRules {
    /// Highest velocity up to DN 50, to DN 150, to DN 300, above [m/s] (VDI 2073's usual band
    /// for closed water circuits, 0.5–3 m/s, lower for small pipes).
    pub max_velocity_m_s: [f64; 4],
    /// Lowest velocity before a pipe counts as oversized [m/s].
    pub min_velocity_m_s: f64,
    /// Highest friction gradient [Pa/m] (100–300 Pa/m is the usual design range).
    pub max_gradient_pa_m: f64,
    /// Margin on a pump's head [-].
    pub head_margin: f64,
}

impl Default for SizingRules {
    fn default() -> Self {
        SizingRules {
            max_velocity_m_s: [1.5, 2.0, 2.5, 3.0],
            min_velocity_m_s: 0.5,
            max_gradient_pa_m: 300.0,
            head_margin: 0.1,
        }
    }
}

impl SizingRules {
    /// Highest velocity for nominal diameter `dn` [m/s].
    pub fn max_velocity(&self, dn: u32) -> f64 {
        let v = self.max_velocity_m_s;
        match dn {
            ..=50 => v[0],
            51..=150 => v[1],
            151..=300 => v[2],
            _ => v[3],
        }
    }
}

/// A pipe (all instances of a template's pipe together) at the design point, and the size
/// proposed for it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PipeSizing {
    /// Its name (a template's pipe named once: `container[*].branch`).
    pub name: String,
    /// Instances.
    pub count: usize,
    /// Largest flow of any instance [kg/s].
    pub flow_kg_s: f64,
    /// Inner diameter now [mm].
    pub inner_mm: f64,
    /// Velocity now [m/s].
    pub velocity_m_s: f64,
    /// Friction gradient now [Pa/m].
    pub gradient_pa_m: f64,
    /// The proposed nominal diameter and its inner diameter [mm]; `None` if even the largest
    /// of the series is too small.
    pub proposed: Option<(u32, f64)>,
    /// Velocity and gradient at the proposal [m/s, Pa/m].
    pub proposed_velocity_m_s: f64,
    /// Friction gradient at the proposal [Pa/m].
    pub proposed_gradient_pa_m: f64,
    /// What held the proposal from a smaller size: `velocity` or `gradient`.
    pub limited_by: &'static str,
}

impl PipeSizing {
    /// The proposal as the report writes it (`DN 80 (82.5 mm)`).
    fn proposal(&self) -> String {
        self.proposed
            .map_or("larger than DN 1000".to_string(), |(dn, inner)| {
                format!("DN {dn} ({inner} mm)")
            })
    }
}

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

/// A heat exchanger (a template's together, at the instance that needs the most) at the
/// design point: the conductance that brings its controlled side to its set-point at the flows
/// and temperatures there, against the one it has.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExchangerSizing {
    /// Its name (a template's exchanger named once).
    pub name: String,
    /// Instances.
    pub count: usize,
    /// Heat it must move to hold its set-point [kW].
    pub duty_kw: f64,
    /// Water entering its hot and its cold side [°C].
    pub hot_in_c: f64,
    /// Water entering its cold side [°C].
    pub cold_in_c: f64,
    /// Its hot side's leaving set-point [°C].
    pub setpoint_c: f64,
    /// Where its hot side leaves now [°C].
    pub hot_out_c: f64,
    /// Its conductance at these flows [kW/K].
    pub ua_kw_k: f64,
    /// The conductance its set-point needs at these flows [kW/K]; `None`: none will do, the
    /// cold side's flow is too small (or too warm) for the duty.
    pub ua_needed_kw_k: Option<f64>,
}

/// A plant device (a dry cooler, a tower, a heat-pump bank, a boiler, a substation, a tank; a
/// template's together, its first instance shown) and its variables at the design point.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeviceAtDesign {
    /// Its name (a template's device named once).
    pub name: String,
    /// Its kind's key.
    pub kind: &'static str,
    /// Instances.
    pub count: usize,
    /// Each variable: name, value and unit at the edge (°C, kW, kg/s, or none).
    pub values: Vec<(&'static str, f64, &'static str)>,
}

/// What the design flows need where a pump could not deliver them: the pumps' pressure-rise
/// set-points raised together, and their speed limits lifted, until every PI loop holds its
/// set-point inside its travel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DesignFlows {
    /// The factor on the pressure-rise set-points [-].
    pub factor: f64,
    /// Each pump raised: name, set-point before and after [bar], and its duty then: flow
    /// [m³/h], head [m], speed (relative to its curve's) and electric power [kW].
    pub pumps: Vec<RaisedPump>,
    /// The pipes at the design flows.
    pub pipes: Vec<PipeSizing>,
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

/// A model sized at its design point.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sizing {
    /// The model's name.
    pub model: String,
    /// Outdoor dry bulb [°C] and relative humidity [-] of the design point.
    pub weather: (f64, f64),
    /// The rules applied.
    pub rules: SizingRules,
    /// Each pipe.
    pub pipes: Vec<PipeSizing>,
    /// Each pump.
    pub pumps: Vec<PumpSizing>,
    /// Each controlled heat exchanger (a CDU).
    pub exchangers: Vec<ExchangerSizing>,
    /// The plant's devices and couplings other than racks, at the design point.
    pub devices: Vec<DeviceAtDesign>,
    /// Each device's alarm limits, the worst instance of each template's device.
    /// (A run's informational alarms, such as a boiler switching on, count as breached when
    /// they would be raised.)
    pub limits: Vec<LimitCheck>,
    /// The PI loops at a limit of their output.
    pub controllers_at_limit: Vec<String>,
    /// Where the design flows are not reached: what reaching them needs.
    pub design_flows: Option<DesignFlows>,
}

/// Size `facility` at its design point `point` by `rules`.
pub fn size(
    facility: &Facility,
    model: &str,
    point: &DesignPoint,
    weather: DesignWeather,
    rules: SizingRules,
) -> Sizing {
    let steady = &point.rest.steady;
    Sizing {
        model: model.to_string(),
        weather: (weather.dry_bulb_k - 273.15, weather.relative_humidity),
        rules,
        pipes: pipes(point, steady, &rules),
        pumps: pumps(point, steady, &rules),
        exchangers: exchangers(facility, point, steady),
        devices: devices(point),
        limits: limits(point),
        controllers_at_limit: controllers_at_limit(&point.rest.controllers),
        design_flows: None,
    }
}

/// Every exchanger with a supply controller, a template's together at the instance that needs
/// the most conductance (none possible first).
fn exchangers(
    facility: &Facility,
    point: &DesignPoint,
    steady: &SteadyResult,
) -> Vec<ExchangerSizing> {
    let network = &point.plant.network;
    let mut out: Vec<ExchangerSizing> = Vec::new();
    for device in &facility.devices {
        let Device::HeatExchanger {
            name,
            hot,
            cold,
            exchanger,
            control: Some(control),
        } = device
        else {
            continue;
        };
        let (h, c) = (&steady.links[*hot], &steady.links[*cold]);
        let (m_h, m_c) = (h.mass_flow_kg_s.abs(), c.mass_flow_kg_s.abs());
        let (fluid_h, fluid_c) = (network.fluid_of(*hot), network.fluid_of(*cold));
        let cp_h = fluid_h.specific_heat_j_kg_k(0.5 * (h.inlet_k + control.setpoint_k));
        let cp_c = fluid_c.specific_heat_j_kg_k(c.inlet_k);
        let duty_w = m_h * cp_h * (h.inlet_k - control.setpoint_k);
        let (c_h, c_c) = (m_h * cp_h, m_c * cp_c);
        let (c_min, c_max) = (c_h.min(c_c), c_h.max(c_c));
        let span = h.inlet_k - c.inlet_k;
        let ua_needed = if c_min > 0.0 && span > 0.0 {
            let effectiveness = duty_w.max(0.0) / (c_min * span);
            (exchanger.arrangement)
                .ntu_for_effectiveness(effectiveness, c_min / c_max)
                .map(|ntu| ntu * c_min / 1e3)
        } else {
            None
        };
        let sizing = ExchangerSizing {
            name: generic_name(name),
            count: 1,
            duty_kw: duty_w / 1e3,
            hot_in_c: h.inlet_k - 273.15,
            cold_in_c: c.inlet_k - 273.15,
            setpoint_c: control.setpoint_k - 273.15,
            hot_out_c: h.outlet_k - 273.15,
            ua_kw_k: exchanger.ua_w_k(m_h, m_c) / 1e3,
            ua_needed_kw_k: ua_needed,
        };
        // Needs more: none possible, else a larger conductance.
        let needs = |e: &ExchangerSizing| e.ua_needed_kw_k.unwrap_or(f64::INFINITY);
        match out.iter_mut().find(|e| e.name == sizing.name) {
            Some(e) if needs(&sizing) > needs(e) => {
                *e = ExchangerSizing {
                    count: e.count + 1,
                    ..sizing
                }
            }
            Some(e) => e.count += 1,
            None => out.push(sizing),
        }
    }
    out
}

/// Whether `point` falls short of its design flows: a pump at its speed limit, or a PI loop at
/// its highest output.
pub fn short_of_design(point: &DesignPoint) -> bool {
    !short_loops(point).is_empty()
}

/// Whether pump `p` runs at its highest speed at operating point `op`.
fn at_speed_limit(p: &dctwin_components::Pump, op: &dctwin_components::PumpOperatingPoint) -> bool {
    op.speed.is_some_and(|s| s >= p.max_speed - 1e-6)
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

/// The smallest factor on the set-points of the pressure-controlled pumps of `loops` (their
/// speed limits lifted) at which no PI loop stands at its highest output, found by bisection
/// to 1 % between 1 and 8, with the pumps' duties and the pipes at those flows; `None` if
/// those loops have no such pump or even 8 times the set-points leave a loop short.
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
    let (mut lo, mut hi) = (1.0, 8.0);
    let mut best = design_point(&raised(hi), weather)?;
    if !holds(&best) {
        return Ok(None);
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
    Ok(Some(DesignFlows {
        factor: hi,
        pumps,
        pipes,
    }))
}

/// A value in SI at the edge: temperatures in °C, powers in kW.
fn at_edge(quantity: dctwin_components::units::Quantity, x: f64) -> (f64, &'static str) {
    use dctwin_components::units::Quantity;
    match quantity {
        Quantity::Temperature => (x - 273.15, "°C"),
        Quantity::Power => (x / 1e3, "kW"),
        Quantity::Flow => (x, "kg/s"),
        _ => (x, ""),
    }
}

/// Every device but the racks (their limits say what matters) and every coupling, with their
/// variables at the design point; a template's together, its first instance shown.
fn devices(point: &DesignPoint) -> Vec<DeviceAtDesign> {
    let plant = &point.plant;
    let values = &point.snapshot.device_values;
    let mut out: Vec<DeviceAtDesign> = Vec::new();
    let mut add = |name: String,
                   kind: &'static str,
                   variables: &[dctwin_components::device::Variable],
                   at: usize| {
        match out.iter_mut().find(|d| d.name == name) {
            Some(d) => d.count += 1,
            None => out.push(DeviceAtDesign {
                name,
                kind,
                count: 1,
                values: (variables.iter().enumerate())
                    .map(|(i, v)| {
                        let (x, unit) = at_edge(v.quantity, values[at + i]);
                        (v.name, x, unit)
                    })
                    .collect(),
            }),
        }
    };
    for (l, at) in plant.device_value_offsets() {
        let Some(device) = plant.device(l) else {
            continue;
        };
        let kind = device.kind();
        if kind.key != "rack" {
            add(
                generic_name(&plant.network.links[l].name),
                kind.key,
                kind.variables,
                at,
            );
        }
    }
    for (c, at) in plant.couplings.iter().zip(plant.coupling_value_offsets()) {
        let kind = c.coupling.kind();
        add(generic_name(&c.name), kind.key, kind.variables, at);
    }
    out
}

/// Every pump, instances of a template's pump together at the one with the highest head.
fn pumps(point: &DesignPoint, steady: &SteadyResult, rules: &SizingRules) -> Vec<PumpSizing> {
    let network = &point.plant.network;
    let mut out: Vec<PumpSizing> = Vec::new();
    for (link, r) in network.links.iter().zip(&steady.links) {
        let (Component::Pump(p), Some(op)) = (&link.component, &r.pump) else {
            continue;
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
        match out.iter_mut().find(|q| q.name == sizing.name) {
            Some(q) if sizing.head_m > q.head_m => {
                *q = PumpSizing {
                    count: q.count + 1,
                    ..sizing
                }
            }
            Some(q) => q.count += 1,
            None => out.push(sizing),
        }
    }
    out
}

/// The PI loops at a limit of their output, a template's loops together (the one furthest
/// from its set-point).
fn controllers_at_limit(controllers: &[ControllerAtRest]) -> Vec<String> {
    let mut groups: Vec<(String, usize, &ControllerAtRest)> = Vec::new();
    for c in controllers.iter().filter(|c| c.limit.is_some()) {
        let name = generic_name(&c.name);
        let off = |c: &ControllerAtRest| (c.measured_k - c.setpoint_k).abs();
        match groups.iter_mut().find(|g| g.0 == name) {
            Some(g) => {
                g.1 += 1;
                if off(c) > off(g.2) {
                    g.2 = c;
                }
            }
            None => groups.push((name, 1, c)),
        }
    }
    (groups.into_iter())
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

/// A template instance's name with its indices starred: `container[17].branch` →
/// `container[*].branch`.
pub fn generic_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut inside = false;
    for ch in name.chars() {
        match (ch, inside) {
            ('[', _) => {
                inside = true;
                out.push_str("[*");
            }
            (']', _) => {
                inside = false;
                out.push(']');
            }
            (_, true) => {}
            (c, false) => out.push(c),
        }
    }
    out
}

/// Every pipe, instances of a template's pipe together at their largest flow.
fn pipes(point: &DesignPoint, steady: &SteadyResult, rules: &SizingRules) -> Vec<PipeSizing> {
    let network = &point.plant.network;
    let mut groups: Vec<(String, usize, usize)> = Vec::new();
    for (l, link) in network.links.iter().enumerate() {
        if !matches!(link.component, Component::Pipe(_)) {
            continue;
        }
        let name = generic_name(&link.name);
        let m = steady.links[l].mass_flow_kg_s.abs();
        match groups.iter_mut().find(|g| g.0 == name) {
            Some(g) => {
                g.2 += 1;
                if m > steady.links[g.1].mass_flow_kg_s.abs() {
                    g.1 = l;
                }
            }
            None => groups.push((name, l, 1)),
        }
    }
    (groups.into_iter())
        .map(|(name, l, count)| {
            let Component::Pipe(pipe) = &network.links[l].component else {
                unreachable!("grouped pipes");
            };
            let r = &steady.links[l];
            let fluid = network.fluid_of(l);
            let t = 0.5 * (r.inlet_k + r.outlet_k);
            let state = FluidState {
                density_kg_m3: fluid.density_kg_m3(t),
                viscosity_pa_s: fluid.viscosity_pa_s(t),
            };
            let m = r.mass_flow_kg_s.abs();
            let (velocity_m_s, gradient_pa_m) = at_diameter(pipe, pipe.inner_diameter_m, m, state);
            let mut limited_by = "velocity";
            let mut proposed = None;
            for &(dn, inner_mm) in STEEL_SERIES {
                let (v, g) = at_diameter(pipe, inner_mm / 1e3, m, state);
                let fast = v > rules.max_velocity(dn);
                let steep = g > rules.max_gradient_pa_m;
                if !fast && !steep {
                    proposed = Some((dn, inner_mm, v, g));
                    break;
                }
                limited_by = if steep && !fast {
                    "gradient"
                } else {
                    "velocity"
                };
            }
            let (p, v, g) = match proposed {
                Some((dn, inner, v, g)) => (Some((dn, inner)), v, g),
                None => (None, f64::NAN, f64::NAN),
            };
            PipeSizing {
                name,
                count,
                flow_kg_s: m,
                inner_mm: pipe.inner_diameter_m * 1e3,
                velocity_m_s,
                gradient_pa_m,
                proposed: p,
                proposed_velocity_m_s: v,
                proposed_gradient_pa_m: g,
                limited_by,
            }
        })
        .collect()
}

/// Velocity [m/s] and friction gradient [Pa/m] of `pipe` with inner diameter `d_m` at flow
/// `m_kg_s` of water in state `state`.
fn at_diameter(pipe: &Pipe, d_m: f64, m_kg_s: f64, state: FluidState) -> (f64, f64) {
    let candidate = Pipe {
        inner_diameter_m: d_m,
        ..*pipe
    };
    let (velocity, _, _, friction_dp) = candidate.figures(m_kg_s, state, &mut 0.0);
    (velocity.abs(), friction_dp.abs() / pipe.length_m)
}

/// Every device's alarm limits at the design point, the worst instance of each template's
/// device (the one nearest or furthest past its limit).
fn limits(point: &DesignPoint) -> Vec<LimitCheck> {
    let plant = &point.plant;
    let offsets = plant.device_value_offsets();
    let mut out: Vec<(String, LimitCheck)> = Vec::new();
    for (l, at) in offsets {
        let Some(device) = plant.device(l) else {
            continue;
        };
        let kind = device.kind();
        for w in device.watches() {
            let raw = point.snapshot.device_values[at + w.variable];
            use dctwin_components::units::Quantity;
            let quantity = kind.variables[w.variable].quantity;
            let edge = |x: f64| match quantity {
                Quantity::Temperature => x - 273.15,
                Quantity::Power => x / 1e3,
                _ => x,
            };
            let margin = if w.above {
                w.limit - raw
            } else {
                raw - w.limit
            };
            let check = LimitCheck {
                device: generic_name(&plant.network.links[l].name),
                alarm: w.alarm,
                value: edge(raw),
                limit: edge(w.limit),
                breached: margin < 0.0,
            };
            let key = format!("{}/{}", check.device, check.alarm);
            match out.iter_mut().find(|(k, _)| *k == key) {
                Some((_, worst)) => {
                    let worse = if w.above {
                        check.value > worst.value
                    } else {
                        check.value < worst.value
                    };
                    if worse {
                        *worst = check;
                    }
                }
                None => out.push((key, check)),
            }
        }
    }
    out.into_iter().map(|(_, c)| c).collect()
}

impl Sizing {
    /// The design report in Markdown.
    pub fn markdown(&self) -> String {
        let mut s = String::new();
        let w = &mut s;
        let _ = writeln!(w, "# Design report: {}\n", self.model);
        let _ = writeln!(
            w,
            "Design point: every device at its design load and set-point, {:.1} °C outdoor and \
             {:.0} % relative humidity, brought to rest.\n",
            self.weather.0,
            self.weather.1 * 100.0
        );
        let short = self.pumps.iter().any(|p| p.at_speed_limit)
            || self
                .controllers_at_limit
                .iter()
                .any(|c| c.contains("highest"));
        if short {
            let _ = writeln!(
                w,
                "**The design flows are not reached**: a pump at its speed limit, or PI loops at \
                 their highest output (below). The pipes and pumps below are sized at the flows \
                 delivered; what the design flows need follows the limits.\n"
            );
        }
        let _ = writeln!(w, "## Limits\n");
        let breached: Vec<&LimitCheck> = self.limits.iter().filter(|c| c.breached).collect();
        let _ = writeln!(
            w,
            "{} of {} limits breached; {} PI loops at a limit of their output.\n",
            breached.len(),
            self.limits.len(),
            self.controllers_at_limit.len()
        );
        let _ = writeln!(
            w,
            "| device | alarm | value | limit | |\n|---|---|---|---|---|"
        );
        for c in &self.limits {
            let _ = writeln!(
                w,
                "| {} | {} | {:.2} | {:.2} | {} |",
                c.device,
                c.alarm,
                c.value,
                c.limit,
                if c.breached { "**breached**" } else { "ok" }
            );
        }
        for c in &self.controllers_at_limit {
            let _ = writeln!(w, "- {c}");
        }
        if let Some(d) = &self.design_flows {
            let _ = writeln!(
                w,
                "## What the design flows need\n\nThe short loops' pumps' pressure-rise \
                 set-points × {:.2} (their speed limits lifted) bring every PI loop inside its \
                 travel:\n",
                d.factor
            );
            let _ = writeln!(
                w,
                "| pump | set-point bar | needed bar | flow m³/h | head m | speed | its limit | kWe |\n\
                 |---|---|---|---|---|---|---|---|"
            );
            for p in &d.pumps {
                let _ = writeln!(
                    w,
                    "| {} | {:.2} | {:.2} | {:.1} | {:.2} | {} | {:.2} | {:.1} |",
                    p.name,
                    p.setpoint_bar,
                    p.needed_bar,
                    p.flow_m3_h,
                    p.head_m,
                    p.speed.map_or("-".to_string(), |s| format!("{s:.3}")),
                    p.max_speed,
                    p.electric_kw
                );
            }
            let _ = writeln!(w, "\nPipes at those flows (the same rules as below):\n");
            let _ = writeln!(
                w,
                "| pipe | × | kg/s | inner mm | m/s | Pa/m | proposed |\n|---|---|---|---|---|---|---|"
            );
            for p in &d.pipes {
                let proposed = p.proposal();
                let _ = writeln!(
                    w,
                    "| {} | {} | {:.2} | {:.1} | {:.2} | {:.0} | {proposed} |",
                    p.name, p.count, p.flow_kg_s, p.inner_mm, p.velocity_m_s, p.gradient_pa_m
                );
            }
            let _ = writeln!(w);
        }
        let _ = writeln!(
            w,
            "\n## Pumps\n\nDuty with {:.0} % margin on the head; generic curve H = H₀·(1 − (Q/Q₀)²) \
             through the duty at half of Q₀.\n",
            self.rules.head_margin * 100.0
        );
        let _ = writeln!(
            w,
            "| pump | × | flow m³/h | head m | kWe | speed | duty head m | H₀ m | Q₀ m³/h | |\n\
             |---|---|---|---|---|---|---|---|---|---|"
        );
        for p in &self.pumps {
            let _ = writeln!(
                w,
                "| {} | {} | {:.1} | {:.2} | {:.2} | {} | {:.2} | {:.2} | {:.1} | {} |",
                p.name,
                p.count,
                p.flow_m3_h,
                p.head_m,
                p.electric_kw,
                p.speed.map_or("-".to_string(), |s| format!("{s:.3}")),
                p.duty_head_m,
                p.curve.0,
                p.curve.1,
                if p.at_speed_limit {
                    "**at its speed limit: it cannot deliver the loop's design flow**"
                } else {
                    ""
                }
            );
        }
        if !self.devices.is_empty() {
            let _ = writeln!(w, "\n## Plant at the design point\n");
            for d in &self.devices {
                let times = if d.count > 1 {
                    format!(" (×{})", d.count)
                } else {
                    String::new()
                };
                let values: Vec<String> = (d.values.iter())
                    .map(|(name, x, unit)| {
                        format!(
                            "{name} {x:.2}{}{unit}",
                            if unit.is_empty() { "" } else { " " }
                        )
                    })
                    .collect();
                let _ = writeln!(w, "- {} ({}){times}: {}", d.name, d.kind, values.join(", "));
            }
        }
        if !self.exchangers.is_empty() {
            let _ = writeln!(
                w,
                "\n## Heat exchangers\n\nThe conductance (ε-NTU, its own arrangement) that \
                 brings the controlled side to its set-point at the design point's flows and \
                 temperatures.\n"
            );
            let _ = writeln!(
                w,
                "| exchanger | × | duty kW | hot in °C | cold in °C | set-point °C | hot out °C | \
                 UA kW/K | needed kW/K |\n|---|---|---|---|---|---|---|---|---|"
            );
            for e in &self.exchangers {
                let needed = e.ua_needed_kw_k.map_or(
                    "**none: the cold side's flow is too small**".to_string(),
                    |ua| format!("{ua:.1}"),
                );
                let _ = writeln!(
                    w,
                    "| {} | {} | {:.1} | {:.2} | {:.2} | {:.2} | {:.2} | {:.1} | {needed} |",
                    e.name,
                    e.count,
                    e.duty_kw,
                    e.hot_in_c,
                    e.cold_in_c,
                    e.setpoint_c,
                    e.hot_out_c,
                    e.ua_kw_k
                );
            }
        }
        let _ = writeln!(
            w,
            "\n## Pipes\n\nThe smallest steel DN (EN 10220) within {:.1}/{:.1}/{:.1}/{:.1} m/s \
             (to DN 50/150/300/above) and {:.0} Pa/m at the largest flow of any instance; \
             below {:.1} m/s a pipe is oversized.\n",
            self.rules.max_velocity_m_s[0],
            self.rules.max_velocity_m_s[1],
            self.rules.max_velocity_m_s[2],
            self.rules.max_velocity_m_s[3],
            self.rules.max_gradient_pa_m,
            self.rules.min_velocity_m_s
        );
        let _ = writeln!(
            w,
            "| pipe | × | kg/s | inner mm | m/s | Pa/m | proposed | m/s | Pa/m | limited by |\n\
             |---|---|---|---|---|---|---|---|---|---|"
        );
        for p in &self.pipes {
            let proposed = p.proposal();
            let note = if p.velocity_m_s < self.rules.min_velocity_m_s && p.flow_kg_s > 0.0 {
                " (now oversized)"
            } else {
                ""
            };
            let _ = writeln!(
                w,
                "| {} | {} | {:.2} | {:.1} | {:.2} | {:.0} | {proposed}{note} | {:.2} | {:.0} | {} |",
                p.name,
                p.count,
                p.flow_kg_s,
                p.inner_mm,
                p.velocity_m_s,
                p.gradient_pa_m,
                p.proposed_velocity_m_s,
                p.proposed_gradient_pa_m,
                p.limited_by
            );
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_indices_are_starred() {
        assert_eq!(
            generic_name("container[17].rack[3].valve"),
            "container[*].rack[*].valve"
        );
        assert_eq!(generic_name("plant.pump"), "plant.pump");
    }
}
