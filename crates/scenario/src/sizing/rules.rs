//! What the proposals aim at: velocity bands, the gradient limit and the pump's margin.

use serde::Serialize;

/// What the proposals aim at.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SizingRules {
    /// Highest velocity up to DN 50, to DN 150, to DN 300, above [m/s] (VDI 2073's usual band
    /// for closed water circuits, 0.5–3 m/s, lower for small pipes).
    pub max_velocity_m_s: [f64; 4],
    /// Lowest velocity before a pipe counts as oversized [m/s].
    pub min_velocity_m_s: f64,
    /// Highest friction gradient [Pa/m] (100–300 Pa/m is the usual design range).
    pub max_gradient_pa_m: f64,
    /// Margin on a pump's head [-].
    pub head_margin: f64,
}

impl Default for SizingRules {
    fn default() -> Self {
        SizingRules {
            max_velocity_m_s: [1.5, 2.0, 2.5, 3.0],
            min_velocity_m_s: 0.5,
            max_gradient_pa_m: 300.0,
            head_margin: 0.1,
        }
    }
}

impl SizingRules {
    /// Highest velocity for nominal diameter `dn` [m/s].
    pub fn max_velocity(&self, dn: u32) -> f64 {
        let v = self.max_velocity_m_s;
        match dn {
            ..=50 => v[0],
            51..=150 => v[1],
            151..=300 => v[2],
            _ => v[3],
        }
    }
}
