//! The kinds of coolant the crate knows.

use std::fmt;
use std::str::FromStr;

use crate::error::FluidError;

/// A coolant family. The glycol kinds are aqueous solutions whose glycol mass
/// fraction is chosen when building a [`Fluid`](crate::Fluid).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FluidKind {
    /// Pure liquid water.
    Water,
    /// Propylene glycol (1,2-propanediol) / water.
    PropyleneGlycol,
    /// Ethylene glycol (1,2-ethanediol) / water.
    EthyleneGlycol,
}

impl FluidKind {
    /// Every kind, in the order of [`FluidKind::ACCEPTED_NAMES`].
    pub const ALL: [FluidKind; 3] = [
        FluidKind::Water,
        FluidKind::PropyleneGlycol,
        FluidKind::EthyleneGlycol,
    ];

    /// The accepted names, as listed in error messages.
    pub const ACCEPTED_NAMES: &'static str = "water, propylene_glycol, ethylene_glycol";

    /// The canonical name: `"water"`, `"propylene_glycol"` or `"ethylene_glycol"`.
    pub const fn name(self) -> &'static str {
        match self {
            FluidKind::Water => "water",
            FluidKind::PropyleneGlycol => "propylene_glycol",
            FluidKind::EthyleneGlycol => "ethylene_glycol",
        }
    }

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

    /// Whether this kind is a glycol/water mixture.
    pub const fn is_glycol(self) -> bool {
        !matches!(self, FluidKind::Water)
    }
}

impl fmt::Display for FluidKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for FluidKind {
    type Err = FluidError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FluidKind::from_name(s)
    }
}
