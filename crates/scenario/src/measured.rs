//! Measurements a run is compared with (`[[measured]]`): each names a column the series
//! writes and a trace of what was measured there. The trace is read at the reporting instants
//! (temperatures interpolated linearly), and every report adds its difference; the run's
//! summary gives the RMSE, the largest and the mean difference, so a replayed network says at
//! once how far it is from its readings.

use crate::error::ScenarioError;
use crate::spec::{MeasuredSpec, Scenario};
use dctwin_fluid::ATMOSPHERE_PA;
use dctwin_inputs::{Quantity as TraceQuantity, Resample, Resolver, TimeGrid};
use serde::{Deserialize, Serialize};

/// How a run's variable compares with its measurement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fit {
    /// The series column.
    pub variable: String,
    /// The trace's file and column.
    pub measured: String,
    /// Root mean square of simulated − measured, in the column's unit.
    pub rmse: f64,
    /// Largest |simulated − measured|.
    pub max_abs: f64,
    /// Mean of simulated − measured (the bias).
    pub mean: f64,
    /// Reports compared.
    pub count: usize,
    /// The unit of the differences (`K` for a column in °C, `kW`, `bar`, `kg/s`).
    pub unit: String,
}

/// One comparison as the run fills it.
struct Comparison {
    column: usize,
    variable: String,
    measured: String,
    unit: &'static str,
    /// The measurement at each report, in SI.
    values_si: Vec<f64>,
    /// From the column's unit to SI: SI = value·scale + offset.
    to_si: (f64, f64),
    sum_sq: f64,
    sum: f64,
    max_abs: f64,
    count: usize,
}

/// Every `[[measured]]` of a run.
pub struct Measured {
    comparisons: Vec<Comparison>,
    /// The first report's time since the start, and the reporting step [s].
    first_s: f64,
    step_s: f64,
}

/// A series column's unit by its name's suffix: its symbol and (scale, offset) to SI, and the
/// quantity a trace must give to be compared with it. A series' pressures are gauge, a trace's
/// absolute: (scale, offset) takes the column to absolute.
fn unit_of(column: &str) -> Option<(&'static str, (f64, f64), TraceQuantity)> {
    [
        // A difference of temperatures is in kelvin.
        ("_c", ("K", (1.0, 273.15), TraceQuantity::Temperature)),
        ("_k", ("K", (1.0, 0.0), TraceQuantity::Temperature)),
        ("_kw", ("kW", (1e3, 0.0), TraceQuantity::Power)),
        (
            "_bar",
            ("bar", (1e5, ATMOSPHERE_PA), TraceQuantity::Pressure),
        ),
        ("_kg_s", ("kg/s", (1.0, 0.0), TraceQuantity::MassFlow)),
    ]
    .into_iter()
    .find(|(suffix, _)| column.ends_with(suffix))
    .map(|(_, unit)| unit)
}

impl Measured {
    /// Read each `[[measured]]` trace at the reports of a run from `start_s` (epoch) over
    /// `total_s`, every `report_step_s`; `columns` are the series' written columns.
    pub fn load(
        scenario: &Scenario,
        resolver: &Resolver,
        start_s: f64,
        total_s: f64,
        columns: &[String],
    ) -> Result<Measured, ScenarioError> {
        let step_s = scenario.report_step_s;
        let reports = (total_s / step_s).round().max(1.0) as usize;
        let mut comparisons = Vec::new();
        for (i, spec) in scenario.measured.iter().enumerate() {
            let key = |field: &str| format!("measured.{i}.{field}");
            let error = |field: &str, reason: String| scenario.error(&key(field), reason);
            comparisons.push(comparison(spec, columns, &error, |spec, by_interval| {
                // A quantity read at instants (a temperature, linear) is read at the reports;
                // one averaged over intervals (a power, a flow) over the reports' intervals,
                // as the series' means are.
                let first = if by_interval {
                    start_s
                } else {
                    start_s + step_s
                };
                let grid = TimeGrid::new(first, step_s, reports)
                    .map_err(|e| error("trace", e.to_string()))?;
                dctwin_inputs::trace::load(spec, resolver, &grid).map_err(ScenarioError::from)
            })?);
        }
        Ok(Measured {
            comparisons,
            first_s: step_s,
            step_s,
        })
    }

    /// Add the report at `time_s` since the start, whose written values are `row`.
    pub fn observe(&mut self, time_s: f64, row: &[f64]) {
        let k = ((time_s - self.first_s) / self.step_s).round();
        if k < 0.0 {
            return;
        }
        for c in &mut self.comparisons {
            let (Some(&measured), Some(&simulated)) =
                (c.values_si.get(k as usize), row.get(c.column))
            else {
                continue;
            };
            let (scale, offset) = c.to_si;
            let difference = (simulated * scale + offset - measured) / scale;
            if difference.is_finite() {
                c.sum_sq += difference * difference;
                c.sum += difference;
                c.max_abs = c.max_abs.max(difference.abs());
                c.count += 1;
            }
        }
    }

    /// What each comparison found.
    pub fn fits(&self) -> Vec<Fit> {
        (self.comparisons.iter())
            .map(|c| {
                let n = c.count.max(1) as f64;
                Fit {
                    variable: c.variable.clone(),
                    measured: c.measured.clone(),
                    rmse: (c.sum_sq / n).sqrt(),
                    max_abs: c.max_abs,
                    mean: c.sum / n,
                    count: c.count,
                    unit: c.unit.to_string(),
                }
            })
            .collect()
    }
}

/// One comparison: `spec`'s variable among `columns`, its trace loaded by `load`.
fn comparison(
    spec: &MeasuredSpec,
    columns: &[String],
    error: &dyn Fn(&str, String) -> ScenarioError,
    load: impl FnOnce(&dctwin_inputs::TraceSpec, bool) -> Result<dctwin_inputs::Trace, ScenarioError>,
) -> Result<Comparison, ScenarioError> {
    let Some(column) = columns.iter().position(|c| *c == spec.variable) else {
        let near: Vec<&str> = (columns.iter())
            .filter(|c| c.contains(spec.variable.split([':', '.']).nth(1).unwrap_or("")))
            .take(8)
            .map(String::as_str)
            .collect();
        return Err(error(
            "variable",
            format!(
                "\"{}\" is not a column the run writes (add it to [output] variables){}",
                spec.variable,
                match near.is_empty() {
                    true => String::new(),
                    false => format!("; it writes {}", near.join(", ")),
                }
            ),
        ));
    };
    let Some((unit, to_si, quantity)) = unit_of(&spec.variable) else {
        return Err(error(
            "variable",
            format!(
                "\"{}\": only a column in °C (_c), K (_k), kW (_kw), bar (_bar) or kg/s (_kg_s) \
                 can be compared",
                spec.variable
            ),
        ));
    };
    let chosen = match (&spec.column, spec.trace.columns.as_slice()) {
        (Some(name), _) => spec.trace.columns.iter().find(|c| c.name == *name),
        (None, [only]) => Some(only),
        _ => None,
    };
    let by_interval = chosen.is_some_and(|c| {
        matches!(c.resample, Some(Resample::Mean))
            || (c.resample.is_none() && quantity != TraceQuantity::Temperature)
    });
    let trace = load(&spec.trace, by_interval)?;
    let wanted = match (&spec.column, trace.columns.as_slice()) {
        (Some(name), _) => trace.columns.iter().find(|c| c.name == *name),
        (None, [only]) => Some(only),
        (None, _) => {
            return Err(error(
                "column",
                "the trace has several columns: say which is the measurement".to_string(),
            ));
        }
    };
    let Some(measured) = wanted else {
        return Err(error(
            "column",
            format!(
                "\"{}\" is not one of the trace's columns",
                spec.column.as_deref().unwrap_or_default()
            ),
        ));
    };
    if measured.quantity != quantity {
        return Err(error(
            "column",
            format!(
                "\"{}\" is a {:?} in its trace, but \"{}\" is a {quantity:?}: give the trace \
                 column in a unit of the variable's quantity",
                measured.name, measured.quantity, spec.variable
            ),
        ));
    }
    Ok(Comparison {
        column,
        variable: spec.variable.clone(),
        measured: format!("{} column {}", spec.trace.file.display(), measured.name),
        unit,
        values_si: measured.values.clone(),
        to_si,
        sum_sq: 0.0,
        sum: 0.0,
        max_abs: 0.0,
        count: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_follow_the_column_suffix() {
        let unit = |c: &str| unit_of(c).map(|(u, to_si, _)| (u, to_si));
        assert_eq!(unit("sensor:out_c"), Some(("K", (1.0, 273.15))));
        assert_eq!(unit("main.heat_kw"), Some(("kW", (1e3, 0.0))));
        assert_eq!(unit("pump.flow_kg_s"), Some(("kg/s", (1.0, 0.0))));
        assert_eq!(
            unit("node:x.pressure_bar"),
            Some(("bar", (1e5, ATMOSPHERE_PA)))
        );
        assert_eq!(unit_of("pue"), None);
    }

    /// Two reports, 1 K above and 1 K below the measurement: RMSE 1, bias 0, largest 1.
    #[test]
    fn the_fit_sums_the_differences_in_the_column_unit() {
        let mut m = Measured {
            comparisons: vec![Comparison {
                column: 0,
                variable: "node:x.temperature_c".into(),
                measured: "f column 2".into(),
                unit: "K",
                values_si: vec![300.0, 310.0],
                to_si: (1.0, 273.15),
                sum_sq: 0.0,
                sum: 0.0,
                max_abs: 0.0,
                count: 0,
            }],
            first_s: 60.0,
            step_s: 60.0,
        };
        m.observe(60.0, &[300.0 - 273.15 + 1.0]);
        m.observe(120.0, &[310.0 - 273.15 - 1.0]);
        m.observe(180.0, &[0.0]);
        let fit = &m.fits()[0];
        assert_eq!(fit.count, 2);
        assert!((fit.rmse - 1.0).abs() < 1e-9 && fit.mean.abs() < 1e-9);
        assert!((fit.max_abs - 1.0).abs() < 1e-9);
    }
}
