//! The one check every component constructor makes of a user parameter: finite and within its
//! range, or an error naming it, its value and what was expected. Each component's error type
//! converts from [`InvalidParameter`] into its own `Parameter` variant.

/// A parameter outside what the component accepts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InvalidParameter {
    /// The parameter's name.
    pub name: &'static str,
    /// The value given.
    pub value: f64,
    /// What was expected.
    pub expected: &'static str,
}

/// `Ok` if `valid` and `value` is finite, else the error naming the parameter.
pub fn check(
    name: &'static str,
    value: f64,
    valid: bool,
    expected: &'static str,
) -> Result<(), InvalidParameter> {
    if valid && value.is_finite() {
        Ok(())
    } else {
        Err(InvalidParameter {
            name,
            value,
            expected,
        })
    }
}

/// Whether `v` is finite and > 0.
pub fn positive(v: f64) -> bool {
    v > 0.0 && v.is_finite()
}

/// The checks of a device's mixing volume: water held `volume_m3` > 0, wetted-metal capacity
/// `solid_capacity_j_k` ≥ 0 and the fill temperature `fill_k` > 0 K.
pub fn check_volume(
    volume_m3: f64,
    solid_capacity_j_k: f64,
    fill_k: f64,
) -> Result<(), InvalidParameter> {
    check(
        "volume_m3",
        volume_m3,
        volume_m3 > 0.0,
        "a finite volume > 0",
    )?;
    check(
        "solid_capacity_j_k",
        solid_capacity_j_k,
        solid_capacity_j_k >= 0.0,
        "a finite capacity ≥ 0",
    )?;
    check("fill_k", fill_k, fill_k > 0.0, "a finite temperature > 0 K")
}

/// `impl From<InvalidParameter>` for a component error with a
/// `Parameter { name, value, expected }` variant.
macro_rules! from_invalid_parameter {
    ($error:ty) => {
        impl From<$crate::parameter::InvalidParameter> for $error {
            fn from(p: $crate::parameter::InvalidParameter) -> Self {
                Self::Parameter {
                    name: p.name,
                    value: p.value,
                    expected: p.expected,
                }
            }
        }
    };
}
pub(crate) use from_invalid_parameter;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_non_finite_and_invalid_values() {
        assert!(check("x", 1.0, true, "any").is_ok());
        assert!(check("x", f64::NAN, true, "any").is_err());
        assert!(check("x", f64::INFINITY, true, "any").is_err());
        let e = check("ua_w_k", -1.0, false, "a finite UA ≥ 0").unwrap_err();
        assert_eq!(
            (e.name, e.value, e.expected),
            ("ua_w_k", -1.0, "a finite UA ≥ 0")
        );
    }
}
