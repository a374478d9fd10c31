//! JSONPath (RFC 9535) over message payloads: the only module that imports jsonpath_rust.
//!
//! Paths are parsed once at start-up. jsonpath-rust accepts blank space the RFC does not (`$.a b`
//! parses and selects nothing), so blank space outside brackets and strings is checked here first:
//! the RFC allows it only between segments, that is, before `.` or `[`.
//!
//! Paths are evaluated by this module's evaluator on any `Tree`: the light `Doc` (`select_doc`,
//! `matches_doc`; `--where`, `--json-path` and `-F %{…}`) or a decoder's view of a message
//! (`select_tree`, `matches_tree`). It walks jsonpath-rust's syntax tree without building path
//! strings or copying the document (issue 15: the filter was a quarter of `sub --decode …
//! --where`'s cost). jsonpath-rust's own evaluator on a `serde_json::Value` (`select`, `matches`)
//! is kept for the tests, which check that both give the same results.

mod blank;
mod eval;

use jsonpath_rust::parser::model::JpQuery;
#[cfg(test)]
use serde_json::Value;

use crate::doc::{Doc, Tree, write_tree};
use blank::{blank_space_error, pointed};
use eval::{Cx, Kind, Nodes, Pattern, Ptr};

/// A parsed JSONPath.
#[derive(Debug, Clone)]
pub struct Path {
    text: String,
    query: JpQuery,
    /// `$[?…]` at the root tests the document itself (as if it were the only element of a list), so
    /// `--where '$[?@.temperature > 30]'` means "messages whose temperature is above 30".
    tests_root: bool,
    /// The literal patterns of match() and search(), compiled once.
    patterns: Vec<Pattern>,
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
                patterns: eval::patterns(&query),
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
    #[cfg(test)]
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
    #[cfg(test)]
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

impl Path {
    /// Whether the path selects anything from `doc`: `matches` on the equal `Value`.
    pub fn matches_doc(&self, doc: &Doc) -> bool {
        self.matches_tree(doc)
    }

    /// The nodes the path selects from `doc`: `select` on the equal `Value`, in the same order.
    pub fn select_doc<'d, 'a>(&self, doc: &'d Doc<'a>) -> Vec<&'d Doc<'a>> {
        self.select_tree(doc)
    }

    /// Whether the path selects anything from the tree `root`: `matches` on the equal `Value`.
    pub fn matches_tree<'t, N: Tree<'t>>(&self, root: N) -> bool {
        let (root, cx) = self.start(root);
        match self.query.segments.split_last() {
            // The last segment only has to find one node: a filter stops at the first that passes.
            Some((last, init)) => eval::any(&cx, last, cx.segments(init, Nodes::One(root))),
            None => true,
        }
    }

    /// The nodes the path selects from the tree `root`: `select` on the equal `Value`, in the
    /// same order.
    pub fn select_tree<'t, N: Tree<'t>>(&self, root: N) -> Vec<N> {
        let (start, cx) = self.start(root);
        let found = cx.segments(&self.query.segments, Nodes::One(start));
        if self.tests_root {
            return if found.exists() {
                vec![root]
            } else {
                Vec::new()
            };
        }
        match found {
            Nodes::One(p) => vec![p.node],
            Nodes::Many(list) => list.into_iter().map(|p| p.node).collect(),
            Nodes::Bool(_) | Nodes::Nothing => Vec::new(),
        }
    }

    /// The root: `root`, or the list `[root]` for a `$[?…]` at the root.
    fn start<'t, N: Tree<'t>>(&self, node: N) -> (Ptr<N>, Cx<'_, N>) {
        let kind = if self.tests_root {
            Kind::Wrapped
        } else {
            Kind::Plain
        };
        let root = Ptr { node, kind };
        let cx = Cx {
            root,
            patterns: &self.patterns,
        };
        (root, cx)
    }
}

/// Writes a selected value as `--json-path` prints it: strings raw, everything else as compact JSON.
#[cfg(test)]
pub fn write_value(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::String(s) => out.extend_from_slice(s.as_bytes()),
        other => {
            // Serialising a Value into a Vec cannot fail.
            let _ = serde_json::to_writer(&mut *out, other);
        }
    }
}

/// `write_value` for a `Doc`: strings raw, everything else as compact JSON.
pub fn write_doc(out: &mut Vec<u8>, value: &Doc) {
    match value {
        Doc::String(s) => out.extend_from_slice(s.as_bytes()),
        other => other.write_json(out, false),
    }
}

/// `write_value` for any tree (a decoder's view): strings raw, everything else as compact JSON.
pub fn write_tree_value<'t>(out: &mut Vec<u8>, value: impl Tree<'t>) {
    match value.as_str() {
        Some(s) => out.extend_from_slice(s.as_bytes()),
        None => write_tree(value, out, false),
    }
}

#[cfg(test)]
mod bench;
#[cfg(test)]
mod differential;
#[cfg(test)]
mod generic;
#[cfg(test)]
mod grammar;
#[cfg(test)]
mod tests;
