//! The physics of dctwin's network components, one file each: the hydraulic law (pressure drop
//! or head as a function of mass flow, with its derivative for Newton's method), the steady
//! thermal law, and the power a component draws. Everything is SI: Pa, kg/s, K, W, m.
//!
//! Nothing here knows about graphs: the model layer builds these values from a facility file,
//! and the network layer solves them together. Of the file format only the unit suffixes of
//! its keys (`units.rs`) and each volume device's declared parameters (`device.rs`) live here,
//! so that a device says once what it takes.

#![warn(missing_docs)]

pub mod boiler;
pub mod boundary;
pub mod check_valve;
pub mod component;
pub mod controller;
pub mod cooling_tower;
pub mod cooling_tower_unit;
pub mod coupling;
pub mod device;
pub mod devices;
pub mod district;
pub mod dry_cooler;
pub mod dry_cooler_unit;
pub mod friction;
pub mod heat_consumer;
pub mod heat_exchanger;
pub mod heat_exchanger_unit;
pub mod heat_pump;
pub mod heat_pump_staging;
pub mod heat_pump_unit;
pub mod heat_source;
pub mod hydraulic;
pub mod parameter;
pub mod pipe;
pub mod plug_flow;
pub mod proposal;
pub mod psychrometrics;
pub mod pump;
pub mod rack;
pub mod resistance;
pub mod storage_tank;
pub mod tank;
pub mod temperature_sensor;
pub mod thermal;
pub mod units;
pub mod valve;
pub mod volume;

pub use boundary::{Boundary, BoundaryHold};
pub use check_valve::CheckValve;
pub use component::Component;
pub use friction::FrictionLaw;
pub use heat_consumer::HeatConsumer;
pub use heat_source::{HeatDuty, HeatSource};
pub use hydraulic::{FluidState, HydraulicLaw};
pub use pipe::{Pipe, PipeHeatLoss, PipeWall, WallMaterial};
pub use pump::{Efficiency, HeadCurve, Pump, PumpControl, PumpError, PumpOperatingPoint};
pub use resistance::Resistance;
pub use thermal::ThermalLaw;
pub use valve::{Characteristic, Valve};
pub use volume::MixingVolume;
