//! How precisely a series keeps its values: every bit of an `f64`, or what a quantity needs.
//!
//! A year at one-minute steps is 525,600 rows. Kept as `f64`, a `jupiter-design` year of 126
//! columns is 310 MB even with zstd: the last bits of a simulated temperature are integration
//! noise, which does not compress (4.7 bytes a value). [`Precision::ByUnit`] keeps each value as an
//! `f32` rounded to a binary step chosen from the column's unit suffix, far below what any
//! sensor or KPI resolves; the noise bits become zeros, repeated values become runs, and polars
//! dictionary-encodes the slowly varying columns: the same year is 18.7 MB (19.9 MB with the
//! schematic's join columns)
//! (docs/performance.md).
//!
//! | unit suffix | kept to | why that is enough |
//! |---|---|---|
//! | `_c`, `_k` | 1/1024 K (≈ 1 mK) | a class-A Pt100 reads ±0.15 K; the validations agree to 2 mK at best |
//! | `_kw` | 1/1024 kW (≈ 1 W) | a rack draws tens of kW; energies come from the run's exact accounts, not the series |
//! | `_w` | 1 W | as above |
//! | `_kg_s` | 1/1024 kg/s (≈ 1 g/s) | a CDU's primary flow is ≈ 5 kg/s, which flow meters read to ±25 g/s (±0.5 %) |
//! | `_kg_h` | 1/64 kg/h | the dry coolers' evaporation, hundreds of kg/h |
//! | anything else | an `f32` (7 significant digits) | counts and ratios |
//!
//! Where a plant stage meets a loop (`cdus@facility.flow_kg_s`: an `@` in the name) the columns
//! sum a stage's devices for the app's schematic and repeat what the devices' own columns hold at
//! finer steps; they are kept to 1/64 K, 1 kW and 1/16 kg/s, at or below the last digit the
//! schematic shows (0.1 K, 1 kW, 1 kg/s), which keeps a `jupiter` year's 24 such columns from
//! adding a quarter to its size.
//!
//! `time_s` is always an exact `f64`. An `f32` holds a 1/1024 step exactly up to 2^14 in the
//! column's unit; above that its own resolution is the step (13,200 kW is kept to 1/1024 kW,
//! 20,000 kW to 1/512 kW).

/// How the value columns are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Precision {
    /// Every bit of the `f64` pushed.
    #[default]
    Exact,
    /// An `f32`, rounded to the step of the column's unit (see the module's table).
    ByUnit,
}

/// How one column is stored.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Storage {
    /// `f64` as pushed.
    Exact,
    /// `f32`, rounded to a multiple of `step` first when there is one.
    Single {
        /// The binary step the value is rounded to, in the column's unit.
        step: Option<f64>,
    },
}

impl Storage {
    /// The storage of a value column called `name` under `precision`.
    pub(crate) fn of(precision: Precision, name: &str) -> Storage {
        match precision {
            Precision::Exact => Storage::Exact,
            Precision::ByUnit => Storage::Single {
                step: step_of(name),
            },
        }
    }

    /// `value` as stored (before the `f32` conversion where there is one).
    pub(crate) fn round(self, value: f64) -> f64 {
        match self {
            Storage::Single { step: Some(step) } => (value / step).round() * step,
            _ => value,
        }
    }
}

/// The rounding step of a column by its unit suffix (powers of two, so that the rounded value
/// is exact in binary and its low mantissa bits are zeros).
fn step_of(name: &str) -> Option<f64> {
    const JOINS: &[(&str, f64)] = &[("_c", 1.0 / 64.0), ("_kw", 1.0), ("_kg_s", 1.0 / 16.0)];
    const STEPS: &[(&str, f64)] = &[
        ("_c", 1.0 / 1024.0),
        ("_k", 1.0 / 1024.0),
        ("_kw", 1.0 / 1024.0),
        ("_w", 1.0),
        ("_kg_s", 1.0 / 1024.0),
        ("_kg_h", 1.0 / 64.0),
        // About 100 Pa: a fiftieth of the smallest valve drop worth reading.
        ("_bar", 1.0 / 1024.0),
    ];
    let steps = if name.contains('@') { JOINS } else { STEPS };
    // The longest matching suffix wins, so `_kw` is not read as `_w`.
    steps
        .iter()
        .filter(|(suffix, _)| name.ends_with(suffix))
        .max_by_key(|(suffix, _)| suffix.len())
        .map(|&(_, step)| step)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_follow_the_unit_suffix() {
        assert_eq!(step_of("c0.cdu.supply_c"), Some(1.0 / 1024.0));
        assert_eq!(step_of("it_power_kw"), Some(1.0 / 1024.0));
        assert_eq!(step_of("pump_w"), Some(1.0));
        assert_eq!(step_of("plant.primary_kg_s"), Some(1.0 / 1024.0));
        assert_eq!(step_of("water_kg_h"), Some(1.0 / 64.0));
        assert_eq!(step_of("node:suction.pressure_bar"), Some(1.0 / 1024.0));
        assert_eq!(step_of("racks_over_class"), None);
        assert_eq!(step_of("heat_pump_units_on"), None);
        assert_eq!(step_of("cdus@facility.in_c"), Some(1.0 / 64.0));
        assert_eq!(step_of("heat_pumps@campus.heat_kw"), Some(1.0));
        assert_eq!(step_of("boilers@campus.flow_kg_s"), Some(1.0 / 16.0));
    }

    #[test]
    fn rounding_stays_within_half_a_step_and_survives_f32() {
        let storage = Storage::of(Precision::ByUnit, "x_c");
        for v in [0.0, 39.987_654_321, 47.5e-4, 99.999_9, -12.345_678] {
            let stored = storage.round(v) as f32 as f64;
            assert!(
                (stored - v).abs() <= 0.5 / 1024.0 + 1e-12,
                "{v} -> {stored}"
            );
        }
        assert_eq!(Storage::of(Precision::Exact, "x_c").round(0.1), 0.1);
    }
}
