//! A loop's water held liquid and within its fluid's range: the temperatures a model sets (where
//! a loop starts, a component's own start, a set-point that drives its water) must lie within
//! the fluid's range, and for water below where it boils at the pressure its expansion vessel
//! holds. Checked at the vessel's pressure: a pump's discharge is above it, a high point of the
//! loop may be below it.

use crate::device::Device;
use crate::expand::Builder;
use dctwin_components::{Component, HeatDuty};
use dctwin_fluid::{ATMOSPHERE_PA, saturation_temperature_k};

/// Margin below boiling the pressure a message proposes keeps [K].
const BOILING_MARGIN_K: f64 = 5.0;

/// A temperature a model sets: where it was written, what sets it, what it is, its value [K].
struct SetTemperature {
    offset: usize,
    context: String,
    what: &'static str,
    t_k: f64,
}

/// Record an error for every set temperature above its loop's fluid's range, and for every
/// one of a water loop at or above its boiling point.
pub fn check(b: &mut Builder<'_>) {
    for i in 0..b.loops.len() {
        let l = &b.loops[i];
        // A loop with two vessels, or none and no pressure boundary, is refused elsewhere.
        if l.pressurisations.len() > 1 {
            continue;
        }
        let Some(gauge_pa) = l.reference_pressure_pa(&b.links) else {
            continue;
        };
        let (held_by, key) = match l.pressurisations.is_empty() {
            true => (
                "its lowest pressure boundary holds",
                "that boundary's pressure_bar",
            ),
            false => ("the loop's vessel holds", "the vessel's pressure_bar"),
        };
        let (min_k, max_k) = l.fluid.valid_range_k();
        let boils_k = l.fluid.boiling_point_k(gauge_pa).unwrap_or(f64::INFINITY);
        let fluid = l.fluid.name();
        let found: Vec<SetTemperature> = (set_temperatures(b, i).into_iter())
            .filter(|s| s.t_k < min_k || s.t_k > max_k || s.t_k >= boils_k)
            .collect();
        let boiling = (found.iter().map(|s| s.t_k)).filter(|&t| t >= min_k && t <= max_k);
        let needed_bar = needed_gauge_bar(boiling.fold(0.0, f64::max));
        for s in found {
            let message = if s.t_k < min_k {
                format!(
                    "{} {:.1} °C, below the range of {fluid} (from {:.1} °C)",
                    s.what,
                    s.t_k - 273.15,
                    min_k - 273.15
                )
            } else if s.t_k > max_k {
                format!(
                    "{} {:.1} °C, above the range of {fluid} (to {:.1} °C)",
                    s.what,
                    s.t_k - 273.15,
                    max_k - 273.15
                )
            } else {
                format!(
                    "{} {:.1} °C, but at the {:.2} bar (gauge) {held_by}, water boils at \
                     {:.1} °C: raise {key} to at least {needed_bar:.1} ({BOILING_MARGIN_K} K \
                     of margin)",
                    s.what,
                    s.t_k - 273.15,
                    gauge_pa / 1e5,
                    boils_k - 273.15
                )
            };
            b.sink.error(s.offset, s.context, message);
        }
    }
}

/// The temperatures loop `i`'s model sets: its start (range-checked where it is read, so here
/// only for boiling), its components' own starts and heat sources' outlets, its boilers' and
/// heat pumps' set-points.
fn set_temperatures(b: &Builder<'_>, i: usize) -> Vec<SetTemperature> {
    let l = &b.loops[i];
    let mut out = vec![SetTemperature {
        offset: l.offset,
        context: format!("loop \"{}\"", l.name),
        what: "the water starts at",
        t_k: l.initial_temperature_k,
    }];
    let at = |name: &str| b.component_offset(name).unwrap_or(l.offset);
    for link in b.links.iter().filter(|k| k.loop_index == i) {
        let context = format!("component \"{}\"", link.name);
        if let Some(t_k) = link.initial_temperature_k {
            let what = "the water starts at";
            out.push(SetTemperature {
                offset: at(&link.name),
                context: context.clone(),
                what,
                t_k,
            });
        }
        if let Component::Boundary(bd) = &link.component {
            out.push(SetTemperature {
                offset: at(&link.name),
                context: context.clone(),
                what: "the water enters at",
                t_k: bd.temperature_k,
            });
        }
        if let Component::HeatSource(h) = &link.component
            && let HeatDuty::OutletSetpoint { outlet_k } = h.duty
        {
            out.push(SetTemperature {
                offset: at(&link.name),
                context,
                what: "the water is to leave at",
                t_k: outlet_k,
            });
        }
    }
    for d in &b.devices {
        let (name, link, t_k) = match d {
            Device::Volume { link, spec } if spec.kind.key == "boiler" => {
                let Some(t) = spec.values.number("setpoint") else {
                    continue;
                };
                (b.links[*link].name.clone(), *link, t)
            }
            Device::HeatPumps {
                name,
                condenser,
                supply_setpoint_k,
                ..
            } => (name.clone(), *condenser, *supply_setpoint_k),
            _ => continue,
        };
        if b.links[link].loop_index == i {
            out.push(SetTemperature {
                offset: at(&name),
                context: format!("component \"{name}\""),
                what: "it holds its water at",
                t_k,
            });
        }
    }
    out
}

/// The gauge pressure [bar] at which water boils [`BOILING_MARGIN_K`] above `t_k`, rounded up
/// to 0.1 bar.
fn needed_gauge_bar(t_k: f64) -> f64 {
    // Bisection on the saturation curve between vacuum and 30 bar, where it is monotonic.
    let (mut lo, mut hi) = (0.5e5, 30.0e5);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if saturation_temperature_k(mid) < t_k + BOILING_MARGIN_K {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (((hi - ATMOSPHERE_PA) / 1e5) * 10.0).ceil() / 10.0
}
