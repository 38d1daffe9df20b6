//! The facility as the transient simulation sees it: the hydraulic network, plus what each link
//! holds thermally (a mixing volume or nothing) and what heat it exchanges.
//!
//! Links without thermal mass (pumps, valves, fixed resistances) pass their inlet on, plus the
//! pump's shaft heat. Links with a mixing volume (pipes, racks, heat-exchanger sides, coolers,
//! consumers) carry one state per segment, the last one the water passes their outlet
//! temperature. A plant is built from a network
//! with defaults (pipes hold their water and wall, cut into their segments, and lose heat to
//! their ambient; heat sources get a small volume), then refined by attaching racks,
//! exchangers, dry coolers, cooling towers, heat pumps, stratified tanks, district consumers
//! and boilers to named links. Two kinds of link hold a chain of states that the water passes
//! through in turn: a tank (one per layer) and a pipe of several segments.

use crate::error::SimError;
use dctwin_components::psychrometrics::MoistAir;
use dctwin_components::{
    Component, HeatDuty, MixingVolume, Pipe, ThermalLaw,
    device::VolumeDevice,
    heat_exchanger::HeatExchanger,
    heat_pump::{HeatPumpBank, load_to_setpoint_w},
    heat_pump_staging::BankStaging,
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
    /// One side of a heat exchanger (index into [`Plant::exchangers`]).
    ExchangerSide {
        /// Which exchanger.
        index: usize,
        /// Whether this is the hot (primary, heat-giving) side.
        hot: bool,
    },
    /// One side of a heat-pump bank (index into [`Plant::heat_pumps`]).
    HeatPumpSide {
        /// Which bank.
        index: usize,
        /// Whether this is the condenser (heat-giving) side.
        condenser: bool,
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

/// A heat exchanger joining two links (usually of two loops).
#[derive(Debug, Clone)]
pub struct Exchanger {
    /// Name (for reports).
    pub name: String,
    /// The hot side's link (the exchanger's side 1).
    pub hot_link: usize,
    /// The cold side's link (side 2).
    pub cold_link: usize,
    /// Its physics.
    pub exchanger: HeatExchanger,
    /// Multiplier on its UA [-]: 1 clean, in (0, 1) fouled (set by events).
    pub ua_factor: f64,
    /// Whether it is in service; a lost exchanger (an event) transfers nothing.
    pub in_service: bool,
}

/// A bank of heat pumps lifting heat from a source link (evaporator) into a sink link (condenser).
#[derive(Debug, Clone)]
pub struct HeatPumps {
    /// Name (for reports).
    pub name: String,
    /// Evaporator-side link (the heat source water).
    pub evaporator_link: usize,
    /// Condenser-side link (the heating water).
    pub condenser_link: usize,
    /// The units.
    pub bank: HeatPumpBank,
    /// Condenser leaving-water set-point [K].
    pub supply_setpoint_k: f64,
    /// Heating demand at the last control step [W]: what the staging follows. Between control
    /// steps the running units follow their load themselves (what brings the condenser water
    /// from its inlet to the set-point, up to their capacity).
    pub demand_w: f64,
    /// Which of its units run (switched at the control step).
    pub staging: BankStaging,
}

impl HeatPumps {
    /// The heat that brings the condenser water, flowing at `m_kg_s`, from `inlet_k` to the
    /// set-point [W] (none if it arrives warmer): what the units' own capacity control follows
    /// between control steps, as the staging follows it at them.
    pub fn load_to_setpoint_w(&self, network: &Network, m_kg_s: f64, inlet_k: f64) -> f64 {
        let fluid = network.fluid_of(self.condenser_link);
        load_to_setpoint_w(fluid, self.supply_setpoint_k, m_kg_s, inlet_k)
    }
}

/// The facility for the transient simulation.
#[derive(Debug, Clone)]
pub struct Plant {
    /// The hydraulic network.
    pub network: Network,
    /// What each link holds thermally.
    pub links: Vec<LinkThermal>,
    /// Heat exchangers.
    pub exchangers: Vec<Exchanger>,
    /// Heat-pump banks.
    pub heat_pumps: Vec<HeatPumps>,
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
            exchangers: Vec::new(),
            heat_pumps: Vec::new(),
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
        let t = self.network.loops[self.network.links[l].loop_index].initial_temperature_k;
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

    /// Join links `hot` and `cold` by a heat exchanger.
    pub fn attach_exchanger(
        &mut self,
        name: &str,
        hot: &str,
        cold: &str,
        exchanger: HeatExchanger,
    ) -> Result<(), SimError> {
        let (h, c) = (self.device_link(hot)?, self.device_link(cold)?);
        let index = self.exchangers.len();
        for (l, is_hot) in [(h, true), (c, false)] {
            self.links[l] = LinkThermal::Volume {
                volume: self.device_volume(l),
                heat: Heat::ExchangerSide { index, hot: is_hot },
                segments: 1,
            };
        }
        self.exchangers.push(Exchanger {
            name: name.to_string(),
            hot_link: h,
            cold_link: c,
            exchanger,
            ua_factor: 1.0,
            in_service: true,
        });
        Ok(())
    }

    /// Put a heat-pump bank between an evaporator link and a condenser link. Its units are
    /// staged without delay (the fewest that carry the demand, [`BankStaging::immediate`]);
    /// set [`HeatPumps::staging`] for hysteresis and minimum run times.
    pub fn attach_heat_pumps(
        &mut self,
        name: &str,
        evaporator: &str,
        condenser: &str,
        bank: HeatPumpBank,
        supply_setpoint_k: f64,
    ) -> Result<(), SimError> {
        let (e, c) = (self.device_link(evaporator)?, self.device_link(condenser)?);
        let index = self.heat_pumps.len();
        for (l, condenser) in [(e, false), (c, true)] {
            self.links[l] = LinkThermal::Volume {
                volume: self.device_volume(l),
                heat: Heat::HeatPumpSide { index, condenser },
                segments: 1,
            };
        }
        self.heat_pumps.push(HeatPumps {
            name: name.to_string(),
            evaporator_link: e,
            condenser_link: c,
            bank,
            supply_setpoint_k,
            demand_w: 0.0,
            staging: BankStaging::immediate(),
        });
        Ok(())
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

/// A pipe cut into its segments, each with its share of the water, the wall and the loss.
fn pipe_segments(p: &Pipe, fluid: &Fluid, t_k: f64) -> LinkThermal {
    let n = p.segments.max(1) as f64;
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
    let t = network.loops[link.loop_index].initial_temperature_k;
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
