//! Anderson acceleration of a fixed-point iteration x ← g(x).
//!
//! The heat consumers' flows are such an iteration: a consumer's flow sets the flows in the
//! supply pipes, their heat loss sets the supply temperature, and that sets the consumer's flow
//! again. Plain substitution converges linearly (by a factor of about 20 per round on district
//! networks, the ratio of the pipes' temperature drop to the consumers' ΔT). Anderson's method
//! (Walker & Ni, SIAM J. Numer. Anal. 49, 2011) combines the last few rounds like a multi-secant
//! method and needs about half the rounds.

/// Rounds combined. Two or three is the usual choice; more adds little and risks ill-conditioning.
pub const DEPTH: usize = 3;

/// History of the iteration: the differences of the last rounds' residuals f = g(x) − x and
/// values g(x), and the last round's f and g. The buffers are kept between solves, so an
/// iteration allocates nothing once they have grown.
#[derive(Debug, Clone, Default)]
pub struct Anderson {
    /// Columns ΔF and ΔG, oldest first; the first `columns` are in use.
    delta_f: Vec<Vec<f64>>,
    delta_g: Vec<Vec<f64>>,
    columns: usize,
    /// The last round's f and g, when `has_last`.
    f_last: Vec<f64>,
    g_last: Vec<f64>,
    has_last: bool,
    /// This round's f (work array).
    f_now: Vec<f64>,
}

impl Anderson {
    /// Forget the history (after a jump in the iteration, e.g. a status change).
    pub fn reset(&mut self) {
        self.columns = 0;
        self.has_last = false;
    }

    /// Start a new iteration on a map that has moved a little (the next step of a time loop):
    /// keep the differences, which describe how g responds to x and still hold nearly, but not
    /// the last point, which belongs to the old map. The first round of the new iteration then
    /// already takes a multi-secant step instead of plain substitution.
    pub fn restart(&mut self) {
        self.has_last = false;
    }

    /// Given x and g(x), return the next x. Falls back to plain substitution (next x = g(x))
    /// while the history is empty, when the residual grew, or when the combination is
    /// ill-conditioned.
    pub fn next(&mut self, x: &[f64], g: &[f64]) -> Vec<f64> {
        let mut out = Vec::new();
        self.next_into(x, g, &mut out);
        out
    }

    /// As [`Anderson::next`], writing the next x into `out`.
    pub fn next_into(&mut self, x: &[f64], g: &[f64], out: &mut Vec<f64>) {
        self.f_now.clear();
        self.f_now.extend(g.iter().zip(x).map(|(g, x)| g - x));
        if self.has_last && (self.f_last.len() != g.len() || norm(&self.f_now) > norm(&self.f_last))
        {
            self.reset();
        }
        if self.columns > 0 && self.delta_f[0].len() != g.len() {
            self.reset();
        }
        if self.has_last {
            if self.columns == DEPTH {
                self.delta_f.rotate_left(1);
                self.delta_g.rotate_left(1);
                self.columns -= 1;
            }
            if self.delta_f.len() == self.columns {
                self.delta_f.push(Vec::with_capacity(g.len()));
                self.delta_g.push(Vec::with_capacity(g.len()));
            }
            let (df, dg) = (
                &mut self.delta_f[self.columns],
                &mut self.delta_g[self.columns],
            );
            df.clear();
            df.extend(self.f_now.iter().zip(&self.f_last).map(|(a, b)| a - b));
            dg.clear();
            dg.extend(g.iter().zip(&self.g_last).map(|(a, b)| a - b));
            self.columns += 1;
        }
        std::mem::swap(&mut self.f_last, &mut self.f_now);
        self.g_last.clear();
        self.g_last.extend_from_slice(g);
        self.has_last = true;
        if !self.combine(g, out) {
            out.clear();
            out.extend_from_slice(g);
        }
    }

    /// x = g − ΔG γ with γ minimising |f − ΔF γ| (f, g this round's), into `out`; false if
    /// there is no combination to make (no history, degenerate or non-finite).
    fn combine(&self, g: &[f64], out: &mut Vec<f64>) -> bool {
        let columns = self.columns;
        if columns == 0 {
            return false;
        }
        let (df, dg, f) = (
            &self.delta_f[..columns],
            &self.delta_g[..columns],
            &self.f_last,
        );
        // Normal equations ΔFᵀΔF γ = ΔFᵀ f, at most DEPTH × DEPTH.
        let mut normal = [[0.0f64; DEPTH]; DEPTH];
        let mut rhs = [0.0f64; DEPTH];
        for a in 0..columns {
            for b in 0..=a {
                let dot: f64 = df[a].iter().zip(&df[b]).map(|(x, y)| x * y).sum();
                normal[a][b] = dot;
                normal[b][a] = dot;
            }
            rhs[a] = df[a].iter().zip(f).map(|(x, y)| x * y).sum();
        }
        // A tiny Tikhonov term keeps nearly parallel differences from blowing γ up.
        let scale = (0..columns).map(|c| normal[c][c]).fold(f64::MIN, f64::max);
        if scale <= 0.0 || !scale.is_finite() {
            return false;
        }
        for (c, row) in normal.iter_mut().enumerate().take(columns) {
            row[c] += 1e-12 * scale;
        }
        let Some(gamma) = cholesky_solve(&normal, &rhs, columns) else {
            return false;
        };
        out.clear();
        out.extend_from_slice(g);
        for (column, &gc) in dg.iter().zip(&gamma) {
            for (xr, d) in out.iter_mut().zip(column) {
                *xr -= gc * d;
            }
        }
        out.iter().all(|v| v.is_finite())
    }
}

/// Solve the leading `n` × `n` block of a symmetric positive definite system by Cholesky;
/// `None` if a pivot is not positive.
fn cholesky_solve(a: &[[f64; DEPTH]; DEPTH], b: &[f64; DEPTH], n: usize) -> Option<[f64; DEPTH]> {
    let mut l = [[0.0f64; DEPTH]; DEPTH];
    for i in 0..n {
        for j in 0..=i {
            let s = a[i][j] - (0..j).map(|k| l[i][k] * l[j][k]).sum::<f64>();
            if i == j {
                if s.is_nan() || s <= 0.0 {
                    return None;
                }
                l[i][i] = s.sqrt();
            } else {
                l[i][j] = s / l[j][j];
            }
        }
    }
    let mut y = [0.0f64; DEPTH];
    for i in 0..n {
        y[i] = (b[i] - (0..i).map(|k| l[i][k] * y[k]).sum::<f64>()) / l[i][i];
    }
    let mut x = [0.0f64; DEPTH];
    for i in (0..n).rev() {
        x[i] = (y[i] - (i + 1..n).map(|k| l[k][i] * x[k]).sum::<f64>()) / l[i][i];
    }
    Some(x)
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
