//! Anderson acceleration of a fixed-point iteration x ← g(x).
//!
//! The heat consumers' flows are such an iteration: a consumer's flow sets the flows in the
//! supply pipes, their heat loss sets the supply temperature, and that sets the consumer's flow
//! again. Plain substitution converges linearly (by a factor of about 20 per round on district
//! networks, the ratio of the pipes' temperature drop to the consumers' ΔT). Anderson's method
//! (Walker & Ni, SIAM J. Numer. Anal. 49, 2011) combines the last few rounds like a multi-secant
//! method and needs about half the rounds.

use nalgebra::{DMatrix, DVector};

/// Rounds combined. Two or three is the usual choice; more adds little and risks ill-conditioning.
pub const DEPTH: usize = 3;

/// History of the iteration: the last values of g(x) and of the residuals g(x) − x.
#[derive(Debug, Clone, Default)]
pub struct Anderson {
    g: Vec<Vec<f64>>,
    f: Vec<Vec<f64>>,
}

impl Anderson {
    /// Forget the history (after a jump in the iteration, e.g. a status change).
    pub fn reset(&mut self) {
        self.g.clear();
        self.f.clear();
    }

    /// Given x and g(x), return the next x. Falls back to plain substitution (next x = g(x))
    /// while the history is empty, when the residual grew, or when the combination is
    /// ill-conditioned.
    pub fn next(&mut self, x: &[f64], g: &[f64]) -> Vec<f64> {
        let f: Vec<f64> = g.iter().zip(x).map(|(g, x)| g - x).collect();
        if let Some(last) = self.f.last()
            && norm(&f) > norm(last)
        {
            self.reset();
        }
        self.g.push(g.to_vec());
        self.f.push(f);
        if self.g.len() > DEPTH + 1 {
            self.g.remove(0);
            self.f.remove(0);
        }
        self.combine().unwrap_or_else(|| g.to_vec())
    }

    /// x = g_k − ΔG γ with γ minimising |f_k − ΔF γ|.
    fn combine(&self) -> Option<Vec<f64>> {
        let k = self.f.len();
        if k < 2 {
            return None;
        }
        let n = self.f[0].len();
        let columns = k - 1;
        let delta_f = DMatrix::from_fn(n, columns, |r, c| self.f[c + 1][r] - self.f[c][r]);
        let f_k = DVector::from_column_slice(&self.f[k - 1]);
        let normal = delta_f.transpose() * &delta_f;
        // A tiny Tikhonov term keeps nearly parallel differences from blowing γ up.
        let scale = normal.diagonal().max();
        if scale <= 0.0 || !scale.is_finite() {
            return None;
        }
        let regularised = normal + DMatrix::identity(columns, columns) * (1e-12 * scale);
        let gamma = regularised.cholesky()?.solve(&(delta_f.transpose() * f_k));
        let mut x = self.g[k - 1].clone();
        for (c, &gc) in gamma.iter().enumerate() {
            for (r, xr) in x.iter_mut().enumerate() {
                *xr -= gc * (self.g[c + 1][r] - self.g[c][r]);
            }
        }
        x.iter().all(|v| v.is_finite()).then_some(x)
    }
}

fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A linear contraction x ← A x + b with spectral radius 0.6: Anderson with depth ≥ n solves
    /// it exactly in n + 1 rounds (it is GMRES in disguise), substitution needs ~40 rounds.
    #[test]
    fn solves_a_linear_contraction_in_few_rounds() {
        let a = [[0.5, 0.1], [-0.2, 0.4]];
        let b = [1.0, 2.0];
        let g = |x: &[f64]| -> Vec<f64> {
            (0..2)
                .map(|i| a[i][0] * x[0] + a[i][1] * x[1] + b[i])
                .collect()
        };
        // Exact fixed point of (I − A) x = b.
        let det = (1.0 - a[0][0]) * (1.0 - a[1][1]) - a[0][1] * a[1][0];
        let exact = [
            ((1.0 - a[1][1]) * b[0] + a[0][1] * b[1]) / det,
            (a[1][0] * b[0] + (1.0 - a[0][0]) * b[1]) / det,
        ];
        let mut anderson = Anderson::default();
        let mut x = vec![0.0, 0.0];
        for _ in 0..4 {
            let gx = g(&x);
            x = anderson.next(&x, &gx);
        }
        assert!((x[0] - exact[0]).abs() < 1e-10, "{x:?} vs {exact:?}");
        assert!((x[1] - exact[1]).abs() < 1e-10, "{x:?} vs {exact:?}");
    }

    #[test]
    fn first_round_is_plain_substitution() {
        let mut anderson = Anderson::default();
        assert_eq!(anderson.next(&[1.0], &[3.0]), vec![3.0]);
    }
}
