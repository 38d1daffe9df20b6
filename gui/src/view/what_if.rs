//! The what-if panel: the shown run's scenario with another container count, CDU supply
//! set-point, IT scale or weather file, run as a second run and compared with the first.

use super::send;
use crate::state::{Command, State};
use eframe::egui;
use std::sync::mpsc::Sender;

/// What is typed into the panel, kept by the app between frames.
#[derive(Debug, Default, Clone)]
pub struct WhatIfForm {
    /// Instances of the model's template (containers).
    pub count: String,
    /// CDU supply set-point [°C].
    pub supply_c: String,
    /// Factor on every rack's IT power.
    pub it_scale: String,
    /// An EPW weather file.
    pub weather: String,
}

/// The template whose instances hold the racks (`container` of `container[3]`), if any.
pub fn template_of(state: &State) -> Option<String> {
    let group = &state.schematic()?.groups.first()?.name;
    let end = group.find('[')?;
    Some(group[..end].to_string())
}

/// The values the form sets over the scenario's, or what is wrong with one of them.
pub fn sets(form: &WhatIfForm, template: Option<&str>) -> Result<Vec<String>, String> {
    let mut sets = Vec::new();
    let count = form.count.trim();
    if let (false, Some(t)) = (count.is_empty(), template) {
        let n: usize = count
            .parse()
            .map_err(|_| format!("{t} count: '{count}' is not a whole number"))?;
        sets.push(format!("overrides.instance_counts.{t} = {n}"));
    }
    for (text, key, what) in [
        (&form.supply_c, "overrides.cdu_supply_c", "CDU supply"),
        (&form.it_scale, "overrides.it_scale", "IT scale"),
    ] {
        let text = text.trim();
        if !text.is_empty() {
            let x: f64 = text
                .parse()
                .map_err(|_| format!("{what}: '{text}' is not a number"))?;
            sets.push(format!("{key} = {x}"));
        }
    }
    let weather = form.weather.trim();
    if !weather.is_empty() {
        sets.push(format!("weather.epw = {weather}"));
    }
    Ok(sets)
}

/// Draws the panel.
pub fn show(ui: &mut egui::Ui, state: &State, form: &mut WhatIfForm, to: &Sender<Command>) {
    ui.heading("What if");
    let template = template_of(state);
    egui::Grid::new("what if").num_columns(2).show(ui, |ui| {
        if let Some(t) = &template {
            field(
                ui,
                &format!("{t} count"),
                &mut form.count,
                "as in the model",
            );
        }
        field(ui, "CDU supply °C", &mut form.supply_c, "as in the model");
        field(ui, "IT scale", &mut form.it_scale, "1");
        field(ui, "Weather EPW", &mut form.weather, "as in the scenario");
    });
    let checked = sets(form, template.as_deref());
    let ready = state.run.is_some() && !state.is_running();
    match &checked {
        Err(e) => {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
        Ok(sets) if ready => {
            if ui
                .add_enabled(!sets.is_empty(), egui::Button::new("Run what-if"))
                .clicked()
            {
                send(to, Command::WhatIf(sets.clone()));
            }
        }
        Ok(_) if state.is_running() => {
            ui.label("A run is going: what if, once it ends.");
        }
        Ok(_) => {
            ui.label("Open a finished run to ask what if.");
        }
    }
}

/// A labelled text field with a hint.
fn field(ui: &mut egui::Ui, name: &str, text: &mut String, hint: &str) {
    let label = ui.label(name);
    ui.add(
        egui::TextEdit::singleline(text)
            .desired_width(120.0)
            .hint_text(hint),
    )
    .labelled_by(label.id);
    ui.end_row();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_becomes_the_sets_and_a_bad_number_is_named() {
        let form = WhatIfForm {
            count: "100".into(),
            supply_c: " 38.5".into(),
            it_scale: String::new(),
            weather: "/data/aachen 2022.epw".into(),
        };
        assert_eq!(
            sets(&form, Some("container")).unwrap(),
            [
                "overrides.instance_counts.container = 100",
                "overrides.cdu_supply_c = 38.5",
                "weather.epw = /data/aachen 2022.epw"
            ]
        );
        let bad = WhatIfForm {
            it_scale: "half".into(),
            ..WhatIfForm::default()
        };
        assert_eq!(
            sets(&bad, None).unwrap_err(),
            "IT scale: 'half' is not a number"
        );
    }
}
