//! Minimum-degree ordering of the node system, to keep the Cholesky factor sparse.
//!
//! Eliminating a node joins all its neighbours (fill-in). Picking, at each step, a node of least
//! current degree is the classic heuristic (Tinney scheme 2; EPANET's GENMMD is a refined
//! version). Cooling networks are nearly trees of branches, where it gives almost no fill.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A permutation `order` such that eliminating nodes in the sequence `order[0], order[1], …`
/// keeps fill-in low. `adjacency[i]` lists the neighbours of node `i` (symmetric, no self loops).
pub fn minimum_degree(adjacency: &[Vec<usize>]) -> Vec<usize> {
    let n = adjacency.len();
    // Sorted neighbour lists: the graphs are sparse, so sorted vectors beat tree sets.
    let mut graph: Vec<Vec<usize>> = adjacency
        .iter()
        .map(|nbrs| {
            let mut v = nbrs.clone();
            v.sort_unstable();
            v.dedup();
            v
        })
        .collect();
    let mut eliminated = vec![false; n];
    let mut heap: BinaryHeap<Reverse<(usize, usize)>> =
        (0..n).map(|i| Reverse((graph[i].len(), i))).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(Reverse((degree, v))) = heap.pop() {
        if eliminated[v] || degree != graph[v].len() {
            continue; // stale entry
        }
        eliminated[v] = true;
        order.push(v);
        let nbrs = std::mem::take(&mut graph[v]);
        for &u in &nbrs {
            remove_sorted(&mut graph[u], v);
        }
        for (k, &u) in nbrs.iter().enumerate() {
            for &w in &nbrs[k + 1..] {
                insert_sorted(&mut graph[u], w);
                insert_sorted(&mut graph[w], u);
            }
        }
        for &u in &nbrs {
            heap.push(Reverse((graph[u].len(), u)));
        }
    }
    order
}

fn remove_sorted(v: &mut Vec<usize>, x: usize) {
    if let Ok(i) = v.binary_search(&x) {
        v.remove(i);
    }
}

fn insert_sorted(v: &mut Vec<usize>, x: usize) {
    if let Err(i) = v.binary_search(&x) {
        v.insert(i, x);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_a_permutation_and_eliminates_the_leaves_of_a_star_first() {
        // Star: centre 0 with 5 leaves; leaves first gives no fill.
        let mut adj = vec![vec![1, 2, 3, 4, 5]];
        adj.extend((1..6).map(|_| vec![0]));
        let order = minimum_degree(&adj);
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..6).collect::<Vec<_>>());
        // The centre goes once at most one leaf is left (a tie with the last leaf).
        let centre = order.iter().position(|&v| v == 0).unwrap();
        assert!(centre >= 4, "{order:?}");
    }
}
