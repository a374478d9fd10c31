//! Values a filter compares, and their equality: serde_json's `Value == Value` on the equal values,
//! read through `Tree` so that it holds for any tree.

use std::collections::HashMap;

use jsonpath_rust::parser::model::Literal;
use serde_json::Number;

use super::node::{Kind, Ptr};
use crate::doc::{Shape, Tree};

/// A value to compare: a node, the wrapped root, or a value a filter made (a literal, a count, a
/// verdict), never allocated. `Int` and `Float` mean the `Number`s serde_json makes of them.
#[derive(Debug, Clone, Copy)]
pub enum View<'q, N> {
    Node(N),
    Wrapped(N),
    Null,
    Bool(bool),
    Int(i64),
    /// Finite: serde_json's `Value::from(f64)` makes null of the others.
    Float(f64),
    Str(&'q str),
}

impl<N> From<Ptr<N>> for View<'_, N> {
    /// The node as a value to compare.
    #[inline]
    fn from(p: Ptr<N>) -> Self {
        match p.kind {
            Kind::Wrapped => View::Wrapped(p.node),
            _ => View::Node(p.node),
        }
    }
}

impl<'q, 't, N: Tree<'t>> View<'q, N> {
    /// A literal of the path, as the value jsonpath-rust makes of it.
    pub fn literal(literal: &'q Literal) -> View<'q, N> {
        match literal {
            Literal::Int(i) => View::Int(*i),
            Literal::Float(f) if f.is_finite() => View::Float(*f),
            Literal::Float(_) | Literal::Null => View::Null,
            Literal::String(s) => View::Str(s),
            Literal::Bool(b) => View::Bool(*b),
        }
    }

    /// The number as f64 (serde_json's `as_f64`), for numbers only.
    #[inline]
    pub fn as_f64(self) -> Option<f64> {
        match self {
            View::Node(n) => n.as_f64(),
            View::Int(i) => Some(i as f64),
            View::Float(f) => Some(f),
            _ => None,
        }
    }

    #[inline]
    pub fn as_str<'s>(self) -> Option<&'s str>
    where
        'q: 's,
        't: 's,
    {
        match self {
            View::Node(n) => n.as_str(),
            View::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The node, when the value is one.
    #[inline]
    pub fn ptr(self) -> Option<Ptr<N>> {
        match self {
            View::Node(n) => Some(Ptr::plain(n)),
            View::Wrapped(n) => Some(Ptr {
                node: n,
                kind: Kind::Wrapped,
            }),
            _ => None,
        }
    }

    /// The elements when the value is an array.
    #[inline]
    pub fn elements(self) -> Option<impl Iterator<Item = N>> {
        self.ptr()?.elements()
    }

    /// serde_json's `Value == Value` on the equal values: numbers by `Number`'s equality (1 is not
    /// 1.0), objects as maps (member order does not count).
    pub fn same(self, other: View<'_, N>) -> bool {
        match (self, other) {
            (View::Node(a), View::Node(b)) => same_node(a, b),
            (View::Wrapped(_), _) | (_, View::Wrapped(_)) => match (self.ptr(), other.ptr()) {
                (Some(a), Some(b)) if a.len() == b.len() => match (a.elements(), b.elements()) {
                    (Some(a), Some(b)) => same_list(a, b),
                    _ => false,
                },
                _ => false,
            },
            (View::Node(n), s) | (s, View::Node(n)) => match (n.shape(), s) {
                (Shape::Null, View::Null) => true,
                (Shape::Bool(a), View::Bool(b)) => a == b,
                (Shape::Number(a), View::Int(b)) => a == Number::from(b),
                (Shape::Number(a), View::Float(b)) => Number::from_f64(b).is_some_and(|b| a == b),
                (Shape::String(a), View::Str(b)) => a == b,
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

/// Equal elements in the same order, given lists of the same length.
fn same_list<'t, N: Tree<'t>>(a: impl Iterator<Item = N>, b: impl Iterator<Item = N>) -> bool {
    a.zip(b).all(|(x, y)| same_node(x, y))
}

/// `Value == Value` on two nodes.
pub fn same_node<'t, N: Tree<'t>>(a: N, b: N) -> bool {
    match (a.shape(), b.shape()) {
        (Shape::Array, Shape::Array) => a.len() == b.len() && same_list(a.elements(), b.elements()),
        (Shape::Object, Shape::Object) => a.len() == b.len() && same_members(a, b),
        (x, y) => x == y,
    }
}

/// Equal members, in any order. A big object is looked up through a hash map: a linear lookup per
/// member would make comparing two hostile 20,000-member objects quadratic.
fn same_members<'t, N: Tree<'t>>(x: N, y: N) -> bool {
    if y.len() <= 16 {
        return x
            .members()
            .all(|(k, v)| y.member(k).is_some_and(|w| same_node(v, w)));
    }
    let index: HashMap<&str, N> = y.members().collect();
    x.members()
        .all(|(k, v)| index.get(k).is_some_and(|w| same_node(v, *w)))
}
