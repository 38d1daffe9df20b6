//! The node system of Newton's method: a symmetric positive definite matrix over the nodes of
//! unknown pressure, its sparsity pattern fixed once (in minimum-degree order), factorised by a
//! sparse LDLᵀ whose symbolic analysis is done once, when the solver is laid out (`ldl.rs`).
//! Rows are grouped by hydraulic group ([`Groups`]): each group is a diagonal block, which can
//! be refactorised and solved alone.

use super::groups::Groups;
use super::ldl::Ldl;
use crate::graph::Network;
use crate::ordering::minimum_degree;
use nalgebra::DVector;
use nalgebra_sparse::pattern::SparsityPattern;
use std::ops::Range;

/// Where a link writes into the matrix: positions in the value array of (i,i), (j,j), (i,j),
/// (j,i), each absent when that node's pressure is fixed.
#[derive(Debug, Clone, Copy, Default)]
pub struct LinkSlots {
    /// Row of the from-node (permuted), if unknown.
    pub row_from: Option<usize>,
    /// Row of the to-node (permuted), if unknown.
    pub row_to: Option<usize>,
    diag_from: Option<usize>,
    diag_to: Option<usize>,
    off_from_to: Option<usize>,
    off_to_from: Option<usize>,
}

/// The node system and its factorisation.
pub struct NodeSystem {
    /// Permuted row of each node, `None` for fixed-pressure nodes.
    pub row_of_node: Vec<Option<usize>>,
    /// Node of each row.
    pub node_of_row: Vec<usize>,
    /// The rows of each hydraulic group (contiguous: the matrix is block diagonal).
    pub group_rows: Vec<Range<usize>>,
    /// Slots of each link.
    pub slots: Vec<LinkSlots>,
    pattern: SparsityPattern,
    /// Matrix values in pattern order.
    pub values: Vec<f64>,
    /// Right-hand side in row order.
    pub rhs: DVector<f64>,
    /// Unknown pressures in row order, after [`NodeSystem::solve`].
    pub solution: DVector<f64>,
    factor: Ldl,
}

/// The node system could not be factorised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotPositiveDefinite;

impl NodeSystem {
    /// Lay out the node system of `network`, whose hydraulic groups are `groups`.
    pub fn new(network: &Network, groups: &Groups) -> NodeSystem {
        let n_nodes = network.node_count();
        let unknown: Vec<usize> = (0..n_nodes)
            .filter(|&n| network.fixed_pressure(n).is_none())
            .collect();
        let mut local = vec![usize::MAX; n_nodes];
        for (k, &n) in unknown.iter().enumerate() {
            local[n] = k;
        }
        let mut adjacency = vec![Vec::new(); unknown.len()];
        for link in &network.links {
            let (a, b) = (local[link.from], local[link.to]);
            if a != usize::MAX && b != usize::MAX {
                adjacency[a].push(b);
                adjacency[b].push(a);
            }
        }
        let group_of = |k: usize| groups.of_loop[network.node_loop[unknown[k]]];
        let mut order = minimum_degree(&adjacency);
        // Group by group, each in its minimum-degree order (elimination never crosses groups,
        // so the fill is the same).
        order.sort_by_key(|&k| group_of(k));
        let mut group_rows = vec![0..0; groups.count];
        for (row, &k) in order.iter().enumerate() {
            let rows = &mut group_rows[group_of(k)];
            if rows.end == 0 {
                rows.start = row;
            }
            rows.end = row + 1;
        }
        let mut row_of_node = vec![None; n_nodes];
        let mut node_of_row = Vec::with_capacity(order.len());
        for (row, &k) in order.iter().enumerate() {
            row_of_node[unknown[k]] = Some(row);
            node_of_row.push(unknown[k]);
        }
        // Column-wise sorted row indices, diagonal included (symmetric pattern).
        let dim = node_of_row.len();
        let mut columns: Vec<Vec<usize>> = (0..dim).map(|r| vec![r]).collect();
        for link in &network.links {
            if let (Some(a), Some(b)) = (row_of_node[link.from], row_of_node[link.to]) {
                columns[a].push(b);
                columns[b].push(a);
            }
        }
        let mut offsets = Vec::with_capacity(dim + 1);
        let mut indices = Vec::new();
        offsets.push(0);
        for col in &mut columns {
            col.sort_unstable();
            col.dedup();
            indices.extend_from_slice(col);
            offsets.push(indices.len());
        }
        let pattern = SparsityPattern::try_from_offsets_and_indices(dim, dim, offsets, indices)
            .expect("a sorted, deduplicated pattern is valid");
        let position = |col: usize, row: usize| -> usize {
            let lane = pattern.lane(col);
            pattern.major_offsets()[col] + lane.binary_search(&row).expect("entry in pattern")
        };
        let slots = network
            .links
            .iter()
            .map(|link| {
                let (rf, rt) = (row_of_node[link.from], row_of_node[link.to]);
                LinkSlots {
                    row_from: rf,
                    row_to: rt,
                    diag_from: rf.map(|r| position(r, r)),
                    diag_to: rt.map(|r| position(r, r)),
                    off_from_to: rf.zip(rt).map(|(a, b)| position(a, b)),
                    off_to_from: rf.zip(rt).map(|(a, b)| position(b, a)),
                }
            })
            .collect();
        let nnz = pattern.nnz();
        let factor = Ldl::analyse(dim, pattern.major_offsets(), pattern.minor_indices());
        NodeSystem {
            row_of_node,
            node_of_row,
            group_rows,
            slots,
            pattern,
            values: vec![0.0; nnz],
            rhs: DVector::zeros(dim),
            solution: DVector::zeros(dim),
            factor,
        }
    }

    /// Number of unknown pressures.
    pub fn dimension(&self) -> usize {
        self.node_of_row.len()
    }

    /// Clear the matrix values of group `g` before its assembly.
    pub fn clear_group_values(&mut self, g: usize) {
        let rows = &self.group_rows[g];
        let offsets = self.pattern.major_offsets();
        self.values[offsets[rows.start]..offsets[rows.end]].fill(0.0);
    }

    /// Clear the right-hand side of group `g` before its assembly.
    pub fn clear_group_rhs(&mut self, g: usize) {
        self.rhs.as_mut_slice()[self.group_rows[g].clone()].fill(0.0);
    }

    /// Factorise group `g`'s block of the assembled matrix, the other blocks' factors kept.
    pub fn factor_group(&mut self, g: usize) -> Result<(), NotPositiveDefinite> {
        (self.factor)
            .factor_block(&self.values, self.group_rows[g].clone())
            .map_err(|_| NotPositiveDefinite)
    }

    /// Solve group `g`'s block with its last factorisation; its rows of
    /// [`NodeSystem::solution`] change, the others stay.
    pub fn solve_group(&mut self, g: usize) {
        let rows = self.group_rows[g].clone();
        let solution = self.solution.as_mut_slice();
        solution[rows.clone()].copy_from_slice(&self.rhs.as_slice()[rows.clone()]);
        self.factor.solve_block(solution, rows);
    }

    /// Add a link of conductance `y` [(kg/s)/Pa] between its nodes.
    pub fn add_conductance(&mut self, link: usize, y: f64) {
        let s = self.slots[link];
        if let Some(p) = s.diag_from {
            self.values[p] += y;
        }
        if let Some(p) = s.diag_to {
            self.values[p] += y;
        }
        if let (Some(a), Some(b)) = (s.off_from_to, s.off_to_from) {
            self.values[a] -= y;
            self.values[b] -= y;
        }
    }

    /// Solve for a new right-hand side with the last factorisation of every group. The result
    /// lands in [`NodeSystem::solution`].
    pub fn solve_factored(&mut self) {
        self.solution.copy_from(&self.rhs);
        self.factor.solve_in_place(self.solution.as_mut_slice());
    }

    /// Rows of `rows` whose diagonal is not positive (nodes with no conducting link): for
    /// diagnosis.
    pub fn empty_rows(&self, rows: Range<usize>) -> Vec<usize> {
        rows.filter(|&r| {
            let lane = self.pattern.lane(r);
            let start = self.pattern.major_offsets()[r];
            let k = lane.binary_search(&r).expect("diagonal present");
            self.values[start + k] <= 0.0
        })
        .collect()
    }
}
