//! Values at the report's edge: SI inside, °C, kW and kW/K where people read them.

use dctwin_components::units::Quantity;

/// A value in SI at the edge, with its unit: temperatures in °C, powers in kW, conductances in
/// kW/K; others as they are, with no unit named.
pub fn at_edge(quantity: Quantity, x: f64) -> (f64, &'static str) {
    match quantity {
        Quantity::Temperature => (x - 273.15, "°C"),
        Quantity::Power => (x / 1e3, "kW"),
        Quantity::Conductance => (x / 1e3, "kW/K"),
        Quantity::Flow => (x, "kg/s"),
        _ => (x, ""),
    }
}
