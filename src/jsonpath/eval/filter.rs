//! Filter expressions over `Doc`: `||`, `&&`, `!`, parentheses, existence tests, comparisons, with
//! jsonpath-rust's meaning (which this module follows where it differs from RFC 9535, so that mqtk
//! has one behaviour whichever way a payload is filtered).

use jsonpath_rust::parser::model::{
    Comparable, Comparison, Filter, FilterAtom, SingularQuery, SingularQuerySegment, Test,
    TestFunction,
};

use super::Cx;
use super::node::{Nodes, Ptr, View};

/// What an expression inside a filter gives: nodes, or a value it made (jsonpath-rust's `Data`).
#[derive(Debug, Clone)]
pub enum Operand<'e, 'a> {
    One(Ptr<'e, 'a>),
    Many(Vec<Ptr<'e, 'a>>),
    Value(View<'e, 'a>),
    Nothing,
}

impl<'e, 'a> Operand<'e, 'a> {
    /// The one value it stands for, if it is one node or one value.
    pub fn view(&self) -> Option<View<'_, 'a>> {
        match self {
            Operand::One(p) => Some(p.view()),
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

impl<'e, 'a> From<Nodes<'e, 'a>> for Operand<'e, 'a> {
    fn from(nodes: Nodes<'e, 'a>) -> Self {
        match nodes {
            Nodes::One(p) => Operand::One(p),
            Nodes::Many(list) => Operand::Many(list),
            Nodes::Bool(b) => Operand::Value(View::Bool(b)),
            Nodes::Nothing => Operand::Nothing,
        }
    }
}

/// Whether `item` (the filter's `@`) passes `filter`.
pub fn logical<'e, 'a>(cx: &Cx<'_, 'e, 'a>, filter: &'e Filter, item: Ptr<'e, 'a>) -> bool {
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
fn passes<'e, 'a>(cx: &Cx<'_, 'e, 'a>, expr: &'e Test, item: Ptr<'e, 'a>) -> bool {
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
pub fn test<'e, 'a>(cx: &Cx<'_, 'e, 'a>, test: &'e Test, item: Ptr<'e, 'a>) -> Operand<'e, 'a> {
    match test {
        Test::RelQuery(segs) => cx.segments(segs, Nodes::One(item)).into(),
        Test::AbsQuery(query) => cx.segments(&query.segments, Nodes::One(cx.root)).into(),
        Test::Function(f) => cx.function(f, item),
    }
}

/// A comparison's side: a value, or nothing (a missing member). Comparisons take literals, singular
/// queries and the functions that give one value, so a side is never a list of nodes.
fn comparable<'e, 'a>(
    cx: &Cx<'_, 'e, 'a>,
    c: &'e Comparable,
    item: Ptr<'e, 'a>,
) -> Option<View<'e, 'a>> {
    match c {
        Comparable::Literal(l) => Some(View::literal(l)),
        Comparable::SingularQuery(SingularQuery::Current(segs)) => singular(segs, item),
        Comparable::SingularQuery(SingularQuery::Root(segs)) => singular(segs, cx.root),
        Comparable::Function(f) => function_value(cx, f, item),
    }
}

/// The value of length(), count() or value().
fn function_value<'e, 'a>(
    cx: &Cx<'_, 'e, 'a>,
    f: &'e TestFunction,
    item: Ptr<'e, 'a>,
) -> Option<View<'e, 'a>> {
    match cx.function(f, item) {
        Operand::One(p) => Some(p.view()),
        Operand::Value(v) => Some(v),
        Operand::Many(_) | Operand::Nothing => None,
    }
}

/// `@.a[0]`-like queries: at most one node.
fn singular<'e, 'a>(segs: &[SingularQuerySegment], from: Ptr<'e, 'a>) -> Option<View<'e, 'a>> {
    let mut at = from;
    for s in segs {
        at = match s {
            SingularQuerySegment::Name(key) => at.get(key)?,
            SingularQuerySegment::Index(i) => at.element(*i)?,
        };
    }
    Some(at.view())
}

/// A comparison, with jsonpath-rust's `>=` as `>` or `==` (so `null >= null` holds, `"a" <= 1` not).
fn compare<'e, 'a>(cx: &Cx<'_, 'e, 'a>, c: &'e Comparison, item: Ptr<'e, 'a>) -> bool {
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
fn less(l: Option<View>, r: Option<View>) -> bool {
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
fn equal(l: Option<View>, r: Option<View>) -> bool {
    match (l, r) {
        (None, None) => true,
        (Some(a), Some(b)) => same_value(a, b),
        _ => false,
    }
}

/// Equality of two values: numbers within f64's epsilon (so 1 == 1.0), anything else as serde_json
/// compares the equal `Value`s.
fn same_value(a: View, b: View) -> bool {
    // Two strings, the usual case in filters, are never numbers.
    if let (Some(x), Some(y)) = (a.as_str(), b.as_str()) {
        return x == y;
    }
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => (x - y).abs() < f64::EPSILON,
        _ => a.same(b),
    }
}
