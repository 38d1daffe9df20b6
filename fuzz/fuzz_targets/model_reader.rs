//! The model reader on any text: it returns a facility or diagnostics, and never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = dctwin_model::parse(text, std::path::Path::new("fuzz.toml"));
});
