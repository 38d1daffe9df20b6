//! Physical quantities as written in model files: every key carries its unit as a suffix
//! (`length_m`, `flow_nominal_m3_h`, `supply_c`), converted to SI on reading.

/// A kind of quantity, with the unit suffixes a key may carry for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    /// Length [m].
    Length,
    /// Pressure or pressure difference [Pa].
    Pressure,
    /// Temperature [K]; °C is converted.
    Temperature,
    /// Heat flow or power [W].
    Power,
    /// Volume or mass flow: volume flows are converted to mass with the loop's density at its
    /// design temperature.
    Flow,
    /// Heat-transfer coefficient [W/(m²·K)].
    HeatTransferCoefficient,
    /// Head of water column [m].
    Head,
    /// Volume [m³].
    Volume,
    /// Thermal conductance [W/K].
    Conductance,
    /// Temperature difference [K] (an approach, a rise): no °C offset.
    TemperatureDifference,
    /// Duration [s].
    Time,
    /// Heat capacity of a body [J/K].
    HeatCapacity,
    /// Thermal resistance [K/W].
    ThermalResistance,
    /// Thermal conductivity of a material [W/(m·K)].
    Conductivity,
    /// Thermal resistance of a length of pipe, per metre [K·m/W] (as pipe catalogues give
    /// heat loss).
    LinearThermalResistance,
}

/// How a unit converts to SI: v_SI = v·scale + offset.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Unit {
    /// The key suffix, without the leading underscore.
    pub suffix: &'static str,
    /// Multiplier to SI.
    pub scale: f64,
    /// Offset added after scaling (°C → K).
    pub offset: f64,
    /// Whether this is a volume flow (to be multiplied by density).
    pub volumetric: bool,
}

const fn unit(suffix: &'static str, scale: f64) -> Unit {
    Unit {
        suffix,
        scale,
        offset: 0.0,
        volumetric: false,
    }
}

const fn volume(suffix: &'static str, scale: f64) -> Unit {
    Unit {
        suffix,
        scale,
        offset: 0.0,
        volumetric: true,
    }
}

const LENGTH: &[Unit] = &[
    unit("m", 1.0),
    unit("mm", 1e-3),
    unit("cm", 1e-2),
    unit("km", 1e3),
];
const PRESSURE: &[Unit] = &[
    unit("bar", 1e5),
    unit("mbar", 1e2),
    unit("pa", 1.0),
    unit("kpa", 1e3),
    unit("mpa", 1e6),
];
const TEMPERATURE: &[Unit] = &[
    Unit {
        suffix: "c",
        scale: 1.0,
        offset: 273.15,
        volumetric: false,
    },
    unit("k", 1.0),
];
const POWER: &[Unit] = &[unit("kw", 1e3), unit("w", 1.0), unit("mw", 1e6)];
const FLOW: &[Unit] = &[
    volume("m3_h", 1.0 / 3600.0),
    volume("m3_s", 1.0),
    volume("l_s", 1e-3),
    volume("l_min", 1e-3 / 60.0),
    unit("kg_s", 1.0),
];
const HEAT_TRANSFER: &[Unit] = &[unit("w_m2_k", 1.0)];
const HEAD: &[Unit] = &[unit("m", 1.0)];
const VOLUME: &[Unit] = &[unit("m3", 1.0), unit("l", 1e-3)];
const CONDUCTANCE: &[Unit] = &[unit("kw_k", 1e3), unit("w_k", 1.0), unit("mw_k", 1e6)];
const TEMPERATURE_DIFFERENCE: &[Unit] = &[unit("k", 1.0)];
const TIME: &[Unit] = &[unit("s", 1.0), unit("min", 60.0), unit("h", 3600.0)];
const HEAT_CAPACITY: &[Unit] = &[unit("kj_k", 1e3), unit("j_k", 1.0), unit("mj_k", 1e6)];
const THERMAL_RESISTANCE: &[Unit] = &[unit("k_w", 1.0), unit("k_kw", 1e-3)];
const CONDUCTIVITY: &[Unit] = &[unit("w_m_k", 1.0)];
const LINEAR_THERMAL_RESISTANCE: &[Unit] = &[unit("m_k_w", 1.0)];

impl Quantity {
    /// The largest magnitude a value of this quantity may have in SI, and why: far beyond any
    /// facility, so that only a wrong unit or a typo (`1e308`) is refused, before it reaches the
    /// solver as "undetermined".
    pub fn magnitude_limit(self) -> (f64, &'static str) {
        match self {
            Quantity::Length => (1e5, "100 km"),
            Quantity::Pressure => (1e8, "1000 bar"),
            Quantity::Temperature => (1273.15, "1000 °C"),
            Quantity::Power => (1e10, "10 GW"),
            Quantity::Flow => (1e5, "1e5 kg/s or m³/s"),
            Quantity::HeatTransferCoefficient => (1e6, "1e6 W/(m²·K)"),
            Quantity::Head => (1e4, "10 km of water"),
            Quantity::Volume => (1e7, "1e7 m³"),
            Quantity::Conductance => (1e10, "1e10 W/K"),
            Quantity::TemperatureDifference => (1000.0, "1000 K"),
            Quantity::Time => (1e9, "about 30 years"),
            Quantity::HeatCapacity => (1e12, "1e12 J/K"),
            Quantity::ThermalResistance => (1e6, "1e6 K/W"),
            Quantity::Conductivity => (1e4, "1e4 W/(m·K)"),
            Quantity::LinearThermalResistance => (1e6, "1e6 K·m/W"),
        }
    }

    /// The accepted units, the first being the one named in messages.
    pub fn units(self) -> &'static [Unit] {
        match self {
            Quantity::Length => LENGTH,
            Quantity::Pressure => PRESSURE,
            Quantity::Temperature => TEMPERATURE,
            Quantity::Power => POWER,
            Quantity::Flow => FLOW,
            Quantity::HeatTransferCoefficient => HEAT_TRANSFER,
            Quantity::Head => HEAD,
            Quantity::Volume => VOLUME,
            Quantity::Conductance => CONDUCTANCE,
            Quantity::TemperatureDifference => TEMPERATURE_DIFFERENCE,
            Quantity::Time => TIME,
            Quantity::HeatCapacity => HEAT_CAPACITY,
            Quantity::ThermalResistance => THERMAL_RESISTANCE,
            Quantity::Conductivity => CONDUCTIVITY,
            Quantity::LinearThermalResistance => LINEAR_THERMAL_RESISTANCE,
        }
    }

    /// Human name for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Quantity::Length => "a length",
            Quantity::Pressure => "a pressure",
            Quantity::Temperature => "a temperature",
            Quantity::Power => "a power",
            Quantity::Flow => "a flow",
            Quantity::HeatTransferCoefficient => "a heat-transfer coefficient",
            Quantity::Head => "a head",
            Quantity::Volume => "a volume",
            Quantity::Conductance => "a thermal conductance",
            Quantity::TemperatureDifference => "a temperature difference",
            Quantity::Time => "a duration",
            Quantity::HeatCapacity => "a heat capacity",
            Quantity::ThermalResistance => "a thermal resistance",
            Quantity::Conductivity => "a thermal conductivity",
            Quantity::LinearThermalResistance => "a thermal resistance per metre",
        }
    }

    /// The unit a report writes it in (the first of [`Quantity::units`] where that is
    /// readable: °C, kW, kg/s), with the factor and offset from SI: shown = SI · scale + offset.
    pub fn display(self) -> (&'static str, f64, f64) {
        match self {
            Quantity::Temperature => ("c", 1.0, -273.15),
            Quantity::Power => ("kw", 1e-3, 0.0),
            Quantity::Flow => ("kg_s", 1.0, 0.0),
            _ => {
                let u = self.units()[0];
                (u.suffix, 1.0 / u.scale, 0.0)
            }
        }
    }

    /// The accepted keys for `stem`, e.g. `length_m, length_mm, …`.
    pub fn accepted_keys(self, stem: &str) -> String {
        self.units()
            .iter()
            .map(|u| format!("{stem}_{}", u.suffix))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Every unit suffix known anywhere, to recognise "right stem, wrong unit".
pub fn looks_like_unit(suffix: &str) -> bool {
    const OTHERS: &[&str] = &[
        "ft", "in", "psi", "f", "gpm", "btu_h", "hp", "l_h", "kg_h", "m3_min", "atm", "mmh2o",
        "mwc", "pct", "percent",
    ];
    let all = [
        Quantity::Length,
        Quantity::Pressure,
        Quantity::Temperature,
        Quantity::Power,
        Quantity::Flow,
        Quantity::HeatTransferCoefficient,
        Quantity::Volume,
        Quantity::Conductance,
        Quantity::Time,
        Quantity::HeatCapacity,
        Quantity::ThermalResistance,
    ];
    OTHERS.contains(&suffix)
        || all
            .iter()
            .any(|q| q.units().iter().any(|u| u.suffix == suffix))
}
