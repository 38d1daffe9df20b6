//! The command line end to end: exit codes and what it prints.

use std::path::{Path, PathBuf};
use std::process::Command;

fn dctwin(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_dctwin"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn check_accepts_the_shipped_model() {
    let (code, out, err) = dctwin(&["check", "models/dlc-module.toml"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("models/dlc-module.toml: ok"), "{out}");
}

#[test]
fn check_fails_with_file_line_and_key() {
    let dir = std::env::temp_dir().join(format!("dctwin-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.toml");
    let text = std::fs::read_to_string(root().join("tests/models/tespy_loop.toml"))
        .unwrap()
        .replace(
            "length_m = 100.0\ninner_diameter_mm = 100.0",
            "length_ft = 100.0\ninner_diameter_mm = 100.0",
        );
    std::fs::write(&bad, text).unwrap();
    let (code, _, err) = dctwin(&["check", bad.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("bad.toml:33:1"), "{err}");
    assert!(err.contains("key \"length_ft\""), "{err}");
    assert!(err.contains("length_m"), "{err}");
}

#[test]
fn solve_prints_flows_pressures_and_pump_power() {
    let (code, out, err) = dctwin(&["solve", "tests/models/tespy_loop.toml"]);
    assert_eq!(code, 0, "{err}");
    for needle in ["pump", "elec. kW", "p bar", "supply_pipe", "pump.in"] {
        assert!(out.contains(needle), "missing {needle}: {out}");
    }
}

#[test]
fn solve_json_is_machine_readable() {
    let (code, out, err) = dctwin(&["solve", "--json", "tests/models/tespy_loop.toml"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let links = v["links"].as_array().unwrap();
    assert_eq!(links.len(), 5);
    assert!(
        links
            .iter()
            .all(|l| l["mass_flow_kg_s"].as_f64().unwrap().is_finite())
    );
}

/// A scratch directory of this test process.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dctwin-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The shipped default scenario, shortened to `end` and written into `dir` with absolute paths.
fn short_default(dir: &Path, end: &str) -> PathBuf {
    let text = std::fs::read_to_string(root().join("scenarios/jupiter-design.toml")).unwrap();
    let repo = root().canonicalize().unwrap();
    let text = text
        .replace("\"../", &format!("\"{}/", repo.display()))
        .replace(
            "end = \"2023-01-01T00:00:00Z\"",
            &format!("end = \"{end}\""),
        );
    let path = dir.join("short.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs `scenario` into `out`, which must succeed.
fn simulate_quietly(scenario: &Path, out: &Path) {
    let (code, _, err) = dctwin(&[
        "simulate",
        "--json",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
}

/// The names in `dir`, sorted.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Starts `dctwin simulate scenario --out out` and waits until its run directory is being
/// written (the temporary directory beside `out` exists).
fn start_run(scenario: &Path, out: &Path) -> std::process::Child {
    let child = Command::new(env!("CARGO_BIN_EXE_dctwin"))
        .args(["simulate", "--json"])
        .arg(scenario)
        .arg("--out")
        .arg(out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let prefix = format!(
        ".{}.{}-",
        out.file_name().unwrap().to_string_lossy(),
        child.id()
    );
    let started = std::time::Instant::now();
    while !names_in(out.parent().unwrap())
        .iter()
        .any(|n| n.starts_with(&prefix) && n.ends_with(".partial"))
    {
        assert!(started.elapsed().as_secs() < 120, "the run never started");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child
}

fn signal(child: &std::process::Child, name: &str) {
    let sent = Command::new("kill")
        .args([format!("-{name}"), child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}

/// A run stopped by `signal` exits with `code` and keeps what it computed, marked stopped.
fn stopped_by(signal_name: &str, code: i32) {
    let dir = scratch(signal_name);
    let scenario = short_default(&dir, "2022-03-01T00:00:00Z");
    let out = dir.join("run");
    let child = start_run(&scenario, &out);
    signal(&child, signal_name);
    let done = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&done.stderr);
    assert_eq!(done.status.code(), Some(code), "{err}");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(summary["status"], "stopped");
    assert!(summary["rows"].as_u64().unwrap() < 59 * 1440, "{summary}");
    assert_eq!(names_in(&dir), ["run", "short.toml"]);
    assert_eq!(
        names_in(&out),
        [
            "alarms.json",
            "kpis.csv",
            "kpis.json",
            "run.json",
            "schematic.json",
            "series.parquet"
        ]
    );
}

#[test]
fn sigterm_stops_the_run_with_143_and_keeps_it_as_stopped() {
    stopped_by("TERM", 143);
}

#[test]
fn sigint_stops_the_run_with_130_and_keeps_it_as_stopped() {
    stopped_by("INT", 130);
}

#[test]
fn a_killed_run_leaves_the_previous_run_and_its_litter_goes_at_the_next_run() {
    let dir = scratch("sigkill");
    let out = dir.join("run");
    let hour = short_default(&dir, "2022-01-01T01:00:00Z");
    simulate_quietly(&hour, &out);
    let before = std::fs::read(out.join("series.parquet")).unwrap();
    let long = dir.join("long.toml");
    std::fs::write(
        &long,
        std::fs::read_to_string(&hour)
            .unwrap()
            .replace("2022-01-01T01:00:00Z", "2022-03-01T00:00:00Z"),
    )
    .unwrap();
    let mut child = start_run(&long, &out);
    signal(&child, "KILL");
    child.wait().unwrap();
    assert_eq!(std::fs::read(out.join("series.parquet")).unwrap(), before);
    assert_eq!(
        names_in(&dir).len(),
        4,
        "the killed run's directory is there: {:?}",
        names_in(&dir)
    );
    simulate_quietly(&hour, &out);
    assert_eq!(names_in(&dir), ["long.toml", "run", "short.toml"]);
}

#[test]
fn a_full_disk_names_the_file_and_leaves_the_previous_run() {
    let dir = scratch("full");
    let out = dir.join("run");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("run.json"), "the previous run").unwrap();
    let day = short_default(&dir, "2022-01-02T00:00:00Z");
    let text = std::fs::read_to_string(&day).unwrap();
    // Every bit of each value (1.4 MB a day), so the series outgrows the limit whatever the
    // compression.
    std::fs::write(&day, format!("{text}\n[output]\nprecision = \"exact\"\n")).unwrap();
    // A file-size limit makes every write past 16 kB fail as a full disk would (EFBIG instead
    // of ENOSPC); SIGXFSZ ignored so the write fails instead of killing the process.
    let script = format!(
        "trap '' XFSZ; ulimit -f 16; exec '{}' simulate --json '{}' --out '{}'",
        env!("CARGO_BIN_EXE_dctwin"),
        day.display(),
        out.display()
    );
    let done = Command::new("bash").args(["-c", &script]).output().unwrap();
    let err = String::from_utf8_lossy(&done.stderr);
    assert_eq!(done.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot write the run into"), "{err}");
    assert!(err.contains("File too large"), "{err}");
    assert!(err.contains("series.parquet"), "{err}");
    assert!(err.contains("is unchanged"), "{err}");
    assert_eq!(
        std::fs::read_to_string(out.join("run.json")).unwrap(),
        "the previous run"
    );
    assert_eq!(names_in(&dir), ["run", "short.toml"]);
}

#[test]
fn out_naming_a_file_is_refused_before_the_run() {
    let dir = scratch("outfile");
    let file = dir.join("a-file");
    std::fs::write(&file, "x").unwrap();
    let hour = short_default(&dir, "2022-01-01T01:00:00Z");
    let (code, _, err) = dctwin(&[
        "simulate",
        hour.to_str().unwrap(),
        "--out",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(
        err.contains("a-file") && err.contains("give --out a directory"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
}

#[test]
fn report_prints_a_rounded_table_writes_the_files_and_refuses_a_year_outside_the_run() {
    let dir = scratch("report");
    let out = dir.join("run");
    let hour = short_default(&dir, "2022-01-01T01:00:00Z");
    simulate_quietly(&hour, &out);
    let run = out.to_str().unwrap();
    let (code, table, err) = dctwin(&["report", run]);
    assert_eq!(code, 0, "{err}");
    assert!(table.contains("total_energy_consumption_kwh"), "{table}");
    // Rounded for reading: thousands separated, no 17-digit floats.
    assert!(
        table
            .lines()
            .any(|l| l.contains("total_energy_consumption_kwh") && l.contains(',')),
        "{table}"
    );
    let long_decimals = |w: &&str| {
        w.replace(',', "").parse::<f64>().is_ok()
            && w.split('.').nth(1).is_some_and(|d| d.len() > 4)
    };
    assert!(
        !table.split_whitespace().any(|w| long_decimals(&w)),
        "{table}"
    );
    let csv = std::fs::read_to_string(out.join("eu_report.csv")).unwrap();
    assert!(csv.starts_with("indicator,value,unit,source,note"));
    let (code, printed, _) = dctwin(&["report", run, "--format", "csv"]);
    assert_eq!((code, printed.as_str()), (0, csv.as_str()));
    let (code, _, err) = dctwin(&["report", run, "--year", "1990"]);
    assert_eq!(code, 1);
    assert!(err.contains("--year 1990") && err.contains("2022"), "{err}");
    assert_eq!(
        std::fs::read_to_string(out.join("eu_report.csv")).unwrap(),
        csv
    );
}

#[test]
fn the_summary_names_the_scenario_and_its_overrides() {
    let dir = scratch("summary");
    let hour = short_default(&dir, "2022-01-01T01:00:00Z");
    let text = std::fs::read_to_string(&hour).unwrap();
    std::fs::write(&hour, format!("{text}\n[overrides]\nit_scale = 0.5\n")).unwrap();
    let out = dir.join("run");
    let (code, printed, err) = dctwin(&[
        "simulate",
        hour.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let first = printed.lines().next().unwrap_or("");
    assert_eq!(
        first, "short (model jupiter, it_scale = 0.5): completed",
        "{printed}"
    );
}

#[test]
fn a_device_or_a_directory_given_as_a_file_is_refused_without_reading_it_whole() {
    for (args, expected) in [
        (["check", "/dev/zero"], "a NUL byte on line 1"),
        (["simulate", "/dev/zero"], "a NUL byte on line 1"),
        (["check", "models"], "this is a directory"),
        (["simulate", "scenarios"], "this is a directory"),
    ] {
        let (code, _, err) = dctwin(&args);
        assert_eq!(code, 1, "{args:?}: {err}");
        assert!(
            err.contains(args[1]) && err.contains(expected),
            "{args:?}: {err}"
        );
        assert!(!err.contains(":0:0"), "{err}");
    }
}

/// `dctwin gui` hands its arguments to dctwin-gui beside it, and passes its exit code back.
#[test]
fn gui_runs_the_app_beside_it_with_its_arguments() {
    let dctwin = Path::new(env!("CARGO_BIN_EXE_dctwin"));
    if !dctwin.with_file_name("dctwin-gui").is_file() {
        eprintln!(
            "SKIPPED: dctwin-gui is not built beside {}",
            dctwin.display()
        );
        return;
    }
    let out = Command::new(dctwin)
        .args(["gui", "--no-such-option"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("unknown option --no-such-option"), "{err}");
    assert!(err.contains("usage: dctwin-gui"), "{err}");
}

/// Output closed early ends the program quietly: `dctwin solve … --all | head -1` on a model
/// whose tables (130 kB) overflow the pipe's buffer is ended by SIGPIPE, as a Unix tool is,
/// instead of panicking on the broken pipe with exit code 101 and a backtrace.
#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_the_program_quietly() {
    use std::io::{BufRead, BufReader};
    use std::os::unix::process::ExitStatusExt;
    let mut child = Command::new(env!("CARGO_BIN_EXE_dctwin"))
        .args(["solve", "models/jupiter.toml", "--all"])
        .current_dir(root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    let stdout = child.stdout.take().unwrap();
    BufReader::new(stdout).read_line(&mut first).unwrap();
    assert!(first.starts_with("jupiter"), "{first}");
    // The reader is dropped here: the pipe closes with most of the tables unwritten.
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.signal(), Some(libc::SIGPIPE), "{:?}", out.status);
}
