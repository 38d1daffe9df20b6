//! Facility model files (TOML).
//!
//! A model has loops, each with its fluid, its components and template instances; templates (a
//! container, a rack) are instantiated N times with generated names such as
//! `container[17].rack[3].valve`. Every key carries its unit (`length_m`, `flow_nominal_m3_h`,
//! `return_temperature_c`); values are converted to SI on reading. [`load`] returns a checked
//! [`Facility`], or every error found, each naming the file, line, column and key, and saying
//! what was expected.
//!
//! The format is documented with an example in `models/README.md`.

#![warn(missing_docs)]

pub mod device;
mod device_kinds;
pub mod diagnostic;
mod expand;
pub mod facility;
pub mod fixture;
mod kinds;
mod liquid;
mod nominal;
mod reader;
mod topology;
mod volume_device;
pub use dctwin_components::units;

pub use device::{Device, SupplyControl};
pub use diagnostic::{Diagnostic, Diagnostics};
pub use facility::{Facility, Link, Loop, Node, Origin, Sensor};
pub use kinds::kind_names;
pub use reader::closest;
pub use topology::sets_flow;

use diagnostic::Sink;
use std::path::Path;
use toml::de::DeTable;

/// Read and check the model file at `path`.
pub fn load(path: &Path) -> Result<Facility, Diagnostics> {
    load_with(path, &Overrides::default())
}

/// The largest model file read [bytes]: a generated facility of 100,000 components is a few
/// MB; this stops a wrong path (a trace, a disk image) from being read whole.
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// The text of the model file at `path`, or why it cannot be read, as a diagnostic of the file.
fn read_text(path: &Path) -> Result<String, Diagnostics> {
    text_file(path, MAX_FILE_BYTES, "a model file (TOML)").map_err(|message| {
        Diagnostics(vec![Diagnostic {
            file: path.to_path_buf(),
            line: 0,
            column: 0,
            context: String::new(),
            message,
        }])
    })
}

/// The text of a TOML file at `path` (`what` it should be, for messages), or why it is not
/// one: missing, a directory, larger than `max_bytes` (checked before reading), or not UTF-8
/// text (naming the line where the text stops being text).
pub fn text_file(path: &Path, max_bytes: u64, what: &str) -> Result<String, String> {
    use dctwin_files::TextFileError;
    dctwin_files::read_text(path, max_bytes).map_err(|e| match e {
        TextFileError::Io(e) => format!("cannot read it: {e}"),
        TextFileError::Directory => format!("this is a directory; expected {what}"),
        TextFileError::TooLarge { size } => {
            let size = size.map_or(format!("more than {max_bytes}"), |s| s.to_string());
            format!("{size} bytes is too large for {what} (at most {max_bytes})")
        }
        TextFileError::Binary { line } => {
            format!("not a text file: a NUL byte on line {line}; expected {what}")
        }
        TextFileError::NotUtf8 { line } => {
            format!("not a text file: line {line} is not UTF-8; expected {what}")
        }
    })
}

/// Check model text `source`, reporting errors against the name `file`.
pub fn parse(source: &str, file: &Path) -> Result<Facility, Diagnostics> {
    parse_with(source, file, &Overrides::default())
}

/// Read and check the model file at `path` with `overrides` applied.
pub fn load_with(path: &Path, overrides: &Overrides) -> Result<Facility, Diagnostics> {
    parse_with(&read_text(path)?, path, overrides)
}

/// Changes a scenario makes to a model without editing it (a planner's "what if").
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overrides {
    /// New counts of template instances, by the instance's name as written
    /// (`container = 100` doubles a 50-container module). Every instance line of that name
    /// takes the count; a name no instance has is an error.
    pub instance_counts: std::collections::BTreeMap<String, usize>,
}

/// Check model text `source` with `overrides` applied, reporting errors against `file`.
pub fn parse_with(
    source: &str,
    file: &Path,
    overrides: &Overrides,
) -> Result<Facility, Diagnostics> {
    let mut sink = Sink::new(file, source);
    let root = match DeTable::parse(source) {
        Ok(root) => root,
        Err(e) => {
            let offset = e.span().map_or(0, |s| s.start);
            sink.error(offset, "TOML syntax", e.message().trim().to_string());
            return sink.finish().map(|_| Facility::default());
        }
    };
    let (mut builder, name) = expand::Builder::read(sink, &root, overrides);
    if !builder.sink.has_errors() {
        topology::check(&mut builder);
        liquid::check(&mut builder);
    }
    let name = if name.is_empty() {
        file.file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned())
    } else {
        name
    };
    let (facility, sink) = builder.into_facility(name);
    sink.finish().map(|_| facility)
}
