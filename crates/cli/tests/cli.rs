//! The command line end to end: exit codes and what it prints.

use std::path::PathBuf;
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
