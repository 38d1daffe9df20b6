//! What the operator knows and a simulation cannot: identity, floor areas, installed IT power,
//! redundancy, refrigerants, renewable purchases, ICT capacity and data traffic
//! (Delegated Regulation (EU) 2024/1364, Annexes I and II). Every field is optional: an absent
//! one is written as null with a note in the EU report, never invented.

use serde::{Deserialize, Serialize};

/// Site information for the EU report. Reads from TOML or JSON with these keys; unknown keys are
/// rejected so a misspelt key is not silently dropped.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SiteInfo {
    /// Annex I 1(a): data centre name.
    pub data_centre_name: Option<String>,
    /// Annex I 1(b): owner, name and contact details.
    pub owner: Option<String>,
    /// Annex I 1(b): operator, name and contact details.
    pub operator: Option<String>,
    /// Annex I 1(c): Eurostat Local Administrative Unit (LAU) code of the location.
    pub location_lau_code: Option<String>,
    /// Annex I 1(d): type, e.g. "enterprise data centre, structure".
    pub data_centre_type: Option<String>,
    /// Annex I 1(e): year and month of entry into operation, "YYYY-MM".
    pub entry_into_operation: Option<String>,
    /// Annex I 2(a): electrical redundancy at high voltage / low voltage / rack, e.g. "2N/N+1/N".
    pub electrical_redundancy: Option<String>,
    /// Annex I 2(b): cooling redundancy at room / rack level, e.g. "N+1/N".
    pub cooling_redundancy: Option<String>,
    /// Annex II 1(a): installed IT power demand PDIT, kW (nominal power of the installed IT; not
    /// the simulated draw).
    pub installed_it_power_demand_kw: Option<f64>,
    /// Annex II 1(a): which metric PDIT is, "installed" or "rated".
    pub it_power_metric: Option<String>,
    /// Annex II 1(b): data centre total floor area SDC, m².
    pub total_floor_area_m2: Option<f64>,
    /// Annex II 1(c): computer room floor area SCR, m².
    pub computer_room_floor_area_m2: Option<f64>,
    /// Annex II 1(d): energy from backup generators EDC-BG, kWh (not simulated).
    pub backup_generator_energy_kwh: Option<f64>,
    /// Annex II 1(f): electrical grid functions provided (e.g. "firm frequency response").
    pub grid_functions: Option<String>,
    /// Annex II 1(g): average battery capacity offered to the grid CBtG, kW.
    pub battery_capacity_to_grid_kw: Option<f64>,
    /// Annex II 1(h): the EN 50600-4-9 WUE category used, "1" or "2".
    pub wue_category: Option<String>,
    /// Annex II 1(i): share of the site water that is potable, 0–1 (WIN-POT = share × WIN).
    pub potable_water_share: Option<f64>,
    /// Annex II 1(l): average IT intake air setpoint TIN, °C.
    pub it_intake_air_setpoint_c: Option<f64>,
    /// Annex II 1(m): refrigerants used (common names, e.g. "R-1234ze").
    pub refrigerants: Option<Vec<String>>,
    /// Annex II 1(n): cooling degree days CDD at 21 °C base (Eurostat/JRC method), degree-days.
    pub cooling_degree_days: Option<f64>,
    /// Annex II 1(p): renewable energy from guarantees of origin ERES-GOO, kWh.
    pub renewable_goo_kwh: Option<f64>,
    /// Annex II 1(q): renewable energy from power purchase agreements ERES-PPA, kWh.
    pub renewable_ppa_kwh: Option<f64>,
    /// Annex II 1(r): on-site renewable energy ERES-OS, kWh; used only when the run does not
    /// simulate on-site generation.
    pub renewable_onsite_kwh: Option<f64>,
    /// Annex II 2(a): ICT capacity for servers CSERV (sum of SERT active-state performance).
    pub server_capacity_sert: Option<f64>,
    /// Annex II 2(b): ICT capacity for storage CSTOR, PB.
    pub storage_capacity_pb: Option<f64>,
    /// Annex II 3(a): incoming traffic bandwidth BIN, GB/s.
    pub incoming_bandwidth_gb_s: Option<f64>,
    /// Annex II 3(b): outgoing traffic bandwidth BOUT, GB/s.
    pub outgoing_bandwidth_gb_s: Option<f64>,
    /// Annex II 3(c): incoming data traffic, EB.
    pub incoming_traffic_eb: Option<f64>,
    /// Annex II 3(d): outgoing data traffic, EB.
    pub outgoing_traffic_eb: Option<f64>,
}
