//! JSONPath (RFC 9535) over message payloads: the only module that imports jsonpath_rust.
//!
//! Paths are parsed once at start-up. jsonpath-rust accepts blank space the RFC does not (`$.a b`
//! parses and selects nothing), so blank space outside brackets and strings is checked here first:
//! the RFC allows it only between segments, that is, before `.` or `[`.

use jsonpath_rust::parser::model::JpQuery;
use serde_json::Value;

/// A parsed JSONPath.
#[derive(Debug, Clone)]
pub struct Path {
    text: String,
    query: JpQuery,
    /// `$[?…]` at the root tests the document itself (as if it were the only element of a list), so
    /// `--where '$[?@.temperature > 30]'` means "messages whose temperature is above 30".
    tests_root: bool,
}

/// Where blank space breaks RFC 9535, as a byte offset.
fn blank_space_error(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    if bytes.first().is_some_and(u8::is_ascii_whitespace) {
        return Some(0);
    }
    let (mut depth, mut quote) = (0usize, None::<u8>);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) => {
                if b == b'\\' {
                    i += 1;
                } else if b == q {
                    quote = None;
                }
            }
            None => match b {
                b'\'' | b'"' => quote = Some(b),
                b'[' | b'(' => depth += 1,
                b']' | b')' => depth = depth.saturating_sub(1),
                b if b.is_ascii_whitespace() && depth == 0 => {
                    let next = bytes[i..]
                        .iter()
                        .position(|c| !c.is_ascii_whitespace())
                        .map(|n| i + n);
                    match next.map(|n| bytes[n]) {
                        Some(b'.') | Some(b'[') => {}
                        _ => return Some(next.unwrap_or(i)),
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    None
}

/// A one-line error that shows where the path is wrong.
fn pointed(text: &str, offset: usize, why: &str) -> String {
    format!(
        "invalid JSONPath '{text}' at character {}: {why}",
        offset + 1
    )
}

impl Path {
    /// Parses a path; the error says where it is wrong.
    pub fn parse(text: &str) -> Result<Path, String> {
        if let Some(at) = blank_space_error(text) {
            return Err(pointed(
                text,
                at,
                "blank space is only allowed before '.' or '['",
            ));
        }
        match jsonpath_rust::parser::parse_json_path(text) {
            Ok(query) => Ok(Path {
                text: text.to_string(),
                query,
                tests_root: text.starts_with("$[?"),
            }),
            Err(e) => {
                // pest reports " --> 1:COL" followed by a drawing; keep the column and what it expected.
                let msg = e.to_string();
                let col = msg
                    .split(" --> 1:")
                    .nth(1)
                    .and_then(|s| s.split(|c: char| !c.is_ascii_digit()).next())
                    .and_then(|n| n.parse::<usize>().ok())
                    .unwrap_or(1);
                let expected = msg
                    .lines()
                    .rev()
                    .find_map(|l| l.trim().strip_prefix("= "))
                    .unwrap_or("syntax error");
                Err(pointed(text, col.saturating_sub(1), expected))
            }
        }
    }

    /// The path as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the path selects anything from `doc` (`--where`). A `$[?…]` at the root tests `doc`
    /// in place: it is moved into the one-element list and back, not copied as `select` must.
    pub fn matches(&self, doc: &mut Value) -> bool {
        if !self.tests_root {
            return !self.select(doc).is_empty();
        }
        let wrapped = Value::Array(vec![std::mem::take(doc)]);
        let hit = !jsonpath_rust::query::js_path_process(&self.query, &wrapped)
            .map(|r| r.is_empty())
            .unwrap_or(true);
        if let Value::Array(mut list) = wrapped {
            *doc = list.pop().unwrap_or_default();
        }
        hit
    }

    /// The values the path selects from `doc`.
    pub fn select<'a>(&self, doc: &'a Value) -> Vec<&'a Value> {
        if self.tests_root {
            let wrapped = Value::Array(vec![doc.clone()]);
            let hit = !jsonpath_rust::query::js_path_process(&self.query, &wrapped)
                .map(|r| r.is_empty())
                .unwrap_or(true);
            return if hit { vec![doc] } else { Vec::new() };
        }
        match jsonpath_rust::query::js_path_process(&self.query, doc) {
            Ok(refs) => refs.into_iter().map(|r| r.val).collect(),
            Err(_) => Vec::new(),
        }
    }
}

/// Writes a selected value as `--json-path` prints it: strings raw, everything else as compact JSON.
pub fn write_value(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::String(s) => out.extend_from_slice(s.as_bytes()),
        other => {
            // Serialising a Value into a Vec cannot fail.
            let _ = serde_json::to_writer(&mut *out, other);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_tests_the_root_in_place() {
        let path = Path::parse("$[?@.temperature > 21]").unwrap();
        let mut d = doc();
        assert!(path.matches(&mut d));
        assert_eq!(d, doc(), "the document is given back whole");
        assert!(
            !Path::parse("$[?@.temperature > 22]")
                .unwrap()
                .matches(&mut d)
        );
        assert!(Path::parse("$.level.value").unwrap().matches(&mut d));
        assert!(!Path::parse("$.nope").unwrap().matches(&mut d));
    }

    fn doc() -> Value {
        serde_json::json!({"temperature": 21.5, "humidity": 40, "name": "ana", "level": {"value": 3}, "l": [1, 2]})
    }

    fn selected(path: &str) -> Vec<String> {
        let d = doc();
        let p = Path::parse(path).unwrap();
        p.select(&d)
            .into_iter()
            .map(|v| {
                let mut out = Vec::new();
                write_value(&mut out, v);
                String::from_utf8(out).unwrap()
            })
            .collect()
    }

    #[test]
    fn selects_values() {
        assert_eq!(selected("$.temperature"), ["21.5"]);
        assert_eq!(selected("$.name"), ["ana"]);
        assert_eq!(selected("$.level.value"), ["3"]);
        assert_eq!(selected("$.level"), [r#"{"value":3}"#]);
        assert_eq!(selected("$.l[*]"), ["1", "2"]);
        assert!(selected("$.missing").is_empty());
    }

    #[test]
    fn root_filter_tests_the_document() {
        assert_eq!(selected("$[?@.temperature > 20]").len(), 1);
        assert!(selected("$[?@.temperature > 30]").is_empty());
    }

    #[test]
    fn rejects_what_rfc_9535_rejects() {
        for bad in ["$.a b", " $.a", "$.a ", "a.b", "$.", "$[", "$.a[?@.b ==]"] {
            assert!(Path::parse(bad).is_err(), "{bad} should be rejected");
        }
        let err = Path::parse("$.a b").unwrap_err();
        assert!(err.contains("at character 5"), "{err}");
        for good in ["$.a .b", "$[ 'a' ]", "$['a b']", "$[?@.x == 'p q']"] {
            assert!(Path::parse(good).is_ok(), "{good} should parse");
        }
    }
}
