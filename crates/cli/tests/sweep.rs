//! `dctwin sweep` end to end: a grid over two scenario keys of a short `qarnot` run, one value
//! of which a scenario refuses. Every point gets its run directory and a row of the table with
//! its parameters, status and KPIs; the refused points are listed with their error and the
//! others go on; running the sweep again resumes past the finished points; `sweep collect`
//! rebuilds the same table from the directory alone.

use std::path::{Path, PathBuf};
use std::process::Command;

fn dctwin(args: &[&str], dir: &Path) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_dctwin"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dctwin-sweep-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/qarnot.toml");
    std::fs::write(
        dir.join("base.toml"),
        format!(
            "model = {:?}\nstart = \"2024-01-15T00:00:00Z\"\nend = \"2024-01-15T03:00:00Z\"\n\
             [weather]\ndry_bulb_c = 5.0\n",
            model.canonicalize().unwrap()
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("grid.toml"),
        "scenario = \"base.toml\"\n[[parameter]]\nkey = \"overrides.it_scale\"\n\
         values = [0.5, 1.0]\n[[parameter]]\nkey = \"weather.dry_bulb_c\"\n\
         values = [0.0, 150.0]\n",
    )
    .unwrap();
    dir
}

#[test]
fn a_grid_runs_every_point_lists_failures_resumes_and_collects() {
    let dir = scratch();
    let (ok, stdout, stderr) = dctwin(
        &["sweep", "grid.toml", "--out", "out", "--threads", "2"],
        &dir,
    );
    assert!(ok, "{stdout}\n{stderr}");
    assert!(
        stdout.contains("point 1 (overrides.it_scale=0.5, weather.dry_bulb_c=150.0) failed")
            && stdout.contains("4 points: 2 completed, 2 failed"),
        "{stdout}"
    );
    for point in ["0000", "0002"] {
        assert!(
            dir.join(format!("out/points/{point}/run/kpis.json"))
                .is_file()
        );
    }
    let table = std::fs::read_to_string(dir.join("out/sweep.csv")).unwrap();
    let rows: Vec<&str> = table.lines().collect();
    assert_eq!(rows.len(), 5, "{table}");
    assert!(rows[0].starts_with("point,overrides.it_scale,weather.dry_bulb_c,status,error,"));
    assert!(rows[0].contains(",pue,") && rows[0].contains(",it_energy_mwh,"));
    assert!(rows[1].starts_with("0,0.5,0,completed,,"), "{}", rows[1]);
    assert!(rows[2].starts_with("1,0.5,150,failed,"), "{}", rows[2]);
    assert!(dir.join("out/sweep.parquet").is_file());

    let (ok, again, _) = dctwin(&["sweep", "grid.toml", "--out", "out"], &dir);
    assert!(
        ok && again.contains("2 points had completed before"),
        "{again}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("out/sweep.csv")).unwrap(),
        table
    );

    std::fs::remove_file(dir.join("out/sweep.csv")).unwrap();
    let (ok, collected, _) = dctwin(&["sweep", "collect", "out"], &dir);
    assert!(ok, "{collected}");
    assert_eq!(
        std::fs::read_to_string(dir.join("out/sweep.csv")).unwrap(),
        table
    );

    std::fs::write(
        dir.join("other.toml"),
        "scenario = \"base.toml\"\n[[parameter]]\nkey = \"overrides.it_scale\"\nvalues = [0.7]\n",
    )
    .unwrap();
    let (ok, _, err) = dctwin(&["sweep", "other.toml", "--out", "out"], &dir);
    assert!(!ok && err.contains("holds another sweep"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
