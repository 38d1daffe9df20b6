//! Criterion benchmarks of one steady solve: the pandapipes reference network (cold, as
//! pandapipes' `pipeflow` works, and warm with the loads moved by 1 %, as the time loop works) and the shipped 50 × 20 rack
//! module (`models/dlc-module.toml`, 2109 components).

use criterion::{Criterion, criterion_group, criterion_main};
use dctwin_network::{Network, SteadySolver};
use std::path::{Path, PathBuf};

fn network_of(text: &str, file: &Path) -> Network {
    let facility = dctwin_model::parse(text, file).unwrap_or_else(|e| panic!("{e}"));
    Network::from_facility(&facility)
}

fn bench_network(c: &mut Criterion, name: &str, network: &Network) {
    c.bench_function(&format!("{name}/cold"), |b| {
        b.iter_batched(
            || network.clone(),
            |n| SteadySolver::new(n).solve().expect("solves"),
            criterion::BatchSize::SmallInput,
        )
    });
    let mut solver = SteadySolver::new(network.clone());
    solver.solve().expect("solves");
    // Warm: loads move by ±1 % between solves, as from one time step to the next.
    let mut up = true;
    c.bench_function(&format!("{name}/warm"), |b| {
        b.iter(|| {
            dctwin_tests::scale_loads(&mut solver, if up { 1.01 } else { 1.0 / 1.01 });
            up = !up;
            solver.solve().expect("solves")
        })
    });
}

fn steady(c: &mut Criterion) {
    if let Some(data) = dctwin_tests::shared_data("bench pandapipes network") {
        let text = dctwin_tests::pandapipes_model(&data.join("validation/pandapipes"));
        bench_network(
            c,
            "pandapipes_network",
            &network_of(&text, Path::new("pandapipes.toml")),
        );
    }
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../models/dlc-module.toml");
    let text = std::fs::read_to_string(&file).expect("the shipped model");
    bench_network(c, "dlc_module_50x20", &network_of(&text, &file));
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = steady
}
criterion_main!(benches);
