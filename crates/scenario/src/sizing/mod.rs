//! Sizing at the design point ([`crate::design`]): what each pipe's diameter, each pump's
//! duty and each plant device's size should be for what the design asks, and whether the
//! design's limits hold. A template's instances are reported together ([`group`]).
//!
//! - **Loops** ([`loops`]). Per loop its flow, fastest and steepest pipes, what its pumps
//!   give, and what holds it back.
//! - **Pipes** ([`pipes`]). The smallest nominal diameter of the steel series
//!   [`STEEL_SERIES`] whose velocity stays within the band of its size (lower for small pipes:
//!   noise and erosion at fittings) and whose friction gradient stays under a limit, at the
//!   largest flow any instance of the pipe carries. Each proposal says which of the two
//!   limited it.
//! - **Pumps** ([`pumps`]). The duty (flow and head at the design point, the head with a
//!   margin for fouling and wear), its power, and a generic curve through it,
//!   H = H₀·(1 − (Q/Q₀)²) with the duty at half the shut-off flow (H₀ = 4/3·H, Q₀ = 2·Q); a
//!   pump at its speed limit is flagged: it cannot deliver what its loop asks.
//! - **Exchangers** ([`exchangers`]). The conductance a CDU's set-point needs.
//! - **Plant** ([`plant`]). Each device's variables there, and the size each proposes for
//!   itself (a dry cooler's coils and fans for the design day, a heat-pump bank's capacity
//!   for the sink's peak).
//! - **Limits** ([`limits`]). Every device's alarm limit (a rack's W-class supply and its
//!   chip, a heat pump's evaporator) at the design point, with its margin; every PI loop at a
//!   limit of its output.
//! - **Design flows** ([`design_flows`]). Where the design flows are not reached, what
//!   reaching them needs.
//!
//! The Markdown report is [`Sizing::markdown`] (`report.rs`).

pub mod design_flows;
mod edge;
pub mod exchangers;
pub mod group;
pub mod limits;
pub mod loops;
pub mod pipes;
pub mod plant;
pub mod pumps;
mod report;
pub mod rules;

use crate::design::{
    DesignPoint, DesignWeather, Resize, design_point, design_point_resized, heat_recovery_off,
};
use dctwin_model::Facility;
use serde::Serialize;

pub use design_flows::{DesignFlows, PlantChange, RaisedPump, design_flows, short_loops};
pub use exchangers::ExchangerSizing;
pub use group::generic_name;
pub use limits::LimitCheck;
pub use loops::LoopSizing;
pub use pipes::{PipeSizing, STEEL_SERIES};
pub use plant::{DeviceAtDesign, DeviceProposal, ProposedFigure};
pub use pumps::PumpSizing;
pub use rules::SizingRules;

/// A model sized at its design point.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sizing {
    /// The model's name.
    pub model: String,
    /// Outdoor dry bulb [°C] and relative humidity [-] of the design point.
    pub weather: (f64, f64),
    /// The rules applied.
    pub rules: SizingRules,
    /// Each loop: its flow, fastest and steepest pipes, pumps and what holds it back.
    pub loops: Vec<LoopSizing>,
    /// Each pipe.
    pub pipes: Vec<PipeSizing>,
    /// Each pump.
    pub pumps: Vec<PumpSizing>,
    /// Each controlled heat exchanger (a CDU).
    pub exchangers: Vec<ExchangerSizing>,
    /// The plant's devices and couplings other than racks, at the design point.
    pub devices: Vec<DeviceAtDesign>,
    /// The size each plant device that proposes one asks for its duty at the design point.
    pub proposals: Vec<DeviceProposal>,
    /// Each device's alarm limits, the worst instance of each template's device.
    /// (A run's informational alarms, such as a boiler switching on, count as breached when
    /// they would be raised.)
    pub limits: Vec<LimitCheck>,
    /// The PI loops at a limit of their output.
    pub controllers_at_limit: Vec<String>,
    /// Where the design flows are not reached: what reaching them needs.
    pub design_flows: Option<DesignFlows>,
    /// Why the search for the design flows failed, if it did.
    pub design_flows_error: Option<String>,
    /// Why the plant does not come to rest with its heat recovery off, if it does not: its
    /// rejecters are then sized with the recovery on.
    pub recovery_off_error: Option<String>,
}

/// Everything `dctwin size` reports of `facility` (named `model`) at `weather`: its design
/// point, its rejecters with the heat recovery off, and where the design flows are not
/// reached, at either point, what reaching them needs, holding at both. A plant that does not
/// come to rest with its heat recovery off, and a failed search, are reported, not raised:
/// this fails only where no design point is found.
pub fn size_at(
    facility: &Facility,
    model: &str,
    weather: DesignWeather,
    rules: SizingRules,
) -> Result<Sizing, dctwin_sim::SimError> {
    let point = design_point(facility, weather)?;
    let off = heat_recovery_off(&point.plant);
    let (without_recovery, off_error) = match off.is_empty() {
        true => (None, None),
        false => match design_point_resized(facility, weather, &off) {
            Ok(p) => (Some(p), None),
            Err(e) => (None, Some(e.to_string())),
        },
    };
    let rejecters = without_recovery.as_ref().unwrap_or(&point);
    let mut sizing = size(facility, model, &point, rejecters, weather, rules);
    sizing.recovery_off_error = off_error;
    let mut short = short_loops(&point);
    short.extend(short_loops(rejecters));
    short.sort_unstable();
    short.dedup();
    // The rejecters' worst case first: the plant reported at the design flows is that one.
    let bases: Vec<&[Resize]> = match without_recovery {
        Some(_) => vec![&off, &[]],
        None => vec![&[]],
    };
    if !short.is_empty() {
        match design_flows(facility, &short, weather, &rules, &bases) {
            Ok(d) => sizing.design_flows = d,
            Err(e) => sizing.design_flows_error = Some(e.to_string()),
        }
    }
    Ok(sizing)
}

/// Size `facility` at its design point `point` by `rules`; its rejecters at `rejecters`, the
/// same point with the heat recovery off ([`crate::design::heat_recovery_off`]; `point` itself
/// where the model has no heat pumps).
pub fn size(
    facility: &Facility,
    model: &str,
    point: &DesignPoint,
    rejecters: &DesignPoint,
    weather: DesignWeather,
    rules: SizingRules,
) -> Sizing {
    let steady = &point.rest.steady;
    Sizing {
        model: model.to_string(),
        weather: (weather.dry_bulb_k - 273.15, weather.relative_humidity),
        rules,
        loops: loops::loops(point),
        pipes: pipes::pipes(point, steady, &rules),
        pumps: pumps::pumps(point, steady, &rules),
        exchangers: exchangers::exchangers(facility, point, steady),
        devices: plant::devices(point),
        proposals: plant::proposals(point, rejecters),
        limits: limits::limits(point),
        controllers_at_limit: limits::controllers_at_limit(&point.rest.controllers),
        design_flows: None,
        design_flows_error: None,
        recovery_off_error: None,
    }
}
