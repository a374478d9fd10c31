//! JSONPath over a decoded Sparkplug B payload's view against the same paths over its document:
//! the same verdicts (`--where`) and the same selections (`--json-path`), for random plain payloads
//! after a BIRTH (`decode::view_tests` makes them).

use bytes::Bytes;
use proptest::prelude::*;

use crate::decode::view_tests::{birth_then_data, topics, viewed};
use crate::decode::{Choice, Data, Decoder, Format};
use crate::jsonpath::{self, Path};

/// Paths of every kind: filters on names and values, descendants, wildcards, slices, functions,
/// and comparisons of whole metrics (deep equality over the view).
const PATHS: &[&str] = &[
    r#"$.metrics[?@.name=="temp" && @.value > 0]"#,
    r#"$.metrics[?@.name=="temp"].value"#,
    "$.metrics[?@.value > 0]",
    "$.metrics[?@.value <= 0 || @.isNull]",
    "$..value",
    "$..*",
    "$.*",
    "$.metrics[*].name",
    "$.metrics[0]",
    "$.metrics[-1:]",
    "$.metrics[::2].alias",
    "$[?@.seq > 100]",
    "$[?@.uuid]",
    r#"$.metrics[?@.dataType=="Double" && @.value < 0]"#,
    "$.metrics[?length(@.name) > 3]",
    r#"$.metrics[?match(@.name, "m[0-9]")]"#,
    r#"$.metrics[?search(@.value, "a")]"#,
    "$.metrics[?count(@.*) > 5]",
    "$.metrics[?@ == $.metrics[0]]",
    "$[?@.metrics[0].value == @.metrics[1].value]",
    "$.metrics[?@.timestamp == $.timestamp]",
    "$.timestamp",
];

/// Decodes `payload` on `topic`; every path gives the same on its view and its document.
fn same_results(decoder: &mut Decoder, topic: &str, payload: &[u8]) -> Result<(), TestCaseError> {
    let bytes = Bytes::copy_from_slice(payload);
    let decoded = viewed(decoder, topic, &bytes)?;
    let Data::Sparkplug(view) = &decoded.value else {
        unreachable!("viewed gives views")
    };
    let doc = view.to_doc();
    for text in PATHS {
        let path = Path::parse(text).unwrap();
        let verdict = path.matches_tree(view.root());
        prop_assert_eq!(verdict, path.matches_doc(&doc), "{}", text);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for node in path.select_tree(view.root()) {
            jsonpath::write_tree_value(&mut a, node);
            a.push(b'\n');
        }
        for value in path.select_doc(&doc) {
            jsonpath::write_doc(&mut b, value);
            b.push(b'\n');
        }
        let (a, b) = (String::from_utf8_lossy(&a), String::from_utf8_lossy(&b));
        prop_assert_eq!(a, b, "{}", text);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn sparkplug_view_paths_are_its_documents((birth, data, device) in birth_then_data()) {
        let mut d = Decoder::new(Choice::Fixed(Format::Sparkplug), None);
        for (topic, payload) in topics(device).into_iter().zip([&birth, &data, &data]) {
            same_results(&mut d, topic, payload)?;
        }
    }
}
