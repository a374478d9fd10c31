//! The Sparkplug B view against the document built from the same payload: the same tree, node by
//! node, and the same JSON text (`format::decoded_tests`: the same JSONPath results), for random
//! plain payloads (every data type, aliases named by a BIRTH, text that needs escapes, NaN and the
//! infinities).

use bytes::Bytes;
use proptest::prelude::*;
use prost::Message as _;

use super::sparkplug_schema::{Metric, MetricValue, Payload};
use super::{Choice, Format};
use super::{Data, Decoded, Decoder, Input};
use crate::doc::{Doc, Shape, Tree, write_tree};

/// Two trees are the same: shape, members (keys and order), elements, and lookups of every key and
/// index, present or not.
pub fn same_tree<'a, 'b>(a: impl Tree<'a>, b: impl Tree<'b>) -> Result<(), String> {
    if a.shape() != b.shape() {
        return Err(format!("{:?} != {:?}", a.shape(), b.shape()));
    }
    if a.len() != b.len() {
        return Err(format!("len {} != {}", a.len(), b.len()));
    }
    let (ka, kb): (Vec<&str>, Vec<&str>) = (
        a.members().map(|(k, _)| k).collect(),
        b.members().map(|(k, _)| k).collect(),
    );
    if ka != kb {
        return Err(format!("members {ka:?} != {kb:?}"));
    }
    for ((key, x), (_, y)) in a.members().zip(b.members()) {
        same_tree(x, y).map_err(|e| format!(".{key}: {e}"))?;
        let looked = (a.member(key), b.member(key));
        let (Some(x), Some(y)) = looked else {
            return Err(format!("member({key}) missing"));
        };
        same_tree(x, y)?;
    }
    if a.member("absent").is_some() || b.member("absent").is_some() {
        return Err("an absent member found".into());
    }
    if a.elements().count() != b.elements().count() {
        return Err("element counts differ".into());
    }
    for (i, (x, y)) in a.elements().zip(b.elements()).enumerate() {
        same_tree(x, y).map_err(|e| format!("[{i}]: {e}"))?;
        match (a.element(i), b.element(i)) {
            (Some(x), Some(y)) => same_tree(x, y)?,
            _ => return Err(format!("element({i}) missing")),
        }
    }
    if a.element(a.len()).is_some() && a.shape() == Shape::Array {
        return Err("an element past the end".into());
    }
    Ok(())
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("temp".to_string()),
        Just(String::new()),
        Just("a\"b\\c\nd\u{1}".to_string()),
        Just("名前/温度".to_string()),
        "[ -~]{0,40}",
    ]
}

/// Timestamps that often repeat (a payload's metrics usually carry its own).
fn stamp() -> impl Strategy<Value = u64> {
    prop_oneof![Just(1_765_065_600_000u64), Just(7), any::<u64>()]
}

fn value() -> impl Strategy<Value = MetricValue> {
    prop_oneof![
        any::<u32>().prop_map(MetricValue::Int),
        any::<u64>().prop_map(MetricValue::Long),
        any::<f32>().prop_map(MetricValue::Float),
        any::<f64>().prop_map(MetricValue::Double),
        any::<bool>().prop_map(MetricValue::Boolean),
        text().prop_map(MetricValue::String),
    ]
}

prop_compose! {
    fn metric()(
        name in proptest::option::of(text()),
        alias in proptest::option::of(0u64..6),
        timestamp in proptest::option::of(stamp()),
        datatype in proptest::option::of(0u32..40),
        flags in any::<[Option<bool>; 3]>(),
        value in proptest::option::of(value()),
    ) -> Metric {
        Metric {
            name: name.map(Bytes::from),
            alias,
            timestamp,
            datatype,
            is_historical: flags[0],
            is_transient: flags[1],
            is_null: flags[2],
            value,
            ..Default::default()
        }
    }
}

prop_compose! {
    fn payload()(
        timestamp in proptest::option::of(stamp()),
        seq in proptest::option::of(0u64..300),
        uuid in proptest::option::of(text()),
        metrics in proptest::collection::vec(metric(), 0..6),
    ) -> Payload {
        Payload { timestamp, seq, uuid, metrics, ..Default::default() }
    }
}

/// Decodes a plain payload on `topic`: its view (and the decoded value, which holds it).
pub fn viewed<'d>(
    decoder: &'d mut Decoder,
    topic: &str,
    payload: &'d Bytes,
) -> Result<Decoded<'d>, TestCaseError> {
    let input = Input {
        topic,
        content_type: None,
        payload,
    };
    let decoded = decoder.decode(&input, &mut |_| {}).unwrap().unwrap();
    match decoded.value {
        Data::Sparkplug(_) => Ok(decoded),
        Data::Doc(_) => Err(TestCaseError::fail("a plain payload was not viewed")),
    }
}

/// Decodes `payload` on `topic` and checks its view against its document.
fn check(decoder: &mut Decoder, topic: &str, payload: &[u8]) -> Result<(), TestCaseError> {
    let bytes = Bytes::copy_from_slice(payload);
    let decoded = viewed(decoder, topic, &bytes)?;
    let Data::Sparkplug(view) = &decoded.value else {
        unreachable!("viewed gives views")
    };
    let doc: Doc = view.to_doc();
    same_tree(view.root(), &doc).map_err(TestCaseError::fail)?;
    for pretty in [false, true] {
        let (mut a, mut b, mut c) = (Vec::new(), Vec::new(), Vec::new());
        write_tree(view.root(), &mut a, pretty);
        doc.write_json(&mut b, pretty);
        decoded.value.write_json(&mut c, pretty);
        prop_assert_eq!(String::from_utf8_lossy(&a), String::from_utf8_lossy(&b));
        prop_assert_eq!(String::from_utf8_lossy(&c), String::from_utf8_lossy(&b));
    }
    Ok(())
}

/// A BIRTH (which names the aliases) and a DATA message that may use them, encoded, and whether
/// they are on a device's topics.
pub fn birth_then_data() -> impl Strategy<Value = (Vec<u8>, Vec<u8>, bool)> {
    let encoded = |p: Payload| p.encode_to_vec();
    (
        payload().prop_map(encoded),
        payload().prop_map(encoded),
        any::<bool>(),
    )
}

/// The BIRTH and DATA topics of `birth_then_data`'s pair, and a topic that is not Sparkplug B.
pub fn topics(device: bool) -> [&'static str; 3] {
    if device {
        [
            "spBv1.0/g/DBIRTH/e/d",
            "spBv1.0/g/DDATA/e/d",
            "not/sparkplug",
        ]
    } else {
        ["spBv1.0/g/NBIRTH/e", "spBv1.0/g/NDATA/e", "not/sparkplug"]
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn sparkplug_view_is_its_document((birth, data, device) in birth_then_data()) {
        let mut d = Decoder::new(Choice::Fixed(Format::Sparkplug), None);
        for (topic, payload) in topics(device).into_iter().zip([&birth, &data, &data]) {
            check(&mut d, topic, payload)?;
        }
    }
}

/// Payloads with parts the view does not show are built into a document, as before, and show
/// those parts.
#[test]
fn sparkplug_view_only_for_plain_payloads() {
    let mut d = Decoder::new(Choice::Fixed(Format::Sparkplug), None);
    let metric = |m: Metric| Payload {
        metrics: vec![Metric {
            name: Some(Bytes::from_static(b"m")),
            ..m
        }],
        ..Default::default()
    };
    let value = |v: MetricValue| {
        metric(Metric {
            value: Some(v),
            ..Default::default()
        })
    };
    let cases = [
        (Payload::default(), None),
        (value(MetricValue::Double(1.5)), None),
        (
            Payload {
                body: Some(Bytes::from_static(b"x")),
                ..Default::default()
            },
            Some("/body"),
        ),
        (
            value(MetricValue::Bytes(vec![1, 2])),
            Some("/metrics/0/value"),
        ),
        (
            value(MetricValue::DataSet(Box::default())),
            Some("/metrics/0/value/rows"),
        ),
        (
            value(MetricValue::Template(Box::default())),
            Some("/metrics/0/value/metrics"),
        ),
        (
            metric(Metric {
                metadata: Some(Box::default()),
                ..Default::default()
            }),
            Some("/metrics/0/metaData"),
        ),
        (
            metric(Metric {
                properties: Some(Box::default()),
                ..Default::default()
            }),
            Some("/metrics/0/properties"),
        ),
    ];
    for (payload, shown) in cases {
        let bytes = Bytes::from(payload.encode_to_vec());
        let input = Input {
            topic: "spBv1.0/g/NDATA/e",
            content_type: None,
            payload: &bytes,
        };
        let decoded = d.decode(&input, &mut |_| {}).unwrap().unwrap();
        let viewed = matches!(decoded.value, Data::Sparkplug(_));
        assert_eq!(viewed, shown.is_none(), "{shown:?}");
        if let Some(pointer) = shown {
            let value = decoded.value.to_value();
            assert!(value.pointer(pointer).is_some(), "{pointer} in {value}");
        }
    }
}

/// A BIRTH's metrics that carry only an alias named later in the same BIRTH get that name,
/// whether the BIRTH is built into a document (it has properties) or seen through its view (the
/// view reads the table back after the BIRTH installed it, and `At::birth` installs exactly the
/// BIRTH's own pairs); so do the DATA messages after it.
#[test]
fn sparkplug_birth_aliases_in_both_paths() {
    let named = |name: &'static [u8], alias| Metric {
        name: Some(Bytes::from_static(name)),
        alias: Some(alias),
        ..Default::default()
    };
    let only_alias = Metric {
        alias: Some(2),
        ..Default::default()
    };
    for built in [false, true] {
        let mut d = Decoder::new(Choice::Fixed(Format::Sparkplug), None);
        let mut first = named(b"old", 1);
        if built {
            first.properties = Some(Box::default());
        }
        let birth = Payload {
            metrics: vec![first, only_alias.clone(), named(b"two", 2)],
            ..Default::default()
        };
        let data = Payload {
            metrics: vec![only_alias.clone()],
            ..Default::default()
        };
        for (topic, payload, viewed) in [
            ("spBv1.0/g/DBIRTH/e/d", birth, !built),
            ("spBv1.0/g/DDATA/e/d", data, true),
        ] {
            let bytes = Bytes::from(payload.encode_to_vec());
            let input = Input {
                topic,
                content_type: None,
                payload: &bytes,
            };
            let decoded = d.decode(&input, &mut |_| {}).unwrap().unwrap();
            assert_eq!(matches!(decoded.value, Data::Sparkplug(_)), viewed);
            let value = decoded.value.to_value();
            let names: Vec<&str> = value["metrics"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|m| m["alias"] == 2)
                .map(|m| m["name"].as_str().unwrap_or("(none)"))
                .collect();
            assert!(
                names.iter().all(|n| *n == "two"),
                "{topic} {names:?} ({built})"
            );
        }
    }
}
