//! The model-file reference (`models/README.md`) names every parameter each volume device kind
//! declares, in its kind's row, with one of its accepted keys: a parameter added to a device
//! without its documentation fails here.

use dctwin_components::device::ParameterKind;
use dctwin_components::devices::KINDS;

#[test]
fn every_declared_parameter_is_in_the_model_reference() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../models/README.md");
    let reference = std::fs::read_to_string(path).expect("models/README.md");
    for kind in KINDS {
        let marker = format!("| `{}` |", kind.key);
        let row = (reference.lines())
            .find(|l| l.starts_with(&marker))
            .unwrap_or_else(|| panic!("models/README.md has no row for `{}`", kind.key));
        for p in kind.parameters {
            let keys: Vec<String> = match p.kind {
                ParameterKind::Quantity(q) => (q.units().iter())
                    .map(|u| format!("`{}_{}", p.name, u.suffix))
                    .collect(),
                _ => vec![format!("`{}`", p.name)],
            };
            assert!(
                keys.iter().any(|k| row.contains(k.as_str())),
                "models/README.md: the `{}` row names none of {}",
                kind.key,
                keys.join(", ")
            );
        }
    }
}
