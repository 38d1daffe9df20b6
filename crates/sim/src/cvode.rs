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
    /// GMRES preconditioned on the left by the system's [`System::setup`] and
    /// [`System::solve`] (P ≈ I − γJ), with its Jacobian–vector product
    /// [`System::jacobian_times`] when it has one.
    PreconditionedKrylov {
        /// Largest Krylov subspace (0: CVODE's default, 5).
        max_dimension: usize,
        /// Whether the system gives J·v itself (otherwise a difference quotient of the RHS).
        jacobian_times: bool,
    },
    /// The system's own solve of (I − γJ)·z = r ([`System::setup`], [`System::solve`]) as
    /// the linear solver, without Krylov iterations: for systems whose "preconditioner" is an
    /// exact factorisation of their Jacobian. As with CVODE's direct solvers, the Jacobian and
    /// γ may be from an earlier step (CVODE re-sets-up when γ moved by more than 30 %); the
    /// correction is scaled by 2/(1 + γ/γ_setup) for the difference, as CVODE does for them.
    SystemSolve,
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
    /// Newton iterations.
    pub nonlinear_iterations: u64,
    /// Linear (Krylov) iterations; zero for the direct solvers.
    pub linear_iterations: u64,
    /// Krylov solves that did not converge.
    pub linear_convergence_failures: u64,
    /// Preconditioner (or direct Jacobian) set-ups.
    pub setups: u64,
    /// Preconditioner solves.
    pub preconditioner_solves: u64,
}

impl Stats {
    fn plus(&self, o: &Stats) -> Stats {
        Stats {
            steps: self.steps + o.steps,
            rhs_evaluations: self.rhs_evaluations + o.rhs_evaluations,
            error_test_failures: self.error_test_failures + o.error_test_failures,
            convergence_failures: self.convergence_failures + o.convergence_failures,
            nonlinear_iterations: self.nonlinear_iterations + o.nonlinear_iterations,
            linear_iterations: self.linear_iterations + o.linear_iterations,
            linear_convergence_failures: self.linear_convergence_failures
                + o.linear_convergence_failures,
            setups: self.setups + o.setups,
            preconditioner_solves: self.preconditioner_solves + o.preconditioner_solves,
        }
    }
}

/// A right-hand side: `f(t, y, ẏ)`; `Err(())` asks CVODE for a smaller step.
pub type Rhs<'a> = dyn FnMut(f64, &[f64], &mut [f64]) -> Result<(), ()> + 'a;

/// A recoverable failure of a [`System`]'s function: CVODE retries with a smaller step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry;

/// An ODE ẏ = f(t, y) with, optionally, a preconditioner P ≈ I − γJ (J = ∂f/∂y) for
/// [`LinearSolver::PreconditionedKrylov`] and [`LinearSolver::SystemSolve`]. Every
/// `Err(Retry)` asks CVODE for a smaller step.
pub trait System {
    /// f(t, y) into `dy`.
    fn rhs(&mut self, t_s: f64, y: &[f64], dy: &mut [f64]) -> Result<(), Retry>;

    /// Prepare P = I − `gamma`·J at (t, y). With `jacobian_ok` the J of the last call may be
    /// reused; returns whether J was evaluated afresh.
    fn setup(
        &mut self,
        _t_s: f64,
        _y: &[f64],
        _jacobian_ok: bool,
        _gamma: f64,
    ) -> Result<bool, Retry> {
        Ok(false)
    }

    /// Solve P·z = r with the last set-up (default: no preconditioning, z = r).
    fn solve(&mut self, r: &[f64], z: &mut [f64]) -> Result<(), Retry> {
        z.copy_from_slice(r);
        Ok(())
    }

    /// J·v into `jv` with the J of the last set-up.
    fn jacobian_times(&mut self, _v: &[f64], _jv: &mut [f64]) -> Result<(), Retry> {
        Err(Retry)
    }
}

/// A closure as a system without preconditioner.
struct Plain<'r, 'a>(&'r mut Rhs<'a>);

impl System for Plain<'_, '_> {
    fn rhs(&mut self, t_s: f64, y: &[f64], dy: &mut [f64]) -> Result<(), Retry> {
        (self.0)(t_s, y, dy).map_err(|()| Retry)
    }
}

struct Callback<'b> {
    system: &'b mut dyn System,
    len: usize,
    panicked: bool,
    /// γ of the last set-up (kept by the [`Cvode`]: a set-up outlives an `advance`), and
    /// whether solves are scaled to the current γ ([`LinearSolver::SystemSolve`]).
    setup_gamma: &'b mut f64,
    scale_to_gamma: bool,
}

/// What CVODE hands our [`LinearSolver::SystemSolve`] solver: the preconditioner interface it
/// would give a Krylov solver, called here once per linear solve.
struct SystemSolveContent {
    p_data: *mut c_void,
    setup: sys::SUNPSetupFn,
    solve: sys::SUNPSolveFn,
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
    /// Work done before the last restart (CVODE's counters restart with it).
    carried: Stats,
    /// Content of the [`LinearSolver::SystemSolve`] solver (owned here, freed in `Drop`).
    system_solve: Option<Box<SystemSolveContent>>,
    /// Whether the solver is [`LinearSolver::SystemSolve`].
    scale_to_gamma: bool,
    /// γ of the system's last set-up.
    setup_gamma: f64,
    /// CVODE's `user_data`: a fixed address (CVODE copies it into the preconditioner's data
    /// when the preconditioner is attached) holding the live `Callback` during `advance`, null
    /// otherwise.
    slot: Box<*mut c_void>,
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
                carried: Stats::default(),
                slot: Box::new(std::ptr::null_mut()),
                system_solve: None,
                scale_to_gamma: false,
                setup_gamma: 0.0,
            };
            not_null(cvode.y, "N_VNew_Serial")?;
            // Fused vector operations (one pass over memory for CVODE's multi-vector updates
            // of its history array); every vector CVODE clones from `y` inherits them.
            check(
                sys::N_VEnableFusedOps_Serial(cvode.y, 1),
                "N_VEnableFusedOps_Serial",
            )?;
            cvode.state_mut().copy_from_slice(y0);
            cvode.memory = sys::CVodeCreate(sys::CV_BDF, context);
            not_null(cvode.memory, "CVodeCreate")?;
            let slot: *mut *mut c_void = &mut *cvode.slot;
            sys::CVodeSetUserData(cvode.memory, slot.cast());
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
                LinearSolver::PreconditionedKrylov { max_dimension, .. } => {
                    self.solver = sys::SUNLinSol_SPGMR(
                        self.y,
                        sys::SUN_PREC_LEFT as c_int,
                        max_dimension as c_int,
                        self.context,
                    );
                }
                LinearSolver::SystemSolve => {
                    self.solver = sys::SUNLinSolNewEmpty(self.context);
                    not_null(self.solver, "SUNLinSolNewEmpty")?;
                    let mut content = Box::new(SystemSolveContent {
                        p_data: std::ptr::null_mut(),
                        setup: None,
                        solve: None,
                    });
                    (*self.solver).content = (&mut *content as *mut SystemSolveContent).cast();
                    self.system_solve = Some(content);
                    self.scale_to_gamma = true;
                    let ops = &mut *(*self.solver).ops;
                    ops.gettype = Some(system_solve_type);
                    ops.setatimes = Some(system_solve_set_atimes);
                    ops.setpreconditioner = Some(system_solve_set_preconditioner);
                    ops.setup = Some(system_solve_setup);
                    ops.solve = Some(system_solve_solve);
                    ops.numiters = Some(system_solve_iterations);
                }
            }
            not_null(self.solver, "SUNLinSol")?;
            check(
                sys::CVodeSetLinearSolver(self.memory, self.solver, self.matrix),
                "CVodeSetLinearSolver",
            )?;
            let preconditioned = matches!(
                kind,
                LinearSolver::PreconditionedKrylov { .. } | LinearSolver::SystemSolve
            );
            if preconditioned {
                check(
                    sys::CVodeSetPreconditioner(
                        self.memory,
                        Some(preconditioner_setup),
                        Some(preconditioner_solve),
                    ),
                    "CVodeSetPreconditioner",
                )?;
            }
            if let LinearSolver::PreconditionedKrylov {
                jacobian_times: true,
                ..
            } = kind
            {
                check(
                    sys::CVodeSetJacTimes(self.memory, None, Some(jacobian_times_vector)),
                    "CVodeSetJacTimes",
                )?;
            }
            Ok(())
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
    /// CVODE forgets its step history and starts again at order 1, with the last step size it
    /// used as its first try (its own estimate from the tolerances is tiny and would spend a
    /// dozen steps growing back to where it was); a step that is too long fails its error test
    /// and is cut.
    pub fn restart(&mut self, t_s: f64, y: &[f64]) -> Result<(), CvodeError> {
        let last_step_s = self.last_step_s();
        self.carried = self.stats();
        self.state_mut().copy_from_slice(y);
        self.time_s = t_s;
        // SAFETY: live CVODE memory and vector.
        unsafe {
            check(sys::CVodeReInit(self.memory, t_s, self.y), "CVodeReInit")?;
            // 0 lets CVODE estimate the first step itself.
            check(
                sys::CVodeSetInitStep(self.memory, last_step_s.unwrap_or(0.0)),
                "CVodeSetInitStep",
            )
        }
    }

    /// The size of the last step taken since the last (re)start [s], if any.
    fn last_step_s(&self) -> Option<f64> {
        let mut steps: c_long = 0;
        let mut h: f64 = 0.0;
        // SAFETY: live CVODE memory; the outputs are plain locals.
        unsafe {
            sys::CVodeGetNumSteps(self.memory, &mut steps);
            if steps == 0 {
                return None;
            }
            sys::CVodeGetLastStep(self.memory, &mut h);
        }
        (h.is_finite() && h > 0.0).then_some(h)
    }

    /// Integrate to exactly `t_out_s` (never beyond: it is a stop time) with right-hand side
    /// `rhs`. On failure the state is the last one CVODE accepted.
    pub fn advance(&mut self, t_out_s: f64, rhs: &mut Rhs<'_>) -> Result<(), CvodeError> {
        self.advance_system(t_out_s, &mut Plain(rhs))
    }

    /// As [`Cvode::advance`], for a [`System`] (which may bring a preconditioner).
    pub fn advance_system(
        &mut self,
        t_out_s: f64,
        system: &mut dyn System,
    ) -> Result<(), CvodeError> {
        if t_out_s <= self.time_s {
            return Ok(());
        }
        let mut callback = Callback {
            system,
            len: self.len,
            panicked: false,
            setup_gamma: &mut self.setup_gamma,
            scale_to_gamma: self.scale_to_gamma,
        };
        let mut t_reached = self.time_s;
        // SAFETY: `callback` outlives the CVode call, which is the only time CVODE reads the
        // slot; it is reset to null before `callback` goes out of scope.
        let flag = unsafe {
            *self.slot = (&mut callback as *mut Callback).cast();
            sys::CVodeSetStopTime(self.memory, t_out_s);
            let flag = sys::CVode(self.memory, t_out_s, self.y, &mut t_reached, sys::CV_NORMAL);
            *self.slot = std::ptr::null_mut();
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

    /// Work counters since the integrator was created (across restarts).
    pub fn stats(&self) -> Stats {
        self.carried.plus(&self.counters())
    }

    /// CVODE's counters since the last (re)start.
    fn counters(&self) -> Stats {
        let mut steps: c_long = 0;
        let mut rhs: c_long = 0;
        let mut rhs_ls: c_long = 0;
        let mut err_fails: c_long = 0;
        let mut conv_fails: c_long = 0;
        let (mut nl_iters, mut l_iters, mut l_fails): (c_long, c_long, c_long) = (0, 0, 0);
        let (mut setups, mut p_solves): (c_long, c_long) = (0, 0);
        // SAFETY: live CVODE memory; the getters only write the given integers.
        unsafe {
            sys::CVodeGetNumSteps(self.memory, &mut steps);
            sys::CVodeGetNumRhsEvals(self.memory, &mut rhs);
            sys::CVodeGetNumLinRhsEvals(self.memory, &mut rhs_ls);
            sys::CVodeGetNumErrTestFails(self.memory, &mut err_fails);
            sys::CVodeGetNumNonlinSolvConvFails(self.memory, &mut conv_fails);
            sys::CVodeGetNumNonlinSolvIters(self.memory, &mut nl_iters);
            sys::CVodeGetNumLinSolvSetups(self.memory, &mut setups);
            if self.matrix.is_null() {
                sys::CVodeGetNumLinIters(self.memory, &mut l_iters);
                sys::CVodeGetNumLinConvFails(self.memory, &mut l_fails);
                sys::CVodeGetNumPrecSolves(self.memory, &mut p_solves);
            }
        }
        Stats {
            steps: steps as u64,
            rhs_evaluations: (rhs + rhs_ls) as u64,
            error_test_failures: err_fails as u64,
            convergence_failures: conv_fails as u64,
            nonlinear_iterations: nl_iters as u64,
            linear_iterations: l_iters as u64,
            linear_convergence_failures: l_fails as u64,
            setups: setups as u64,
            preconditioner_solves: p_solves as u64,
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
                // Our solver's content is Rust's: SUNDIALS must not free it.
                if self.system_solve.is_some() {
                    (*self.solver).content = std::ptr::null_mut();
                }
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

/// Run `f` on the live callback: 0 on success, 1 (recoverable: CVODE tries a smaller step) on
/// `Err` or a non-finite output, −1 after a panic.
///
/// # Safety
/// `user_data` is the `Cvode`'s slot, holding null or the `Callback` that `advance_system`
/// set for the duration of `CVode`.
unsafe fn with_callback(
    user_data: *mut c_void,
    f: impl FnOnce(&mut dyn System, usize) -> Result<(), Retry>,
) -> c_int {
    // SAFETY: the caller's contract.
    unsafe { with_full_callback(user_data, |callback| f(&mut *callback.system, callback.len)) }
}

/// As [`with_callback`], handing over the whole callback.
///
/// # Safety
/// As [`with_callback`].
unsafe fn with_full_callback(
    user_data: *mut c_void,
    f: impl FnOnce(&mut Callback) -> Result<(), Retry>,
) -> c_int {
    if user_data.is_null() {
        return -1;
    }
    // SAFETY: see the function's contract.
    let live = unsafe { *user_data.cast::<*mut c_void>() };
    if live.is_null() {
        return -1;
    }
    // SAFETY: see the function's contract.
    let callback = unsafe { &mut *live.cast::<Callback>() };
    match catch_unwind(AssertUnwindSafe(|| f(&mut *callback))) {
        Ok(Ok(())) => 0,
        Ok(Err(Retry)) => 1,
        Err(_) => {
            callback.panicked = true;
            -1
        }
    }
}

/// The values of a serial vector of `len` entries.
///
/// # Safety
/// `v` is a live serial vector of at least `len` values, not aliased mutably elsewhere.
unsafe fn values<'v>(v: sys::N_Vector, len: usize) -> &'v [f64] {
    // SAFETY: see the function's contract.
    unsafe { std::slice::from_raw_parts(sys::N_VGetArrayPointer(v), len) }
}

/// As [`values`], mutably.
///
/// # Safety
/// As [`values`], and no other reference to `v`'s values lives meanwhile.
unsafe fn values_mut<'v>(v: sys::N_Vector, len: usize) -> &'v mut [f64] {
    // SAFETY: see the function's contract.
    unsafe { std::slice::from_raw_parts_mut(sys::N_VGetArrayPointer(v), len) }
}

unsafe extern "C" fn rhs_trampoline(
    t: sys::sunrealtype,
    y: sys::N_Vector,
    ydot: sys::N_Vector,
    user_data: *mut c_void,
) -> c_int {
    // SAFETY: CVODE passes its serial vectors of `len` values and our `user_data`.
    unsafe {
        with_callback(user_data, |system, len| {
            let dy = values_mut(ydot, len);
            system.rhs(t, values(y, len), dy)?;
            if dy.iter().all(|d| d.is_finite()) {
                Ok(())
            } else {
                Err(Retry)
            }
        })
    }
}

unsafe extern "C" fn preconditioner_setup(
    t: sys::sunrealtype,
    y: sys::N_Vector,
    _fy: sys::N_Vector,
    jok: c_int,
    jcur: *mut c_int,
    gamma: sys::sunrealtype,
    user_data: *mut c_void,
) -> c_int {
    // SAFETY: as in `rhs_trampoline`; `jcur` points at CVODE's flag.
    unsafe {
        with_full_callback(user_data, |callback| {
            let y = values(y, callback.len);
            let fresh = callback.system.setup(t, y, jok != 0, gamma)?;
            *callback.setup_gamma = gamma;
            *jcur = c_int::from(fresh);
            Ok(())
        })
    }
}

#[allow(clippy::too_many_arguments)]
unsafe extern "C" fn preconditioner_solve(
    _t: sys::sunrealtype,
    _y: sys::N_Vector,
    _fy: sys::N_Vector,
    r: sys::N_Vector,
    z: sys::N_Vector,
    gamma: sys::sunrealtype,
    _delta: sys::sunrealtype,
    _lr: c_int,
    user_data: *mut c_void,
) -> c_int {
    // SAFETY: as in `rhs_trampoline`; `r` and `z` are distinct vectors.
    unsafe {
        with_full_callback(user_data, |callback| {
            let z = values_mut(z, callback.len);
            callback.system.solve(values(r, callback.len), z)?;
            let setup_gamma = *callback.setup_gamma;
            if callback.scale_to_gamma && gamma != setup_gamma && setup_gamma > 0.0 {
                let scale = 2.0 / (1.0 + gamma / setup_gamma);
                z.iter_mut().for_each(|v| *v *= scale);
            }
            if z.iter().all(|v| v.is_finite()) {
                Ok(())
            } else {
                Err(Retry)
            }
        })
    }
}

/// The [`LinearSolver::SystemSolve`] solver's content.
///
/// # Safety
/// `s` is a solver made in `attach_linear_solver`, whose content is a live
/// `SystemSolveContent`.
unsafe fn system_solve_content<'s>(s: sys::SUNLinearSolver) -> &'s mut SystemSolveContent {
    // SAFETY: see the function's contract.
    unsafe { &mut *(*s).content.cast::<SystemSolveContent>() }
}

unsafe extern "C" fn system_solve_type(_s: sys::SUNLinearSolver) -> sys::SUNLinearSolver_Type {
    // Iterative for CVODE: no matrix, and the preconditioner interface is ours to call.
    sys::SUNLinearSolver_Type_SUNLINEARSOLVER_ITERATIVE
}

unsafe extern "C" fn system_solve_set_atimes(
    _s: sys::SUNLinearSolver,
    _a_data: *mut c_void,
    _a_times: sys::SUNATimesFn,
) -> sys::SUNErrCode {
    0 // no Jacobian products needed
}

unsafe extern "C" fn system_solve_set_preconditioner(
    s: sys::SUNLinearSolver,
    p_data: *mut c_void,
    setup: sys::SUNPSetupFn,
    solve: sys::SUNPSolveFn,
) -> sys::SUNErrCode {
    // SAFETY: CVODE passes our solver.
    let content = unsafe { system_solve_content(s) };
    content.p_data = p_data;
    content.setup = setup;
    content.solve = solve;
    0
}

unsafe extern "C" fn system_solve_setup(s: sys::SUNLinearSolver, _a: sys::SUNMatrix) -> c_int {
    // SAFETY: CVODE passes our solver; `p_data` is what CVODE gave with `setup`.
    unsafe {
        let content = system_solve_content(s);
        match content.setup {
            Some(setup) => setup(content.p_data),
            None => 0,
        }
    }
}

unsafe extern "C" fn system_solve_solve(
    s: sys::SUNLinearSolver,
    _a: sys::SUNMatrix,
    x: sys::N_Vector,
    b: sys::N_Vector,
    tol: sys::sunrealtype,
) -> c_int {
    // SAFETY: CVODE passes our solver and two distinct vectors.
    unsafe {
        let content = system_solve_content(s);
        match content.solve {
            Some(solve) => solve(content.p_data, b, x, tol, sys::SUN_PREC_LEFT as c_int),
            None => -1,
        }
    }
}

unsafe extern "C" fn system_solve_iterations(_s: sys::SUNLinearSolver) -> c_int {
    1
}

unsafe extern "C" fn jacobian_times_vector(
    v: sys::N_Vector,
    jv: sys::N_Vector,
    _t: sys::sunrealtype,
    _y: sys::N_Vector,
    _fy: sys::N_Vector,
    user_data: *mut c_void,
    _tmp: sys::N_Vector,
) -> c_int {
    // SAFETY: as in `rhs_trampoline`; `v` and `jv` are distinct vectors.
    unsafe {
        with_callback(user_data, |system, len| {
            system.jacobian_times(values(v, len), values_mut(jv, len))
        })
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

    /// A stiff chain (a fast volume feeding a slow one, τ = 1 ms and 100 s):
    /// y₁' = −a·y₁, y₂' = a·y₁ − b·y₂, with its exact (I − γJ)⁻¹ as the system's solve.
    struct Chain {
        a: f64,
        b: f64,
        gamma: f64,
        setups: usize,
    }

    impl System for Chain {
        fn rhs(&mut self, _t: f64, y: &[f64], dy: &mut [f64]) -> Result<(), Retry> {
            dy[0] = -self.a * y[0];
            dy[1] = self.a * y[0] - self.b * y[1];
            Ok(())
        }

        fn setup(&mut self, _t: f64, _y: &[f64], _ok: bool, gamma: f64) -> Result<bool, Retry> {
            self.gamma = gamma;
            self.setups += 1;
            Ok(true)
        }

        fn solve(&mut self, r: &[f64], z: &mut [f64]) -> Result<(), Retry> {
            // (I − γJ) = [[1 + γa, 0], [−γa, 1 + γb]]: forward substitution.
            let g = self.gamma;
            z[0] = r[0] / (1.0 + g * self.a);
            z[1] = (r[1] + g * self.a * z[0]) / (1.0 + g * self.b);
            Ok(())
        }

        fn jacobian_times(&mut self, v: &[f64], jv: &mut [f64]) -> Result<(), Retry> {
            jv[0] = -self.a * v[0];
            jv[1] = self.a * v[0] - self.b * v[1];
            Ok(())
        }
    }

    /// The system's own solve, alone or as GMRES's preconditioner, integrates the stiff chain
    /// to the exact solution in few steps.
    #[test]
    fn system_solve_and_preconditioned_gmres_integrate_a_stiff_chain() {
        for solver in [
            LinearSolver::SystemSolve,
            LinearSolver::PreconditionedKrylov {
                max_dimension: 0,
                jacobian_times: true,
            },
            LinearSolver::PreconditionedKrylov {
                max_dimension: 0,
                jacobian_times: false,
            },
        ] {
            let options = Options {
                relative_tolerance: 1e-8,
                absolute_tolerance: 1e-10,
                linear_solver: solver,
                ..Options::default()
            };
            let (a, b) = (1e3, 1e-2);
            let mut chain = Chain {
                a,
                b,
                gamma: 0.0,
                setups: 0,
            };
            let mut cvode = Cvode::new(0.0, &[1.0, 0.0], &options).unwrap();
            for k in 1..=5 {
                let t = 60.0 * k as f64;
                cvode.advance_system(t, &mut chain).unwrap();
                // y₂ = a/(a − b)·(e^(−bt) − e^(−at)).
                let exact = a / (a - b) * ((-b * t).exp() - (-a * t).exp());
                let y = cvode.state();
                assert!(
                    (y[1] - exact).abs() < 1e-6,
                    "{solver:?} at {t}: {y:?} vs {exact}"
                );
                assert!(y[0].abs() < 1e-6, "{solver:?} at {t}: {y:?}");
            }
            let stats = cvode.stats();
            assert!(chain.setups > 0, "{solver:?}");
            // Without a working linear solve the 1 ms mode would force ~1e5 steps.
            assert!(stats.steps < 1_000, "{solver:?}: {stats:?}");
        }
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
