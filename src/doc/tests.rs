use proptest::prelude::*;
use serde_json::{Value, json};

use super::Doc;

/// JSON texts whose `Doc` must print, and convert, exactly as serde_json's `Value` does.
const TEXTS: &[&str] = &[
    r#"{"a":1,"b":[true,false,null],"c":{"d":"e"},"f":-2,"g":1.5,"h":1e300,"i":18446744073709551615}"#,
    r#"{"k":1,"x":2,"k":3}"#,
    r#"{"esc":"a\"b\\c\u00e9\n","":"empty key","\u0041":"escaped key"}"#,
    r#"[1,2.0,-0.0,3e-7,"s",[],{}]"#,
    r#""just a string""#,
    "123456789012345678901234567890",
    "null",
];

#[test]
fn prints_and_converts_as_serde_json_does() {
    for text in TEXTS {
        let value: Value = serde_json::from_str(text).unwrap();
        let doc = Doc::from_json(text.as_bytes()).unwrap();
        assert_eq!(
            serde_json::to_string(&doc).unwrap(),
            serde_json::to_string(&value).unwrap(),
            "{text}"
        );
        assert_eq!(
            serde_json::to_string_pretty(&doc).unwrap(),
            serde_json::to_string_pretty(&value).unwrap()
        );
        assert_eq!(doc.to_value(), value, "{text}");
        assert_same_text(&doc, &value);
        assert_eq!(Doc::from_value(value.clone()), doc, "{text}");
        assert_eq!(doc.clone().into_owned(), doc);
    }
}

#[test]
fn a_repeated_key_keeps_its_place_and_takes_the_last_value() {
    let doc = Doc::from_json(br#"{"k":1,"x":2,"k":3}"#).unwrap();
    assert_eq!(serde_json::to_string(&doc).unwrap(), r#"{"k":3,"x":2}"#);
    // Above the pairwise check's size too.
    let mut text = String::from("{");
    for i in 0..40 {
        text.push_str(&format!("\"k{i}\":{i},"));
    }
    text.push_str("\"k3\":\"last\"}");
    let doc = Doc::from_json(text.as_bytes()).unwrap();
    let value: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc.to_value(), value);
    assert_eq!(doc.get("k3"), Some(&Doc::str("last")));
    let Doc::Object(o) = &doc else { panic!() };
    assert_eq!(o.len(), 40);
}

#[test]
fn strings_without_escapes_are_borrowed() {
    let doc = Doc::from_json(br#"{"plain":"abc","esc":"a\nb"}"#).unwrap();
    assert!(matches!(
        doc.get("plain"),
        Some(Doc::String(std::borrow::Cow::Borrowed("abc")))
    ));
    assert!(matches!(
        doc.get("esc"),
        Some(Doc::String(std::borrow::Cow::Owned(_)))
    ));
}

#[test]
fn floats_json_cannot_hold_are_null() {
    assert_eq!(Doc::float(f64::NAN), Doc::Null);
    assert_eq!(Doc::float(f64::INFINITY), Doc::Null);
    assert_eq!(Doc::float(2.5).to_value(), json!(2.5));
}

#[test]
fn deep_or_bad_json_is_refused() {
    let deep = "[".repeat(200) + &"]".repeat(200);
    assert!(Doc::from_json(deep.as_bytes()).is_err());
    assert!(Doc::from_json(b"{\"a\":1} x").is_err());
    assert!(Doc::from_json(b"").is_err());
}

/// `write_json` writes what serde_json writes for the equal value, compact and pretty.
fn assert_same_text(doc: &Doc, value: &Value) {
    for pretty in [false, true] {
        let mut ours = Vec::new();
        doc.write_json(&mut ours, pretty);
        let theirs = if pretty {
            serde_json::to_vec_pretty(value).unwrap()
        } else {
            serde_json::to_vec(value).unwrap()
        };
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            String::from_utf8(theirs).unwrap()
        );
    }
}

/// Bytes around those a JSON string escapes, and multi-byte characters (whose bytes have the high
/// bit set, which the word-at-a-time check must not take for an escape).
const AWKWARD: &[char] = &[
    '"', '\\', '\0', '\u{8}', '\t', '\n', '\u{b}', '\u{c}', '\r', '\u{1f}', ' ', '!', '#', '[',
    ']', '\u{7f}', '\u{80}', 'é', '€', '😀',
];

/// A string of `len` characters, `c` at `at` (if `at < len`), letters elsewhere.
fn with_at(len: usize, at: usize, c: char) -> String {
    (0..len)
        .map(|i| {
            if i == at {
                c
            } else {
                char::from(b'a' + (i % 26) as u8)
            }
        })
        .collect()
}

#[test]
fn strings_of_every_short_length_print_as_serde_json_prints_them() {
    // Short strings are copied and checked as overlapping words: every length up to past the
    // longest short string, with each awkward character at every position (or none), as a
    // value, as a key, and between neighbours in an array.
    for len in 0..=40 {
        for at in 0..=len {
            for &c in AWKWARD {
                let s = with_at(len, at, c);
                let value = json!({ s.clone(): s.clone(), "k": [s.clone(), 1, s] });
                assert_same_text(&Doc::from_value(value.clone()), &value);
            }
        }
    }
}

#[test]
fn numbers_of_every_length_print_as_serde_json_prints_them() {
    let mut numbers = vec![
        json!(0),
        json!(-1),
        json!(u64::MAX),
        json!(i64::MIN),
        json!(i64::MAX),
    ];
    let mut power = 1u64;
    for _ in 0..19 {
        numbers.extend([json!(power - 1), json!(power), json!(power + 1)]);
        numbers.push(json!(-(power as i64)));
        power *= 10;
    }
    // Whole floats print as integers with `.0` below 2^53 and with an exponent from 1e16.
    let whole = 2f64.powi(53);
    for f in [
        -2.2250738585072014e-308,
        f64::MIN,
        f64::MAX,
        f64::MIN_POSITIVE,
        5e-324,
        -0.0,
        0.0,
        0.1,
        3.0,
        -7.0,
        1e15,
        1e16,
        -1e16,
        whole - 1.0,
        whole,
        whole + 2.0,
        -whole,
        9.2e18,
        -9.3e18,
    ] {
        numbers.push(json!(f));
        numbers.push(json!(f / 3.0));
    }
    for n in numbers {
        let value = json!({ "n": n.clone(), "a": [n.clone(), n] });
        assert_same_text(&Doc::from_value(value.clone()), &value);
    }
}

/// Any JSON value: every kind of number and text with any character, nested a few levels.
pub fn any_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<u64>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "(?s).{0,30}".prop_map(Value::String),
        proptest::collection::vec(0u8..0x80, 0..40)
            .prop_map(|b| Value::String(b.into_iter().map(char::from).collect())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec(("(?s).{0,6}", inner), 0..6)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn writes_what_serde_json_writes(value in any_value()) {
        let doc = Doc::from_value(value.clone());
        assert_same_text(&doc, &value);
        let text = serde_json::to_vec(&value).unwrap();
        // Read back as serde_json reads it (floats print shortest and may not read back exactly).
        let read = Doc::from_json(&text).unwrap();
        prop_assert_eq!(read.to_value(), serde_json::from_slice::<Value>(&text).unwrap());
    }
}

proptest! {
    #[test]
    fn whole_floats_print_as_serde_json_prints_them(i in any::<i64>(), shift in 0u32..64) {
        let x = (i >> shift) as f64;
        let value = json!([x, -x, x + 0.5]);
        assert_same_text(&Doc::from_value(value.clone()), &value);
    }
}

proptest! {
    #[test]
    fn strings_and_keys_print_as_serde_json_prints_them(
        members in proptest::collection::vec(
            ("(?s).{0,40}|[\\x00-\\x7f]{0,40}", "(?s).{0,40}|[\\x00-\\x7f]{0,40}"),
            0..8,
        )
    ) {
        let value = Value::Object(
            members.into_iter().map(|(k, v)| (k, Value::String(v))).collect(),
        );
        assert_same_text(&Doc::from_value(value.clone()), &value);
    }
}

proptest! {
    #[test]
    fn repeated_keys_read_as_serde_json_reads_them(
        keys in proptest::collection::vec("[ab]{0,2}|[a-z]{1,9}", 0..40)
    ) {
        let members: Vec<String> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| format!("{}:{i}", serde_json::to_string(k).unwrap()))
            .collect();
        let text = format!("{{{}}}", members.join(","));
        let doc = Doc::from_json(text.as_bytes()).unwrap();
        prop_assert_eq!(doc.to_value(), serde_json::from_str::<Value>(&text).unwrap());
    }
}
