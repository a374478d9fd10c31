//! Random documents and random JSONPaths for the differential tests: a grammar that reaches every
//! construct jsonpath-rust parses (segments, selectors, filters, functions), over small documents
//! with repeated values so that comparisons and descendants find something.

use proptest::prelude::*;
use serde_json::Value;

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("a"),
        Just("b"),
        Just("name"),
        Just("value"),
        Just(""),
        Just("x y"),
        Just("é")
    ]
    .prop_map(str::to_string)
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-3i64..4).prop_map(Value::from),
        prop_oneof![
            Just(1.0),
            Just(2.5),
            Just(-0.0),
            Just(0.1),
            Just(1e300),
            Just(3.0000000000000004)
        ]
        .prop_map(Value::from),
        prop_oneof![
            Just(u64::MAX),
            Just(9_007_199_254_740_993u64),
            Just(9_007_199_254_740_992u64)
        ]
        .prop_map(Value::from),
        Just(Value::from(i64::MIN)),
        prop_oneof![
            Just("a"),
            Just("b"),
            Just("ab"),
            Just("temp"),
            Just(""),
            Just("é"),
            Just("a\nb"),
            Just("a\rb"),
            Just("1"),
            Just("A")
        ]
        .prop_map(Value::from),
    ]
}

/// Small documents, deep enough for descendants and nested filters, with repeated values so that
/// equality has something to find.
pub fn document() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(4, 40, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..5)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

fn int() -> impl Strategy<Value = String> {
    (-4i64..5).prop_map(|i| i.to_string())
}

/// The keys that can be written as `.name`.
fn shorthand() -> BoxedStrategy<String> {
    prop_oneof![Just("a"), Just("b"), Just("name"), Just("value"), Just("é")]
        .prop_map(str::to_string)
        .boxed()
}

/// A member name: shorthand, or quoted (with an escape now and then).
fn name_text() -> BoxedStrategy<String> {
    prop_oneof![
        shorthand(),
        key().prop_map(|k| format!("'{k}'")),
        Just("\"a\"".to_string()),
        Just("'\\u0061'".to_string()),
    ]
    .boxed()
}

fn slice() -> impl Strategy<Value = String> {
    (
        prop::option::of(int()),
        prop::option::of(int()),
        prop::option::of(prop::option::of(int())),
    )
        .prop_map(|(a, b, c)| {
            let mut s = format!("{}:{}", a.unwrap_or_default(), b.unwrap_or_default());
            if let Some(step) = c {
                s.push(':');
                s.push_str(&step.unwrap_or_default());
            }
            s
        })
}

fn selector(depth: u32) -> BoxedStrategy<String> {
    let simple = prop_oneof![
        name_text().prop_map(|n| if n.starts_with(['\'', '"']) {
            n
        } else {
            format!("'{n}'")
        }),
        Just("*".to_string()),
        int(),
        slice(),
    ];
    if depth == 0 {
        return simple.boxed();
    }
    prop_oneof![3 => simple, 2 => filter(depth - 1).prop_map(|f| format!("?{f}"))].boxed()
}

fn segment(depth: u32) -> BoxedStrategy<String> {
    let shorthand = prop_oneof![shorthand(), Just("*".to_string()),];
    let bracket =
        prop::collection::vec(selector(depth), 1..3).prop_map(|s| format!("[{}]", s.join(",")));
    prop_oneof![
        shorthand.clone().prop_map(|s| format!(".{s}")),
        bracket.clone(),
        shorthand.prop_map(|s| format!("..{s}")),
        bracket.prop_map(|b| format!("..{b}")),
    ]
    .boxed()
}

fn query(head: &'static str, depth: u32, max: usize) -> BoxedStrategy<String> {
    prop::collection::vec(segment(depth), 0..=max)
        .prop_map(move |segs| format!("{head}{}", segs.concat()))
        .boxed()
}

fn singular(head: &'static str) -> BoxedStrategy<String> {
    let step = prop_oneof![
        name_text().prop_map(|n| if n.starts_with(['\'', '"']) {
            format!("[{n}]")
        } else {
            format!(".{n}")
        }),
        int().prop_map(|i| format!("[{i}]")),
    ];
    prop::collection::vec(step, 0..3)
        .prop_map(move |s| format!("{head}{}", s.concat()))
        .boxed()
}

pub fn literal() -> BoxedStrategy<String> {
    prop_oneof![
        int(),
        prop_oneof![
            Just("1.0"),
            Just("2.5"),
            Just("-0.0"),
            Just("1e300"),
            Just("0.1"),
            Just("1e999")
        ]
        .prop_map(str::to_string),
        prop_oneof![Just("9007199254740991"), Just("-9007199254740991")].prop_map(str::to_string),
        prop_oneof![
            Just("'a'"),
            Just("\"b\""),
            Just("'temp'"),
            Just("''"),
            Just("'é'"),
            Just("'a\\nb'")
        ]
        .prop_map(str::to_string),
        prop_oneof![Just("true"), Just("false"), Just("null")].prop_map(str::to_string),
    ]
    .boxed()
}

fn any_query(depth: u32) -> BoxedStrategy<String> {
    prop_oneof![query("@", depth, 2), query("$", depth, 2)].boxed()
}

/// A value for a comparison: literal, singular query, or length/count/value.
fn comparable(depth: u32) -> BoxedStrategy<String> {
    prop_oneof![
        3 => literal(),
        3 => prop_oneof![singular("@"), singular("$")],
        1 => prop_oneof![any_query(depth), literal()].prop_map(|q| format!("length({q})")),
        1 => any_query(depth).prop_map(|q| format!("count({q})")),
        1 => any_query(depth).prop_map(|q| format!("value({q})")),
    ]
    .boxed()
}

fn pattern() -> BoxedStrategy<String> {
    prop_oneof![
        3 => prop_oneof![
            Just("'a.*'"), Just("'t.m.'"), Just("'[ab]'"), Just("'a|b'"), Just("'('"),
            Just("'é'"), Just("'a.b'"), Just("'[.]'"), Just("'\\\\d'")
        ]
        .prop_map(str::to_string),
        1 => prop_oneof![singular("@"), singular("$")],
    ]
    .boxed()
}

fn test_expr(depth: u32) -> BoxedStrategy<String> {
    let arg = prop_oneof![singular("@"), singular("$"), literal()];
    prop_oneof![
        3 => any_query(depth),
        1 => (prop_oneof![Just("match"), Just("search")], arg, pattern())
            .prop_map(|(f, a, p)| format!("{f}({a}, {p})")),
        1 => (
            prop_oneof![Just("in"), Just("nin"), Just("none_of"), Just("any_of"), Just("subset_of")],
            prop_oneof![singular("@"), literal()],
            any_query(depth),
        )
            .prop_map(|(f, a, b)| format!("{f}({a}, {b})")),
        1 => prop_oneof![Just("length"), Just("count"), Just("value")]
            .prop_flat_map(move |f| any_query(depth).prop_map(move |q| format!("{f}({q})"))),
    ]
    .boxed()
}

fn comparison_op() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("=="),
        Just("!="),
        Just("<"),
        Just("<="),
        Just(">"),
        Just(">=")
    ]
}

fn atom(depth: u32) -> BoxedStrategy<String> {
    let op = comparison_op();
    let leaf = prop_oneof![
        3 => (comparable(depth), op, comparable(depth)).prop_map(|(l, o, r)| format!("{l} {o} {r}")),
        2 => (any::<bool>(), test_expr(depth)).prop_map(|(not, t)| format!("{}{t}", if not { "!" } else { "" })),
    ];
    if depth == 0 {
        return leaf.boxed();
    }
    prop_oneof![
        4 => leaf,
        1 => (any::<bool>(), filter(depth - 1))
            .prop_map(|(not, f)| format!("{}({f})", if not { "!" } else { "" })),
    ]
    .boxed()
}

fn filter(depth: u32) -> BoxedStrategy<String> {
    prop::collection::vec(prop::collection::vec(atom(depth), 1..3), 1..3)
        .prop_map(|ors| {
            ors.iter()
                .map(|ands| ands.join(" && "))
                .collect::<Vec<_>>()
                .join(" || ")
        })
        .boxed()
}

/// One small test: most real filters are a comparison or a function on `@`.
fn simple_test() -> BoxedStrategy<String> {
    let op = comparison_op();
    prop_oneof![
        3 => (singular("@"), op, prop_oneof![2 => literal(), 1 => singular("@")])
            .prop_map(|(l, o, r)| format!("{l} {o} {r}")),
        1 => (prop_oneof![Just("match"), Just("search")], singular("@"), pattern())
            .prop_map(|(f, a, p)| format!("{f}({a}, {p})")),
        1 => (any::<bool>(), singular("@")).prop_map(|(not, q)| format!("{}{q}", if not { "!" } else { "" })),
    ]
    .boxed()
}

pub fn path() -> BoxedStrategy<String> {
    let small = prop::collection::vec(simple_test(), 1..3).prop_map(|t| t.join(" && "));
    prop_oneof![
        3 => prop::collection::vec(segment(2), 1..4).prop_map(|s| format!("${}", s.concat())),
        2 => filter(1).prop_map(|f| format!("$[?{f}]")),
        3 => (query("$", 0, 1), prop_oneof![Just("["), Just("..[")], small)
            .prop_map(|(q, open, t)| format!("{q}{open}?{t}]")),
    ]
    .boxed()
}

/// Values whose comparisons are the tricky ones: numbers of each kind and their arrays and objects.
pub fn operand_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        scalar(),
        prop_oneof![Just(1.0), Just(2.0), Just(0.0)].prop_map(Value::from),
        (0i64..3).prop_map(Value::from),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            prop::collection::vec((prop_oneof![Just("a"), Just("b")], inner), 0..3).prop_map(|m| {
                Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
            }),
        ]
    })
}
