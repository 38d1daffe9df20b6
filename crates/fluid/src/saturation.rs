//! Where water boils: its saturation temperature at a loop's absolute pressure, so a loop
//! whose water would boil is named before it runs (IAPWS-95 through CoolProp, fitted in
//! `coefficients.rs`).

use crate::coefficients::{WATER_SATURATION_K, WATER_SATURATION_LN_P, WATER_SATURATION_P_PA};

/// Standard atmosphere [Pa]: a gauge pressure plus this is absolute.
pub const ATMOSPHERE_PA: f64 = 101_325.0;

/// Water's saturation temperature [K] at absolute pressure `p_abs_pa`, within 0.1 mK of
/// IAPWS-95 from 0.5 to 30 bar (boiling at 81–234 °C); held at those ends outside them (below
/// 0.5 bar a loop is not pressurised; above 30 bar water boils far above the 150 °C it is
/// modelled to). NaN for NaN.
pub fn saturation_temperature_k(p_abs_pa: f64) -> f64 {
    let (lo, hi) = WATER_SATURATION_P_PA;
    let (center, scale) = WATER_SATURATION_LN_P;
    let s = ((p_abs_pa.clamp(lo, hi) / 1e5).ln() - center) / scale;
    WATER_SATURATION_K
        .iter()
        .rev()
        .fold(0.0, |acc, c| acc * s + c)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// IAPWS-IF97's saturation table (its region 4, which agrees with IAPWS-95 to a few mK
    /// here): 1 bar 372.756 K, 4.7616 bar at 423.15 K (150 °C), 10 bar 453.028 K, 20 bar
    /// 485.527 K.
    #[test]
    fn water_boils_where_the_steam_tables_say() {
        for (p_bar, t_k) in [
            (1.0, 372.756),
            (4.7616, 423.15),
            (10.0, 453.028),
            (20.0, 485.527),
        ] {
            let t = saturation_temperature_k(p_bar * 1e5);
            assert!((t - t_k).abs() < 0.01, "{p_bar} bar: {t} vs {t_k}");
        }
        assert!(saturation_temperature_k(f64::NAN).is_nan());
    }
}
