//! Filter expressions: `||`, `&&`, `!`, parentheses, existence tests, comparisons, with
//! jsonpath-rust's meaning (which this module follows where it differs from RFC 9535, so that mqtk
//! has one behaviour whichever way a payload is filtered).

use jsonpath_rust::parser::model::{
    Comparable, Comparison, Filter, FilterAtom, SingularQuery, SingularQuerySegment, Test,
    TestFunction,
};

use super::Cx;
use super::node::{Nodes, Ptr};
use super::view::View;
use crate::doc::Tree;

/// What an expression inside a filter gives: nodes, or a value it made (jsonpath-rust's `Data`).
#[derive(Debug, Clone)]
pub enum Operand<'q, N> {
    One(Ptr<N>),
    Many(Vec<Ptr<N>>),
    Value(View<'q, N>),
    Nothing,
}

impl<'q, 't, N: Tree<'t>> Operand<'q, N> {
    /// The one value it stands for, if it is one node or one value.
    pub fn view(&self) -> Option<View<'q, N>> {
        match self {
            Operand::One(p) => Some(View::from(*p)),
            Operand::Value(v) => Some(*v),
            _ => None,
        }
    }

    fn exists(&self) -> bool {
        match self {
            Operand::One(_) => true,
            Operand::Many(list) => !list.is_empty(),
            _ => false,
        }
    }

    fn is_true(&self) -> bool {
        matches!(self, Operand::Value(View::Bool(true)))
    }
}

impl<'q, N> From<Nodes<N>> for Operand<'q, N> {
    fn from(nodes: Nodes<N>) -> Self {
        match nodes {
            Nodes::One(p) => Operand::One(p),
            Nodes::Many(list) => Operand::Many(list),
            Nodes::Bool(b) => Operand::Value(View::Bool(b)),
            Nodes::Nothing => Operand::Nothing,
        }
    }
}

/// Whether `item` (the filter's `@`) passes `filter`.
pub fn logical<'q, 't, N: Tree<'t>>(cx: &Cx<'q, N>, filter: &'q Filter, item: Ptr<N>) -> bool {
    match filter {
        Filter::Or(list) => list.iter().any(|f| logical(cx, f, item)),
        Filter::And(list) => list.iter().all(|f| logical(cx, f, item)),
        Filter::Atom(atom) => match atom {
            FilterAtom::Filter { expr, not } => logical(cx, expr, item) != *not,
            FilterAtom::Test { expr, not } => passes(cx, expr, item) != *not,
            FilterAtom::Comparison(c) => compare(cx, c, item),
        },
    }
}

/// A test expression's verdict.
fn passes<'q, 't, N: Tree<'t>>(cx: &Cx<'q, N>, expr: &'q Test, item: Ptr<N>) -> bool {
    let got = test(cx, expr, item);
    // match(), search() and in() & co. give a verdict; queries, length(), count() and value()
    // pass when they give at least one node (never for a value they made).
    if expr.is_res_bool() {
        got.is_true()
    } else {
        got.exists()
    }
}

/// A query or a function as a test or a function's argument.
pub fn test<'q, 't, N: Tree<'t>>(cx: &Cx<'q, N>, test: &'q Test, item: Ptr<N>) -> Operand<'q, N> {
    match test {
        Test::RelQuery(segs) => cx.segments(segs, Nodes::One(item)).into(),
        Test::AbsQuery(query) => cx.segments(&query.segments, Nodes::One(cx.root)).into(),
        Test::Function(f) => cx.function(f, item),
    }
}

/// A comparison's side: a value, or nothing (a missing member). Comparisons take literals, singular
/// queries and the functions that give one value, so a side is never a list of nodes.
fn comparable<'q, 't, N: Tree<'t>>(
    cx: &Cx<'q, N>,
    c: &'q Comparable,
    item: Ptr<N>,
) -> Option<View<'q, N>> {
    match c {
        Comparable::Literal(l) => Some(View::literal(l)),
        Comparable::SingularQuery(SingularQuery::Current(segs)) => singular(segs, item),
        Comparable::SingularQuery(SingularQuery::Root(segs)) => singular(segs, cx.root),
        Comparable::Function(f) => function_value(cx, f, item),
    }
}

/// The value of length(), count() or value().
fn function_value<'q, 't, N: Tree<'t>>(
    cx: &Cx<'q, N>,
    f: &'q TestFunction,
    item: Ptr<N>,
) -> Option<View<'q, N>> {
    match cx.function(f, item) {
        Operand::One(p) => Some(View::from(p)),
        Operand::Value(v) => Some(v),
        Operand::Many(_) | Operand::Nothing => None,
    }
}

/// `@.a[0]`-like queries: at most one node.
fn singular<'q, 't, N: Tree<'t>>(
    segs: &'q [SingularQuerySegment],
    from: Ptr<N>,
) -> Option<View<'q, N>> {
    let mut at = from;
    for s in segs {
        at = match s {
            SingularQuerySegment::Name(key) => at.get(key)?,
            SingularQuerySegment::Index(i) => at.element(*i)?,
        };
    }
    Some(View::from(at))
}

/// A comparison, with jsonpath-rust's `>=` as `>` or `==` (so `null >= null` holds, `"a" <= 1` not).
fn compare<'q, 't, N: Tree<'t>>(cx: &Cx<'q, N>, c: &'q Comparison, item: Ptr<N>) -> bool {
    let (l, r) = c.vals();
    let (l, r) = (comparable(cx, l, item), comparable(cx, r, item));
    match c {
        Comparison::Eq(..) => equal(l, r),
        Comparison::Ne(..) => !equal(l, r),
        Comparison::Gt(..) => less(r, l),
        Comparison::Gte(..) => less(r, l) || equal(l, r),
        Comparison::Lt(..) => less(l, r),
        Comparison::Lte(..) => less(l, r) || equal(l, r),
    }
}

/// `<`: numbers by their f64 values, strings by code points, anything else is not less.
fn less<'t, N: Tree<'t>>(l: Option<View<N>>, r: Option<View<N>>) -> bool {
    let (Some(l), Some(r)) = (l, r) else {
        return false;
    };
    if let (Some(a), Some(b)) = (l.as_f64(), r.as_f64()) {
        a < b
    } else if let (Some(a), Some(b)) = (l.as_str(), r.as_str()) {
        a < b
    } else {
        false
    }
}

/// `==`: two missing sides are equal, a missing side equals nothing else.
fn equal<'t, N: Tree<'t>>(l: Option<View<N>>, r: Option<View<N>>) -> bool {
    match (l, r) {
        (None, None) => true,
        (Some(a), Some(b)) => same_value(a, b),
        _ => false,
    }
}

/// Equality of two values: numbers within f64's epsilon (so 1 == 1.0), anything else as serde_json
/// compares the equal `Value`s.
fn same_value<'t, N: Tree<'t>>(a: View<N>, b: View<N>) -> bool {
    // Two strings, the usual case in filters, are never numbers.
    if let (Some(x), Some(y)) = (a.as_str(), b.as_str()) {
        return x == y;
    }
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => (x - y).abs() < f64::EPSILON,
        _ => a.same(b),
    }
}
