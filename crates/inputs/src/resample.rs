//! Sampling a trace onto the simulation's grid.
//!
//! A trace is a sequence of samples at ascending interval starts t₀ < t₁ < … < tₙ₋₁; sample i
//! holds over [tᵢ, tᵢ₊₁) and the last over [tₙ₋₁, `end_s`) (its start plus the trace's spacing).
//! Three ways to read it on a grid step [g, g + h):
//! * `mean`: the exact time average of that step function over the step, so energy is kept
//!   whatever the two resolutions (a 15-min power trace on a 60-min grid, or the reverse);
//! * `hold`: the value of the sample whose interval holds g (a setpoint, a state);
//! * `linear`: straight lines between the samples' starts, read at g; after the last start the
//!   last value holds (temperatures, which are not conserved quantities).

use serde::Deserialize;

/// How a column is read on the grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Resample {
    /// Time average over each grid step (default for power, flows, fractions).
    Mean,
    /// Value in force at each step's start.
    Hold,
    /// Linear interpolation at each step's start (default for temperatures).
    Linear,
}

/// Samples on their interval starts, all valid (gaps already filled), ascending.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Samples {
    /// Interval starts [s since the epoch], strictly ascending.
    pub t: Vec<f64>,
    /// Values [SI].
    pub v: Vec<f64>,
    /// End of the last sample's interval [s].
    pub end_s: f64,
}

impl Samples {
    /// Index of the sample whose interval holds `x` (clamped to the first/last).
    fn index_at(&self, x: f64) -> usize {
        self.t.partition_point(|&t| t <= x).saturating_sub(1)
    }

    /// End of sample `i`'s interval.
    fn interval_end(&self, i: usize) -> f64 {
        self.t.get(i + 1).copied().unwrap_or(self.end_s)
    }

    /// Time average over [a, b) of the step function (b > a, inside the covered span).
    pub fn mean(&self, a: f64, b: f64) -> f64 {
        let mut i = self.index_at(a);
        let mut integral = 0.0;
        while i < self.t.len() && self.t[i] < b {
            let overlap = self.interval_end(i).min(b) - self.t[i].max(a);
            if overlap > 0.0 {
                integral += self.v[i] * overlap;
            }
            i += 1;
        }
        integral / (b - a)
    }

    /// Value in force at `x`.
    pub fn hold(&self, x: f64) -> f64 {
        self.v[self.index_at(x)]
    }

    /// Linear interpolation at `x` between the samples' starts; the last value after the last
    /// start.
    pub fn linear(&self, x: f64) -> f64 {
        let i = self.index_at(x);
        match self.t.get(i + 1) {
            Some(&t1) if x > self.t[i] => {
                let w = (x - self.t[i]) / (t1 - self.t[i]);
                self.v[i] + w * (self.v[i + 1] - self.v[i])
            }
            _ => self.v[i],
        }
    }

    /// The value on the step [a, a + h) by `how`.
    pub fn on_step(&self, how: Resample, a: f64, h: f64) -> f64 {
        match how {
            Resample::Mean => self.mean(a, a + h),
            Resample::Hold => self.hold(a),
            Resample::Linear => self.linear(a),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s() -> Samples {
        Samples {
            t: vec![0.0, 10.0, 20.0],
            v: vec![1.0, 3.0, 7.0],
            end_s: 30.0,
        }
    }

    #[test]
    fn mean_hold_linear() {
        let s = s();
        assert_eq!(s.mean(0.0, 30.0), 11.0 / 3.0);
        assert_eq!(s.mean(5.0, 15.0), 2.0);
        assert_eq!(s.mean(12.0, 14.0), 3.0);
        assert_eq!(s.hold(19.999), 3.0);
        assert_eq!(s.linear(15.0), 5.0);
        assert_eq!(s.linear(25.0), 7.0);
    }
}
