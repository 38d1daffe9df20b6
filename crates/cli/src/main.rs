//! `dctwin`: check facility models and solve their steady state.

mod report;

use clap::{Parser, Subcommand};
use dctwin_network::{Network, SteadySolver};
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
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Check { files } => check(&files),
        Command::Solve {
            file,
            all,
            r#match,
            json,
        } => solve(&file, all, r#match.as_deref(), json),
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

fn solve(file: &Path, all: bool, filter: Option<&str>, json: bool) -> ExitCode {
    let facility = match dctwin_model::load(file) {
        Ok(f) => f,
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            return ExitCode::FAILURE;
        }
    };
    let network = Network::from_facility(&facility);
    let mut solver = SteadySolver::new(network);
    let started = std::time::Instant::now();
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
            report::json(&facility.name, solver.network(), &result)
        );
    } else {
        let view = report::View { all, filter };
        print!("{}", report::tables(&facility.name, &result, &view));
        println!(
            "solved in {:.2} ms ({} Newton iterations, {} rounds)",
            elapsed.as_secs_f64() * 1e3,
            result.stats.hydraulic.iterations,
            result.stats.rounds
        );
    }
    ExitCode::SUCCESS
}
