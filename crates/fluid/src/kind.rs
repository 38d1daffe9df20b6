//! The kinds of coolant the crate knows.

use std::fmt;

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
