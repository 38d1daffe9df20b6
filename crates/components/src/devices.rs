//! Every kind of volume device dctwin knows, by its key in model files. A new kind is its own
//! file implementing [`crate::device::VolumeDevice`] and one line here.

use crate::device::DeviceKind;

/// The kinds, as the model reader looks them up.
pub static KINDS: &[&DeviceKind] = &[
    &crate::rack::KIND,
    &crate::district::KIND,
    &crate::boiler::KIND,
    &crate::dry_cooler_unit::KIND,
    &crate::cooling_tower_unit::KIND,
    &crate::storage_tank::KIND,
];

/// The kind written `key` in a model file.
pub fn kind(key: &str) -> Option<&'static DeviceKind> {
    KINDS.iter().copied().find(|k| k.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::{Fallback, ParameterKind, ParameterValue, ParameterValues, Water};
    use dctwin_fluid::Fluid;

    /// Each kind builds from its declared defaults plus its required parameters, and reports
    /// every variable it declares as a finite number; what it declares settable it accepts.
    #[test]
    fn every_kind_builds_and_reports_what_it_declares() {
        let water = Fluid::water();
        let fill_k = 318.15;
        for kind in KINDS {
            let mut values = ParameterValues::new(kind.parameters);
            for p in kind.parameters {
                if let Fallback::Required(_) = p.fallback {
                    let x = match p.kind {
                        ParameterKind::Quantity(crate::units::Quantity::Temperature) => {
                            match p.name {
                                "return" | "design_water_out" => 313.15,
                                "design_air" | "design_wet_bulb" => 298.15,
                                _ => 343.15,
                            }
                        }
                        _ => 100_000.0,
                    };
                    assert!(values.give(p.name, ParameterValue::Number(x)));
                }
            }
            let mut device = (kind.build)(&values, &water, fill_k)
                .unwrap_or_else(|e| panic!("{}: {e}", kind.key));
            assert_eq!(device.kind(), *kind);
            let at = Water {
                fluid: &water,
                inlet_k: 333.15,
                volume_k: 323.15,
                mass_flow_kg_s: 2.0,
                layers_k: &[],
            };
            let mut all = Vec::new();
            device.variables(&at, &mut all);
            assert_eq!(all.len(), kind.variables.len(), "{}", kind.key);
            for (v, x) in all.iter().enumerate() {
                assert_eq!(
                    *x,
                    device.variable(v, &at),
                    "{}.{}",
                    kind.key,
                    kind.variables[v].name
                );
                assert!(x.is_finite(), "{}.{}", kind.key, kind.variables[v].name);
            }
            for w in device.watches() {
                assert!(w.variable < kind.variables.len());
            }
            for p in kind.parameters.iter().filter(|p| p.settable) {
                let now = device
                    .get(p.name)
                    .unwrap_or_else(|| panic!("{}.{}", kind.key, p.name));
                device.set(p.name, now).unwrap();
                assert!(device.set(p.name, f64::NAN).is_err());
            }
            let unknown = device.set("colour", 1.0).unwrap_err().to_string();
            assert!(
                unknown.contains("colour") && unknown.contains(kind.key),
                "{unknown}"
            );
        }
    }

    #[test]
    fn keys_are_unique_and_found() {
        for k in KINDS {
            assert_eq!(kind(k.key).map(|f| f.key), Some(k.key));
        }
        assert!(kind("toaster").is_none());
    }
}
