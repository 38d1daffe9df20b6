//! Side-by-side comparison of two runs' KPIs (`dctwin compare RUN_A RUN_B`).

use std::fmt::Write;

use crate::report::opt;
use crate::{KpiReport, Kpis};

/// The rows compared: label, unit, decimals, and how to read the value.
type Row = (&'static str, &'static str, usize, fn(&Kpis) -> Option<f64>);

const ROWS: &[Row] = &[
    ("hours", "h", 1, |k| Some(k.hours)),
    ("IT energy", "MWh", 3, |k| Some(k.it_energy_mwh)),
    ("facility energy", "MWh", 3, |k| Some(k.facility_energy_mwh)),
    ("reused heat", "MWh", 3, |k| Some(k.reused_heat_mwh)),
    ("pump energy", "MWh", 3, |k| Some(k.pump_energy_mwh)),
    ("fan energy", "MWh", 3, |k| Some(k.fan_energy_mwh)),
    ("heat-pump energy", "MWh", 3, |k| {
        Some(k.heat_pump_energy_mwh)
    }),
    ("chiller energy", "MWh", 3, |k| Some(k.chiller_energy_mwh)),
    ("PUE", "-", 4, |k| k.pue),
    ("pPUE cooling", "-", 4, |k| k.ppue_cooling),
    ("pPUE reuse", "-", 4, |k| k.ppue_reuse),
    ("ERE", "-", 4, |k| k.ere),
    ("ERF", "-", 4, |k| k.erf),
    ("WUE", "L/kWh", 4, |k| k.wue_l_per_kwh),
    ("CUE", "kg/kWh", 4, |k| k.cue_kg_per_kwh),
    ("REF", "-", 4, |k| k.ref_),
    ("water", "m³", 2, |k| Some(k.water_m3)),
    ("CO₂", "t", 3, |k| Some(k.co2_kg / 1000.0)),
    ("mean IT power", "kW", 2, |k| k.mean_it_power_kw),
    ("reused heat temperature", "°C", 2, |k| {
        k.reused_heat_mean_c
    }),
    ("hours over W class", "h", 1, |k| Some(k.hours_over_class)),
    ("hours over supply limit", "h", 1, |k| {
        k.hours_supply_over_limit
    }),
    ("max supply", "°C", 2, |k| k.max_supply_c),
    ("peak chip", "°C", 2, |k| k.peak_chip_c),
];

/// A table of the whole-run KPIs of `a` and `b` side by side, with the difference b − a and,
/// where a is non-zero, the relative change in %. `names` head the two value columns.
pub fn compare(a: &KpiReport, b: &KpiReport, names: (&str, &str)) -> String {
    let width = names.0.chars().count().max(names.1.chars().count()).max(12);
    let mut out = String::new();
    // Writing into a String cannot fail.
    let _ = writeln!(
        out,
        "{:<24} {:<7} {:>width$} {:>width$} {:>12} {:>9}",
        "KPI", "unit", names.0, names.1, "difference", "change"
    );
    for (label, unit, decimals, get) in ROWS {
        let (x, y) = (get(&a.whole), get(&b.whole));
        let diff = x.zip(y).map(|(x, y)| y - x);
        let change = x
            .zip(diff)
            .filter(|(x, _)| *x != 0.0)
            .map(|(x, d)| 100.0 * d / x.abs());
        let change = change.map_or_else(|| "-".to_string(), |c| format!("{c:+.2} %"));
        let _ = writeln!(
            out,
            "{:<24} {:<7} {:>width$} {:>width$} {:>12} {:>9}",
            label,
            unit,
            opt(x, *decimals),
            opt(y, *decimals),
            diff.map_or_else(|| "-".to_string(), |d| format!("{d:+.decimals$}")),
            change
        );
    }
    out
}
