//! Round trips per format, Sparkplug B's alias and sequence memory, and hostile payloads: deep
//! nesting, lengths far beyond the data, 1 MB inputs. Each decode must fail or succeed without a
//! panic, and its peak heap use (counted by a test allocator, per thread) must stay within
//! `ALLOC_FACTOR` × the payload's size plus a fixed `ALLOC_SLACK`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::borrow::Cow;
use std::cell::Cell;

use bytes::Bytes;
use prost::Message as _;
use serde_json::{Value, json};

use super::sparkplug_schema::{Metric, MetricValue, Template};
use super::*;

/// Heap bytes per payload byte a decode may peak at. The worst case is an array of one-byte
/// integers: each becomes a 32-byte JSON value, next to the reader's own value in an array that
/// grows by doubling (measured: 104 bytes per payload byte for 1 MB of MessagePack or CBOR; a 1 MB
/// binary string 1.3, a 1 MB Sparkplug string metric 2).
const ALLOC_FACTOR: usize = 160;
/// Fixed overhead (error texts, small maps, the first buffers).
const ALLOC_SLACK: usize = 64 * 1024;

/// Counts the live heap bytes of the current thread and their peak.
struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn track(delta: isize) {
    let _ = LIVE.try_with(|live| {
        let now = live.get() + delta;
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            track(layout.size() as isize);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        track(-(layout.size() as isize));
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            track(new_size as isize - layout.size() as isize);
        }
        p
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// Decodes `payload` as `format`, returning whether it decoded and the peak heap use above the
/// start.
fn peak_of(format: Format, payload: &[u8]) -> (bool, usize) {
    let mut decoder = Decoder::new(Choice::Fixed(format), None);
    let payload = Bytes::copy_from_slice(payload);
    let input = Input {
        topic: "spBv1.0/g/DDATA/e/d",
        content_type: None,
        payload: &payload,
    };
    let start = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(start));
    let ok = decoder.decode(&input, &mut |_| {}).is_ok();
    let peak = PEAK.with(Cell::get) - start;
    (ok, peak.max(0) as usize)
}

#[track_caller]
fn bounded(label: &str, format: Format, payload: &[u8]) -> bool {
    let (ok, peak) = peak_of(format, payload);
    let limit = payload.len() * ALLOC_FACTOR + ALLOC_SLACK;
    assert!(
        peak <= limit,
        "{label}: peak {peak} bytes for a {}-byte payload (limit {limit})",
        payload.len()
    );
    ok
}

const MB: usize = 1 << 20;

#[test]
fn hostile_msgpack() {
    // Nesting far beyond the limit: an array of one array of one…
    assert!(!bounded("deep", Format::Msgpack, &vec![0x91; MB]));
    // 4-byte lengths with no data behind them: array, map, str, bin, ext.
    for head in [0xdd, 0xdf, 0xdb, 0xc6, 0xc9] {
        let payload = [head, 0xff, 0xff, 0xff, 0xff, 0x01];
        assert!(!bounded(
            &format!("length {head:#x}"),
            Format::Msgpack,
            &payload
        ));
    }
    // 1 MB of small integers in one array decodes, within the bound.
    let mut big = vec![0xdd];
    big.extend_from_slice(&((MB - 5) as u32).to_be_bytes());
    big.resize(MB, 0x01);
    assert!(bounded("1 MB array", Format::Msgpack, &big));
    // 1 MB of one binary string.
    let mut bin = vec![0xc6];
    bin.extend_from_slice(&((MB - 5) as u32).to_be_bytes());
    bin.resize(MB, 0xab);
    assert!(bounded("1 MB bin", Format::Msgpack, &bin));
}

#[test]
fn hostile_cbor() {
    assert!(!bounded("deep", Format::Cbor, &vec![0x81; MB]));
    assert!(!bounded("deep indefinite", Format::Cbor, &vec![0x9f; MB]));
    // 8-byte lengths: array, map, bytes, text.
    for head in [0x9b, 0xbb, 0x5b, 0x7b] {
        let mut payload = vec![head];
        payload.extend_from_slice(&u64::MAX.to_be_bytes());
        payload.push(0);
        assert!(!bounded(
            &format!("length {head:#x}"),
            Format::Cbor,
            &payload
        ));
    }
    let mut big = vec![0x9a];
    big.extend_from_slice(&((MB - 5) as u32).to_be_bytes());
    big.resize(MB, 0x01);
    assert!(bounded("1 MB array", Format::Cbor, &big));
}

#[test]
fn hostile_sparkplug() {
    // Templates nested 500 deep: beyond prost's recursion limit.
    let mut metric = Metric::default();
    for _ in 0..500 {
        let template = Template {
            metrics: vec![metric],
            ..Default::default()
        };
        metric = Metric {
            value: Some(MetricValue::Template(Box::new(template))),
            ..Default::default()
        };
    }
    let deep = super::sparkplug_schema::Payload {
        metrics: vec![metric],
        ..Default::default()
    }
    .encode_to_vec();
    assert!(!bounded("deep", Format::Sparkplug, &deep));
    // Field 2 (metrics) claiming 2^35 bytes.
    let huge = [0x12, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x08];
    assert!(!bounded("length", Format::Sparkplug, &huge));
    // 1 MB of one string metric, and 1 MB of nonsense.
    let doc = json!({"metrics": [{"name": "s", "value": "x".repeat(MB)}]});
    let big = encode(Format::Sparkplug, None, &doc).unwrap();
    assert!(bounded("1 MB string", Format::Sparkplug, &big));
    // Half a million empty metrics (2 bytes each on the wire, a 128-byte struct each decoded),
    // seen through the view, and built into a document (a body makes the payload not plain).
    let empty = [0x12, 0x00].repeat(MB / 2);
    assert!(bounded("empty metrics", Format::Sparkplug, &empty));
    let with_body = [&[0x2a, 0x01, 0x00][..], &empty].concat();
    assert!(bounded(
        "empty metrics, built",
        Format::Sparkplug,
        &with_body
    ));
    let noise: Vec<u8> = (0..MB).map(|i| (i * 7919 % 251) as u8).collect();
    bounded("noise", Format::Sparkplug, &noise);
    bounded("noise", Format::Msgpack, &noise);
    bounded("noise", Format::Cbor, &noise);
}

#[test]
fn formats_round_trip() {
    let doc = json!({"a": 1, "b": [-2, 3.5, "x", null, true], "c": {"d": u64::MAX}});
    for format in [Format::Msgpack, Format::Cbor, Format::Json] {
        let bytes = Bytes::from(encode(format, None, &doc).unwrap());
        let mut decoder = Decoder::new(Choice::Fixed(format), None);
        let input = Input {
            topic: "t",
            content_type: None,
            payload: &bytes,
        };
        let back = decoder.decode(&input, &mut |_| {}).unwrap().unwrap();
        assert_eq!(back.value.to_value(), doc, "{format:?}");
        assert_eq!(back.format, format);
    }
}

fn sparkplug(decoder: &mut Decoder, topic: &str, doc: Value, notes: &mut Vec<String>) -> Value {
    let bytes = Bytes::from(encode(Format::Sparkplug, None, &doc).unwrap());
    let input = Input {
        topic,
        content_type: None,
        payload: &bytes,
    };
    let decoded = decoder.decode(&input, &mut |n| notes.push(n)).unwrap();
    decoded.unwrap().value.to_value()
}

#[test]
fn sparkplug_types_aliases_and_seq() {
    let mut d = Decoder::new(Choice::Fixed(Format::Sparkplug), None);
    let mut notes = Vec::new();
    let birth = json!({"seq": 254, "metrics": [
        {"name": "i8", "alias": 1, "dataType": "Int8", "value": -5},
        {"name": "u16", "alias": 2, "dataType": "UInt16", "value": 65535},
        {"name": "i64", "alias": 3, "dataType": "Int64", "value": -9},
        {"name": "f", "alias": 4, "dataType": "Float", "value": 0.1},
        {"name": "arr", "alias": 5, "dataType": "Int16Array", "value": [-1, 2]},
        {"name": "strs", "alias": 6, "dataType": "StringArray", "value": ["a", "bc"]},
        {"name": "b", "alias": 7, "dataType": "Bytes", "value": "AAE="},
        {"name": "n", "alias": 8, "dataType": "String", "value": null},
        {"name": "i16", "alias": 9, "dataType": "Int16", "value": -300},
        {"name": "i32", "alias": 10, "dataType": "Int32", "value": -70000},
        {"name": "u8", "alias": 11, "dataType": "UInt8", "value": 255}
    ]});
    let got = sparkplug(&mut d, "spBv1.0/g/NBIRTH/e", birth, &mut notes);
    let values: Vec<&Value> = got["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["value"])
        .collect();
    assert_eq!(
        values,
        [
            &json!(-5),
            &json!(65535),
            &json!(-9),
            &json!(0.1),
            &json!([-1, 2]),
            &json!(["a", "bc"]),
            &json!("AAE="),
            &Value::Null,
            &json!(-300),
            &json!(-70000),
            &json!(255)
        ]
    );
    assert_eq!(got["metrics"][7]["isNull"], true);
    // seq wraps 254 → 255 → 0 without a note; aliases alone get their BIRTH names.
    let data =
        |seq: u64| json!({"seq": seq, "metrics": [{"alias": 3, "dataType": "Int64", "value": 1}]});
    let got = sparkplug(&mut d, "spBv1.0/g/NDATA/e", data(255), &mut notes);
    assert_eq!(got["metrics"][0]["name"], "i64");
    sparkplug(&mut d, "spBv1.0/g/NDATA/e", data(0), &mut notes);
    assert!(notes.is_empty(), "{notes:?}");
    // A device of the same node has its own table: alias 3 means nothing there yet.
    let got = sparkplug(&mut d, "spBv1.0/g/DDATA/e/dev", data(1), &mut notes);
    assert!(got["metrics"][0].get("name").is_none(), "{got}");
    sparkplug(&mut d, "spBv1.0/g/NDATA/e", data(9), &mut notes);
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].contains("expected 2, got 9"), "{notes:?}");
    // RFC 3339 for --json.
    let stamped = json!({"timestamp": 0, "metrics": [{"name": "t", "timestamp": 1000, "dataType": "DateTime", "value": 2000}]});
    let got = sparkplug(&mut d, "spBv1.0/g/NDATA/e", stamped, &mut notes);
    let shown = sparkplug_doc::with_rfc3339(got.clone());
    assert_eq!(shown["timestamp"], "1970-01-01T00:00:00.000Z");
    assert_eq!(shown["metrics"][0]["timestamp"], "1970-01-01T00:00:01.000Z");
    assert_eq!(shown["metrics"][0]["value"], "1970-01-01T00:00:02.000Z");
}

#[test]
fn content_types() {
    assert_eq!(
        Format::from_content_type("Application/MsgPack; charset=x"),
        Some(Format::Msgpack)
    );
    assert_eq!(Format::from_content_type("text/plain"), None);
    for f in [
        Format::Json,
        Format::Msgpack,
        Format::Cbor,
        Format::Protobuf,
        Format::Sparkplug,
    ] {
        assert_eq!(Format::from_content_type(f.content_type()), Some(f));
        assert_eq!(Format::from_name(f.name()), Some(f));
    }
}

#[test]
fn hostile_protobuf() {
    let dir = tempfile::tempdir().unwrap();
    let proto = dir.path().join("n.proto");
    let text = "syntax = \"proto3\";\npackage h;\nmessage N { N child = 1; bytes data = 2; repeated int32 list = 3; }\n";
    std::fs::write(&proto, text).unwrap();
    let schema = Schema::load(&proto, "h.N").unwrap();
    let decode = |label: &str, payload: &[u8]| {
        let mut decoder = Decoder::new(Choice::Fixed(Format::Protobuf), Some(schema.clone()));
        let payload = Bytes::copy_from_slice(payload);
        let input = Input {
            topic: "t",
            content_type: None,
            payload: &payload,
        };
        let start = LIVE.with(Cell::get);
        PEAK.with(|p| p.set(start));
        let ok = decoder.decode(&input, &mut |_| {}).is_ok();
        let peak = (PEAK.with(Cell::get) - start).max(0) as usize;
        let limit = payload.len() * ALLOC_FACTOR + ALLOC_SLACK;
        assert!(peak <= limit, "{label}: peak {peak} (limit {limit})");
        ok
    };
    // 2,000 nested children: field 1, length-delimited, each wrapping the next.
    let mut deep = Vec::new();
    for _ in 0..2000 {
        let mut outer = vec![0x0a];
        let mut len = deep.len();
        while len >= 0x80 {
            outer.push((len as u8) | 0x80);
            len >>= 7;
        }
        outer.push(len as u8);
        outer.extend_from_slice(&deep);
        deep = outer;
    }
    assert!(!decode("deep", &deep));
    // Field 2 (bytes) and field 3 (packed) claiming 2^35 bytes.
    assert!(!decode(
        "bytes length",
        &[0x12, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x00]
    ));
    assert!(!decode(
        "packed length",
        &[0x1a, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x00]
    ));
    // 1 MB of packed varints decodes, within the bound.
    let mut packed = vec![0x1a, 0x80, 0x80, 0x40];
    packed.resize(4 + (1 << 20), 0x01);
    assert!(decode("1 MB packed", &packed));
    let noise: Vec<u8> = (0..MB).map(|i| (i * 7919 % 251) as u8).collect();
    decode("noise", &noise);
}

/// Decodes one payload as `format` with a fresh decoder.
fn decoded(format: Format, payload: &[u8]) -> Result<Value, String> {
    let mut decoder = Decoder::new(Choice::Fixed(format), None);
    let payload = Bytes::copy_from_slice(payload);
    let input = Input {
        topic: "t",
        content_type: None,
        payload: &payload,
    };
    decoder
        .decode(&input, &mut |_| {})
        .map(|d| d.map(|d| d.value.to_value()).unwrap_or_default())
}

/// A payload is one whole value: MessagePack's never-used byte 0xc1 anywhere, bytes after the
/// value, and data that ends inside a value are errors that say which, for MessagePack and CBOR.
#[test]
fn one_whole_value() {
    let msgpack: [(&[u8], &str); 11] = [
        (b"\xc1", "0xc1"),
        (b"\x92\x01\xc1", "0xc1"),
        (b"\x81\xa1k\xc1", "0xc1"),
        (b"\x01\x02", "after the value"),
        (b"\x01\xc1", "after the value"),
        // After the value, the start of another that is cut short.
        (b"\x01\x92", "after the value"),
        (b"\x01\x81\xa1k", "after the value"),
        (b"\x01\xa3a", "after the value"),
        (b"\x92\x01", "ends inside"),
        (b"\xa3ab", "ends inside"),
        (b"", "empty"),
    ];
    let cbor: [(&[u8], &str); 4] = [
        (b"\x01\x02", "after the value"),
        (b"\x82\x01", "ends inside"),
        (b"\x1c", "malformed"),
        (b"", "ends inside"),
    ];
    for (format, cases) in [(Format::Msgpack, &msgpack[..]), (Format::Cbor, &cbor[..])] {
        for &(payload, why) in cases {
            match decoded(format, payload) {
                Ok(v) => panic!("{format:?} {payload:x?} decoded: {v}"),
                Err(err) => assert!(err.contains(why), "{format:?} {payload:x?}: {err}"),
            }
        }
    }
    // What the reserved byte is not confused with: nil, and 0xc1 inside a string.
    for (payload, json) in [(&b"\xc0"[..], "null"), (b"\xa1\xc1", "\"wQ==\"")] {
        assert_eq!(decoded(Format::Msgpack, payload).unwrap().to_string(), json);
    }
}

/// MessagePack's other types: binary and extension data as base64, non-text keys as their JSON
/// text, 32-bit floats widened.
#[test]
fn msgpack_types() {
    // A key that is not UTF-8 text: its base64, as JSON text (like a binary key).
    assert_eq!(
        decoded(Format::Msgpack, b"\x82\xa1\xc1\x01\xc4\x01\xc1\x02")
            .unwrap()
            .to_string(),
        r#"{"\"wQ==\"":2}"#
    );
    // {1: bin "ab", "e": ext 5 "xy", [true]: 0.5f32, "s": -3}
    let payload = b"\x84\x01\xc4\x02ab\xa1e\xd5\x05xy\x91\xc3\xca\x3f\x00\x00\x00\xa1s\xfd";
    assert_eq!(
        decoded(Format::Msgpack, payload).unwrap().to_string(),
        r#"{"1":"YWI=","e":{"ext_type":5,"data":"eHk="},"[true]":0.5,"s":-3}"#
    );
}

proptest::proptest! {
    /// Whatever rmp-serde writes for a JSON value reads back as that value.
    #[test]
    fn msgpack_reads_what_rmp_serde_writes(value in crate::doc::tests::any_value()) {
        let payload = rmp_serde::to_vec(&value).unwrap();
        proptest::prop_assert_eq!(decoded(Format::Msgpack, &payload).unwrap(), value);
    }
}

#[test]
fn msgpack_nesting_limit() {
    let nested = |levels: usize| {
        let mut payload = vec![0x91; levels];
        payload.push(0x01);
        decoded(Format::Msgpack, &payload)
    };
    assert!(nested(MAX_DEPTH).is_ok());
    let err = nested(MAX_DEPTH + 1).unwrap_err();
    assert!(err.contains("nested deeper than 100 levels"), "{err}");
}

/// Sparkplug Float values read as the shortest decimal of the f32, whole or not.
#[test]
fn sparkplug_floats_print_as_written() {
    let mut d = Decoder::new(Choice::Fixed(Format::Sparkplug), None);
    let written = [3.0, -0.0, 0.1, 16777216.0, 1.5e-7, 123456.7, -42.0];
    let metrics: Vec<Value> = written
        .iter()
        .map(|v| json!({"name": "f", "dataType": "Float", "value": v}))
        .collect();
    let got = sparkplug(
        &mut d,
        "spBv1.0/g/DDATA/e/d",
        json!({"metrics": metrics}),
        &mut Vec::new(),
    );
    let shown: Vec<String> = (0..written.len())
        .map(|i| got["metrics"][i]["value"].to_string())
        .collect();
    assert_eq!(
        shown,
        [
            "3.0",
            "-0.0",
            "0.1",
            "16777216.0",
            "1.5e-7",
            "123456.7",
            "-42.0"
        ]
    );
}

/// Decodes a Sparkplug payload built from prost messages on `topic`.
fn sparkplug_raw(
    decoder: &mut Decoder,
    topic: &str,
    payload: super::sparkplug_schema::Payload,
    notes: &mut Vec<String>,
) -> Result<Value, String> {
    let bytes = Bytes::from(payload.encode_to_vec());
    let input = Input {
        topic,
        content_type: None,
        payload: &bytes,
    };
    let decoded = decoder.decode(&input, &mut |n| notes.push(n))?;
    Ok(decoded.unwrap().value.to_value())
}

fn named(name: &[u8], alias: u64) -> Metric {
    Metric {
        name: Some(Bytes::copy_from_slice(name)),
        alias: Some(alias),
        ..Default::default()
    }
}

fn with_metrics(seq: u64, metrics: Vec<Metric>) -> super::sparkplug_schema::Payload {
    super::sparkplug_schema::Payload {
        seq: Some(seq),
        metrics,
        ..Default::default()
    }
}

/// Names are read as bytes (views of the payload) and checked where they are used: one that is
/// not UTF-8 fails the payload with prost's words and field path, and changes no alias table or
/// sequence count.
#[test]
fn sparkplug_names_that_are_not_text() {
    let mut d = Decoder::new(Choice::Fixed(Format::Sparkplug), None);
    let mut notes = Vec::new();
    let topic = "spBv1.0/g/NBIRTH/e";
    let birth = with_metrics(0, vec![named(b"x", 1)]);
    sparkplug_raw(&mut d, topic, birth, &mut notes).unwrap();
    let bad = with_metrics(7, vec![named(b"y", 1), named(b"a\xff", 2)]);
    let err = sparkplug_raw(&mut d, topic, bad, &mut notes).unwrap_err();
    assert_eq!(
        err,
        "payload is not Sparkplug B (failed to decode Protobuf message: Metric.name: \
         Payload.metrics: invalid string value: data is not UTF-8 encoded)"
    );
    let template = Template {
        metrics: vec![named(b"\xc3", 3)],
        ..Default::default()
    };
    let outer = Metric {
        value: Some(MetricValue::Template(Box::new(template))),
        ..named(b"t", 4)
    };
    let err = sparkplug_raw(&mut d, topic, with_metrics(8, vec![outer]), &mut notes);
    assert_eq!(
        err.unwrap_err(),
        "payload is not Sparkplug B (failed to decode Protobuf message: Metric.name: \
         Template.metrics: Metric.value: Payload.metrics: invalid string value: data is not \
         UTF-8 encoded)"
    );
    // The failed BIRTHs left the first one's table and seq: alias 1 is still "x", 1 follows 0.
    let data = with_metrics(
        1,
        vec![Metric {
            alias: Some(1),
            ..Default::default()
        }],
    );
    let got = sparkplug_raw(&mut d, "spBv1.0/g/NDATA/e", data, &mut notes).unwrap();
    assert_eq!(got["metrics"][0]["name"], "x");
    assert!(notes.is_empty(), "{notes:?}");
}

/// A BIRTH's metric that gives only an alias takes the name the same BIRTH gives it.
#[test]
fn sparkplug_birth_names_its_own_aliases() {
    let mut d = Decoder::new(Choice::Fixed(Format::Sparkplug), None);
    let mut notes = Vec::new();
    let nameless = Metric {
        alias: Some(5),
        ..Default::default()
    };
    let birth = with_metrics(0, vec![nameless, named(b"first", 5), named(b"last", 5)]);
    let got = sparkplug_raw(&mut d, "spBv1.0/g/DBIRTH/e/d", birth, &mut notes).unwrap();
    assert_eq!(got["metrics"][0]["name"], "last", "{got}");
    assert_eq!(got["metrics"][1]["name"], "first", "{got}");
}

/// Topics split as before the parse cache: the parts, and `None` for other topics.
#[test]
fn sparkplug_topic_parts() {
    let mut nodes = super::sparkplug_state::Nodes::default();
    let mut parts = |text: &str| {
        let at = nodes.at(text)?;
        let t = &at.topic;
        Some((
            t.group.to_string(),
            t.kind.to_string(),
            t.node.to_string(),
            t.device.map(str::to_string),
        ))
    };
    let own = |g: &str, k: &str, n: &str, d: Option<&str>| {
        Some((g.into(), k.into(), n.into(), d.map(Into::into)))
    };
    assert_eq!(parts("spBv1.0/g/NDATA/e"), own("g", "NDATA", "e", None));
    assert_eq!(
        parts("spBv1.0/gé/DDATA/ñ/dév"),
        own("gé", "DDATA", "ñ", Some("dév"))
    );
    assert_eq!(parts("spBv1.0//NDATA/"), own("", "NDATA", "", None));
    assert_eq!(parts("spBv1.0/g/NDATA/e"), own("g", "NDATA", "e", None));
    for other in [
        "spBv1.0/STATE/host",
        "spBv1.0/g/NDATA",
        "spBv1.0/g/DDATA/e/d/x",
        "spAv1.0/g/NDATA/e",
        "spBv1.0",
        "",
    ] {
        assert_eq!(parts(other), None, "{other}");
        assert_eq!(parts(other), None, "{other}, again");
    }
}

/// The last topic's parts and node are kept between messages; a message on another topic, even
/// one that differs in a single byte, sees its own node's or device's aliases and seq.
#[test]
fn sparkplug_cached_topics_keep_nodes_apart() {
    let mut d = Decoder::new(Choice::Fixed(Format::Sparkplug), None);
    let mut notes = Vec::new();
    let mut run = |topic: &str, seq: u64, metrics: Vec<Metric>| {
        sparkplug_raw(&mut d, topic, with_metrics(seq, metrics), &mut notes).unwrap()
    };
    let alias = |a: u64| Metric {
        alias: Some(a),
        ..Default::default()
    };
    run("spBv1.0/g/NBIRTH/e1", 0, vec![named(b"one", 1)]);
    run("spBv1.0/g/NBIRTH/e2", 10, vec![named(b"two", 1)]);
    let name = |got: Value| got["metrics"][0].get("name").cloned();
    for (seq, topic, expected) in [
        (1, "spBv1.0/g/NDATA/e1", Some(json!("one"))),
        (2, "spBv1.0/g/NDATA/e1", Some(json!("one"))),
        (11, "spBv1.0/g/NDATA/e2", Some(json!("two"))),
        (3, "spBv1.0/g/NDATA/e1", Some(json!("one"))),
        (4, "spBv1.0/g/DDATA/e1/d", None),
        (50, "spBv1.0/h/NDATA/e1", None),
        (5, "spBv1.0/g/NDATA/e1", Some(json!("one"))),
    ] {
        let got = run(topic, seq, vec![alias(1)]);
        assert_eq!(name(got), expected, "{topic} seq {seq}");
    }
    // A device's BIRTH on another topic is seen by the device's next DDATA.
    run("spBv1.0/g/DBIRTH/e1/d", 6, vec![named(b"dev", 1)]);
    let got = run("spBv1.0/g/DDATA/e1/d", 7, vec![alias(1)]);
    assert_eq!(name(got), Some(json!("dev")));
    // Each device has its own table; a BIRTH again (its topic cached) replaces the device's.
    run("spBv1.0/g/DBIRTH/e1/d2", 8, vec![named(b"dev2", 1)]);
    run("spBv1.0/g/DBIRTH/e1/d2", 9, vec![named(b"dev2 again", 1)]);
    for (seq, topic, expected) in [
        (10, "spBv1.0/g/DDATA/e1/d", "dev"),
        (11, "spBv1.0/g/DDATA/e1/d2", "dev2 again"),
        (12, "spBv1.0/g/DDATA/e1/d", "dev"),
    ] {
        let got = run(topic, seq, vec![alias(1)]);
        assert_eq!(name(got), Some(json!(expected)), "{topic}");
    }
    // Each node counts its own seq (a device's messages count for its node): no gap anywhere.
    assert!(notes.is_empty(), "{notes:?}");
}

/// MessagePack text of every short length, with a byte of each kind at each place, reads as text
/// exactly when it is UTF-8 (the ASCII fast path loads overlapping words; an edge it skips would
/// let invalid bytes through as text).
#[test]
fn msgpack_text_is_text_only_when_utf8() {
    for len in 0..40 {
        for at in 0..len.max(1) {
            for odd in [0x7fu8, 0x80, 0xc3, 0xff] {
                let mut text = vec![b'a'; len];
                if len > 0 {
                    text[at] = odd;
                }
                let mut payload = vec![0xd9, len as u8];
                payload.extend_from_slice(&text);
                let want = match std::str::from_utf8(&text) {
                    Ok(s) => Value::from(s),
                    Err(_) => Value::from(base64_text(&text)),
                };
                let got = decoded(Format::Msgpack, &payload).unwrap();
                assert_eq!(got, want, "{len} bytes, {odd:#x} at {at}");
            }
        }
    }
}

/// Map keys in every text form (fix, 8-, 16- and 32-bit lengths) read as their text; a key that is
/// not UTF-8 reads as the JSON text of its base64, and one cut short fails.
#[test]
fn msgpack_keys_in_every_form() {
    let key = |head: &[u8], text: &[u8]| {
        let mut payload = vec![0x81];
        payload.extend_from_slice(head);
        payload.extend_from_slice(text);
        payload.push(0x07);
        decoded(Format::Msgpack, &payload)
    };
    // The text forms of a key of `len` bytes.
    let forms = |len: usize| {
        let mut forms = vec![
            [&[0xda][..], &(len as u16).to_be_bytes()].concat(),
            [&[0xdb][..], &(len as u32).to_be_bytes()].concat(),
        ];
        if len < 256 {
            forms.push(vec![0xd9, len as u8]);
        }
        if len < 32 {
            forms.push(vec![0xa0 | len as u8]);
        }
        forms
    };
    for len in [0usize, 5, 30, 31, 32, 254, 255, 256, 300] {
        let text = "k".repeat(len);
        for head in forms(len) {
            assert_eq!(
                key(&head, text.as_bytes()).unwrap(),
                json!({ &text: 7 }),
                "{head:x?}"
            );
        }
        let mut odd = text.into_bytes();
        odd.push(0xff);
        let want = format!("\"{}\"", base64_text(&odd));
        for head in forms(odd.len()) {
            assert_eq!(key(&head, &odd).unwrap(), json!({ &want: 7 }), "{head:x?}");
        }
    }
    assert!(key(&[0xa5], b"abc").is_err(), "a key cut short");
}

/// Nothing of a decoded payload stays in the decoder once its document or view is gone: the
/// scratch payload's views of the message (and the data sets, templates and text read into it)
/// are dropped when the message is done, not at the next message.
#[test]
fn sparkplug_keeps_nothing_of_a_payload() {
    let mut d = Decoder::new(Choice::Fixed(Format::Sparkplug), None);
    let start = LIVE.with(Cell::get);
    let metric = |value| Metric {
        name: Some(Bytes::from_static(b"blob")),
        datatype: Some(17),
        value: Some(value),
        ..Default::default()
    };
    for is_view in [false, true] {
        let m = if is_view {
            metric(MetricValue::String("x".repeat(4 * MB)))
        } else {
            metric(MetricValue::Bytes(vec![7u8; 4 * MB]))
        };
        let payload = Bytes::from(with_metrics(0, vec![m]).encode_to_vec());
        {
            let input = Input {
                topic: "spBv1.0/g/DDATA/e/d",
                content_type: None,
                payload: &payload,
            };
            let decoded = d.decode(&input, &mut |_| {}).unwrap().unwrap();
            assert_eq!(matches!(decoded.value, Data::Sparkplug(_)), is_view);
            let doc = decoded.value.to_value();
            assert_eq!(doc["metrics"][0]["name"], json!("blob"));
        }
        drop(payload);
        let kept = LIVE.with(Cell::get) - start;
        assert!(
            kept < 64 * 1024,
            "{kept} bytes kept after the payload and its document were dropped (view: {is_view})"
        );
    }
}

/// A metric name is borrowed from the payload it lies in (no copy), and copied only from a buffer
/// that is not the payload.
#[test]
fn sparkplug_names_borrow_from_the_payload() {
    let payload = Bytes::from_static(b"..temp..");
    let inside = payload.slice(2..6);
    assert!(matches!(
        super::sparkplug_doc::text_in(&payload, &inside),
        Ok(Cow::Borrowed("temp"))
    ));
    let elsewhere = Bytes::copy_from_slice(b"temp");
    assert!(
        matches!(super::sparkplug_doc::text_in(&payload, &elsewhere), Ok(Cow::Owned(s)) if s == "temp")
    );
    let bad = Bytes::from_static(b"\xff");
    assert!(super::sparkplug_doc::text_in(&payload, &bad).is_err());
}

/// A seq beyond 255 (a faulty edge node) is a gap, counted modulo 256, and never overflows: the
/// message after one of u64::MAX expects 0.
#[test]
fn sparkplug_seq_out_of_range() {
    let mut d = Decoder::new(Choice::Fixed(Format::Sparkplug), None);
    let mut notes = Vec::new();
    let topic = "spBv1.0/g/NDATA/e";
    for seq in [5, u64::MAX, 0] {
        sparkplug_raw(&mut d, topic, with_metrics(seq, vec![]), &mut notes).unwrap();
    }
    assert_eq!(
        notes,
        [
            "sparkplug: seq gap on edge node 'g/e': expected 6, got 18446744073709551615 (249 lost or out of order)"
        ]
    );
}
