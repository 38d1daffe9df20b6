//! Compares every property against the CoolProp fixture
//! `tests/data/coolprop_properties.csv` (see its header for provenance;
//! regenerate with `scripts/fluid/generate_coolprop_fixture.py`).

use std::collections::BTreeMap;
use std::path::Path;

use dctwin_fluid::{Fluid, FluidKind};

/// Relative tolerance for water (0.1 %).
const WATER_TOLERANCE: f64 = 1e-3;
/// Relative tolerance for the glycol mixtures (0.5 %).
const GLYCOL_TOLERANCE: f64 = 5e-3;

const PROPERTIES: [&str; 4] = ["density", "cp", "viscosity", "conductivity"];

struct Row {
    fluid: String,
    mass_fraction: f64,
    t_k: f64,
    expected: [f64; 4],
}

fn read_fixture() -> Vec<Row> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/coolprop_properties.csv");
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .has_headers(true)
        .from_path(&path)
        .unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()));
    let headers = reader.headers().expect("header row").clone();
    assert_eq!(
        headers.iter().collect::<Vec<_>>(),
        [
            "fluid",
            "mass_fraction",
            "t_k",
            "density_kg_m3",
            "cp_j_kg_k",
            "viscosity_pa_s",
            "conductivity_w_m_k"
        ]
    );
    reader
        .records()
        .map(|record| {
            let record = record.expect("valid CSV record");
            let num = |i: usize| -> f64 {
                record[i]
                    .parse()
                    .unwrap_or_else(|e| panic!("bad number {:?}: {e}", &record[i]))
            };
            Row {
                fluid: record[0].to_string(),
                mass_fraction: num(1),
                t_k: num(2),
                expected: [num(3), num(4), num(5), num(6)],
            }
        })
        .collect()
}

#[test]
fn matches_coolprop_fixture() {
    let rows = read_fixture();
    assert!(
        rows.len() > 300,
        "fixture unexpectedly small: {}",
        rows.len()
    );

    // (fluid, property) -> (worst relative error, mass fraction, T).
    let mut worst: BTreeMap<(String, &str), (f64, f64, f64)> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut seen_kinds = Vec::new();

    for row in &rows {
        let fluid = Fluid::from_name(&row.fluid, Some(row.mass_fraction))
            .unwrap_or_else(|e| panic!("fixture fluid {} {}: {e}", row.fluid, row.mass_fraction));
        if !seen_kinds.contains(&fluid.kind()) {
            seen_kinds.push(fluid.kind());
        }
        let (t_min, t_max) = fluid.valid_range_k();
        assert!(
            row.t_k >= t_min - 0.011 && row.t_k <= t_max + 1e-9,
            "fixture row {} at {} K outside valid range {t_min}..{t_max}",
            fluid.name(),
            row.t_k
        );
        let p = fluid.properties(row.t_k);
        let actual = [
            p.density_kg_m3,
            p.specific_heat_j_kg_k,
            p.viscosity_pa_s,
            p.conductivity_w_m_k,
        ];
        let tolerance = if fluid.kind() == FluidKind::Water {
            WATER_TOLERANCE
        } else {
            GLYCOL_TOLERANCE
        };
        for (k, name) in PROPERTIES.iter().enumerate() {
            let rel = (actual[k] / row.expected[k] - 1.0).abs();
            let entry =
                worst
                    .entry((row.fluid.clone(), name))
                    .or_insert((0.0, row.mass_fraction, row.t_k));
            if rel > entry.0 {
                *entry = (rel, row.mass_fraction, row.t_k);
            }
            if rel.is_nan() || rel > tolerance {
                failures.push(format!(
                    "{} at {} K: {name} {} vs CoolProp {} (rel. error {rel:.3e} > {tolerance:e})",
                    fluid.name(),
                    row.t_k,
                    actual[k],
                    row.expected[k]
                ));
            }
        }
    }

    println!(
        "worst relative error against CoolProp ({} rows):",
        rows.len()
    );
    for ((fluid, property), (rel, x, t)) in &worst {
        println!("  {fluid:<17} {property:<13} {rel:.2e}  (x = {x}, T = {t} K)");
    }
    assert_eq!(
        seen_kinds.len(),
        FluidKind::ALL.len(),
        "fixture misses a fluid"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
