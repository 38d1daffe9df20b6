//! The bundle of transport and caloric properties at one temperature.

/// Thermophysical properties of a liquid at one temperature (SI units).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Properties {
    /// Density ρ [kg/m³].
    pub density_kg_m3: f64,
    /// Isobaric specific heat capacity c_p [J/(kg·K)].
    pub specific_heat_j_kg_k: f64,
    /// Dynamic viscosity μ [Pa·s].
    pub viscosity_pa_s: f64,
    /// Thermal conductivity λ [W/(m·K)].
    pub conductivity_w_m_k: f64,
}
