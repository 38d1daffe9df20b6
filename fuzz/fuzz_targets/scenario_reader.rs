//! The scenario reader on any text: a scenario or an error that names the file, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let path = std::path::Path::new("fuzz.toml");
    if let Err(e) = dctwin_scenario::Scenario::parse(text, path) {
        assert!(e.to_string().contains("fuzz.toml"), "{e}");
    }
});
