//! The EPW reader on any file content: weather or an error naming the line, never a panic or a
//! non-finite value.
#![no_main]

use dctwin_inputs::Weather;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = std::env::temp_dir().join(format!("dctwin-fuzz-{}.epw", std::process::id()));
    std::fs::write(&path, data).unwrap();
    if let Ok(weather) = Weather::read(&path) {
        assert!(weather.dry_bulb_k.iter().all(|t| t.is_finite() && *t > 0.0));
        assert!(
            weather
                .humidity_ratio
                .iter()
                .all(|w| w.is_finite() && *w >= 0.0)
        );
    }
});
