use super::*;

#[test]
fn matches_tests_the_root_in_place() {
    let path = Path::parse("$[?@.temperature > 21]").unwrap();
    let mut d = doc();
    assert!(path.matches(&mut d));
    assert_eq!(d, doc(), "the document is given back whole");
    assert!(
        !Path::parse("$[?@.temperature > 22]")
            .unwrap()
            .matches(&mut d)
    );
    assert!(Path::parse("$.level.value").unwrap().matches(&mut d));
    assert!(!Path::parse("$.nope").unwrap().matches(&mut d));
}

fn doc() -> Value {
    serde_json::json!({"temperature": 21.5, "humidity": 40, "name": "ana", "level": {"value": 3}, "l": [1, 2]})
}

fn selected(path: &str) -> Vec<String> {
    let d = doc();
    let p = Path::parse(path).unwrap();
    p.select(&d)
        .into_iter()
        .map(|v| {
            let mut out = Vec::new();
            write_value(&mut out, v);
            String::from_utf8(out).unwrap()
        })
        .collect()
}

#[test]
fn selects_values() {
    assert_eq!(selected("$.temperature"), ["21.5"]);
    assert_eq!(selected("$.name"), ["ana"]);
    assert_eq!(selected("$.level.value"), ["3"]);
    assert_eq!(selected("$.level"), [r#"{"value":3}"#]);
    assert_eq!(selected("$.l[*]"), ["1", "2"]);
    assert!(selected("$.missing").is_empty());
}

#[test]
fn root_filter_tests_the_document() {
    assert_eq!(selected("$[?@.temperature > 20]").len(), 1);
    assert!(selected("$[?@.temperature > 30]").is_empty());
}

#[test]
fn rejects_what_rfc_9535_rejects() {
    for bad in ["$.a b", " $.a", "$.a ", "a.b", "$.", "$[", "$.a[?@.b ==]"] {
        assert!(Path::parse(bad).is_err(), "{bad} should be rejected");
    }
    let err = Path::parse("$.a b").unwrap_err();
    assert!(err.contains("at character 5"), "{err}");
    for good in ["$.a .b", "$[ 'a' ]", "$['a b']", "$[?@.x == 'p q']"] {
        assert!(Path::parse(good).is_ok(), "{good} should parse");
    }
}
