//! dctwin's transient simulation: the facility's thermal states integrated by CVODE while the
//! hydraulics are re-solved quasi-statically at each control step.
//!
//! [`Plant`] says what each link of the network holds thermally; [`dynamics`] is the ODE's
//! right-hand side; [`Simulation`] is the time loop with controllers, events, reports and the
//! energy balance.

#![warn(missing_docs)]

pub mod control;
pub mod cvode;
pub mod dynamics;
pub mod energy_state;
pub mod error;
pub mod event;
pub mod from_model;
pub mod plant;
pub mod precondition;
pub mod report;
pub mod rest;
pub mod setting;
pub mod simulation;

pub use error::SimError;
pub use event::{Action, Event};
pub use from_model::plant_of;
pub use plant::Plant;
pub use report::{EnergyBalance, Snapshot, Totals};
pub use simulation::{DEFAULT_CONTROL_STEP_S, Inputs, Settings, Simulation};
