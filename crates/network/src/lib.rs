//! The network of a facility and its steady solver.
//!
//! [`Network`] holds the nodes and links of all loops in index form. [`SteadySolver`] finds
//! their steady state: flows and pressures by Newton's method on the node–link system (EPANET's
//! global gradient algorithm, in [`hydraulic`]), temperatures by heat transport along the flows
//! (in [`thermal`]), the two coupled through fluid properties and heat consumers (in [`steady`]).

#![warn(missing_docs)]

pub mod acceleration;
pub mod error;
pub mod graph;
pub mod hydraulic;
pub mod ordering;
pub mod result;
pub mod steady;
pub mod thermal;

pub use error::SolveError;
pub use graph::Network;
pub use result::{CouplingStats, LinkResult, LoopResult, NodeResult, SteadyResult};
pub use steady::SteadySolver;
