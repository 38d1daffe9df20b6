//! A coolant kind from its name as written in a model file, or the error listing the names
//! accepted.

use crate::error::FluidError;
use crate::kind::FluidKind;
use std::str::FromStr;

impl FluidKind {
    /// Parses a canonical name (surrounding whitespace and ASCII case are
    /// ignored).
    ///
    /// # Errors
    /// [`FluidError::UnknownName`] listing the accepted names.
    pub fn from_name(name: &str) -> Result<FluidKind, FluidError> {
        let trimmed = name.trim();
        FluidKind::ALL
            .into_iter()
            .find(|kind| kind.name().eq_ignore_ascii_case(trimmed))
            .ok_or_else(|| FluidError::UnknownName {
                name: name.to_string(),
            })
    }
}

impl FromStr for FluidKind {
    type Err = FluidError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FluidKind::from_name(s)
    }
}
