//! `dctwin size MODEL`: the model at its design point, sized (`dctwin_scenario::sizing`), as a
//! Markdown report printed and written with its JSON.

use dctwin_scenario::design::DesignWeather;
use dctwin_scenario::sizing::{SizingRules, size_at};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Size `file` at `weather`, with template counts `counts` (`NAME=N`) over the model's.
pub fn size(
    file: &Path,
    weather: DesignWeather,
    counts: &[String],
    out: Option<PathBuf>,
) -> ExitCode {
    let mut overrides = dctwin_model::Overrides::default();
    for c in counts {
        let parsed = c
            .split_once('=')
            .and_then(|(name, n)| Some((name.trim().to_string(), n.trim().parse::<usize>().ok()?)));
        match parsed {
            Some((name, n)) if n > 0 => {
                overrides.instance_counts.insert(name, n);
            }
            _ => {
                eprintln!(
                    "dctwin size: --count {c}: expected NAME=N, a template instance's name and a count above 0"
                );
                return ExitCode::from(2);
            }
        }
    }
    let facility = match dctwin_model::load_with(file, &overrides) {
        Ok(f) => f,
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            return ExitCode::FAILURE;
        }
    };
    let mut name = facility.name.clone();
    if !counts.is_empty() {
        name = format!("{name} ({})", counts.join(", "));
    }
    let sizing = match size_at(&facility, &name, weather, SizingRules::default()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{}: no design point: {e}", file.display());
            return ExitCode::from(2);
        }
    };
    if let Some(e) = &sizing.design_flows_error {
        eprintln!("dctwin size: the design flows could not be found: {e}");
    }
    let report = sizing.markdown();
    let out = out.unwrap_or_else(|| {
        let stem = file
            .file_stem()
            .map_or("model".into(), |s| s.to_string_lossy());
        PathBuf::from("runs").join(format!("{stem}-size"))
    });
    let json = serde_json::to_string_pretty(&sizing).unwrap_or_default();
    let written = std::fs::create_dir_all(&out)
        .and_then(|_| std::fs::write(out.join("design.md"), &report))
        .and_then(|_| std::fs::write(out.join("design.json"), json));
    print!("{report}");
    match written {
        Ok(()) => {
            println!("\nwritten to {} (design.md, design.json)", out.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("dctwin size: {}: {e}", out.display());
            ExitCode::FAILURE
        }
    }
}
