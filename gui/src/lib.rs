//! dctwin's desktop app: run a scenario and watch it, or open a finished run and play it back.
//!
//! The app's [`State`] is apart from its drawing ([`view`]) and changes only through
//! [`Command`]s sent through a channel, so the UI's buttons, the command line and tests drive it
//! alike. A scenario runs on a worker thread ([`live_run`]) that publishes immutable snapshots
//! into a "latest" slot; the app takes the newest each frame and neither waits on the other.
//! A finished run opens from its files ([`run_data`]) without simulating. The playback clock
//! ([`time_control`]) and the decimation of long series ([`decimate`]) are plain code with their
//! own tests. No physics here: the app reads what the scenario engine computed, by column name.

pub mod app;
pub mod decimate;
pub mod export;
pub mod history;
pub mod live_run;
pub mod loading;
pub mod measure;
pub mod quantity;
pub mod readings;
pub mod recent;
pub mod run_data;
pub mod state;
pub mod time_control;
pub mod view;

pub use app::App;
pub use state::{Command, State};
