//! Reads a volume device (a rack, a substation, a boiler) from its component table, as its kind
//! declares its parameters ([`dctwin_components::device::DeviceKind`]): each parameter under its
//! key with a unit suffix, a plain number in its range, a count or one of its words. The device
//! is built once here, so that a value it refuses is reported against the model file.

use crate::nominal::{optional_resistance, read_resistance};
use crate::reader::Reader;
use crate::units::Quantity;
use dctwin_components::Component;
use dctwin_components::device::{
    DeviceKind, DeviceSpec, Fallback, Parameter, ParameterKind, ParameterValue, ParameterValues,
    PressureDrop,
};
use dctwin_fluid::Fluid;

/// The device of `kind` a component table describes, in a loop of `fluid` starting at
/// `initial_k` [K], with its link's steady law; `None` once an error is reported.
pub fn read_volume_device(
    r: &mut Reader<'_, '_>,
    kind: &'static DeviceKind,
    fluid: &Fluid,
    initial_k: f64,
) -> Option<(Component, DeviceSpec)> {
    let density_kg_m3 = fluid.density_kg_m3(initial_k);
    let mut values = ParameterValues::new(kind.parameters);
    let mut complete = true;
    // Where each value given was written, to point a refusal at its key.
    let mut written: Vec<(&'static str, Written)> = Vec::new();
    for p in kind.parameters {
        match read_parameter(r, p, density_kg_m3) {
            Ok(Some((v, at))) => {
                values.give(p.name, v);
                written.push((p.name, at));
            }
            Ok(None) => {}
            Err(Reported) => complete = false,
        }
    }
    let resistance = match kind.pressure_drop {
        PressureDrop::Nominal => Some(read_resistance(r, density_kg_m3)?),
        PressureDrop::OptionalNominal => optional_resistance(r, density_kg_m3)?,
        PressureDrop::Own => None,
    };
    if !complete {
        return None;
    }
    let spec = DeviceSpec { kind, values };
    match spec.build(fluid, initial_k) {
        Ok(device) => Some((device.steady_component(resistance), spec)),
        Err(refusal) => {
            let at = (written.iter()).find(|(name, _)| Some(*name) == refusal.parameter);
            match at {
                Some((_, w)) => r.error_at(w.offset, &w.key, refusal.message),
                None => r.error(refusal.message),
            }
            None
        }
    }
}

/// Where a value was written: its key as written (with its unit suffix) and its offset.
struct Written {
    key: String,
    offset: usize,
}

/// A parameter's error has been reported to the reader.
struct Reported;

/// Parameter `p`'s value and where it was written, `None` if not written (its fallback
/// applies).
fn read_parameter(
    r: &mut Reader<'_, '_>,
    p: &Parameter,
    density_kg_m3: f64,
) -> Result<Option<(ParameterValue, Written)>, Reported> {
    let required = match p.fallback {
        Fallback::Required(what) => Some(what),
        Fallback::Value(_) | Fallback::Derived => None,
    };
    let value = match p.kind {
        ParameterKind::Quantity(q) => read_quantity(r, p, q, required, density_kg_m3)?,
        ParameterKind::Number { min, max } => read_number(r, p.name, min, max)?,
        ParameterKind::Count => match r.count(p.name) {
            Some((n, offset)) => Some((ParameterValue::Number(n as f64), written(p.name, offset))),
            None if r.is_present(p.name) => return Err(Reported),
            None => None,
        },
        ParameterKind::Choice(words) => read_word(r, p.name, words)?,
    };
    match (value, required) {
        (None, Some(what)) if !matches!(p.kind, ParameterKind::Quantity(_)) => {
            let message = format!("missing key \"{}\" ({what})", p.name);
            r.missing(vec![p.name.to_string()], message);
            Err(Reported)
        }
        (None, Some(_)) => Err(Reported),
        (value, _) => Ok(value),
    }
}

/// A quantity `stem_<unit>` in SI: a temperature above absolute zero, a positive parameter
/// above zero (both checked at the key), a flow as mass flow (a volume flow at the loop's
/// density).
fn read_quantity(
    r: &mut Reader<'_, '_>,
    p: &Parameter,
    q: Quantity,
    required: Option<&str>,
    density_kg_m3: f64,
) -> Result<Option<(ParameterValue, Written)>, Reported> {
    let v = match required {
        Some(what) => r.required_quantity(p.name, q, what),
        None => r.quantity(p.name, q),
    };
    let Some(v) = v else {
        return match r.has_quantity(p.name, q) {
            true => Err(Reported),
            false => Ok(None),
        };
    };
    let refused = match q {
        Quantity::Temperature if v.si <= 0.0 => Some("the temperature is below absolute zero"),
        _ if p.positive && v.si <= 0.0 => Some("expected a positive value (> 0)"),
        _ => None,
    };
    if let Some(message) = refused {
        r.error_at(v.offset, &v.key, message);
        return Err(Reported);
    }
    let si = match q {
        Quantity::Flow => v.mass_flow(density_kg_m3),
        _ => v.si,
    };
    let at = Written {
        key: v.key,
        offset: v.offset,
    };
    Ok(Some((ParameterValue::Number(si), at)))
}

fn written(key: &str, offset: usize) -> Written {
    Written {
        key: key.to_string(),
        offset,
    }
}

/// A plain number in `[min, max]`.
fn read_number(
    r: &mut Reader<'_, '_>,
    key: &str,
    min: f64,
    max: f64,
) -> Result<Option<(ParameterValue, Written)>, Reported> {
    match r.number(key) {
        Some((x, offset)) if (min..=max).contains(&x) => {
            Ok(Some((ParameterValue::Number(x), written(key, offset))))
        }
        Some((x, offset)) => {
            let message = format!("expected a value from {min} to {max}, found {x}");
            r.error_at(offset, key, message);
            Err(Reported)
        }
        None if r.is_present(key) => Err(Reported),
        None => Ok(None),
    }
}

/// One of `words`.
fn read_word(
    r: &mut Reader<'_, '_>,
    key: &str,
    words: &'static [&'static str],
) -> Result<Option<(ParameterValue, Written)>, Reported> {
    let Some((word, offset)) = r.string(key) else {
        return match r.is_present(key) {
            true => Err(Reported),
            false => Ok(None),
        };
    };
    match words.iter().find(|w| **w == word) {
        Some(w) => Ok(Some((ParameterValue::Word(w), written(key, offset)))),
        None => {
            let listed: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
            let message = format!(
                "unknown {key} \"{word}\": expected one of {}",
                listed.join(", ")
            );
            r.error_at(offset, key, message);
            Err(Reported)
        }
    }
}
