//! What can go wrong when intervals are pushed or a saved report is read back.

use thiserror::Error;

/// An error of the KPI layer. Every message names the interval by its start (ISO 8601, UTC) so a
/// user can find it in the run's series.
#[derive(Debug, Error)]
pub enum KpiError {
    /// A field of an interval is outside what it can physically be (NaN, infinite, negative, a
    /// temperature at or below 0 K, an empty interval).
    #[error("interval starting {start}: field `{field}` is {value}; expected {expected}")]
    InvalidValue {
        /// Start of the interval, ISO 8601 UTC (or the raw number if it is not a time).
        start: String,
        /// Name of the offending field of [`crate::Interval`] or [`crate::KpiSettings`].
        field: &'static str,
        /// The value given.
        value: f64,
        /// What was expected, in words.
        expected: &'static str,
    },
    /// An interval begins before the previous one ends: intervals must come in time order and
    /// must not overlap (gaps are allowed and show up as fewer covered hours).
    #[error(
        "interval starting {start} begins before the previous interval ends ({previous_end}); \
         intervals must be pushed in time order without overlap"
    )]
    Overlap {
        /// Start of the rejected interval, ISO 8601 UTC.
        start: String,
        /// End of the interval pushed before it, ISO 8601 UTC.
        previous_end: String,
    },
    /// A saved KPI report could not be read (serde_json's message gives line and column).
    #[error("reading KPI report JSON: {0}")]
    Json(#[from] serde_json::Error),
}
