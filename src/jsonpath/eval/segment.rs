//! Segments and selectors: child and descendant segments; name, wildcard, index, slice and filter
//! selectors, with jsonpath-rust's results (order, duplicates, and the empty list as distinct from
//! nothing).

use jsonpath_rust::parser::model::{Filter, Segment, Selector};

use super::Cx;
use super::node::{Kind, Nodes, Ptr};
use crate::doc::Tree;

/// Applies `segments` in turn.
pub fn segments<'q, 't, N: Tree<'t>>(
    cx: &Cx<'q, N>,
    segments: &'q [Segment],
    at: Nodes<N>,
) -> Nodes<N> {
    segments.iter().fold(at, |at, s| segment(cx, s, at))
}

/// Whether `seg` selects at least one node from `at` (what `segment` then `exists` would say),
/// stopping at the first.
pub fn any<'q, 't, N: Tree<'t>>(cx: &Cx<'q, N>, seg: &'q Segment, at: Nodes<N>) -> bool {
    let Segment::Selector(Selector::Filter(f)) = seg else {
        return segment(cx, seg, at).exists();
    };
    let passes = |p: Ptr<N>| match p.kind {
        // A verdict on `@` is not a node.
        Kind::Current => false,
        _ => p
            .children()
            .is_some_and(|mut items| items.any(|n| cx.test(f, Ptr::current(n)))),
    };
    match at {
        Nodes::One(p) => passes(p),
        Nodes::Many(list) => list.into_iter().any(passes),
        Nodes::Bool(_) | Nodes::Nothing => false,
    }
}

fn segment<'q, 't, N: Tree<'t>>(cx: &Cx<'q, N>, seg: &'q Segment, at: Nodes<N>) -> Nodes<N> {
    match seg {
        Segment::Selector(s) => selector(cx, s, at),
        // Each selector runs over the whole list and the outcomes are joined, so `$..['a','b']`
        // gives every `a` before every `b` (jsonpath-rust's order; RFC 9535 interleaves them).
        Segment::Selectors(list) => list
            .iter()
            .map(|s| selector(cx, s, at.clone()))
            .reduce(Nodes::join)
            .unwrap_or(Nodes::One(cx.root)),
        Segment::Descendant(inner) => segment(cx, inner, at.flat_map(descendants)),
    }
}

fn selector<'q, 't, N: Tree<'t>>(cx: &Cx<'q, N>, selector: &'q Selector, at: Nodes<N>) -> Nodes<N> {
    match selector {
        Selector::Name(key) => at.flat_map(|p| name(p, key)),
        Selector::Index(i) => at.flat_map(|p| index(p, *i)),
        Selector::Wildcard => at.flat_map(wildcard),
        Selector::Slice(start, end, step) => at.flat_map(|p| slice(p, *start, *end, *step)),
        Selector::Filter(f) => at.flat_map(|p| {
            if p.kind == Kind::Current {
                // A filter on `@` itself (as in `@[?…]` inside a filter) tests `@`, not its children.
                return Nodes::Bool(cx.test(f, p));
            }
            match p.children() {
                Some(items) => passing(cx, f, items),
                None => Nodes::Nothing,
            }
        }),
    }
}

/// The elements (or member values) that pass the filter.
fn passing<'q, 't, N: Tree<'t>>(
    cx: &Cx<'q, N>,
    f: &'q Filter,
    items: impl Iterator<Item = N>,
) -> Nodes<N> {
    Nodes::Many(
        items
            .filter(|item| cx.test(f, Ptr::current(*item)))
            .map(Ptr::plain)
            .collect(),
    )
}

/// The member `key` of an object.
fn name<'t, N: Tree<'t>>(p: Ptr<N>, key: &str) -> Nodes<N> {
    p.get(key).map_or(Nodes::Nothing, Nodes::One)
}

/// The element at `i` of an array.
fn index<'t, N: Tree<'t>>(p: Ptr<N>, i: i64) -> Nodes<N> {
    p.element(i).map_or(Nodes::Nothing, Nodes::One)
}

/// Every element of an array or member of an object; nothing when there is none.
fn wildcard<'t, N: Tree<'t>>(p: Ptr<N>) -> Nodes<N> {
    match p.children() {
        Some(items) if p.len() > 0 => Nodes::Many(items.map(Ptr::plain).collect()),
        _ => Nodes::Nothing,
    }
}

/// `[start:end:step]` of an array (RFC 9535's bounds); a step of 0 selects an empty list.
fn slice<'t, N: Tree<'t>>(
    p: Ptr<N>,
    start: Option<i64>,
    end: Option<i64>,
    step: Option<i64>,
) -> Nodes<N> {
    if !p.is_array() {
        return Nodes::Nothing;
    }
    // Indexes are at most 2^53 (the parser's limit) and lengths fit in memory, so i64 holds them.
    let len = p.len() as i64;
    let norm = |i: i64| if i >= 0 { i } else { len + i };
    let step = step.unwrap_or(1);
    let mut out = Vec::new();
    // `i` stays within 0..len, where an array has an element.
    let mut take = |i: i64| out.extend(p.nth(i as usize));
    if step > 0 {
        let lower = norm(start.unwrap_or(0)).clamp(0, len);
        let upper = norm(end.unwrap_or(len)).clamp(0, len);
        let mut i = lower;
        while i < upper {
            take(i);
            i += step;
        }
    } else if step < 0 {
        let upper = norm(start.unwrap_or(len - 1)).clamp(-1, len - 1);
        let lower = norm(end.unwrap_or(-len - 1)).clamp(-1, len - 1);
        let mut i = upper;
        while lower < i {
            take(i);
            i += step;
        }
    }
    Nodes::Many(out)
}

/// The node and every array or object below it, in document order; nothing for a scalar (whose
/// children, having none, select nothing anyway).
fn descendants<'t, N: Tree<'t>>(p: Ptr<N>) -> Nodes<N> {
    let Some(items) = p.children() else {
        return Nodes::Nothing;
    };
    let mut out = Vec::new();
    collect(p, items, &mut out);
    Nodes::Many(out)
}

fn collect<'t, N: Tree<'t>>(p: Ptr<N>, items: impl Iterator<Item = N>, out: &mut Vec<Ptr<N>>) {
    out.push(p);
    for item in items {
        let child = Ptr::plain(item);
        if let Some(below) = child.children() {
            collect(child, below, out);
        }
    }
}
