//! The evaluator over a second `Tree` (a view of a `serde_json::Value`, as a decoder's view of a
//! message would be) gives what it gives over the equal `Doc`: the same nodes in the same order, and
//! the same verdicts. `differential` checks this on every path and document it tries.

use serde_json::Value;

use super::{Path, write_doc, write_value};
use crate::doc::{Doc, Shape, Tree};

/// A `Value` read through `Tree`.
#[derive(Debug, Clone, Copy)]
struct Node<'t>(&'t Value);

impl<'t> Tree<'t> for Node<'t> {
    fn shape(self) -> Shape<'t> {
        match self.0 {
            Value::Null => Shape::Null,
            Value::Bool(b) => Shape::Bool(*b),
            Value::Number(n) => Shape::Number(n.clone()),
            Value::String(s) => Shape::String(s),
            Value::Array(_) => Shape::Array,
            Value::Object(_) => Shape::Object,
        }
    }

    fn len(self) -> usize {
        match self.0 {
            Value::Array(items) => items.len(),
            Value::Object(o) => o.len(),
            _ => 0,
        }
    }

    fn element(self, i: usize) -> Option<Self> {
        self.0.as_array()?.get(i).map(Node)
    }

    fn member(self, key: &str) -> Option<Self> {
        self.0.as_object()?.get(key).map(Node)
    }

    fn elements(self) -> impl Iterator<Item = Self> + 't {
        self.0.as_array().into_iter().flatten().map(Node)
    }

    fn members(self) -> impl Iterator<Item = (&'t str, Self)> + 't {
        let members = self.0.as_object().into_iter().flatten();
        members.map(|(k, v)| (k.as_str(), Node(v)))
    }
}

/// `Err` names the first difference between the evaluator over `Node` and over `Doc` (every case
/// of `differential` checks this too).
pub fn compare(path: &Path, value: &Value) -> Result<(), String> {
    let doc = Doc::from_value(value.clone());
    let printed = |write: &mut dyn FnMut(&mut Vec<u8>)| {
        let mut out = Vec::new();
        write(&mut out);
        String::from_utf8_lossy(&out).into_owned()
    };
    let on_doc: Vec<String> = path
        .select_doc(&doc)
        .into_iter()
        .map(|d| printed(&mut |out| write_doc(out, d)))
        .collect();
    let on_tree: Vec<String> = path
        .select_tree(Node(value))
        .into_iter()
        .map(|n| printed(&mut |out| write_value(out, n.0)))
        .collect();
    if on_doc != on_tree {
        return Err(format!(
            "select {}\n  on  {value}\n  Doc:  {on_doc:?}\n  Tree: {on_tree:?}",
            path.as_str()
        ));
    }
    let (on_doc, on_tree) = (path.matches_doc(&doc), path.matches_tree(Node(value)));
    if on_doc != on_tree {
        return Err(format!(
            "matches {}\n  on  {value}\n  Doc: {on_doc}, Tree: {on_tree}",
            path.as_str()
        ));
    }
    Ok(())
}

/// Deep equality through the trait: member order does not count, 1 is not 1.0, and objects past
/// 16 members (looked up through a hash map) compare the same way.
#[test]
fn equality_through_the_trait() {
    let big = |order: &mut dyn Iterator<Item = usize>, last: Value| {
        let mut members: serde_json::Map<String, Value> =
            order.map(|i| (format!("k{i}"), Value::from(i))).collect();
        members.insert("last".into(), last);
        Value::Object(members)
    };
    let cases = [
        (
            serde_json::json!({"a": {"x": 1, "y": [1, "s"]}, "b": {"y": [1, "s"], "x": 1}}),
            true,
        ),
        (serde_json::json!({"a": {"x": 1}, "b": {"x": 1.0}}), false),
        (serde_json::json!({"a": [1, 2], "b": [2, 1]}), false),
        (serde_json::json!({"a": [], "b": {}}), false),
        (
            serde_json::json!({"a": big(&mut (0..20), Value::Null), "b": big(&mut (0..20).rev(), Value::Null)}),
            true,
        ),
        (
            serde_json::json!({"a": big(&mut (0..20), Value::Null), "b": big(&mut (0..20).rev(), Value::from(0))}),
            false,
        ),
    ];
    for (value, equal) in cases {
        for text in ["$[?@.a == @.b]", "$[?@.b == @.a]"] {
            let path = Path::parse(text).unwrap();
            assert_eq!(path.matches_tree(Node(&value)), equal, "{text} on {value}");
            assert_eq!(compare(&path, &value), Ok(()));
        }
    }
    // The wrapped root is the list `[root]`: its one element is the root itself.
    let value = serde_json::json!({"a": 1});
    let path = Path::parse("$[?@.a == 1]").unwrap();
    let selected = path.select_tree(Node(&value));
    assert!(selected.len() == 1 && std::ptr::eq(selected[0].0, &value));
}
