//! A temperature sensor in the water: its reading lags the water, faster the more water flows
//! past it, and drifts toward the room where the water stands still. The law of Modelica
//! Buildings' `TemperatureTwoPortSensor` with `transferHeat = true`:
//! dT_s/dt = (|ṁ|/ṁ_nominal)·(T_water − T_s)/τ + (T_room − T_s)/τ_loss.

use crate::parameter::check;

/// Default time constant at the nominal flow [s]: Modelica Buildings' 1 s (a bare probe; one
/// in a thermowell is nearer 10–30 s).
pub const DEFAULT_TIME_CONSTANT_S: f64 = 1.0;
/// Default time constant of the heat loss to the room [s]: Modelica Buildings' 1200 s, a
/// sensor and its pipe cooling in still water over tens of minutes.
pub const DEFAULT_HEAT_LOSS_TIME_S: f64 = 1200.0;
/// Default room temperature [K]: Modelica Buildings' 20 °C.
pub const DEFAULT_ROOM_K: f64 = 293.15;

/// Why a sensor's parameters cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SensorError {
    /// A parameter out of its physical range.
    #[error("temperature sensor parameter `{name}` = {value} is invalid: expected {expected}")]
    Parameter {
        /// The parameter's name.
        name: &'static str,
        /// The value given.
        value: f64,
        /// What was expected.
        expected: &'static str,
    },
}

crate::parameter::from_invalid_parameter!(SensorError);

/// A temperature sensor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TemperatureSensor {
    /// Time constant at the nominal flow [s].
    pub time_constant_s: f64,
    /// The flow at which the time constant holds [kg/s].
    pub nominal_flow_kg_s: f64,
    /// Time constant of the loss to the room [s].
    pub heat_loss_time_s: f64,
    /// The room's temperature [K].
    pub room_k: f64,
}

impl TemperatureSensor {
    /// A sensor of time constant `time_constant_s` at `nominal_flow_kg_s`, losing heat to a
    /// room at `room_k` with time constant `heat_loss_time_s`.
    pub fn new(
        time_constant_s: f64,
        nominal_flow_kg_s: f64,
        heat_loss_time_s: f64,
        room_k: f64,
    ) -> Result<TemperatureSensor, SensorError> {
        let positive = "a finite value > 0";
        check(
            "time_constant_s",
            time_constant_s,
            time_constant_s > 0.0,
            positive,
        )?;
        check(
            "nominal_flow_kg_s",
            nominal_flow_kg_s,
            nominal_flow_kg_s > 0.0,
            positive,
        )?;
        check(
            "heat_loss_time_s",
            heat_loss_time_s,
            heat_loss_time_s > 0.0,
            positive,
        )?;
        check("room_k", room_k, room_k > 0.0, "a temperature > 0 K")?;
        Ok(TemperatureSensor {
            time_constant_s,
            nominal_flow_kg_s,
            heat_loss_time_s,
            room_k,
        })
    }

    /// dT_s/dt [K/s] of a reading `reading_k` in water at `water_k` flowing at `flow_kg_s`
    /// (either way).
    pub fn derivative_k_s(&self, reading_k: f64, water_k: f64, flow_kg_s: f64) -> f64 {
        let (_, exchange) = self.slopes_per_s(flow_kg_s);
        exchange * (water_k - reading_k) + (self.room_k - reading_k) / self.heat_loss_time_s
    }

    /// ∂(dT_s/dt)/∂T_s and ∂(dT_s/dt)/∂T_water at flow `flow_kg_s` [1/s].
    pub fn slopes_per_s(&self, flow_kg_s: f64) -> (f64, f64) {
        let exchange = flow_kg_s.abs() / self.nominal_flow_kg_s / self.time_constant_s;
        (-exchange - 1.0 / self.heat_loss_time_s, exchange)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// At constant water temperature and flow the reading is a first-order lag to the mean of
    /// water and room weighted by their rates, k/τ and 1/τ_loss: integrated with small steps it
    /// matches the closed form to 1e-6 K; with no flow it relaxes to the room with τ_loss.
    #[test]
    fn the_reading_lags_the_water_and_drifts_to_the_room_when_it_stands() {
        let sensor = TemperatureSensor::new(5.0, 2.0, 600.0, 293.15).unwrap();
        for flow in [4.0, 0.5, 0.0] {
            let (water, start) = (343.15, 303.15);
            let (a, b) = sensor.slopes_per_s(flow);
            let rate = -a;
            let equilibrium = (b * water + sensor.room_k / 600.0) / rate;
            let (mut t, dt, end) = (start, 1e-3, 60.0);
            for _ in 0..(end / dt) as usize {
                // Midpoint: second order, 1e-9 K here.
                let half = t + 0.5 * dt * sensor.derivative_k_s(t, water, flow);
                t += dt * sensor.derivative_k_s(half, water, flow);
            }
            let exact = equilibrium + (start - equilibrium) * (-rate * end).exp();
            assert!((t - exact).abs() < 1e-6, "flow {flow}: {t} vs {exact}");
        }
        assert!(TemperatureSensor::new(0.0, 1.0, 1.0, 293.15).is_err());
    }
}
