//! Thermophysical properties of liquid coolants for the dctwin digital twin.
//!
//! Water and aqueous propylene- and ethylene-glycol (glycol mass fraction
//! 0.20–0.50) as functions of temperature, in SI units with temperature in
//! kelvin: density, specific heat capacity, dynamic viscosity, thermal
//! conductivity, and the specific enthalpy `h(T) = ∫ c_p dT` relative to
//! 273.15 K with its inverse. All properties are evaluated at a fixed
//! pressure (the liquids are treated as incompressible); the reference data
//! are at 3 bar.
//!
//! ```
//! use dctwin_fluid::{Fluid, FluidKind};
//!
//! let pg = Fluid::new(FluidKind::PropyleneGlycol, 0.30).unwrap();
//! let p = pg.properties(293.15);
//! assert!((p.density_kg_m3 - 1025.0).abs() < 5.0);
//! let h = pg.enthalpy_j_kg(303.15);
//! assert!((pg.temperature_from_enthalpy_k(h) - 303.15).abs() < 1e-9);
//! ```
//!
//! See [`Fluid`] for the sources of the correlations, the valid ranges and
//! the behaviour outside them.

mod coefficients;
mod error;
mod fluid;
mod kind;
mod melinder;
mod name;
mod polynomial;
mod properties;
mod saturation;

pub use error::FluidError;
pub use fluid::{ENTHALPY_REFERENCE_K, Fluid, GLYCOL_MASS_FRACTION_MAX, GLYCOL_MASS_FRACTION_MIN};
pub use kind::FluidKind;
pub use properties::Properties;
pub use saturation::{ATMOSPHERE_PA, saturation_temperature_k};
