//! Reads one TOML table key by key, converting units, and reports what it could not use.
//!
//! Every getter records the key it was asked for, so that at the end [`Reader::finish`] can tell
//! an unknown key from a known one written with the wrong unit suffix, and suggest the closest
//! accepted key.

use crate::diagnostic::Sink;
use crate::units::{Quantity, looks_like_unit};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// A value converted to SI, with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    /// The value in SI units (a volume flow stays in m³/s until [`Value::mass_flow`]).
    pub si: f64,
    /// Whether the key gave a volume flow.
    pub volumetric: bool,
    /// Byte offset of the value in the file.
    pub offset: usize,
    /// The key it was written under, e.g. `length_km`.
    pub key: String,
}

/// A list of values converted to SI, with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct List {
    /// The values in SI units (volume flows in m³/s).
    pub values: Vec<f64>,
    /// Whether the key gave volume flows.
    pub volumetric: bool,
    /// Byte offset of the list in the file.
    pub offset: usize,
    /// The key it was written under.
    pub key: String,
}

impl Value {
    /// As a mass flow [kg/s], converting a volume flow with `density_kg_m3`.
    pub fn mass_flow(&self, density_kg_m3: f64) -> f64 {
        if self.volumetric {
            self.si * density_kg_m3
        } else {
            self.si
        }
    }
}

/// Reads the keys of one table.
pub struct Reader<'s, 'a> {
    sink: &'s mut Sink,
    table: &'a DeTable<'a>,
    /// Offset of the table itself, for errors about keys that are missing.
    offset: usize,
    context: String,
    /// Keys asked for (exact keys) and quantity stems asked for (with their quantity).
    keys: Vec<String>,
    stems: Vec<(String, Quantity)>,
    used: Vec<bool>,
    /// "Missing key" errors, held back until [`Reader::finish`]: if the table has an unknown key
    /// that is clearly the missing one misspelt or with the wrong unit, that key's error says it
    /// all and the "missing" one would only repeat it.
    missing: Vec<(Vec<String>, String)>,
}

impl<'s, 'a> Reader<'s, 'a> {
    /// A reader for `table` written at `offset`, described in messages as `context`.
    pub fn new(sink: &'s mut Sink, table: &'a DeTable<'a>, offset: usize, context: String) -> Self {
        let used = vec![false; table.len()];
        Reader {
            sink,
            table,
            offset,
            context,
            keys: Vec::new(),
            stems: Vec::new(),
            used,
            missing: Vec::new(),
        }
    }

    /// Stop reading a table that cannot be used (its kind is unknown): report the keys found
    /// missing so far, but not the others as unknown.
    pub fn abandon(mut self) {
        for (_, message) in std::mem::take(&mut self.missing) {
            self.error(message);
        }
    }

    /// Give the sink back without reporting unused keys.
    pub fn into_sink(self) -> &'s mut Sink {
        self.sink
    }

    /// The context named in messages.
    pub fn context(&self) -> &str {
        &self.context
    }

    /// 1-based line and column of byte `offset`.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        self.sink.position(offset)
    }

    /// Offset of the table.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Record an error about `key` at `offset`.
    pub fn error_at(&mut self, offset: usize, key: &str, message: impl Into<String>) {
        let context = format!("{} › key \"{key}\"", self.context);
        self.sink.error(offset, context, message);
    }

    /// Record an error about the table as a whole.
    pub fn error(&mut self, message: impl Into<String>) {
        self.sink.error(self.offset, self.context.clone(), message);
    }

    fn lookup(&mut self, key: &str) -> Option<&'a Spanned<DeValue<'a>>> {
        if !self.keys.iter().any(|k| k == key) {
            self.keys.push(key.to_string());
        }
        let (i, (_, v)) = self
            .table
            .iter()
            .enumerate()
            .find(|(_, (k, _))| k.get_ref().as_ref() == key)?;
        self.used[i] = true;
        Some(v)
    }

    /// A raw value, for callers that walk nested tables and arrays.
    pub fn raw(&mut self, key: &str) -> Option<&'a Spanned<DeValue<'a>>> {
        self.lookup(key)
    }

    /// A string value.
    pub fn string(&mut self, key: &str) -> Option<(String, usize)> {
        let v = self.lookup(key)?;
        match v.get_ref() {
            DeValue::String(s) => Some((s.to_string(), v.span().start)),
            other => {
                let found = type_name(other);
                self.error_at(
                    v.span().start,
                    key,
                    format!("expected a string, found {found}"),
                );
                None
            }
        }
    }

    /// A string value that must be present.
    pub fn required_string(&mut self, key: &str, what: &str) -> Option<(String, usize)> {
        let found = self.string(key);
        if found.is_none() && !self.is_present(key) {
            self.missing(
                vec![key.to_string()],
                format!("missing key \"{key}\" ({what})"),
            );
        }
        found
    }

    /// Report that a key is missing (one of `keys`), unless an unknown key turns out to be it.
    pub fn missing(&mut self, keys: Vec<String>, message: String) {
        self.missing.push((keys, message));
    }

    /// Whether `key` is written in the table (whatever its value).
    pub fn is_present(&self, key: &str) -> bool {
        self.table.iter().any(|(k, _)| k.get_ref().as_ref() == key)
    }

    /// A plain number (dimensionless key), which must be finite.
    pub fn number(&mut self, key: &str) -> Option<(f64, usize)> {
        let v = self.lookup(key)?;
        let offset = v.span().start;
        match number_of(v.get_ref()) {
            Ok(x) if x.is_finite() => Some((x, offset)),
            Ok(x) => {
                self.error_at(offset, key, format!("expected a finite number, found {x}"));
                None
            }
            Err(found) => {
                self.error_at(offset, key, format!("expected a number, found {found}"));
                None
            }
        }
    }

    /// A dimensionless number in `[lo, hi]`, or `default` when absent.
    pub fn number_in(&mut self, key: &str, lo: f64, hi: f64, default: f64) -> f64 {
        match self.number(key) {
            Some((x, _)) if (lo..=hi).contains(&x) => x,
            Some((x, offset)) => {
                self.error_at(
                    offset,
                    key,
                    format!("expected a value from {lo} to {hi}, found {x}"),
                );
                default
            }
            None => default,
        }
    }

    /// A positive integer.
    pub fn count(&mut self, key: &str) -> Option<(usize, usize)> {
        let v = self.lookup(key)?;
        let offset = v.span().start;
        match v.get_ref() {
            DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
                Ok(n) if n >= 1 => Some((n as usize, offset)),
                Ok(n) => {
                    self.error_at(
                        offset,
                        key,
                        format!("expected a count of at least 1, found {n}"),
                    );
                    None
                }
                Err(_) => {
                    self.error_at(offset, key, "the integer is too large");
                    None
                }
            },
            other => {
                let found = type_name(other);
                self.error_at(
                    offset,
                    key,
                    format!("expected a whole number, found {found}"),
                );
                None
            }
        }
    }

    /// The key, if any, written for quantity `stem` with one of `q`'s units.
    fn quantity_key(&mut self, stem: &str, q: Quantity) -> Option<(String, crate::units::Unit)> {
        if !self.stems.iter().any(|(s, _)| s == stem) {
            self.stems.push((stem.to_string(), q));
        }
        let mut found: Vec<(String, crate::units::Unit)> = Vec::new();
        for u in q.units() {
            let key = format!("{stem}_{}", u.suffix);
            if self.is_present(&key) {
                found.push((key, *u));
            }
        }
        if found.len() > 1 {
            let names: Vec<_> = found.iter().map(|(k, _)| k.as_str()).collect();
            let offset = self
                .lookup(&found[1].0)
                .map_or(self.offset, |v| v.span().start);
            let msg = format!(
                "{} is given twice ({}); keep one",
                q.describe(),
                names.join(" and ")
            );
            self.error_at(offset, &found[1].0.clone(), msg);
        }
        found.into_iter().next()
    }

    /// A quantity written as `stem_<unit>`, converted to SI; `None` when absent or invalid.
    pub fn quantity(&mut self, stem: &str, q: Quantity) -> Option<Value> {
        let (key, unit) = self.quantity_key(stem, q)?;
        let (x, offset) = self.number(&key)?;
        let si = x * unit.scale + unit.offset;
        let (limit, described) = q.magnitude_limit();
        if si.abs() > limit {
            let msg = format!(
                "{}: {} beyond any facility's (at most {described}): check the value and its \
                 unit",
                readable(x),
                q.describe()
            );
            self.error_at(offset, &key, msg);
            return None;
        }
        Some(Value {
            si: x * unit.scale + unit.offset,
            volumetric: unit.volumetric,
            offset,
            key,
        })
    }

    /// Whether a quantity is written under any of its keys (valid or not).
    pub fn has_quantity(&self, stem: &str, q: Quantity) -> bool {
        q.units()
            .iter()
            .any(|u| self.is_present(&format!("{stem}_{}", u.suffix)))
    }

    /// A quantity that must be present.
    pub fn required_quantity(&mut self, stem: &str, q: Quantity, what: &str) -> Option<Value> {
        let v = self.quantity(stem, q);
        if v.is_none() && !self.has_quantity(stem, q) {
            let keys: Vec<String> = q
                .units()
                .iter()
                .map(|u| format!("{stem}_{}", u.suffix))
                .collect();
            let msg = format!("missing {what}: give one of {}", q.accepted_keys(stem));
            self.missing(keys, msg);
        }
        v
    }

    /// A quantity that must be present and strictly positive.
    pub fn positive_quantity(&mut self, stem: &str, q: Quantity, what: &str) -> Option<Value> {
        let v = self.required_quantity(stem, q, what)?;
        self.check_positive(v)
    }

    /// An optional quantity that, when present, must be strictly positive.
    pub fn optional_positive_quantity(&mut self, stem: &str, q: Quantity) -> Option<Value> {
        let v = self.quantity(stem, q)?;
        self.check_positive(v)
    }

    fn check_positive(&mut self, v: Value) -> Option<Value> {
        if v.si > 0.0 {
            return Some(v);
        }
        self.error_at(v.offset, &v.key.clone(), "expected a positive value (> 0)");
        None
    }

    /// A temperature that must be physically possible (above 0 K).
    pub fn temperature(&mut self, stem: &str) -> Option<Value> {
        let v = self.quantity(stem, Quantity::Temperature)?;
        if v.si > 0.0 {
            Some(v)
        } else {
            self.error_at(
                v.offset,
                &v.key.clone(),
                "the temperature is below absolute zero",
            );
            None
        }
    }

    /// A list of numbers written as `stem_<unit>`, converted to SI.
    pub fn quantity_list(&mut self, stem: &str, q: Quantity) -> Option<List> {
        let (key, unit) = self.quantity_key(stem, q)?;
        let (raw, offset) = self.number_list(&key)?;
        Some(List {
            values: raw.iter().map(|x| x * unit.scale + unit.offset).collect(),
            volumetric: unit.volumetric,
            offset,
            key,
        })
    }

    /// A list of plain finite numbers.
    pub fn number_list(&mut self, key: &str) -> Option<(Vec<f64>, usize)> {
        let v = self.lookup(key)?;
        let offset = v.span().start;
        let DeValue::Array(items) = v.get_ref() else {
            let found = type_name(v.get_ref());
            self.error_at(
                offset,
                key,
                format!("expected a list of numbers, found {found}"),
            );
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items.iter() {
            match number_of(item.get_ref()) {
                Ok(x) if x.is_finite() => out.push(x),
                Ok(x) => {
                    let at = item.span().start;
                    self.error_at(at, key, format!("expected finite numbers, found {x}"));
                    return None;
                }
                Err(found) => {
                    let at = item.span().start;
                    self.error_at(at, key, format!("expected numbers, found {found}"));
                    return None;
                }
            }
        }
        Some((out, offset))
    }

    /// Report every key of the table that no getter asked for.
    pub fn finish(mut self) {
        let unused: Vec<(String, usize)> = self
            .table
            .iter()
            .zip(&self.used)
            .filter(|(_, used)| !**used)
            .map(|((k, _), _)| (k.get_ref().to_string(), k.span().start))
            .collect();
        let missing = std::mem::take(&mut self.missing);
        for (keys, message) in missing {
            let explained = unused.iter().any(|(k, _)| {
                keys.iter()
                    .any(|m| closest(k, std::iter::once(m.as_str())).is_some())
                    || self.stems.iter().any(|(stem, _)| {
                        keys.iter().any(|m| m.starts_with(stem.as_str()))
                            && (k == stem || k.starts_with(&format!("{stem}_")))
                    })
            });
            if !explained {
                self.error(message);
            }
        }
        for (key, offset) in unused {
            let message = self.explain_unknown(&key);
            self.error_at(offset, &key, message);
        }
    }

    fn explain_unknown(&self, key: &str) -> String {
        for (stem, q) in &self.stems {
            let accepted = q.accepted_keys(stem);
            if key == stem {
                return format!("\"{key}\" needs a unit suffix: write one of {accepted}");
            }
            if let Some(suffix) = key
                .strip_prefix(stem.as_str())
                .and_then(|s| s.strip_prefix('_'))
                && looks_like_unit(suffix)
            {
                return format!(
                    "wrong unit suffix \"{suffix}\" for {}: write one of {accepted}",
                    q.describe()
                );
            }
        }
        let mut known: Vec<String> = self.keys.clone();
        for (stem, q) in &self.stems {
            known.extend(q.units().iter().map(|u| format!("{stem}_{}", u.suffix)));
        }
        let hint = closest(key, known.iter().map(String::as_str))
            .map(|k| format!("; did you mean \"{k}\"?"))
            .unwrap_or_default();
        let mut listed: Vec<String> = self.keys.clone();
        listed.extend(
            self.stems
                .iter()
                .map(|(s, q)| format!("{s}_{}", q.units()[0].suffix)),
        );
        format!("unknown key{hint} (accepted here: {})", listed.join(", "))
    }
}

fn number_of(v: &DeValue<'_>) -> Result<f64, &'static str> {
    match v {
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .map(|n| n as f64)
            .map_err(|_| "an integer too large"),
        DeValue::Float(f) => f.as_str().parse::<f64>().map_err(|_| "an unreadable float"),
        other => Err(type_name(other)),
    }
}

/// A number as a message shows it: `1e308`, not 309 digits.
fn readable(x: f64) -> String {
    if x != 0.0 && !(1e-4..1e6).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// The TOML type of a value, for messages.
pub fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}

/// The candidate closest to `word` by edit distance, if it is close enough to be a likely typo.
pub fn closest<'c>(word: &str, candidates: impl Iterator<Item = &'c str>) -> Option<&'c str> {
    candidates
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, c)| *d <= (c.len().max(word.len()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_finds_typos_only() {
        let keys = ["length_m", "inner_diameter_mm", "roughness_mm"];
        assert_eq!(closest("lenght_m", keys.iter().copied()), Some("length_m"));
        assert_eq!(closest("colour", keys.iter().copied()), None);
    }
}
