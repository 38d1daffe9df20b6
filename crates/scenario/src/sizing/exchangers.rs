//! Heat exchangers with a supply controller (CDUs): the conductance that brings the
//! controlled side to its set-point at the design point's flows and inlet temperatures.

use super::group::{gather, generic_name};
use crate::design::DesignPoint;
use dctwin_model::{Device, Facility};
use dctwin_network::SteadyResult;
use serde::Serialize;

/// A heat exchanger (a template's together, at the instance that needs the most) at the
/// design point: the conductance that brings its controlled side to its set-point at the flows
/// and temperatures there, against the one it has.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExchangerSizing {
    /// Its name (a template's exchanger named once).
    pub name: String,
    /// Instances.
    pub count: usize,
    /// Heat it must move to hold its set-point [kW].
    pub duty_kw: f64,
    /// Water entering its hot and its cold side [°C].
    pub hot_in_c: f64,
    /// Water entering its cold side [°C].
    pub cold_in_c: f64,
    /// Its hot side's leaving set-point [°C].
    pub setpoint_c: f64,
    /// Where its hot side leaves now [°C].
    pub hot_out_c: f64,
    /// Its conductance at these flows [kW/K].
    pub ua_kw_k: f64,
    /// The conductance its set-point needs at these flows [kW/K]; `None`: none will do, the
    /// cold side's flow is too small (or too warm) for the duty.
    pub ua_needed_kw_k: Option<f64>,
}

/// Every exchanger with a supply controller, a template's together at the instance that needs
/// the most conductance (none possible first).
pub fn exchangers(
    facility: &Facility,
    point: &DesignPoint,
    steady: &SteadyResult,
) -> Vec<ExchangerSizing> {
    let network = &point.plant.network;
    let instances = facility.devices.iter().filter_map(|device| {
        let Device::HeatExchanger {
            name,
            hot,
            cold,
            exchanger,
            control: Some(control),
        } = device
        else {
            return None;
        };
        let (h, c) = (&steady.links[*hot], &steady.links[*cold]);
        let (m_h, m_c) = (h.mass_flow_kg_s.abs(), c.mass_flow_kg_s.abs());
        let (fluid_h, fluid_c) = (network.fluid_of(*hot), network.fluid_of(*cold));
        let cp_h = fluid_h.specific_heat_j_kg_k(0.5 * (h.inlet_k + control.setpoint_k));
        let cp_c = fluid_c.specific_heat_j_kg_k(c.inlet_k);
        let duty_w = m_h * cp_h * (h.inlet_k - control.setpoint_k);
        let (c_h, c_c) = (m_h * cp_h, m_c * cp_c);
        let (c_min, c_max) = (c_h.min(c_c), c_h.max(c_c));
        let span = h.inlet_k - c.inlet_k;
        let ua_needed = if c_min > 0.0 && span > 0.0 {
            let effectiveness = duty_w.max(0.0) / (c_min * span);
            (exchanger.arrangement)
                .ntu_for_effectiveness(effectiveness, c_min / c_max)
                .map(|ntu| ntu * c_min / 1e3)
        } else {
            None
        };
        let sizing = ExchangerSizing {
            name: generic_name(name),
            count: 1,
            duty_kw: duty_w / 1e3,
            hot_in_c: h.inlet_k - 273.15,
            cold_in_c: c.inlet_k - 273.15,
            setpoint_c: control.setpoint_k - 273.15,
            hot_out_c: h.outlet_k - 273.15,
            ua_kw_k: exchanger.ua_w_k(m_h, m_c) / 1e3,
            ua_needed_kw_k: ua_needed,
        };
        Some((sizing.name.clone(), sizing))
    });
    // Needs more: none possible, else a larger conductance.
    let needs = |e: &ExchangerSizing| e.ua_needed_kw_k.unwrap_or(f64::INFINITY);
    (gather(instances, |a, b| needs(a) > needs(b)).into_iter())
        .map(|(_, count, sizing)| ExchangerSizing { count, ..sizing })
        .collect()
}
