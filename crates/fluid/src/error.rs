//! Errors raised when building a [`Fluid`](crate::Fluid).

use crate::kind::FluidKind;

/// Why a [`Fluid`](crate::Fluid) could not be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FluidError {
    /// The fluid name is not one of [`FluidKind::ACCEPTED_NAMES`].
    #[error(
        "unknown fluid name {name:?}; accepted names: {}",
        FluidKind::ACCEPTED_NAMES
    )]
    UnknownName {
        /// The name as given.
        name: String,
    },
    /// Water was given a non-zero glycol mass fraction.
    #[error("water takes no glycol: the glycol mass fraction must be 0.0, got {value}")]
    WaterWithGlycol {
        /// The mass fraction as given.
        value: f64,
    },
    /// A glycol mass fraction outside the accepted range (or NaN).
    #[error(
        "{kind} glycol mass fraction {value} is outside the accepted range {min:.2}..={max:.2}"
    )]
    MassFractionOutOfRange {
        /// The glycol kind.
        kind: FluidKind,
        /// The mass fraction as given.
        value: f64,
        /// Smallest accepted mass fraction.
        min: f64,
        /// Largest accepted mass fraction.
        max: f64,
    },
    /// A glycol was named without a mass fraction.
    #[error("{kind} needs a glycol mass fraction in {min:.2}..={max:.2}")]
    MissingMassFraction {
        /// The glycol kind.
        kind: FluidKind,
        /// Smallest accepted mass fraction.
        min: f64,
        /// Largest accepted mass fraction.
        max: f64,
    },
}
