//! dctwin's transient simulation: the facility's thermal states integrated by CVODE while the
//! hydraulics are re-solved quasi-statically at each control step.

#![warn(missing_docs)]

pub mod cvode;
