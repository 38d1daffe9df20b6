//! A sweep file (TOML): the base scenario, the parameters it varies (any key a scenario takes,
//! as `--set` writes it: `overrides.cdu_supply_c`, `overrides.instance_counts.container`,
//! `weather.epw`, an input's `value`) and how their values are chosen.
//!
//! ```toml
//! scenario = "../scenarios/jupiter-week.toml"
//! [sampling]                 # grid (default), random or latin_hypercube
//! method = "grid"
//! [[parameter]]
//! key = "overrides.cdu_supply_c"
//! values = [36.0, 40.0, 44.0]
//! [[parameter]]
//! key = "overrides.instance_counts.container"
//! values = [50, 100]
//! ```
//!
//! A grid takes every combination of the `values` lists (the last parameter varying fastest).
//! Random and Latin-hypercube sampling draw `samples` points from a `seed`: a parameter with
//! `min` and `max` takes a number in that range (`integer = true` rounds it), one with `values`
//! one of them.

use crate::error::SweepError;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Most points a sweep may have: each is a run directory.
pub const MAX_POINTS: usize = 100_000;

/// A sweep as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepFile {
    /// What the sweep is for.
    #[serde(default)]
    pub description: Option<String>,
    /// The base scenario, relative to the sweep file.
    pub scenario: PathBuf,
    /// How the points are chosen.
    #[serde(default)]
    pub sampling: Sampling,
    /// The parameters varied.
    #[serde(rename = "parameter")]
    pub parameters: Vec<Parameter>,
}

/// How the points are chosen.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sampling {
    /// Grid, random or Latin hypercube.
    #[serde(default)]
    pub method: Method,
    /// Points drawn by `random` and `latin_hypercube`.
    #[serde(default)]
    pub samples: Option<usize>,
    /// Seed of the draws: the same seed, the same points.
    #[serde(default)]
    pub seed: u64,
}

/// A sampling method.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Every combination of the parameters' values.
    #[default]
    Grid,
    /// Independent uniform draws.
    Random,
    /// Each parameter's range cut into `samples` strata, each stratum drawn once, the strata
    /// paired at random between parameters (McKay, Beckman and Conover, 1979).
    LatinHypercube,
}

/// A parameter varied.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Parameter {
    /// The scenario key, dotted (`overrides.cdu_supply_c`).
    pub key: String,
    /// Its values (a grid's, or those drawn from).
    #[serde(default)]
    pub values: Option<Vec<toml::Value>>,
    /// Lowest value drawn.
    #[serde(default)]
    pub min: Option<f64>,
    /// Highest value drawn.
    #[serde(default)]
    pub max: Option<f64>,
    /// Whether draws are rounded to whole numbers (a count).
    #[serde(default)]
    pub integer: bool,
}

impl SweepFile {
    /// Read and check the sweep file `path`.
    pub fn load(path: &Path) -> Result<SweepFile, SweepError> {
        let text = std::fs::read_to_string(path).map_err(|source| SweepError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let spec: SweepFile = toml::from_str(&text).map_err(|e| {
            let line = (e.span()).map_or(1, |s| text[..s.start].matches('\n').count() + 1);
            SweepError::Spec {
                file: path.to_path_buf(),
                key: format!("line {line}"),
                reason: e.message().trim().to_string(),
            }
        })?;
        spec.check(path)?;
        Ok(spec)
    }

    /// The base scenario's path.
    pub fn scenario_path(&self, sweep_file: &Path) -> PathBuf {
        sweep_file
            .parent()
            .unwrap_or(Path::new("."))
            .join(&self.scenario)
    }

    fn check(&self, path: &Path) -> Result<(), SweepError> {
        let bad = |key: String, reason: String| SweepError::Spec {
            file: path.to_path_buf(),
            key,
            reason,
        };
        if self.parameters.is_empty() {
            return Err(bad(
                "parameter".into(),
                "no [[parameter]]: a sweep varies at least one scenario key".into(),
            ));
        }
        for (i, p) in self.parameters.iter().enumerate() {
            let key = |field: &str| format!("parameter[{i}].{field}");
            if p.key.trim().is_empty() || p.key.contains('=') {
                return Err(bad(
                    key("key"),
                    format!(
                        "\"{}\": expected a dotted scenario key such as overrides.cdu_supply_c",
                        p.key
                    ),
                ));
            }
            if self.parameters[..i].iter().any(|q| q.key == p.key) {
                return Err(bad(key("key"), format!("\"{}\" is varied twice", p.key)));
            }
            match (&p.values, p.min, p.max) {
                (Some(v), None, None) if !v.is_empty() => {}
                (Some(_), None, None) => {
                    return Err(bad(key("values"), "an empty list".into()));
                }
                (None, Some(lo), Some(hi)) if self.sampling.method != Method::Grid => {
                    if !(lo.is_finite() && hi.is_finite() && lo <= hi) {
                        return Err(bad(
                            key("min"),
                            format!("{lo} .. {hi}: expected finite numbers, min at most max"),
                        ));
                    }
                    if p.integer && lo.ceil() > hi.floor() {
                        return Err(bad(
                            key("integer"),
                            format!("{lo} .. {hi} holds no whole number to draw"),
                        ));
                    }
                }
                (None, Some(_), Some(_)) => {
                    return Err(bad(
                        key("values"),
                        "a grid takes values = [...]; min and max are for method = \"random\" \
                         or \"latin_hypercube\""
                            .into(),
                    ));
                }
                _ => {
                    return Err(bad(
                        key("values"),
                        "expected values = [...], or min and max (random and Latin-hypercube \
                         sampling), not both"
                            .into(),
                    ));
                }
            }
        }
        match (self.sampling.method, self.sampling.samples) {
            (Method::Grid, Some(_)) => Err(bad(
                "sampling.samples".into(),
                "a grid has one point per combination of the values; samples is for random and \
                 Latin-hypercube sampling"
                    .into(),
            )),
            (Method::Grid, None) => {
                let count = (self.parameters.iter())
                    .map(|p| p.values.as_ref().map_or(1, Vec::len))
                    .try_fold(1usize, |n, k| n.checked_mul(k))
                    .filter(|&n| n <= MAX_POINTS);
                match count {
                    Some(_) => Ok(()),
                    None => Err(bad(
                        "parameter".into(),
                        format!("the grid has more than {MAX_POINTS} points"),
                    )),
                }
            }
            (_, Some(n)) if (1..=MAX_POINTS).contains(&n) => Ok(()),
            (_, _) => Err(bad(
                "sampling.samples".into(),
                format!("expected a number of points from 1 to {MAX_POINTS}"),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The error a sweep file `text` gets, as printed.
    fn refused(text: &str) -> String {
        let path = std::env::temp_dir().join(format!("dctwin-sweep-spec-{}.toml", text.len()));
        std::fs::write(&path, text).unwrap();
        let e = SweepFile::load(&path).unwrap_err().to_string();
        let _ = std::fs::remove_file(&path);
        e
    }

    #[test]
    fn a_sweep_file_that_contradicts_itself_is_refused_naming_the_key() {
        let head = "scenario = \"s.toml\"\n";
        let e = refused(&format!(
            "{head}[[parameter]]\nkey = \"a\"\nmin = 1.0\nmax = 2.0\n"
        ));
        assert!(
            e.contains("parameter[0].values: a grid takes values"),
            "{e}"
        );
        let e = refused(&format!(
            "{head}[sampling]\nsamples = 4\n[[parameter]]\nkey = \"a\"\nvalues = [1]\n"
        ));
        assert!(e.contains("sampling.samples: a grid has one point"), "{e}");
        let e = refused(&format!(
            "{head}[[parameter]]\nkey = \"a\"\nvalues = [1]\n[[parameter]]\nkey = \"a\"\nvalues = [2]\n"
        ));
        assert!(e.contains("parameter[1].key: \"a\" is varied twice"), "{e}");
        let e = refused(&format!(
            "{head}[sampling]\nmethod = \"random\"\nsamples = 3\n[[parameter]]\nkey = \"a\"\n\
             min = 5.0\nmax = 1.0\n"
        ));
        assert!(e.contains("parameter[0].min: 5 .. 1"), "{e}");
        let e = refused(&format!(
            "{head}[sampling]\nmethod = \"random\"\nsamples = 3\n[[parameter]]\nkey = \"a\"\n\
             min = 1.2\nmax = 1.8\ninteger = true\n"
        ));
        assert!(
            e.contains("parameter[0].integer: 1.2 .. 1.8 holds no whole number"),
            "{e}"
        );
        let e = refused(&format!("{head}[[parameter]]\nkey = \"a\"\nvalue = [1]\n"));
        assert!(
            e.contains("line 4") && e.contains("unknown field `value`"),
            "{e}"
        );
    }
}
