//! Segments and selectors over `Doc`: child and descendant segments; name, wildcard, index, slice and
//! filter selectors, with jsonpath-rust's results (order, duplicates, and the empty list as distinct
//! from nothing).

use jsonpath_rust::parser::model::{Filter, Segment, Selector};

use super::Cx;
use super::node::{Kind, Nodes, Ptr};
use crate::doc::Doc;

/// Applies `segments` in turn.
pub fn segments<'d, 'a>(
    cx: &Cx<'_, 'd, 'a>,
    segments: &[Segment],
    at: Nodes<'d, 'a>,
) -> Nodes<'d, 'a> {
    segments.iter().fold(at, |at, s| segment(cx, s, at))
}

/// Whether `seg` selects at least one node from `at` (what `segment` then `exists` would say),
/// stopping at the first.
pub fn any<'d, 'a>(cx: &Cx<'_, 'd, 'a>, seg: &Segment, at: Nodes<'d, 'a>) -> bool {
    let Segment::Selector(Selector::Filter(f)) = seg else {
        return segment(cx, seg, at).exists();
    };
    let passes = |p: Ptr<'d, 'a>| {
        let test = |doc| {
            cx.test(
                f,
                Ptr {
                    doc,
                    kind: Kind::Current,
                },
            )
        };
        match p.kind {
            // A verdict on `@` is not a node.
            Kind::Current => false,
            _ => match (p.array(), p.object()) {
                (Some(items), _) => items.iter().any(test),
                (None, Some(o)) => o.values().any(test),
                (None, None) => false,
            },
        }
    };
    match at {
        Nodes::One(p) => passes(p),
        Nodes::Many(list) => list.into_iter().any(passes),
        Nodes::Bool(_) | Nodes::Nothing => false,
    }
}

fn segment<'d, 'a>(cx: &Cx<'_, 'd, 'a>, seg: &Segment, at: Nodes<'d, 'a>) -> Nodes<'d, 'a> {
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

fn selector<'d, 'a>(cx: &Cx<'_, 'd, 'a>, selector: &Selector, at: Nodes<'d, 'a>) -> Nodes<'d, 'a> {
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
            if let Some(items) = p.array() {
                passing(cx, f, items.iter())
            } else if let Some(o) = p.object() {
                passing(cx, f, o.values())
            } else {
                Nodes::Nothing
            }
        }),
    }
}

/// The elements (or member values) that pass the filter.
fn passing<'d, 'a>(
    cx: &Cx<'_, 'd, 'a>,
    f: &Filter,
    items: impl Iterator<Item = &'d Doc<'a>>,
) -> Nodes<'d, 'a> {
    Nodes::Many(
        items
            .filter(|item| cx.test(f, Ptr::current(item)))
            .map(Ptr::plain)
            .collect(),
    )
}

/// The member `key` of an object.
fn name<'d, 'a>(p: Ptr<'d, 'a>, key: &str) -> Nodes<'d, 'a> {
    p.get(key).map_or(Nodes::Nothing, Nodes::One)
}

/// The element at `i` of an array.
fn index<'d, 'a>(p: Ptr<'d, 'a>, i: i64) -> Nodes<'d, 'a> {
    p.element(i).map_or(Nodes::Nothing, Nodes::One)
}

/// Every element of an array or member of an object; nothing when there is none.
fn wildcard<'d, 'a>(p: Ptr<'d, 'a>) -> Nodes<'d, 'a> {
    if let Some(items) = p.array() {
        if items.is_empty() {
            return Nodes::Nothing;
        }
        Nodes::Many(items.iter().map(Ptr::plain).collect())
    } else if let Some(o) = p.object() {
        if o.is_empty() {
            return Nodes::Nothing;
        }
        Nodes::Many(o.values().map(Ptr::plain).collect())
    } else {
        Nodes::Nothing
    }
}

/// `[start:end:step]` of an array (RFC 9535's bounds); a step of 0 selects an empty list.
fn slice<'d, 'a>(
    p: Ptr<'d, 'a>,
    start: Option<i64>,
    end: Option<i64>,
    step: Option<i64>,
) -> Nodes<'d, 'a> {
    let Some(items) = p.array() else {
        return Nodes::Nothing;
    };
    // Indexes are at most 2^53 (the parser's limit) and lengths fit in memory, so i64 holds them.
    let len = items.len() as i64;
    let norm = |i: i64| if i >= 0 { i } else { len + i };
    let step = step.unwrap_or(1);
    let mut out = Vec::new();
    if step > 0 {
        let lower = norm(start.unwrap_or(0)).clamp(0, len);
        let upper = norm(end.unwrap_or(len)).clamp(0, len);
        let mut i = lower;
        while i < upper {
            out.push(Ptr::plain(&items[i as usize]));
            i += step;
        }
    } else if step < 0 {
        let upper = norm(start.unwrap_or(len - 1)).clamp(-1, len - 1);
        let lower = norm(end.unwrap_or(-len - 1)).clamp(-1, len - 1);
        let mut i = upper;
        while lower < i {
            out.push(Ptr::plain(&items[i as usize]));
            i += step;
        }
    }
    Nodes::Many(out)
}

/// The node and every array or object below it, in document order; nothing for a scalar (whose
/// children, having none, select nothing anyway).
fn descendants<'d, 'a>(p: Ptr<'d, 'a>) -> Nodes<'d, 'a> {
    if p.array().is_none() && p.object().is_none() {
        return Nodes::Nothing;
    }
    let mut out = Vec::new();
    collect(p, &mut out);
    Nodes::Many(out)
}

fn collect<'d, 'a>(p: Ptr<'d, 'a>, out: &mut Vec<Ptr<'d, 'a>>) {
    out.push(p);
    let mut visit = |d: &'d Doc<'a>| {
        let child = Ptr::plain(d);
        if child.array().is_some() || child.object().is_some() {
            collect(child, out);
        }
    };
    if let Some(items) = p.array() {
        items.iter().for_each(&mut visit);
    } else if let Some(o) = p.object() {
        o.values().for_each(visit);
    }
}
