//! dctwin's desktop app: a finished run's KPIs and time series, played back with a cursor.
//!
//! The app's state ([`app::State`]) is apart from its drawing, and changes only through
//! [`app::Command`]s sent through a channel, so the UI's buttons, the command line and tests
//! drive it alike. The playback clock ([`time_control`]) and the decimation of long series
//! ([`decimate`]) are plain code with their own tests. No physics here: runs are read through the
//! scenario engine's and the series' libraries, like the CLI's.

pub mod app;
pub mod decimate;
pub mod run_data;
pub mod time_control;

pub use app::{App, Command, State};
