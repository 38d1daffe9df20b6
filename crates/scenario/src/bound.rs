//! Inputs bound to settable parameters (`[[input]]`): each target is resolved to the
//! parameters it names ([`dctwin_sim::setting`]), its values (a trace column or one constant)
//! are read onto the control grid in SI and checked against what each parameter accepts before
//! the run, and they are set at every control step, after the IT load, the weather and the
//! heat demand (so an input on a rack's power or a substation's demand wins over those).

use crate::error::ScenarioError;
use crate::pattern::matches;
use crate::spec::{InputSpec, Scenario, shown};
use dctwin_components::units::{Quantity as Key, Unit};
use dctwin_inputs::{Quantity, Resolver, TimeGrid};
use dctwin_sim::Plant;
use dctwin_sim::control::Controllers;
use dctwin_sim::setting::{Settable, Setting, settables};

/// Names listed at most in a message about a target that matched nothing.
const NAMES_LISTED: usize = 5;

/// One input: the parameters it sets and its values.
#[derive(Debug, Clone)]
pub struct Bound {
    /// Each parameter, with the factor its values are multiplied by (a volume flow's density,
    /// to set a mass flow).
    pub settings: Vec<(Setting, f64)>,
    /// Its value at each control step in SI (one value: the whole run).
    pub values: Vec<f64>,
}

impl Bound {
    /// Its value at step `k`.
    fn at(&self, k: usize) -> f64 {
        self.values[k.min(self.values.len() - 1)]
    }
}

/// Every input of a scenario.
#[derive(Debug, Clone, Default)]
pub struct BoundInputs {
    /// In the scenario's order.
    pub inputs: Vec<Bound>,
}

impl BoundInputs {
    /// The scenario's inputs, resolved on `plant` and `controllers`, their values on `grid`.
    pub fn load(
        scenario: &Scenario,
        resolver: &Resolver,
        grid: &TimeGrid,
        plant: &Plant,
        controllers: &Controllers,
    ) -> Result<BoundInputs, ScenarioError> {
        let inputs = (scenario.inputs.iter().enumerate())
            .map(|(i, spec)| {
                let at = Place { scenario, i };
                bind(&at, spec, resolver, grid, plant, controllers)
            })
            .collect::<Result<_, _>>()?;
        Ok(BoundInputs { inputs })
    }

    /// The first input that sets any of `settings`, by its index in the scenario.
    pub fn setting_any(&self, settings: &[Setting]) -> Option<usize> {
        (self.inputs.iter())
            .position(|input| (input.settings.iter()).any(|(s, _)| settings.contains(s)))
    }

    /// Set the plant's parameters for step `k`; the error names the input whose value a
    /// parameter refused.
    pub fn apply(&self, k: usize, plant: &mut Plant) -> Result<(), String> {
        for (i, input) in self.inputs.iter().enumerate() {
            let value = input.at(k);
            for &(setting, factor) in &input.settings {
                (setting.set_on_plant(plant, value * factor)).map_err(|e| refused(i, &e))?;
            }
        }
        Ok(())
    }

    /// Set the controllers' set-points for step `k`.
    pub fn apply_controllers(&self, k: usize, controllers: &mut Controllers) -> Result<(), String> {
        for (i, input) in self.inputs.iter().enumerate() {
            let value = input.at(k);
            for &(setting, factor) in &input.settings {
                (setting.set_on_controllers(controllers, value * factor))
                    .map_err(|e| refused(i, &e))?;
            }
        }
        Ok(())
    }
}

/// Input `i`'s value refused: `why`.
fn refused(i: usize, why: &str) -> String {
    format!(
        "input.{i} (the scenario's [[input]] number {}): {why}",
        i + 1
    )
}

/// Input `i` of `scenario`, for its errors.
struct Place<'s> {
    scenario: &'s Scenario,
    i: usize,
}

impl Place<'_> {
    /// An error about `field` of this input.
    fn error(&self, field: &str, reason: String) -> ScenarioError {
        (self.scenario).error(&format!("input.{}.{field}", self.i), reason)
    }
}

/// A parameter a target names on one component.
struct Binding {
    /// The component.
    name: String,
    /// The parameter.
    settable: Settable,
    /// The key as the target writes it.
    key: String,
    /// The unit the key names (`None`: a plain number).
    unit: Option<Unit>,
}

fn bind(
    at: &Place<'_>,
    spec: &InputSpec,
    resolver: &Resolver,
    grid: &TimeGrid,
    plant: &Plant,
    controllers: &Controllers,
) -> Result<Bound, ScenarioError> {
    let bindings = resolve(at, &spec.target, plant, controllers)?;
    let unit = bindings[0].unit;
    let quantity = bindings[0].settable.quantity;
    // A volume flow becomes the mass flow a pump holds at its loop's design density.
    let density = |b: &Binding| match b.settable.setting {
        Setting::PumpFlow(l) => {
            let loop_ = &plant.network.loops[plant.network.links[l].loop_index];
            loop_.fluid.density_kg_m3(loop_.initial_temperature_k)
        }
        _ => 1.0,
    };
    let (values, volumetric, field) = match (&spec.trace, spec.value) {
        (Some(trace), None) => {
            let (values, volumetric) =
                trace_values(at, trace, spec.column.as_deref(), quantity, resolver, grid)?;
            (values, volumetric, "trace")
        }
        (None, Some(v)) => {
            let si = unit.map_or(v, |u| v * u.scale + u.offset);
            (vec![si], unit.is_some_and(|u| u.volumetric), "value")
        }
        (Some(_), Some(_)) => {
            return Err(at.error("value", "give a trace or a value, not both".into()));
        }
        (None, None) => {
            return Err(at.error(
                "target",
                "give the input its values: a [input.trace] (with `column` if it has several) \
                 or a constant `value`"
                    .into(),
            ));
        }
    };
    let settings: Vec<(Setting, f64)> = (bindings.iter())
        .map(|b| {
            let factor = if volumetric { density(b) } else { 1.0 };
            (b.settable.setting, factor)
        })
        .collect();
    for (b, &(_, factor)) in bindings.iter().zip(&settings) {
        check_values(at, field, b, &values, factor, grid)?;
    }
    Ok(Bound { settings, values })
}

/// Every value, times `factor`, is one `b`'s parameter accepts.
fn check_values(
    at: &Place<'_>,
    field: &str,
    b: &Binding,
    values: &[f64],
    factor: f64,
    grid: &TimeGrid,
) -> Result<(), ScenarioError> {
    for (k, &v) in values.iter().enumerate() {
        if let Err(expected) = b.settable.check(v * factor) {
            let when = match values.len() {
                1 => String::new(),
                _ => format!(" at {}", dctwin_inputs::time::format_time(grid.time_s(k))),
            };
            // In the unit the key names, as the user wrote it (`v` before a volume flow's
            // density).
            let written = match b.unit {
                Some(u) => shown((v - u.offset) / u.scale),
                None => shown(v),
            };
            return Err(at.error(
                field,
                format!("'{}.{}' = {written}{when}: {expected}", b.name, b.key),
            ));
        }
    }
    Ok(())
}

/// The parameters `target` names: `[kind:]component.key`, the component a name or a pattern
/// with `*`. A name must take the key; a pattern binds the components it matches that take it.
fn resolve(
    at: &Place<'_>,
    target: &str,
    plant: &Plant,
    controllers: &Controllers,
) -> Result<Vec<Binding>, ScenarioError> {
    let bad = |reason: String| at.error("target", reason);
    let (kind, rest) = match target.split_once(':') {
        Some((kind, rest)) if !kind.contains('.') => (Some(kind), rest),
        _ => (None, target),
    };
    let Some((pattern, key)) = rest.rsplit_once('.') else {
        return Err(bad(format!(
            "'{target}': expected component.parameter with its unit, e.g. \
             campus.source.outlet_temperature_c or pipe:*.ambient_temperature_c"
        )));
    };
    let mut matched = Vec::new();
    for name in component_names(plant).filter(|n| matches(pattern, n)) {
        if let Some((k, list)) = settables(plant, controllers, name)
            && kind.is_none_or(|kind| kind == k)
        {
            matched.push((name.to_string(), k, list));
        }
    }
    let Some((first, first_kind, first_list)) = matched.first() else {
        return Err(bad(nothing_matches(plant, pattern, kind)));
    };
    let mut bindings = Vec::new();
    for (name, _, list) in &matched {
        for settable in list {
            if let Some(unit) = settable.unit_of(key) {
                bindings.push(Binding {
                    name: name.clone(),
                    settable: *settable,
                    key: key.to_string(),
                    unit,
                });
            }
        }
    }
    let takes: Vec<String> = first_list.iter().map(Settable::key).collect();
    let takes = match takes.is_empty() {
        true => "none during a run".to_string(),
        false => takes.join(", "),
    };
    if bindings.is_empty() || (!pattern.contains('*') && bindings[0].name != *first) {
        let whose = match matched.len() {
            1 => format!("'{first}' (a {first_kind})"),
            n => format!(
                "none of the {n} components it matches: the first, '{first}' (a {first_kind}),"
            ),
        };
        return Err(bad(format!(
            "{whose} has no settable parameter '{key}': it takes {takes}"
        )));
    }
    Ok(bindings)
}

/// The names an input's target may give: every link's and every coupling's.
fn component_names(plant: &Plant) -> impl Iterator<Item = &str> {
    (plant.network.links.iter().map(|l| l.name.as_ref()))
        .chain(plant.couplings.iter().map(|c| c.name.as_str()))
}

/// Why `pattern` (of `kind`) names no component, with the name it may have meant or some it
/// could.
fn nothing_matches(plant: &Plant, pattern: &str, kind: Option<&str>) -> String {
    let names: Vec<&str> = component_names(plant).collect();
    let what = match kind {
        Some(k) => format!("no {k} is called '{pattern}'"),
        None => format!("no component is called '{pattern}'"),
    };
    if let Some(near) = dctwin_model::closest(pattern, names.iter().copied()) {
        return format!("{what}: did you mean '{near}'?");
    }
    let stem = pattern.split(['*', '[', '.']).next().unwrap_or("");
    let close: Vec<String> = (names.iter())
        .filter(|n| !stem.is_empty() && n.starts_with(stem))
        .take(NAMES_LISTED)
        .map(|n| format!("'{n}'"))
        .collect();
    match close.is_empty() {
        true => format!("{what} ({} components in the model)", names.len()),
        false => format!("{what}: there are {}", close.join(", ")),
    }
}

/// The values of `column` (default the only one) of `trace` on the grid, in SI, and whether
/// they are a volume flow (to be made a mass flow); the column's unit must measure what the
/// target's key does.
fn trace_values(
    at: &Place<'_>,
    trace: &dctwin_inputs::TraceSpec,
    column: Option<&str>,
    quantity: Option<Key>,
    resolver: &Resolver,
    grid: &TimeGrid,
) -> Result<(Vec<f64>, bool), ScenarioError> {
    let key = format!("input.{}.trace", at.i);
    let loaded =
        dctwin_inputs::load(trace, resolver, grid).map_err(|e| at.scenario.input_error(&key, e))?;
    let chosen = match column {
        Some(name) => loaded.columns.iter().find(|c| c.name == name),
        None if loaded.columns.len() == 1 => loaded.columns.first(),
        None => None,
    };
    let Some(chosen) = chosen else {
        let names: Vec<String> = loaded
            .columns
            .iter()
            .map(|c| format!("'{}'", c.name))
            .collect();
        let reason = match column {
            Some(name) => format!(
                "the trace has no column '{name}': it has {}",
                names.join(", ")
            ),
            None => format!(
                "the trace has {} columns ({}): name the one to use with `column`",
                names.len(),
                names.join(", ")
            ),
        };
        return Err(at.error("column", reason));
    };
    let volumetric = match (quantity, chosen.quantity) {
        (Some(Key::Temperature), Quantity::Temperature)
        | (Some(Key::Power), Quantity::Power | Quantity::EnergyRegister)
        | (Some(Key::Flow), Quantity::MassFlow)
        | (Some(Key::Pressure), Quantity::Pressure)
        | (None, Quantity::Fraction | Quantity::Number) => false,
        (Some(Key::Flow), Quantity::VolumeFlow) => true,
        _ => {
            return Err(at.error(
                "trace",
                format!(
                    "column '{}' is in {} but the target is {}: give the column a unit of {}",
                    chosen.name,
                    chosen.quantity.si_unit(),
                    quantity.map_or("a plain number", Key::describe),
                    expected_units(quantity)
                ),
            ));
        }
    };
    Ok((chosen.values.clone(), volumetric))
}

/// The trace units a target of `quantity` takes, for a message.
fn expected_units(quantity: Option<Key>) -> &'static str {
    match quantity {
        Some(Key::Temperature) => "K, degC or degF",
        Some(Key::Power) => "W, kW or MW (or a Wh register)",
        Some(Key::Flow) => "m3/h, m3/s, l/s, kg/s or t/h",
        Some(Key::Pressure) => "Pa, hPa or kPa",
        None => "1, % or - (a plain number)",
        Some(_) => "none yet: this quantity cannot be read from a trace",
    }
}
