//! The captured examples of the compatibility reference (§4.2, §4.3) and of mosquitto_sub 2.0.11 runs,
//! byte for byte. Only the clock is pinned: mosquitto reads it once per `%I`/`%U`/`%j`/`%J` and once
//! for all `@` codes, mqtk once per message, so captured lines that show several readings use one.

use bytes::Bytes;
use chrono::{FixedOffset, TimeZone};
use rumqttc::v5::mqttbytes::v5::PublishProperties;

use super::clock::Time;
use super::{Format, Skip, message_json};
use crate::conn::Qos;
use crate::conn::event::Message;
use crate::personality::Personality::{self, Mosquitto, Mqtk};

fn at(secs: i64, nanos: u32, offset_secs: i32) -> Time {
    FixedOffset::east_opt(offset_secs)
        .unwrap()
        .timestamp_opt(secs, nanos)
        .unwrap()
}

/// 2026-11-21T21:03:32.852402Z, the clock of the `%j` capture, in UTC.
fn utc_clock() -> Time {
    at(1_795_295_012, 852_402_000, 0)
}

fn msg(topic: &str, payload: &[u8], qos: i64, mid: u16) -> Message {
    Message {
        topic: Bytes::copy_from_slice(topic.as_bytes()),
        payload: Bytes::copy_from_slice(payload),
        qos: Qos::from_number(qos).unwrap(),
        retain: false,
        dup: false,
        mid,
        properties: None,
    }
}

/// The properties of the §4.2/§4.3 v5 capture, as mosquitto's broker delivered them.
fn captured_props() -> PublishProperties {
    PublishProperties {
        payload_format_indicator: Some(1),
        message_expiry_interval: Some(3600),
        topic_alias: None,
        response_topic: Some("resp/t".into()),
        correlation_data: Some(Bytes::from_static(b"corr123")),
        user_properties: vec![("k1".into(), "v1".into()), ("k2".into(), "v2".into())],
        subscription_identifiers: vec![42],
        content_type: Some("application/json".into()),
        order: Vec::new(),
    }
}

/// Renders and returns (stdout bytes, warnings).
fn render_with(
    format: &str,
    personality: Personality,
    msg: &Message,
    now: &Time,
    pretty: bool,
) -> (Vec<u8>, String) {
    let format = Format::parse(format.as_bytes(), personality).unwrap();
    let mut out = Vec::new();
    let mut warnings = String::new();
    format
        .render(&mut out, msg, now, pretty, &mut |w| warnings.push_str(&w))
        .unwrap();
    (out, warnings)
}

fn render(format: &str, personality: Personality, msg: &Message, now: &Time) -> Vec<u8> {
    render_with(format, personality, msg, now, false).0
}

#[track_caller]
fn same(got: &[u8], want: &[u8]) {
    assert!(
        got == want,
        "\n--- want\n{}\n--- got\n{}\n---",
        String::from_utf8_lossy(want).escape_debug(),
        String::from_utf8_lossy(got).escape_debug()
    );
}

#[test]
fn widths_and_flags() {
    let m = msg("w/topic", b"hello", 1, 1);
    let f = r"[%10t][%-10t][%.3t][%10.3t][%-10.3t][%8p][%-8p][%3p][%.2p][%08l][%-5l|][%5m][%05m][%q][%5q][%r][%10x][%-10x][%4x][%10X][%%][@@][\\][\t][\e][\0]";
    let want = b"[   w/topic][w/topic   ][w/t][       w/t][w/t       ][   hello][hello   ][hel][hello][00000005][5    |][    1][00001][1][1][0][68656c6c6f][68656c6c6f][68656c6c][68656C6C6F][%][@][\\][\t][\x1b][\0]";
    // mosquitto 2.1's hex widths (2.0 halved them: `[      6865]`), the same under both names.
    same(&render(f, Mosquitto, &m, &utc_clock()), want);
    same(&render(f, Mqtk, &m, &utc_clock()), want);
}

#[test]
fn payload_and_hex_widths() {
    // A width is also a maximum in bytes; hex pads to the width in characters (mosquitto 2.1).
    let m = msg("t", b"0123456789ABCDEF", 0, 0);
    let f = "[%10x][%20x][%40x][%5p][%20p][%.2x][%.4:X][%012.2-x]";
    let want: &[u8] = b"[30313233343536373839][30313233343536373839414243444546][        30313233343536373839414243444546][01234][    0123456789ABCDEF][30 31 32 33 34 35 36 37 38 39 41 42 43 44 45 46][3031:3233:3435:3637:3839:4142:4344:4546][30-31-32-33-34-35-36-37-38-39-41-42]";
    same(&render(f, Mosquitto, &m, &utc_clock()), want);
    same(&render(f, Mqtk, &m, &utc_clock()), want);
}

#[test]
fn flags_the_printer_reads_after_the_checker() {
    // Captured from mosquitto_sub 2.0.11 (v5 message with the captured properties, then a v3 one).
    let f = "[%-05p][%05p][%-5p][%.2t][%-.2t][%08.3t][%-08l][%08l][%-5A][%-05A][%05C][%-5C][%.3C][%5.1R][%-05E][%05E][%3D][%5P][%5q][%05r][%%][%5%][%.9p][%-010x][%010X][%-04x][%00x]";
    let mut m = msg("w/topic", b"hello", 1, 1);
    let mut props = captured_props();
    props.user_properties = vec![("k1".into(), "v1".into()), ("k1".into(), "v2".into())];
    m.properties = Some(Box::new(props));
    same(
        &render(f, Mosquitto, &m, &utc_clock()),
        b"[hello][hello][hello][w/][w/][     w/t][5       ][00000005][     ][00000][application/json][application/json][app][    r][3600 ][03600][corr123][k1:v1 k1:v2][1][0][%][%][hello][68656c6c6f][68656C6C6F][68656c6c    ][68656c6c6f]",
    );
    let m = msg("w/x", b"abcdefghij", 0, 0);
    same(
        &render(f, Mosquitto, &m, &utc_clock()),
        b"[abcde][abcde][abcde][w/][w/][     w/x][10      ][00000010][     ][00000][     ][     ][][][00000][00000][][][0][0][%][%][abcdefghij][6162636465666768696a          ][6162636465666768696A][61626364    ][6162636465666768696a]",
    );
}

#[test]
fn time_codes() {
    // TZ=Asia/Kolkata; 1795295018.090216179 is 2026-11-22T02:33:38.090216179+0530.
    let now = at(1_795_295_018, 90_216_179, 5 * 3600 + 1800);
    let mut m = msg("f/bb", b"AB", 2, 1);
    m.retain = true;
    let f = "%I|%U|@s.@N|@Y-@m-@dT@H:@M:@S@z|%j";
    let want = r#"2026-11-22T02:33:38+0530|1795295018.090216179|1795295018.090216179|2026-11-22T02:33:38+0530|{"tst":"2026-11-22T02:33:38.090216+0530","topic":"f/bb","qos":2,"retain":true,"payloadlen":2,"mid":1,"payload":"AB"}"#;
    same(&render(f, Mosquitto, &m, &now), want.as_bytes());
    same(&render(f, Mqtk, &m, &now), want.as_bytes());
    same(
        &render("[%30I][%-26.10I]", Mosquitto, &m, &now),
        b"[      2026-11-22T02:33:38+0530][2026-11-22                ]",
    );
}

#[test]
fn strftime_codes_as_glibc_prints_them() {
    // Expected output from glibc's strftime in the C locale, TZ=Asia/Kolkata.
    let now = at(1_795_295_018, 90_216_179, 5 * 3600 + 1800);
    let m = msg("t", b"", 0, 0);
    let f = "@a|@A|@b|@B|@c|@C|@d|@D|@e|@F|@g|@G|@h|@H|@I|@j|@k|@l|@m|@M|@n|@p|@P|@r|@R|@s|@S|@t|@T|@u|@U|@V|@w|@W|@x|@X|@y|@Y|@z|@%|@N|@@";
    let want = "Sun|Sunday|Nov|November|Sun Nov 22 02:33:38 2026|20|22|11/22/26|22|2026-11-22|26|2026|Nov|02|02|326| 2| 2|11|33|\n|AM|am|02:33:38 AM|02:33|1795295018|38|\t|02:33:38|7|47|47|0|46|11/22/26|02:33:38|26|2026|+0530|%|090216179|@";
    same(&render(f, Mosquitto, &m, &now), want.as_bytes());
    // Unknown conversions, flags and widths with nothing after them: glibc copies them.
    same(
        &render("@Q|@E|@-|@1|@5|@9|@\u{e9}", Mosquitto, &m, &now),
        "%Q|%E|%-|%1|   %5|       %9|%\u{e9}".as_bytes(),
    );
}

#[test]
fn time_and_topic_hex() {
    let now = at(1_795_294_998 + 20, 0, 0);
    let mut retained = msg("f/a", b"hello", 2, 1);
    retained.retain = true;
    same(
        &render("%I %t %x", Mosquitto, &retained, &now),
        b"2026-11-21T21:03:38+0000 f/a 68656c6c6f",
    );
    same(
        &render("%I %t %x", Mosquitto, &msg("f/bb", b"AB", 0, 0), &now),
        b"2026-11-21T21:03:38+0000 f/bb 4142",
    );
}

#[test]
fn v5_properties() {
    let f = "A=[%A] C=[%C] D=[%D] E=[%E] F=[%F] P=[%P] R=[%R] S=[%S] 5E=[%5E] 05S=[%05S] 10C=[%10C] -10R=[%-10R]";
    let mut m = msg("v/5", b"x", 1, 1);
    m.properties = Some(Box::new(captured_props()));
    same(
        &render(f, Mosquitto, &m, &utc_clock()),
        b"A=[] C=[application/json] D=[corr123] E=[3600] F=[1] P=[k1:v1 k2:v2] R=[resp/t] S=[42] 5E=[ 3600] 05S=[00042] 10C=[application/json] -10R=[resp/t    ]",
    );
    let bare = msg("v/5", b"x", 0, 0);
    same(
        &render(&format!("{f} 3A=[%3A]"), Mosquitto, &bare, &utc_clock()),
        b"A=[] C=[] D=[] E=[] F=[] P=[] R=[] S=[] 5E=[     ] 05S=[00000] 10C=[          ] -10R=[] 3A=[   ]",
    );
    // An expiry above i32::MAX goes through a C int in mosquitto; mqtk prints it as it is.
    m.properties = Some(Box::new(PublishProperties {
        message_expiry_interval: Some(u32::MAX),
        ..Default::default()
    }));
    same(&render("%E", Mosquitto, &m, &utc_clock()), b"-1");
    same(&render("%E", Mqtk, &m, &utc_clock()), b"4294967295");
}

fn json_messages() -> [Message; 3] {
    [
        msg("j/json", br#"{"temp":27.5,"h":[1,2]}"#, 0, 0),
        msg("j/text", b"hello \"w\" \\ tab\tend", 1, 1),
        msg("j/empty", b"", 0, 0),
    ]
}

#[test]
fn json_escaped() {
    let want = [
        r#"{"tst":"2026-11-21T21:03:32.852402+0000","topic":"j/json","qos":0,"retain":false,"payloadlen":23,"payload":"{\"temp\":27.5,\"h\":[1,2]}"}"#,
        r#"{"tst":"2026-11-21T21:03:32.852402+0000","topic":"j/text","qos":1,"retain":false,"payloadlen":19,"mid":1,"payload":"hello \"w\" \\ tab\tend"}"#,
        r#"{"tst":"2026-11-21T21:03:32.852402+0000","topic":"j/empty","qos":0,"retain":false,"payloadlen":0,"payload":null}"#,
    ];
    for (m, want) in json_messages().iter().zip(want) {
        same(&render("%j", Mosquitto, m, &utc_clock()), want.as_bytes());
        same(&render("%j", Mqtk, m, &utc_clock()), want.as_bytes());
    }
}

#[test]
fn json_embedded_and_invalid() {
    let [json, text, empty] = json_messages();
    let (out, warnings) = render_with("%J", Mosquitto, &json, &utc_clock(), false);
    same(
        &out,
        br#"{"tst":"2026-11-21T21:03:32.852402+0000","topic":"j/json","qos":0,"retain":false,"payloadlen":23,"payload":{"temp":27.5,"h":[1,2]}}"#,
    );
    assert_eq!(warnings, "");
    // Not JSON: an error on stderr and nothing from %J; the rest of the format is still printed.
    let (out, warnings) = render_with("[%J]", Mosquitto, &text, &utc_clock(), false);
    same(&out, b"[]");
    assert_eq!(
        warnings,
        "Error: Message payload is not valid JSON on topic j/text.\n"
    );
    same(
        &render("%J", Mosquitto, &empty, &utc_clock()),
        br#"{"tst":"2026-11-21T21:03:32.852402+0000","topic":"j/empty","qos":0,"retain":false,"payloadlen":0,"payload":null}"#,
    );
}

#[test]
fn json_pretty_with_properties() {
    let mut m = msg("p/x", br#"{"a":1}"#, 1, 1);
    m.properties = Some(Box::new(captured_props()));
    let now = at(1_795_295_027, 281_231_000, 0);
    let want = "{\n\t\"tst\":\t\"2026-11-21T21:03:47.281231+0000\",\n\t\"topic\":\t\"p/x\",\n\t\"qos\":\t1,\n\t\"retain\":\tfalse,\n\t\"payloadlen\":\t7,\n\t\"mid\":\t1,\n\t\"properties\":\t{\n\t\t\"subscription-identifier\":\t42,\n\t\t\"content-type\":\t\"application/json\",\n\t\t\"user-properties\":\t[{\n\t\t\t\t\"k1\":\t\"v1\"\n\t\t\t}, {\n\t\t\t\t\"k2\":\t\"v2\"\n\t\t\t}],\n\t\t\"response-topic\":\t\"resp/t\",\n\t\t\"correlation-data\":\t\"corr123\",\n\t\t\"payload-format-indicator\":\t1,\n\t\t\"message-expiry-interval\":\t3600\n\t},\n\t\"payload\":\t{\n\t\t\"a\":\t1\n\t}\n}";
    same(
        &render_with("%J", Mosquitto, &m, &now, true).0,
        want.as_bytes(),
    );
}

#[test]
fn json_pretty_text_and_nesting() {
    let now = at(1_795_295_013, 670_236_000, 0);
    let want = "{\n\t\"tst\":\t\"2026-11-21T21:03:33.670236+0000\",\n\t\"topic\":\t\"j/text\",\n\t\"qos\":\t1,\n\t\"retain\":\tfalse,\n\t\"payloadlen\":\t19,\n\t\"mid\":\t1,\n\t\"payload\":\t\"hello \\\"w\\\" \\\\ tab\\tend\"\n}";
    same(
        &render_with("%j", Mosquitto, &json_messages()[1], &now, true).0,
        want.as_bytes(),
    );

    // Captured: arrays indent their members one level deeper, duplicate user-property keys stay.
    let mut m = msg("p/x", br#"[{"a":[1,{"b":{}}],"c":[]},{}, "x\u0001"]"#, 1, 1);
    m.properties = Some(Box::new(PublishProperties {
        user_properties: vec![
            ("name".into(), "v4".into()),
            ("name".into(), "v3".into()),
            ("other".into(), "o".into()),
        ],
        subscription_identifiers: vec![42],
        correlation_data: Some(Bytes::from_static(b"ab")),
        ..Default::default()
    }));
    let now = at(1_795_298_802, 124_714_000, 0);
    let want = "{\n\t\"tst\":\t\"2026-11-21T22:06:42.124714+0000\",\n\t\"topic\":\t\"p/x\",\n\t\"qos\":\t1,\n\t\"retain\":\tfalse,\n\t\"payloadlen\":\t41,\n\t\"mid\":\t1,\n\t\"properties\":\t{\n\t\t\"subscription-identifier\":\t42,\n\t\t\"user-properties\":\t[{\n\t\t\t\t\"name\":\t\"v4\"\n\t\t\t}, {\n\t\t\t\t\"name\":\t\"v3\"\n\t\t\t}, {\n\t\t\t\t\"other\":\t\"o\"\n\t\t\t}],\n\t\t\"correlation-data\":\t\"ab\"\n\t},\n\t\"payload\":\t[{\n\t\t\t\"a\":\t[1, {\n\t\t\t\t\t\"b\":\t{\n\t\t\t\t\t}\n\t\t\t\t}],\n\t\t\t\"c\":\t[]\n\t\t}, {\n\t\t}, \"x\\u0001\"]\n}";
    same(
        &render_with("%J", Mosquitto, &m, &now, true).0,
        want.as_bytes(),
    );
}

#[test]
fn json_normalisation() {
    let payload = br#"{"a": 1.0, "b": 1e+03, "c": 0.10, "d": 12345678901234567890, "e": "\u00e9\n", "f": true, "g": null}"#;
    assert_eq!(payload.len(), 99);
    let head = |topic: &str, len: usize| {
        format!(
            r#"{{"tst":"2026-11-21T21:03:32.852402+0000","topic":"{topic}","qos":0,"retain":false,"payloadlen":{len},"payload":"#
        )
    };
    let cases: [(&str, &[u8], &str); 5] = [
        (
            "n/1",
            payload,
            "{\"a\":1,\"b\":1000,\"c\":0.1,\"d\":1.2345678901234567e+19,\"e\":\"\u{e9}\\n\",\"f\":true,\"g\":null}}",
        ),
        ("n/2", b"[1,2,3]", "[1,2,3]}"),
        ("n/3", b"42", "42}"),
        ("n/4", br#""str""#, r#""str"}"#),
        ("n/6", br#" {"a":1} "#, r#"{"a":1}}"#),
    ];
    for (topic, payload, tail) in cases {
        let want = head(topic, payload.len()) + tail;
        same(
            &render("%J", Mosquitto, &msg(topic, payload, 0, 0), &utc_clock()),
            want.as_bytes(),
        );
    }
    let (out, warnings) = render_with(
        "%J",
        Mosquitto,
        &msg("n/5", br#"{"a":1} trailing"#, 0, 0),
        &utc_clock(),
        false,
    );
    same(&out, b"");
    assert_eq!(
        warnings,
        "Error: Message payload is not valid JSON on topic n/5.\n"
    );
}

#[test]
fn binary_payloads() {
    let m = msg("b/1", b"a\0b\x01c\xff\xc3\xa9\x7f", 0, 0);
    let mut want = br#"{"tst":"2026-11-21T21:03:32.852402+0000","topic":"b/1","qos":0,"retain":false,"payloadlen":9,"payload":"a"}|"#.to_vec();
    want.extend_from_slice(b"a\0b\x01c\xff\xc3\xa9\x7f|6100620163ffc3a97f|9");
    same(&render("%j|%p|%x|%l", Mosquitto, &m, &utc_clock()), &want);

    let m = msg("b/2", b"b\x01c\xff\xc3\xa9\x7f/\x08\x0c\x0d", 0, 0);
    let mut out = Vec::new();
    message_json(&mut out, &m, &utc_clock(), true, false).unwrap();
    assert!(
        out.ends_with(b"\"payload\":\"b\\u0001c\xff\xc3\xa9\x7f/\\b\\f\\r\"}"),
        "{}",
        String::from_utf8_lossy(&out)
    );
    // A NUL makes the payload invalid for %J, as cJSON reads a C string.
    assert!(
        message_json(
            &mut Vec::new(),
            &msg("b/3", b"1\0", 0, 0),
            &utc_clock(),
            false,
            false
        )
        .is_err()
    );
}

#[test]
fn parse_errors() {
    let cases = [
        ("%", "Error: Incomplete format specifier.\n"),
        ("abc%-", "Error: Incomplete format specifier.\n"),
        ("%05", "Error: Incomplete format specifier.\n"),
        ("%5.", "Error: Incomplete format specifier.\n"),
        ("%.5", "Error: Incomplete format specifier.\n"),
        ("%Z", "Error: Invalid format specifier 'Z'.\n"),
        // '-' here is a hex separator (mosquitto 2.1), so the 5 is the conversion.
        ("%0-5p", "Error: Invalid format specifier '5'.\n"),
        // Under the mosquitto names '{' is a hex separator (mosquitto 2.1), so '$' is the conversion.
        ("%{$.a}", "Error: Invalid format specifier '$'.\n"),
        ("x@", "Error: Incomplete format specifier.\n"),
        ("\\", "Error: Incomplete escape specifier.\n"),
        ("\\q", "Error: Invalid escape specifier 'q'.\n"),
    ];
    for (text, message) in cases {
        let failure = Format::parse(text.as_bytes(), Mosquitto).unwrap_err();
        assert_eq!(
            (failure.text.as_str(), failure.usage, failure.status),
            (message, true, 1),
            "{text}"
        );
    }
    for ok in ["%-05p", "%-0.3t", "@q@@\\0", "%%%.t", "plain"] {
        assert!(Format::parse(ok.as_bytes(), Mosquitto).is_ok(), "{ok}");
    }
}

#[test]
fn json_path_fields() {
    let m = msg("s/1", br#"{"a":1,"l":[1,2],"s":"x y","o":{"k":"}"}}"#, 0, 0);
    same(
        &render(
            "%{$.a}|%{$.l[*]}|%{$.s}|%{$.o}|%5{$.a}|%-4.1{$.s}|%{$.o['k']}",
            Mqtk,
            &m,
            &utc_clock(),
        ),
        br#"1|1,2|x y|{"k":"}"}|    1|x   |}"#,
    );

    let format = Format::parse(b"[%t %{$.a}]", Mqtk).unwrap();
    let mut out = b"kept".to_vec();
    let skip = |payload: &[u8], out: &mut Vec<u8>| {
        format.render(
            out,
            &msg("s/2", payload, 0, 0),
            &utc_clock(),
            false,
            &mut |_| {},
        )
    };
    assert_eq!(
        skip(b"not json", &mut out),
        Err(Skip("payload is not JSON".into()))
    );
    assert_eq!(
        skip(br#"{"b":1}"#, &mut out),
        Err(Skip("$.a selects nothing".into()))
    );
    assert_eq!(out, b"kept");

    let err = |text: &str| Format::parse(text.as_bytes(), Mqtk).unwrap_err().text;
    assert_eq!(
        err("ab%{$.a"),
        "Error: Incomplete format specifier '%{' at character 3: no closing '}'.\n"
    );
    assert!(
        err("x%{$.a b}").starts_with(
            "Error: Invalid format specifier at character 2: invalid JSONPath '$.a b'"
        )
    );
    assert!(err("%{}").starts_with("Error: Invalid format specifier at character 1: "));
}

#[test]
fn widths_wrap_like_a_c_int_under_the_mosquitto_names() {
    // Outputs of mosquitto_sub 2.1 for the payload "hello" (its width accumulates in an int).
    let m = msg("a", b"hello", 0, 0);
    for (f, want) in [
        ("%4294967301p|", &b"hello|"[..]),
        ("%-4294967301p|", b"hello|"),
        ("%4294967297p", b"h"),
        ("%3000000000p", b"hello"),
        ("%04294967301l|", b"00005|"),
        ("%.4294967298t|", b"a|"),
        ("%-05l|", b"5    |"),
        ("%05l|", b"00005|"),
    ] {
        same(&render(f, Mosquitto, &m, &utc_clock()), want);
    }
    // The issue's example: 1,661,992,959 wide (checked by length, not rendered here).
    let f = Format::parse(b"%99999999999999999999p", Mosquitto).unwrap();
    assert!(format!("{f:?}").contains("width: 1661992959"), "{f:?}");
}

#[test]
fn widths_past_an_int_are_refused_under_mqtk() {
    for f in ["%99999999999999999999p", "%.2147483648t", "%2147483648l"] {
        let e = Format::parse(f.as_bytes(), Mqtk).unwrap_err();
        assert_eq!(
            e.text,
            "Error: Invalid format specifier at character 1: a width or precision above 2147483647 bytes.\n",
            "{f}"
        );
    }
    assert!(Format::parse(b"%2147483647p", Mqtk).is_ok());
}

#[test]
fn negative_ints_pad_zeros_after_the_sign() {
    let mut m = msg("a", b"x", 0, 0);
    m.properties = Some(Box::new(PublishProperties {
        message_expiry_interval: Some(u32::MAX),
        ..captured_props()
    }));
    // mosquitto prints the expiry through an int: -1, zero-padded after the sign.
    same(&render("%05E|", Mosquitto, &m, &utc_clock()), b"-0001|");
}
