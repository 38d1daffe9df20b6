//! Names chosen by a pattern, where `*` stands for any text: the series columns a scenario
//! writes, the components an input sets.

/// Whether `name` matches `pattern`, where `*` stands for any text (also none).
pub fn matches(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, rest) = parts.split_first().expect("split gives at least one part");
    let Some(mut remaining) = name.strip_prefix(first) else {
        return false;
    };
    let Some((last, middle)) = rest.split_last() else {
        return remaining.is_empty();
    };
    for part in middle {
        match remaining.find(part) {
            Some(at) => remaining = &remaining[at + part.len()..],
            None => return false,
        }
    }
    remaining.len() >= last.len() && remaining.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_with_stars() {
        assert!(matches("it_power_kw", "it_power_kw"));
        assert!(!matches("it_power_kw", "it_power_kw2"));
        assert!(matches("*.supply_c", "container[3].cdu.supply_c"));
        assert!(!matches("*.supply_c", "container[3].cdu.supply_c.x"));
        assert!(matches("container[1*].*_c", "container[12].cdu.supply_c"));
        assert!(!matches("container[1*].*_c", "container[2].cdu.supply_c"));
        assert!(matches("*", "anything"));
        assert!(matches("a*a", "aa"));
        assert!(!matches("a*a", "a"));
    }
}
