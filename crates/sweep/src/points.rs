//! The points of a sweep: for each, a value of every parameter, in the sweep file's order.

use crate::spec::{Method, Parameter, SweepFile};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize};

/// One point: a value for each parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// Its number, from 0.
    pub index: usize,
    /// Each parameter's key and value.
    pub values: Vec<(String, toml::Value)>,
}

impl Point {
    /// The point as `--set` values over the base scenario (`key=value`, the value in TOML).
    pub fn sets(&self) -> Vec<String> {
        (self.values.iter())
            .map(|(key, value)| format!("{key}={value}"))
            .collect()
    }
}

/// The points of `spec`.
pub fn points(spec: &SweepFile) -> Vec<Point> {
    let rows = match spec.sampling.method {
        Method::Grid => grid(&spec.parameters),
        Method::Random | Method::LatinHypercube => {
            draws(spec, spec.sampling.samples.unwrap_or(1), spec.sampling.seed)
        }
    };
    (rows.into_iter().enumerate())
        .map(|(index, values)| Point {
            index,
            values: (spec.parameters.iter())
                .map(|p| p.key.clone())
                .zip(values)
                .collect(),
        })
        .collect()
}

/// Every combination of the parameters' values, the last varying fastest.
fn grid(parameters: &[Parameter]) -> Vec<Vec<toml::Value>> {
    let mut rows: Vec<Vec<toml::Value>> = vec![Vec::new()];
    for p in parameters {
        let values = p.values.clone().unwrap_or_default();
        rows = (rows.into_iter())
            .flat_map(|row| {
                values.iter().map(move |v| {
                    let mut next = row.clone();
                    next.push(v.clone());
                    next
                })
            })
            .collect();
    }
    rows
}

/// `n` random or Latin-hypercube points from `seed`: for each parameter a position in [0, 1)
/// per point (a stratum's, for a Latin hypercube), mapped onto its range or its values.
fn draws(spec: &SweepFile, n: usize, seed: u64) -> Vec<Vec<toml::Value>> {
    let mut rng = StdRng::seed_from_u64(seed);
    let columns: Vec<Vec<toml::Value>> = (spec.parameters.iter())
        .map(|p| {
            let positions: Vec<f64> = match spec.sampling.method {
                Method::LatinHypercube => {
                    let mut strata: Vec<usize> = (0..n).collect();
                    shuffle(&mut strata, &mut rng);
                    (strata.iter())
                        .map(|&k| (k as f64 + rng.random::<f64>()) / n as f64)
                        .collect()
                }
                _ => (0..n).map(|_| rng.random::<f64>()).collect(),
            };
            positions.into_iter().map(|u| value_at(p, u)).collect()
        })
        .collect();
    (0..n)
        .map(|i| columns.iter().map(|c| c[i].clone()).collect())
        .collect()
}

/// Parameter `p`'s value at position `u` in [0, 1): a number of its range, or one of its
/// values (each an equal share of [0, 1)).
fn value_at(p: &Parameter, u: f64) -> toml::Value {
    match (&p.values, p.min, p.max) {
        (Some(values), _, _) => {
            let k = ((u * values.len() as f64) as usize).min(values.len() - 1);
            values[k].clone()
        }
        (None, Some(lo), Some(hi)) => {
            let x = lo + u * (hi - lo);
            if p.integer {
                toml::Value::Integer(x.round().clamp(lo.ceil(), hi.floor()) as i64)
            } else {
                toml::Value::Float(x)
            }
        }
        _ => unreachable!("checked by SweepFile::check"),
    }
}

/// Fisher–Yates.
fn shuffle(items: &mut [usize], rng: &mut StdRng) {
    for i in (1..items.len()).rev() {
        let j = rng.random_range(0..=i);
        items.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(text: &str) -> SweepFile {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn a_grid_takes_every_combination_the_last_fastest() {
        let s = spec(
            "scenario = \"s.toml\"\n[[parameter]]\nkey = \"a\"\nvalues = [1, 2]\n\
             [[parameter]]\nkey = \"b.c\"\nvalues = [\"x\", \"y\", \"z\"]\n",
        );
        let p = points(&s);
        assert_eq!(p.len(), 6);
        assert_eq!(p[1].sets(), vec!["a=1", "b.c=\"y\""]);
        assert_eq!(p[5].sets(), vec!["a=2", "b.c=\"z\""]);
    }

    /// Each of n strata of every parameter holds exactly one of the n points, and the same
    /// seed draws the same points.
    #[test]
    fn a_latin_hypercube_fills_every_stratum_once() {
        let text = "scenario = \"s.toml\"\n[sampling]\nmethod = \"latin_hypercube\"\nsamples = 8\n\
                    seed = 3\n[[parameter]]\nkey = \"a\"\nmin = 30.0\nmax = 46.0\n\
                    [[parameter]]\nkey = \"n\"\nmin = 0.0\nmax = 80.0\n";
        let p = points(&spec(text));
        assert_eq!(p, points(&spec(text)));
        for (column, (lo, width)) in [(0, (30.0, 2.0)), (1, (0.0, 10.0))] {
            let mut strata: Vec<usize> = (p.iter())
                .map(|q| ((q.values[column].1.as_float().unwrap() - lo) / width) as usize)
                .collect();
            strata.sort_unstable();
            assert_eq!(strata, (0..8).collect::<Vec<_>>());
        }
    }

    #[test]
    fn integer_draws_stay_whole_and_within_their_range() {
        let text = "scenario = \"s.toml\"\n[sampling]\nmethod = \"random\"\nsamples = 50\n\
                    [[parameter]]\nkey = \"overrides.instance_counts.container\"\nmin = 40\n\
                    max = 60\ninteger = true\n";
        for q in points(&spec(text)) {
            let n = q.values[0].1.as_integer().unwrap();
            assert!((40..=60).contains(&n), "{n}");
        }
    }
}
