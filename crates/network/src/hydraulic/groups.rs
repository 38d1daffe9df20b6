//! Hydraulic groups: loops joined by mass, whose flows are one system of equations. Loops
//! coupled only by heat (a CDU's two sides) are separate groups: their node systems are
//! independent blocks, so Newton can stop iterating a group that has settled while another is
//! still moving (a facility loop whose valves moved while fifty container loops held their flows).

use crate::graph::Network;

/// Which group each loop belongs to.
#[derive(Debug, Clone)]
pub struct Groups {
    /// Group of each loop (0..count).
    pub of_loop: Vec<usize>,
    /// Number of groups.
    pub count: usize,
    /// The links of each group, in index order.
    pub links: Vec<Vec<usize>>,
}

impl Groups {
    /// The groups of `network`: loops joined by a link with its ends in both.
    pub fn new(network: &Network) -> Groups {
        let mut parent: Vec<usize> = (0..network.loops.len()).collect();
        for link in &network.links {
            let ends = [
                network.node_loop[link.from],
                network.node_loop[link.to],
                link.loop_index,
            ];
            for pair in ends.windows(2) {
                let (a, b) = (root(&mut parent, pair[0]), root(&mut parent, pair[1]));
                if a != b {
                    parent[a.max(b)] = a.min(b);
                }
            }
        }
        let mut index_of_root = vec![usize::MAX; parent.len()];
        let mut count = 0;
        let of_loop: Vec<usize> = (0..parent.len())
            .map(|l| {
                let r = root(&mut parent, l);
                if index_of_root[r] == usize::MAX {
                    index_of_root[r] = count;
                    count += 1;
                }
                index_of_root[r]
            })
            .collect();
        let mut links = vec![Vec::new(); count];
        for (l, link) in network.links.iter().enumerate() {
            links[of_loop[link.loop_index]].push(l);
        }
        Groups {
            of_loop,
            count,
            links,
        }
    }
}

/// The representative of `i`'s set, halving the path on the way.
fn root(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hydraulic::fixtures::{TWO_LOOPS, network};

    #[test]
    fn loops_without_a_shared_link_are_separate_groups() {
        let groups = Groups::new(&network(TWO_LOOPS));
        assert_eq!(groups.count, 2);
        assert_ne!(groups.of_loop[0], groups.of_loop[1]);
        assert_eq!(groups.links, vec![vec![0, 1, 2], vec![3, 4, 5]]);
    }

    #[test]
    fn a_link_between_two_loops_joins_them() {
        let mut net = network(TWO_LOOPS);
        let b2 = net.node_index("b2").unwrap();
        // Re-route loop a's pipe into loop b's node: the loops now exchange water.
        let l = net.link_index("a.pipe").unwrap();
        net.links[l].to = b2;
        let groups = Groups::new(&net);
        assert_eq!(groups.count, 1);
        assert_eq!(groups.of_loop, vec![0, 0]);
    }
}
