//! The filter functions: length, count, value, match, search, and jsonpath-rust's
//! in/nin/none_of/any_of/subset_of; regular expressions written as literals are compiled once, when
//! the path is parsed.

use jsonpath_rust::parser::model::{
    Comparable, Filter, FilterAtom, FnArg, JpQuery, Literal, Segment, Selector, Test, TestFunction,
};
use regex::{Regex, RegexBuilder};

use super::Cx;
use super::filter::{Operand, logical, test};
use super::node::Ptr;
use super::view::View;
use crate::doc::{Shape, Tree};

/// The compiled size (and lazy DFA cache) a pattern read from a payload may take: room for
/// ordinary patterns with Unicode classes (`\p{L}{30}` needs more than 256 KiB), a fifth of the
/// regex crate's default.
const DOC_PATTERN_LIMIT: usize = 2 * 1024 * 1024;

/// A pattern of match() or search(), compiled (None: not a valid regular expression).
#[derive(Debug, Clone)]
pub struct Pattern {
    text: String,
    search: bool,
    regex: Option<Regex>,
}

impl Pattern {
    fn new(text: &str, search: bool) -> Pattern {
        Pattern {
            text: text.to_string(),
            search,
            regex: Regex::new(&translate(text, search)).ok(),
        }
    }
}

/// An I-Regexp (RFC 9485) in the `regex` crate's syntax, meaning what jsonpath-rust makes of it:
/// a `.` that is neither escaped nor inside brackets matches any character but `\n` and `\r`,
/// and match() must match the whole string (search() any part of it).
fn translate(pattern: &str, search: bool) -> String {
    let (open, close) = if search { ("", "") } else { ("^(?:", ")$") };
    let mut out = String::with_capacity(open.len() + pattern.len() + close.len() + 8);
    out.push_str(open);
    // Whether the previous character was an unescaped backslash, and whether we are in brackets.
    let (mut after_backslash, mut in_brackets) = (false, false);
    for c in pattern.chars() {
        let literal = after_backslash;
        after_backslash = !literal && c == '\\';
        match c {
            '.' if !literal && !in_brackets => out.push_str(r"[^\n\r]"),
            '[' | ']' if !literal => {
                in_brackets = c == '[';
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out.push_str(close);
    out
}

/// The patterns a path's match() and search() calls give as literals, compiled.
pub fn patterns(query: &JpQuery) -> Vec<Pattern> {
    let mut out = Vec::new();
    in_segments(&query.segments, &mut out);
    out
}

fn in_segments(segments: &[Segment], out: &mut Vec<Pattern>) {
    for s in segments {
        match s {
            Segment::Descendant(inner) => in_segments(std::slice::from_ref(inner), out),
            Segment::Selector(s) => in_selector(s, out),
            Segment::Selectors(list) => list.iter().for_each(|s| in_selector(s, out)),
        }
    }
}

fn in_selector(selector: &Selector, out: &mut Vec<Pattern>) {
    if let Selector::Filter(f) = selector {
        in_filter(f, out);
    }
}

fn in_filter(filter: &Filter, out: &mut Vec<Pattern>) {
    match filter {
        Filter::Or(list) | Filter::And(list) => list.iter().for_each(|f| in_filter(f, out)),
        Filter::Atom(FilterAtom::Filter { expr, .. }) => in_filter(expr, out),
        Filter::Atom(FilterAtom::Test { expr, .. }) => in_test(expr, out),
        Filter::Atom(FilterAtom::Comparison(c)) => {
            let (l, r) = c.vals();
            for side in [l, r] {
                if let Comparable::Function(f) = side {
                    in_function(f, out);
                }
            }
        }
    }
}

fn in_test(test: &Test, out: &mut Vec<Pattern>) {
    match test {
        Test::RelQuery(segments) => in_segments(segments, out),
        Test::AbsQuery(query) => in_segments(&query.segments, out),
        Test::Function(f) => in_function(f, out),
    }
}

fn in_function(function: &TestFunction, out: &mut Vec<Pattern>) {
    let args: Vec<&FnArg> = match function {
        TestFunction::Length(a) => vec![a],
        TestFunction::Value(a) | TestFunction::Count(a) => vec![a],
        TestFunction::Custom(_, list) => list.iter().collect(),
        TestFunction::Search(a, b) | TestFunction::Match(a, b) => {
            if let FnArg::Literal(Literal::String(text)) = b {
                let search = matches!(function, TestFunction::Search(..));
                if !out.iter().any(|p| p.text == *text && p.search == search) {
                    out.push(Pattern::new(text, search));
                }
            }
            vec![a, b]
        }
    };
    for arg in args {
        match arg {
            FnArg::Literal(_) => {}
            FnArg::Test(t) => in_test(t, out),
            FnArg::Filter(f) => in_filter(f, out),
        }
    }
}

/// Evaluates a function for the filter's `@`.
pub fn function<'q, 't, N: Tree<'t>>(
    cx: &Cx<'q, N>,
    function: &'q TestFunction,
    item: Ptr<N>,
) -> Operand<'q, N> {
    match function {
        TestFunction::Length(a) => length(arg(cx, a, item)),
        TestFunction::Count(a) => match arg(cx, a, item) {
            Operand::One(_) | Operand::Value(_) => count(1),
            Operand::Many(list) => count(list.len()),
            Operand::Nothing => Operand::Nothing,
        },
        TestFunction::Value(a) => match arg(cx, a, item) {
            Operand::Many(list) if list.len() == 1 => Operand::One(list[0]),
            Operand::Many(_) => Operand::Nothing,
            other => other,
        },
        TestFunction::Match(a, b) => matching(cx, &arg(cx, a, item), &arg(cx, b, item), false),
        TestFunction::Search(a, b) => matching(cx, &arg(cx, a, item), &arg(cx, b, item), true),
        TestFunction::Custom(name, args) => custom(cx, name, args, item),
    }
}

fn arg<'q, 't, N: Tree<'t>>(cx: &Cx<'q, N>, arg: &'q FnArg, item: Ptr<N>) -> Operand<'q, N> {
    match arg {
        FnArg::Literal(l) => Operand::Value(View::literal(l)),
        FnArg::Test(t) => test(cx, t, item),
        FnArg::Filter(f) => Operand::Value(View::Bool(logical(cx, f, item))),
    }
}

fn count<'q, 't, N: Tree<'t>>(n: usize) -> Operand<'q, N> {
    Operand::Value(View::Int(n as i64))
}

/// length(): characters of a string, elements of an array, members of an object; for a node list,
/// the number of nodes.
fn length<'q, 't, N: Tree<'t>>(of: Operand<'q, N>) -> Operand<'q, N> {
    let Some(view) = of.view() else {
        return match of {
            Operand::Many(list) => count(list.len()),
            _ => Operand::Nothing,
        };
    };
    if let Some(s) = view.as_str() {
        count(s.chars().count())
    } else {
        match view.ptr() {
            Some(p) if p.is_array() || p.node.shape() == Shape::Object => count(p.len()),
            _ => Operand::Nothing,
        }
    }
}

/// match() (whole string) and search() (a substring); false unless both are strings and the
/// pattern is valid.
fn matching<'q, 't, N: Tree<'t>>(
    cx: &Cx<'q, N>,
    text: &Operand<'q, N>,
    pattern: &Operand<'q, N>,
    search: bool,
) -> Operand<'q, N> {
    let strings = (
        text.view().and_then(View::as_str),
        pattern.view().and_then(View::as_str),
    );
    let (Some(text), Some(pattern)) = strings else {
        return Operand::Value(View::Bool(false));
    };
    let hit = match cx
        .patterns
        .iter()
        .find(|p| p.text == pattern && p.search == search)
    {
        Some(p) => p.regex.as_ref().is_some_and(|re| re.is_match(text)),
        // A pattern taken from the document: compiled for this test, within a budget (the
        // payload is not trusted: the default limits allow ~10 MB per compiled pattern).
        None => RegexBuilder::new(&translate(pattern, search))
            .size_limit(DOC_PATTERN_LIMIT)
            .dfa_size_limit(DOC_PATTERN_LIMIT)
            .build()
            .is_ok_and(|re| re.is_match(text)),
    };
    Operand::Value(View::Bool(hit))
}

/// jsonpath-rust's extensions: in(x, list), nin(x, list), none_of/any_of/subset_of(list, list); null
/// when the arguments do not fit.
fn custom<'q, 't, N: Tree<'t>>(
    cx: &Cx<'q, N>,
    name: &str,
    args: &'q [FnArg],
    item: Ptr<N>,
) -> Operand<'q, N> {
    let got: Vec<Operand<'q, N>> = args.iter().map(|a| arg(cx, a, item)).collect();
    let mut views: Vec<View<'q, N>> = Vec::new();
    for op in &got {
        match op {
            Operand::Many(list) => views.extend(list.iter().copied().map(View::from)),
            other => views.extend(other.view()),
        }
    }
    let [x, list] = views[..] else {
        return Operand::Value(View::Null);
    };
    // Whether `v` is an element of `list` (an array).
    let within = |v: View<'q, N>| {
        list.elements()
            .is_some_and(|mut l| l.any(|d| View::Node(d).same(v)))
    };
    let verdict = match name {
        "in" | "nin" => list.elements().map(|_| within(x) == (name == "in")),
        _ => match (x.elements(), list.elements()) {
            (Some(mut xs), Some(_)) => match name {
                "none_of" => Some(xs.all(|d| !within(View::Node(d)))),
                "any_of" => Some(xs.any(|d| within(View::Node(d)))),
                "subset_of" => Some(xs.all(|d| within(View::Node(d)))),
                _ => None,
            },
            _ => None,
        },
    };
    Operand::Value(verdict.map_or(View::Null, View::Bool))
}
