//! Compensated (Neumaier) summation, so a year of 60 s steps (525 600 terms) sums to within a
//! rounding or two of the exact total instead of drifting by n·ε.

/// A running sum that carries the low-order bits lost at each addition.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Sum {
    sum: f64,
    compensation: f64,
}

impl Sum {
    /// Adds `x` (Neumaier's variant of Kahan summation: also exact when |x| > |sum|).
    pub(crate) fn add(&mut self, x: f64) {
        let t = self.sum + x;
        if self.sum.abs() >= x.abs() {
            self.compensation += (self.sum - t) + x;
        } else {
            self.compensation += (x - t) + self.sum;
        }
        self.sum = t;
    }

    /// The compensated total.
    pub(crate) fn value(&self) -> f64 {
        self.sum + self.compensation
    }
}

#[cfg(test)]
mod tests {
    use super::Sum;

    #[test]
    fn recovers_what_naive_summation_loses() {
        // 1 + 1e-16 a million times: naive summation stays at 1 (each 1e-16 is below half an
        // ulp of 1); the exact answer is 1 + 1e-10.
        let mut s = Sum::default();
        s.add(1.0);
        for _ in 0..1_000_000 {
            s.add(1e-16);
        }
        assert!((s.value() - (1.0 + 1e-10)).abs() < 1e-15);
    }
}
