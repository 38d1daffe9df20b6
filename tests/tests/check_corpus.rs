//! The corpus of model-checking errors: every `check/NN_*.toml` is an otherwise valid model with
//! exactly one mistake, and its first comment lines say what the checker must report:
//!
//! ```toml
//! # expect: line 17: unknown component kind "pipee"
//! ```
//!
//! means that `dctwin_model::load` fails with exactly one diagnostic on line 17 whose text
//! (`file:line:col: error: context: message`, which must name the file) contains
//! `unknown component kind "pipee"`. A case may have several `# expect:` lines; every diagnostic
//! the checker reports must be matched by one of them, so a cascade of errors from one mistake, or
//! one mistake reported once per template instance, fails the case, and so does a panic.
//!
//! A case whose first line is `# known-bug: …` documents what the checker should do but does not
//! yet: it is run and its outcome printed (`SKIP`, or `FIXED` once it passes and the marker can be
//! removed), but it does not fail the suite.
//!
//! The models in `check/valid/` must load, and a few facts about each are checked.
//!
//! `cargo test -p dctwin-tests --test check_corpus -- --nocapture` prints one line per case;
//! with `CHECK_CORPUS_SHOW=1` it also prints every diagnostic of every case.

use dctwin_components::Component;
use dctwin_fluid::FluidKind;
use dctwin_model::{Diagnostic, Facility, load};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

/// Fewer cases than this means the corpus was lost or not found.
const MIN_CASES: usize = 25;

/// One `# expect: line N: text` line.
#[derive(Debug)]
struct Expectation {
    line: usize,
    text: String,
}

impl Expectation {
    fn matches(&self, d: &Diagnostic) -> bool {
        d.line == self.line && d.to_string().contains(&self.text)
    }
}

/// A model file of the corpus with what its header comments expect.
#[derive(Debug)]
struct Case {
    path: PathBuf,
    expectations: Vec<Expectation>,
    known_bug: Option<String>,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("check")
}

/// The `.toml` files directly in `dir`, sorted by name.
fn toml_files(dir: &Path) -> Vec<PathBuf> {
    let entries = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list the corpus folder {}: {e}", dir.display()));
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
}

/// Read the header comments (the lines starting with `#` at the top of the file).
fn read_case(path: &Path) -> Result<Case, String> {
    let source = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    let mut expectations = Vec::new();
    let mut known_bug = None;
    for (i, line) in source.lines().enumerate() {
        let Some(comment) = line.strip_prefix('#') else {
            break;
        };
        let comment = comment.trim();
        if let Some(rest) = comment.strip_prefix("known-bug:") {
            if i != 0 {
                return Err("`# known-bug:` must be the first line".to_string());
            }
            known_bug = Some(rest.trim().to_string());
        } else if let Some(rest) = comment.strip_prefix("expect:") {
            let malformed =
                || format!("malformed expectation `{line}`: write `# expect: line N: text`");
            let (number, text) = rest
                .trim()
                .strip_prefix("line ")
                .and_then(|r| r.split_once(": "))
                .ok_or_else(malformed)?;
            let line = number.trim().parse().map_err(|_| malformed())?;
            let text = text.trim().to_string();
            if text.is_empty() {
                return Err(malformed());
            }
            expectations.push(Expectation { line, text });
        }
    }
    if expectations.is_empty() {
        return Err("no `# expect: line N: text` line at the top of the file".to_string());
    }
    Ok(Case {
        path: path.to_path_buf(),
        expectations,
        known_bug,
    })
}

/// Load the case's model and compare the diagnostics with its expectations.
fn run(case: &Case) -> Result<usize, String> {
    let loaded = catch_unwind(AssertUnwindSafe(|| load(&case.path)));
    let diagnostics = match loaded {
        Err(panic) => {
            let what = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            return Err(format!("the checker panicked: {what}"));
        }
        Ok(Ok(_)) => return Err("the model loaded without any error".to_string()),
        Ok(Err(diagnostics)) => diagnostics.0,
    };
    let shown = || {
        diagnostics
            .iter()
            .map(|d| format!("\n        {d}"))
            .collect::<String>()
    };
    if diagnostics.is_empty() {
        return Err("load failed with an empty list of diagnostics".to_string());
    }
    let file = case.path.display().to_string();
    let mut problems = Vec::new();
    for e in &case.expectations {
        match diagnostics.iter().filter(|d| e.matches(d)).count() {
            0 => problems.push(format!(
                "no error on line {} containing `{}`",
                e.line, e.text
            )),
            1 => {}
            n => problems.push(format!(
                "{n} errors on line {} contain `{}`: one mistake, reported {n} times",
                e.line, e.text
            )),
        }
    }
    for d in &diagnostics {
        if !d.to_string().contains(&file) {
            problems.push(format!("an error does not name the file {file}: {d}"));
        }
        if !case.expectations.iter().any(|e| e.matches(d)) {
            problems.push(format!("an unexpected further error: {d}"));
        }
    }
    if std::env::var_os("CHECK_CORPUS_SHOW").is_some() {
        println!("      {}:{}", file_name(&case.path), shown());
    }
    if problems.is_empty() {
        Ok(diagnostics.len())
    } else {
        Err(format!(
            "{}\n      the checker reported:{}",
            problems.join("\n      "),
            shown()
        ))
    }
}

#[test]
fn every_case_reports_its_error() {
    let files: Vec<PathBuf> = toml_files(&corpus_dir());
    let mut failures = Vec::new();
    let mut known_bugs = 0;
    for path in &files {
        let name = file_name(path);
        let case = match read_case(path) {
            Ok(case) => case,
            Err(e) => {
                println!("FAIL  {name}: {e}");
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        let first = &case.expectations[0];
        let summary = format!("line {}: {}", first.line, first.text);
        let outcome = run(&case);
        match (&case.known_bug, outcome) {
            (None, Ok(n)) => println!("ok    {name}  [{summary}] ({n} error(s))"),
            (None, Err(e)) => {
                println!("FAIL  {name}  [{summary}]\n      {e}");
                failures.push(format!("{name}:\n      {e}"));
            }
            (Some(bug), Ok(_)) => {
                known_bugs += 1;
                println!(
                    "FIXED {name}  [{summary}] passes now: remove its `# known-bug:` line ({bug})"
                );
            }
            (Some(bug), Err(e)) => {
                known_bugs += 1;
                println!("SKIP  {name}  known bug: {bug}\n      {e}");
            }
        }
    }
    println!(
        "{} cases, {} failed, {known_bugs} marked as known bugs",
        files.len(),
        failures.len()
    );
    assert!(
        files.len() >= MIN_CASES,
        "the corpus in {} has {} cases, expected at least {MIN_CASES}",
        corpus_dir().display(),
        files.len()
    );
    assert!(
        failures.is_empty(),
        "{} case(s) of the check corpus failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn load_valid(name: &str) -> Facility {
    let path = corpus_dir().join("valid").join(name);
    load(&path).unwrap_or_else(|e| panic!("{name} must load without error, but:\n{e}"))
}

/// The link called `name`, with the names of its two nodes.
fn link<'f>(f: &'f Facility, name: &str) -> (&'f Component, &'f str, &'f str) {
    let i = f.link_index(name).unwrap_or_else(|| {
        let names: Vec<&str> = f.links.iter().map(|l| l.name.as_str()).collect();
        panic!("no link called \"{name}\"; the links are {names:?}")
    });
    let l = &f.links[i];
    (
        &l.component,
        f.nodes[l.from].name.as_str(),
        f.nodes[l.to].name.as_str(),
    )
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// 3 containers × 4 racks from nested templates with count.
fn nested_templates(f: &Facility) {
    assert_eq!(f.name, "Nested templates");
    assert_eq!(f.loops.len(), 1);
    // 4 plant links + 3 containers × (2 branch pipes + 4 racks × 3 components).
    assert_eq!(f.links.len(), 4 + 3 * (2 + 4 * 3));
    // 5 plant nodes + 3 containers × (2 manifold nodes + 4 racks × 2 local nodes).
    assert_eq!(f.nodes.len(), 5 + 3 * (2 + 4 * 2));
    let l = &f.loops[0];
    assert_eq!(f.nodes[l.pressurisation_node.unwrap()].name, "pump.in");
    assert!(close(l.pressurisation_pa, 2.0e5));

    let (valve, from, to) = link(f, "container[2].rack[3].valve");
    assert_eq!(
        (from, to),
        ("container[2].manifold.supply", "container[2].rack[3].in")
    );
    let Component::Valve(v) = valve else {
        panic!("container[2].rack[3].valve is not a valve: {valve:?}")
    };
    assert!(close(v.opening, 0.8) && close(v.kvs_m3_h, 16.0));

    let (_, from, to) = link(f, "container[3].rack[4].return");
    assert_eq!(
        (from, to),
        ("container[3].rack[4].out", "container[3].manifold.return")
    );
    let (_, from, _) = link(f, "container[1].branch.supply");
    assert_eq!(from, "header.supply");
    let (consumer, _, _) = link(f, "container[1].rack[1].servers");
    let Component::HeatConsumer(c) = consumer else {
        panic!("servers is not a heat consumer: {consumer:?}")
    };
    assert!(close(c.heat_w, 80e3) && close(c.return_k, 301.15));
    assert!(f.link_index("container[4].rack[1].valve").is_none());
    assert!(f.link_index("container[1].rack[5].valve").is_none());
}

/// A water loop and a glycol loop, with most kinds and many unit suffixes.
fn glycol_two_loops(f: &Facility) {
    assert_eq!(f.loops.len(), 2);
    assert_eq!(f.links.len(), 10);
    assert_eq!(f.nodes.len(), 10);
    let glycol = &f.loops[1];
    assert_eq!(glycol.name, "glycol");
    assert_eq!(glycol.fluid.kind(), FluidKind::PropyleneGlycol);
    assert!(close(glycol.fluid.glycol_mass_fraction(), 0.3));
    assert!(close(f.loops[0].pressurisation_pa, 2.5e5));
    for l in &f.links {
        let from = &f.nodes[l.from];
        let to = &f.nodes[l.to];
        assert!(
            from.loop_index == l.loop_index && to.loop_index == l.loop_index,
            "{} joins nodes of another loop",
            l.name
        );
    }

    let (pipe, _, _) = link(f, "water.supply");
    let Component::Pipe(p) = pipe else {
        panic!("water.supply is not a pipe: {pipe:?}")
    };
    assert!(close(p.length_m, 100.0) && close(p.inner_diameter_m, 0.1));
    assert!(close(p.minor_loss_coefficient, 2.5));
    let (pipe, _, _) = link(f, "water.return");
    let Component::Pipe(p) = pipe else {
        panic!("water.return is not a pipe: {pipe:?}")
    };
    let loss = p.heat_loss.as_ref().expect("water.return loses heat");
    assert!(close(loss.outer_diameter_m, 0.16) && close(loss.ambient_k, 295.15));

    let (source, _, _) = link(f, "cold_plates");
    let Component::HeatSource(h) = source else {
        panic!("cold_plates is not a heat source: {source:?}")
    };
    let r = h
        .resistance
        .as_ref()
        .expect("cold_plates has a pressure drop");
    assert!(close(r.dp_nominal_pa, 0.5e5) && close(r.flow_nominal_kg_s, 12.0));

    // A volume flow becomes a mass flow with the loop's density at its initial temperature.
    let (check, _, _) = link(f, "water.check_valve");
    let Component::CheckValve(c) = check else {
        panic!("water.check_valve is not a check valve: {check:?}")
    };
    let rho = f.loops[0]
        .fluid
        .density_kg_m3(f.loops[0].initial_temperature_k);
    assert!(close(c.open.flow_nominal_kg_s, 0.012 * rho));
    assert!(close(c.open.density_nominal_kg_m3, rho));

    let (pump, from, to) = link(f, "glycol.pump");
    assert_eq!((from, to), ("glycol.pump.in", "glycol.pump.out"));
    let Component::Pump(p) = pump else {
        panic!("glycol.pump is not a pump: {pump:?}")
    };
    assert!(p.curve.is_some());
    assert!(close(p.max_speed, 1.1));
}

/// One template under two instance names, with and without count, and a port passed through.
fn instance_names(f: &Facility) {
    assert_eq!(
        f.name, "instance_names",
        "the name defaults to the file's stem"
    );
    // 2 plant links + 3 rows × (1 feed + 2 racks × 2 components).
    assert_eq!(f.links.len(), 2 + 3 * (1 + 2 * 2));
    for name in [
        "hall_a[1].feed",
        "hall_a[2].position[2].valve",
        "hall_b.feed",
        "hall_b.position[1].servers",
    ] {
        link(f, name);
    }
    assert!(f.link_index("hall_b[1].feed").is_none());
    assert!(f.link_index("hall_a[1].rack[1].valve").is_none());
    // The rack's return port is the row's return port, itself the loop's header.
    let (_, from, to) = link(f, "hall_a[2].position[1].servers");
    assert_eq!((from, to), ("hall_a[2].position[1].in", "header.return"));
    let (_, from, _) = link(f, "hall_b.position[2].valve");
    assert_eq!(from, "hall_b.manifold");
}

#[test]
fn valid_models_load() {
    let files = toml_files(&corpus_dir().join("valid"));
    assert!(files.len() >= 2, "expected at least 2 valid models");
    for path in &files {
        let name = file_name(path);
        let f = load_valid(&name);
        println!(
            "valid {name}: {} loop(s), {} node(s), {} link(s)",
            f.loops.len(),
            f.nodes.len(),
            f.links.len()
        );
        match name.as_str() {
            "nested_templates.toml" => nested_templates(&f),
            "glycol_two_loops.toml" => glycol_two_loops(&f),
            "instance_names.toml" => instance_names(&f),
            other => panic!("{other}: add the facts to check about this valid model"),
        }
    }
}
