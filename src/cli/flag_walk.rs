//! Every flag of every command, walked from the clap definitions: each one changes the resolved
//! request or is refused with an error. None is accepted and then ignored. A flag the tables below
//! do not know fails the test, so a new flag (or a new command) needs an entry.
//!
//! A case adds a flag's words to the command's base line (plus the context some flags need, such as
//! `-u` for `--pw-file`) and compares the request with the one resolved without them.

use std::ffi::OsString;
use std::path::Path;

use super::definition::definition;
use super::{Request, parse};
use crate::personality::{COMMANDS, Command};

/// What a flag must do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// The request differs from the one without the flag.
    Changes,
    /// Parsing fails with an error.
    Refused,
    /// The command already does what the flag asks (the reason is the text): the request is the same.
    AlreadySo(&'static str),
    /// Shown by an integration test instead (the reason names it).
    Elsewhere(&'static str),
}

/// One flag's sample use.
struct Case {
    /// The clap id of the flag.
    id: &'static str,
    /// Words the flag needs around it, given in both runs.
    context: &'static [&'static str],
    /// The flag and its value. `{file}` is a readable file, `{dir}` a directory, `{options}` an options
    /// file holding `-k 30`, `{proto}` a .proto file defining `walk.M`.
    words: &'static [&'static str],
    expect: Expect,
}

const fn case(id: &'static str, words: &'static [&'static str]) -> Case {
    Case {
        id,
        context: &[],
        words,
        expect: Expect::Changes,
    }
}

const fn with(
    id: &'static str,
    context: &'static [&'static str],
    words: &'static [&'static str],
) -> Case {
    Case {
        id,
        context,
        words,
        expect: Expect::Changes,
    }
}

const fn refused(id: &'static str, words: &'static [&'static str]) -> Case {
    Case {
        id,
        context: &[],
        words,
        expect: Expect::Refused,
    }
}

const TLS: &[&str] = &["--tls-use-os-certs"];

/// The flags every command shares (`cli::conn::ConnArgs`) and `--help`/`--version`.
const SHARED: &[Case] = &[
    case("help", &["--help"]),
    case("version", &["--version"]),
    case("host", &["-h", "broker.example"]),
    case("port", &["-p", "1884"]),
    case("url", &["-L", "mqtt://broker.example:1884/b"]),
    case("username", &["-u", "ann"]),
    with("password", &["-u", "ann"], &["-P", "secret"]),
    case("id", &["-i", "fixed-id"]),
    case("id_prefix", &["-I", "prefix-"]),
    case("keepalive", &["-k", "30"]),
    with("disable_clean_session", &["-i", "fixed-id"], &["-c"]),
    with("session_expiry", &["-V", "5"], &["-x", "60"]),
    case("protocol_version", &["-V", "5"]),
    case("max_inflight", &["-M", "3"]),
    case("property", &["-D", "connect", "user-property", "k", "v"]),
    case("will_topic", &["--will-topic", "w"]),
    with(
        "will_payload",
        &["--will-topic", "w"],
        &["--will-payload", "bye"],
    ),
    with("will_qos", &["--will-topic", "w"], &["--will-qos", "1"]),
    with("will_retain", &["--will-topic", "w"], &["--will-retain"]),
    case("nodelay", &["--nodelay"]),
    case("debug", &["-d"]),
    case("quiet", &["--quiet"]),
    case("trace", &["--trace"]),
    case("trace_format", &["--trace-format", "json"]),
    case("options_file", &["-o", "{options}"]),
    with("pw_file", &["-u", "ann"], &["--pw-file", "{file}"]),
    case("cafile", &["--cafile", "{file}"]),
    case("capath", &["--capath", "{dir}"]),
    // A certificate and its key come together, and count only with TLS on (as in mosquitto).
    with("cert", TLS, &["--cert", "{file}", "--key", "{file}"]),
    with("key", TLS, &["--key", "{file}", "--cert", "{file}"]),
    Case {
        id: "keyform",
        context: &["--tls-use-os-certs", "--cert", "{file}", "--key", "{file}"],
        words: &["--keyform", "pem"],
        expect: Expect::AlreadySo("PEM is the only key format (--keyform engine is refused)"),
    },
    with("ciphers", TLS, &["--ciphers", "HIGH"]),
    with("tls_keylog", TLS, &["--tls-keylog", "{file}"]),
    with("tls_version", TLS, &["--tls-version", "tlsv1.3"]),
    with("tls_alpn", TLS, &["--tls-alpn", "mqtt"]),
    refused("tls_engine", &["--tls-engine", "e"]),
    refused("tls_engine_kpass_sha1", &["--tls-engine-kpass-sha1", "0"]),
    case("tls_use_os_certs", TLS),
    with("insecure", TLS, &["--insecure"]),
    with("psk", &["--psk-identity", "me"], &["--psk", "00"]),
    // --psk needs --psk-identity, so the identity cannot be shown alone.
    Case {
        id: "psk_identity",
        context: &[],
        words: &[],
        expect: Expect::Elsewhere(
            "tests/tls/psk.rs: the identity reaches the broker's psk_file check",
        ),
    },
    case("ws", &["--ws"]),
    with("no_tls", TLS, &["--no-tls"]),
    case("proxy", &["--proxy", "socks5h://127.0.0.1:1080"]),
    case("unix", &["--unix", "/run/mqtt.sock"]),
    case("bind_address", &["-A", "127.0.0.1"]),
];

/// `Pub`'s own flags.
const PUB: &[Case] = &[
    case("topic", &["-t", "b"]),
    case("message", &["-m", "y"]),
    // The message modes replace -m: each is compared with -m's request.
    Case {
        id: "file",
        context: &[],
        words: &["-f", "{file}"],
        expect: Expect::Changes,
    },
    Case {
        id: "stdin_file",
        context: &[],
        words: &["-s"],
        expect: Expect::Elsewhere(
            "reads the test's stdin: tests/publish/differential.rs sends stdin with -s",
        ),
    },
    case("stdin_line", &["-l"]),
    case("null_message", &["-n"]),
    case("qos", &["-q", "1"]),
    case("retain", &["-r"]),
    case("repeat", &["--repeat", "2"]),
    case("repeat_delay", &["--repeat-delay", "0.5"]),
    // The base line's `-m x` is not JSON; these are shown against a broker instead.
    Case {
        id: "encode",
        context: &[],
        words: &["--encode", "msgpack"],
        expect: Expect::Elsewhere("tests/decode.rs: pub --encode X | sub --decode X, per format"),
    },
    Case {
        id: "proto",
        context: &[],
        words: &["--proto", "{proto}"],
        expect: Expect::Elsewhere("tests/decode.rs: protobuf_round_trip"),
    },
    Case {
        id: "message_type",
        context: &[],
        words: &["--message-type", "walk.M"],
        expect: Expect::Elsewhere("tests/decode.rs: protobuf_round_trip"),
    },
    // --replay replaces -t and -m (it is refused beside them).
    Case {
        id: "replay",
        context: &[],
        words: &["--replay", "{file}"],
        expect: Expect::Elsewhere("tests/replay.rs: replay_sends_each_record_as_recorded"),
    },
    Case {
        id: "replay_speed",
        context: &[],
        words: &["--replay-speed", "1"],
        expect: Expect::Elsewhere("tests/replay.rs: replay_speed_keeps_the_gaps"),
    },
    Case {
        id: "strict",
        context: &[],
        words: &["--strict"],
        expect: Expect::Elsewhere("tests/replay.rs: bad_lines (--strict sends nothing)"),
    },
];

/// `--proto` and `--message-type` (sub and rr): each needs the other, and a --decode that reads
/// protobuf.
const PROTO: Case = case(
    "proto",
    &[
        "--proto",
        "{proto}",
        "--message-type",
        "walk.M",
        "--decode",
        "auto",
    ],
);
const MESSAGE_TYPE: Case = case(
    "message_type",
    &[
        "--message-type",
        "walk.M",
        "--proto",
        "{proto}",
        "--decode",
        "auto",
    ],
);

/// `Sub`'s own flags.
const SUB: &[Case] = &[
    case("topic", &["-t", "b"]),
    case("filter_out", &["-T", "a/b"]),
    case("unsubscribe", &["-U", "b"]),
    case("qos", &["-q", "1"]),
    case("verbose", &["-v"]),
    case("no_eol", &["-N"]),
    case("count", &["-C", "3"]),
    case("timeout", &["-W", "5"]),
    case("no_retained", &["-R"]),
    case("exit_after_subscribe", &["-E"]),
    case("retained_only", &["--retained-only"]),
    case("remove_retained", &["--remove-retained"]),
    case("retain_as_published", &["--retain-as-published"]),
    case("random_filter", &["--random-filter", "50"]),
    case("retain_handling", &["--retain-handling", "new"]),
    case("message_rate", &["--message-rate"]),
    Case {
        id: "watch",
        context: &[],
        words: &["-w"],
        expect: Expect::Elsewhere(
            "tests/subscribe/v21.rs: mosquitto_sub's ANSI lines; under mqtk only on a terminal",
        ),
    },
    case("format", &["-F", "%t"]),
    case("pretty", &["--pretty"]),
    case("json_path", &["--json-path", "$.a"]),
    case("where_path", &["--where", "$.a"]),
    case("strict", &["--strict"]),
    case("json", &["--json"]),
    case("decode", &["--decode", "msgpack"]),
    PROTO,
    MESSAGE_TYPE,
];

/// `Rr`'s own flags.
const RR: &[Case] = &[
    case("request_topic", &["-t", "b"]),
    case("response_topic", &["-e", "s"]),
    case("message", &["-m", "y"]),
    case("file", &["-f", "{file}"]),
    Case {
        id: "stdin_file",
        context: &[],
        words: &["-s"],
        expect: Expect::Elsewhere(
            "reads the test's stdin: tests/rr/differential.rs sends stdin with -s",
        ),
    },
    case("null_message", &["-n"]),
    case("qos", &["-q", "1"]),
    case("timeout", &["-W", "5"]),
    case("latency", &["--latency"]),
    case("retain_handling", &["--retain-handling", "new"]),
    case("retain_as_published", &["--retain-as-published"]),
    case("no_retained", &["-R"]),
    case("verbose", &["-v"]),
    case("no_eol", &["-N"]),
    case("format", &["-F", "%t"]),
    case("pretty", &["--pretty"]),
    case("count", &["-C", "3"]),
    case("json_path", &["--json-path", "$.a"]),
    case("where_path", &["--where", "$.a"]),
    case("strict", &["--strict"]),
    case("json", &["--json"]),
    case("decode", &["--decode", "cbor"]),
    PROTO,
    MESSAGE_TYPE,
    // rr speaks MQTT v5 unless told otherwise.
    case("protocol_version", &["-V", "311"]),
];

/// `Bench`'s own flags.
const BENCH: &[Case] = &[
    case("scenario", &["pub"]),
    // Files are for `bench merge` (tests/bench/merge.rs), refused by the scenarios that connect.
    refused("files", &["{file}"]),
    case("start_at", &["--start-at", "2026-12-07T01:00:00Z"]),
    case("ifaddr", &["--ifaddr", "127.0.0.2,127.0.0.3"]),
    case("topics", &["--topics", "3"]),
    case("qos_mix", &["--qos-mix", "0,1"]),
    with("churn", &["conn", "--duration", "5"], &["--churn", "10"]),
    case("payload", &["--payload", "{seq}"]),
    case("payload_file", &["--payload-file", "{file}"]),
    case("pubs", &["--pubs", "2"]),
    case("subs", &["--subs", "2"]),
    case("clients", &["--clients", "5"]),
    case("count", &["--count", "10"]),
    case("duration", &["--duration", "2"]),
    case("warmup", &["--warmup", "2"]),
    case("qos", &["-q", "1"]),
    case("size", &["--size", "100"]),
    case("rate", &["--rate", "100"]),
    case("inflight", &["--inflight", "5"]),
    case("connect_rate", &["--connect-rate", "10"]),
    case("topic", &["-t", "t/%i"]),
    case("sub_topic", &["--sub-topic", "t/#"]),
    case("json", &["--json"]),
    case("series", &["--series", "/tmp/series"]),
    with(
        "series_format",
        &["--series", "/tmp/series"],
        &["--series-format", "ndjson"],
    ),
    case("prometheus", &["--prometheus", "127.0.0.1:0"]),
    // Many generated clients: one fixed id, a kept session or per-packet output cannot be.
    refused("id", &["-i", "fixed-id"]),
    refused("disable_clean_session", &["-c"]),
    refused("debug", &["-d"]),
    refused("trace", &["--trace"]),
    refused("trace_format", &["--trace-format", "json"]),
    Case {
        id: "nodelay",
        context: &[],
        words: &["--nodelay"],
        expect: Expect::AlreadySo("bench always sets TCP_NODELAY"),
    },
];

/// `RetainClear`'s own flags.
const RETAIN_CLEAR: &[Case] = &[
    case("topic", &["-t", "b"]),
    case("exclude", &["-T", "a/b"]),
    case("idle", &["--idle", "100"]),
    case("timeout", &["-W", "5"]),
    case("dry_run", &["--dry-run"]),
    case("verify", &["--verify"]),
    case("yes", &["--yes"]),
    case("json", &["--json"]),
];

/// A command's base line, and its own flags (looked up before [`SHARED`]).
fn command_cases(command: Command) -> (&'static [&'static str], &'static [Case]) {
    match command {
        Command::Pub => (&["-t", "a", "-m", "x"], PUB),
        Command::Sub => (&["-t", "a"], SUB),
        Command::Rr => (&["-t", "a", "-e", "r", "-m", "x"], RR),
        Command::Bench => (&[], BENCH),
        Command::RetainClear => (&["-t", "a"], RETAIN_CLEAR),
    }
}

/// Flags the mosquitto names do not know (mqtk's own): refused there.
const MQTK_ONLY: &[&str] = &[
    "trace",
    "trace_format",
    "pw_file",
    "json_path",
    "where_path",
    "strict",
    "json",
    "decode",
    "proto",
    "message_type",
    "encode",
    "replay",
    "replay_speed",
];

/// rr's flags that mosquitto_rr does not know (`-C` is mosquitto_sub's own, not mosquitto_rr's).
const RR_MQTK_ONLY: &[&str] = &["count"];

/// pub's message modes: each replaces `-m x` in the base line.
const MESSAGE_MODES: &[&str] = &["message", "file", "stdin_line", "null_message"];

/// A base line without its `-m x`.
fn without_message<'a>(base: &[&'a str]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut words = base.iter();
    while let Some(w) = words.next() {
        if *w == "-m" {
            words.next();
        } else {
            out.push(*w);
        }
    }
    out
}

/// The words of a case with its placeholders filled in.
fn words(words: &[&str], dir: &Path) -> Vec<String> {
    let file = dir.join("file");
    let options = dir.join("options");
    let proto = dir.join("walk.proto");
    words
        .iter()
        .map(|w| match *w {
            "{file}" => file.display().to_string(),
            "{dir}" => dir.display().to_string(),
            "{options}" => options.display().to_string(),
            "{proto}" => proto.display().to_string(),
            w => w.to_string(),
        })
        .collect()
}

/// The request for `program ARGS`, as text (or the error's text, marked).
fn resolve(program: &[&str], args: &[String]) -> Result<String, String> {
    let argv: Vec<OsString> = program
        .iter()
        .map(OsString::from)
        .chain(args.iter().map(OsString::from))
        .collect();
    match parse(argv) {
        Ok(invocation) => Ok(match invocation.request {
            // Help renders the definition; its text is not the point.
            Request::Print { status, .. } => format!("print, status {status}"),
            request => format!("{request:?}"),
        }),
        Err((failure, _)) => Err(failure.text),
    }
}

/// Walks one command under one program name; returns the problems found.
fn walk(command: Command, program: &[&str], mosquitto: bool, dir: &Path) -> Vec<String> {
    let (base, own) = command_cases(command);
    let mut problems = Vec::new();
    for arg in definition(command).get_arguments() {
        let id = arg.get_id().as_str();
        let Some(case) = own.iter().chain(SHARED).find(|c| c.id == id) else {
            problems.push(format!(
                "{program:?}: no case for flag '{id}': add one to cli/flag_walk.rs"
            ));
            continue;
        };
        let mqtk_only =
            MQTK_ONLY.contains(&id) || (command == Command::Rr && RR_MQTK_ONLY.contains(&id));
        let expect = if mosquitto && mqtk_only {
            Expect::Refused
        } else {
            case.expect
        };
        if let Expect::Elsewhere(_) = expect {
            continue;
        }
        // A message mode replaces the base line's `-m x`.
        let base: Vec<&str> = if MESSAGE_MODES.contains(&id) {
            without_message(base)
        } else {
            base.to_vec()
        };
        let mut without = words(&base, dir);
        without.extend(words(case.context, dir));
        let mut with_flag = without.clone();
        if MESSAGE_MODES.contains(&id) {
            without.extend(words(&["-m", "x"], dir));
        }
        with_flag.extend(words(case.words, dir));
        let before = resolve(program, &without);
        let after = resolve(program, &with_flag);
        let label = format!("{program:?} {with_flag:?} ({id}, {expect:?})");
        let Ok(before) = before else {
            problems.push(format!(
                "{label}: the line without the flag fails: {before:?}"
            ));
            continue;
        };
        match (expect, after) {
            (Expect::Changes, Ok(after)) if after != before => {}
            (Expect::Changes, Ok(_)) => problems.push(format!("{label}: accepted and ignored")),
            (Expect::Refused, Err(text)) if !text.trim().is_empty() => {}
            (Expect::AlreadySo(_), Ok(after)) if after == before => {}
            (_, after) => problems.push(format!("{label}: got {after:?}")),
        }
    }
    problems
}

#[test]
fn every_flag_reaches_the_request_or_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("file"), "password\n").expect("write file");
    std::fs::write(dir.path().join("options"), "-k 30\n").expect("write options");
    let proto = "syntax = \"proto3\";\npackage walk;\nmessage M { int32 a = 1; }\n";
    std::fs::write(dir.path().join("walk.proto"), proto).expect("write proto");
    let mut problems = Vec::new();
    for names in &COMMANDS {
        problems.extend(walk(
            names.command,
            &["mqtk", names.word],
            false,
            dir.path(),
        ));
        if let Some(mosquitto) = names.mosquitto {
            problems.extend(walk(names.command, &[mosquitto], true, dir.path()));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The walk itself can fail: a flag that is accepted and ignored is caught.
#[test]
fn an_ignored_flag_is_caught() {
    let dir = tempfile::tempdir().expect("temp dir");
    // --insecure without TLS changes nothing.
    let before = resolve(
        &["mqtk", "pub"],
        &words(&["-t", "a", "-m", "x"], dir.path()),
    );
    let after = resolve(
        &["mqtk", "pub"],
        &words(&["-t", "a", "-m", "x", "--insecure"], dir.path()),
    );
    assert_eq!(before, after);
}
