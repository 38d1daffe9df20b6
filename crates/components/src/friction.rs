//! Darcy friction factor of a round pipe, with its derivative with respect to the Reynolds number.
//!
//! Laminar flow (Re ≤ 2300) follows Hagen–Poiseuille, f = 64/Re. Fully turbulent flow (Re ≥ 4000)
//! follows Colebrook–White (implicit, solved by Newton) or Swamee–Jain (its explicit
//! approximation, within about 1 % of Colebrook). Between the two, a cubic Hermite polynomial in Re
//! joins the laminar and turbulent values *and slopes*, so the pressure drop and its derivative are
//! continuous: Newton's method on the network never sees a jump.

use std::f64::consts::LN_10;

/// Upper Reynolds number of the laminar regime.
pub const RE_LAMINAR: f64 = 2300.0;
/// Lower Reynolds number of the fully turbulent regime.
pub const RE_TURBULENT: f64 = 4000.0;

/// Which turbulent friction law a pipe uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FrictionLaw {
    /// Colebrook–White, solved to machine precision (the reference law; pandapipes' default).
    #[default]
    Colebrook,
    /// Swamee–Jain explicit approximation of Colebrook.
    SwameeJain,
}

/// A friction factor and its derivative d f / d Re.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Friction {
    /// Darcy friction factor [-].
    pub factor: f64,
    /// Derivative of the factor with respect to the Reynolds number [-].
    pub d_factor_d_re: f64,
}

impl FrictionLaw {
    /// Darcy friction factor at Reynolds number `re` (> 0) and relative roughness
    /// `relative_roughness` = k / D [-].
    pub fn friction(self, re: f64, relative_roughness: f64) -> Friction {
        self.friction_with_hint(re, relative_roughness, &mut 0.0)
    }

    /// As [`FrictionLaw::friction`], with `hint` holding 1/√f of a previous call at a nearby
    /// Reynolds number (0 for none), updated on return: Colebrook's iteration then starts there
    /// and needs one or two steps instead of four. The result does not depend on the hint beyond
    /// rounding.
    pub fn friction_with_hint(self, re: f64, relative_roughness: f64, hint: &mut f64) -> Friction {
        if re <= RE_LAMINAR {
            laminar(re)
        } else if re >= RE_TURBULENT {
            self.turbulent(re, relative_roughness, hint)
        } else {
            self.transition(re, relative_roughness)
        }
    }

    fn turbulent(self, re: f64, relative_roughness: f64, hint: &mut f64) -> Friction {
        match self {
            FrictionLaw::Colebrook => colebrook(re, relative_roughness, hint),
            FrictionLaw::SwameeJain => swamee_jain(re, relative_roughness),
        }
    }

    /// Cubic Hermite interpolation between the laminar and turbulent ends, in Re.
    fn transition(self, re: f64, relative_roughness: f64) -> Friction {
        let lo = laminar(RE_LAMINAR);
        let hi = self.turbulent(RE_TURBULENT, relative_roughness, &mut 0.0);
        let h = RE_TURBULENT - RE_LAMINAR;
        let s = (re - RE_LAMINAR) / h;
        let (s2, s3) = (s * s, s * s * s);
        let h00 = 2.0 * s3 - 3.0 * s2 + 1.0;
        let h10 = s3 - 2.0 * s2 + s;
        let h01 = -2.0 * s3 + 3.0 * s2;
        let h11 = s3 - s2;
        let factor = h00 * lo.factor
            + h10 * h * lo.d_factor_d_re
            + h01 * hi.factor
            + h11 * h * hi.d_factor_d_re;
        let d00 = (6.0 * s2 - 6.0 * s) / h;
        let d10 = 3.0 * s2 - 4.0 * s + 1.0;
        let d01 = (-6.0 * s2 + 6.0 * s) / h;
        let d11 = 3.0 * s2 - 2.0 * s;
        let d_factor_d_re =
            d00 * lo.factor + d10 * lo.d_factor_d_re + d01 * hi.factor + d11 * hi.d_factor_d_re;
        Friction {
            factor,
            d_factor_d_re,
        }
    }
}

/// Hagen–Poiseuille: f = 64 / Re.
fn laminar(re: f64) -> Friction {
    Friction {
        factor: 64.0 / re,
        d_factor_d_re: -64.0 / (re * re),
    }
}

/// Colebrook–White, 1/√f = −2 log10(ε/3.71 + 2.51/(Re √f)), solved by Newton in x = 1/√f from
/// the Swamee–Jain start; the derivative follows by implicit differentiation. The constant 3.71
/// (rather than Colebrook's rounded 3.7) is the one pandapipes and TESPy use: their reference
/// friction factors are reproduced to 1e-9 with it, to 3e-4 without.
/// Newton converges quadratically: once a step is below 1e-7·x, the next would be below 1e-14·x.
fn colebrook(re: f64, relative_roughness: f64, hint: &mut f64) -> Friction {
    let a = relative_roughness / 3.71;
    let b = 2.51 / re;
    let mut x = if *hint > 0.0 {
        *hint
    } else {
        let g = relative_roughness / 3.7 + 5.74 / re.powf(0.9);
        -2.0 * g.log10()
    };
    for _ in 0..30 {
        let g = a + b * x;
        let residual = x + 2.0 * g.log10();
        let slope = 1.0 + 2.0 * b / (g * LN_10);
        let step = residual / slope;
        x -= step;
        if step.abs() <= 1e-7 * x {
            break;
        }
    }
    *hint = x;
    let g = a + b * x;
    // x = −2 log10(a + 2.51 x / Re): dx/dRe (1 + 2b/(g ln10)) = 2 b x / (g ln10 Re)
    let dx_dre = (2.0 * b * x / (g * LN_10 * re)) / (1.0 + 2.0 * b / (g * LN_10));
    let factor = 1.0 / (x * x);
    Friction {
        factor,
        d_factor_d_re: -2.0 * dx_dre / (x * x * x),
    }
}

/// Swamee–Jain: f = 0.25 / log10(ε/3.7 + 5.74 / Re^0.9)².
fn swamee_jain(re: f64, relative_roughness: f64) -> Friction {
    let g = relative_roughness / 3.7 + 5.74 / re.powf(0.9);
    let l = g.log10();
    let factor = 0.25 / (l * l);
    let dg_dre = -0.9 * 5.74 / re.powf(1.9);
    let d_factor_d_re = -0.5 / (l * l * l) * dg_dre / (g * LN_10);
    Friction {
        factor,
        d_factor_d_re,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colebrook_satisfies_its_equation() {
        for &re in &[4.0e3, 1.0e4, 2.0e5, 1.0e7] {
            for &rr in &[0.0, 1e-5, 3.3e-4, 1e-2] {
                let f = colebrook(re, rr, &mut 0.0).factor;
                let rhs = -2.0 * (rr / 3.71 + 2.51 / (re * f.sqrt())).log10();
                assert!((1.0 / f.sqrt() - rhs).abs() < 1e-12, "Re {re} rr {rr}");
            }
        }
    }

    #[test]
    fn colebrook_matches_tespy_check_value() {
        // TESPy loop check (../shared/data/validation/tespy): Re 234145.439, D = 0.1 m,
        // k = 0.045 mm gives λ = 0.0182839335 with TESPy's own Colebrook solve.
        let f = colebrook(234_145.439_151_660_28, 0.045e-3 / 0.1, &mut 0.0).factor;
        assert!((f / 0.018_283_933_511_396_545 - 1.0).abs() < 1e-9, "{f}");
        // pandapipes pipe PS0-1 (D 150 mm, k 0.05 mm).
        let f = colebrook(200_621.029_186_434_93, 0.05 / 150.0, &mut 0.0).factor;
        assert!((f / 0.017_904_342_072_880_195 - 1.0).abs() < 1e-9, "{f}");
    }

    #[test]
    fn swamee_jain_is_within_three_percent_of_colebrook() {
        // Swamee & Jain (1976) quote ±1 % over most of the range; the worst corner (Re 5000,
        // ε/D 0.01) reaches 2.8 %.
        for &re in &[5.0e3, 1.0e5, 1.0e7] {
            for &rr in &[1e-6, 1e-4, 1e-2] {
                let c = colebrook(re, rr, &mut 0.0).factor;
                let s = swamee_jain(re, rr).factor;
                assert!((s / c - 1.0).abs() < 0.03, "Re {re} rr {rr}: {s} vs {c}");
            }
        }
    }

    #[test]
    fn derivatives_match_finite_differences_in_every_regime() {
        for law in [FrictionLaw::Colebrook, FrictionLaw::SwameeJain] {
            for &re in &[500.0, 2299.0, 2500.0, 3200.0, 3999.0, 4001.0, 5e4, 3e6] {
                let h = re * 1e-6;
                let fd = (law.friction(re + h, 1e-4).factor - law.friction(re - h, 1e-4).factor)
                    / (2.0 * h);
                let an = law.friction(re, 1e-4).d_factor_d_re;
                assert!(
                    (fd - an).abs() <= 1e-5 * an.abs() + 1e-14,
                    "{law:?} Re {re}"
                );
            }
        }
    }

    #[test]
    fn hint_changes_nothing_but_the_work() {
        let mut hint = 0.0;
        let cold = FrictionLaw::Colebrook.friction(1.0e5, 3e-4);
        let first = FrictionLaw::Colebrook.friction_with_hint(1.0e5, 3e-4, &mut hint);
        assert!(hint > 0.0);
        let again = FrictionLaw::Colebrook.friction_with_hint(1.0e5, 3e-4, &mut hint);
        assert!((cold.factor - first.factor).abs() < 1e-15);
        assert!((cold.factor - again.factor).abs() < 1e-15);
        let nearby = FrictionLaw::Colebrook.friction_with_hint(1.2e5, 3e-4, &mut hint);
        let fresh = FrictionLaw::Colebrook.friction(1.2e5, 3e-4);
        assert!((nearby.factor - fresh.factor).abs() < 1e-15);
    }

    #[test]
    fn transition_is_continuous_at_both_ends() {
        let law = FrictionLaw::Colebrook;
        for &re in &[RE_LAMINAR, RE_TURBULENT] {
            let below = law.friction(re - 1e-7, 1e-4);
            let above = law.friction(re + 1e-7, 1e-4);
            assert!((below.factor - above.factor).abs() < 1e-9);
            assert!((below.d_factor_d_re - above.d_factor_d_re).abs() < 1e-9);
        }
    }
}
