//! Errors in a model file, each with the file, line, column and key it concerns.

use std::fmt;
use std::path::{Path, PathBuf};

/// One error found in a model file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The model file.
    pub file: PathBuf,
    /// 1-based line of the offending key or value (0 when the whole file is concerned).
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// Where in the model: the component or table, then the key, e.g.
    /// `component "container[3].rack[2].valve" › key "opening"`.
    pub context: String,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Line 0: about the file as a whole (it cannot be read), not a place in it.
        if self.line == 0 {
            write!(f, "{}: error", self.file.display())?;
        } else {
            write!(
                f,
                "{}:{}:{}: error",
                self.file.display(),
                self.line,
                self.column
            )?;
        }
        if !self.context.is_empty() {
            write!(f, ": {}", self.context)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// All errors found in a model file (never empty when returned as an error).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

/// Maps byte offsets of a source text to lines and columns, and collects diagnostics.
#[derive(Debug)]
pub struct Sink {
    file: PathBuf,
    line_starts: Vec<usize>,
    source: String,
    found: Vec<Diagnostic>,
}

impl Sink {
    /// A sink for `source`, the text of `file`.
    pub fn new(file: &Path, source: &str) -> Sink {
        let mut line_starts = vec![0];
        line_starts.extend(source.match_indices('\n').map(|(i, _)| i + 1));
        Sink {
            file: file.to_path_buf(),
            line_starts,
            source: source.to_string(),
            found: Vec::new(),
        }
    }

    /// 1-based line and column of byte `offset`.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self.line_starts[line.saturating_sub(1)];
        let column = self.source[start..offset.min(self.source.len())]
            .chars()
            .count()
            + 1;
        (line, column)
    }

    /// Record an error at byte `offset`; an identical error (same place, same words, as a
    /// template instantiated many times produces) is recorded once.
    pub fn error(&mut self, offset: usize, context: impl Into<String>, message: impl Into<String>) {
        let (line, column) = self.position(offset);
        let d = Diagnostic {
            file: self.file.clone(),
            line,
            column,
            context: context.into(),
            message: message.into(),
        };
        if !self.found.contains(&d) {
            self.found.push(d);
        }
    }

    /// Whether any error was recorded.
    pub fn has_errors(&self) -> bool {
        !self.found.is_empty()
    }

    /// The errors, if any.
    pub fn finish(self) -> Result<(), Diagnostics> {
        if self.found.is_empty() {
            Ok(())
        } else {
            Err(Diagnostics(self.found))
        }
    }
}
