//! A live run's values so far, for its plots: each snapshot's time and values (not the whole
//! snapshot, whose racks, KPIs and alarms the plots do not need), thinned evenly past a bound.

use dctwin_scenario::RunSnapshot;
use std::sync::Arc;

/// The most steps the history keeps: past it, every other one is dropped, so a long run keeps
/// an even record of its whole span in bounded memory.
pub const HISTORY_LIMIT: usize = 4096;

/// A live run's values so far.
#[derive(Debug, Default)]
pub struct History {
    /// Simulated time of each [s since the run's start].
    pub time_s: Vec<f64>,
    /// Days since the run's start of each (the plots' time axis).
    pub days: Vec<f64>,
    /// The values of every column at each, in the snapshots' column order.
    pub values: Vec<Arc<[f64]>>,
}

impl History {
    /// Keeps `snapshot`'s values, unless it is the one kept last.
    pub fn push(&mut self, snapshot: &RunSnapshot) {
        if self.time_s.last() == Some(&snapshot.time_s) {
            return;
        }
        if self.values.len() >= HISTORY_LIMIT {
            every_other(&mut self.time_s);
            every_other(&mut self.days);
            every_other(&mut self.values);
        }
        self.time_s.push(snapshot.time_s);
        self.days.push(snapshot.time_s / 86_400.0);
        self.values.push(snapshot.values.as_slice().into());
    }

    /// Column `i` at each step kept.
    pub fn column(&self, i: usize) -> Vec<f64> {
        (self.values.iter())
            .map(|v| v.get(i).copied().unwrap_or(f64::NAN))
            .collect()
    }
}

/// Keeps every other element of `v`, the last among them.
fn every_other<T>(v: &mut Vec<T>) {
    let odd = v.len() % 2;
    let mut i = 0;
    v.retain(|_| {
        i += 1;
        (i + odd).is_multiple_of(2)
    });
}

#[cfg(test)]
mod tests {
    use super::every_other;

    #[test]
    fn every_other_keeps_half_and_always_the_last() {
        let mut even: Vec<u32> = (0..8).collect();
        every_other(&mut even);
        assert_eq!(even, [1, 3, 5, 7]);
        let mut odd: Vec<u32> = (0..7).collect();
        every_other(&mut odd);
        assert_eq!(odd, [0, 2, 4, 6]);
    }
}
