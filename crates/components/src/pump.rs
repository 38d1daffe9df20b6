//! A centrifugal pump: head curve at rated speed, affinity laws for other speeds, efficiency curve,
//! and three ways of running it (fixed speed, held to a Δp, held to a flow).

use crate::hydraulic::{FluidState, HydraulicLaw, square_law};

/// Standard gravity [m/s²].
pub const GRAVITY_M_S2: f64 = 9.806_65;

/// Smallest slope a running pump offers Newton's method [Pa/(kg/s)]: keeps the node system
/// positive definite where a fitted curve flattens (near shut-off) or a stopped pump has no head.
const MIN_SLOPE_PA_PER_KG_S: f64 = 1.0e-3;

/// Lowest efficiency used to turn hydraulic into shaft power [-]: efficiency curves fall to zero at
/// shut-off and run-out, where the real shaft power stays finite.
pub const MIN_EFFICIENCY: f64 = 0.1;

/// Why a pump's data cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PumpError {
    /// Fewer than three points on a curve.
    #[error("a pump curve needs at least 3 points, found {0}")]
    TooFewPoints(usize),
    /// Flows and heads/efficiencies have different lengths.
    #[error("the curve's flow list has {flows} values but its other list has {values}")]
    LengthMismatch {
        /// Number of flow values.
        flows: usize,
        /// Number of head or efficiency values.
        values: usize,
    },
    /// Flows not strictly increasing.
    #[error("the curve's flows must increase strictly from point to point (point {0} does not)")]
    FlowsNotIncreasing(usize),
    /// Heads not strictly decreasing.
    #[error(
        "the head must fall strictly as the flow rises (point {0} does not); the steady solver needs a stable curve"
    )]
    HeadNotFalling(usize),
    /// An efficiency outside (0, 1].
    #[error("efficiency {0} is outside (0, 1]")]
    Efficiency(f64),
}

/// Head curve at rated speed, H₀(V̇) = a + b·V̇ + c·V̇², least-squares through the given points
/// (exact through three).
#[derive(Debug, Clone, PartialEq)]
pub struct HeadCurve {
    /// Shut-off head a [m].
    pub a_m: f64,
    /// Linear coefficient b [m/(m³/s)].
    pub b: f64,
    /// Quadratic coefficient c [m/(m³/s)²].
    pub c: f64,
    /// Largest flow given on the curve [m³/s] (for reporting operation off the curve).
    pub max_flow_m3_s: f64,
}

impl HeadCurve {
    /// Fit through points of volume flow [m³/s] and head [m].
    pub fn fit(flows_m3_s: &[f64], heads_m: &[f64]) -> Result<HeadCurve, PumpError> {
        check_points(flows_m3_s, heads_m.len())?;
        if let Some(i) = (1..heads_m.len()).find(|&i| heads_m[i] >= heads_m[i - 1]) {
            return Err(PumpError::HeadNotFalling(i + 1));
        }
        // Normal equations on the scaled flow x = V̇ / V̇_max (well conditioned).
        let scale = flows_m3_s[flows_m3_s.len() - 1];
        let mut ata = [[0.0; 3]; 3];
        let mut atb = [0.0; 3];
        for (&q, &h) in flows_m3_s.iter().zip(heads_m) {
            let row = [1.0, q / scale, (q / scale) * (q / scale)];
            for i in 0..3 {
                atb[i] += row[i] * h;
                for j in 0..3 {
                    ata[i][j] += row[i] * row[j];
                }
            }
        }
        let [a, b, c] = solve3(ata, atb);
        Ok(HeadCurve {
            a_m: a,
            b: b / scale,
            c: c / (scale * scale),
            max_flow_m3_s: scale,
        })
    }

    /// Head [m] at volume flow `v_m3_s` and relative speed `speed` (affinity laws:
    /// H(V̇, n) = n²·H₀(V̇/n)). Reverse flow meets the quadratic term with the sign of the flow,
    /// so a stopped pump resists flow in both directions.
    pub fn head_m(&self, v_m3_s: f64, speed: f64) -> f64 {
        self.a_m * speed * speed + self.b * speed * v_m3_s + self.c * v_m3_s * v_m3_s.abs()
    }

    /// Relative speed that delivers `head_m` at `v_m3_s`, if any (the positive root of the
    /// affinity-law quadratic in n).
    pub fn speed_for(&self, v_m3_s: f64, head_m: f64) -> Option<f64> {
        let (a, b, c) = (
            self.a_m,
            self.b * v_m3_s,
            self.c * v_m3_s * v_m3_s.abs() - head_m,
        );
        let disc = b * b - 4.0 * a * c;
        (a > 0.0 && disc >= 0.0).then(|| (-b + disc.sqrt()) / (2.0 * a))
    }
}

/// Efficiency of the pump (hydraulic power / shaft power).
#[derive(Debug, Clone, PartialEq)]
pub enum Efficiency {
    /// One value over the whole range.
    Constant(f64),
    /// Piecewise-linear in volume flow at rated speed, held at the end values beyond the curve;
    /// at other speeds read at the homologous flow V̇/n.
    Curve {
        /// Volume flows [m³/s], strictly increasing.
        flows_m3_s: Vec<f64>,
        /// Efficiencies [-] in (0, 1].
        values: Vec<f64>,
    },
}

impl Efficiency {
    /// Build from points, checking them.
    pub fn curve(flows_m3_s: Vec<f64>, values: Vec<f64>) -> Result<Efficiency, PumpError> {
        check_points(&flows_m3_s, values.len())?;
        if let Some(&bad) = values.iter().find(|&&e| !(e > 0.0 && e <= 1.0)) {
            return Err(PumpError::Efficiency(bad));
        }
        Ok(Efficiency::Curve { flows_m3_s, values })
    }

    /// Efficiency at rated-speed volume flow `v_m3_s`, never below [`MIN_EFFICIENCY`].
    pub fn at(&self, v_m3_s: f64) -> f64 {
        let eta = match self {
            Efficiency::Constant(e) => *e,
            Efficiency::Curve { flows_m3_s, values } => interpolate(flows_m3_s, values, v_m3_s),
        };
        eta.max(MIN_EFFICIENCY)
    }
}

/// How the pump is run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PumpControl {
    /// A fixed relative speed n (1 = rated).
    Speed {
        /// Relative speed [-].
        speed: f64,
    },
    /// The drive varies the speed to hold the pressure rise p_out − p_in.
    DifferentialPressure {
        /// Pressure rise set-point [Pa].
        setpoint_pa: f64,
    },
    /// The drive varies the speed to hold the mass flow.
    Flow {
        /// Mass-flow set-point [kg/s].
        setpoint_kg_s: f64,
    },
}

/// A centrifugal pump with its drive.
#[derive(Debug, Clone, PartialEq)]
pub struct Pump {
    /// Head curve at rated speed; `None` for an ideal pump that delivers any Δp or flow set-point.
    pub curve: Option<HeadCurve>,
    /// Pump efficiency.
    pub efficiency: Efficiency,
    /// Motor efficiency [-] (IE3 motors of 10–100 kW: 0.92–0.95).
    pub motor_efficiency: f64,
    /// Variable-frequency drive efficiency [-] (typically 0.97).
    pub drive_efficiency: f64,
    /// Highest relative speed the drive may reach [-].
    pub max_speed: f64,
    /// How the pump is run.
    pub control: PumpControl,
    /// Share of the shaft power that ends up as heat in the water [-]: 1 when friction
    /// downstream and the pump's own losses all heat the loop (the physical default);
    /// 0 to ignore pump heat, as pandapipes does.
    pub shaft_heat_to_fluid: f64,
}

/// Where a pump runs, and what it costs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PumpOperatingPoint {
    /// Pressure rise p_out − p_in [Pa].
    pub dp_pa: f64,
    /// Head [m].
    pub head_m: f64,
    /// Volume flow [m³/s].
    pub flow_m3_s: f64,
    /// Relative speed, if the pump has a curve [-].
    pub speed: Option<f64>,
    /// Hydraulic power Δp·V̇ [W].
    pub hydraulic_w: f64,
    /// Shaft power [W].
    pub shaft_w: f64,
    /// Electric power drawn by motor and drive [W].
    pub electric_w: f64,
}

impl Pump {
    /// The hydraulic law at this flow. `speed_limited` is set by the solver when the drive
    /// cannot meet a set-point: the pump then runs at `max_speed` on its curve.
    pub fn hydraulic(
        &self,
        mass_flow_kg_s: f64,
        fluid: FluidState,
        speed_limited: bool,
    ) -> HydraulicLaw {
        match (self.control, speed_limited) {
            (PumpControl::DifferentialPressure { setpoint_pa }, false) => HydraulicLaw::FixedDp {
                dp_pa: -setpoint_pa,
            },
            (PumpControl::Flow { setpoint_kg_s }, false) => HydraulicLaw::FixedFlow {
                mass_flow_kg_s: setpoint_kg_s,
            },
            (PumpControl::Speed { speed }, _) => self.curve_law(mass_flow_kg_s, fluid, speed),
            (_, true) => self.curve_law(mass_flow_kg_s, fluid, self.max_speed),
        }
    }

    /// Δp = −ρ g H(ṁ/ρ, n) and its slope.
    fn curve_law(&self, mass_flow_kg_s: f64, fluid: FluidState, speed: f64) -> HydraulicLaw {
        let Some(curve) = &self.curve else {
            // An ideal pump has no curve to fall back on; the model layer refuses that pairing.
            return HydraulicLaw::FixedDp { dp_pa: 0.0 };
        };
        let rho = fluid.density_kg_m3;
        let m = mass_flow_kg_s;
        let g = GRAVITY_M_S2;
        // Linear part: −ρ g (a n² + b n ṁ/ρ).
        let mut dp = -rho * g * curve.a_m * speed * speed - g * curve.b * speed * m;
        let mut slope = -g * curve.b * speed;
        // Quadratic part −ρ g c V̇|V̇| = (−g c/ρ) ṁ|ṁ|, regularised at zero flow when it resists.
        let k = -g * curve.c / rho;
        if k > 0.0 {
            if let HydraulicLaw::Loss {
                dp_pa,
                slope_pa_per_kg_s,
            } = square_law(k, m)
            {
                dp += dp_pa;
                slope += slope_pa_per_kg_s;
            }
        } else {
            dp += k * m * m.abs();
            slope += 2.0 * k * m.abs();
        }
        HydraulicLaw::Loss {
            dp_pa: dp,
            slope_pa_per_kg_s: slope.max(MIN_SLOPE_PA_PER_KG_S),
        }
    }

    /// Relative speed needed to deliver pressure rise `dp_pa` at `mass_flow_kg_s`, if the pump has
    /// a curve and some speed does it.
    pub fn speed_for(&self, mass_flow_kg_s: f64, dp_pa: f64, fluid: FluidState) -> Option<f64> {
        let rho = fluid.density_kg_m3;
        self.curve
            .as_ref()?
            .speed_for(mass_flow_kg_s / rho, dp_pa / (rho * GRAVITY_M_S2))
    }

    /// The operating point for a solved flow and pressure rise, with its powers.
    pub fn operating_point(
        &self,
        mass_flow_kg_s: f64,
        dp_pa: f64,
        fluid: FluidState,
        speed_limited: bool,
    ) -> PumpOperatingPoint {
        let rho = fluid.density_kg_m3;
        let flow = mass_flow_kg_s / rho;
        let speed = match (self.control, speed_limited) {
            (PumpControl::Speed { speed }, _) => self.curve.as_ref().map(|_| speed),
            (_, true) => Some(self.max_speed),
            _ => self.speed_for(mass_flow_kg_s, dp_pa, fluid),
        };
        let hydraulic = (dp_pa * flow).max(0.0);
        let homologous_flow = match speed {
            Some(n) if n > 1e-9 => flow / n,
            _ => flow,
        };
        let shaft = if hydraulic > 0.0 {
            hydraulic / self.efficiency.at(homologous_flow)
        } else {
            0.0
        };
        PumpOperatingPoint {
            dp_pa,
            head_m: dp_pa / (rho * GRAVITY_M_S2),
            flow_m3_s: flow,
            speed,
            hydraulic_w: hydraulic,
            shaft_w: shaft,
            electric_w: shaft / (self.motor_efficiency * self.drive_efficiency),
        }
    }
}

fn check_points(flows: &[f64], values: usize) -> Result<(), PumpError> {
    if flows.len() != values {
        return Err(PumpError::LengthMismatch {
            flows: flows.len(),
            values,
        });
    }
    if flows.len() < 3 {
        return Err(PumpError::TooFewPoints(flows.len()));
    }
    match (1..flows.len()).find(|&i| flows[i] <= flows[i - 1]) {
        Some(i) => Err(PumpError::FlowsNotIncreasing(i + 1)),
        None => Ok(()),
    }
}

/// Piecewise-linear interpolation, held at the end values.
fn interpolate(xs: &[f64], ys: &[f64], x: f64) -> f64 {
    if x <= xs[0] {
        return ys[0];
    }
    for i in 1..xs.len() {
        if x <= xs[i] {
            let w = (x - xs[i - 1]) / (xs[i] - xs[i - 1]);
            return ys[i - 1] + w * (ys[i] - ys[i - 1]);
        }
    }
    ys[ys.len() - 1]
}

/// Solve a 3×3 system by Cramer's rule (the normal equations of a quadratic fit).
fn solve3(m: [[f64; 3]; 3], r: [f64; 3]) -> [f64; 3] {
    let det = |m: &[[f64; 3]; 3]| {
        m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
            - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
    };
    let d = det(&m);
    let mut out = [0.0; 3];
    for (k, slot) in out.iter_mut().enumerate() {
        let mut mk = m;
        for i in 0..3 {
            mk[i][k] = r[i];
        }
        *slot = det(&mk) / d;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m3h(v: f64) -> f64 {
        v / 3600.0
    }

    fn test_pump(control: PumpControl) -> Pump {
        let flows = [0.0, 50.0, 100.0].map(m3h);
        Pump {
            curve: Some(HeadCurve::fit(&flows, &[30.0, 27.0, 18.0]).unwrap()),
            efficiency: Efficiency::curve(flows.to_vec(), vec![0.2, 0.7, 0.65]).unwrap(),
            motor_efficiency: 0.94,
            drive_efficiency: 0.97,
            max_speed: 1.0,
            control,
            shaft_heat_to_fluid: 1.0,
        }
    }

    #[test]
    fn three_point_fit_passes_through_the_points() {
        let flows = [0.0, 50.0, 100.0].map(m3h);
        let c = HeadCurve::fit(&flows, &[30.0, 27.0, 18.0]).unwrap();
        for (q, h) in flows.iter().zip([30.0, 27.0, 18.0]) {
            assert!((c.head_m(*q, 1.0) - h).abs() < 1e-9);
        }
    }

    #[test]
    fn least_squares_fit_recovers_an_exact_parabola() {
        let flows: Vec<f64> = (0..7).map(|i| m3h(i as f64 * 20.0)).collect();
        let heads: Vec<f64> = flows
            .iter()
            .map(|q| 40.0 - 1000.0 * q - 2.0e6 * q * q)
            .collect();
        let c = HeadCurve::fit(&flows, &heads).unwrap();
        assert!((c.a_m - 40.0).abs() < 1e-9);
        assert!((c.b + 1000.0).abs() < 1e-6);
        assert!((c.c + 2.0e6).abs() < 1e-3);
    }

    #[test]
    fn affinity_laws_scale_flow_by_n_and_head_by_n_squared() {
        let c = test_pump(PumpControl::Speed { speed: 1.0 }).curve.unwrap();
        for &n in &[0.5, 0.8, 1.2] {
            for &q in &[0.0, m3h(30.0), m3h(90.0)] {
                assert!((c.head_m(q * n, n) - n * n * c.head_m(q, 1.0)).abs() < 1e-9);
            }
        }
    }

    #[test]
    fn speed_for_inverts_the_affinity_law() {
        let c = test_pump(PumpControl::Speed { speed: 1.0 }).curve.unwrap();
        let (q, n) = (m3h(40.0), 0.83);
        let h = c.head_m(q, n);
        assert!((c.speed_for(q, h).unwrap() - n).abs() < 1e-12);
    }

    #[test]
    fn power_chain_from_hydraulic_to_electric() {
        let pump = test_pump(PumpControl::Speed { speed: 1.0 });
        let fluid = FluidState::WATER_20C;
        let m = m3h(50.0) * fluid.density_kg_m3;
        let dp = fluid.density_kg_m3 * GRAVITY_M_S2 * 27.0;
        let op = pump.operating_point(m, dp, fluid, false);
        let hydraulic = dp * m3h(50.0);
        assert!((op.hydraulic_w - hydraulic).abs() < 1e-9);
        assert!((op.shaft_w - hydraulic / 0.7).abs() < 1e-9);
        assert!((op.electric_w - hydraulic / 0.7 / (0.94 * 0.97)).abs() < 1e-9);
        assert!((op.head_m - 27.0).abs() < 1e-12);
    }

    #[test]
    fn curve_law_slope_is_positive_and_matches_finite_difference() {
        let pump = test_pump(PumpControl::Speed { speed: 0.9 });
        let fluid = FluidState::WATER_20C;
        let dp = |m| match pump.hydraulic(m, fluid, false) {
            HydraulicLaw::Loss { dp_pa, .. } => dp_pa,
            _ => unreachable!(),
        };
        for &m in &[-5.0, 0.0, 3.0, 14.0, 30.0] {
            let HydraulicLaw::Loss {
                slope_pa_per_kg_s, ..
            } = pump.hydraulic(m, fluid, false)
            else {
                unreachable!()
            };
            let fd = (dp(m + 1e-6) - dp(m - 1e-6)) / 2e-6;
            assert!(slope_pa_per_kg_s > 0.0);
            assert!((fd - slope_pa_per_kg_s).abs() < 1e-3 * slope_pa_per_kg_s.max(1.0));
        }
    }

    #[test]
    fn bad_curves_are_refused() {
        assert_eq!(
            HeadCurve::fit(&[0.0, 1.0], &[2.0, 1.0]),
            Err(PumpError::TooFewPoints(2))
        );
        assert_eq!(
            HeadCurve::fit(&[0.0, 1.0, 1.0], &[3.0, 2.0, 1.0]),
            Err(PumpError::FlowsNotIncreasing(3))
        );
        assert_eq!(
            HeadCurve::fit(&[0.0, 1.0, 2.0], &[3.0, 3.5, 1.0]),
            Err(PumpError::HeadNotFalling(2))
        );
        assert!(Efficiency::curve(vec![0.0, 1.0, 2.0], vec![0.5, 1.2, 0.4]).is_err());
    }
}
