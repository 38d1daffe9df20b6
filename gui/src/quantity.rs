//! What the racks of the schematic are coloured by: each rack's cell takes the value of one
//! series column, on a fixed scale so that colours compare between times and runs.

use dctwin_scenario::schematic::{RackCell, RackGroup};

/// A quantity a rack cell shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Quantity {
    /// The coolant supply the rack's CDU delivers [°C] (in every run's series by default).
    #[default]
    Supply,
    /// The coolant leaving the rack [°C].
    Outlet,
    /// The chip (case) temperature [°C].
    Chip,
    /// The rack's IT power [kW].
    Power,
}

impl Quantity {
    /// All, in the order the app offers them.
    pub const ALL: [Quantity; 4] = [
        Quantity::Supply,
        Quantity::Outlet,
        Quantity::Chip,
        Quantity::Power,
    ];

    /// Its name in the app.
    pub fn label(self) -> &'static str {
        match self {
            Quantity::Supply => "supply °C",
            Quantity::Outlet => "outlet °C",
            Quantity::Chip => "chip °C",
            Quantity::Power => "power kW",
        }
    }

    /// The series column that holds it for `rack` of `group`.
    pub fn column(self, group: &RackGroup, rack: &RackCell) -> Option<String> {
        match self {
            Quantity::Supply => group.supply_column.clone(),
            Quantity::Outlet => Some(rack.column("outlet_c")),
            Quantity::Chip => Some(rack.column("chip_c")),
            Quantity::Power => Some(rack.column("it_kw")),
        }
    }

    /// The scale of its colours (low, high), from the rack's limits: temperatures from 25 K
    /// below the supply limit (a cold start) to the limit the quantity is judged by, power from
    /// zero to the rack's design power.
    pub fn scale(self, rack: &RackCell) -> (f64, f64) {
        match self {
            Quantity::Supply => (rack.supply_limit_c - 25.0, rack.supply_limit_c),
            Quantity::Outlet => (rack.supply_limit_c - 20.0, rack.supply_limit_c + 15.0),
            Quantity::Chip => (rack.supply_limit_c - 20.0, rack.chip_limit_c),
            Quantity::Power => (0.0, rack.design_kw.max(1e-3)),
        }
    }

    /// The limit a value is judged against, if any: over it the cell is outlined.
    pub fn limit(self, rack: &RackCell) -> Option<f64> {
        match self {
            Quantity::Supply => Some(rack.supply_limit_c),
            Quantity::Chip => Some(rack.chip_limit_c),
            Quantity::Outlet | Quantity::Power => None,
        }
    }
}
