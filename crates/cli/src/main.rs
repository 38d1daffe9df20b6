//! `dctwin`: check facility models, solve their steady state, run scenarios, report KPIs.

mod run;
mod size;
mod steady_tables;
mod sweep;

use clap::{Parser, Subcommand};
use dctwin_network::{Network, SteadySolver};
use dctwin_scenario::design::{DesignWeather, design_point};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "dctwin",
    version,
    about = "Digital twin of datacentre cooling and heat reuse"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate model files without solving; every error names file, line and key.
    Check {
        /// Model files (TOML).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Solve the steady state of a model: flows, pressures, temperatures, pump power.
    Solve {
        /// Model file (TOML).
        file: PathBuf,
        /// Show every component and node, including those inside template instances.
        #[arg(long)]
        all: bool,
        /// Show only components and nodes whose name contains this text.
        #[arg(long, value_name = "TEXT")]
        r#match: Option<String>,
        /// Print the whole result as JSON instead of tables.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        weather: WeatherArgs,
    },
    /// Size a model at its design point: each loop, pipes (steel DN from a velocity band and a
    /// friction gradient), pump duties with a margin and a curve, CDU conductances, the plant's
    /// own sizes (dry-cooler coils and fans with the heat recovery off, heat-pump capacity for
    /// the sink's peak), every device's limits, and what the design flows need where they are
    /// not reached; writes design.md and design.json.
    Size {
        /// Model file (TOML).
        file: PathBuf,
        #[command(flatten)]
        weather: WeatherArgs,
        /// A template instance's count over the model's, e.g. --count container=100
        /// (repeatable): the doubled layout of a module.
        #[arg(long, value_name = "NAME=N")]
        count: Vec<String>,
        /// Where design.md and design.json go [runs/<model name>-size].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Run a scenario: a time series, KPIs and a summary in a run directory. Ctrl-C stops
    /// cleanly and keeps what was computed.
    Simulate {
        /// Scenario file (TOML).
        scenario: PathBuf,
        /// The run directory, replaced as a whole at the end [runs/<scenario name>, relative to
        /// the current directory].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Where traces and weather are looked for after the scenario's directory
        /// [$DCTWIN_DATA].
        #[arg(long, value_name = "DIR")]
        data_dir: Option<PathBuf>,
        /// Set a scenario value over the file's, e.g. `--set overrides.cdu_supply_c=38` or
        /// `--set weather.epw=other.epw` (repeatable; a TOML value, or text taken as a string).
        #[arg(long, value_name = "KEY=VALUE")]
        set: Vec<String>,
        /// No progress bar; print the summary and KPIs as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write the EU data-centre reporting KPIs (Delegated Regulation (EU) 2024/1364) of a run
    /// as JSON and CSV.
    Report {
        /// A run directory written by `dctwin simulate`.
        run: PathBuf,
        /// Report one calendar year of the run (default: the whole run).
        #[arg(long)]
        year: Option<i32>,
        /// What to print: a rounded table, or the exact values as CSV or JSON (the files are
        /// written either way).
        #[arg(long, value_enum, default_value = "table")]
        format: run::ReportFormat,
    },
    /// Open the desktop app (dctwin-gui, installed beside dctwin by `./dctwin gui`), with a run
    /// directory or a scenario: `dctwin gui runs/jupiter --compare runs/jupiter-doubled`.
    Gui {
        /// What dctwin-gui takes: `[RUN_DIR | SCENARIO.toml] [--compare RUN_DIR] [--export DIR]`.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<std::ffi::OsString>,
    },
    /// Run a sweep: a base scenario over a grid or samples of its parameters, every point in
    /// parallel, into a sweep directory with one table (`dctwin sweep collect DIR` merges it).
    Sweep(SweepArgs),
    /// Print the KPIs of two runs side by side.
    Compare {
        /// First run directory.
        a: PathBuf,
        /// Second run directory.
        b: PathBuf,
    },
}

#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
struct SweepArgs {
    #[command(subcommand)]
    command: Option<SweepCommand>,
    /// The sweep file (TOML): a base scenario and the parameters it varies.
    file: Option<PathBuf>,
    /// The sweep directory [runs/<sweep file name>]; run the same command again to resume.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Points run at once, one a thread [0: one per core].
    #[arg(long, value_name = "N", default_value_t = 0)]
    threads: usize,
    /// Where traces and weather are looked for after the base scenario's directory
    /// [$DCTWIN_DATA].
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Only these points, e.g. 0..4 (a batch of a job array; the table is left to `collect`).
    #[arg(long, value_name = "A..B", value_parser = sweep::parse_range)]
    points: Option<std::ops::Range<usize>>,
    /// Submit the points to Slurm as a job array (sbatch), and a job that merges the table
    /// when they have ended, instead of running them here.
    #[arg(long)]
    slurm: bool,
    /// With --slurm: the partition [the cluster's default].
    #[arg(long, value_name = "P", requires = "slurm")]
    partition: Option<String>,
    /// With --slurm: each task's time limit, as Slurm writes it (HH:MM:SS).
    #[arg(long, value_name = "T", requires = "slurm")]
    time: Option<String>,
    /// With --slurm: points per array task.
    #[arg(long, value_name = "N", default_value_t = 1, requires = "slurm")]
    batch: usize,
}

#[derive(Subcommand)]
enum SweepCommand {
    /// Write the table (sweep.csv, sweep.parquet) of a sweep directory from its points.
    Collect {
        /// The sweep directory.
        dir: PathBuf,
    },
}

/// Output closed early (`dctwin size … | head`) ends the program quietly, as it ends any Unix
/// tool, instead of Rust's print macros panicking on the broken pipe: SIGPIPE's default
/// action, which Rust's runtime replaces with ignoring it.
fn end_quietly_on_broken_pipe() {
    // SAFETY: restores a signal's default disposition at start-up, before any thread exists.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn main() -> ExitCode {
    end_quietly_on_broken_pipe();
    match Cli::parse().command {
        Command::Check { files } => check(&files),
        Command::Solve {
            file,
            all,
            r#match,
            json,
            weather,
        } => {
            let view = steady_tables::View {
                all,
                filter: r#match.as_deref(),
            };
            match weather.design_weather() {
                Ok(weather) => solve(&file, &view, json, weather),
                Err(e) => {
                    eprintln!("dctwin solve: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Simulate {
            scenario,
            out,
            data_dir,
            set,
            json,
        } => run::simulate(&scenario, out, data_dir, set, json),
        Command::Report { run, year, format } => run::report(&run, year, format),
        Command::Compare { a, b } => run::compare(&a, &b),
        Command::Size {
            file,
            weather,
            count,
            out,
        } => match weather.design_weather() {
            Ok(weather) => size::size(&file, weather, &count, out),
            Err(e) => {
                eprintln!("dctwin size: {e}");
                ExitCode::from(2)
            }
        },
        Command::Sweep(args) => match (args.command, args.file) {
            (Some(SweepCommand::Collect { dir }), _) => sweep::collect_table(&dir),
            (None, Some(file)) => sweep::sweep(sweep::SweepRequest {
                file,
                out: args.out,
                threads: args.threads,
                data_dir: args.data_dir,
                points: args.points,
                slurm: args.slurm.then_some(sweep::SlurmRequest {
                    partition: args.partition,
                    time: args.time,
                    batch: args.batch,
                }),
            }),
            (None, None) => {
                eprintln!("dctwin sweep: give a sweep file, or `collect DIR`");
                ExitCode::from(2)
            }
        },
        Command::Gui { args } => gui(&args),
    }
}

fn check(files: &[PathBuf]) -> ExitCode {
    let mut failed = false;
    for file in files {
        match dctwin_model::load(file) {
            Ok(f) => println!(
                "{}: ok ({} loop(s), {} components, {} nodes)",
                file.display(),
                f.loops.len(),
                f.links.len() + f.loops.len(),
                f.nodes.len()
            ),
            Err(diagnostics) => {
                eprintln!("{diagnostics}");
                eprintln!("{}: {} error(s)", file.display(), diagnostics.0.len());
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// The weather of a design point: a given dry bulb with a humidity or a wet bulb, or the
/// hottest hour of a weather year.
#[derive(clap::Args)]
struct WeatherArgs {
    /// Outdoor dry bulb of the design point [°C; 15] (dry coolers, cooling towers).
    #[arg(long, value_name = "C", conflicts_with = "weather")]
    dry_bulb_c: Option<f64>,
    /// Outdoor relative humidity of the design point [-; 0.6].
    #[arg(long, value_name = "RH", conflicts_with_all = ["weather", "wet_bulb_c"])]
    relative_humidity: Option<f64>,
    /// Outdoor wet bulb of the design point [°C], instead of a humidity.
    #[arg(long, value_name = "C", conflicts_with = "weather")]
    wet_bulb_c: Option<f64>,
    /// An EPW weather year: the design point is its hottest hour.
    #[arg(long, value_name = "EPW")]
    weather: Option<PathBuf>,
}

impl WeatherArgs {
    /// The design point's weather, refused outside what air can be.
    fn design_weather(&self) -> Result<DesignWeather, String> {
        if let Some(file) = &self.weather {
            let (weather, when) = DesignWeather::hottest_hour(file)?;
            println!(
                "design weather: the hottest hour of {} ({when}): {:.1} °C, {:.0} % relative \
                 humidity",
                file.display(),
                weather.dry_bulb_k - 273.15,
                weather.relative_humidity * 100.0
            );
            return Ok(weather);
        }
        let dry_bulb_c = self.dry_bulb_c.unwrap_or(15.0);
        if !(-90.0..=60.0).contains(&dry_bulb_c) {
            return Err(format!(
                "--dry-bulb-c {dry_bulb_c}: expected an outdoor temperature of -90 to 60 °C"
            ));
        }
        if let Some(wb) = self.wet_bulb_c {
            return DesignWeather::from_wet_bulb(dry_bulb_c + 273.15, wb + 273.15)
                .map_err(|e| format!("--wet-bulb-c {wb}: {e}"));
        }
        let relative_humidity = self.relative_humidity.unwrap_or(0.6);
        if !(0.0..=1.0).contains(&relative_humidity) {
            return Err(format!(
                "--relative-humidity {relative_humidity}: expected a fraction from 0 to 1 (60 % is 0.6)"
            ));
        }
        Ok(DesignWeather {
            dry_bulb_k: dry_bulb_c + 273.15,
            relative_humidity,
        })
    }
}

/// The steady state of a model: a network of pipes, pumps, valves and plain heat sources by
/// the steady solver; a model with devices (racks, exchangers, heat pumps, coolers, tanks,
/// substations, sensors) at its design point, its transient brought to rest.
fn solve(
    file: &Path,
    view: &steady_tables::View<'_>,
    json: bool,
    weather: DesignWeather,
) -> ExitCode {
    let facility = match dctwin_model::load(file) {
        Ok(f) => f,
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            return ExitCode::FAILURE;
        }
    };
    let network = Network::from_facility(&facility);
    let started = std::time::Instant::now();
    if !facility.devices.is_empty() || !facility.sensors.is_empty() {
        let rest = match design_point(&facility, weather) {
            Ok(point) => point.rest,
            Err(e) => {
                eprintln!("{}: no design point: {e}", file.display());
                return ExitCode::from(2);
            }
        };
        let elapsed = started.elapsed();
        if json {
            println!(
                "{}",
                steady_tables::rest_json(&facility.name, &network, &rest, weather)
            );
        } else {
            print!(
                "{}",
                steady_tables::rest_tables(&facility.name, &rest, weather, view)
            );
            println!(
                "at rest after {:.1} h of the design inputs held (every volume within {:.0e} K \
                 over the last hour), in {:.2} s",
                rest.simulated_s / 3600.0,
                rest.drift_k.max(1e-9),
                elapsed.as_secs_f64()
            );
        }
        return ExitCode::SUCCESS;
    }
    let mut solver = SteadySolver::new(network);
    let result = match solver.solve() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{}: no steady state: {e}", file.display());
            return ExitCode::from(2);
        }
    };
    let elapsed = started.elapsed();
    if json {
        println!(
            "{}",
            steady_tables::json(&facility.name, solver.network(), &result)
        );
    } else {
        print!("{}", steady_tables::tables(&facility.name, &result, view));
        println!(
            "solved in {:.2} ms ({} Newton iterations, {} rounds)",
            elapsed.as_secs_f64() * 1e3,
            result.stats.hydraulic.iterations,
            result.stats.rounds
        );
    }
    ExitCode::SUCCESS
}

/// Runs dctwin-gui with `args`: the one beside this binary (both installed by `./dctwin gui`, or
/// built into the same target directory), else the one on the PATH.
fn gui(args: &[std::ffi::OsString]) -> ExitCode {
    let beside = std::env::current_exe()
        .ok()
        .map(|exe| exe.with_file_name("dctwin-gui"))
        .filter(|p| p.is_file());
    let program = beside.unwrap_or_else(|| PathBuf::from("dctwin-gui"));
    match std::process::Command::new(&program).args(args).status() {
        Ok(status) => ExitCode::from(status.code().map_or(1, |c| c.clamp(0, 255) as u8)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!(
                "dctwin gui: the desktop app is not installed: run ./dctwin gui from the \
                 repository (or cargo install --locked --path gui)"
            );
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("dctwin gui: cannot start {}: {e}", program.display());
            ExitCode::FAILURE
        }
    }
}
