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

/// The document of the table below.
const TABLE_DOC: &str = r#"{
  "a": [1, 2.0, "x", null, true, {"b": 1}, [1, 1.0]],
  "o": {"k": 1, "n": null, "s": "temp", "big": 18446744073709551615, "f": 1.0},
  "m": [{"name": "temp", "value": 21.5}, {"name": "hum", "value": 40}, {"name": "temp", "value": -1}, {"value": 3}],
  "e": [],
  "eo": {},
  "p": {"a": 1, "b": [2]},
  "q": {"b": [2], "a": 1},
  "r": [1.0]
}"#;

/// Paths where the meaning is easy to get wrong, with what jsonpath-rust selects from TABLE_DOC
/// (printed as `--json-path` prints). Each is checked on Doc and, differentially, on Value.
#[rustfmt::skip]
const TABLE: &[(&str, &[&str])] = &[
    // Indexes and slices, negative ones and negative steps.
    ("$.a[-1]", &["[1,1.0]"]),
    ("$.a[-7]", &["1"]),
    ("$.a[-8]", &[]),
    ("$.a[7]", &[]),
    ("$.a[::-1]", &["[1,1.0]", r#"{"b":1}"#, "true", "null", "x", "2.0", "1"]),
    ("$.a[5:1:-2]", &[r#"{"b":1}"#, "null"]),
    ("$.a[:-5:-1]", &["[1,1.0]", r#"{"b":1}"#, "true", "null"]),
    ("$.a[-2:]", &[r#"{"b":1}"#, "[1,1.0]"]),
    ("$.a[::0]", &[]),
    ("$.a[0:0]", &[]),
    ("$.e[*]", &[]),
    // Comparisons between types: numbers by value (1 == 1.0), strings by code point, else false.
    ("$.a[?@ == 1]", &["1"]),
    ("$.a[?@ == 2]", &["2.0"]),
    ("$.a[?@ == 1.0]", &["1"]),
    ("$.a[?@ < 'y']", &["x"]),
    ("$.a[?@ > null]", &[]),
    ("$.o[?@ >= null]", &["null"]),
    ("$.a[?@ <= 'x']", &["x"]),
    ("$.a[?@ == true]", &["true"]),
    ("$.a[?@ != 1]", &["2.0", "x", "null", "true", r#"{"b":1}"#, "[1,1.0]"]),
    ("$.a[?@ <= 1]", &["1"]),
    ("$.o[?@ == 1]", &["1", "1.0"]),
    ("$.o[?@ > 9007199254740991]", &["18446744073709551615"]),
    ("$.o.big", &["18446744073709551615"]),
    // Equality is within f64's epsilon, so a u64 above 2^53 equals the float it rounds to.
    ("$.o[?@ == 1.8446744073709552e19]", &["18446744073709551615"]),
    // Arrays and objects compare as serde_json's Values: member order does not count, 1 is not 1.0.
    ("$[?@.p == @.q]", &[TABLE_DOC]),
    ("$[?@.a[6] == @.r]", &[]),
    ("$[?@.a[6][1] == @.r[0]]", &[TABLE_DOC]),
    // null against missing: a missing member is no value, and two missing ones are equal.
    ("$.m[?@.name == null]", &[]),
    ("$.o[?@ == null]", &["null"]),
    ("$.m[?@.name]", &[r#"{"name":"temp","value":21.5}"#, r#"{"name":"hum","value":40}"#, r#"{"name":"temp","value":-1}"#]),
    ("$.m[?!@.name]", &[r#"{"value":3}"#]),
    ("$.m[?@.x == @.y]", &[r#"{"name":"temp","value":21.5}"#, r#"{"name":"hum","value":40}"#, r#"{"name":"temp","value":-1}"#, r#"{"value":3}"#]),
    // Nested filters; a filter right on @ tests @ itself, so @[?…] as a test never holds.
    ("$[?@.m[?@.value > 30]]", &[TABLE_DOC]),
    ("$.m[?@[?@ == 'temp']]", &[]),
    ("$.m[?!@[?@ == 'temp']]", &[r#"{"name":"temp","value":21.5}"#, r#"{"name":"hum","value":40}"#, r#"{"name":"temp","value":-1}"#, r#"{"value":3}"#]),
    ("$.m[?@.name == 'temp' && (@.value > 0 || !@.value)]", &[r#"{"name":"temp","value":21.5}"#]),
    // Descendants with a filter, and several selectors (each runs over all nodes in turn).
    ("$..[?@.name == 'temp']", &[r#"{"name":"temp","value":21.5}"#, r#"{"name":"temp","value":-1}"#]),
    ("$.m[*]['name','value']", &["temp", "hum", "temp", "21.5", "40", "-1", "3"]),
    ("$.p..*", &["1", "[2]", "2"]),
    ("$..b", &["1", "[2]", "[2]"]),
    // Functions.
    ("$.m[?length(@.name) == 4].value", &["21.5", "-1"]),
    ("$.m[?value(@.name) == 'hum'].value", &["40"]),
    ("$.m[?match(@.name, 't.*p')].value", &["21.5", "-1"]),
    ("$.m[?match(@.name, 'te')].value", &[]),
    ("$.m[?search(@.name, 'u')].value", &["40"]),
    ("$[?count(@.m[*]) == 4]", &[TABLE_DOC]),
    ("$[?count(@.e[*]) == 0]", &[]),
    ("$[?length(@.p.*) == 2]", &[TABLE_DOC]),
    ("$[?length(@.o) == 5]", &[TABLE_DOC]),
    ("$[?in(1, @.a)]", &[TABLE_DOC]),
    ("$[?in(2, @.a)]", &[]),
    // `$[?…]` at the root tests the document as the one element of a list, and `$` is that list;
    // what it selects is the document whole.
    ("$[?@.o.k == 1]", &[TABLE_DOC]),
    ("$[?$[0].o.k == 1]", &[TABLE_DOC]),
    ("$[?$.o.k == 1]", &[]),
    ("$[?length($) == 1]", &[TABLE_DOC]),
    ("$[?@.o.k == 1].o.k", &[TABLE_DOC]),
];

#[test]
fn table_of_tricky_paths() {
    let value: Value = serde_json::from_str(TABLE_DOC).unwrap();
    let doc = crate::doc::Doc::from_json(TABLE_DOC.as_bytes()).unwrap();
    let whole = serde_json::to_string(&value).unwrap();
    let mut wrong = Vec::new();
    for (text, want) in TABLE {
        let path = Path::parse(text).unwrap();
        let got: Vec<String> = path
            .select_doc(&doc)
            .into_iter()
            .map(|d| {
                let mut out = Vec::new();
                write_doc(&mut out, d);
                String::from_utf8(out).unwrap()
            })
            .collect();
        let want: Vec<String> = want
            .iter()
            .map(|w| {
                if *w == TABLE_DOC {
                    whole.clone()
                } else {
                    w.to_string()
                }
            })
            .collect();
        if got != want {
            wrong.push(format!("{text}: got {got:?}, want {want:?}"));
        }
        if let Err(why) = super::differential::compare(&path, &value) {
            wrong.push(why);
        }
        assert_eq!(path.matches_doc(&doc), !want.is_empty(), "{text}");
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

/// A pattern read from the payload compiles within a budget: one that needs more matches nothing
/// (with the regex crate's default limits this one compiles and matches).
#[test]
fn patterns_from_the_payload_are_bounded() {
    let path = Path::parse("$[?match(@.s, @.p)]").unwrap();
    let test = |pattern: &str, text: &str| {
        let json = serde_json::json!({"p": pattern, "s": text}).to_string();
        path.matches_doc(&crate::doc::Doc::from_json(json.as_bytes()).unwrap())
    };
    assert!(
        test("[a-z]{3}", "abc"),
        "a small pattern from the payload works"
    );
    assert!(test(r"\p{L}{30}", &"é".repeat(30)), "Unicode classes fit");
    assert!(test(r"\w{3,12}", "abc_def"));
    assert!(test(".{300}", &"x".repeat(300)));
    let long = "a".repeat(60_000);
    assert!(
        regex::Regex::new("^(?:[a-z]{60000})$")
            .unwrap()
            .is_match(&long)
    );
    assert!(!test("[a-z]{60000}", &long));
}
