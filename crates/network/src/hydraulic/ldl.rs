//! Sparse LDLᵀ factorisation of the node system, with everything that depends only on the
//! sparsity pattern worked out once.
//!
//! The node matrix keeps its pattern for the life of a solver and is refactorised every Newton
//! iteration. So the symbolic work is done when the solver is laid out: the elimination tree
//! and the pattern of L (T. A. Davis, "Algorithm 849: a concise sparse Cholesky factorization
//! package", ACM TOMS 31, 2005), and from them the list of every multiply-subtract the
//! numeric factorisation makes, with the positions it reads and writes. A refactorisation is
//! then a straight pass over that list (right-looking: eliminating column j subtracts
//! a_ij·a_kj/d_j from every pair of its entries), with no searching and no work vectors: on
//! the nearly tree-shaped node systems of cooling networks the list is short, and following it
//! costs a fraction of a general sparse factorisation.
//! LDLᵀ rather than LLᵀ needs no square roots; the matrix is symmetric positive definite, so D > 0.

use std::ops::Range;

/// The symbolic analysis and the numeric factor of one sparsity pattern.
#[derive(Debug, Clone)]
pub struct Ldl {
    /// Start of each column of L in `l_rows` (strictly lower part, rows increasing); column j's
    /// values are `factor[l_offsets[j]..l_offsets[j + 1]]`.
    l_offsets: Vec<usize>,
    /// Row of each stored entry of L.
    l_rows: Vec<usize>,
    /// The factor: L's values by column, then the diagonal D (D[k] at `factor[nnz + k]`).
    factor: Vec<f64>,
    /// (position in `factor`, position in the matrix's value array): where A's entries of the
    /// lower triangle and diagonal start out; the other positions of L (fill) start at zero.
    /// Column by column, column j's at `load[load_offsets[j]..load_offsets[j + 1]]`.
    load: Vec<(usize, usize)>,
    load_offsets: Vec<usize>,
    /// Per column j: offsets into `updates` of the updates eliminating j makes.
    update_offsets: Vec<usize>,
    /// (target, a, b): factor[target] −= factor[a]·factor[b] / d_j, a and b entries of column
    /// j before scaling, the target an entry of a later column or of D.
    updates: Vec<(usize, usize, usize)>,
}

/// A pivot was not positive: the matrix is not positive definite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotPositive;

impl Ldl {
    /// Analyse a symmetric pattern of dimension `n` given column by column: `offsets` (n + 1
    /// entries) and `indices` (sorted rows of each column, the diagonal included), as in a CSC
    /// matrix whose value array the factorisation will read.
    pub fn analyse(n: usize, offsets: &[usize], indices: &[usize]) -> Ldl {
        let column = |k: usize| {
            (offsets[k]..offsets[k + 1]).zip(indices[offsets[k]..offsets[k + 1]].iter().copied())
        };
        let upper: Vec<Vec<usize>> = (0..n)
            .map(|k| column(k).map(|(_, i)| i).filter(|&i| i < k).collect())
            .collect();

        // Elimination tree and column counts (ldl_symbolic).
        const NONE: usize = usize::MAX;
        let mut parent = vec![NONE; n];
        let mut flag = vec![NONE; n];
        let mut column_count = vec![0usize; n];
        for k in 0..n {
            flag[k] = k;
            for &start in &upper[k] {
                let mut i = start;
                while flag[i] != k {
                    if parent[i] == NONE {
                        parent[i] = k;
                    }
                    column_count[i] += 1;
                    flag[i] = k;
                    i = parent[i];
                }
            }
        }
        let mut l_offsets = Vec::with_capacity(n + 1);
        l_offsets.push(0);
        for &c in &column_count {
            l_offsets.push(l_offsets.last().copied().unwrap_or(0) + c);
        }
        let nnz = l_offsets[n];

        // The pattern of L: row k holds the columns reached from A(0..k, k) up the tree. Rows
        // are visited in increasing order, so each column's rows come out sorted.
        let mut filled = vec![0usize; n];
        let mut l_rows = vec![0usize; nnz];
        flag.fill(NONE);
        for k in 0..n {
            flag[k] = k;
            for &start in &upper[k] {
                let mut i = start;
                while flag[i] != k {
                    l_rows[l_offsets[i] + filled[i]] = k;
                    filled[i] += 1;
                    flag[i] = k;
                    i = parent[i];
                }
            }
        }
        let position = |column: usize, row: usize| -> usize {
            let rows = &l_rows[l_offsets[column]..l_offsets[column + 1]];
            l_offsets[column]
                + rows
                    .binary_search(&row)
                    .expect("the elimination fills the pattern of L")
        };

        let mut load = Vec::new();
        let mut load_offsets = vec![0];
        for j in 0..n {
            for (p, i) in column(j) {
                if i == j {
                    load.push((nnz + j, p));
                } else if i > j {
                    load.push((position(j, i), p));
                }
            }
            load_offsets.push(load.len());
        }
        let mut update_offsets = Vec::with_capacity(n + 1);
        let mut updates = Vec::new();
        update_offsets.push(0);
        for j in 0..n {
            let span = l_offsets[j]..l_offsets[j + 1];
            for (a, &ra) in span.clone().zip(&l_rows[span.clone()]) {
                updates.push((nnz + ra, a, a));
                for (b, &rb) in (a + 1..span.end).zip(&l_rows[a + 1..span.end]) {
                    updates.push((position(ra, rb), a, b));
                }
            }
            update_offsets.push(updates.len());
        }
        Ldl {
            l_offsets,
            l_rows,
            factor: vec![0.0; nnz + n],
            load,
            load_offsets,
            update_offsets,
            updates,
        }
    }

    /// Dimension of the matrix.
    pub fn dimension(&self) -> usize {
        self.l_offsets.len() - 1
    }

    /// Factorise the matrix whose values (in the analysed pattern's order) are `values`.
    pub fn factor(&mut self, values: &[f64]) -> Result<(), NotPositive> {
        self.factor_block(values, 0..self.dimension())
    }

    /// Refactorise the diagonal block of `columns` alone, the rest of the factor kept. Exact
    /// when no entry of the matrix joins these columns to others (a block of a block-diagonal
    /// matrix: the hydraulic group of a loop coupled to the others by heat only): elimination
    /// then never leaves the block.
    pub fn factor_block(
        &mut self,
        values: &[f64],
        columns: Range<usize>,
    ) -> Result<(), NotPositive> {
        let nnz = self.l_rows.len();
        let f = &mut self.factor;
        f[self.l_offsets[columns.start]..self.l_offsets[columns.end]].fill(0.0);
        f[nnz + columns.start..nnz + columns.end].fill(0.0);
        let loads = self.load_offsets[columns.start]..self.load_offsets[columns.end];
        for &(target, source) in &self.load[loads] {
            f[target] = values[source];
        }
        for j in columns {
            let d = f[nnz + j];
            if !(d > 0.0 && d.is_finite()) {
                return Err(NotPositive);
            }
            let inverse = 1.0 / d;
            for &(target, a, b) in &self.updates[self.update_offsets[j]..self.update_offsets[j + 1]]
            {
                f[target] -= f[a] * f[b] * inverse;
            }
            for l in &mut f[self.l_offsets[j]..self.l_offsets[j + 1]] {
                *l *= inverse;
            }
        }
        Ok(())
    }

    /// Solve A x = b in place (`x` holds b on entry), with the last factorisation.
    pub fn solve_in_place(&self, x: &mut [f64]) {
        self.solve_block(x, 0..self.dimension());
    }

    /// Solve the diagonal block `block` alone (see [`Ldl::factor_block`]): `x`'s entries
    /// in that range hold its right-hand side on entry and its solution on return; the others
    /// are left alone.
    pub fn solve_block(&self, x: &mut [f64], block: Range<usize>) {
        let (l, d) = self.factor.split_at(self.l_rows.len());
        let columns = self.l_offsets[block.start..=block.end].windows(2);
        for (j, span) in block.clone().zip(columns.clone()) {
            let xj = x[j];
            if xj != 0.0 {
                let (rows, ls) = (&self.l_rows[span[0]..span[1]], &l[span[0]..span[1]]);
                for (&r, &lr) in rows.iter().zip(ls) {
                    x[r] -= lr * xj;
                }
            }
        }
        for (xj, dj) in x[block.clone()].iter_mut().zip(&d[block.clone()]) {
            *xj /= dj;
        }
        for (j, span) in block.clone().zip(columns).rev() {
            let (rows, ls) = (&self.l_rows[span[0]..span[1]], &l[span[0]..span[1]]);
            let sum: f64 = rows.iter().zip(ls).map(|(&r, &lr)| lr * x[r]).sum();
            x[j] -= sum;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::{DMatrix, DVector};

    /// A symmetric positive definite matrix with the pattern of a grid graph plus some long
    /// links (fill-in), stored as CSC: a weighted Laplacian with a positive shift on a few nodes.
    fn grid(width: usize, height: usize) -> (usize, Vec<usize>, Vec<usize>, Vec<f64>) {
        let n = width * height;
        let mut dense = DMatrix::<f64>::zeros(n, n);
        let mut link = |a: usize, b: usize, y: f64| {
            dense[(a, a)] += y;
            dense[(b, b)] += y;
            dense[(a, b)] -= y;
            dense[(b, a)] -= y;
        };
        for r in 0..height {
            for c in 0..width {
                let i = r * width + c;
                let w = 1.0 + ((i * 7919) % 13) as f64;
                if c + 1 < width {
                    link(i, i + 1, w);
                }
                if r + 1 < height {
                    link(i, i + width, 0.5 * w);
                }
            }
        }
        link(0, n - 1, 3.0);
        link(width, n / 2, 0.7);
        for i in (0..n).step_by(5) {
            dense[(i, i)] += 0.25;
        }
        let (offsets, indices, values) = csc(&dense);
        (n, offsets, indices, values)
    }

    #[test]
    fn solves_like_a_dense_cholesky_and_refactorises_new_values() {
        let (n, offsets, indices, mut values) = grid(6, 5);
        let mut ldl = Ldl::analyse(n, &offsets, &indices);
        for round in 0..3 {
            ldl.factor(&values).expect("positive definite");
            let dense = dense_of(n, &offsets, &indices, &values);
            let b = DVector::from_fn(n, |i, _| (i as f64 * 0.37).sin() + round as f64);
            let exact = dense.clone().cholesky().expect("SPD").solve(&b);
            let mut x: Vec<f64> = b.iter().copied().collect();
            ldl.solve_in_place(&mut x);
            for i in 0..n {
                assert!(
                    (x[i] - exact[i]).abs() <= 1e-12 * exact.amax(),
                    "round {round}, x[{i}] {} vs {}",
                    x[i],
                    exact[i]
                );
            }
            // New values on the same pattern, still symmetric and positive definite.
            for c in 0..n {
                for p in offsets[c]..offsets[c + 1] {
                    let r = indices[p];
                    values[p] *= 1.0 + 0.1 * ((r + c) % 3) as f64;
                    if r == c {
                        values[p] += 10.0;
                    }
                }
            }
        }
    }

    /// CSC of a dense matrix, zeros left out.
    fn csc(dense: &DMatrix<f64>) -> (Vec<usize>, Vec<usize>, Vec<f64>) {
        let (mut offsets, mut indices, mut values) = (vec![0], Vec::new(), Vec::new());
        for c in 0..dense.ncols() {
            for r in 0..dense.nrows() {
                if dense[(r, c)] != 0.0 {
                    indices.push(r);
                    values.push(dense[(r, c)]);
                }
            }
            offsets.push(indices.len());
        }
        (offsets, indices, values)
    }

    fn dense_of(n: usize, offsets: &[usize], indices: &[usize], values: &[f64]) -> DMatrix<f64> {
        let mut dense = DMatrix::<f64>::zeros(n, n);
        for c in 0..n {
            for p in offsets[c]..offsets[c + 1] {
                dense[(indices[p], c)] = values[p];
            }
        }
        dense
    }

    #[test]
    fn refactorises_and_solves_one_block_of_a_block_diagonal_matrix() {
        let (n1, o1, i1, v1) = grid(4, 3);
        let (n2, o2, i2, v2) = grid(3, 3);
        let n = n1 + n2;
        let mut dense = DMatrix::<f64>::zeros(n, n);
        dense
            .view_mut((0, 0), (n1, n1))
            .copy_from(&dense_of(n1, &o1, &i1, &v1));
        dense
            .view_mut((n1, n1), (n2, n2))
            .copy_from(&dense_of(n2, &o2, &i2, &v2));
        let (offsets, indices, mut values) = csc(&dense);
        let mut ldl = Ldl::analyse(n, &offsets, &indices);
        ldl.factor(&values).expect("positive definite");
        // The second block's values move; only it is refactorised.
        for c in n1..n {
            for p in offsets[c]..offsets[c + 1] {
                values[p] *= if indices[p] == c { 1.7 } else { 1.3 };
            }
        }
        ldl.factor_block(&values, n1..n).expect("positive definite");
        let moved = dense_of(n, &offsets, &indices, &values);
        let b = DVector::from_fn(n, |i, _| (i as f64 * 0.61).cos());
        let exact = moved.clone().cholesky().expect("SPD").solve(&b);
        let mut x: Vec<f64> = b.iter().copied().collect();
        ldl.solve_block(&mut x, 0..n1);
        ldl.solve_block(&mut x, n1..n);
        for i in 0..n {
            assert!(
                (x[i] - exact[i]).abs() <= 1e-12 * exact.amax(),
                "x[{i}] {} vs {}",
                x[i],
                exact[i]
            );
        }
        // Solving one block leaves the other's entries alone.
        let mut y = vec![f64::NAN; n];
        y[n1..].copy_from_slice(&b.as_slice()[n1..]);
        ldl.solve_block(&mut y, n1..n);
        assert!(y[..n1].iter().all(|v| v.is_nan()));
        assert!((n1..n).all(|i| (y[i] - exact[i]).abs() <= 1e-12 * exact.amax()));
    }

    #[test]
    fn refuses_a_matrix_that_is_not_positive_definite() {
        // [[1, 2], [2, 1]] has eigenvalues 3 and −1.
        let mut ldl = Ldl::analyse(2, &[0, 2, 4], &[0, 1, 0, 1]);
        assert_eq!(ldl.factor(&[1.0, 2.0, 2.0, 1.0]), Err(NotPositive));
        // A good matrix factorises afterwards.
        ldl.factor(&[2.0, 1.0, 1.0, 2.0])
            .expect("positive definite");
        let mut x = [3.0, 3.0];
        ldl.solve_in_place(&mut x);
        assert!((x[0] - 1.0).abs() < 1e-15 && (x[1] - 1.0).abs() < 1e-15);
    }
}
