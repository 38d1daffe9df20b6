//! dctwin's key performance indicators: PUE, partial PUEs, ERE, ERF, WUE, CUE and REF over a run
//! and per calendar month, thermal-compliance hours, and the EU data-centre report
//! (Delegated Regulation (EU) 2024/1364).
//!
//! The KPI layer knows nothing of the simulation: the scenario engine maps each reporting step to
//! an [`Interval`] (mean powers in W, amounts, extremes) and pushes it into an [`Accumulator`],
//! which keeps only running sums (compensated, so a year of minute steps adds up to within a
//! rounding or two), one set for the run and one per month. [`Accumulator::finish`] gives a
//! [`KpiReport`], written as JSON (read back by [`KpiReport::from_json`]), CSV or a terminal
//! table; [`compare`] puts two runs side by side; [`EuReport::build`] adds the site's information
//! for the EU report.
//!
//! # BOUNDARY
//!
//! What counts as data-centre energy and as reused energy, used everywhere in this crate:
//!
//! - **E_IT** = ∫ `it_power_w` dt: the electricity the IT equipment draws.
//! - **E_facility** (total data-centre energy, EDC) = E_IT + ∫ (`conversion_loss_w` + `pump_w` +
//!   `fan_w` + `heat_pump_w` + `chiller_w` + `other_facility_w`) dt.
//! - **Heat pumps** that lift the waste heat are **inside** the boundary: their electricity is
//!   facility energy, and the heat they deliver (waste heat plus their work) is reused energy.
//! - A **backup boiler** is **outside** (campus plant): its heat (`boiler_heat_w`) is neither
//!   facility energy nor reused data-centre heat; it is reported for information only.
//! - **E_reuse** = ∫ `reused_heat_w` dt: heat handed across the boundary to a consumer (heat
//!   network), measured at the hand-over point.
//! - Water is the site water of the cooling plant (evaporation, drift, blow-down), 1 kg = 1 L.
//! - On-site renewable generation (optional) is a supply, not a consumption: it does not change
//!   E_facility, and CUE is not netted for it.
//!
//! # Formulas and standards
//!
//! | KPI | formula | standard |
//! |---|---|---|
//! | PUE | E_facility / E_IT | ISO/IEC 30134-2 (EN 50600-4-2) |
//! | pPUE cooling | (E_IT + pumps + fans + chillers) / E_IT | partial PUE, ISO/IEC 30134-2 annex; The Green Grid |
//! | pPUE reuse | (E_IT + heat pumps) / E_IT | as above |
//! | ERE | (E_facility − E_reuse) / E_IT | The Green Grid (2010) |
//! | ERF | E_reuse / E_facility | ISO/IEC 30134-6 (EN 50600-4-6) |
//! | WUE | site water L / E_IT kWh | ISO/IEC 30134-9 (EN 50600-4-9) |
//! | CUE | Σ (E_facility kWh × grid kg CO₂/kWh) / E_IT kWh | ISO/IEC 30134-8 |
//! | REF | E_renewable on site / E_facility (only if given) | ISO/IEC 30134-3 (EN 50600-4-3) |
//!
//! Also: IT, facility, pump, fan, heat-pump, chiller energies (MWh), reused heat (MWh) and its
//! heat-weighted mean delivery temperature (°C), mean and peak IT power (kW), hours with any rack
//! above its ASHRAE W-class supply limit, hours with the highest supply above a set limit
//! ([`KpiSettings::supply_limit_k`]), peak chip and highest supply temperature (°C).
//!
//! **ERE may be negative**: with heat pumps the delivered heat includes their work, so E_reuse
//! can exceed E_facility; the facility then exports more heat than its whole energy use, and
//! ERE < 0 says so rather than being clamped.
//!
//! **No IT energy** in a period: every ratio is `None` (JSON `null`), never NaN or infinite.
//!
//! # Months
//!
//! An interval belongs to the UTC calendar month of its start; one that straddles a month
//! boundary is split at the boundary, each part taking its share of the energies and amounts in
//! proportion to time (extremes such as peak chip temperature apply to every part). The whole-run
//! sums take each interval unsplit, so they are exactly Σ power × duration.
//!
//! Units: SI (W, s, kg, K) in an [`Interval`]; MWh, m³, kg CO₂, kW, °C and hours in [`Kpis`] and
//! the reports.

#![warn(missing_docs)]

mod accumulator;
mod compare;
mod error;
pub mod eu_report;
mod interval;
mod kpis;
mod report;
mod site_info;
mod sum;

pub use accumulator::{Accumulator, KpiSettings};
pub use compare::compare;
pub use error::KpiError;
pub use eu_report::{EuReport, Indicator, IndicatorValue, ReportPeriod, Source};
pub use interval::Interval;
pub use kpis::Kpis;
pub use report::{KpiReport, MonthKpis};
pub use site_info::SiteInfo;
