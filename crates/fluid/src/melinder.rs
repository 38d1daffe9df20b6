//! Melinder (2010) correlations for aqueous propylene and ethylene glycol.
//!
//! Source: Å. Melinder, *Properties of Secondary Working Fluids for Indirect
//! Systems*, 2nd ed., International Institute of Refrigeration, Paris, 2010.
//! The coefficient tables below are the ones CoolProp uses for its
//! incompressible mixtures `INCOMP::MPG` and `INCOMP::MEG` (CoolProp's
//! `MelinderFluids.py`), transcribed verbatim.
//!
//! Every property is the double polynomial
//!
//! ```text
//! f(x, T) = Σ_i Σ_j c_ij · (100·(x − x_m))^i · (T − T_m)^j
//! ```
//!
//! with `x` the glycol mass fraction (Melinder tabulates per cent), `T` the
//! temperature, `i ≤ 5`, `j ≤ 3` and `i + j ≤ 5`. The freezing point uses only
//! the `j = 0` terms and is in °C; viscosity is `ln(μ / (mPa·s))`. The tables
//! cover 0 ≤ x ≤ 0.6 from the freezing point to 100 °C.

/// Exponents `(i, j)` of `(100·(x − x_m))^i · (T − T_m)^j` for each table row,
/// in Melinder's row order.
const EXPONENTS: [(i32, i32); 18] = [
    (0, 0),
    (0, 1),
    (0, 2),
    (0, 3),
    (1, 0),
    (1, 1),
    (1, 2),
    (1, 3),
    (2, 0),
    (2, 1),
    (2, 2),
    (2, 3),
    (3, 0),
    (3, 1),
    (3, 2),
    (4, 0),
    (4, 1),
    (5, 0),
];

/// Columns of a Melinder table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Column {
    /// Freezing point [°C].
    FreezingPoint = 0,
    /// Density [kg/m³].
    Density = 1,
    /// Specific heat capacity [J/(kg·K)].
    SpecificHeat = 2,
    /// Thermal conductivity [W/(m·K)].
    Conductivity = 3,
    /// Natural logarithm of dynamic viscosity in mPa·s.
    LnViscosityMpaS = 4,
}

/// One fluid's Melinder coefficient table.
#[derive(Debug)]
pub(crate) struct MelinderTable {
    /// Mean temperature `T_m` of the table (K).
    pub(crate) t_mean_k: f64,
    /// Mean mass fraction `x_m` of the table [-].
    pub(crate) x_mean: f64,
    /// Rows in the order of [`EXPONENTS`]; columns as in [`Column`].
    coeffs: [[f64; 5]; 18],
}

impl MelinderTable {
    /// Coefficients `a_j` of `Σ_j a_j (T − T_m)^j` for `column` at mass
    /// fraction `x`.
    pub(crate) fn temperature_polynomial(&self, column: Column, x: f64) -> [f64; 4] {
        let dx = 100.0 * (x - self.x_mean);
        let mut a = [0.0; 4];
        for (row, &(i, j)) in self.coeffs.iter().zip(EXPONENTS.iter()) {
            a[j as usize] += row[column as usize] * dx.powi(i);
        }
        a
    }

    /// Freezing point (K) at mass fraction `x`.
    pub(crate) fn freezing_point_k(&self, x: f64) -> f64 {
        273.15 + self.temperature_polynomial(Column::FreezingPoint, x)[0]
    }
}

/// Propylene glycol / water (CoolProp `MPG`).
pub(crate) const PROPYLENE_GLYCOL: MelinderTable = MelinderTable {
    t_mean_k: 32.7083 + 273.15,
    x_mean: 30.7031 / 100.0,
    coeffs: [
        [-13.25, 1018.0, 3882.0, 0.4513, 0.6837],
        [-0.0000382, -0.5406, 2.699, 0.0007955, -0.03045],
        [0.0000007865, -0.002666, -0.001659, 0.00000003482, 0.0002525],
        [
            -0.000000001733,
            0.00001347,
            -0.00001032,
            -0.000000005966,
            -0.000001399,
        ],
        [-0.6631, 0.7604, -13.04, -0.004795, 0.03328],
        [0.000006774, -0.00945, 0.0507, -0.00001678, -0.0003984],
        [
            -0.00000006242,
            0.00005541,
            -0.00004752,
            0.00000008941,
            0.000004332,
        ],
        [
            -0.0000000007819,
            -0.0000001343,
            0.000001522,
            0.0000000001493,
            -0.0000000186,
        ],
        [-0.01094, -0.002498, -0.1598, 0.00002076, 0.00005453],
        [
            0.00000005332,
            0.000027,
            0.00009534,
            0.0000001563,
            -0.000000086,
        ],
        [
            -0.000000004169,
            -0.0000004018,
            0.00001167,
            -0.000000004615,
            -0.00000001593,
        ],
        [
            0.00000000003288,
            0.000000003376,
            -0.0000000487,
            0.000000000009897,
            -0.00000000004465,
        ],
        [-0.0002283, -0.000155, 0.0003539, -0.00000009083, -0.0000039],
        [
            -0.00000001131,
            0.000002829,
            0.00003102,
            -0.000000002518,
            0.0000001054,
        ],
        [
            0.0000000001918,
            -0.000000007175,
            -0.000000295,
            0.00000000006543,
            -0.000000001589,
        ],
        [
            -0.000003409,
            -0.000001131,
            0.00005,
            -0.0000000005952,
            -0.00000001587,
        ],
        [
            0.00000000008035,
            -0.00000002221,
            -0.0000007135,
            -0.00000000003605,
            0.0000000004475,
        ],
        [
            0.00000001465,
            0.00000002342,
            -0.0000004959,
            0.00000000002104,
            0.000000003564,
        ],
    ],
};

/// Ethylene glycol / water (CoolProp `MEG`).
pub(crate) const ETHYLENE_GLYCOL: MelinderTable = MelinderTable {
    t_mean_k: 31.728 + 273.15,
    x_mean: 30.8462 / 100.0,
    coeffs: [
        [-15.25, 1034.0, 3737.0, 0.472, 0.4705],
        [-0.000001566, -0.4781, 2.93, 0.0008903, -0.0255],
        [-0.0000002278, -0.002692, -0.004675, -0.000001058, 0.0001782],
        [
            0.000000002169,
            0.000004725,
            -0.00001389,
            -0.000000002789,
            -0.0000007669,
        ],
        [-0.808, 1.311, -17.99, -0.004286, 0.02471],
        [-0.000001339, -0.006876, 0.1046, -0.00001473, -0.0001171],
        [
            0.00000002047,
            0.00004805,
            -0.0004147,
            0.0000001059,
            0.000001052,
        ],
        [
            -0.00000000002717,
            0.0000000169,
            0.0000001847,
            -0.0000000001142,
            -0.00000001634,
        ],
        [-0.01334, 0.0000749, -0.09933, 0.00001747, 0.000003328],
        [
            0.00000006322,
            0.00007855,
            0.0003516,
            0.00000006814,
            0.000001086,
        ],
        [
            0.0000000002373,
            -0.0000003995,
            0.000005109,
            -0.000000003612,
            0.00000001051,
        ],
        [
            -0.000000000002183,
            0.000000004982,
            -0.00000007138,
            0.000000000002365,
            -0.0000000006475,
        ],
        [-0.00007293, -0.0001062, 0.00261, 0.00000003017, 0.000001659],
        [
            0.000000001764,
            0.000001229,
            -0.000001189,
            -0.000000002412,
            0.000000003157,
        ],
        [
            -0.00000000002442,
            -0.00000001153,
            -0.0000001643,
            0.00000000004004,
            0.0000000004063,
        ],
        [
            0.000001006,
            -0.0000009623,
            0.00001537,
            -0.000000001322,
            0.00000003089,
        ],
        [
            -0.00000000007662,
            -0.00000007211,
            -0.0000004272,
            0.00000000002555,
            0.0000000001831,
        ],
        [
            0.00000000114,
            0.00000004891,
            -0.000001618,
            0.00000000002678,
            -0.000000001865,
        ],
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_means_reproduce_leading_coefficients() {
        // At x = x_m and T = T_m only c_00 contributes.
        let t = &PROPYLENE_GLYCOL;
        let rho = t.temperature_polynomial(Column::Density, t.x_mean);
        assert_eq!(rho[0], 1018.0);
        assert_eq!(t.freezing_point_k(t.x_mean), 273.15 - 13.25);
    }

    #[test]
    fn freezing_point_falls_with_concentration() {
        for table in [&PROPYLENE_GLYCOL, &ETHYLENE_GLYCOL] {
            let mut last = f64::INFINITY;
            for k in 0..=30 {
                let tf = table.freezing_point_k(0.2 + 0.01 * f64::from(k));
                assert!(tf < last);
                last = tf;
            }
        }
    }
}
