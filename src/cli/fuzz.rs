//! Property tests over every parser that takes user text: the `-F` language (parsed, then rendered),
//! JSONPath (`--json-path`, `--where`, `%{…}`), `-L` URLs, numbers, options files and whole command
//! lines under each name. The property is the project's bar for bad input: no panic, and a refusal is
//! one message, never a crash. A short run is part of `cargo test`; `tests/fuzz.sh` runs long ones
//! (`MQTK_FUZZ_CASES`).

use std::ffi::OsString;
use std::io::Write;

use bytes::Bytes;
use proptest::prelude::*;

use crate::conn::Qos;
use crate::conn::event::Message;
use crate::format::{Format, Out};
use crate::jsonpath::Path;
use crate::personality::Personality;

/// Cases per property: a few hundred in the normal test run (well under a second each).
fn config() -> ProptestConfig {
    let cases = std::env::var("MQTK_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(256);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Flags of every command (a command ignores or refuses the others).
#[rustfmt::skip]
const FLAGS: &[&str] = &[
    "-t", "-m", "-q", "-p", "-h", "-u", "-P", "-i", "-I", "-k", "-V", "-v", "-N", "-C", "-W", "-F",
    "-T", "-U", "-L", "-D", "-d", "-c", "-r", "-R", "-x", "-A", "-M", "-e", "-E", "-n", "-f",
    "--repeat", "--repeat-delay", "--proxy", "--json", "--json-path", "--where", "--strict",
    "--pretty", "--duration", "--warmup", "--rate", "--connect-rate", "--size", "--count", "--pubs",
    "--subs", "--clients", "--inflight", "--series", "--series-format", "--sub-topic", "--idle",
    "--yes", "--dry-run", "--verify", "--trace", "--quiet", "--help", "--version", "--will-topic",
    "--will-payload", "--will-qos", "--random-filter", "--retained-only", "--remove-retained",
    "--unix", "--ws", "--cafile", "--tls-version", "--ciphers", "--insecure", "--id-prefix",
    "--latency",
];

/// Values: numbers at and past every limit, topics, formats, paths, URLs and awkward characters.
#[rustfmt::skip]
const VALUES: &[&str] = &[
    "connect", "publish", "subscribe", "user-property", "topic-alias", "message-expiry-interval",
    "5", "311", "31", "mqttv5", "0", "1", "2", "3", "-1", "20", "65535", "65536", "268435455",
    "268435456", "4294967296", "9223372036854775807", "1e308", "1e20", "1e-300", "-0", "nan", "inf",
    "99999999999999999999", "a/b", "#", "+", "a/#/b", "a/%i", "%c", "$SYS/#", "", " ", "%p", "%t",
    "%99999999999999999999p", "%-05.3x", "%{$.a}", "@H:@M", "$.a", "$[?@.a > 1]", "$..*",
    "mqtt://u:p@h:1/t", "ws://h", "socks5h://u:p@h", "http://h:1", "x\u{0}y", "é", "\u{feff}",
];

/// The command words before the flags (none: the mosquitto names, or mqtk's bare usage error).
const COMMANDS: &[&[&str]] = &[
    &[],
    &["pub"],
    &["sub"],
    &["bench"],
    &["bench", "conn"],
    &["bench", "sub"],
    &["retain-clear"],
    &["rr"],
];

/// An argv: maybe a command (or `bench conn`), then flags each with a value or not.
fn argv_words() -> impl Strategy<Value = Vec<String>> {
    let command = proptest::sample::select(COMMANDS);
    let value = prop_oneof![
        4 => proptest::sample::select(VALUES).prop_map(str::to_string),
        1 => ".{0,12}",
    ];
    let pair = (
        proptest::sample::select(FLAGS),
        proptest::option::weighted(0.8, value),
    );
    (command, proptest::collection::vec(pair, 0..6)).prop_map(|(command, pairs)| {
        let mut words: Vec<String> = command.iter().map(|w| w.to_string()).collect();
        for (flag, value) in pairs {
            words.push(flag.to_string());
            words.extend(value);
        }
        words
    })
}

/// A message to render formats against.
fn message() -> impl Strategy<Value = Message> {
    (
        proptest::collection::vec(any::<u8>(), 0..16),
        proptest::collection::vec(any::<u8>(), 0..64),
        0i64..3,
        any::<u16>(),
        any::<bool>(),
    )
        .prop_map(|(topic, payload, qos, mid, retain)| Message {
            topic: Bytes::from(topic),
            payload: Bytes::from(payload),
            qos: Qos::from_number(qos).unwrap_or_default(),
            retain,
            dup: false,
            mid,
            properties: None,
        })
}

/// Pieces of the `-F` language. Widths that wrap (to 5, or below 0) are in; widths of gigabytes are
/// not (rendering them is correct, streamed, and slow).
#[rustfmt::skip]
const FORMAT_PIECES: &[&str] = &[
    "%", "@", "\\", "-", "0", ".", "{", "}", "$", "p", "x", "X", "t", "j", "J", "I", "U", "l", "m",
    "q", "r", "A", "E", "F", "S", "C", "R", "D", "P", "N", "H", "2147483648", "4294967301", "\"",
    "'", "[", "]", "?", "@.",
];

/// `-F` text: pieces of the language glued together, or arbitrary bytes.
fn format_text() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        proptest::sample::select(FORMAT_PIECES).prop_map(|s| s.as_bytes().to_vec()),
        proptest::collection::vec(any::<u8>(), 0..4),
    ];
    proptest::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

fn parse_argv(words: &[String], argv0: &str) {
    let mut argv = vec![OsString::from(argv0)];
    argv.extend(words.iter().map(OsString::from));
    // The outcome does not matter: only that there is one.
    let _ = super::parse(argv);
}

/// `-s` (and its long form) reads all of stdin while parsing; a fuzz run must not wait on it.
fn reads_stdin(words: &[String]) -> bool {
    words.iter().any(|w| {
        w == "--stdin-file" || (w.starts_with('-') && !w.starts_with("--") && w.contains('s'))
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn formats_parse_and_render_without_panicking(text in format_text(), msg in message()) {
        for personality in [Personality::Mosquitto, Personality::Mqtk] {
            if let Ok(format) = Format::parse(&text, personality) {
                let mut buf = Vec::new();
                let mut sink = std::io::sink();
                let mut out = Out::new(&mut buf, Some(&mut sink as &mut dyn Write));
                let _ = format.render_to(&mut out, &msg, None, &chrono::Local::now().fixed_offset(), false, &mut |_| {});
                prop_assert!(out.finish().is_ok());
            }
        }
    }

    #[test]
    fn json_paths_parse_and_select_without_panicking(text in "[$@.\\[\\]?*a-c0-9 ()<>=!&|'\",:-]{0,24}") {
        let doc = serde_json::json!({"a": [1, {"b": "c"}, null], "b": {"c": 2.5}, "": true});
        if let Ok(path) = Path::parse(&text) {
            let _ = path.select(&doc);
            // What sub runs: the evaluator on a Doc.
            let doc = crate::doc::Doc::from_value(doc);
            let _ = path.select_doc(&doc);
            let _ = path.matches_doc(&doc);
        }
    }

    #[test]
    fn urls_parse_and_redact_without_panicking(text in ".{0,40}") {
        let _ = crate::conn::url::parse(&text);
        let redacted = crate::conn::url::redact(&text);
        prop_assert!(redacted.len() <= text.len() + 4);
    }

    #[test]
    fn numbers_read_without_panicking(text in "[-+ 0-9.eExinfa]{0,24}") {
        let _ = super::numbers::atof(&text);
        let _ = super::numbers::atoi(&text);
        let _ = super::numbers::atol(&text);
        for personality in [Personality::Mosquitto, Personality::Mqtk] {
            if let Ok(v) = super::numbers::float(personality, "--x", &text) {
                let _ = super::seconds::seconds("--x", v, true);
                let _ = super::seconds::rate("--x", v);
                let _ = super::seconds::mosquitto_repeat_delay(v);
            }
        }
    }

    #[test]
    fn command_lines_parse_without_panicking(words in argv_words()) {
        prop_assume!(!reads_stdin(&words));
        parse_argv(&words, "mqtk");
        // Under the mosquitto names there is no command word.
        let flags = words.iter().skip_while(|w| !w.starts_with('-')).cloned().collect::<Vec<_>>();
        for argv0 in ["mosquitto_pub", "mosquitto_sub", "mosquitto_rr"] {
            parse_argv(&flags, argv0);
        }
    }

    #[test]
    fn options_files_parse_without_panicking(
        lines in argv_words(),
        tail in argv_words(),
    ) {
        // One option per line, its value after the first space, as mosquitto writes them.
        let mut text = String::new();
        for w in lines.iter().skip_while(|w| !w.starts_with('-')) {
            text.push(if w.starts_with('-') { '\n' } else { ' ' });
            text.push_str(w);
        }
        text.push('\n');
        let tail: Vec<String> = tail.into_iter().skip_while(|w| !w.starts_with('-')).collect();
        let _ = super::optfile::lines(text.as_bytes());
        prop_assume!(!reads_stdin(&lines) && !reads_stdin(&tail));
        let dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let file = dir.path().join("options");
        std::fs::write(&file, &text).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut words = vec!["-o".to_string(), file.display().to_string()];
        words.extend(tail);
        for argv0 in ["mosquitto_pub", "mosquitto_sub", "mosquitto_rr"] {
            parse_argv(&words, argv0);
        }
    }
}
