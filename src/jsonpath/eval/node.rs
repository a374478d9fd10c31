//! What the evaluator over `Doc` passes from step to step: jsonpath-rust's `Data` and `Pointer`
//! without the path strings.
//!
//! jsonpath-rust's results depend on more than the nodes: a step gives one node, a list (perhaps
//! empty), a value, or nothing, and `count()`, `==` and the joining of selectors tell these apart.
//! A pointer made for the element a filter is testing (`@`) is "internal" (its path is empty), and
//! a filter applied to it tests `@` itself instead of its children. Both are kept here so that every
//! result is the one jsonpath-rust gives on the equal `serde_json::Value`.

use std::collections::HashMap;
use std::slice;

use jsonpath_rust::parser::model::Literal;
use serde_json::Number;

use crate::doc::{Doc, Object};

/// What a pointer stands for besides its node.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// A node reached by a path.
    Plain,
    /// `@` inside a filter: the element under test.
    Current,
    /// The list `[node]` that `$[?…]` at the root tests the document as, made without copying it.
    Wrapped,
}

/// A node of the document.
#[derive(Debug, Clone, Copy)]
pub struct Ptr<'d, 'a> {
    pub doc: &'d Doc<'a>,
    pub kind: Kind,
}

impl<'d, 'a> Ptr<'d, 'a> {
    pub fn plain(doc: &'d Doc<'a>) -> Self {
        Ptr {
            doc,
            kind: Kind::Plain,
        }
    }

    /// The element a filter is testing (its `@`).
    pub fn current(doc: &'d Doc<'a>) -> Self {
        Ptr {
            doc,
            kind: Kind::Current,
        }
    }

    /// The elements when the node is an array.
    pub fn array(self) -> Option<&'d [Doc<'a>]> {
        match (self.kind, self.doc) {
            (Kind::Wrapped, doc) => Some(slice::from_ref(doc)),
            (_, Doc::Array(items)) => Some(items),
            _ => None,
        }
    }

    /// The element at `i` of an array, counted from the end when negative.
    pub fn element(self, i: i64) -> Option<Ptr<'d, 'a>> {
        let items = self.array()?;
        let at = if i >= 0 {
            usize::try_from(i).ok()?
        } else {
            items
                .len()
                .checked_sub(usize::try_from(i.unsigned_abs()).ok()?)?
        };
        items.get(at).map(Ptr::plain)
    }

    /// The member `key` when the node is an object.
    pub fn get(self, key: &str) -> Option<Ptr<'d, 'a>> {
        match (self.kind, self.doc) {
            (Kind::Wrapped, _) => None,
            (_, Doc::Object(o)) => o.get(key).map(Ptr::plain),
            _ => None,
        }
    }

    /// The members when the node is an object.
    pub fn object(self) -> Option<&'d Object<'a>> {
        match (self.kind, self.doc) {
            (Kind::Wrapped, _) => None,
            (_, Doc::Object(o)) => Some(o),
            _ => None,
        }
    }

    /// The node as a value to compare.
    pub fn view(self) -> View<'d, 'a> {
        match self.kind {
            Kind::Wrapped => View::Wrapped(self.doc),
            _ => View::Doc(self.doc),
        }
    }
}

/// The outcome of a step (jsonpath-rust's `Data`): one node, a list of nodes (which may be empty:
/// `count()` tells it from nothing), a filter's verdict on `@`, or nothing.
#[derive(Debug, Clone)]
pub enum Nodes<'d, 'a> {
    One(Ptr<'d, 'a>),
    Many(Vec<Ptr<'d, 'a>>),
    Bool(bool),
    Nothing,
}

impl<'d, 'a> Nodes<'d, 'a> {
    /// Applies `f` to every node: one node gives what `f` gives; a list gives the list of the nodes
    /// `f` gives (verdicts dropped); a verdict or nothing gives nothing.
    pub fn flat_map(self, mut f: impl FnMut(Ptr<'d, 'a>) -> Nodes<'d, 'a>) -> Nodes<'d, 'a> {
        match self {
            Nodes::One(p) => f(p),
            Nodes::Many(list) => {
                let mut out = Vec::with_capacity(list.len());
                for p in list {
                    match f(p) {
                        Nodes::One(q) => out.push(q),
                        Nodes::Many(more) => out.extend(more),
                        Nodes::Bool(_) | Nodes::Nothing => {}
                    }
                }
                Nodes::Many(out)
            }
            Nodes::Bool(_) | Nodes::Nothing => Nodes::Nothing,
        }
    }

    /// Joins the outcomes of two selectors of one segment; a verdict on either side gives nothing.
    pub fn join(self, other: Nodes<'d, 'a>) -> Nodes<'d, 'a> {
        match (self, other) {
            (Nodes::One(a), Nodes::One(b)) => Nodes::Many(vec![a, b]),
            (Nodes::One(a), Nodes::Many(mut list)) => {
                list.insert(0, a);
                Nodes::Many(list)
            }
            (Nodes::Many(mut list), Nodes::One(b)) => {
                list.push(b);
                Nodes::Many(list)
            }
            (Nodes::Many(mut list), Nodes::Many(more)) => {
                list.extend(more);
                Nodes::Many(list)
            }
            (d @ (Nodes::One(_) | Nodes::Many(_)), Nodes::Nothing)
            | (Nodes::Nothing, d @ (Nodes::One(_) | Nodes::Many(_))) => d,
            _ => Nodes::Nothing,
        }
    }

    /// Whether the outcome names at least one node (an existence test).
    pub fn exists(&self) -> bool {
        match self {
            Nodes::One(_) => true,
            Nodes::Many(list) => !list.is_empty(),
            Nodes::Bool(_) | Nodes::Nothing => false,
        }
    }
}

/// A value to compare: a node, the wrapped root, or a value a filter made (a literal, a count, a
/// verdict), never allocated. `Int` and `Float` mean the `Number`s serde_json makes of them.
#[derive(Debug, Clone, Copy)]
pub enum View<'e, 'a> {
    Doc(&'e Doc<'a>),
    Wrapped(&'e Doc<'a>),
    Null,
    Bool(bool),
    Int(i64),
    /// Finite: serde_json's `Value::from(f64)` makes null of the others.
    Float(f64),
    Str(&'e str),
}

impl<'e, 'a> View<'e, 'a> {
    /// A literal of the path, as the value jsonpath-rust makes of it.
    pub fn literal(literal: &'e Literal) -> View<'e, 'a> {
        match literal {
            Literal::Int(i) => View::Int(*i),
            Literal::Float(f) if f.is_finite() => View::Float(*f),
            Literal::Float(_) | Literal::Null => View::Null,
            Literal::String(s) => View::Str(s),
            Literal::Bool(b) => View::Bool(*b),
        }
    }

    /// The number as f64 (serde_json's `as_f64`), for numbers only.
    pub fn as_f64(self) -> Option<f64> {
        match self {
            View::Doc(Doc::Number(n)) => n.as_f64(),
            View::Int(i) => Some(i as f64),
            View::Float(f) => Some(f),
            _ => None,
        }
    }

    pub fn as_str(self) -> Option<&'e str> {
        match self {
            View::Doc(Doc::String(s)) => Some(s),
            View::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_array(self) -> Option<&'e [Doc<'a>]> {
        match self {
            View::Doc(Doc::Array(items)) => Some(items),
            View::Wrapped(doc) => Some(slice::from_ref(doc)),
            _ => None,
        }
    }

    /// serde_json's `Value == Value` on the equal values: numbers by `Number`'s equality (1 is not
    /// 1.0), objects as maps (member order does not count).
    pub fn same(self, other: View<'_, 'a>) -> bool {
        match (self, other) {
            (View::Doc(a), View::Doc(b)) => same_doc(a, b),
            (View::Wrapped(_), _) | (_, View::Wrapped(_)) => {
                match (self.as_array(), other.as_array()) {
                    (Some(a), Some(b)) => same_list(a, b),
                    _ => false,
                }
            }
            (View::Doc(d), s) | (s, View::Doc(d)) => match (d, s) {
                (Doc::Null, View::Null) => true,
                (Doc::Bool(a), View::Bool(b)) => *a == b,
                (Doc::Number(a), View::Int(b)) => *a == Number::from(b),
                (Doc::Number(a), View::Float(b)) => Number::from_f64(b).is_some_and(|b| *a == b),
                (Doc::String(a), View::Str(b)) => a == b,
                _ => false,
            },
            (View::Null, View::Null) => true,
            (View::Bool(a), View::Bool(b)) => a == b,
            (View::Int(a), View::Int(b)) => a == b,
            (View::Float(a), View::Float(b)) => a == b,
            (View::Str(a), View::Str(b)) => a == b,
            _ => false,
        }
    }
}

fn same_list(a: &[Doc], b: &[Doc]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_doc(x, y))
}

/// `Value == Value` on two documents.
pub fn same_doc(a: &Doc, b: &Doc) -> bool {
    match (a, b) {
        (Doc::Null, Doc::Null) => true,
        (Doc::Bool(x), Doc::Bool(y)) => x == y,
        (Doc::Number(x), Doc::Number(y)) => x == y,
        (Doc::String(x), Doc::String(y)) => x == y,
        (Doc::Array(x), Doc::Array(y)) => same_list(x, y),
        (Doc::Object(x), Doc::Object(y)) => x.len() == y.len() && same_members(x, y),
        _ => false,
    }
}

/// Equal members, in any order. A big object is looked up through a hash map: a linear lookup per
/// member would make comparing two hostile 20,000-member objects quadratic.
fn same_members(x: &Object, y: &Object) -> bool {
    if y.len() <= 16 {
        return x
            .iter()
            .all(|(k, v)| y.get(k).is_some_and(|w| same_doc(v, w)));
    }
    let index: HashMap<&str, &Doc> = y.iter().map(|(k, v)| (k.as_ref(), v)).collect();
    x.iter()
        .all(|(k, v)| index.get(k.as_ref()).is_some_and(|w| same_doc(v, w)))
}
