//! The facility as the transient simulation sees it: the hydraulic network, plus what each link
//! holds thermally (a mixing volume or nothing) and what heat it exchanges.
//!
//! Links without thermal mass (pumps, valves, fixed resistances) pass their inlet on, plus the
//! pump's shaft heat. Links with a mixing volume (pipes, devices, couplings' sides) carry one
//! state per segment, the last one the water passes their outlet temperature. A plant is built
//! from a network with defaults (pipes hold their water and wall, cut into their segments, and
//! lose heat to their ambient; heat sources get a small volume), then refined by attaching
//! volume devices (racks, dry coolers, cooling towers, tanks, substations, boilers: the device
//! contract) to named links and couplings (heat exchangers, heat-pump banks: the coupling
//! contract) between two. Two kinds of link hold a chain of states that the water passes
//! through in turn: a device of several layers (a tank) and a pipe of several segments.

use crate::error::SimError;
use dctwin_components::psychrometrics::MoistAir;
use dctwin_components::{
    Component, HeatDuty, MixingVolume, Pipe, PipeWall, ThermalLaw,
    coupling::Coupling,
    device::{SetError, VolumeDevice},
    heat_exchanger::HeatExchanger,
    heat_exchanger_unit::ExchangerUnit,
    heat_pump::HeatPumpBank,
    heat_pump_staging::HeatPumpStaging,
    heat_pump_unit::HeatPumps,
    pipe::WallExchange,
    temperature_sensor::TemperatureSensor,
};
use dctwin_fluid::Fluid;
use dctwin_network::Network;

/// Flows below this carry no heat [kg/s] (as in the steady solver).
pub const NO_FLOW_KG_S: f64 = 1e-9;

pub use dctwin_components::volume::DEFAULT_DEVICE_VOLUME_M3;

/// What heat a link with a volume exchanges.
#[derive(Debug, Clone)]
pub enum Heat {
    /// None: the volume only delays and mixes.
    None,
    /// Loss to a fixed ambient through a conductance (a pipe): Q = −UA·(T − T_amb).
    Ambient {
        /// Conductance to the ambient [W/K].
        ua_w_k: f64,
        /// Ambient temperature [K].
        ambient_k: f64,
    },
    /// A pipe segment whose wall is its own state: the heat the wall beside it gives through
    /// the film, g·(T_wall − T); the dynamics hold the walls as states of their own.
    FilmWall {
        /// Each wall segment's heat capacity [J/K].
        capacity_j_k: f64,
        /// Each wall segment's conductance to the ambient [W/K] (0: none).
        loss_w_k: f64,
        /// Ambient temperature [K].
        ambient_k: f64,
    },
    /// A fixed heat into the water [W] (negative: out), e.g. a duty from the model file.
    Fixed {
        /// Heat into the water [W].
        heat_w: f64,
    },
    /// An ideal plant that drives its outlet to a set-point: Q = ṁ·(h(T_set) − h(T_in)).
    Setpoint {
        /// Outlet set-point [K].
        outlet_k: f64,
    },
    /// A volume device (a rack, a substation, a boiler, a tank's layers): its heat law and
    /// account through the device contract.
    Device(Box<dyn VolumeDevice>),
    /// One side of a coupling (index into [`Plant::couplings`]): the heat the coupling moves
    /// into this side's water.
    CouplingSide {
        /// Which coupling.
        index: usize,
        /// Which of its sides (0 or 1, as its kind names them).
        side: usize,
    },
}

/// What a link holds thermally.
#[derive(Debug, Clone)]
pub enum LinkThermal {
    /// No thermal mass: the outlet follows the inlet at once.
    Through,
    /// Mixing volumes in series along the flow, each temperature a state: one for most
    /// devices, a stratified tank's layers, a pipe's segments.
    Volume {
        /// One segment's coolant and solid masses.
        volume: MixingVolume,
        /// The heat each segment exchanges.
        heat: Heat,
        /// Segments in series (≥ 1).
        segments: usize,
    },
}

/// A coupling (a heat exchanger, a heat-pump bank) joining two links, usually of two loops.
#[derive(Debug, Clone)]
pub struct CouplingUnit {
    /// Name (for reports).
    pub name: String,
    /// The links of its sides 0 and 1.
    pub links: [usize; 2],
    /// Its physics and control, through the coupling contract.
    pub coupling: Box<dyn Coupling>,
}

/// A temperature sensor at a node.
#[derive(Debug, Clone)]
pub struct SensorUnit {
    /// Name (for reports).
    pub name: String,
    /// The node whose water it reads.
    pub node: usize,
    /// Its law.
    pub sensor: TemperatureSensor,
}

/// The facility for the transient simulation.
#[derive(Debug, Clone)]
pub struct Plant {
    /// The hydraulic network.
    pub network: Network,
    /// What each link holds thermally.
    pub links: Vec<LinkThermal>,
    /// The couplings between links (heat exchangers, heat-pump banks).
    pub couplings: Vec<CouplingUnit>,
    /// Temperature sensors reading nodes' water (each reading is a state of its own; a sensor
    /// holds no water and no energy of the balance).
    pub sensors: Vec<SensorUnit>,
    /// Outdoor air (weather), used by dry coolers and cooling towers (its wet bulb); given to
    /// the devices at each control step ([`Plant::share_outdoor`]).
    pub outdoor: MoistAir,
}

impl Plant {
    /// A plant with default thermal behaviour for every link of `network`.
    pub fn new(network: Network) -> Plant {
        let links = (0..network.links.len())
            .map(|l| default_thermal(&network, l))
            .collect();
        Plant {
            network,
            links,
            couplings: Vec::new(),
            sensors: Vec::new(),
            outdoor: MoistAir {
                dry_bulb_k: 288.15,
                humidity_ratio: 0.007,
            },
        }
    }

    /// Index of the link called `name`, or an error naming it.
    pub fn link(&self, name: &str) -> Result<usize, SimError> {
        self.network
            .link_index(name)
            .ok_or_else(|| SimError::UnknownLink {
                name: name.to_string(),
            })
    }

    /// Index of the link called `name` to attach a device to: any link but one holding a
    /// device of several layers (states of their own, which another device cannot take over)
    /// or a pipe with segments or a wall (the device's volume would silently replace them).
    fn device_link(&self, name: &str) -> Result<usize, SimError> {
        let l = self.link(name)?;
        let refuse = |reason: &str| {
            Err(SimError::InvalidDevice {
                name: name.to_string(),
                reason: reason.to_string(),
            })
        };
        if let Some(d) = self.device(l).filter(|d| d.layers().is_some()) {
            let reason = format!(
                "it is a {} whose layers are states of their own: no other device can be \
                 attached to it",
                d.kind().key
            );
            return refuse(&reason);
        }
        match (&self.links[l], &self.network.links[l].component) {
            (_, Component::Pipe(p)) if p.segments > 1 || p.wall.is_some() => refuse(
                "it is a pipe with segments or a wall, which a device's volume would replace: \
                 attach the device to a resistance beside it",
            ),
            _ => Ok(l),
        }
    }

    fn device_volume(&self, l: usize) -> MixingVolume {
        let fluid = self.network.fluid_of(l);
        let t = self.network.initial_k(l);
        MixingVolume::of_volume(DEFAULT_DEVICE_VOLUME_M3, fluid, t, 0.0)
    }

    /// Make link `name` a volume device (a rack, a substation, a boiler, a tank): its layers,
    /// if it has several, are consecutive states from its first.
    pub fn attach_device(
        &mut self,
        name: &str,
        device: Box<dyn VolumeDevice>,
    ) -> Result<(), SimError> {
        let l = self.device_link(name)?;
        self.links[l] = LinkThermal::Volume {
            volume: device.volume(),
            segments: device.layers().unwrap_or(1),
            heat: Heat::Device(device),
        };
        Ok(())
    }

    /// The volume device on link `l`, if it holds one.
    pub fn device(&self, l: usize) -> Option<&dyn VolumeDevice> {
        match &self.links[l] {
            LinkThermal::Volume {
                heat: Heat::Device(d),
                ..
            } => Some(d.as_ref()),
            _ => None,
        }
    }

    /// The volume device on link `l`, to change, if it holds one.
    pub fn device_mut(&mut self, l: usize) -> Option<&mut Box<dyn VolumeDevice>> {
        match &mut self.links[l] {
            LinkThermal::Volume {
                heat: Heat::Device(d),
                ..
            } => Some(d),
            _ => None,
        }
    }

    /// Set parameter `name` of the device on link `l` to `value` (SI). Where that changes the
    /// share of its nominal flow it passes at its nominal drop (a dry cooler's coils in
    /// service), its link's resistance follows.
    pub fn set_device(&mut self, l: usize, name: &str, value: f64) -> Result<(), SetError> {
        let Some(device) = self.device_mut(l) else {
            return Ok(());
        };
        let before = device.flow_share();
        device.set(name, value)?;
        let after = device.flow_share();
        if after != before
            && let Component::HeatSource(source) = &mut self.network.links[l].component
            && let Some(r) = &mut source.resistance
        {
            r.flow_nominal_kg_s *= after / before;
        }
        Ok(())
    }

    /// Each volume device's link and the index of its first variable in
    /// [`crate::Snapshot::device_values`].
    pub fn device_value_offsets(&self) -> Vec<(usize, usize)> {
        let mut offset = 0;
        (self.devices())
            .map(|(l, d)| {
                let at = offset;
                offset += d.kind().variables.len();
                (l, at)
            })
            .collect()
    }

    /// Give every device the outdoor air of the coming control step.
    pub fn share_outdoor(&mut self) {
        let air = self.outdoor;
        for l in 0..self.links.len() {
            if let Some(d) = self.device_mut(l) {
                d.set_outdoor(air);
            }
        }
    }

    /// Every link holding a volume device, with it.
    pub fn devices(&self) -> impl Iterator<Item = (usize, &dyn VolumeDevice)> {
        (0..self.links.len()).filter_map(|l| self.device(l).map(|d| (l, d)))
    }

    /// Join links `sides` (side 0, side 1) by `coupling`; each side gets a device's small
    /// volume that the coupling's heat goes into.
    pub fn attach_coupling(
        &mut self,
        name: &str,
        sides: [&str; 2],
        coupling: Box<dyn Coupling>,
    ) -> Result<(), SimError> {
        let links = [self.device_link(sides[0])?, self.device_link(sides[1])?];
        let index = self.couplings.len();
        for (side, &l) in links.iter().enumerate() {
            self.links[l] = LinkThermal::Volume {
                volume: self.device_volume(l),
                heat: Heat::CouplingSide { index, side },
                segments: 1,
            };
        }
        self.couplings.push(CouplingUnit {
            name: name.to_string(),
            links,
            coupling,
        });
        Ok(())
    }

    /// Join links `hot` and `cold` by a heat exchanger, clean and in service.
    pub fn attach_exchanger(
        &mut self,
        name: &str,
        hot: &str,
        cold: &str,
        exchanger: HeatExchanger,
    ) -> Result<(), SimError> {
        let unit = ExchangerUnit::new(exchanger);
        self.attach_coupling(name, [hot, cold], Box::new(unit))
    }

    /// Put a heat-pump bank between an evaporator link and a condenser link, its units
    /// switched by `staging` ([`HeatPumpStaging::IMMEDIATE`]: the fewest that carry the
    /// demand, without delay).
    pub fn attach_heat_pumps(
        &mut self,
        name: &str,
        [evaporator, condenser]: [&str; 2],
        bank: HeatPumpBank,
        supply_setpoint_k: f64,
        staging: HeatPumpStaging,
    ) -> Result<(), SimError> {
        let bank = HeatPumps::new(bank, supply_setpoint_k, staging);
        self.attach_coupling(name, [evaporator, condenser], Box::new(bank))
    }

    /// The highest temperature the water of loop `i` may reach [K]: its fluid's range, and for
    /// water where it boils at the gauge pressure its vessel holds.
    pub fn liquid_limit_k(&self, i: usize) -> f64 {
        let l = &self.network.loops[i];
        let (_, max_k) = l.fluid.valid_range_k();
        (l.fluid.boiling_point_k(l.pressurisation_pa)).map_or(max_k, |boils_k| max_k.min(boils_k))
    }

    /// The coupling called `name`, to change.
    pub fn coupling_mut(&mut self, name: &str) -> Option<&mut CouplingUnit> {
        self.couplings.iter_mut().find(|c| c.name == name)
    }

    /// At a control step's flows `flows_kg_s` (by link), each coupling works out what depends
    /// on them alone ([`Coupling::set_flows`]): a side without flow counts as none.
    pub fn set_coupling_flows(&mut self, flows_kg_s: &[f64]) {
        let flowing = |l: usize| {
            let m = flows_kg_s[l].abs();
            if m > NO_FLOW_KG_S { m } else { 0.0 }
        };
        for c in &mut self.couplings {
            c.coupling.set_flows(c.links.map(flowing));
        }
    }

    /// Each coupling's index of its first variable in [`crate::Snapshot::device_values`],
    /// which holds them after every volume device's.
    pub fn coupling_value_offsets(&self) -> Vec<usize> {
        let mut offset: usize = (self.devices())
            .map(|(_, d)| d.kind().variables.len())
            .sum();
        (self.couplings.iter())
            .map(|c| {
                let at = offset;
                offset += c.coupling.kind().variables.len();
                at
            })
            .collect()
    }

    /// Every volume holds at least one state and some heat capacity: a volume built by hand
    /// with `segments: 0`, or with neither coolant nor metal, would have none to integrate.
    pub fn check_volumes(&self) -> Result<(), SimError> {
        for (l, thermal) in self.links.iter().enumerate() {
            let LinkThermal::Volume {
                volume, segments, ..
            } = thermal
            else {
                continue;
            };
            let reason = if *segments == 0 {
                "a volume needs at least one segment"
            } else if !(volume.mass_kg >= 0.0 && volume.solid_capacity_j_k >= 0.0)
                || volume.mass_kg + volume.solid_capacity_j_k <= 0.0
            {
                "a volume needs a positive coolant mass or metal heat capacity, and neither negative"
            } else {
                continue;
            };
            return Err(SimError::InvalidDevice {
                name: self.network.links[l].name.to_string(),
                reason: reason.to_string(),
            });
        }
        Ok(())
    }

    /// The link of each temperature state, in state order: every link with a volume once
    /// per segment (a tank's layers consecutive, top first; a pipe's segments from its `from`
    /// end).
    pub fn state_links(&self) -> Vec<usize> {
        let mut out = Vec::with_capacity(self.links.len());
        for (l, t) in self.links.iter().enumerate() {
            if let LinkThermal::Volume { segments, .. } = t {
                out.extend(std::iter::repeat_n(l, *segments));
            }
        }
        out
    }

    /// Link `l`'s chain of states, if it is a device of layers or a pipe of several segments:
    /// how many states, and whether the first is at its `from` end (a tank whose top is at
    /// `to` has its first layer there).
    pub fn chain(&self, l: usize) -> Option<Chain> {
        let LinkThermal::Volume { heat, segments, .. } = &self.links[l] else {
            return None;
        };
        let layered = match heat {
            Heat::Device(d) => d.layers().map(|_| d.first_layer_at_from()),
            _ => None,
        };
        (*segments > 1 || layered.is_some()).then_some(Chain {
            states: *segments,
            first_at_from: layered.unwrap_or(true),
        })
    }
}

/// A link whose water passes through several states in turn (upwind): a tank's layers, a
/// pipe's segments. The water enters the first state when it flows from the first's end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chain {
    /// States in the chain.
    pub states: usize,
    /// Whether the first state is at the link's `from` end.
    pub first_at_from: bool,
}

/// A pipe cut into its segments, each with its share of the water, the wall and the loss; a
/// wall that exchanges through its film is its own states, which take the loss.
fn pipe_segments(p: &Pipe, fluid: &Fluid, t_k: f64) -> LinkThermal {
    let n = p.segments.max(1) as f64;
    if let Some(PipeWall {
        exchange: WallExchange::Film { .. },
        ..
    }) = p.wall
    {
        let (loss_w_k, ambient_k) = match p.thermal() {
            ThermalLaw::LossToAmbient { ua_w_k, ambient_k } => (ua_w_k / n, ambient_k),
            _ => (0.0, t_k),
        };
        return LinkThermal::Volume {
            volume: MixingVolume::of_volume(p.water_volume_m3() / n, fluid, t_k, 0.0),
            heat: Heat::FilmWall {
                capacity_j_k: p.wall_capacity_j_k() / n,
                loss_w_k,
                ambient_k,
            },
            segments: p.segments.max(1),
        };
    }
    let volume = MixingVolume::of_volume(
        p.water_volume_m3() / n,
        fluid,
        t_k,
        p.wall_capacity_j_k() / n,
    );
    let heat = match p.thermal() {
        ThermalLaw::LossToAmbient { ua_w_k, ambient_k } => Heat::Ambient {
            ua_w_k: ua_w_k / n,
            ambient_k,
        },
        _ => Heat::None,
    };
    LinkThermal::Volume {
        volume,
        heat,
        segments: p.segments.max(1),
    }
}

/// Pipes hold their fluid and lose heat to their ambient; heat sources and consumers get a
/// small volume; everything else passes its inlet on.
fn default_thermal(network: &Network, l: usize) -> LinkThermal {
    let link = &network.links[l];
    let fluid = network.fluid_of(l);
    let t = network.initial_k(l);
    let device = || MixingVolume::of_volume(DEFAULT_DEVICE_VOLUME_M3, fluid, t, 0.0);
    match &link.component {
        Component::Pipe(p) => pipe_segments(p, fluid, t),
        Component::HeatSource(h) => LinkThermal::Volume {
            volume: device(),
            heat: match h.duty {
                HeatDuty::Fixed { heat_w } => Heat::Fixed { heat_w },
                HeatDuty::OutletSetpoint { outlet_k } => Heat::Setpoint { outlet_k },
            },
            segments: 1,
        },
        Component::HeatConsumer(c) => LinkThermal::Volume {
            volume: device(),
            heat: Heat::Fixed { heat_w: -c.heat_w },
            segments: 1,
        },
        _ => LinkThermal::Through,
    }
}
