//! What an input may set during a run, found by a component's name and a parameter's key as a
//! model file writes it (`outlet_temperature_c`, `flow_setpoint_m3_h`, `opening`):
//! - a volume device's or a coupling's settable parameters, as their contracts declare them
//!   (a rack's `it_power`, a substation's `demand`, a heat pump's `supply_setpoint`);
//! - a pump's set-point of its control: `flow_setpoint`, `dp_setpoint` or `speed_ratio`;
//! - a valve's `opening`, unless a controller moves it;
//! - a heat source's `outlet_temperature` or `heat`, a consumer's `heat`;
//! - a pipe's `ambient_temperature`, where it loses heat;
//! - an open boundary's `temperature`, and its `flow` or `pressure`, whichever it holds;
//! - a CDU's `supply_setpoint`: its controller's.

use crate::control::{Actuator, Controllers};
use crate::plant::{Heat, LinkThermal, Plant};
use dctwin_components::controller::Setpoint;
use dctwin_components::device::{Parameter, ParameterKind};
use dctwin_components::units::Quantity;
use dctwin_components::{BoundaryHold, Component, HeatDuty, PumpControl};
use dctwin_fluid::ATMOSPHERE_PA;

/// Largest pump speed ratio an input may ask [-]: a drive's, as the model file bounds it.
const MAX_SPEED_RATIO: f64 = 2.0;

/// One parameter an input sets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Setting {
    /// A volume device's parameter, on its link.
    Device {
        /// The device's link.
        link: usize,
        /// The parameter.
        name: &'static str,
    },
    /// A coupling's parameter.
    Coupling {
        /// Index into [`Plant::couplings`].
        index: usize,
        /// The parameter.
        name: &'static str,
    },
    /// A pump's relative speed [-].
    PumpSpeed(usize),
    /// A pump's mass-flow set-point [kg/s].
    PumpFlow(usize),
    /// A pump's pressure-rise set-point [Pa].
    PumpPressureRise(usize),
    /// A valve's opening [-].
    ValveOpening(usize),
    /// A heat source's outlet temperature [K].
    SourceOutlet(usize),
    /// A heat source's heat into the water [W].
    SourceHeat(usize),
    /// A consumer's heat taken from the water [W].
    ConsumerHeat(usize),
    /// A pipe's ambient temperature [K].
    PipeAmbient(usize),
    /// A controller's set-point, index into [`Controllers::loops`].
    Setpoint(usize),
    /// An open boundary's temperature of the water it lets in [K].
    BoundaryTemperature(usize),
    /// A flow boundary's mass flow [kg/s], into the network or, for one given as a draw, out
    /// of it.
    BoundaryFlow(usize),
    /// A pressure boundary's gauge pressure [Pa].
    BoundaryPressure(usize),
}

/// A parameter an input can reach, as a scenario names it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settable {
    /// The key without its unit suffix (`outlet_temperature`), or the whole key of a plain
    /// number (`opening`).
    pub stem: &'static str,
    /// Its quantity; `None`: a plain number.
    pub quantity: Option<Quantity>,
    /// The values it accepts, in SI: from, to.
    pub range: (f64, f64),
    /// What it sets.
    pub setting: Setting,
}

impl Settable {
    /// Whether `key` names it: `stem` with one of its quantity's unit suffixes, or `stem` for a
    /// plain number. The unit, if any, is returned: its scale and offset to SI, and whether it
    /// is a volume flow.
    pub fn unit_of(&self, key: &str) -> Option<Option<dctwin_components::units::Unit>> {
        match self.quantity {
            None => (key == self.stem).then_some(None),
            Some(q) => {
                let suffix = key.strip_prefix(self.stem)?.strip_prefix('_')?;
                q.units()
                    .iter()
                    .find(|u| u.suffix == suffix)
                    .map(|u| Some(*u))
            }
        }
    }

    /// The key as a scenario writes it, with its quantity's first unit (for messages).
    pub fn key(&self) -> String {
        match self.quantity {
            None => self.stem.to_string(),
            Some(q) => format!("{}_{}", self.stem, q.units()[0].suffix),
        }
    }

    /// `Ok` if `value` (SI) is one it accepts, else what it expects.
    pub fn check(&self, value: f64) -> Result<(), String> {
        let (from, to) = self.range;
        if value.is_finite() && value >= from && value <= to {
            return Ok(());
        }
        let shown = |x: f64| match self.quantity {
            Some(Quantity::Temperature) => format!("{:.2} °C", x - 273.15),
            _ => format!("{x}"),
        };
        Err(match (from.is_finite(), to.is_finite()) {
            (true, true) if self.quantity == Some(Quantity::Temperature) => format!(
                "expected {} to {} (its water boils there at its loop's pressure, its vessel's \
                 or lowest pressure boundary's, or its fluid's range ends)",
                shown(from),
                shown(to)
            ),
            (true, true) => format!("expected {} to {}", shown(from), shown(to)),
            (true, false) => format!("expected at least {}", shown(from)),
            (false, true) => format!("expected at most {}", shown(to)),
            (false, false) => "expected a finite value".to_string(),
        })
    }
}

/// Lowest temperature an input may set [K]: anything above absolute zero; whether the loop's
/// fluid takes it is checked as the run goes.
const ABOVE_ZERO_K: f64 = 1e-9;

/// Every parameter of the component called `name` an input can set (empty if it has none),
/// and the component's kind; `None` if no component has that name.
pub fn settables(
    plant: &Plant,
    controllers: &Controllers,
    name: &str,
) -> Option<(&'static str, Vec<Settable>)> {
    if let Some(index) = plant.couplings.iter().position(|c| c.name == name) {
        let unit = &plant.couplings[index];
        let coupling = &unit.coupling;
        // A set-point drives the water of its second side (a heat pump's condenser); an
        // exchanger's controller holds its first (hot) side's leaving water.
        let side_limit = |side: usize| water_limit_k(plant, unit.links[side]);
        let mut out: Vec<Settable> = (coupling.kind().parameters.iter())
            .filter(|p| p.settable)
            .map(|p| {
                let setting = Setting::Coupling {
                    index,
                    name: p.name,
                };
                declared(p, setting, side_limit(1))
            })
            .collect();
        let supply = format!("{name}.supply");
        if let Some(c) = controllers.loops.iter().position(|c| c.name == supply) {
            let limit = side_limit(0);
            out.push(temperature("supply_setpoint", Setting::Setpoint(c), limit));
        }
        return Some((coupling.kind().key, out));
    }
    let link = plant.network.link_index(name)?;
    if let Some(device) = plant.device(link) {
        let kind = device.kind();
        let out = (kind.parameters.iter())
            .filter(|p| p.settable)
            .map(|p| {
                let setting = Setting::Device { link, name: p.name };
                declared(p, setting, water_limit_k(plant, link))
            })
            .collect();
        return Some((kind.key, out));
    }
    let component = &plant.network.links[link].component;
    Some((
        component.kind_name(),
        link_settables(plant, controllers, link),
    ))
}

/// What an input can set on a link that holds no device, by its hydraulic component.
fn link_settables(plant: &Plant, controllers: &Controllers, link: usize) -> Vec<Settable> {
    let moved_by_controller = (controllers.loops.iter()).any(|c| match c.actuator {
        Actuator::ValveOpening(l) | Actuator::PumpSpeed(l) => l == link,
    });
    let plain = |stem, range, setting| Settable {
        stem,
        quantity: None,
        range,
        setting,
    };
    let quantity = |stem, quantity, range, setting| Settable {
        stem,
        quantity: Some(quantity),
        range,
        setting,
    };
    let up = f64::INFINITY;
    match &plant.network.links[link].component {
        Component::Pump(_) if moved_by_controller => Vec::new(),
        // Only the set-point of its control: another would change what holds the loop's
        // flow or pressure, which the model's checks passed as it is.
        Component::Pump(p) => vec![match p.control {
            PumpControl::Flow { .. } => quantity(
                "flow_setpoint",
                Quantity::Flow,
                (0.0, up),
                Setting::PumpFlow(link),
            ),
            PumpControl::DifferentialPressure { .. } => quantity(
                "dp_setpoint",
                Quantity::Pressure,
                (f64::MIN_POSITIVE, up),
                Setting::PumpPressureRise(link),
            ),
            PumpControl::Speed { .. } => plain(
                "speed_ratio",
                (0.0, p.max_speed.min(MAX_SPEED_RATIO)),
                Setting::PumpSpeed(link),
            ),
        }],
        Component::Valve(_) if moved_by_controller => Vec::new(),
        Component::Valve(_) => vec![plain("opening", (0.0, 1.0), Setting::ValveOpening(link))],
        Component::HeatSource(h) => match h.duty {
            HeatDuty::OutletSetpoint { .. } => {
                vec![temperature(
                    "outlet_temperature",
                    Setting::SourceOutlet(link),
                    water_limit_k(plant, link),
                )]
            }
            HeatDuty::Fixed { .. } => vec![quantity(
                "heat",
                Quantity::Power,
                (-up, up),
                Setting::SourceHeat(link),
            )],
        },
        Component::HeatConsumer(_) => vec![quantity(
            "heat",
            Quantity::Power,
            (0.0, up),
            Setting::ConsumerHeat(link),
        )],
        Component::Pipe(_) => match &plant.links[link] {
            LinkThermal::Volume {
                heat: Heat::Ambient { .. } | Heat::FilmWall { .. },
                ..
            } => vec![temperature(
                "ambient_temperature",
                Setting::PipeAmbient(link),
                f64::INFINITY,
            )],
            _ => Vec::new(),
        },
        Component::Boundary(b) => vec![
            Settable {
                // The water it lets in is its loop's: within its fluid's range.
                range: (
                    plant.network.fluid_of(link).valid_range_k().0,
                    water_limit_k(plant, link),
                ),
                ..temperature(
                    "temperature",
                    Setting::BoundaryTemperature(link),
                    water_limit_k(plant, link),
                )
            },
            match b.hold {
                BoundaryHold::Flow { .. } => quantity(
                    "flow",
                    Quantity::Flow,
                    (-up, up),
                    Setting::BoundaryFlow(link),
                ),
                BoundaryHold::Pressure { .. } => quantity(
                    "pressure",
                    Quantity::Pressure,
                    (-ATMOSPHERE_PA, up),
                    Setting::BoundaryPressure(link),
                ),
            },
        ],
        _ => Vec::new(),
    }
}

/// A temperature set-point above absolute zero.
/// The highest temperature the water of link `l`'s loop may be set to [K]: below where it boils
/// at its vessel's pressure, within its fluid's range.
fn water_limit_k(plant: &Plant, l: usize) -> f64 {
    plant.liquid_limit_k(plant.network.links[l].loop_index)
}

/// A temperature of the water, set up to `limit_k` [K] (for a room's or the ground's, no
/// limit).
fn temperature(stem: &'static str, setting: Setting, limit_k: f64) -> Settable {
    Settable {
        stem,
        quantity: Some(Quantity::Temperature),
        range: (ABOVE_ZERO_K, limit_k),
        setting,
    }
}

/// A contract's declared parameter `p` as an input reaches it.
/// A contract's declared parameter `p` as an input reaches it; a temperature of the water (not
/// of a room, an `ambient` one) up to `water_limit_k` [K].
fn declared(p: &Parameter, setting: Setting, water_limit_k: f64) -> Settable {
    let up = f64::INFINITY;
    let (quantity, range) = match p.kind {
        ParameterKind::Quantity(Quantity::Temperature) if p.name.contains("ambient") => {
            (Some(Quantity::Temperature), (ABOVE_ZERO_K, up))
        }
        ParameterKind::Quantity(Quantity::Temperature) => {
            (Some(Quantity::Temperature), (ABOVE_ZERO_K, water_limit_k))
        }
        ParameterKind::Quantity(q) if p.positive => (Some(q), (f64::MIN_POSITIVE, up)),
        // A power or flow an input sets is a draw or a demand, never negative.
        ParameterKind::Quantity(q) => (Some(q), (0.0, up)),
        ParameterKind::Number { min, max } if p.positive => {
            (None, (min.max(f64::MIN_POSITIVE), max))
        }
        ParameterKind::Number { min, max } => (None, (min, max)),
        ParameterKind::Count => (None, (1.0, up)),
        ParameterKind::Choice(words) => (None, (0.0, (words.len() - 1) as f64)),
    };
    Settable {
        stem: p.name,
        quantity,
        range,
        setting,
    }
}

impl Setting {
    /// Set it to `value` (SI), checked against its [`Settable`] beforehand, if it is the
    /// plant's (a controller's set-point is set by [`Setting::set_on_controllers`]). A device
    /// or coupling may still refuse a value its declaration lets through (a substation's
    /// return at or above its minimum supply): the error says why.
    pub fn set_on_plant(self, plant: &mut Plant, value: f64) -> Result<(), String> {
        match self {
            Setting::Device { link, name } => {
                (plant.set_device(link, name, value)).map_err(|e| e.to_string())?;
            }
            Setting::Coupling { index, name } => {
                (plant.couplings[index].coupling)
                    .set(name, value)
                    .map_err(|e| e.to_string())?;
            }
            Setting::PumpSpeed(l) => set_pump(plant, l, PumpControl::Speed { speed: value }),
            Setting::PumpFlow(l) => set_pump(
                plant,
                l,
                PumpControl::Flow {
                    setpoint_kg_s: value,
                },
            ),
            Setting::PumpPressureRise(l) => set_pump(
                plant,
                l,
                PumpControl::DifferentialPressure { setpoint_pa: value },
            ),
            Setting::ValveOpening(l) => {
                if let Component::Valve(v) = &mut plant.network.links[l].component {
                    v.opening = value;
                }
            }
            Setting::SourceOutlet(l) => {
                set_heat(plant, l, Heat::Setpoint { outlet_k: value });
                if let Component::HeatSource(h) = &mut plant.network.links[l].component {
                    h.duty = HeatDuty::OutletSetpoint { outlet_k: value };
                }
            }
            Setting::SourceHeat(l) => {
                set_heat(plant, l, Heat::Fixed { heat_w: value });
                if let Component::HeatSource(h) = &mut plant.network.links[l].component {
                    h.duty = HeatDuty::Fixed { heat_w: value };
                }
            }
            Setting::ConsumerHeat(l) => {
                set_heat(plant, l, Heat::Fixed { heat_w: -value });
                if let Component::HeatConsumer(c) = &mut plant.network.links[l].component {
                    c.heat_w = value;
                }
            }
            Setting::PipeAmbient(l) => {
                if let LinkThermal::Volume {
                    heat: Heat::Ambient { ambient_k, .. } | Heat::FilmWall { ambient_k, .. },
                    ..
                } = &mut plant.links[l]
                {
                    *ambient_k = value;
                }
                if let Component::Pipe(p) = &mut plant.network.links[l].component
                    && let Some(loss) = &mut p.heat_loss
                {
                    loss.ambient_k = value;
                }
            }
            Setting::BoundaryTemperature(l) => {
                if let Component::Boundary(b) = &mut plant.network.links[l].component {
                    b.temperature_k = value;
                }
            }
            Setting::BoundaryFlow(l) => {
                if let Component::Boundary(b) = &mut plant.network.links[l].component {
                    b.set_flow(value);
                }
            }
            Setting::BoundaryPressure(l) => {
                if let Component::Boundary(b) = &mut plant.network.links[l].component {
                    b.hold = BoundaryHold::Pressure { pressure_pa: value };
                }
                // Where the loop's water boils moves with its lowest pressure boundary.
                let i = plant.network.links[l].loop_index;
                plant.network.refresh_reference_pressure(i);
            }
            Setting::Setpoint(_) => {}
        }
        Ok(())
    }

    /// Set it to `value` (SI) if it is a controller's set-point.
    pub fn set_on_controllers(
        self,
        controllers: &mut Controllers,
        value: f64,
    ) -> Result<(), String> {
        if let Setting::Setpoint(c) = self {
            (controllers.loops[c].pi)
                .set_setpoint(Setpoint::Constant(value))
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}

fn set_pump(plant: &mut Plant, l: usize, control: PumpControl) {
    if let Component::Pump(p) = &mut plant.network.links[l].component {
        p.control = control;
    }
}

fn set_heat(plant: &mut Plant, l: usize, law: Heat) {
    if let LinkThermal::Volume { heat, .. } = &mut plant.links[l] {
        *heat = law;
    }
}
