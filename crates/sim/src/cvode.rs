//! A safe wrapper around SUNDIALS CVODE (BDF, Newton iteration), built from the vendored sources
//! by `sundials-sys`.
//!
//! The right-hand side is a closure handed to each [`Cvode::advance`] call, so it may borrow the
//! facility mutably for that call only: CVODE's `user_data` points at it while CVODE runs and at
//! nothing afterwards. A right-hand side that returns an error, a non-finite derivative or panics
//! makes CVODE retry a smaller step (recoverable) or stop (a panic); a failure comes back as a
//! [`CvodeError`] naming CVODE's flag, the time reached and the state with the largest weighted
//! local error: the component whose temperature misbehaved.

use std::ffi::{c_int, c_long, c_void};
use std::panic::{AssertUnwindSafe, catch_unwind};
use sundials_sys as sys;

/// The linear solver inside CVODE's Newton iteration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinearSolver {
    /// Dense LU with a difference-quotient Jacobian: small models (up to a few hundred states).
    Dense,
    /// Banded LU: states ordered so that each couples only to neighbours within the bands.
    Banded {
        /// Upper half-bandwidth.
        upper: usize,
        /// Lower half-bandwidth.
        lower: usize,
    },
    /// GMRES without preconditioner, matrix-free: large models whose Jacobian is mostly the
    /// identity minus weak coupling (short steps relative to the slowest time constants).
    Krylov {
        /// Largest Krylov subspace (0: CVODE's default, 5).
        max_dimension: usize,
    },
}

/// Integration settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Relative tolerance on every state. 1e-6 keeps temperatures to about 0.1 mK at 320 K.
    pub relative_tolerance: f64,
    /// Absolute tolerance on every state (a temperature: K).
    pub absolute_tolerance: f64,
    /// Absolute tolerance per state, overriding `absolute_tolerance` (states of mixed units).
    pub absolute_tolerances: Option<Vec<f64>>,
    /// The linear solver.
    pub linear_solver: LinearSolver,
    /// Longest internal step [s], if limited (e.g. by a transport delay).
    pub max_step_s: Option<f64>,
    /// Internal steps allowed per `advance` call.
    pub max_steps: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            relative_tolerance: 1e-6,
            absolute_tolerance: 1e-6,
            absolute_tolerances: None,
            linear_solver: LinearSolver::Dense,
            max_step_s: None,
            max_steps: 50_000,
        }
    }
}

/// CVODE could not be set up or could not reach the requested time.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CvodeError {
    /// Setting up CVODE failed (out of memory or a bad option).
    #[error("CVODE set-up failed in {call} (flag {flag})")]
    Setup {
        /// The SUNDIALS function that failed.
        call: &'static str,
        /// Its return flag.
        flag: i32,
    },
    /// Integration stopped before the requested time.
    #[error(
        "CVODE failed at t = {time_s} s ({flag_name}); largest local error in state {worst_state}"
    )]
    Failed {
        /// CVODE's return flag, by name.
        flag_name: &'static str,
        /// Simulated time reached [s].
        time_s: f64,
        /// Index of the state with the largest weighted local error estimate.
        worst_state: usize,
    },
}

/// Work counters since the integrator was created.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Internal steps.
    pub steps: u64,
    /// Right-hand-side evaluations (including those for the Jacobian).
    pub rhs_evaluations: u64,
    /// Error-test failures.
    pub error_test_failures: u64,
    /// Newton-iteration convergence failures.
    pub convergence_failures: u64,
}

/// A right-hand side: `f(t, y, ẏ)`; `Err(())` asks CVODE for a smaller step.
pub type Rhs<'a> = dyn FnMut(f64, &[f64], &mut [f64]) -> Result<(), ()> + 'a;

struct Callback<'a, 'b> {
    rhs: &'b mut Rhs<'a>,
    len: usize,
    panicked: bool,
}

/// A CVODE integrator over `n` states.
pub struct Cvode {
    context: sys::SUNContext,
    memory: *mut c_void,
    y: sys::N_Vector,
    matrix: sys::SUNMatrix,
    solver: sys::SUNLinearSolver,
    len: usize,
    time_s: f64,
}

impl Cvode {
    /// An integrator starting at `t0_s` from `y0`.
    pub fn new(t0_s: f64, y0: &[f64], options: &Options) -> Result<Cvode, CvodeError> {
        let len = y0.len();
        let n = len as sys::sunindextype;
        let mut context: sys::SUNContext = std::ptr::null_mut();
        // SAFETY: plain SUNDIALS constructor calls; every pointer is checked before use and
        // owned by the returned value, which frees them in `Drop`.
        unsafe {
            check(
                sys::SUNContext_Create(sys::SUN_COMM_NULL, &mut context),
                "SUNContext_Create",
            )?;
            // Errors come back as flags; the default handler would print them to stderr.
            sys::SUNContext_ClearErrHandlers(context);
            let mut cvode = Cvode {
                context,
                memory: std::ptr::null_mut(),
                y: sys::N_VNew_Serial(n, context),
                matrix: std::ptr::null_mut(),
                solver: std::ptr::null_mut(),
                len,
                time_s: t0_s,
            };
            not_null(cvode.y, "N_VNew_Serial")?;
            cvode.state_mut().copy_from_slice(y0);
            cvode.memory = sys::CVodeCreate(sys::CV_BDF, context);
            not_null(cvode.memory, "CVodeCreate")?;
            check(
                sys::CVodeInit(cvode.memory, Some(rhs_trampoline), t0_s, cvode.y),
                "CVodeInit",
            )?;
            match &options.absolute_tolerances {
                Some(per_state) => cvode.set_vector_tolerances(options, per_state)?,
                None => check(
                    sys::CVodeSStolerances(
                        cvode.memory,
                        options.relative_tolerance,
                        options.absolute_tolerance,
                    ),
                    "CVodeSStolerances",
                )?,
            }
            cvode.attach_linear_solver(options.linear_solver, n)?;
            check(
                sys::CVodeSetMaxNumSteps(cvode.memory, options.max_steps as c_long),
                "CVodeSetMaxNumSteps",
            )?;
            // Step-size underflow is reported through the return flag; no stderr chatter.
            sys::CVodeSetMaxHnilWarns(cvode.memory, -1);
            if let Some(h) = options.max_step_s {
                check(sys::CVodeSetMaxStep(cvode.memory, h), "CVodeSetMaxStep")?;
            }
            Ok(cvode)
        }
    }

    unsafe fn set_vector_tolerances(
        &mut self,
        options: &Options,
        per_state: &[f64],
    ) -> Result<(), CvodeError> {
        if per_state.len() != self.len {
            return Err(CvodeError::Setup {
                call: "CVodeSVtolerances (wrong length)",
                flag: -1,
            });
        }
        // SAFETY: a scratch vector of the right length; CVODE copies it, so it is freed here.
        unsafe {
            let atol = sys::N_VNew_Serial(self.len as sys::sunindextype, self.context);
            not_null(atol, "N_VNew_Serial")?;
            std::slice::from_raw_parts_mut(sys::N_VGetArrayPointer(atol), self.len)
                .copy_from_slice(per_state);
            let flag = sys::CVodeSVtolerances(self.memory, options.relative_tolerance, atol);
            sys::N_VDestroy(atol);
            check(flag, "CVodeSVtolerances")
        }
    }

    unsafe fn attach_linear_solver(
        &mut self,
        kind: LinearSolver,
        n: sys::sunindextype,
    ) -> Result<(), CvodeError> {
        // SAFETY: called once from `new` with live context, vector and CVODE memory.
        unsafe {
            match kind {
                LinearSolver::Dense => {
                    self.matrix = sys::SUNDenseMatrix(n, n, self.context);
                    not_null(self.matrix, "SUNDenseMatrix")?;
                    self.solver = sys::SUNLinSol_Dense(self.y, self.matrix, self.context);
                }
                LinearSolver::Banded { upper, lower } => {
                    self.matrix = sys::SUNBandMatrix(
                        n,
                        upper as sys::sunindextype,
                        lower as sys::sunindextype,
                        self.context,
                    );
                    not_null(self.matrix, "SUNBandMatrix")?;
                    self.solver = sys::SUNLinSol_Band(self.y, self.matrix, self.context);
                }
                LinearSolver::Krylov { max_dimension } => {
                    self.solver = sys::SUNLinSol_SPGMR(
                        self.y,
                        sys::SUN_PREC_NONE as c_int,
                        max_dimension as c_int,
                        self.context,
                    );
                }
            }
            not_null(self.solver, "SUNLinSol")?;
            check(
                sys::CVodeSetLinearSolver(self.memory, self.solver, self.matrix),
                "CVodeSetLinearSolver",
            )
        }
    }

    /// Number of states.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no states.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Time of the current state [s].
    pub fn time_s(&self) -> f64 {
        self.time_s
    }

    /// The current state.
    pub fn state(&self) -> &[f64] {
        // SAFETY: `y` is a live serial vector of `len` values owned by `self`.
        unsafe { std::slice::from_raw_parts(sys::N_VGetArrayPointer(self.y), self.len) }
    }

    fn state_mut(&mut self) -> &mut [f64] {
        // SAFETY: as in `state`, and `&mut self` makes the borrow unique.
        unsafe { std::slice::from_raw_parts_mut(sys::N_VGetArrayPointer(self.y), self.len) }
    }

    /// Restart from `y` at `t_s`: after an event changed the equations or the state jumped.
    /// CVODE forgets its step history and starts again at order 1.
    pub fn restart(&mut self, t_s: f64, y: &[f64]) -> Result<(), CvodeError> {
        self.state_mut().copy_from_slice(y);
        self.time_s = t_s;
        // SAFETY: live CVODE memory and vector.
        unsafe { check(sys::CVodeReInit(self.memory, t_s, self.y), "CVodeReInit") }
    }

    /// Integrate to exactly `t_out_s` (never beyond: it is a stop time) with right-hand side
    /// `rhs`. On failure the state is the last one CVODE accepted.
    pub fn advance(&mut self, t_out_s: f64, rhs: &mut Rhs<'_>) -> Result<(), CvodeError> {
        if t_out_s <= self.time_s {
            return Ok(());
        }
        let mut callback = Callback {
            rhs,
            len: self.len,
            panicked: false,
        };
        let mut t_reached = self.time_s;
        // SAFETY: `callback` outlives the CVode call, which is the only time CVODE reads
        // `user_data`; it is reset to null before `callback` goes out of scope.
        let flag = unsafe {
            sys::CVodeSetUserData(self.memory, (&mut callback as *mut Callback).cast());
            sys::CVodeSetStopTime(self.memory, t_out_s);
            let flag = sys::CVode(self.memory, t_out_s, self.y, &mut t_reached, sys::CV_NORMAL);
            sys::CVodeSetUserData(self.memory, std::ptr::null_mut());
            flag
        };
        self.time_s = t_reached;
        if flag >= 0 && !callback.panicked {
            self.time_s = t_out_s;
            return Ok(());
        }
        Err(CvodeError::Failed {
            flag_name: if callback.panicked {
                "the right-hand side panicked"
            } else {
                flag_name(flag)
            },
            time_s: t_reached,
            worst_state: self.worst_state(),
        })
    }

    /// The state with the largest local error estimate weighted by its tolerance.
    fn worst_state(&self) -> usize {
        // SAFETY: two scratch vectors of the right length, freed before returning.
        unsafe {
            let errors = sys::N_VNew_Serial(self.len as sys::sunindextype, self.context);
            let weights = sys::N_VNew_Serial(self.len as sys::sunindextype, self.context);
            if errors.is_null() || weights.is_null() {
                return 0;
            }
            sys::CVodeGetEstLocalErrors(self.memory, errors);
            sys::CVodeGetErrWeights(self.memory, weights);
            let e = std::slice::from_raw_parts(sys::N_VGetArrayPointer(errors), self.len);
            let w = std::slice::from_raw_parts(sys::N_VGetArrayPointer(weights), self.len);
            let worst = (0..self.len)
                .max_by(|&a, &b| (e[a] * w[a]).abs().total_cmp(&(e[b] * w[b]).abs()))
                .unwrap_or(0);
            sys::N_VDestroy(errors);
            sys::N_VDestroy(weights);
            worst
        }
    }

    /// Work counters.
    pub fn stats(&self) -> Stats {
        let mut steps: c_long = 0;
        let mut rhs: c_long = 0;
        let mut rhs_ls: c_long = 0;
        let mut err_fails: c_long = 0;
        let mut conv_fails: c_long = 0;
        // SAFETY: live CVODE memory; the getters only write the given integers.
        unsafe {
            sys::CVodeGetNumSteps(self.memory, &mut steps);
            sys::CVodeGetNumRhsEvals(self.memory, &mut rhs);
            sys::CVodeGetNumLinRhsEvals(self.memory, &mut rhs_ls);
            sys::CVodeGetNumErrTestFails(self.memory, &mut err_fails);
            sys::CVodeGetNumNonlinSolvConvFails(self.memory, &mut conv_fails);
        }
        Stats {
            steps: steps as u64,
            rhs_evaluations: (rhs + rhs_ls) as u64,
            error_test_failures: err_fails as u64,
            convergence_failures: conv_fails as u64,
        }
    }
}

impl Drop for Cvode {
    fn drop(&mut self) {
        // SAFETY: each pointer was created by SUNDIALS in `new` and is freed once, in reverse.
        unsafe {
            if !self.memory.is_null() {
                sys::CVodeFree(&mut self.memory);
            }
            if !self.solver.is_null() {
                sys::SUNLinSolFree(self.solver);
            }
            if !self.matrix.is_null() {
                sys::SUNMatDestroy(self.matrix);
            }
            if !self.y.is_null() {
                sys::N_VDestroy(self.y);
            }
            if !self.context.is_null() {
                sys::SUNContext_Free(&mut self.context);
            }
        }
    }
}

unsafe extern "C" fn rhs_trampoline(
    t: sys::sunrealtype,
    y: sys::N_Vector,
    ydot: sys::N_Vector,
    user_data: *mut c_void,
) -> c_int {
    if user_data.is_null() {
        return -1;
    }
    // SAFETY: `advance` set `user_data` to its live `Callback` for the duration of `CVode`, and
    // `y`, `ydot` are serial vectors of `len` values.
    let callback = unsafe { &mut *user_data.cast::<Callback>() };
    let (y, ydot) = unsafe {
        (
            std::slice::from_raw_parts(sys::N_VGetArrayPointer(y), callback.len),
            std::slice::from_raw_parts_mut(sys::N_VGetArrayPointer(ydot), callback.len),
        )
    };
    match catch_unwind(AssertUnwindSafe(|| (callback.rhs)(t, y, ydot))) {
        Ok(Ok(())) if ydot.iter().all(|d| d.is_finite()) => 0,
        // A recoverable failure: CVODE tries a smaller step.
        Ok(_) => 1,
        Err(_) => {
            callback.panicked = true;
            -1
        }
    }
}

fn check(flag: c_int, call: &'static str) -> Result<(), CvodeError> {
    if flag < 0 {
        Err(CvodeError::Setup { call, flag })
    } else {
        Ok(())
    }
}

fn not_null<T>(p: *mut T, call: &'static str) -> Result<(), CvodeError> {
    if p.is_null() {
        Err(CvodeError::Setup { call, flag: -1 })
    } else {
        Ok(())
    }
}

/// CVODE's name for a return flag (cvode.h).
fn flag_name(flag: c_int) -> &'static str {
    match flag {
        -1 => "CV_TOO_MUCH_WORK: too many internal steps",
        -2 => "CV_TOO_MUCH_ACC: accuracy not reachable",
        -3 => "CV_ERR_FAILURE: repeated error-test failures",
        -4 => "CV_CONV_FAILURE: repeated Newton convergence failures",
        -5 => "CV_LINIT_FAIL",
        -6 => "CV_LSETUP_FAIL: linear solver set-up failed",
        -7 => "CV_LSOLVE_FAIL: linear solve failed",
        -8 => "CV_RHSFUNC_FAIL: the right-hand side failed",
        -9 => "CV_FIRST_RHSFUNC_ERR: the right-hand side failed at the start",
        -10 => "CV_REPTD_RHSFUNC_ERR: the right-hand side failed repeatedly",
        -11 => "CV_UNREC_RHSFUNC_ERR: the right-hand side failed unrecoverably",
        -27 => "CV_TOO_CLOSE: output time too close to the start",
        _ => "CVODE error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ẏ = −y/τ from 1: y(t) = e^(−t/τ), for every linear solver.
    #[test]
    fn integrates_an_exponential_decay_with_each_linear_solver() {
        for solver in [
            LinearSolver::Dense,
            LinearSolver::Banded { upper: 0, lower: 0 },
            LinearSolver::Krylov { max_dimension: 0 },
        ] {
            let options = Options {
                relative_tolerance: 1e-9,
                absolute_tolerance: 1e-12,
                linear_solver: solver,
                ..Options::default()
            };
            let tau = [10.0, 100.0];
            let mut cvode = Cvode::new(0.0, &[1.0, 1.0], &options).unwrap();
            let mut rhs = |_t: f64, y: &[f64], dy: &mut [f64]| {
                for ((d, y), tau) in dy.iter_mut().zip(y).zip(tau) {
                    *d = -y / tau;
                }
                Ok(())
            };
            for k in 1..=10 {
                let t = 5.0 * k as f64;
                cvode.advance(t, &mut rhs).unwrap();
                assert_eq!(cvode.time_s(), t);
                for (i, (&y, tau)) in cvode.state().iter().zip(tau).enumerate() {
                    let exact = (-t / tau).exp();
                    // Local tolerance 1e-9 accumulates over ~100 steps.
                    assert!(
                        (y - exact).abs() < 1e-7,
                        "{solver:?} state {i} at {t}: {y} vs {exact}"
                    );
                }
            }
            assert!(cvode.stats().steps > 0);
        }
    }

    /// A stiff pair (time constants 1 ms and 1000 s) over a day takes few steps with BDF.
    #[test]
    fn stiff_system_takes_few_steps() {
        let mut cvode = Cvode::new(0.0, &[1.0, 1.0], &Options::default()).unwrap();
        let mut rhs = |_t: f64, y: &[f64], dy: &mut [f64]| {
            dy[0] = -(y[0] - y[1]) / 1e-3;
            dy[1] = -y[1] / 1000.0;
            Ok(())
        };
        cvode.advance(86_400.0, &mut rhs).unwrap();
        assert!(cvode.stats().steps < 2_000, "{:?}", cvode.stats());
        assert!(cvode.state()[1].abs() < 1e-6);
    }

    /// A right-hand side that keeps failing is reported with the time reached, not a NaN.
    #[test]
    fn failure_is_reported_with_time_and_state() {
        let mut cvode = Cvode::new(0.0, &[1.0, 1.0], &Options::default()).unwrap();
        let mut rhs = |t: f64, y: &[f64], dy: &mut [f64]| {
            dy[0] = -y[0];
            dy[1] = if t > 2.0 { f64::NAN } else { -y[1] };
            Ok(())
        };
        let err = cvode.advance(10.0, &mut rhs).unwrap_err();
        match err {
            CvodeError::Failed { time_s, .. } => assert!((1.0..=2.0 + 1e-9).contains(&time_s)),
            e => panic!("{e}"),
        }
        assert!(cvode.state().iter().all(|v| v.is_finite()));
        assert!(cvode.time_s() <= 2.0 + 1e-9);
    }

    /// Restarting after a jump continues from the new state.
    #[test]
    fn restart_after_a_jump() {
        let mut cvode = Cvode::new(0.0, &[1.0], &Options::default()).unwrap();
        let mut rhs = |_t: f64, _y: &[f64], dy: &mut [f64]| {
            dy[0] = 1.0;
            Ok(())
        };
        cvode.advance(1.0, &mut rhs).unwrap();
        cvode.restart(1.0, &[10.0]).unwrap();
        cvode.advance(2.0, &mut rhs).unwrap();
        assert!((cvode.state()[0] - 11.0).abs() < 1e-9);
    }
}
