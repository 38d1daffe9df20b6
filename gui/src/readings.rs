//! The values the app shows at its cursor, by series column name, whether they come from a
//! finished run's series (the row at the cursor) or from a live run's latest snapshot.

use crate::run_data::RunData;
use dctwin_scenario::RunSnapshot;
use std::collections::HashMap;

/// Where the values at the cursor come from.
#[derive(Clone, Copy)]
pub enum Readings<'a> {
    /// A finished run at one row of its series.
    Row(&'a RunData, usize),
    /// A live run's latest snapshot, with the position of each of its columns.
    Live(&'a RunSnapshot, &'a HashMap<String, usize>),
}

impl Readings<'_> {
    /// The value of column `name`, if the run has it (and, for a finished run, it was read).
    pub fn get(&self, name: &str) -> Option<f64> {
        match *self {
            Readings::Row(run, row) => run.value(name, row),
            Readings::Live(snapshot, index) => snapshot.values.get(*index.get(name)?).copied(),
        }
    }
}

/// The position of each of a snapshot's columns (the same for every snapshot of a run).
pub fn index_of(snapshot: &RunSnapshot) -> HashMap<String, usize> {
    (snapshot.columns.iter().enumerate())
        .map(|(i, name)| (name.clone(), i))
        .collect()
}
