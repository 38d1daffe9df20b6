//! The colour scale of the schematic's cells: cool blue through green and yellow to red, the
//! order a facility engineer reads temperatures in.

use eframe::egui::Color32;

/// The scale's stops, from its low end to its high end.
const STOPS: [(u8, u8, u8); 5] = [
    (49, 54, 149),
    (69, 117, 180),
    (116, 196, 118),
    (254, 224, 75),
    (215, 48, 39),
];

/// The colour of `value` on the scale from `low` to `high` (clamped at both ends).
pub fn on_scale(value: f64, low: f64, high: f64) -> Color32 {
    let span = (high - low).max(1e-9);
    let x = ((value - low) / span).clamp(0.0, 1.0) * (STOPS.len() - 1) as f64;
    let i = (x.floor() as usize).min(STOPS.len() - 2);
    let f = x - i as f64;
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * f).round() as u8;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    Color32::from_rgb(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ends_are_the_first_and_last_stops_and_values_outside_are_clamped() {
        let first = Color32::from_rgb(49, 54, 149);
        let last = Color32::from_rgb(215, 48, 39);
        assert_eq!(on_scale(20.0, 20.0, 45.0), first);
        assert_eq!(on_scale(45.0, 20.0, 45.0), last);
        assert_eq!(on_scale(-100.0, 20.0, 45.0), first);
        assert_eq!(on_scale(100.0, 20.0, 45.0), last);
        assert_eq!(on_scale(32.5, 20.0, 45.0), Color32::from_rgb(116, 196, 118));
    }
}
