//! The -F format language against mosquitto_sub: every `%` code, flags, widths and precisions, `@`
//! strftime codes, `\` escapes, %j/%J with and without --pretty, v5 properties, and parse errors.
//! All subscribers of a table run at once on one broker and see the same messages.

use std::time::{SystemTime, UNIX_EPOCH};

use super::{
    Case, assert_all_same, differential, differential_runs, normalise_clock, publish, retain,
};
use crate::broker::Broker;

/// A zone with a non-zero, non-hour offset, so offsets are really compared.
const TZ: &str = "Asia/Kolkata";

const BIG: &str = r"[%10t][%-10t][%.3t][%10.3t][%-10.3t][%8p][%-8p][%3p][%.2p][%08l][%-5l|][%5m][%05m][%q][%5q][%r][%10x][%-10x][%4x][%10X][%%][@@][\\][\t][\e][\0]";

/// The messages of the v3.1.1 table: (topic, payload, mosquitto_pub options). A retained message
/// is published first and arrives first. QoS 0 messages come first: a QoS 1 message is printed once
/// its PUBACK is written, so a QoS 0 message published right after it could overtake it.
const MESSAGES: &[(&str, &[u8], &[&str])] = &[
    ("f/json", br#"{"temp": 27.5, "h":[1,2], "e":"\u00e9\n", "b": 1e3, "c": 1.0, "d": 12345678901234567890, "t": true, "n": null}"#, &[]),
    ("f/bin", b"a\x00b\x01c\xff\xc3\xa9\x7f", &[]),
    ("f/esc", b"hello \"w\" \\ tab\tend", &[]),
    ("f/scalar", b"42", &[]),
    ("f/array", b"[1, 2,3]", &[]),
    ("f/string", b"\"str\"", &[]),
    ("f/trailing", br#"{"a":1} trailing"#, &[]),
    ("f/space", b" {\"a\":1} ", &[]),
    ("f/text", b"hello", &["-q", "1"]),
    ("f/empty", b"", &["-q", "1"]),
    ("f/ctl", b"b\x01c\xff\xc3\xa9\x7f/\x08\x0c\x0d", &["-q", "2"]),
    ("f/long", b"0123456789ABCDEF", &["-q", "1"]),
];

/// Formats compared byte for byte (after clock normalisation), each with extra options.
const FORMATS: &[(&str, &[&str])] = &[
    ("%t|%p|%l|%m|%q|%r|%%", &[]),
    (BIG, &[]),
    (
        "[%5p][%20p][%10x][%20x][%40x][%-40x][%040x][%-05p][%05p][%.0t|][%0l][%-0m][%3r][%.1q]",
        &[],
    ),
    ("%x|%X", &[]),
    (r"\a\v\r\n\t\e\0\\|@@|@%|text", &[]),
    ("%p", &["-N"]),
    ("%t %p", &["-v"]),
    ("%j", &[]),
    ("%J", &[]),
    ("%j", &["--pretty"]),
    ("%J", &["--pretty"]),
    ("<%j>|%J|%l", &[]),
    ("<%I>|<%U>|<@s.@N>|<@Y-@m-@dT@H:@M:@S@z>", &[]),
    ("<@Y-@m-@dT@H>|<%30I>|<%-30I>|<%.10I>|<%30.13I>|<%5U>", &[]),
    ("<@F @T @e @j @y @C @G @g @V @u @w @%>|@ |@a@A@b@B@p", &[]),
];

/// Every `-F` format of the table against mosquitto_sub, on the same messages.
#[test]
fn format_table_matches_mosquitto() {
    let broker = Broker::start();
    retain(&broker, "f/ret", b"kept");
    let count = (MESSAGES.len() + 1).to_string();
    let cases = FORMATS
        .iter()
        .map(|(format, extra)| {
            let mut args = vec!["-t", "f/#", "-q", "1", "-C", &count, "-F", format];
            args.extend_from_slice(extra);
            Case::new(&args).env("TZ", TZ)
        })
        .collect();
    let outcomes: Vec<_> = differential(&broker, cases, || {
        for (topic, payload, extra) in MESSAGES {
            publish(&broker, topic, payload, extra);
        }
    })
    .into_iter()
    .map(|o| o.normalise(normalise_clock))
    .collect();
    assert_all_same(&outcomes);

    // Spot checks, so that both programs printing the same wrong thing cannot pass.
    let line = |i: usize, topic: &str| {
        let out = outcomes[i].ours.stdout_str();
        let tag = format!("{topic}\"");
        let found = out
            .lines()
            .find(|l| l.contains(&tag) || l.contains(&format!("{topic}]")) || l.starts_with(topic));
        found
            .unwrap_or_else(|| panic!("no line for {topic} in format {i}:\n{out}"))
            .to_string()
    };
    assert_eq!(
        outcomes[0].ours.stdout_str().lines().next(),
        Some("f/ret|kept|4|1|1|1|%")
    );
    assert_eq!(
        line(1, "f/text"),
        "[    f/text][f/text    ][f/t][       f/t][f/t       ][   hello][hello   ][hel][hello][00000005][5    |][    2][00002][1][1][0][68656c6c6f][68656c6c6f][68656c6c][68656C6C6F][%][@][\\][\t][\x1b][\0]"
    );
    assert_eq!(
        line(7, "f/text"),
        r#"{"tst":"9999-99-99T99:99:99.999999+0530","topic":"f/text","qos":1,"retain":false,"payloadlen":5,"mid":2,"payload":"hello"}"#
    );
    assert!(line(7, "f/bin").ends_with(r#""payloadlen":9,"payload":"a"}"#));
    // %j escapes control characters and copies bytes >= 0x7f raw.
    let ctl: &[u8] = b"\"topic\":\"f/ctl\",\"qos\":1,\"retain\":false,\"payloadlen\":11,\"mid\":4,\"payload\":\"b\\u0001c\xff\xc3\xa9\x7f/\\b\\f\\r\"}";
    assert!(
        outcomes[7].ours.stdout.windows(ctl.len()).any(|w| w == ctl),
        "{}",
        super::escaped(&outcomes[7].ours.stdout)
    );
    assert!(line(8, "f/json").contains(r#""payload":{"temp":27.5,"h":[1,2],"e":"é\n","b":1000,"c":1,"d":1.2345678901234567e+19,"t":true,"n":null}"#));
    let not_json: String = ["ret", "bin", "esc", "trailing", "text", "ctl", "long"]
        .iter()
        .map(|t| format!("Error: Message payload is not valid JSON on topic f/{t}.\n"))
        .collect();
    assert_eq!(outcomes[8].ours.stderr_str(), not_json);
}

/// The clock in our output is the real time (normalisation hides it from the comparison above).
#[test]
fn time_codes_show_the_receive_time() {
    let broker = Broker::start();
    retain(&broker, "clock/1", b"x");
    let p = broker.port_str();
    let out = super::mqtk_sub(&["-p", &p, "-t", "clock/1", "-C", "1", "-F", "%U @s"]);
    out.assert_success();
    let text = out.stdout_str();
    let (u, s) = text.trim_end().split_once(' ').expect("two fields");
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    let u: f64 = u.parse().expect("%U is seconds.nanoseconds");
    assert!((now - u).abs() < 60.0, "%U {u} is not now ({now})");
    assert_eq!(
        text.split_once('.')
            .unwrap()
            .1
            .split(' ')
            .next()
            .unwrap()
            .len(),
        9,
        "{text}"
    );
    assert!((u - s.parse::<f64>().unwrap()).abs() < 2.0, "{text}");
}

/// v5 property codes, %j/%J with properties (duplicate user-property keys kept), with and without
/// --pretty, on messages with and without properties.
#[test]
fn v5_property_codes_match_mosquitto() {
    let broker = Broker::start();
    let props = "A=[%A] C=[%C] D=[%D] E=[%E] F=[%F] P=[%P] R=[%R] S=[%S] 5E=[%5E] 05S=[%05S] 10C=[%10C] -10R=[%-10R] 3A=[%3A] .3C=[%.3C] -5F=[%-5F] 03F=[%03F] 4D=[%4D]";
    let sub_id = ["-D", "subscribe", "subscription-identifier", "42"];
    let mut cases = Vec::new();
    for (format, pretty) in [
        (props, false),
        ("%j", false),
        ("%J", false),
        ("%J", true),
        ("%j", true),
    ] {
        let mut args = vec!["-V", "5", "-t", "p/#", "-q", "1", "-C", "3", "-F", format];
        args.extend_from_slice(&sub_id);
        if pretty {
            args.push("--pretty");
        }
        cases.push(Case::new(&args));
    }
    // Without a subscription identifier.
    cases.push(Case::new(&[
        "-V", "5", "-t", "p/#", "-q", "1", "-C", "3", "-F", "%j",
    ]));
    cases.push(Case::new(&["-V", "5", "-t", "p/#", "-C", "3", "-F", props]));
    #[rustfmt::skip]
    let all_props: &[&str] = &[
        "-V", "5", "-q", "1",
        "-D", "publish", "content-type", "application/json",
        "-D", "publish", "user-property", "k1", "v1",
        "-D", "publish", "user-property", "k2", "v2",
        "-D", "publish", "response-topic", "resp/t",
        "-D", "publish", "correlation-data", "corr123",
        "-D", "publish", "message-expiry-interval", "3600",
        "-D", "publish", "payload-format-indicator", "1",
    ];
    #[rustfmt::skip]
    let dup_keys: &[&str] = &[
        "-V", "5",
        "-D", "publish", "user-property", "name", "v4",
        "-D", "publish", "user-property", "name", "v3",
        "-D", "publish", "user-property", "other", "o",
    ];
    let outcomes: Vec<_> = differential(&broker, cases, || {
        // QoS 1 last: a QoS 0 message published after a QoS 1 one could overtake it.
        publish(&broker, "p/dup", b"[true]", dup_keys);
        publish(&broker, "p/x", br#"{"a":1}"#, all_props);
        publish(&broker, "p/plain", b"plain", &["-q", "1"]);
    })
    .into_iter()
    .map(|o| o.normalise(normalise_clock))
    .collect();
    assert_all_same(&outcomes);
    let lines: Vec<String> = outcomes[0]
        .ours
        .stdout_str()
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(
        lines[1],
        "A=[] C=[application/json] D=[corr123] E=[3600] F=[1] P=[k1:v1 k2:v2] R=[resp/t] S=[42] 5E=[ 3600] 05S=[00042] 10C=[application/json] -10R=[resp/t    ] 3A=[   ] .3C=[app] -5F=[1    ] 03F=[001] 4D=[corr123]"
    );
    assert!(
        outcomes[2]
            .ours
            .stdout_str()
            .contains(r#""user-properties":[{"name":"v4"},{"name":"v3"},{"other":"o"}]"#)
    );
}

/// Bad formats are usage errors before connecting, with mosquitto's messages.
#[test]
fn format_errors_match_mosquitto() {
    let formats = [
        "%", "%Z", r"\q", "\\", "@", "%0-5p", "%10", "%.", "%-", "abc%-5.", "%-05.3", "ok\\",
        "%{$.a}",
    ];
    let cases = formats
        .iter()
        .map(|f| Case::new(&["-p", "1", "-t", "a", "-F", f]))
        .collect();
    let outcomes = differential_runs(cases);
    assert_all_same(&outcomes);
    let err = |i: usize| outcomes[i].ours.stderr_str();
    assert_eq!(
        err(0),
        "Error: Incomplete format specifier.\n\nUse 'mosquitto_sub --help' to see usage.\n"
    );
    assert_eq!(
        err(1),
        "Error: Invalid format specifier 'Z'.\n\nUse 'mosquitto_sub --help' to see usage.\n"
    );
    assert_eq!(
        err(2),
        "Error: Invalid escape specifier 'q'.\n\nUse 'mosquitto_sub --help' to see usage.\n"
    );
    assert_eq!(
        err(3),
        "Error: Incomplete escape specifier.\n\nUse 'mosquitto_sub --help' to see usage.\n"
    );
    assert!(outcomes.iter().all(|o| o.ours.code == 1));
}
