//! Behaviour of the public API apart from the CoolProp comparison:
//! constructors and their errors, enthalpy and its inverse, out-of-range
//! evaluation.

use dctwin_fluid::{
    ENTHALPY_REFERENCE_K, Fluid, FluidError, FluidKind, GLYCOL_MASS_FRACTION_MAX,
    GLYCOL_MASS_FRACTION_MIN,
};

/// Water plus both glycols at several mass fractions, including the ends.
fn all_fluids() -> Vec<Fluid> {
    let mut fluids = vec![Fluid::water()];
    for kind in [FluidKind::PropyleneGlycol, FluidKind::EthyleneGlycol] {
        for x in [0.20, 0.25, 0.3, 0.333, 0.4, 0.45, 0.50] {
            fluids.push(Fluid::new(kind, x).expect("valid glycol"));
        }
    }
    fluids
}

/// `n + 1` evenly spaced temperatures over the valid range, ends included.
fn grid(fluid: &Fluid, n: usize) -> impl Iterator<Item = f64> {
    let (lo, hi) = fluid.valid_range_k();
    (0..=n).map(move |i| lo + (hi - lo) * i as f64 / n as f64)
}

#[test]
fn constructors_and_accessors() {
    let water = Fluid::water();
    assert_eq!(water.kind(), FluidKind::Water);
    assert_eq!(water.glycol_mass_fraction(), 0.0);
    assert_eq!(water.name(), "water");
    assert_eq!(water.valid_range_k(), (273.15, 423.15));
    assert_eq!(Fluid::new(FluidKind::Water, 0.0), Ok(water.clone()));
    assert_eq!(Fluid::from_name("water", None), Ok(water.clone()));
    assert_eq!(Fluid::from_name(" Water ", Some(0.0)), Ok(water));

    let pg = Fluid::from_name("propylene_glycol", Some(0.3)).unwrap();
    assert_eq!(pg, Fluid::new(FluidKind::PropyleneGlycol, 0.3).unwrap());
    assert_eq!(pg.kind(), FluidKind::PropyleneGlycol);
    assert_eq!(pg.glycol_mass_fraction(), 0.3);
    assert_eq!(pg.name(), "propylene_glycol 30 %");
    let (lo, hi) = pg.valid_range_k();
    assert!((lo - 263.361).abs() < 1e-3 && hi == 363.15, "{lo}..{hi}");
    let pg40 = Fluid::new(FluidKind::PropyleneGlycol, 0.4).unwrap();
    assert_eq!(pg40.valid_range_k(), (263.15, 363.15));

    let eg = Fluid::from_name("ethylene_glycol", Some(0.325)).unwrap();
    assert_eq!(eg.kind(), FluidKind::EthyleneGlycol);
    assert_eq!(eg.name(), "ethylene_glycol 32.5 %");

    for kind in FluidKind::ALL {
        assert_eq!(FluidKind::from_name(kind.name()), Ok(kind));
        assert_eq!(kind.to_string(), kind.name());
    }
}

#[test]
fn glycol_valid_range_follows_freezing_point() {
    for kind in [FluidKind::PropyleneGlycol, FluidKind::EthyleneGlycol] {
        for x in [0.2, 0.25, 0.3, 0.4, 0.5] {
            let f = Fluid::new(kind, x).unwrap();
            let (lo, hi) = f.valid_range_k();
            assert_eq!(hi, 363.15);
            assert_eq!(lo, (f.freezing_point_k() + 3.0).max(263.15));
            assert!(f.freezing_point_k() < 266.0 && f.freezing_point_k() > 230.0);
        }
    }
    let pg20 = Fluid::new(FluidKind::PropyleneGlycol, 0.2).unwrap();
    assert!((pg20.valid_range_k().0 - 268.977).abs() < 1e-3);
    let eg20 = Fluid::new(FluidKind::EthyleneGlycol, 0.2).unwrap();
    assert!((eg20.valid_range_k().0 - 268.201).abs() < 1e-3);
}

#[test]
fn constructor_errors() {
    let err = Fluid::new(FluidKind::Water, 0.3).unwrap_err();
    assert_eq!(err, FluidError::WaterWithGlycol { value: 0.3 });
    assert!(err.to_string().contains("0.0"), "{err}");
    assert!(Fluid::from_name("water", Some(0.2)).is_err());

    for kind in [FluidKind::PropyleneGlycol, FluidKind::EthyleneGlycol] {
        for x in [0.0, 0.19999, 0.50001, 1.0, -0.3, f64::NAN, f64::INFINITY] {
            let err = Fluid::new(kind, x).unwrap_err();
            assert!(
                matches!(err, FluidError::MassFractionOutOfRange { kind: k, .. } if k == kind),
                "{err:?}"
            );
            let msg = err.to_string();
            assert!(msg.contains("0.20..=0.50"), "{msg}");
            assert!(msg.contains(kind.name()), "{msg}");
        }
        assert!(Fluid::new(kind, GLYCOL_MASS_FRACTION_MIN).is_ok());
        assert!(Fluid::new(kind, GLYCOL_MASS_FRACTION_MAX).is_ok());

        let err = Fluid::from_name(kind.name(), None).unwrap_err();
        assert!(matches!(err, FluidError::MissingMassFraction { .. }));
        assert!(err.to_string().contains("0.20..=0.50"), "{err}");
    }

    for bad in ["glycol", "", "propylene glycol", "MPG"] {
        let err = Fluid::from_name(bad, Some(0.3)).unwrap_err();
        assert_eq!(
            err,
            FluidError::UnknownName {
                name: bad.to_string()
            }
        );
        let msg = err.to_string();
        for name in ["water", "propylene_glycol", "ethylene_glycol"] {
            assert!(msg.contains(name), "{msg}");
        }
    }
}

#[test]
fn enthalpy_is_zero_at_reference() {
    for f in all_fluids() {
        assert_eq!(f.enthalpy_j_kg(ENTHALPY_REFERENCE_K), 0.0, "{}", f.name());
    }
}

#[test]
fn enthalpy_round_trip() {
    for f in all_fluids() {
        let (lo, hi) = f.valid_range_k();
        let temps = grid(&f, 997).chain([lo - 50.0, lo - 0.5, hi + 0.5, hi + 100.0]);
        for t in temps {
            let h = f.enthalpy_j_kg(t);
            let back = f.temperature_from_enthalpy_k(h);
            assert!(
                (back - t).abs() < 1e-9,
                "{}: T = {t} K -> h = {h} J/kg -> T = {back} K",
                f.name()
            );
        }
    }
}

#[test]
fn enthalpy_derivative_is_specific_heat() {
    let step = 1e-3;
    for f in all_fluids() {
        let (lo, hi) = f.valid_range_k();
        let temps = grid(&f, 60).map(|t| t.clamp(lo + step, hi - step));
        for t in temps.chain([lo - 10.0, hi + 10.0]) {
            let dh_dt = (f.enthalpy_j_kg(t + step) - f.enthalpy_j_kg(t - step)) / (2.0 * step);
            let cp = f.specific_heat_j_kg_k(t);
            assert!(
                (dh_dt / cp - 1.0).abs() < 1e-7,
                "{} at {t} K: dh/dT = {dh_dt}, cp = {cp}",
                f.name()
            );
        }
        // Continuous across the ends of the range.
        for t in [lo, hi] {
            let jump = f.enthalpy_j_kg(t + 1e-9) - f.enthalpy_j_kg(t - 1e-9);
            assert!(jump.abs() < 1e-4, "{}: jump {jump} at {t} K", f.name());
        }
    }
}

#[test]
fn enthalpy_is_monotonic() {
    for f in all_fluids() {
        let mut last = f64::NEG_INFINITY;
        for t in grid(&f, 500) {
            let h = f.enthalpy_j_kg(t);
            assert!(h > last, "{}", f.name());
            last = h;
        }
    }
}

#[test]
fn out_of_range_is_finite_and_clamped() {
    for f in all_fluids() {
        let (lo, hi) = f.valid_range_k();
        for t in [-1e300, -273.15, 0.0, 100.0, lo - 1.0, hi + 1.0, 1e4, 1e300] {
            let p = f.properties(t);
            for v in [
                p.density_kg_m3,
                p.specific_heat_j_kg_k,
                p.viscosity_pa_s,
                p.conductivity_w_m_k,
            ] {
                assert!(v.is_finite() && v > 0.0, "{} at {t} K: {p:?}", f.name());
            }
            let clamped = f.properties(t.clamp(lo, hi));
            assert_eq!(p, clamped);
            assert_eq!(f.density_kg_m3(t), p.density_kg_m3);
            assert_eq!(f.specific_heat_j_kg_k(t), p.specific_heat_j_kg_k);
            assert_eq!(f.viscosity_pa_s(t), p.viscosity_pa_s);
            assert_eq!(f.conductivity_w_m_k(t), p.conductivity_w_m_k);
            assert!(f.enthalpy_j_kg(t).is_finite());
            assert!(
                f.temperature_from_enthalpy_k(f.enthalpy_j_kg(t))
                    .is_finite()
            );
        }
        for t in [f64::INFINITY, f64::NEG_INFINITY] {
            let p = f.properties(t);
            assert!(p.density_kg_m3.is_finite() && p.viscosity_pa_s.is_finite());
        }
        assert!(f.properties(f64::NAN).density_kg_m3.is_nan());
        assert!(f.temperature_from_enthalpy_k(f64::NAN).is_nan());
        for h in [-1e12, -1e6, 1e6, 1e12] {
            assert!(f.temperature_from_enthalpy_k(h).is_finite());
        }
    }
}

#[test]
fn physically_sensible_trends() {
    for f in all_fluids() {
        let mut last_mu = f64::INFINITY;
        for t in grid(&f, 100) {
            let p = f.properties(t);
            assert!(
                p.viscosity_pa_s < last_mu,
                "{}: viscosity must fall",
                f.name()
            );
            last_mu = p.viscosity_pa_s;
            assert!((900.0..1100.0).contains(&p.density_kg_m3));
            // Water's c_p rises to 4.31 kJ/(kg·K) at 150 °C.
            assert!((3000.0..4400.0).contains(&p.specific_heat_j_kg_k));
            assert!((0.3..0.7).contains(&p.conductivity_w_m_k));
        }
    }
    // More glycol: denser, lower heat capacity, more viscous, less conductive.
    for kind in [FluidKind::PropyleneGlycol, FluidKind::EthyleneGlycol] {
        let lean = Fluid::new(kind, 0.2).unwrap().properties(293.15);
        let rich = Fluid::new(kind, 0.5).unwrap().properties(293.15);
        assert!(rich.density_kg_m3 > lean.density_kg_m3);
        assert!(rich.specific_heat_j_kg_k < lean.specific_heat_j_kg_k);
        assert!(rich.viscosity_pa_s > lean.viscosity_pa_s);
        assert!(rich.conductivity_w_m_k < lean.conductivity_w_m_k);
    }
}

/// The near-guess inverse agrees with the full search, from guesses close by and far off.
#[test]
fn enthalpy_inverse_from_a_guess_matches_the_search() {
    for f in [
        Fluid::water(),
        Fluid::new(FluidKind::PropyleneGlycol, 0.3).unwrap(),
    ] {
        for t in [275.0, 300.0, 313.15, 333.15, 350.0] {
            let h = f.enthalpy_j_kg(t);
            for guess in [t - 0.01, t + 2.0, t - 30.0, 200.0] {
                let near = f.temperature_from_enthalpy_near_k(h, guess);
                assert!((near - t).abs() < 1e-9, "{t} from {guess}: {near}");
            }
        }
    }
}
