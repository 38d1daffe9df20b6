//! How the app draws its state. Each view reads the [`State`](crate::State) and asks for
//! changes by sending [`Command`](crate::Command)s; none changes the state itself.

pub mod alarms;
pub mod colour;
pub mod kpis;
pub mod open_bar;
pub mod playback;
pub mod plots;
pub mod recorded;
pub mod schematic;
pub mod what_if;

use crate::state::Command;
use std::sync::mpsc::Sender;

/// Sends a command to the app. The app owns the receiver for as long as it draws, so a send
/// cannot fail while a view runs.
pub fn send(to: &Sender<Command>, command: Command) {
    let _ = to.send(command);
}
