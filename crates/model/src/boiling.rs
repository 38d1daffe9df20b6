//! Water held liquid: a water loop's temperatures (where it starts, a component's own start, a
//! set-point that drives its water) must lie below where water boils at the pressure its
//! expansion vessel holds. Checked at the vessel's pressure: a pump's discharge is above it,
//! a high point of the loop may be below it.

use crate::device::Device;
use crate::expand::Builder;
use dctwin_components::{Component, HeatDuty};
use dctwin_fluid::{ATMOSPHERE_PA, FluidKind, saturation_temperature_k};

/// Record an error for every temperature of a water loop at or above its boiling point.
pub fn check(b: &mut Builder<'_>) {
    for i in 0..b.loops.len() {
        let l = &b.loops[i];
        let [(_, gauge_pa, _)] = l.pressurisations[..] else {
            continue;
        };
        if l.fluid.kind() != FluidKind::Water {
            continue;
        }
        let boils_k = saturation_temperature_k(gauge_pa + ATMOSPHERE_PA);
        let mut found: Vec<(usize, String, &str, f64)> = Vec::new();
        if l.initial_temperature_k >= boils_k {
            found.push((
                l.offset,
                format!("loop \"{}\"", l.name),
                "the water starts at",
                l.initial_temperature_k,
            ));
        }
        for link in b.links.iter().filter(|k| k.loop_index == i) {
            let mut temperatures: Vec<(&str, f64)> = Vec::new();
            if let Some(t) = link.initial_temperature_k {
                temperatures.push(("the water starts at", t));
            }
            if let Component::HeatSource(h) = &link.component
                && let HeatDuty::OutletSetpoint { outlet_k } = h.duty
            {
                temperatures.push(("the water is to leave at", outlet_k));
            }
            for (what, t) in temperatures.into_iter().filter(|&(_, t)| t >= boils_k) {
                let at = b.component_offset(&link.name).unwrap_or(l.offset);
                found.push((at, format!("component \"{}\"", link.name), what, t));
            }
        }
        for d in &b.devices {
            let (link, t) = match d {
                Device::Volume { link, spec } => match spec.values.number("setpoint") {
                    Some(t) if spec.kind.key == "boiler" => (*link, t),
                    _ => continue,
                },
                Device::HeatPumps {
                    condenser,
                    supply_setpoint_k,
                    ..
                } => (*condenser, *supply_setpoint_k),
                Device::HeatExchanger { .. } => continue,
            };
            if b.links[link].loop_index == i && t >= boils_k {
                let name = d_name(b, d, link);
                let at = b.component_offset(&name).unwrap_or(l.offset);
                found.push((
                    at,
                    format!("component \"{name}\""),
                    "it holds its water at",
                    t,
                ));
            }
        }
        let needed_bar = needed_gauge_bar(found.iter().map(|f| f.3).fold(0.0, f64::max));
        for (at, context, what, t) in found {
            let message = format!(
                "{what} {:.1} °C, but at the {:.2} bar (gauge) the loop's vessel holds, water boils \
                 at {:.1} °C: raise the vessel's pressure_bar to at least {needed_bar:.1} (5 K of \
                 margin)",
                t - 273.15,
                gauge_pa / 1e5,
                boils_k - 273.15
            );
            b.sink.error(at, context, message);
        }
    }
}

/// The name a device is written under: a coupling's own, a volume device's link's.
fn d_name(b: &Builder<'_>, d: &Device, link: usize) -> String {
    match d {
        Device::HeatPumps { name, .. } | Device::HeatExchanger { name, .. } => name.clone(),
        Device::Volume { .. } => b.links[link].name.clone(),
    }
}

/// The gauge pressure [bar] at which water boils 5 K above `t_k`, rounded up to 0.1 bar.
fn needed_gauge_bar(t_k: f64) -> f64 {
    // Bisection on the saturation curve between vacuum and 30 bar, where it is monotonic.
    let (mut lo, mut hi) = (0.5e5, 30.0e5);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if saturation_temperature_k(mid) < t_k + 5.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (((hi - ATMOSPHERE_PA) / 1e5) * 10.0).ceil() / 10.0
}
