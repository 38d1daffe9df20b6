//! What a plant device proposes for itself at a design point: the size that would do the duty
//! it meets there, beside the size it has. A dry cooler proposes its coils and their fans, a
//! heat-pump bank its capacity; `dctwin size` gathers them. Values are SI, as everywhere in
//! this crate; the report converts them at its edge.

use crate::units::Quantity;

/// One figure of a proposal: as installed and as the design point needs it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figure {
    /// What it is (`coils`, `conductance at full fans`, `COP`).
    pub name: &'static str,
    /// Its quantity; `None` for a plain number (a count, a ratio).
    pub quantity: Option<Quantity>,
    /// As installed (SI).
    pub installed: f64,
    /// As the design point needs it (SI); `None` where no size would do.
    pub needed: Option<f64>,
}

/// A device's proposal for its own size.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    /// The duty it must do there, in a user's words.
    pub duty: String,
    /// Its figures, the one that sizes it first.
    pub figures: Vec<Figure>,
    /// What set the needed size, or why no size will do.
    pub limited_by: String,
    /// Whether it does the duty as installed.
    pub installed_suffices: bool,
    /// The settable parameter, and its value (SI), that give it the size needed, where one
    /// does (a dry cooler's `units_in_service`): a search that grows the plant sets it.
    pub resize: Option<(&'static str, f64)>,
}

impl Proposal {
    /// The size it asks for: its first figure's need, infinite where none would do; a
    /// template's instances are reported at the one asking most.
    pub fn demand(&self) -> f64 {
        self.figures
            .first()
            .map_or(0.0, |f| f.needed.unwrap_or(f64::INFINITY))
    }
}
