//! The corpus of bad scenarios: every `bad_scenarios/NN_*.toml` is a scenario with one mistake
//! (in the file, in a trace it reads, or in what it asks of the model), and its first comment
//! lines say what the error must contain:
//!
//! ```toml
//! # at: 06_relative_humidity_150.toml:8
//! # expect: key 'weather.relative_humidity'
//! ```
//!
//! `at` is the place (the scenario file and line, or a trace file and its line), `expect` the
//! key or column and what was expected. A case without `at` must name its place in an `expect`
//! line. Every case must fail before the run directory is touched: a bad input never replaces
//! or half-writes a run.

use dctwin_scenario::{Progress, RunOptions, run};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

/// Fewer cases than this means the corpus was lost or not found.
const MIN_CASES: usize = 50;

struct Case {
    path: PathBuf,
    at: Option<String>,
    expect: Vec<String>,
}

fn cases() -> Vec<Case> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("bad_scenarios");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let header = |tag: &str| -> Vec<String> {
                text.lines()
                    .filter_map(|l| l.strip_prefix(tag))
                    .map(|s| s.trim().replace("\\\"", "\""))
                    .collect()
            };
            Case {
                at: header("# at:").into_iter().next(),
                expect: header("# expect:"),
                path,
            }
        })
        .collect()
}

/// The error of running `case`, and whether its run directory was left alone.
fn error_of(case: &Case, out: &Path) -> Result<String, String> {
    let options = RunOptions {
        data_dir: None,
        out_dir: out.to_path_buf(),
        stop: Arc::new(AtomicBool::new(false)),
        sets: Vec::new(),
    };
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        run(&case.path, &options, &mut |_: &Progress| {})
    }));
    match outcome {
        Err(_) => Err("panicked".into()),
        Ok(Ok(_)) => Err("ran without an error".into()),
        Ok(Err(e)) => Ok(e.to_string()),
    }
}

#[test]
fn every_bad_scenario_is_refused_with_its_place_and_key_before_anything_is_written() {
    let cases = cases();
    assert!(cases.len() >= MIN_CASES, "only {} cases", cases.len());
    let scratch = std::env::temp_dir().join(format!("dctwin-bad-{}", std::process::id()));
    let mut failures = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let name = case.path.file_name().unwrap().to_string_lossy();
        let out = scratch.join(format!("run{i}"));
        let result = error_of(case, &out);
        let problems: Vec<String> = match &result {
            Err(why) => vec![why.clone()],
            Ok(message) => {
                let mut wanted: Vec<&String> = case.expect.iter().collect();
                wanted.extend(&case.at);
                let mut p: Vec<String> = (wanted.into_iter())
                    .filter(|w| !message.contains(w.as_str()))
                    .map(|w| format!("lacks '{w}'"))
                    .collect();
                if case.expect.is_empty() {
                    p.push("the case expects nothing".into());
                }
                let temporary = format!(".run{i}.");
                let litter = std::fs::read_dir(&scratch).is_ok_and(|entries| {
                    entries
                        .flatten()
                        .any(|e| e.file_name().to_string_lossy().starts_with(&temporary))
                });
                if out.exists() || litter {
                    p.push("the run directory was written".into());
                }
                p
            }
        };
        let message = result.clone().unwrap_or_default();
        println!("{name}: {}", message.lines().next().unwrap_or(""));
        if !problems.is_empty() {
            failures.push(format!(
                "{name}: {}\n  error: {message}",
                problems.join("; ")
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
