//! A template's instances reported together: under its name with the indices starred, counted,
//! at the instance that matters most.

/// Items gathered under their keys, in the order the keys first come: each key's count and its
/// worst item (`worse(a, b)`: `a` is worse than `b`; a tie keeps the first).
pub fn gather<K: PartialEq, T>(
    items: impl IntoIterator<Item = (K, T)>,
    worse: impl Fn(&T, &T) -> bool,
) -> Vec<(K, usize, T)> {
    let mut out: Vec<(K, usize, T)> = Vec::new();
    for (key, item) in items {
        match out.iter_mut().find(|g| g.0 == key) {
            Some(g) => {
                g.1 += 1;
                if worse(&item, &g.2) {
                    g.2 = item;
                }
            }
            None => out.push((key, 1, item)),
        }
    }
    out
}

/// A template instance's name with its indices starred: `container[17].branch` →
/// `container[*].branch`.
pub fn generic_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut inside = false;
    for ch in name.chars() {
        match (ch, inside) {
            ('[', _) => {
                inside = true;
                out.push_str("[*");
            }
            (']', _) => {
                inside = false;
                out.push(']');
            }
            (_, true) => {}
            (c, false) => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instances_gather_at_their_worst() {
        let items = [("a", 1), ("b", 5), ("a", 3), ("a", 2)];
        let groups = gather(items, |x, y| x > y);
        assert_eq!(groups, vec![("a", 3, 3), ("b", 1, 5)]);
    }

    #[test]
    fn template_indices_are_starred() {
        assert_eq!(
            generic_name("container[17].rack[3].valve"),
            "container[*].rack[*].valve"
        );
        assert_eq!(generic_name("plant.pump"), "plant.pump");
    }
}
