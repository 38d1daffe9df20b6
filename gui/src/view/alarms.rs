//! The alarm list: each episode with when it came (day and time since the run's start), what
//! and which component, its worst value against its limit, and how long it lasted. A click on a
//! row moves the cursor there and selects the component's rack, if it is one.

use super::send;
use crate::quantity::Quantity;
use crate::state::{Command, State};
use dctwin_scenario::alarms::{Alarm, AlarmKind};
use eframe::egui;
use std::sync::mpsc::Sender;

/// `d 3 14:05`: day and time since the run's start.
pub fn when(time_s: f64) -> String {
    let minutes = (time_s / 60.0).round() as u64;
    format!(
        "d {} {:02}:{:02}",
        minutes / 1440 + 1,
        minutes / 60 % 24,
        minutes % 60
    )
}

/// `2 h 10 min`, `3 d 4 h`: a duration.
pub fn lasted(seconds: f64) -> String {
    let minutes = (seconds / 60.0).round() as u64;
    match minutes {
        m if m < 60 => format!("{m} min"),
        m if m < 1440 => format!("{} h {} min", m / 60, m % 60),
        m => format!("{} d {} h", m / 1440, m / 60 % 24),
    }
}

/// One row's text.
pub fn describe(alarm: &Alarm, run_end_s: f64) -> String {
    let unit = alarm.kind.unit();
    let value = match (alarm.worst, alarm.limit) {
        (Some(w), Some(l)) => format!(", worst {w:.1} {unit} (limit {l:.1})"),
        _ => String::new(),
    };
    let length = match alarm.end_s {
        Some(end) => lasted(end - alarm.start_s),
        None => format!("{}, still on", lasted(run_end_s - alarm.start_s)),
    };
    format!(
        "{}  {}: {}{value}, {length}",
        when(alarm.start_s),
        alarm.kind.describe(),
        alarm.component
    )
}

/// What a click on `alarm` shows besides moving the cursor: its rack coloured by the quantity
/// over its limit, or its device's column plotted.
fn show_alarm(alarm: &Alarm) -> Vec<Command> {
    let name = alarm.component.clone();
    match alarm.kind {
        AlarmKind::SupplyOverClass => vec![
            Command::ColourBy(Quantity::Supply),
            Command::SelectRack(name),
        ],
        AlarmKind::ChipOverLimit => {
            vec![Command::ColourBy(Quantity::Chip), Command::SelectRack(name)]
        }
        AlarmKind::CduLost => vec![Command::Plot(format!("{name}.supply_c"))],
        AlarmKind::EvaporatorFreezeLimit => vec![Command::Plot(format!("{name}.evaporator_c"))],
        AlarmKind::BoilerOn => vec![Command::Plot(format!("{name}.heat_kw"))],
        AlarmKind::PumpTrip => Vec::new(),
    }
}

/// Draws the list in the space left.
pub fn show(ui: &mut egui::Ui, state: &State, to: &Sender<Command>) {
    let Some(file) = state.alarms() else { return };
    ui.heading("Alarms");
    if file.alarms.is_empty() {
        ui.label("None: every limit held.");
        return;
    }
    let count = |k: AlarmKind| file.alarms.iter().filter(|a| a.kind == k).count();
    let kinds = [
        AlarmKind::SupplyOverClass,
        AlarmKind::ChipOverLimit,
        AlarmKind::PumpTrip,
        AlarmKind::CduLost,
        AlarmKind::EvaporatorFreezeLimit,
        AlarmKind::BoilerOn,
    ];
    for k in kinds {
        let n = count(k);
        if n > 0 {
            ui.label(format!("{n} × {}", k.describe()));
        }
    }
    if file.dropped > 0 {
        ui.label(format!("{} more not kept", file.dropped));
    }
    ui.separator();
    let end_s = state.run_time_s().unwrap_or(0.0);
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
    egui::ScrollArea::vertical().auto_shrink(false).show_rows(
        ui,
        row_height,
        file.alarms.len(),
        |ui, rows| {
            for alarm in &file.alarms[rows] {
                let text = describe(alarm, end_s);
                if ui.selectable_label(false, text).clicked() {
                    send(to, Command::Seek(alarm.start_s));
                    for command in show_alarm(alarm) {
                        send(to, command);
                    }
                }
            }
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_durations_read_as_days_hours_and_minutes() {
        assert_eq!(when(60.0), "d 1 00:01");
        assert_eq!(when(2.0 * 86_400.0 + 14.0 * 3600.0 + 300.0), "d 3 14:05");
        assert_eq!(lasted(600.0), "10 min");
        assert_eq!(lasted(7800.0), "2 h 10 min");
        assert_eq!(lasted(3.0 * 86_400.0 + 4.0 * 3600.0), "3 d 4 h");
    }
}
