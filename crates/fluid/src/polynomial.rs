//! Polynomials in a centred and scaled temperature.

/// Largest number of coefficients a [`Polynomial`] holds (degree 9: the enthalpy of a
/// degree-8 heat capacity).
pub(crate) const MAX_COEFFS: usize = 10;

/// `p(T) = Σ c_k τ^k` with `τ = (T − center) / scale`, `T` in kelvin.
///
/// The coefficients live in a fixed-size array (unused high-order entries are
/// zero), so evaluation is a short allocation-free Horner loop. Centring and
/// scaling keep the coefficients of similar magnitude and the evaluation well
/// conditioned.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Polynomial {
    coeffs: [f64; MAX_COEFFS],
    center_k: f64,
    scale_k: f64,
    inv_scale: f64,
}

impl Polynomial {
    /// Builds `Σ coeffs[k] ((T − center_k) / scale_k)^k`.
    ///
    /// # Panics
    /// If `coeffs` has more than [`MAX_COEFFS`] entries or `scale_k` is not a
    /// positive finite number (programming errors: all inputs are constants).
    pub(crate) fn new(coeffs: &[f64], center_k: f64, scale_k: f64) -> Self {
        assert!(
            coeffs.len() <= MAX_COEFFS,
            "polynomial degree above {}",
            MAX_COEFFS - 1
        );
        assert!(scale_k.is_finite() && scale_k > 0.0, "invalid scale");
        let mut c = [0.0; MAX_COEFFS];
        c[..coeffs.len()].copy_from_slice(coeffs);
        Self {
            coeffs: c,
            center_k,
            scale_k,
            inv_scale: 1.0 / scale_k,
        }
    }

    /// Value at temperature `t_k` (K).
    #[inline]
    pub(crate) fn eval(&self, t_k: f64) -> f64 {
        let tau = (t_k - self.center_k) * self.inv_scale;
        self.coeffs.iter().rev().fold(0.0, |acc, &c| acc * tau + c)
    }

    /// The antiderivative with respect to `T` (not `τ`) that vanishes at
    /// `T = center`: `∫ p dT = scale · Σ c_k τ^(k+1) / (k + 1)`.
    ///
    /// # Panics
    /// If the polynomial already uses all [`MAX_COEFFS`] coefficients.
    pub(crate) fn antiderivative(&self) -> Self {
        assert!(
            self.coeffs[MAX_COEFFS - 1] == 0.0,
            "antiderivative exceeds the maximum degree"
        );
        let mut c = [0.0; MAX_COEFFS];
        for k in 0..MAX_COEFFS - 1 {
            c[k + 1] = self.scale_k * self.coeffs[k] / (k as f64 + 1.0);
        }
        Self { coeffs: c, ..*self }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evaluates_in_scaled_variable() {
        // 1 + 2τ + 3τ², τ = (T − 300) / 10.
        let p = Polynomial::new(&[1.0, 2.0, 3.0], 300.0, 10.0);
        assert_eq!(p.eval(300.0), 1.0);
        assert!((p.eval(310.0) - 6.0).abs() < 1e-12);
        assert!((p.eval(280.0) - (1.0 - 4.0 + 12.0)).abs() < 1e-12);
    }

    #[test]
    fn antiderivative_differentiates_back() {
        let p = Polynomial::new(&[4.0, -1.5, 0.25, 0.125], 320.0, 40.0);
        let big_p = p.antiderivative();
        assert_eq!(big_p.eval(320.0), 0.0);
        for t in [280.0, 300.0, 333.3, 360.0] {
            let h = 1e-3;
            let fd = (big_p.eval(t + h) - big_p.eval(t - h)) / (2.0 * h);
            assert!((fd - p.eval(t)).abs() < 1e-7, "{fd} vs {}", p.eval(t));
        }
    }

    #[test]
    #[should_panic(expected = "maximum degree")]
    fn antiderivative_of_full_polynomial_panics() {
        let _ = Polynomial::new(&[1.0; MAX_COEFFS], 0.0, 1.0).antiderivative();
    }
}
