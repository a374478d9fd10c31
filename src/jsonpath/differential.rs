//! The evaluator over `Doc` against jsonpath-rust on the equal `Value`: random documents and random
//! paths from a grammar that reaches every construct (segments, selectors, filters, functions), and
//! the JSONPath compliance test suite when it is at hand. Results must be the same bytes in the same
//! order, duplicates included.

use proptest::prelude::*;
use serde_json::Value;

use super::{Path, write_doc, write_value};
use crate::doc::Doc;

/// What both evaluators give for `path` on `value`, printed; `Err` names the first difference.
pub fn compare(path: &Path, value: &Value) -> Result<(), String> {
    let doc = Doc::from_value(value.clone());
    let print_doc = |list: Vec<&Doc>| -> Vec<String> {
        list.into_iter()
            .map(|d| {
                let mut out = Vec::new();
                write_doc(&mut out, d);
                String::from_utf8_lossy(&out).into_owned()
            })
            .collect()
    };
    let print_value = |list: Vec<&Value>| -> Vec<String> {
        list.into_iter()
            .map(|v| {
                let mut out = Vec::new();
                write_value(&mut out, v);
                String::from_utf8_lossy(&out).into_owned()
            })
            .collect()
    };
    let ours = print_doc(path.select_doc(&doc));
    let theirs = print_value(path.select(value));
    if ours != theirs {
        return Err(format!(
            "select {}\n  on  {value}\n  Doc:   {ours:?}\n  Value: {theirs:?}",
            path.as_str()
        ));
    }
    let mut copy = value.clone();
    let (ours, theirs) = (path.matches_doc(&doc), path.matches(&mut copy));
    if ours != theirs {
        return Err(format!(
            "matches {}\n  on  {value}\n  Doc: {ours}, Value: {theirs}",
            path.as_str()
        ));
    }
    Ok(())
}

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
fn document() -> impl Strategy<Value = Value> {
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

fn name_text() -> BoxedStrategy<String> {
    prop_oneof![
        key().prop_filter_map("shorthand", |k| {
            (k.chars().all(char::is_alphabetic) && !k.is_empty()).then_some(k)
        }),
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
    let shorthand = prop_oneof![
        name_text().prop_filter("shorthand", |n| !n.starts_with(['\'', '"'])),
        Just("*".to_string()),
    ];
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

fn literal() -> BoxedStrategy<String> {
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

fn atom(depth: u32) -> BoxedStrategy<String> {
    let op = prop_oneof![
        Just("=="),
        Just("!="),
        Just("<"),
        Just("<="),
        Just(">"),
        Just(">=")
    ];
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
    let op = prop_oneof![
        Just("=="),
        Just("!="),
        Just("<"),
        Just("<="),
        Just(">"),
        Just(">=")
    ];
    prop_oneof![
        3 => (singular("@"), op, prop_oneof![2 => literal(), 1 => singular("@")])
            .prop_map(|(l, o, r)| format!("{l} {o} {r}")),
        1 => (prop_oneof![Just("match"), Just("search")], singular("@"), pattern())
            .prop_map(|(f, a, p)| format!("{f}({a}, {p})")),
        1 => (any::<bool>(), singular("@")).prop_map(|(not, q)| format!("{}{q}", if not { "!" } else { "" })),
    ]
    .boxed()
}

fn path() -> BoxedStrategy<String> {
    let small = prop::collection::vec(simple_test(), 1..3).prop_map(|t| t.join(" && "));
    prop_oneof![
        3 => prop::collection::vec(segment(2), 1..4).prop_map(|s| format!("${}", s.concat())),
        2 => filter(1).prop_map(|f| format!("$[?{f}]")),
        3 => (query("$", 0, 1), prop_oneof![Just("["), Just("..[")], small)
            .prop_map(|(q, open, t)| format!("{q}{open}?{t}]")),
    ]
    .boxed()
}

fn config() -> ProptestConfig {
    let cases = std::env::var("MQTK_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2000);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn doc_evaluator_agrees_with_jsonpath_rust(text in path(), docs in prop::collection::vec(document(), 4)) {
        let path = Path::parse(&text);
        prop_assume!(path.is_ok());
        let path = path.unwrap();
        for value in &docs {
            if let Err(why) = compare(&path, value) {
                prop_assert!(false, "{}", why);
            }
        }
    }
}

/// Values whose comparisons are the tricky ones: numbers of each kind and their arrays and objects.
fn operand_value() -> impl Strategy<Value = Value> {
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

proptest! {
    #![proptest_config(config())]

    #[test]
    fn comparisons_agree(a in operand_value(), b in operand_value(), lit in literal()) {
        // `$[?…]` at the root tests the document itself: `@` is this object.
        let value = serde_json::json!({"a": a, "b": b});
        for op in ["==", "!=", "<", "<=", ">", ">="] {
            for text in [format!("$[?@.a {op} @.b]"), format!("$[?@.a {op} {lit}]"), format!("$[?{lit} {op} @.b]")] {
                let path = Path::parse(&text).unwrap();
                if let Err(why) = compare(&path, &value) {
                    prop_assert!(false, "{}", why);
                }
            }
        }
        for f in ["in", "nin", "none_of", "any_of", "subset_of"] {
            let path = Path::parse(&format!("$[?{f}(@.a, @.b)]")).unwrap();
            if let Err(why) = compare(&path, &value) {
                prop_assert!(false, "{}", why);
            }
        }
    }

    #[test]
    fn regular_expressions_agree(text in r"[ab.\r\n\\é]{0,4}", pattern in r"[ab.|()*\\\[\]^dnr\r\né]{0,6}") {
        let value = serde_json::json!({"s": text, "p": pattern});
        let literal = serde_json::to_string(&pattern).unwrap();
        for f in ["match", "search"] {
            for arg in [literal.as_str(), "@.p"] {
                let Ok(path) = Path::parse(&format!("$[?{f}(@.s, {arg})]")) else {
                    continue;
                };
                if let Err(why) = compare(&path, &value) {
                    prop_assert!(false, "{}", why);
                }
            }
        }
    }
}

/// The JSONPath compliance test suite (github.com/jsonpath-standard/jsonpath-compliance-test-suite,
/// `cts.json`), run differentially: `JSONPATH_CTS=/path/to/cts.json cargo test --bin mqtk -- --ignored compliance`.
#[test]
#[ignore = "needs the compliance suite's cts.json in JSONPATH_CTS"]
fn compliance_suite_agrees_with_jsonpath_rust() {
    let file = std::env::var("JSONPATH_CTS").expect("JSONPATH_CTS names cts.json");
    let suite: Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    let (mut run, mut failures) = (0, Vec::new());
    for case in suite["tests"].as_array().unwrap() {
        let (Some(selector), Some(document)) = (case["selector"].as_str(), case.get("document"))
        else {
            continue;
        };
        let Ok(path) = Path::parse(selector) else {
            continue;
        };
        run += 1;
        if let Err(why) = compare(&path, document) {
            failures.push(format!("{}: {why}", case["name"]));
        }
    }
    assert!(run > 400, "only {run} cases ran");
    assert!(
        failures.is_empty(),
        "{} of {run}:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!("{run} compliance cases agree");
}
