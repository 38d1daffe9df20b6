//! Steady hydraulics: flows and pressures of all loops by Newton's method on the node–link
//! system, laid out as EPANET's engine is: state, link coefficients and assembly, the sparse node
//! system, and the iteration with its status checks.

pub mod assembly;
#[cfg(test)]
mod fixtures;
pub mod groups;
pub mod ldl;
pub mod matrix;
pub mod newton;
pub mod settled;
pub mod state;

pub use newton::{DAMPING_AFTER, HydraulicSolver, SolveStats};
pub use state::HydraulicState;
