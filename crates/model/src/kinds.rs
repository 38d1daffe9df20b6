//! The keys of each component kind, read into the components' SI parameters.

use crate::device_kinds::{Coupling, read_coupling};
use crate::nominal::read_resistance;
use crate::reader::{Reader, Value};
use crate::units::Quantity;
use crate::volume_device::read_volume_device;
use dctwin_components::device::DeviceSpec;
use dctwin_components::pipe::{
    DEFAULT_ROUGHNESS_M, MAX_SEGMENTS, PipeWall, WallExchange, WallMaterial,
};
use dctwin_components::temperature_sensor::{
    DEFAULT_HEAT_LOSS_TIME_S, DEFAULT_ROOM_K, DEFAULT_TIME_CONSTANT_S, SensorError,
    TemperatureSensor,
};
use dctwin_components::{
    Boundary, BoundaryHold, Characteristic, CheckValve, Component, Efficiency, FrictionLaw,
    HeadCurve, HeatConsumer, HeatDuty, HeatSource, Pipe, PipeHeatLoss, Pump, PumpControl,
    PumpError, Resistance, Valve,
};
use dctwin_fluid::Fluid;
use std::f64::consts::PI;

/// The component kinds a model file may name besides the volume devices
/// ([`dctwin_components::devices::KINDS`]).
pub const KINDS: &[&str] = &[
    "pipe",
    "pump",
    "valve",
    "resistance",
    "check_valve",
    "heat_source",
    "heat_consumer",
    "pressurisation",
    "pressure_boundary",
    "flow_boundary",
    "temperature_sensor",
    "heat_exchanger",
    "heat_pump",
];

/// Every component kind a model file may name.
pub fn kind_names() -> Vec<&'static str> {
    let devices = dctwin_components::devices::KINDS.iter().map(|k| k.key);
    KINDS.iter().copied().chain(devices).collect()
}

/// Default motor efficiency [-]: an IE3 motor of some tens of kW.
pub const DEFAULT_MOTOR_EFFICIENCY: f64 = 0.94;
/// Default drive (VFD) efficiency [-].
pub const DEFAULT_DRIVE_EFFICIENCY: f64 = 0.97;
/// Default rangeability of equal-percentage valves [-] (VDI/VDE 2173 globe valves).
pub const DEFAULT_RANGEABILITY: f64 = 50.0;

// Standard atmosphere [Pa]: no gauge pressure can be lower than minus this.
use dctwin_components::psychrometrics::STANDARD_PRESSURE_PA as STANDARD_ATMOSPHERE_PA;

/// What a component table describes, with its node names as written (local to a template).
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    /// A link between two nodes.
    Link {
        /// Node name and its offset in the file.
        from: (String, usize),
        /// Node name and its offset in the file.
        to: (String, usize),
        /// The physics.
        component: Component,
        /// The transient device it holds, if any.
        device: Option<DeviceSpec>,
        /// Its own starting temperature [K], if it has one (else its loop's).
        initial_temperature_k: Option<f64>,
    },
    /// A coupling between two links (a heat exchanger, a heat-pump bank).
    Coupling(Coupling),
    /// The pressurisation point of the loop.
    Pressurisation {
        /// Node name and its offset in the file.
        node: (String, usize),
        /// Pressure held [Pa].
        pressure_pa: f64,
    },
    /// An open boundary at a node: its outside is a node of its own, joined by its link.
    Boundary {
        /// Node name and its offset in the file.
        node: (String, usize),
        /// What it holds.
        boundary: Boundary,
    },
    /// A temperature sensor at a node.
    Sensor {
        /// Node name and its offset in the file.
        node: (String, usize),
        /// Its law.
        sensor: TemperatureSensor,
    },
}

/// Read the keys of a component of `kind` (already known to be one of [`kind_names`]) in a loop of
/// `fluid` starting at `initial_k`, whose density there converts volume flows.
pub fn read(r: &mut Reader<'_, '_>, kind: &str, fluid: &Fluid, initial_k: f64) -> Option<Parsed> {
    let density_kg_m3 = fluid.density_kg_m3(initial_k);
    if matches!(kind, "heat_exchanger" | "heat_pump") {
        return read_coupling(r, kind).map(Parsed::Coupling);
    }
    if kind == "temperature_sensor" {
        return read_sensor(r, density_kg_m3).map(|(node, sensor)| Parsed::Sensor { node, sensor });
    }
    if kind == "pressurisation" {
        let node = r.required_string("node", "the node the expansion vessel connects to");
        let pressure_pa = read_gauge_pressure(r)?;
        return Some(Parsed::Pressurisation {
            node: node?,
            pressure_pa,
        });
    }
    if matches!(kind, "pressure_boundary" | "flow_boundary") {
        return read_boundary(r, kind, density_kg_m3);
    }
    let from = r.required_string("from", "the node where positive flow enters");
    let to = r.required_string("to", "the node where positive flow leaves");
    let own_initial_k = read_own_initial(r, fluid)?;
    let initial_k = own_initial_k.unwrap_or(initial_k);
    if let Some(device_kind) = dctwin_components::devices::kind(kind) {
        let (component, spec) = read_volume_device(r, device_kind, fluid, initial_k)?;
        return Some(Parsed::Link {
            from: from?,
            to: to?,
            component,
            device: Some(spec),
            initial_temperature_k: own_initial_k,
        });
    }
    let component = match kind {
        "pipe" => read_pipe(r).map(Component::Pipe),
        "pump" => read_pump(r, density_kg_m3).map(Component::Pump),
        "valve" => read_valve(r).map(Component::Valve),
        "resistance" => read_resistance(r, density_kg_m3).map(Component::Resistance),
        "check_valve" => {
            read_resistance(r, density_kg_m3).map(|open| Component::CheckValve(CheckValve { open }))
        }
        "heat_source" => read_heat_source(r, density_kg_m3).map(Component::HeatSource),
        "heat_consumer" => read_heat_consumer(r).map(Component::HeatConsumer),
        _ => unreachable!("kind checked by the caller"),
    };
    Some(Parsed::Link {
        from: from?,
        to: to?,
        component: component?,
        device: None,
        initial_temperature_k: own_initial_k,
    })
}

/// The gauge pressure a vessel or a pressure boundary holds (`pressure_bar`, …) [Pa]: not below
/// vacuum.
fn read_gauge_pressure(r: &mut Reader<'_, '_>) -> Option<f64> {
    let p = r.required_quantity(
        "pressure",
        Quantity::Pressure,
        "the gauge pressure it holds",
    )?;
    if p.si < -STANDARD_ATMOSPHERE_PA {
        let msg = format!(
            "{:.3} bar gauge is below vacuum (−1.013 bar gauge)",
            p.si / 1e5
        );
        r.error_at(p.offset, &p.key, msg);
        return None;
    }
    Some(p.si)
}

/// An open boundary: the node it is attached to, the temperature of the water it lets in, and
/// the pressure (`pressure_boundary`) or the mass flow into the network (`flow_boundary`,
/// negative out of it) it holds.
fn read_boundary(r: &mut Reader<'_, '_>, kind: &str, density_kg_m3: f64) -> Option<Parsed> {
    let node = r.required_string("node", "the node where the network meets the outside");
    let temperature = r.required_quantity(
        "temperature",
        Quantity::Temperature,
        "the temperature of the water that enters through it",
    );
    let given_out = match (kind, r.string("direction")) {
        (_, None) => Some(false),
        ("flow_boundary", Some((word, _))) if word == "in" || word == "out" => Some(word == "out"),
        (_, Some((word, at))) => {
            let msg = match kind {
                "flow_boundary" => format!(
                    "unknown direction \"{word}\": expected \"in\" (the flow given enters the \
                     network, the default) or \"out\" (it leaves: a draw, as a meter reads it)"
                ),
                _ => "a pressure boundary's flow is what the network takes: only a flow \
                      boundary has a direction"
                    .to_string(),
            };
            r.error_at(at, "direction", msg);
            None
        }
    };
    let hold = match kind {
        "pressure_boundary" => {
            read_gauge_pressure(r).map(|pressure_pa| BoundaryHold::Pressure { pressure_pa })
        }
        _ => r
            .required_quantity(
                "flow",
                Quantity::Flow,
                "the flow it holds (into the network, or out of it with direction = \"out\")",
            )
            .map(|v| BoundaryHold::Flow {
                mass_flow_kg_s: v.mass_flow(density_kg_m3),
            }),
    };
    let mut boundary = Boundary {
        hold: hold?,
        temperature_k: above_absolute_zero(r, temperature?)?,
        given_out: given_out?,
    };
    if let BoundaryHold::Flow { mass_flow_kg_s } = boundary.hold {
        boundary.set_flow(mass_flow_kg_s);
    }
    Some(Parsed::Boundary {
        node: node?,
        boundary,
    })
}

/// The temperature `v` [K], or an error on its key if it is not above absolute zero.
fn above_absolute_zero(r: &mut Reader<'_, '_>, v: Value) -> Option<f64> {
    if v.si > 0.0 {
        return Some(v.si);
    }
    r.error_at(v.offset, &v.key, "the temperature is below absolute zero");
    None
}

/// A temperature sensor: the node it reads and its law.
fn read_sensor(
    r: &mut Reader<'_, '_>,
    density_kg_m3: f64,
) -> Option<((String, usize), TemperatureSensor)> {
    let node = r.required_string("node", "the node whose water it reads");
    let nominal = r.required_quantity(
        "nominal_flow",
        Quantity::Flow,
        "the flow past it at which its time constant holds",
    );
    let tau = r.optional_positive_quantity("time_constant", Quantity::Time);
    let loss = r.optional_positive_quantity("heat_loss_time", Quantity::Time);
    let room = r.temperature("ambient_temperature");
    let nominal = nominal?;
    let sensor = TemperatureSensor::new(
        tau.as_ref().map_or(DEFAULT_TIME_CONSTANT_S, |v| v.si),
        nominal.mass_flow(density_kg_m3),
        loss.as_ref().map_or(DEFAULT_HEAT_LOSS_TIME_S, |v| v.si),
        room.as_ref().map_or(DEFAULT_ROOM_K, |v| v.si),
    );
    match sensor {
        Ok(sensor) => Some((node?, sensor)),
        Err(e) => {
            // The key of the value refused (every one given is positive or above absolute
            // zero when read, so this is a flow of zero density, or a NaN).
            let SensorError::Parameter { name, .. } = &e;
            let at = match *name {
                "time_constant_s" => tau.as_ref(),
                "heat_loss_time_s" => loss.as_ref(),
                "room_k" => room.as_ref(),
                _ => Some(&nominal),
            };
            match at {
                Some(v) => r.error_at(v.offset, &v.key, e.to_string()),
                None => r.error(e.to_string()),
            }
            None
        }
    }
}

/// A component's own `initial_temperature_c`, within its loop's fluid's range: `Some(None)`
/// if not given, `None` once an error is reported.
fn read_own_initial(r: &mut Reader<'_, '_>, fluid: &Fluid) -> Option<Option<f64>> {
    let Some(v) = r.temperature("initial_temperature") else {
        return match r.has_quantity("initial_temperature", Quantity::Temperature) {
            true => None,
            false => Some(None),
        };
    };
    if let Some(msg) = outside_fluid(fluid, v.si) {
        r.error_at(v.offset, &v.key, msg);
        return None;
    }
    Some(Some(v.si))
}

/// Why `t_k` cannot be a starting temperature of `fluid`, if it cannot.
pub(crate) fn outside_fluid(fluid: &Fluid, t_k: f64) -> Option<String> {
    let (lo, hi) = fluid.valid_range_k();
    (t_k < lo || t_k > hi).then(|| {
        format!(
            "{:.1} °C is outside the range of {} ({:.1} to {:.1} °C)",
            t_k - 273.15,
            fluid.name(),
            lo - 273.15,
            hi - 273.15
        )
    })
}

fn read_pipe(r: &mut Reader<'_, '_>) -> Option<Pipe> {
    let length = r.positive_quantity("length", Quantity::Length, "the pipe's length");
    let diameter = r.positive_quantity("inner_diameter", Quantity::Length, "the inner diameter");
    let roughness = match r.quantity("roughness", Quantity::Length) {
        Some(v) if v.si < 0.0 => {
            r.error_at(
                v.offset,
                "roughness_mm",
                "expected a roughness of zero or more",
            );
            None
        }
        Some(v) => Some(v.si),
        None => Some(DEFAULT_ROUGHNESS_M),
    };
    let minor = match r.number("minor_loss_coefficient") {
        Some((k, offset)) if k < 0.0 => {
            r.error_at(offset, "minor_loss_coefficient", "expected zero or more");
            None
        }
        Some((k, _)) => Some(k),
        None => Some(0.0),
    };
    let friction = match r.string("friction") {
        None => Some(FrictionLaw::Colebrook),
        Some((s, _)) if s == "colebrook" => Some(FrictionLaw::Colebrook),
        Some((s, _)) if s == "swamee_jain" => Some(FrictionLaw::SwameeJain),
        Some((s, offset)) => {
            let msg =
                format!("unknown friction law \"{s}\": expected \"colebrook\" or \"swamee_jain\"");
            r.error_at(offset, "friction", msg);
            None
        }
    };
    let heat_loss = read_pipe_heat_loss(r);
    let wall = read_pipe_wall(r);
    let segments = match r.count("segments") {
        None => Some(1),
        Some((n, _)) if n <= MAX_SEGMENTS => Some(n),
        Some((n, at)) => {
            let msg = format!("expected at most {MAX_SEGMENTS} segments, found {n}");
            r.error_at(at, "segments", msg);
            None
        }
    };
    let (length, diameter) = (length?, diameter?);
    let wall_outer_m = match wall {
        Some(Some(w)) => diameter.si + 2.0 * w.thickness_m,
        _ => diameter.si,
    };
    let heat_loss = heat_loss?;
    if let Some(msg) = heat_loss.and_then(|(loss, _)| loss.refusal(wall_outer_m)) {
        r.error(msg);
        return None;
    }
    let heat_loss = heat_loss.map(|(loss, ambient_k)| loss.of(wall_outer_m, ambient_k));
    if let Some(loss) = heat_loss
        && loss.outer_diameter_m < wall_outer_m
    {
        r.error(format!(
            "the outer diameter {:.2} mm is smaller than the pipe's ({:.2} mm with its wall)",
            loss.outer_diameter_m * 1e3,
            wall_outer_m * 1e3
        ));
        return None;
    }
    Some(Pipe {
        length_m: length.si,
        inner_diameter_m: diameter.si,
        roughness_m: roughness?,
        minor_loss_coefficient: minor?,
        friction: friction?,
        heat_loss,
        wall: wall?,
        segments: segments?,
    })
}

/// The wall materials a model may name.
const WALL_MATERIALS: [(&str, WallMaterial); 3] = [
    ("steel", WallMaterial::STEEL),
    ("stainless_steel", WallMaterial::STAINLESS_STEEL),
    ("copper", WallMaterial::COPPER),
];

/// The density [kg/m³] and specific heat [J/(kg·K)] a wall may be given directly, each within
/// these bounds (from foams to tungsten; from lead to water-filled plastics).
const WALL_DENSITY_KG_M3: (f64, f64) = (10.0, 25_000.0);
const WALL_SPECIFIC_HEAT_J_KG_K: (f64, f64) = (100.0, 5_000.0);

/// `Some(None)`: no wall capacity; `Some(Some(..))`: a wall of that thickness and material
/// [steel], its density and specific heat as given if they are; `None`: an error was reported.
fn read_pipe_wall(r: &mut Reader<'_, '_>) -> Option<Option<PipeWall>> {
    let given = r.has_quantity("wall_thickness", Quantity::Length);
    let property = |r: &mut Reader<'_, '_>, key: &str, (lo, hi): (f64, f64)| match r.number(key) {
        None if r.is_present(key) => Err(()),
        None => Ok(None),
        Some((x, _)) if (lo..=hi).contains(&x) => Ok(Some(x)),
        Some((x, at)) => {
            r.error_at(at, key, format!("expected {lo} to {hi}, found {x}"));
            Err(())
        }
    };
    let density = property(r, "wall_density_kg_m3", WALL_DENSITY_KG_M3);
    let specific_heat = property(r, "wall_specific_heat_j_kg_k", WALL_SPECIFIC_HEAT_J_KG_K);
    let thickness = r.optional_positive_quantity("wall_thickness", Quantity::Length);
    let exchange = read_wall_exchange(r);
    let material = match r.string("wall_material") {
        None => Some(None),
        Some((name, at)) => match WALL_MATERIALS.iter().find(|(n, _)| *n == name) {
            Some(&(_, m)) => Some(Some((m, at))),
            None => {
                let names: Vec<String> = WALL_MATERIALS
                    .iter()
                    .map(|(n, _)| format!("\"{n}\""))
                    .collect();
                let msg = format!(
                    "unknown wall material \"{name}\": expected one of {}",
                    names.join(", ")
                );
                r.error_at(at, "wall_material", msg);
                None
            }
        },
    };
    if thickness.is_none() && !given {
        for key in [
            "wall_density_kg_m3",
            "wall_specific_heat_j_kg_k",
            "wall_exchange",
            "wall_fouling_m2_k_w",
        ] {
            if r.is_present(key) {
                let at = r.raw(key).map_or(r.offset(), |v| v.span().start);
                r.error_at(
                    at,
                    key,
                    format!("{key} describes a wall: it needs wall_thickness_mm"),
                );
                return None;
            }
        }
    }
    match (thickness, material?) {
        (None, None) => Some(None),
        // An invalid thickness was reported already.
        (None, Some(_)) if given => None,
        (None, Some((_, at))) => {
            r.error_at(
                at,
                "wall_material",
                "a wall material needs wall_thickness_mm",
            );
            None
        }
        (Some(t), m) => {
            let mut material = m.map_or(WallMaterial::STEEL, |(m, _)| m);
            if let Some(d) = density.ok()? {
                material.density_kg_m3 = d;
            }
            if let Some(c) = specific_heat.ok()? {
                material.specific_heat_j_kg_k = c;
            }
            Some(Some(PipeWall {
                thickness_m: t.si,
                material,
                exchange: exchange?,
            }))
        }
    }
}

/// How a pipe's wall exchanges heat with its water: `wall_exchange = "lumped"` (the default:
/// at the water's temperature) or `"film"` (its own temperature, through the film and the
/// fouling `wall_fouling_m2_k_w`, default 0); `None` once an error is reported.
fn read_wall_exchange(r: &mut Reader<'_, '_>) -> Option<WallExchange> {
    let fouling = match r.number("wall_fouling_m2_k_w") {
        None if r.is_present("wall_fouling_m2_k_w") => return None,
        None => None,
        Some((x, at)) if (0.0..=0.01).contains(&x) => Some((x, at)),
        Some((x, at)) => {
            let msg = format!(
                "expected 0 to 0.01 m²·K/W (TEMA's fouling factors are 1e-4 to 2e-3), found {x}"
            );
            r.error_at(at, "wall_fouling_m2_k_w", msg);
            return None;
        }
    };
    match r.string("wall_exchange") {
        Some((word, _)) if word == "film" => Some(WallExchange::Film {
            fouling_m2_k_w: fouling.map_or(0.0, |(x, _)| x),
        }),
        Some((word, at)) if word != "lumped" => {
            let msg = format!("unknown wall exchange \"{word}\": expected \"lumped\" or \"film\"");
            r.error_at(at, "wall_exchange", msg);
            None
        }
        _ if fouling.is_some() => {
            let at = fouling.map_or(r.offset(), |(_, at)| at);
            r.error_at(
                at,
                "wall_fouling_m2_k_w",
                "the fouling between the water and a wall of its own: it needs wall_exchange = \
                 \"film\"",
            );
            None
        }
        _ => Some(WallExchange::Lumped),
    }
}

/// A pipe's heat loss as written: a U-value referred to an outer diameter, a thermal
/// resistance per metre (as pipe catalogues give it), or its layers (insulation, then air or
/// soil), to an ambient temperature [K].
#[derive(Debug, Clone, Copy)]
enum LossSpec {
    /// U [W/(m²·K)] over the outer diameter [m].
    UValue { u_w_m2_k: f64, outer_m: f64 },
    /// R' [K·m/W]: UA = L/R'.
    PerMetre { r_m_k_w: f64 },
    /// An insulation layer (thickness [m], conductivity [W/(m·K)]) if any, and what lies
    /// outside it.
    Layers {
        insulation: Option<(f64, f64)>,
        outside: Outside,
    },
}

/// What takes the heat outside a pipe's insulation.
#[derive(Debug, Clone, Copy)]
enum Outside {
    /// Air, through a surface coefficient (convection and radiation) [W/(m²·K)].
    Air { coefficient_w_m2_k: f64 },
    /// The ground: the pipe's axis this deep [m] in soil of this conductivity [W/(m·K)].
    Soil {
        depth_m: f64,
        conductivity_w_m_k: f64,
    },
}

impl LossSpec {
    /// The loss as the pipe holds it, a U-value over a diameter: R' is referred to the pipe's
    /// outer surface `outer_m` (any diameter gives the same UA = L/R').
    fn of(self, pipe_outer_m: f64, ambient_k: f64) -> PipeHeatLoss {
        match self {
            LossSpec::UValue { u_w_m2_k, outer_m } => PipeHeatLoss {
                u_w_m2_k,
                outer_diameter_m: outer_m,
                ambient_k,
            },
            LossSpec::PerMetre { r_m_k_w } => per_metre(r_m_k_w, pipe_outer_m, ambient_k),
            LossSpec::Layers {
                insulation,
                outside,
            } => {
                let (insulation_m, insulation_r) = match insulation {
                    Some((thickness_m, k)) => {
                        let outer = pipe_outer_m + 2.0 * thickness_m;
                        (outer, (outer / pipe_outer_m).ln() / (2.0 * PI * k))
                    }
                    None => (pipe_outer_m, 0.0),
                };
                let outside_r = match outside {
                    Outside::Air { coefficient_w_m2_k } => {
                        1.0 / (coefficient_w_m2_k * PI * insulation_m)
                    }
                    // arcosh(2H/D)/(2π·k): a cylinder in a half-space with an isothermal surface
                    // (`plug_flow::buried_resistance_m_k_w`).
                    Outside::Soil {
                        depth_m,
                        conductivity_w_m_k,
                    } => (2.0 * depth_m / insulation_m).acosh() / (2.0 * PI * conductivity_w_m_k),
                };
                per_metre(insulation_r + outside_r, insulation_m, ambient_k)
            }
        }
    }
}

impl LossSpec {
    /// Why the loss cannot be on a pipe whose outside is `pipe_outer_m` across [m], if it
    /// cannot: a buried pipe's axis must lie deeper than its outer radius.
    fn refusal(&self, pipe_outer_m: f64) -> Option<String> {
        let LossSpec::Layers {
            insulation,
            outside: Outside::Soil { depth_m, .. },
        } = self
        else {
            return None;
        };
        let outer_m = pipe_outer_m + 2.0 * insulation.map_or(0.0, |(t, _)| t);
        (*depth_m <= outer_m / 2.0).then(|| {
            format!(
                "burial_depth_m = {depth_m} m puts the pipe's axis within its own outer radius \
                 ({:.3} m, insulation included): expected a depth of its axis below the surface \
                 greater than that",
                outer_m / 2.0
            )
        })
    }
}

/// A loss of `r_m_k_w` [K·m/W] as a U-value over diameter `outer_m`: UA = L/R'.
fn per_metre(r_m_k_w: f64, outer_m: f64, ambient_k: f64) -> PipeHeatLoss {
    PipeHeatLoss {
        u_w_m2_k: 1.0 / (r_m_k_w * PI * outer_m),
        outer_diameter_m: outer_m,
        ambient_k,
    }
}

/// Insulation, surface and burial keys: `Some(None)` if none is given, `Some(Some((layers,
/// the first key given)))`, `None` once an error is reported.
fn read_loss_layers(r: &mut Reader<'_, '_>) -> Option<Option<(LossSpec, String)>> {
    let thickness = r.optional_positive_quantity("insulation_thickness", Quantity::Length);
    let insulation_k =
        r.optional_positive_quantity("insulation_conductivity", Quantity::Conductivity);
    let surface =
        r.optional_positive_quantity("surface_coefficient", Quantity::HeatTransferCoefficient);
    let depth = r.optional_positive_quantity("burial_depth", Quantity::Length);
    let soil_k = r.optional_positive_quantity("soil_conductivity", Quantity::Conductivity);
    let first = [&thickness, &insulation_k, &surface, &depth, &soil_k]
        .into_iter()
        .flatten()
        .next()
        .map(|v| v.key.clone());
    let Some(first) = first else {
        return Some(None);
    };
    let insulation = match (thickness, insulation_k) {
        (Some(t), Some(k)) => Some((t.si, k.si)),
        (None, None) => None,
        (Some(v), None) | (None, Some(v)) => {
            let msg =
                "insulation needs both insulation_thickness_mm and insulation_conductivity_w_m_k";
            r.error_at(v.offset, &v.key, msg);
            return None;
        }
    };
    let outside = match (surface, depth, soil_k) {
        (Some(h), None, None) => Outside::Air {
            coefficient_w_m2_k: h.si,
        },
        (None, Some(d), Some(k)) => Outside::Soil {
            depth_m: d.si,
            conductivity_w_m_k: k.si,
        },
        (Some(h), Some(_), _) | (Some(h), _, Some(_)) => {
            let msg = "a pipe is in air (surface_coefficient_w_m2_k) or buried (burial_depth_m, soil_conductivity_w_m_k), not both";
            r.error_at(h.offset, &h.key, msg);
            return None;
        }
        (None, Some(v), None) | (None, None, Some(v)) => {
            let msg = "a buried pipe needs both burial_depth_m and soil_conductivity_w_m_k";
            r.error_at(v.offset, &v.key, msg);
            return None;
        }
        (None, None, None) => {
            r.error(
                "an insulated pipe needs what lies outside it: surface_coefficient_w_m2_k (in \
                 air) or burial_depth_m with soil_conductivity_w_m_k (buried)",
            );
            return None;
        }
    };
    Some(Some((
        LossSpec::Layers {
            insulation,
            outside,
        },
        first,
    )))
}

/// `Some(None)`: adiabatic; `Some(Some((loss, ambient)))`: with heat loss; `None`: an error was
/// reported.
fn read_pipe_heat_loss(r: &mut Reader<'_, '_>) -> Option<Option<(LossSpec, f64)>> {
    let u = r.quantity("u_value", Quantity::HeatTransferCoefficient);
    let per_metre = r.optional_positive_quantity("r", Quantity::LinearThermalResistance);
    let layers = read_loss_layers(r)?;
    let outer = r.optional_positive_quantity("outer_diameter", Quantity::Length);
    let ambient = r.temperature("ambient_temperature");
    let need_ambient = |r: &mut Reader<'_, '_>, key: &str| {
        let msg = format!("a pipe with {key} also needs ambient_temperature_c");
        r.error(msg);
    };
    if let Some((layers, key)) = layers {
        let given = match (&u, &per_metre) {
            (Some(v), _) | (_, Some(v)) => Some(v.key.clone()),
            _ => None,
        };
        if let Some(other) = given {
            r.error(format!(
                "give {other} or the pipe's layers ({key}, …), not both"
            ));
            return None;
        }
        if let Some(o) = outer {
            r.error_at(o.offset, &o.key, "outer_diameter goes with u_value_w_m2_k");
            return None;
        }
        return match ambient {
            Some(a) => Some(Some((layers, a.si))),
            None => {
                need_ambient(r, &key);
                None
            }
        };
    }
    match (u, per_metre) {
        (None, None) if outer.is_none() && ambient.is_none() => Some(None),
        (None, None) => {
            r.error(
                "outer_diameter/ambient_temperature are given without u_value_w_m2_k or r_m_k_w",
            );
            None
        }
        (Some(_), Some(v)) => {
            r.error_at(v.offset, &v.key, "give u_value_w_m2_k or r_m_k_w, not both");
            None
        }
        (Some(u), None) if u.si < 0.0 => {
            r.error_at(u.offset, &u.key, "expected zero or more");
            None
        }
        (Some(u), None) => match (outer, ambient) {
            (Some(o), Some(a)) => Some(Some((
                LossSpec::UValue {
                    u_w_m2_k: u.si,
                    outer_m: o.si,
                },
                a.si,
            ))),
            _ => {
                r.error("a pipe with u_value_w_m2_k also needs outer_diameter_mm and ambient_temperature_c");
                None
            }
        },
        (None, Some(per_metre)) => match ambient {
            Some(a) => Some(Some((
                LossSpec::PerMetre {
                    r_m_k_w: per_metre.si,
                },
                a.si,
            ))),
            None => {
                need_ambient(r, &per_metre.key);
                None
            }
        },
    }
}

fn read_pump(r: &mut Reader<'_, '_>, density: f64) -> Option<Pump> {
    let curve = read_head_curve(r);
    let efficiency = read_efficiency(r);
    let motor = r.number_in("motor_efficiency", 0.01, 1.0, DEFAULT_MOTOR_EFFICIENCY);
    let drive = r.number_in("drive_efficiency", 0.01, 1.0, DEFAULT_DRIVE_EFFICIENCY);
    let max_speed = r.number_in("max_speed_ratio", 0.01, 2.0, 1.0);
    let heat = r.number_in("shaft_heat_to_fluid", 0.0, 1.0, 1.0);
    let control = read_pump_control(r, density);
    let (curve, control) = (curve?, control?);
    if curve.is_none() && matches!(control, PumpControl::Speed { .. }) {
        r.error("a pump run at a fixed speed needs its curve: curve_flow_m3_h and curve_head_m");
        return None;
    }
    Some(Pump {
        curve,
        efficiency: efficiency?,
        motor_efficiency: motor,
        drive_efficiency: drive,
        max_speed,
        control,
        shaft_heat_to_fluid: heat,
    })
}

/// `Some(None)`: no curve (an ideal pump); `None`: an error was reported.
fn read_head_curve(r: &mut Reader<'_, '_>) -> Option<Option<HeadCurve>> {
    let present = r.has_quantity("curve_flow", Quantity::Flow)
        || r.has_quantity("curve_head", Quantity::Head);
    let flows = r.quantity_list("curve_flow", Quantity::Flow);
    let heads = r.quantity_list("curve_head", Quantity::Head);
    match (flows, heads) {
        (None, None) if !present => Some(None),
        (Some(flows), Some(heads)) => {
            if !flows.volumetric {
                let msg =
                    "a pump curve is given in volume flow: curve_flow_m3_h, _m3_s, _l_s or _l_min";
                r.error_at(flows.offset, &flows.key, msg);
                return None;
            }
            match HeadCurve::fit(&flows.values, &heads.values) {
                Ok(c) => Some(Some(c)),
                Err(e) => {
                    let at = match e {
                        PumpError::HeadNotFalling(_) => &heads,
                        _ => &flows,
                    };
                    r.error_at(at.offset, &at.key, e.to_string());
                    None
                }
            }
        }
        (Some(_), None) | (None, Some(_))
            if !(r.has_quantity("curve_flow", Quantity::Flow)
                && r.has_quantity("curve_head", Quantity::Head)) =>
        {
            r.error("a pump curve needs both curve_flow_m3_h and curve_head_m");
            None
        }
        _ => None,
    }
}

fn read_efficiency(r: &mut Reader<'_, '_>) -> Option<Efficiency> {
    let written = ["efficiency", "efficiency_curve"]
        .iter()
        .any(|k| r.is_present(k))
        || r.has_quantity("efficiency_flow", Quantity::Flow);
    let constant = r.number("efficiency");
    let flows = r.quantity_list("efficiency_flow", Quantity::Flow);
    let values = r.number_list("efficiency_curve");
    match (constant, flows, values) {
        (Some((e, offset)), None, None) => {
            if e > 0.0 && e <= 1.0 {
                Some(Efficiency::Constant(e))
            } else {
                r.error_at(
                    offset,
                    "efficiency",
                    format!("expected a value in (0, 1], found {e}"),
                );
                None
            }
        }
        (None, Some(flows), Some((values, offset))) => {
            match Efficiency::curve(flows.values, values) {
                Ok(e) => Some(e),
                Err(e) => {
                    r.error_at(offset, "efficiency_curve", e.to_string());
                    None
                }
            }
        }
        (None, None, None) if !written => {
            let msg = "missing the pump efficiency: give efficiency, or efficiency_flow_m3_h with efficiency_curve";
            r.missing(
                vec!["efficiency".into(), "efficiency_curve".into()],
                msg.into(),
            );
            None
        }
        // A value that could not be read has been reported already.
        (None, None, None) => None,
        _ if r.is_present("efficiency")
            && (r.is_present("efficiency_curve")
                || r.has_quantity("efficiency_flow", Quantity::Flow)) =>
        {
            r.error(
                "give either efficiency, or efficiency_flow_m3_h with efficiency_curve, not both",
            );
            None
        }
        _ => {
            r.error("an efficiency curve needs both efficiency_flow_m3_h and efficiency_curve");
            None
        }
    }
}

fn read_pump_control(r: &mut Reader<'_, '_>, density: f64) -> Option<PumpControl> {
    let (control, offset) = r
        .string("control")
        .unwrap_or_else(|| ("speed".to_string(), r.offset()));
    let speed = r.number("speed_ratio");
    let dp = r.quantity("dp_setpoint", Quantity::Pressure);
    let flow = r.quantity("flow_setpoint", Quantity::Flow);
    let stray = |r: &mut Reader<'_, '_>, key: &str, at: usize| {
        r.error_at(
            at,
            key,
            format!("\"{key}\" does not belong to control = \"{control}\""),
        );
        None
    };
    match control.as_str() {
        "speed" => {
            if let Some(v) = dp.as_ref().or(flow.as_ref()) {
                return stray(r, &v.key, v.offset);
            }
            let (speed, at) = speed.unwrap_or((1.0, offset));
            if !(0.0..=2.0).contains(&speed) {
                r.error_at(at, "speed_ratio", format!("expected 0 to 2, found {speed}"));
                return None;
            }
            Some(PumpControl::Speed { speed })
        }
        "differential_pressure" => {
            if let Some((_, at)) = speed {
                return stray(r, "speed_ratio", at);
            }
            if let Some(v) = &flow {
                return stray(r, &v.key, v.offset);
            }
            match dp {
                Some(v) if v.si > 0.0 => {
                    Some(PumpControl::DifferentialPressure { setpoint_pa: v.si })
                }
                Some(v) => {
                    r.error_at(v.offset, &v.key, "expected a positive pressure rise");
                    None
                }
                None if r.has_quantity("dp_setpoint", Quantity::Pressure) => None,
                None => {
                    let keys = vec!["dp_setpoint_bar".into(), "dp_setpoint_kpa".into()];
                    r.missing(
                        keys,
                        "control = \"differential_pressure\" needs dp_setpoint_bar (or _kpa, _pa)"
                            .into(),
                    );
                    None
                }
            }
        }
        "flow" => {
            if let Some((_, at)) = speed {
                return stray(r, "speed_ratio", at);
            }
            if let Some(v) = &dp {
                return stray(r, &v.key, v.offset);
            }
            match flow {
                Some(v) if v.si > 0.0 => Some(PumpControl::Flow {
                    setpoint_kg_s: v.mass_flow(density),
                }),
                Some(v) => {
                    r.error_at(v.offset, &v.key, "expected a positive flow");
                    None
                }
                None if r.has_quantity("flow_setpoint", Quantity::Flow) => None,
                None => {
                    let keys = vec!["flow_setpoint_m3_h".into(), "flow_setpoint_kg_s".into()];
                    r.missing(
                        keys,
                        "control = \"flow\" needs flow_setpoint_m3_h (or _l_s, _kg_s)".into(),
                    );
                    None
                }
            }
        }
        other => {
            let msg = format!(
                "unknown pump control \"{other}\": expected \"speed\", \"differential_pressure\" or \"flow\""
            );
            r.error_at(offset, "control", msg);
            None
        }
    }
}

fn read_valve(r: &mut Reader<'_, '_>) -> Option<Valve> {
    let kvs = match r.number("kvs_m3_h") {
        Some((k, _)) if k > 0.0 => Some(k),
        Some((k, offset)) => {
            r.error_at(
                offset,
                "kvs_m3_h",
                format!("expected a positive Kvs, found {k}"),
            );
            None
        }
        None if r.is_present("kvs_m3_h") => None,
        None => {
            let msg = "missing key \"kvs_m3_h\" (flow coefficient at full opening, m³/h at 1 bar)";
            r.missing(vec!["kvs_m3_h".into()], msg.into());
            None
        }
    };
    let opening = r.number_in("opening", 0.0, 1.0, 1.0);
    let rangeability = r.number_in("rangeability", 1.0, 1.0e4, DEFAULT_RANGEABILITY);
    let characteristic = match r.string("characteristic") {
        None => Some(Characteristic::EqualPercentage { rangeability }),
        Some((s, _)) if s == "equal_percentage" => {
            Some(Characteristic::EqualPercentage { rangeability })
        }
        Some((s, _)) if s == "linear" => Some(Characteristic::Linear),
        Some((s, offset)) => {
            let msg = format!(
                "unknown characteristic \"{s}\": expected \"linear\" or \"equal_percentage\""
            );
            r.error_at(offset, "characteristic", msg);
            None
        }
    };
    Some(Valve {
        kvs_m3_h: kvs?,
        characteristic: characteristic?,
        opening,
    })
}

fn read_heat_source(r: &mut Reader<'_, '_>, density: f64) -> Option<HeatSource> {
    let heat = r.quantity("heat", Quantity::Power);
    let outlet = r.temperature("outlet_temperature");
    let duty = match (heat, outlet) {
        (Some(Value { si, .. }), None) => Some(HeatDuty::Fixed { heat_w: si }),
        (None, Some(t)) => Some(HeatDuty::OutletSetpoint { outlet_k: t.si }),
        (None, None) => {
            r.error(
                "a heat source needs heat_kw (a fixed duty) or outlet_temperature_c (a set-point)",
            );
            None
        }
        (Some(_), Some(_)) => {
            r.error("give heat_kw or outlet_temperature_c, not both");
            None
        }
    };
    let dp = r.optional_positive_quantity("dp_nominal", Quantity::Pressure);
    let flow = r.optional_positive_quantity("flow_nominal", Quantity::Flow);
    let resistance = match (dp, flow) {
        (None, None) => Some(None),
        (Some(dp), Some(flow)) => Some(Some(Resistance {
            dp_nominal_pa: dp.si,
            flow_nominal_kg_s: flow.mass_flow(density),
            density_nominal_kg_m3: density,
        })),
        _ => {
            r.error(
                "a heat source's pressure drop needs both dp_nominal_bar and flow_nominal_m3_h",
            );
            None
        }
    };
    Some(HeatSource {
        duty: duty?,
        resistance: resistance?,
    })
}

fn read_heat_consumer(r: &mut Reader<'_, '_>) -> Option<HeatConsumer> {
    let heat = r.required_quantity("heat", Quantity::Power, "the heat taken from the water");
    let ret = r.temperature("return_temperature");
    if ret.is_none() && !r.has_quantity("return_temperature", Quantity::Temperature) {
        let keys = vec!["return_temperature_c".into(), "return_temperature_k".into()];
        r.missing(
            keys,
            "missing return_temperature_c (the temperature the consumer returns at)".into(),
        );
    }
    Some(HeatConsumer {
        heat_w: heat?.si,
        return_k: ret?.si,
    })
}
