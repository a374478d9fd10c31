//! The evaluator over `Doc` against jsonpath-rust on the equal `Value`: random documents and random
//! paths from a grammar that reaches every construct (segments, selectors, filters, functions), and
//! the JSONPath compliance test suite when it is at hand. Results must be the same bytes in the same
//! order, duplicates included; and the same over a second `Tree` (`generic`).

use proptest::prelude::*;
use serde_json::Value;

use super::grammar::{document, literal, operand_value, path};
use super::{Path, write_doc, write_value};
use crate::doc::Doc;

/// Selected values as `--json-path` prints them.
fn printed<T: ?Sized>(list: Vec<&T>, write: fn(&mut Vec<u8>, &T)) -> Vec<String> {
    list.into_iter()
        .map(|v| {
            let mut out = Vec::new();
            write(&mut out, v);
            String::from_utf8_lossy(&out).into_owned()
        })
        .collect()
}

/// What both evaluators give for `path` on `value`, printed; `Err` names the first difference.
pub fn compare(path: &Path, value: &Value) -> Result<(), String> {
    let doc = Doc::from_value(value.clone());
    let ours = printed(path.select_doc(&doc), write_doc);
    let theirs = printed(path.select(value), write_value);
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
    // The evaluator over another tree than `Doc` must agree too.
    super::generic::compare(path, value)
}

/// 2,000 cases per property in `cargo test` (seconds); more with
/// `MQTK_FUZZ_CASES=N cargo test --release --bin mqtk jsonpath::differential`.
fn config() -> ProptestConfig {
    let cases = std::env::var("MQTK_FUZZ_CASES").map_or(2000, |n| n.parse().unwrap_or(2000));
    ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::with_cases(cases)
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn doc_evaluator_agrees_with_jsonpath_rust(text in path(), docs in prop::collection::vec(document(), 4)) {
        // The grammar writes only paths jsonpath-rust accepts, so every case compares something.
        let path = match Path::parse(&text) {
            Ok(path) => path,
            Err(e) => return Err(TestCaseError::fail(e)),
        };
        for value in &docs {
            if let Err(why) = compare(&path, value) {
                prop_assert!(false, "{}", why);
            }
        }
    }
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
