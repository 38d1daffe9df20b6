//! A liquid-to-liquid heat exchanger (a CDU's plate heat exchanger) by the ε-NTU method, with a
//! conductance UA that follows the flows on both sides.
//!
//! Heat duty: Q = ε(NTU, C_r)·C_min·(T_in,1 − T_in,2), NTU = UA/C_min, C_r = C_min/C_max, from
//! the two inlet temperatures, flows and fluids; outlets from the enthalpy balance of each side,
//! so the energy one side gives is exactly the energy the other receives.
//!
//! Conductance: two film resistances in series, 1/UA = 1/hA₁ + 1/hA₂ (the plate's own
//! conduction resistance, small for thin steel, is lumped into them), each film
//! hA ∝ (ṁ/ṁ_rated)^n. With n = 0.8 (Dittus–Boelter, Nu ∝ Re^0.8·Pr^0.4 for turbulent flow;
//! chevron-plate correlations give Re exponents of roughly 0.6–0.8, by chevron angle) and a
//! share of the rated resistance on each side (equal by default: the same fluid at similar flows
//! on both sides of a plate),
//!
//! UA(ṁ₁, ṁ₂) = UA_rated / (s₁·(ṁ₁/ṁ₁,rated)^−n₁ + (1 − s₁)·(ṁ₂/ṁ₂,rated)^−n₂).
//!
//! The law is steady. In the transient simulation each side is a [`crate::MixingVolume`] and
//! receives −Q (side 1) and +Q (side 2) computed from the inlet temperatures; at steady state
//! each volume then sits at its side's outlet temperature.

use crate::parameter::{check, positive};
use dctwin_fluid::Fluid;

/// Film-coefficient exponent on the flow ratio [-]: Dittus–Boelter, Nu ∝ Re^0.8 in turbulent
/// flow.
pub const DITTUS_BOELTER_EXPONENT: f64 = 0.8;

/// Default share of the rated thermal resistance on side 1 [-]: equal films, the usual case of
/// water on both sides of a plate at comparable flows.
pub const DEFAULT_RESISTANCE_SHARE: f64 = 0.5;

/// Largest accepted film exponent [-]: beyond the range of any forced-convection correlation.
pub const MAX_FLOW_EXPONENT: f64 = 1.5;

/// Temperature span below which the mean specific heat over it is read at its midpoint [K]:
/// there the enthalpy difference loses its significant digits.
const MEAN_CP_SPAN_K: f64 = 1e-3;

/// Why a heat exchanger's data cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HeatExchangerError {
    /// A parameter outside its range.
    #[error("heat exchanger parameter `{name}` = {value} is invalid: expected {expected}")]
    Parameter {
        /// The parameter's name.
        name: &'static str,
        /// The value given.
        value: f64,
        /// What was expected.
        expected: &'static str,
    },
    /// The rated duty cannot be reached by this arrangement at the rated flows and temperatures.
    #[error(
        "a rated duty of {heat_w} W needs effectiveness {effectiveness}, which a {arrangement:?} exchanger cannot reach at the rated flows and temperatures"
    )]
    RatingUnreachable {
        /// The rated duty [W].
        heat_w: f64,
        /// The effectiveness it needs [-].
        effectiveness: f64,
        /// The arrangement.
        arrangement: FlowArrangement,
    },
}

crate::parameter::from_invalid_parameter!(HeatExchangerError);

/// How the two streams meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowArrangement {
    /// Counter-flow (a plate heat exchanger piped in counter-current):
    /// ε = (1 − e^−NTU(1−C_r)) / (1 − C_r·e^−NTU(1−C_r)), and NTU/(1 + NTU) at C_r = 1.
    CounterFlow,
    /// Parallel flow: ε = (1 − e^−NTU(1+C_r)) / (1 + C_r).
    ParallelFlow,
    /// Single-pass cross-flow, both streams unmixed, by the approximation
    /// ε = 1 − exp[(NTU^0.22/C_r)·(e^−C_r·NTU^0.78 − 1)] (Incropera & DeWitt, Eq. 11.32). It is
    /// within 0.013 of the exact series solution (Mason 1954) for C_r ≤ 1 and NTU ≤ 8; at a
    /// rated point used to fit UA it is exact by construction.
    CrossFlowUnmixed,
}

impl FlowArrangement {
    /// Effectiveness ε [-] at `ntu` ≥ 0 and capacity ratio `capacity_ratio` = C_min/C_max in
    /// [0, 1]. Written so that C_r = 0, C_r = 1 and NTU → ∞ need no special case: every ratio
    /// of vanishing quantities goes through exp_m1, which keeps its digits.
    pub fn effectiveness(self, ntu: f64, capacity_ratio: f64) -> f64 {
        let cr = capacity_ratio;
        if ntu == f64::INFINITY {
            return match self {
                FlowArrangement::ParallelFlow => 1.0 / (1.0 + cr),
                _ => 1.0,
            };
        }
        match self {
            FlowArrangement::CounterFlow => {
                // Dividing numerator and denominator by (1 − C_r):
                // ε = NTU·g / (1 + C_r·NTU·g), g(a) = (1 − e^−a)/a, a = NTU·(1 − C_r).
                let a = ntu * (1.0 - cr);
                let g = if a == 0.0 { 1.0 } else { -(-a).exp_m1() / a };
                let ntu_g = ntu * g;
                ntu_g / (1.0 + cr * ntu_g)
            }
            FlowArrangement::ParallelFlow => -(-ntu * (1.0 + cr)).exp_m1() / (1.0 + cr),
            FlowArrangement::CrossFlowUnmixed => {
                // (NTU^0.22/C_r)·(e^−x − 1) with x = C_r·NTU^0.78 equals NTU·φ(x),
                // φ(x) = (e^−x − 1)/x → −1 as C_r → 0 (giving 1 − e^−NTU).
                let x = cr * ntu.powf(0.78);
                let phi = if x == 0.0 { -1.0 } else { (-x).exp_m1() / x };
                -(ntu * phi).exp_m1()
            }
        }
    }

    /// Highest effectiveness the arrangement reaches at capacity ratio `capacity_ratio`
    /// (NTU → ∞) [-].
    pub fn max_effectiveness(self, capacity_ratio: f64) -> f64 {
        self.effectiveness(f64::INFINITY, capacity_ratio)
    }

    /// NTU [-] that gives `effectiveness` at `capacity_ratio`, or `None` if it is not in
    /// [0, max_effectiveness). Closed forms for counter- and parallel flow, a bisection on
    /// ln NTU for cross-flow (whose ε increases with NTU).
    pub fn ntu_for_effectiveness(self, effectiveness: f64, capacity_ratio: f64) -> Option<f64> {
        let (eps, cr) = (effectiveness, capacity_ratio);
        if !(eps >= 0.0 && eps < self.max_effectiveness(cr)) {
            return None;
        }
        if eps == 0.0 {
            return Some(0.0);
        }
        Some(match self {
            FlowArrangement::CounterFlow => {
                // NTU = ln((1 − ε C_r)/(1 − ε)) / (1 − C_r) = ψ(y)·ε/(1 − ε),
                // y = ε(1 − C_r)/(1 − ε), ψ(y) = ln(1 + y)/y → 1 as C_r → 1.
                let y = eps * (1.0 - cr) / (1.0 - eps);
                let psi = if y == 0.0 { 1.0 } else { y.ln_1p() / y };
                psi * eps / (1.0 - eps)
            }
            FlowArrangement::ParallelFlow => -(-eps * (1.0 + cr)).ln_1p() / (1.0 + cr),
            FlowArrangement::CrossFlowUnmixed => {
                let (mut lo, mut hi) = ((1e-12_f64).ln(), (1e9_f64).ln());
                for _ in 0..200 {
                    let mid = 0.5 * (lo + hi);
                    if self.effectiveness(mid.exp(), cr) < eps {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                (0.5 * (lo + hi)).exp()
            }
        })
    }
}

/// A conductance UA that scales with the flows on two sides: 1/UA = Σ 1/hA, each
/// hA = hA_rated·(ṁ/ṁ_rated)^n. Shared by the heat exchanger and the dry cooler's coil.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ConductanceScaling {
    /// UA at the rated flows [W/K].
    pub rated_ua_w_k: f64,
    /// Side 1 rated mass flow [kg/s].
    pub rated_flow_1_kg_s: f64,
    /// Side 2 rated mass flow [kg/s].
    pub rated_flow_2_kg_s: f64,
    /// Share of the rated resistance 1/UA_rated on side 1, in [0, 1] [-]; side 2 has the rest.
    pub resistance_share_1: f64,
    /// Film-coefficient exponent on side 1's flow ratio [-].
    pub exponent_1: f64,
    /// Film-coefficient exponent on side 2's flow ratio [-].
    pub exponent_2: f64,
}

impl ConductanceScaling {
    /// UA `rated_ua_w_k` at rated flows, equal resistance shares and Dittus–Boelter exponents.
    pub fn new(
        rated_ua_w_k: f64,
        rated_flow_1_kg_s: f64,
        rated_flow_2_kg_s: f64,
    ) -> Result<Self, HeatExchangerError> {
        check(
            "rated_ua_w_k",
            rated_ua_w_k,
            positive(rated_ua_w_k),
            "a finite value > 0 W/K",
        )?;
        check(
            "rated_flow_1_kg_s",
            rated_flow_1_kg_s,
            positive(rated_flow_1_kg_s),
            "a finite value > 0 kg/s",
        )?;
        check(
            "rated_flow_2_kg_s",
            rated_flow_2_kg_s,
            positive(rated_flow_2_kg_s),
            "a finite value > 0 kg/s",
        )?;
        Ok(ConductanceScaling {
            rated_ua_w_k,
            rated_flow_1_kg_s,
            rated_flow_2_kg_s,
            resistance_share_1: DEFAULT_RESISTANCE_SHARE,
            exponent_1: DITTUS_BOELTER_EXPONENT,
            exponent_2: DITTUS_BOELTER_EXPONENT,
        })
    }

    /// The same with side 1 carrying `share` (in [0, 1]) of the rated resistance.
    pub fn with_resistance_share_1(mut self, share: f64) -> Result<Self, HeatExchangerError> {
        check(
            "resistance_share_1",
            share,
            (0.0..=1.0).contains(&share),
            "a fraction in 0..=1",
        )?;
        self.resistance_share_1 = share;
        Ok(self)
    }

    /// The same with film exponents `exponent_1`, `exponent_2` (each in 0..=1.5).
    pub fn with_exponents(
        mut self,
        exponent_1: f64,
        exponent_2: f64,
    ) -> Result<Self, HeatExchangerError> {
        let expected = "an exponent in 0..=1.5";
        let ok = |n: f64| (0.0..=MAX_FLOW_EXPONENT).contains(&n);
        check("exponent_1", exponent_1, ok(exponent_1), expected)?;
        check("exponent_2", exponent_2, ok(exponent_2), expected)?;
        self.exponent_1 = exponent_1;
        self.exponent_2 = exponent_2;
        Ok(self)
    }

    /// UA [W/K] at flows `flow_1_kg_s`, `flow_2_kg_s`; zero if either flow is not positive
    /// (a stagnant film conducts nothing by this law).
    pub fn ua_w_k(&self, flow_1_kg_s: f64, flow_2_kg_s: f64) -> f64 {
        if !(flow_1_kg_s > 0.0 && flow_2_kg_s > 0.0) {
            return 0.0;
        }
        let x1 = flow_1_kg_s / self.rated_flow_1_kg_s;
        let x2 = flow_2_kg_s / self.rated_flow_2_kg_s;
        let s1 = self.resistance_share_1;
        let resistance = s1 * x1.powf(-self.exponent_1) + (1.0 - s1) * x2.powf(-self.exponent_2);
        self.rated_ua_w_k / resistance
    }
}

/// One stream entering the exchanger.
#[derive(Debug, Clone, Copy)]
pub struct Stream<'a> {
    /// The liquid.
    pub fluid: &'a Fluid,
    /// Inlet temperature [K].
    pub t_in_k: f64,
    /// Mass flow [kg/s] (magnitude; zero or negative exchanges nothing).
    pub mass_flow_kg_s: f64,
}

/// What the exchanger does at one operating point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Exchange {
    /// Heat passed from side 1 to side 2 [W] (negative: side 2 heats side 1).
    pub heat_w: f64,
    /// Side 1 outlet temperature [K].
    pub t_out_1_k: f64,
    /// Side 2 outlet temperature [K].
    pub t_out_2_k: f64,
    /// Conductance at these flows [W/K].
    pub ua_w_k: f64,
    /// Number of transfer units UA/C_min [-].
    pub ntu: f64,
    /// Capacity ratio C_min/C_max [-].
    pub capacity_ratio: f64,
    /// Effectiveness [-].
    pub effectiveness: f64,
}

/// A two-stream heat exchanger.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeatExchanger {
    /// How the streams meet.
    pub arrangement: FlowArrangement,
    /// Conductance and its scaling with the two flows.
    pub conductance: ConductanceScaling,
}

impl HeatExchanger {
    /// An exchanger with UA `rated_ua_w_k` [W/K] at rated flows `rated_flow_1_kg_s` and
    /// `rated_flow_2_kg_s`, equal resistance shares and Dittus–Boelter exponents (change them
    /// with [`ConductanceScaling::with_resistance_share_1`] and
    /// [`ConductanceScaling::with_exponents`] on `conductance`).
    pub fn new(
        arrangement: FlowArrangement,
        rated_ua_w_k: f64,
        rated_flow_1_kg_s: f64,
        rated_flow_2_kg_s: f64,
    ) -> Result<Self, HeatExchangerError> {
        Ok(HeatExchanger {
            arrangement,
            conductance: ConductanceScaling::new(
                rated_ua_w_k,
                rated_flow_1_kg_s,
                rated_flow_2_kg_s,
            )?,
        })
    }

    /// An exchanger sized from a data-sheet point: it passes `heat_w` from `side_1` to
    /// `side_2` at these inlets and flows, which become the rated flows. UA = NTU·C_min with
    /// NTU from the effectiveness the duty needs.
    pub fn from_rating(
        arrangement: FlowArrangement,
        side_1: Stream,
        side_2: Stream,
        heat_w: f64,
    ) -> Result<Self, HeatExchangerError> {
        check(
            "rated_flow_1_kg_s",
            side_1.mass_flow_kg_s,
            positive(side_1.mass_flow_kg_s),
            "a finite value > 0 kg/s",
        )?;
        check(
            "rated_flow_2_kg_s",
            side_2.mass_flow_kg_s,
            positive(side_2.mass_flow_kg_s),
            "a finite value > 0 kg/s",
        )?;
        let dt = side_1.t_in_k - side_2.t_in_k;
        check(
            "rated_heat_w",
            heat_w,
            heat_w.is_finite() && heat_w * dt > 0.0,
            "a duty flowing from the warmer inlet to the colder one",
        )?;
        let (c1, c2) = capacity_rates(side_1, side_2);
        let (c_min, cr) = (c1.min(c2), c1.min(c2) / c1.max(c2));
        let effectiveness = heat_w / (c_min * dt);
        let ntu = arrangement.ntu_for_effectiveness(effectiveness, cr).ok_or(
            HeatExchangerError::RatingUnreachable {
                heat_w,
                effectiveness,
                arrangement,
            },
        )?;
        HeatExchanger::new(
            arrangement,
            ntu * c_min,
            side_1.mass_flow_kg_s,
            side_2.mass_flow_kg_s,
        )
    }

    /// UA [W/K] at these flows.
    pub fn ua_w_k(&self, flow_1_kg_s: f64, flow_2_kg_s: f64) -> f64 {
        self.conductance.ua_w_k(flow_1_kg_s, flow_2_kg_s)
    }

    /// Heat duty and outlet temperatures for the two entering streams. No flow on either side
    /// gives no duty and outlets at the inlet temperatures.
    pub fn exchange(&self, side_1: Stream, side_2: Stream) -> Exchange {
        let (m1, m2) = (side_1.mass_flow_kg_s, side_2.mass_flow_kg_s);
        if !(m1 > 0.0 && m2 > 0.0) {
            return Exchange {
                heat_w: 0.0,
                t_out_1_k: side_1.t_in_k,
                t_out_2_k: side_2.t_in_k,
                ua_w_k: 0.0,
                ntu: 0.0,
                capacity_ratio: 0.0,
                effectiveness: 0.0,
            };
        }
        let ua_w_k = self.ua_w_k(m1, m2);
        let (c1, c2) = capacity_rates(side_1, side_2);
        let (c_min, c_max) = (c1.min(c2), c1.max(c2));
        let capacity_ratio = c_min / c_max;
        let ntu = ua_w_k / c_min;
        let effectiveness = self.arrangement.effectiveness(ntu, capacity_ratio);
        let heat_w = effectiveness * c_min * (side_1.t_in_k - side_2.t_in_k);
        let (f1, f2) = (side_1.fluid, side_2.fluid);
        Exchange {
            heat_w,
            t_out_1_k: f1
                .temperature_from_enthalpy_k(f1.enthalpy_j_kg(side_1.t_in_k) - heat_w / m1),
            t_out_2_k: f2
                .temperature_from_enthalpy_k(f2.enthalpy_j_kg(side_2.t_in_k) + heat_w / m2),
            ua_w_k,
            ntu,
            capacity_ratio,
            effectiveness,
        }
    }
}

impl HeatExchanger {
    /// The duty from side 1 to side 2 [W] at a UA already worked out for the flows
    /// (`ua_w_k`, [`HeatExchanger::ua_w_k`] times any fouling), both flowing: [`Self::exchange`]'s
    /// `heat_w` without the outlet temperatures, two enthalpy inversions a right-hand side does
    /// not need.
    pub fn heat_at_ua_w(&self, ua_w_k: f64, side_1: Stream, side_2: Stream) -> f64 {
        let (c1, c2) = capacity_rates(side_1, side_2);
        let (c_min, c_max) = (c1.min(c2), c1.max(c2));
        self.arrangement
            .effectiveness(ua_w_k / c_min, c_min / c_max)
            * c_min
            * (side_1.t_in_k - side_2.t_in_k)
    }
}

/// Capacity rates ṁ·c̄_p [W/K] of both sides, c̄_p the mean over the span between the two inlet
/// temperatures, so that C·ΔT_inlets is each side's exact enthalpy change to the other inlet:
/// at ε = 1 the C_min side leaves exactly at the other inlet temperature, never beyond it.
fn capacity_rates(side_1: Stream, side_2: Stream) -> (f64, f64) {
    let (t1, t2) = (side_1.t_in_k, side_2.t_in_k);
    (
        side_1.mass_flow_kg_s * mean_specific_heat_j_kg_k(side_1.fluid, t1, t2),
        side_2.mass_flow_kg_s * mean_specific_heat_j_kg_k(side_2.fluid, t1, t2),
    )
}

/// Mean specific heat of `fluid` between `t_a_k` and `t_b_k` [J/(kg·K)]:
/// (h(T_a) − h(T_b)) / (T_a − T_b).
pub fn mean_specific_heat_j_kg_k(fluid: &Fluid, t_a_k: f64, t_b_k: f64) -> f64 {
    let span = t_a_k - t_b_k;
    if span.abs() < MEAN_CP_SPAN_K {
        fluid.specific_heat_j_kg_k(0.5 * (t_a_k + t_b_k))
    } else {
        (fluid.enthalpy_j_kg(t_a_k) - fluid.enthalpy_j_kg(t_b_k)) / span
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The duty at a given UA is [`HeatExchanger::exchange`]'s to round-off, for each
    /// arrangement, either side the warmer one.
    #[test]
    fn duty_at_a_given_ua_is_the_exchanges() {
        let water = Fluid::water();
        let stream = |t_in_k, mass_flow_kg_s| Stream {
            fluid: &water,
            t_in_k,
            mass_flow_kg_s,
        };
        for arrangement in ALL {
            let x = HeatExchanger::new(arrangement, 50e3, 10.0, 8.0).unwrap();
            for (t1, m1, t2, m2) in [
                (323.15, 10.0, 303.15, 8.0),
                (300.15, 3.0, 330.15, 12.0),
                (313.15, 5.0, 313.1502, 5.0),
            ] {
                let reference = x.exchange(stream(t1, m1), stream(t2, m2)).heat_w;
                let ua = x.ua_w_k(m1, m2);
                let duty = x.heat_at_ua_w(ua, stream(t1, m1), stream(t2, m2));
                assert!(
                    (duty - reference).abs() <= 1e-12 * reference.abs(),
                    "{arrangement:?}: {duty} vs {reference}"
                );
            }
        }
    }

    const ALL: [FlowArrangement; 3] = [
        FlowArrangement::CounterFlow,
        FlowArrangement::ParallelFlow,
        FlowArrangement::CrossFlowUnmixed,
    ];

    /// Exact single-pass cross-flow, both unmixed (Mason 1954; Kays & London):
    /// ε = 1/(C_r·NTU) Σ_n [1 − e^−N Σ_{m≤n} N^m/m!]·[1 − e^−C_r N Σ_{m≤n} (C_r N)^m/m!].
    fn cross_flow_exact(ntu: f64, cr: f64) -> f64 {
        let (mut ta, mut tb) = ((-ntu).exp(), (-cr * ntu).exp());
        let (mut sa, mut sb) = (ta, tb);
        let mut sum = 0.0;
        for n in 0..400 {
            sum += (1.0 - sa) * (1.0 - sb);
            ta *= ntu / (n as f64 + 1.0);
            tb *= cr * ntu / (n as f64 + 1.0);
            sa += ta;
            sb += tb;
        }
        sum / (cr * ntu)
    }

    /// C_r → 0 (a condensing or boiling side, or a huge flow): every arrangement gives
    /// 1 − e^−NTU, at C_r = 0 exactly and continuously as C_r → 0.
    #[test]
    fn zero_capacity_ratio_limit() {
        for arrangement in ALL {
            for ntu in [0.1_f64, 1.0, 3.0] {
                let limit = 1.0 - (-ntu).exp();
                let at_zero = arrangement.effectiveness(ntu, 0.0);
                assert!((at_zero - limit).abs() < 1e-15, "{arrangement:?} {ntu}");
                let near = arrangement.effectiveness(ntu, 1e-9);
                assert!((near - limit).abs() < 1e-8, "{arrangement:?} {ntu}");
            }
        }
    }

    /// NTU → ∞: counter-flow and cross-flow reach ε = 1, parallel flow 1/(1 + C_r).
    #[test]
    fn infinite_ntu_limit() {
        for cr in [0.0, 0.5, 1.0] {
            let counter = FlowArrangement::CounterFlow;
            // 1 − ε falls like 1/NTU at C_r = 1, exponentially below.
            assert!(1.0 - counter.effectiveness(1e6, cr) < 2e-6, "{cr}");
            assert_eq!(counter.effectiveness(f64::INFINITY, cr), 1.0);
            let parallel = FlowArrangement::ParallelFlow.effectiveness(1e3, cr);
            assert!((parallel - 1.0 / (1.0 + cr)).abs() < 1e-12, "{cr}");
            let cross = FlowArrangement::CrossFlowUnmixed.effectiveness(1e4, cr);
            assert!(1.0 - cross < 1e-3, "{cr}: {cross}");
        }
    }

    /// C_r = 1 counter-flow: ε = NTU/(1 + NTU) exactly, approached continuously.
    #[test]
    fn balanced_counter_flow() {
        let counter = FlowArrangement::CounterFlow;
        for ntu in [0.0, 0.2, 1.0, 4.0, 50.0] {
            let exact = ntu / (1.0 + ntu);
            assert!((counter.effectiveness(ntu, 1.0) - exact).abs() < 1e-15);
            assert!((counter.effectiveness(ntu, 1.0 - 1e-9) - exact).abs() < 1e-8);
            assert!((counter.effectiveness(ntu, 0.999) - exact).abs() < 1e-3 * (1.0 + ntu));
        }
    }

    /// The closed forms at an interior point (textbook formulas evaluated directly):
    /// counter-flow NTU = 1, C_r = 0.5: (1 − e^−0.5)/(1 − 0.5 e^−0.5) = 0.564 73;
    /// parallel: (1 − e^−1.5)/1.5 = 0.517 913.
    #[test]
    fn interior_values() {
        let counter = FlowArrangement::CounterFlow.effectiveness(1.0, 0.5);
        let direct = (1.0 - (-0.5f64).exp()) / (1.0 - 0.5 * (-0.5f64).exp());
        assert!((counter - direct).abs() < 1e-14);
        assert!((counter - 0.564_73).abs() < 1e-5);
        let parallel = FlowArrangement::ParallelFlow.effectiveness(1.0, 0.5);
        assert!((parallel - 0.517_913).abs() < 1e-6);
    }

    /// The cross-flow approximation against the exact series: within 0.015 in ε over
    /// C_r ≤ 1, NTU ≤ 8 (its documented accuracy), and never better than counter-flow.
    #[test]
    fn cross_flow_against_exact_series() {
        let mut worst: f64 = 0.0;
        for cr in [0.05, 0.25, 0.5, 0.75, 1.0] {
            for ntu in [0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 8.0] {
                let approx = FlowArrangement::CrossFlowUnmixed.effectiveness(ntu, cr);
                worst = worst.max((approx - cross_flow_exact(ntu, cr)).abs());
                assert!(approx <= FlowArrangement::CounterFlow.effectiveness(ntu, cr) + 1e-12);
            }
        }
        assert!(worst < 0.015, "{worst}");
    }

    /// NTU from ε inverts ε from NTU, including C_r = 1 and C_r = 0.
    #[test]
    fn ntu_inverse_round_trips() {
        for arrangement in ALL {
            for cr in [0.0, 0.3, 1.0] {
                for ntu in [0.05, 0.7, 2.5, 6.0] {
                    let eps = arrangement.effectiveness(ntu, cr);
                    let back = arrangement.ntu_for_effectiveness(eps, cr).unwrap();
                    assert!(
                        (back - ntu).abs() < 1e-9 * (1.0 + ntu),
                        "{arrangement:?} {cr} {ntu}: {back}"
                    );
                }
            }
            let max = arrangement.max_effectiveness(0.5);
            assert_eq!(arrangement.ntu_for_effectiveness(max, 0.5), None);
        }
    }

    fn cdu() -> HeatExchanger {
        // A 1 MW CDU: 40 kg/s on each side, UA 500 kW/K.
        HeatExchanger::new(FlowArrangement::CounterFlow, 500e3, 40.0, 40.0).unwrap()
    }

    /// Energy balance between the sides, with different fluids on each.
    #[test]
    fn energy_balance_between_sides() {
        let water = Fluid::water();
        let glycol = Fluid::from_name("propylene_glycol", Some(0.3)).unwrap();
        for arrangement in ALL {
            let mut hx = cdu();
            hx.arrangement = arrangement;
            let hot = Stream {
                fluid: &water,
                t_in_k: 318.15,
                mass_flow_kg_s: 30.0,
            };
            let cold = Stream {
                fluid: &glycol,
                t_in_k: 300.15,
                mass_flow_kg_s: 45.0,
            };
            let x = hx.exchange(hot, cold);
            let given = hot.mass_flow_kg_s
                * (water.enthalpy_j_kg(hot.t_in_k) - water.enthalpy_j_kg(x.t_out_1_k));
            let taken = cold.mass_flow_kg_s
                * (glycol.enthalpy_j_kg(x.t_out_2_k) - glycol.enthalpy_j_kg(cold.t_in_k));
            assert!(x.heat_w > 0.0);
            assert!(
                (given - x.heat_w).abs() < 1e-6 * x.heat_w,
                "{arrangement:?}"
            );
            assert!(
                (taken - x.heat_w).abs() < 1e-6 * x.heat_w,
                "{arrangement:?}"
            );
            // Second law: no outlet beyond the other side's inlet.
            assert!(x.t_out_1_k > cold.t_in_k && x.t_out_2_k < hot.t_in_k);
        }
    }

    /// Counter-flow with constant properties obeys Q = UA·LMTD exactly (an independent
    /// formulation); with water's c_p varying by 0.1 % over the span, allow 0.1 %.
    #[test]
    fn counter_flow_matches_lmtd() {
        let water = Fluid::water();
        let hx = cdu();
        let hot = Stream {
            fluid: &water,
            t_in_k: 318.15,
            mass_flow_kg_s: 30.0,
        };
        let cold = Stream {
            fluid: &water,
            t_in_k: 303.15,
            mass_flow_kg_s: 40.0,
        };
        let x = hx.exchange(hot, cold);
        let dt_a = hot.t_in_k - x.t_out_2_k;
        let dt_b = x.t_out_1_k - cold.t_in_k;
        let lmtd = (dt_a - dt_b) / (dt_a / dt_b).ln();
        assert!(
            ((x.ua_w_k * lmtd) - x.heat_w).abs() < 1e-3 * x.heat_w,
            "{} vs {}",
            x.ua_w_k * lmtd,
            x.heat_w
        );
    }

    /// UA follows the flows: rated at rated flows; both halved → 0.5^0.8 (Dittus–Boelter);
    /// a side carrying no resistance share has no influence; doubling a side's flow with
    /// equal shares gives 2/(1 + 2^−0.8).
    #[test]
    fn ua_scales_with_flow() {
        let hx = cdu();
        assert!((hx.ua_w_k(40.0, 40.0) - 500e3).abs() < 1e-6);
        assert!((hx.ua_w_k(20.0, 20.0) / 500e3 - 0.5f64.powf(0.8)).abs() < 1e-12);
        let ratio = hx.ua_w_k(80.0, 40.0) / 500e3;
        assert!((ratio - 2.0 / (1.0 + 2f64.powf(-0.8))).abs() < 1e-12);
        let all_on_1 = hx.conductance.with_resistance_share_1(1.0).unwrap();
        assert_eq!(all_on_1.ua_w_k(40.0, 5.0), all_on_1.ua_w_k(40.0, 80.0));
        assert!(all_on_1.ua_w_k(20.0, 40.0) < 500e3);
        assert_eq!(hx.ua_w_k(0.0, 40.0), 0.0);
    }

    /// Swapping hot and cold (with the exchanger's sides) reverses the duty and swaps the
    /// outlets; swapping only which side is hotter reverses the sign of the duty.
    #[test]
    fn symmetric_when_sides_swapped() {
        let water = Fluid::water();
        let glycol = Fluid::from_name("ethylene_glycol", Some(0.3)).unwrap();
        let hx = HeatExchanger {
            arrangement: FlowArrangement::CounterFlow,
            conductance: ConductanceScaling::new(300e3, 30.0, 50.0)
                .unwrap()
                .with_resistance_share_1(0.3)
                .unwrap()
                .with_exponents(0.7, 0.8)
                .unwrap(),
        };
        let mirrored = HeatExchanger {
            arrangement: hx.arrangement,
            conductance: ConductanceScaling::new(300e3, 50.0, 30.0)
                .unwrap()
                .with_resistance_share_1(0.7)
                .unwrap()
                .with_exponents(0.8, 0.7)
                .unwrap(),
        };
        let a = Stream {
            fluid: &water,
            t_in_k: 320.0,
            mass_flow_kg_s: 25.0,
        };
        let b = Stream {
            fluid: &glycol,
            t_in_k: 305.0,
            mass_flow_kg_s: 42.0,
        };
        let x = hx.exchange(a, b);
        let y = mirrored.exchange(b, a);
        assert!((x.heat_w + y.heat_w).abs() < 1e-9 * x.heat_w.abs());
        assert!((x.t_out_1_k - y.t_out_2_k).abs() < 1e-9);
        assert!((x.t_out_2_k - y.t_out_1_k).abs() < 1e-9);
        // The colder stream on side 1: the heat flows the other way.
        let a_cold = Stream { t_in_k: 290.0, ..a };
        assert!(hx.exchange(a_cold, b).heat_w < 0.0);
    }

    /// No flow on either side: no duty, outlets at inlets; a trickle gives a trickle of heat.
    #[test]
    fn zero_flow_gives_zero_duty() {
        let water = Fluid::water();
        let hx = cdu();
        let hot = Stream {
            fluid: &water,
            t_in_k: 318.15,
            mass_flow_kg_s: 30.0,
        };
        let still = Stream {
            fluid: &water,
            t_in_k: 300.0,
            mass_flow_kg_s: 0.0,
        };
        for (s1, s2) in [(hot, still), (still, hot)] {
            let x = hx.exchange(s1, s2);
            assert_eq!(x.heat_w, 0.0);
            assert_eq!((x.t_out_1_k, x.t_out_2_k), (s1.t_in_k, s2.t_in_k));
        }
        let trickle = Stream {
            mass_flow_kg_s: 1e-6,
            ..still
        };
        let x = hx.exchange(hot, trickle);
        // At most C_min·ΔT = 1e-6 · 4.18 kJ/(kg K) · 18 K ≈ 0.075 W.
        assert!(x.heat_w > 0.0 && x.heat_w < 0.08, "{}", x.heat_w);
    }

    /// A data-sheet rating reproduces its own duty; impossible ratings are refused.
    #[test]
    fn rating_round_trip() {
        let water = Fluid::water();
        // 1 MW, 45 → 35 °C primary-to-secondary at 2 K approach, 23.9 kg/s each side.
        let hot = Stream {
            fluid: &water,
            t_in_k: 318.15,
            mass_flow_kg_s: 23.9,
        };
        let cold = Stream {
            fluid: &water,
            t_in_k: 306.15,
            mass_flow_kg_s: 23.9,
        };
        for arrangement in ALL {
            let rated = HeatExchanger::from_rating(arrangement, hot, cold, 1.0e6);
            match arrangement {
                FlowArrangement::ParallelFlow => {
                    // 1 MW needs ε = 0.83 > 1/(1 + C_r) = 0.5.
                    assert!(matches!(
                        rated,
                        Err(HeatExchangerError::RatingUnreachable { .. })
                    ));
                }
                _ => {
                    let x = rated.unwrap().exchange(hot, cold);
                    assert!(
                        (x.heat_w - 1.0e6).abs() < 1e-3,
                        "{arrangement:?}: {}",
                        x.heat_w
                    );
                }
            }
        }
        assert!(HeatExchanger::from_rating(FlowArrangement::CounterFlow, hot, cold, -1.0).is_err());
    }

    #[test]
    fn rejects_bad_parameters() {
        let err = HeatExchanger::new(FlowArrangement::CounterFlow, -1.0, 1.0, 1.0).unwrap_err();
        assert!(matches!(
            err,
            HeatExchangerError::Parameter {
                name: "rated_ua_w_k",
                ..
            }
        ));
        assert!(HeatExchanger::new(FlowArrangement::CounterFlow, 1.0, f64::NAN, 1.0).is_err());
        assert!(HeatExchanger::new(FlowArrangement::CounterFlow, 1.0, 1.0, 0.0).is_err());
        let c = ConductanceScaling::new(1.0, 1.0, 1.0).unwrap();
        assert!(c.with_resistance_share_1(1.2).is_err());
        assert!(c.with_exponents(0.8, -0.1).is_err());
        assert!(c.with_exponents(f64::NAN, 0.8).is_err());
    }
}
