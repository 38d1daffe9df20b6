//! A scenario file (TOML): which model to run, over which period, driven by which traces,
//! weather and heat demand, with which events and overrides, and what to write.

use crate::error::ScenarioError;
use dctwin_inputs::TraceSpec;
use dctwin_kpi::SiteInfo;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Default reporting step [s]: the minute resolution of IT power telemetry.
pub const DEFAULT_REPORT_STEP_S: f64 = 60.0;
/// Default share of a node's maximum power drawn when idle [-] (GPU nodes idle at about a
/// quarter to a third of their peak).
pub const DEFAULT_IDLE_FRACTION: f64 = 0.3;
/// Default efficiency of the power chain upstream of IT (transformer, UPS, rectifier) [-].
pub const DEFAULT_CONVERSION_EFFICIENCY: f64 = 0.97;
/// Default coefficient of performance of the room air handling that removes the racks' heat
/// to air (the share not captured by the cold plates) [-]: fans and free cooling.
pub const DEFAULT_ROOM_AIR_COP: f64 = 10.0;
/// Default margin above a supply limit before a reading counts as over it [K]: the tolerance
/// of a class-B Pt100 at 40 °C (IEC 60751: ±(0.30 + 0.005·|t|) K). A supply held at its limit
/// by a controller would otherwise count its millikelvin ripple as hours over the limit.
pub const DEFAULT_SUPPLY_TOLERANCE_K: f64 = 0.5;
/// Default carbon intensity of grid electricity [kg CO₂/kWh] (Germany 2022, Umweltbundesamt:
/// 0.434).
pub const DEFAULT_GRID_KG_CO2_PER_KWH: f64 = 0.434;

/// A scenario as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// What the scenario is for.
    #[serde(default)]
    pub description: Option<String>,
    /// The facility model file, relative to the scenario.
    pub model: PathBuf,
    /// Start (ISO 8601; a naive time is UTC).
    pub start: String,
    /// End (exclusive).
    pub end: String,
    /// Reporting step [s]; a whole multiple of the control step.
    #[serde(default = "default_report_step")]
    pub report_step_s: f64,
    /// Control step [s]: how often inputs, events and controllers act and the flows are
    /// re-solved; 60 s, or a whole divisor of it down to 0.1 s for a test bench's seconds.
    #[serde(default = "default_control_step")]
    pub control_step_s: f64,
    /// Changes to the model.
    #[serde(default)]
    pub overrides: Overrides,
    /// The IT load.
    #[serde(default)]
    pub it: ItLoad,
    /// Outdoor air.
    #[serde(default)]
    pub weather: WeatherSource,
    /// Heat demand of the substations.
    #[serde(default)]
    pub heat_demand: Option<HeatDemand>,
    /// Inputs bound to any settable parameter (`[[input]]`).
    #[serde(default, rename = "input")]
    pub inputs: Vec<InputSpec>,
    /// Measurements the run is compared with (`[[measured]]`).
    #[serde(default, rename = "measured")]
    pub measured: Vec<MeasuredSpec>,
    /// Events.
    #[serde(default, rename = "event")]
    pub events: Vec<EventSpec>,
    /// KPI settings.
    #[serde(default)]
    pub kpi: KpiSpec,
    /// Facts about the site for the EU report.
    #[serde(default)]
    pub site: SiteInfo,
    /// What to write.
    #[serde(default)]
    pub output: OutputSpec,
    /// The file it was read from (for errors).
    #[serde(skip)]
    pub file: PathBuf,
    /// Its text (to find a key's line for errors).
    #[serde(skip)]
    pub source: String,
    /// Values set from outside the file (`key = value`), applied over it.
    #[serde(skip)]
    pub sets: Vec<String>,
}

fn default_report_step() -> f64 {
    DEFAULT_REPORT_STEP_S
}

fn default_control_step() -> f64 {
    DEFAULT_CONTROL_STEP_S
}

pub use dctwin_sim::DEFAULT_CONTROL_STEP_S;
/// Shortest control step [s]: a test bench's logger.
pub const MIN_CONTROL_STEP_S: f64 = 0.1;
/// Most control steps in one run: twenty years at the default step (each step holds its
/// inputs in memory).
pub const MAX_CONTROL_STEPS: f64 = 20.0 * 365.25 * 86_400.0 / DEFAULT_CONTROL_STEP_S;

/// The most instances an override may ask of one template (a JUPITER-sized module has 50
/// containers; the model reader also caps the whole facility).
pub const MAX_INSTANCE_COUNT: usize = 10_000;

/// Changes a scenario makes to its model.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overrides {
    /// New template-instance counts by instance name (`{ container = 100 }`).
    #[serde(default)]
    pub instance_counts: BTreeMap<String, usize>,
    /// New supply set-point of every heat exchanger's controller [°C].
    #[serde(default)]
    pub cdu_supply_c: Option<f64>,
    /// Multiplies every rack's IT power [-].
    #[serde(default)]
    pub it_scale: Option<f64>,
    /// Where every loop and component starts [°C], instead of the model's: the first
    /// reading of a measured period (volume flows are still converted at the model's).
    #[serde(default)]
    pub initial_temperature_c: Option<f64>,
}

impl Overrides {
    /// The overrides as `key = value` lines, for the run's summary.
    pub fn describe(&self) -> Vec<String> {
        let mut lines: Vec<String> = (self.instance_counts.iter())
            .map(|(name, n)| format!("instance_counts.{name} = {n}"))
            .collect();
        if let Some(c) = self.cdu_supply_c {
            lines.push(format!("cdu_supply_c = {c}"));
        }
        if let Some(x) = self.it_scale {
            lines.push(format!("it_scale = {x}"));
        }
        if let Some(c) = self.initial_temperature_c {
            lines.push(format!("initial_temperature_c = {c}"));
        }
        lines
    }
}

/// How the racks' IT power follows a trace.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItMode {
    /// No trace: every rack at its design power.
    #[default]
    Design,
    /// The column is the whole system's IT power, spread over the racks in proportion to
    /// their design power.
    System,
    /// The column is one rack's power; every rack draws it, scaled by its design power over
    /// the column's peak (the trace is a shape).
    RackShape,
    /// The column is a utilisation 0..1: P = P_idle + (P_max − P_idle)·u per rack, with
    /// P_max its design power and P_idle = `idle_fraction`·P_max.
    Utilisation,
    /// Every column is the IT power of its own racks (one container's, one rack's): those
    /// whose names are or start with the prefixes `[it.racks]` gives the column (by default
    /// its own name), spread over them in proportion to their design power. Each rack must
    /// belong to exactly one column.
    Columns,
}

/// The rack-name prefixes of one column of a `columns` trace: one or several.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum RackPrefixes {
    /// One prefix (`"container[3]"`).
    One(String),
    /// Several (`["container[3]", "container[4]"]`).
    Many(Vec<String>),
}

impl RackPrefixes {
    /// The prefixes as a list.
    pub fn list(&self) -> Vec<String> {
        match self {
            RackPrefixes::One(p) => vec![p.clone()],
            RackPrefixes::Many(ps) => ps.clone(),
        }
    }
}

/// The IT load and the power chain feeding it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItLoad {
    /// How the trace drives the racks.
    #[serde(default)]
    pub mode: ItMode,
    /// The trace (one column used, the first, except in `columns` mode).
    #[serde(default)]
    pub trace: Option<TraceSpec>,
    /// For `columns`: the racks of each trace column, by name prefix (a rack `container[3].
    /// rack[1].cold_plates` is under `container[3]` and `container[3].rack[1]`). A column not
    /// listed drives the racks under its own name.
    #[serde(default)]
    pub racks: BTreeMap<String, RackPrefixes>,
    /// Idle share of the design power for `utilisation` [-].
    #[serde(default = "default_idle")]
    pub idle_fraction: f64,
    /// Efficiency of the power chain upstream of IT [-]; its losses are facility energy.
    #[serde(default = "default_conversion")]
    pub conversion_efficiency: f64,
    /// COP of the room air handling the heat not captured by the cold plates [-].
    #[serde(default = "default_room_air_cop")]
    pub room_air_cop: f64,
    /// Whether that residual heat needs air handling at all: `false` where the racks stand in
    /// the rooms they heat (digital boilers), so it costs no energy.
    #[serde(default = "default_true")]
    pub room_air_handling: bool,
}

impl Default for ItLoad {
    fn default() -> Self {
        ItLoad {
            mode: ItMode::Design,
            trace: None,
            racks: BTreeMap::new(),
            idle_fraction: DEFAULT_IDLE_FRACTION,
            conversion_efficiency: DEFAULT_CONVERSION_EFFICIENCY,
            room_air_cop: DEFAULT_ROOM_AIR_COP,
            room_air_handling: true,
        }
    }
}

fn default_idle() -> f64 {
    DEFAULT_IDLE_FRACTION
}
fn default_conversion() -> f64 {
    DEFAULT_CONVERSION_EFFICIENCY
}
fn default_room_air_cop() -> f64 {
    DEFAULT_ROOM_AIR_COP
}

/// Outdoor air: an EPW file, a trace, or a constant.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeatherSource {
    /// EPW file (relative to the scenario or the data directory).
    #[serde(default)]
    pub epw: Option<PathBuf>,
    /// A trace of outdoor air (`dctwin_inputs::weather_trace`): its columns, in order, the dry
    /// bulb, the relative humidity (`1` or `%`) or dew point (a temperature), and optionally the
    /// station pressure (`Pa`, `hPa`, `kPa`; default the standard atmosphere). With
    /// `repeat_year` a typical year replays on any calendar year.
    #[serde(default)]
    pub trace: Option<TraceSpec>,
    /// Constant dry bulb [°C] when no file is given (default 15 °C).
    #[serde(default)]
    pub dry_bulb_c: Option<f64>,
    /// Constant relative humidity [-] when no file is given (default 0.6).
    #[serde(default)]
    pub relative_humidity: Option<f64>,
}

/// The heat demand of the substations: one series spread over them by design demand.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeatDemand {
    /// The trace (its first column is the demand).
    pub trace: TraceSpec,
    /// Scale the series so that its peak over the run is this [kW] (a city's profile made a
    /// campus's); default: as read.
    #[serde(default)]
    pub peak_kw: Option<f64>,
}

/// An input as written: a trace column or a constant bound to a settable parameter of one
/// component or of every component a pattern names.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputSpec {
    /// What it sets: `component.parameter_unit` (`campus.source.outlet_temperature_c`), the
    /// component a name or a pattern with `*` (`container[*].cdu.supply_setpoint_c`), optionally
    /// after a kind (`pipe:*.ambient_temperature_c`).
    pub target: String,
    /// Its values over the run: a trace, of which it takes `column`.
    #[serde(default)]
    pub trace: Option<TraceSpec>,
    /// The trace's column; default its only one.
    #[serde(default)]
    pub column: Option<String>,
    /// Or one value for the whole run, in the unit the target's key names.
    #[serde(default)]
    pub value: Option<f64>,
}

/// A measured series to compare a written variable with (`[[measured]]`): after the run,
/// the RMSE, largest and mean difference over the reports the trace covers.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasuredSpec {
    /// The series column compared (`sensor:outlet.sensor.temperature_c`, `node:tee.temperature_c`), one
    /// the run writes.
    pub variable: String,
    /// The measurement: a trace, of which it takes `column`, in the variable's unit.
    pub trace: TraceSpec,
    /// The trace's column; default its only one.
    #[serde(default)]
    pub column: Option<String>,
}

/// An event as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventSpec {
    /// When (ISO 8601).
    pub at: String,
    /// What happens.
    pub action: EventAction,
    /// The pump link, exchanger or dry cooler concerned.
    pub component: String,
    /// For fouling: the factor on UA, in (0, 1].
    #[serde(default)]
    pub ua_factor: Option<f64>,
}

/// What an event does, as a scenario names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventAction {
    /// A pump stops (`component`: the pump).
    TripPump,
    /// A heat exchanger is lost: it transfers nothing any more (`component`: a CDU).
    LoseExchanger,
    /// A heat exchanger's UA is multiplied by `ua_factor` (`component`: a CDU).
    FoulExchanger,
    /// A dry cooler's UA is multiplied by `ua_factor` (`component`: the cooler).
    FoulDryCooler,
}

impl EventAction {
    /// As a scenario writes it.
    pub fn key(self) -> &'static str {
        match self {
            EventAction::TripPump => "trip_pump",
            EventAction::LoseExchanger => "lose_exchanger",
            EventAction::FoulExchanger => "foul_exchanger",
            EventAction::FoulDryCooler => "foul_dry_cooler",
        }
    }
}

/// KPI settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KpiSpec {
    /// Carbon intensity of grid electricity [kg CO₂/kWh].
    #[serde(default = "default_grid")]
    pub grid_kg_co2_per_kwh: f64,
    /// Supply limit for the "hours over" KPI [°C]; default the racks' W-class limit.
    #[serde(default)]
    pub supply_limit_c: Option<f64>,
    /// How far above a limit a supply must read to count as over it [K].
    #[serde(default = "default_supply_tolerance")]
    pub supply_tolerance_k: f64,
}

impl Default for KpiSpec {
    fn default() -> Self {
        KpiSpec {
            grid_kg_co2_per_kwh: DEFAULT_GRID_KG_CO2_PER_KWH,
            supply_limit_c: None,
            supply_tolerance_k: DEFAULT_SUPPLY_TOLERANCE_K,
        }
    }
}

fn default_supply_tolerance() -> f64 {
    DEFAULT_SUPPLY_TOLERANCE_K
}

fn default_grid() -> f64 {
    DEFAULT_GRID_KG_CO2_PER_KWH
}

/// What a run writes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputSpec {
    /// Time-series file name inside the run directory (`.parquet` or `.csv`).
    #[serde(default = "default_series")]
    pub series: String,
    /// Write each exchanger's supply, each dry cooler's leaving temperature and each loop's
    /// pump flow besides the facility totals.
    #[serde(default = "default_true")]
    pub devices: bool,
    /// Write each rack's IT power, outlet and chip temperature (three columns a rack: off by
    /// default, they triple a 150-rack facility's series).
    #[serde(default)]
    pub racks: bool,
    /// The columns to write, by name or pattern (`*` matches any text: `"*.supply_c"`); each
    /// must match a column. Default: every column `devices` and `racks` ask for.
    #[serde(default)]
    pub columns: Option<Vec<String>>,
    /// The network's own variables to write besides (`node:*.temperature_c`,
    /// `pipe:*.out_c`, `campus.source.heat_kw`: [`crate::variables`]); each must name one.
    #[serde(default)]
    pub variables: Vec<String>,
    /// How precisely values are kept: `unit` (an f32 rounded to a step chosen by the unit,
    /// about 1 mK, 1 W, 1 g/s: `dctwin_series::Precision`) or `exact` (every bit of an f64,
    /// 5 to 17 times the size).
    #[serde(default)]
    pub precision: PrecisionSpec,
}

/// How precisely a series keeps its values.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PrecisionSpec {
    /// An f32 rounded to a step chosen by the column's unit.
    #[default]
    Unit,
    /// Every bit of an f64.
    Exact,
}

impl From<PrecisionSpec> for dctwin_series::Precision {
    fn from(p: PrecisionSpec) -> Self {
        match p {
            PrecisionSpec::Unit => dctwin_series::Precision::ByUnit,
            PrecisionSpec::Exact => dctwin_series::Precision::Exact,
        }
    }
}

impl Default for OutputSpec {
    fn default() -> Self {
        OutputSpec {
            series: default_series(),
            devices: true,
            racks: false,
            columns: None,
            variables: Vec::new(),
            precision: PrecisionSpec::Unit,
        }
    }
}

fn default_series() -> String {
    "series.parquet".to_string()
}
fn default_true() -> bool {
    true
}

impl Scenario {
    /// Read the scenario at `path` (a text file of at most [`MAX_FILE_BYTES`]).
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let text = read_text(path)?;
        Scenario::parse(&text, path)
    }

    /// An input file's error, with the key of the scenario that names the file (or the setting,
    /// when the file was named from outside the scenario).
    pub fn input_error(&self, key: &str, source: dctwin_inputs::InputError) -> ScenarioError {
        if let Some(set) = self.set_of(key) {
            return ScenarioError::Set {
                set: set.to_string(),
                reason: source.to_string(),
            };
        }
        ScenarioError::InputOf {
            file: self.file.clone(),
            line: line_of_key(&self.source, key),
            key: key.to_string(),
            source: Box::new(source),
        }
    }

    /// An error about `key` (dotted: `heat_demand.peak_kw`), at the key's line in the file, or
    /// naming the setting when the value was set from outside it.
    pub fn error(&self, key: &str, reason: String) -> ScenarioError {
        if let Some(set) = self.set_of(key) {
            return ScenarioError::Set {
                set: set.to_string(),
                reason,
            };
        }
        ScenarioError::Value {
            file: self.file.clone(),
            line: line_of_key(&self.source, key),
            key: key.to_string(),
            reason,
        }
    }

    /// The setting that gave `key` its value, if one did (a key below it counts: a set
    /// `weather.trace.file` gives `weather.trace`'s file).
    fn set_of(&self, key: &str) -> Option<&str> {
        (self.sets.iter()).map(String::as_str).find(|set| {
            let set_key = set.split('=').next().unwrap_or("").trim();
            set_key == key || set_key.starts_with(&format!("{key}."))
        })
    }

    /// Reads the scenario at `path` with `sets` (`overrides.cdu_supply_c = 38`: a dotted key
    /// and a TOML value, or bare text taken as a string) applied over the file's values: the
    /// CLI's `--set` and the app's what-if.
    pub fn load_with(path: &Path, sets: &[String]) -> Result<Scenario, ScenarioError> {
        if sets.is_empty() {
            return Scenario::load(path);
        }
        let text = read_text(path)?;
        let mut table: toml::Table =
            toml::from_str(&text).map_err(|e| syntax_error(path, &text, &e))?;
        for set in sets {
            apply_set(&mut table, set).map_err(|reason| ScenarioError::Set {
                set: set.clone(),
                reason,
            })?;
        }
        let mut scenario: Scenario = toml::Value::Table(table).try_into().map_err(|e| {
            let reason = e.message().trim().to_string();
            // The file's own mistake (an unknown key, a wrong type) is named at its line, not
            // blamed on the sets; a key missing from the file may come from a set.
            match toml::from_str::<Scenario>(&text) {
                Err(own) if own.message().trim() == reason => syntax_error(path, &text, &own),
                _ => ScenarioError::Set {
                    set: sets.join("; "),
                    reason,
                },
            }
        })?;
        scenario.file = path.to_path_buf();
        scenario.source = text;
        scenario.sets = sets.to_vec();
        scenario.check()?;
        Ok(scenario)
    }

    /// Read scenario text, reporting errors against `path`.
    pub fn parse(text: &str, path: &Path) -> Result<Scenario, ScenarioError> {
        let mut scenario: Scenario =
            toml::from_str(text).map_err(|e| syntax_error(path, text, &e))?;
        scenario.file = path.to_path_buf();
        scenario.source = text.to_string();
        scenario.check()?;
        Ok(scenario)
    }

    /// The control step divides a minute (what the KPIs and traces are aligned to) and the
    /// reporting step, which is at most a day.
    fn check_steps(&self) -> Result<(), ScenarioError> {
        let bad = |key: &str, reason: String| self.error(key, reason);
        let control = self.control_step_s;
        let whole = |x: f64| (x - x.round()).abs() < 1e-9;
        let divides_a_minute = (MIN_CONTROL_STEP_S..=DEFAULT_CONTROL_STEP_S).contains(&control)
            && whole(DEFAULT_CONTROL_STEP_S / control);
        if !divides_a_minute {
            return Err(bad(
                "control_step_s",
                format!(
                    "{control} s: expected a whole divisor of 60 s, from {MIN_CONTROL_STEP_S} s \
                     (a test bench's logger) to 60 s (the default)"
                ),
            ));
        }
        let step = self.report_step_s;
        if !(step > 0.0 && step.is_finite()) {
            return Err(bad(
                "report_step_s",
                format!("{step} s: expected a positive number of seconds, a multiple of {control}"),
            ));
        }
        if step > 86_400.0 {
            return Err(bad(
                "report_step_s",
                format!(
                    "{step} s: at most a day (86400 s); a run reports its KPIs per month \
                     whatever the step, and stops on a signal only at a reporting step"
                ),
            ));
        }
        if !whole(step / control) || step < control {
            return Err(bad(
                "report_step_s",
                format!("{step} s is not a whole multiple of the {control} s control step"),
            ));
        }
        Ok(())
    }

    /// The checks serde cannot make.
    fn check(&self) -> Result<(), ScenarioError> {
        let bad = |key: &str, reason: String| self.error(key, reason);
        self.check_steps()?;
        self.check_ranges()?;
        self.check_output()?;
        if !(0.0..1.0).contains(&self.it.idle_fraction) {
            return Err(bad("it.idle_fraction", "expected a value in [0, 1)".into()));
        }
        let eta = self.it.conversion_efficiency;
        if !(eta > 0.0 && eta <= 1.0) {
            return Err(bad(
                "it.conversion_efficiency",
                format!("{eta} is not in (0, 1]"),
            ));
        }
        if self.it.mode != ItMode::Columns && !self.it.racks.is_empty() {
            return Err(bad(
                "it.racks",
                "rack prefixes are for mode = \"columns\"".into(),
            ));
        }
        if self.it.mode != ItMode::Design && self.it.trace.is_none() {
            return Err(bad(
                "it.trace",
                "this IT mode reads a trace: give [it.trace]".into(),
            ));
        }
        let w = &self.weather;
        if w.epw.is_some() && w.trace.is_some() {
            return Err(bad(
                "weather.trace",
                "give either an EPW file (epw) or a trace, not both".into(),
            ));
        }
        if (w.epw.is_some() || w.trace.is_some())
            && (w.dry_bulb_c.is_some() || w.relative_humidity.is_some())
        {
            return Err(bad(
                "weather.dry_bulb_c",
                "constant dry_bulb_c / relative_humidity are for runs without a weather file; \
                 remove them or the file"
                    .into(),
            ));
        }
        Ok(())
    }
}

/// The largest scenario file read [bytes]: scenarios are a few kB; this stops a wrong path (a
/// trace, a disk image) from being read whole before it is refused.
pub const MAX_FILE_BYTES: u64 = 1 << 20;

impl Scenario {
    /// Every number against its physical range, naming the range in the message.
    fn check_ranges(&self) -> Result<(), ScenarioError> {
        // `key` in its unit: the key's own suffix names it (`_c` is °C), so the value is shown
        // as written.
        let within = |key: &str, v: f64, lo: f64, hi: f64, what: &str| {
            if v.is_finite() && (lo..=hi).contains(&v) {
                Ok(())
            } else {
                Err(self.error(
                    key,
                    format!("{} is out of range: expected {what}", shown(v)),
                ))
            }
        };
        for (name, &n) in &self.overrides.instance_counts {
            if n > MAX_INSTANCE_COUNT {
                return Err(self.error(
                    &format!("overrides.instance_counts.{name}"),
                    format!("{n} instances: at most {MAX_INSTANCE_COUNT} of one template"),
                ));
            }
        }
        if let Some(c) = self.overrides.cdu_supply_c {
            within(
                "overrides.cdu_supply_c",
                c,
                2.0,
                75.0,
                "a supply set-point of 2 to 75 °C (ASHRAE W17 to W+ liquid cooling)",
            )?;
        }
        if let Some(x) = self.overrides.it_scale {
            within(
                "overrides.it_scale",
                x,
                f64::MIN_POSITIVE,
                100.0,
                "a factor above 0 and at most 100 on the racks' IT power",
            )?;
        }
        if let Some(c) = self.overrides.initial_temperature_c {
            within(
                "overrides.initial_temperature_c",
                c,
                -50.0,
                200.0,
                "a starting temperature of -50 to 200 °C (each loop's fluid is checked too)",
            )?;
        }
        let w = &self.weather;
        if let Some(t) = w.dry_bulb_c {
            within(
                "weather.dry_bulb_c",
                t,
                -90.0,
                60.0,
                "an outdoor temperature of -90 to 60 °C (the records are -89.2 and 56.7 °C)",
            )?;
        }
        if let Some(rh) = w.relative_humidity {
            within(
                "weather.relative_humidity",
                rh,
                0.0,
                1.0,
                "a fraction from 0 to 1 (60 % is 0.6)",
            )?;
        }
        if let Some(h) = &self.heat_demand
            && let Some(p) = h.peak_kw
        {
            within(
                "heat_demand.peak_kw",
                p,
                f64::MIN_POSITIVE,
                1e7,
                "a peak above 0 and at most 10 GW (1e7 kW; a campus network is a few MW)",
            )?;
        }
        within(
            "it.room_air_cop",
            self.it.room_air_cop,
            0.1,
            1000.0,
            "a coefficient of performance of 0.1 to 1000",
        )?;
        let k = &self.kpi;
        within(
            "kpi.grid_kg_co2_per_kwh",
            k.grid_kg_co2_per_kwh,
            0.0,
            2.0,
            "0 to 2 kg CO2 per kWh (lignite is about 1.1)",
        )?;
        if let Some(c) = k.supply_limit_c {
            within(
                "kpi.supply_limit_c",
                c,
                2.0,
                90.0,
                "a supply limit of 2 to 90 °C",
            )?;
        }
        within(
            "kpi.supply_tolerance_k",
            k.supply_tolerance_k,
            0.0,
            10.0,
            "a temperature difference of 0 to 10 K",
        )
    }

    /// The output's file name stays in the run directory; column patterns are not empty.
    fn check_output(&self) -> Result<(), ScenarioError> {
        let series = &self.output.series;
        let plain = Path::new(series).file_name().and_then(|n| n.to_str()) == Some(series)
            && !series.starts_with('.')
            && !series.contains(['/', '\\']);
        if !plain {
            return Err(self.error(
                "output.series",
                format!(
                    "'{series}': expected a file name inside the run directory, such as \
                     \"series.parquet\" or \"series.csv\" (no folders)"
                ),
            ));
        }
        if dctwin_series::Format::from_path(Path::new(series)).is_err() {
            return Err(self.error(
                "output.series",
                format!("'{series}': expected a name ending in .parquet (or .pq) or .csv"),
            ));
        }
        if let Some(columns) = &self.output.columns {
            if columns.is_empty() {
                return Err(self.error(
                    "output.columns",
                    "an empty list writes no column: leave the key out to write them all".into(),
                ));
            }
            if columns.iter().any(|c| c.trim().is_empty()) {
                return Err(self.error("output.columns", "a pattern is empty".into()));
            }
        }
        Ok(())
    }
}

/// A number as an error message shows it, to four significant digits: `1.32e10` rather than
/// eleven digits, `0.5` rather than `0.5000`.
pub(crate) fn shown(v: f64) -> String {
    if v != 0.0 && !(1e-3..1e6).contains(&v.abs()) {
        // Rounded to four digits, then written as briefly as that value allows.
        let rounded: f64 = format!("{v:.3e}").parse().unwrap_or(v);
        format!("{rounded:e}")
    } else {
        let text = format!("{v:.4}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// The 1-based line of byte `offset` in `text`.
fn line_at(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The text of the scenario file at `path`, bounded and checked ([`dctwin_model::text_file`]).
fn read_text(path: &Path) -> Result<String, ScenarioError> {
    dctwin_model::text_file(path, MAX_FILE_BYTES, "a scenario file (TOML)").map_err(|reason| {
        ScenarioError::Read {
            file: path.to_path_buf(),
            reason,
        }
    })
}

/// The reader's error in `text` (the file at `path`), at its line, naming the key written
/// there (the reader's own messages, such as an unknown variant, do not).
fn syntax_error(path: &Path, text: &str, e: &toml::de::Error) -> ScenarioError {
    let line = e.span().map(|s| line_at(text, s.start));
    let message = e.message().trim();
    let key = line
        .and_then(|n| text.lines().nth(n - 1))
        .and_then(key_of_line);
    ScenarioError::Syntax {
        file: path.to_path_buf(),
        line,
        reason: match key {
            Some(key) if !message.contains(&format!("`{key}`")) => {
                format!("key '{key}': {message}")
            }
            _ => message.to_string(),
        },
    }
}

/// The key of a `key = value` line, if it is one.
fn key_of_line(line: &str) -> Option<&str> {
    let (key, _) = line.split_once('=')?;
    let key = key.trim();
    let bare = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
    (!key.is_empty() && key.chars().all(bare)).then_some(key)
}

/// Sets `key = value` in `table`, creating the tables on the key's path. The value is TOML
/// (`38`, `true`, `"text"`, `[1, 2]`), or else taken as a string (a path).
fn apply_set(table: &mut toml::Table, set: &str) -> Result<(), String> {
    let (key, value) = set
        .split_once('=')
        .ok_or("expected key = value, e.g. overrides.cdu_supply_c = 38")?;
    let (key, value) = (key.trim(), value.trim());
    let parsed = toml::from_str::<toml::Table>(&format!("v = {value}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(value.to_string()));
    let segments: Vec<&str> = key.split('.').map(str::trim).collect();
    if segments.iter().any(|s| s.is_empty()) {
        return Err(format!(
            "'{key}' is not a dotted key such as overrides.it_scale"
        ));
    }
    let (last, path) = segments.split_last().ok_or("an empty key")?;
    let mut at = table;
    let mut i = 0;
    while i < path.len() {
        let entry = at
            .entry(path[i].to_string())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        // An array of tables takes the number of one of its entries next (`input.2.value`).
        let entry = match entry {
            toml::Value::Array(items) => {
                let named = segments[..=i].join(".");
                let k =
                    (path.get(i + 1).and_then(|s| s.parse::<usize>().ok())).ok_or_else(|| {
                        format!("'{named}' is a list: give the number of an entry, e.g. {named}.0")
                    })?;
                let len = items.len();
                i += 1;
                items.get_mut(k).ok_or_else(|| {
                    format!("'{named}' has {len} entries: {k} is not one (they count from 0)")
                })?
            }
            other => other,
        };
        at = entry
            .as_table_mut()
            .ok_or_else(|| format!("'{}' is a value, not a table", segments[..=i].join(".")))?;
        i += 1;
    }
    at.insert(last.to_string(), parsed);
    Ok(())
}

/// The 1-based line of a dotted key in TOML `text` (`event.0.action`: a number indexes an
/// array of tables): the key itself, or the deepest table of its path that the file has (the
/// key is then missing from it).
pub fn line_of_key(text: &str, key: &str) -> Option<usize> {
    let root = toml::de::DeTable::parse(text).ok()?;
    let mut table = root.get_ref();
    let mut found = None;
    let mut segments = key.split('.').peekable();
    while let Some(segment) = segments.next() {
        let Some((k, v)) = table.iter().find(|(k, _)| k.get_ref().as_ref() == segment) else {
            break;
        };
        found = Some(k.span().start);
        let mut value = v;
        // An array of tables (`[[event]]`): the next segment is a 0-based index into it.
        if let toml::de::DeValue::Array(items) = value.get_ref()
            && let Some(i) = segments.peek().and_then(|s| s.parse::<usize>().ok())
        {
            segments.next();
            let Some(item) = items.get(i) else { break };
            found = Some(item.span().start);
            value = item;
        }
        match value.get_ref() {
            toml::de::DeValue::Table(t) => table = t,
            _ => break,
        }
    }
    found.map(|offset| line_at(text, offset))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The error of `weather` under a minimal scenario.
    fn weather_error(weather: &str) -> String {
        let text = format!(
            "model = \"m.toml\"\nstart = \"2022-01-01\"\nend = \"2022-01-02\"\n[weather]\n{weather}"
        );
        Scenario::parse(&text, Path::new("s.toml"))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    }

    const TRACE: &str = "trace = { file = \"w.csv\", time_column = \"t\", columns = [] }";

    #[test]
    fn one_weather_source() {
        let both = weather_error(&format!("epw = \"w.epw\"\n{TRACE}"));
        assert!(
            both.contains("s.toml") && both.contains("weather.trace"),
            "{both}"
        );
        let constant = weather_error(&format!("{TRACE}\ndry_bulb_c = 10.0"));
        assert!(constant.contains("weather.dry_bulb_c"), "{constant}");
        assert_eq!(weather_error(TRACE), "");
    }
}

#[cfg(test)]
mod set_tests {
    use super::*;

    /// A set reaches into an array of tables by the entry's number from 0, and names the list
    /// and its length when the number is missing or past its end.
    #[test]
    fn a_set_indexes_an_array_of_tables() {
        let mut table: toml::Table = toml::from_str(
            "[[input]]\ntarget = \"a.x_c\"\nvalue = 1\n[[input]]\ntarget = \"b.y_c\"\nvalue = 2\n",
        )
        .unwrap();
        apply_set(&mut table, "input.1.value=7").unwrap();
        let inputs = table["input"].as_array().unwrap();
        assert_eq!(inputs[1]["value"].as_integer(), Some(7));
        assert_eq!(inputs[0]["value"].as_integer(), Some(1));
        let e = apply_set(&mut table, "input.2.value=7").unwrap_err();
        assert!(e.contains("'input' has 2 entries: 2 is not one"), "{e}");
        let e = apply_set(&mut table, "input.value=7").unwrap_err();
        assert!(
            e.contains("'input' is a list: give the number of an entry"),
            "{e}"
        );
    }
}
