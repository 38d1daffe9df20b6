//! Units of trace columns, as users write them in a scenario, and their conversion to SI.
//!
//! Accepted (case as shown; `°` may be written `deg`):
//! * power: `W`, `kW`, `MW`, `GW` → W, must be ≥ 0 (a trace's power is a draw or a demand);
//! * temperature: `K`, `degC` (`C`, `°C`), `degF` (`°F`) → K, must be above absolute zero;
//! * fraction: `1` (0..1) or `%` (0..100) → 1, must lie in 0..1 (utilisation, load);
//! * volume flow: `m3/s`, `m3/h`, `l/s`, `l/h` → m³/s, must be ≥ 0;
//! * mass flow: `kg/s`, `kg/h`, `t/h` → kg/s, must be ≥ 0;
//! * a plain number without unit (a pump's speed ratio): `-`, any finite value;
//! * pressure (absolute, e.g. a weather station's): `Pa`, `hPa`, `kPa` → Pa, must be > 0;
//! * energy as a cumulative meter register: `J`, `Wh`, `kWh`, `MWh` → the mean power over each
//!   step in W (the register's rise over the step divided by its length), e.g. the Danish smart
//!   heat meter's `energy_heat_kwh`. The register must not fall.

/// What a column measures, and so its SI unit on the grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    /// Power [W].
    Power,
    /// Temperature [K].
    Temperature,
    /// Dimensionless fraction 0..1.
    Fraction,
    /// Volume flow [m³/s].
    VolumeFlow,
    /// Mass flow [kg/s].
    MassFlow,
    /// A plain number [-] (a ratio that may exceed 1).
    Number,
    /// Absolute pressure [Pa].
    Pressure,
    /// A cumulative energy register, delivered as mean power over each step [W].
    EnergyRegister,
}

impl Quantity {
    /// The SI unit of the values delivered on the grid.
    pub fn si_unit(self) -> &'static str {
        match self {
            Quantity::Power | Quantity::EnergyRegister => "W",
            Quantity::Temperature => "K",
            Quantity::Fraction => "1",
            Quantity::VolumeFlow => "m3/s",
            Quantity::MassFlow => "kg/s",
            Quantity::Number => "-",
            Quantity::Pressure => "Pa",
        }
    }

    /// The accepted range of a value once in SI, and its wording for errors. Temperatures
    /// only exclude the impossible; powers and flows exclude negative draws.
    pub(crate) fn check(self, si: f64) -> Result<(), &'static str> {
        let ok = match self {
            Quantity::Power
            | Quantity::VolumeFlow
            | Quantity::MassFlow
            | Quantity::EnergyRegister => si >= 0.0,
            Quantity::Number => true,
            Quantity::Temperature | Quantity::Pressure => si > 0.0,
            Quantity::Fraction => (0.0..=1.0).contains(&si),
        };
        if ok {
            Ok(())
        } else {
            Err(match self {
                Quantity::Power => "a power must not be negative",
                Quantity::VolumeFlow => "a volume flow must not be negative",
                Quantity::MassFlow => "a mass flow must not be negative",
                Quantity::Number => "a number must be finite",
                Quantity::EnergyRegister => "an energy register must not be negative",
                Quantity::Temperature => "a temperature must be above absolute zero",
                Quantity::Pressure => "an absolute pressure must be positive",
                Quantity::Fraction => "a fraction must lie in 0..1 (0..100 %)",
            })
        }
    }
}

/// A unit: what it measures and the affine map to SI, si = value·factor + offset.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Unit {
    /// What the unit measures.
    pub quantity: Quantity,
    /// Multiplier to SI.
    pub factor: f64,
    /// Added after the multiplier (temperatures only) [SI unit].
    pub offset: f64,
}

/// The list of accepted units, for error messages.
pub const ACCEPTED_UNITS: &str = "accepted: W, kW, MW, GW; K, degC (C, °C), degF (°F); 1, %; \
     m3/s, m3/h, l/s, l/h; kg/s, kg/h, t/h; - (a plain number); Pa, hPa, kPa; cumulative \
     registers J, Wh, kWh, MWh";

impl Unit {
    /// Parse a unit string; `None` if it is not one of [`ACCEPTED_UNITS`].
    pub fn parse(text: &str) -> Option<Unit> {
        use Quantity::*;
        let unit = |quantity, factor| Unit {
            quantity,
            factor,
            offset: 0.0,
        };
        Some(match text.trim() {
            "W" => unit(Power, 1.0),
            "kW" => unit(Power, 1e3),
            "MW" => unit(Power, 1e6),
            "GW" => unit(Power, 1e9),
            "K" => unit(Temperature, 1.0),
            "degC" | "C" | "°C" => Unit {
                quantity: Temperature,
                factor: 1.0,
                offset: 273.15,
            },
            "degF" | "°F" => Unit {
                quantity: Temperature,
                factor: 5.0 / 9.0,
                offset: 273.15 - 32.0 * 5.0 / 9.0,
            },
            "1" => unit(Fraction, 1.0),
            "%" => unit(Fraction, 0.01),
            "m3/s" => unit(VolumeFlow, 1.0),
            "m3/h" => unit(VolumeFlow, 1.0 / 3600.0),
            "l/s" => unit(VolumeFlow, 1e-3),
            "l/h" => unit(VolumeFlow, 1e-3 / 3600.0),
            "kg/s" => unit(MassFlow, 1.0),
            "kg/h" => unit(MassFlow, 1.0 / 3600.0),
            "t/h" => unit(MassFlow, 1.0 / 3.6),
            "-" => unit(Number, 1.0),
            "Pa" => unit(Pressure, 1.0),
            "hPa" => unit(Pressure, 100.0),
            "kPa" => unit(Pressure, 1e3),
            "J" => unit(EnergyRegister, 1.0),
            "Wh" => unit(EnergyRegister, 3600.0),
            "kWh" => unit(EnergyRegister, 3.6e6),
            "MWh" => unit(EnergyRegister, 3.6e9),
            _ => return None,
        })
    }

    /// `value` in this unit, in SI.
    pub fn to_si(&self, value: f64) -> f64 {
        value * self.factor + self.offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions() {
        let c = Unit::parse("degC").unwrap();
        assert!((c.to_si(25.0) - 298.15).abs() < 1e-12);
        let f = Unit::parse("degF").unwrap();
        assert!((f.to_si(212.0) - 373.15).abs() < 1e-9);
        assert_eq!(Unit::parse("MW").unwrap().to_si(1.5), 1.5e6);
        assert_eq!(Unit::parse("%").unwrap().to_si(50.0), 0.5);
        assert_eq!(Unit::parse("hPa").unwrap().to_si(1013.25), 101_325.0);
        assert_eq!(Unit::parse("t/h").unwrap().to_si(3.6), 1.0);
        assert_eq!(Unit::parse("-").unwrap().quantity, Quantity::Number);
        assert!(Unit::parse("kw").is_none());
        assert!(Unit::parse("Wh-per-step").is_none());
    }
}
