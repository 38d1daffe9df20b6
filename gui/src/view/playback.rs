//! The playback bar of a finished run: play or pause, speed, loop, the time slider, and the plotted
//! value at the cursor.

use super::send;
use crate::state::{Command, State};
use eframe::egui;
use std::sync::mpsc::Sender;

/// Playback speeds offered [simulated s per wall s], with their names.
const SPEEDS: [(f64, &str); 4] = [
    (3600.0, "1 h/s"),
    (86_400.0, "1 day/s"),
    (7.0 * 86_400.0, "1 week/s"),
    (30.0 * 86_400.0, "1 month/s"),
];

/// Draws the bar.
pub fn show(ui: &mut egui::Ui, state: &State, to: &Sender<Command>) {
    let Some(time) = &state.time else { return };
    let (mut t, end, playing) = (time.time_s(), time.end_s(), time.is_playing());
    ui.horizontal(|ui| {
        if ui.button(if playing { "Pause" } else { "Play" }).clicked() {
            send(
                to,
                if playing {
                    Command::Pause
                } else {
                    Command::Play
                },
            );
        }
        let speed = time.speed();
        let name = (SPEEDS.iter())
            .find(|(s, _)| *s == speed)
            .map_or_else(|| format!("{speed:.0} s/s"), |(_, n)| n.to_string());
        egui::ComboBox::from_label("speed")
            .selected_text(name)
            .show_ui(ui, |ui| {
                for (s, n) in SPEEDS {
                    if ui.selectable_label(s == speed, n).clicked() {
                        send(to, Command::Speed(s));
                    }
                }
            });
        let mut looping = time.is_looping();
        if ui.checkbox(&mut looping, "loop").changed() {
            send(to, Command::Looping(looping));
        }
        // The slider takes the bar's width, less room for the value read at the cursor.
        ui.spacing_mut().slider_width = (ui.available_width() - 420.0).max(150.0);
        let slider = egui::Slider::new(&mut t, 0.0..=end.max(1.0))
            .text("time, s")
            .show_value(false);
        if ui.add(slider).changed() {
            send(to, Command::Seek(t));
        }
        if let (Some(readings), Some(name)) = (state.readings(), &state.plotted)
            && let Some(value) = readings.get(name)
        {
            ui.label(format!("day {:.2}: {name} = {value:.2}", t / 86_400.0));
        }
    });
}
