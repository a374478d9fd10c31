//! `mqtk rr`'s own behaviour: v5 requests carry correlation data and only a message carrying it
//! back is a response; `-C N`; `--json-path`, `--where`, `--json`, and `--decode` before them;
//! `--trace`; exit 27 with one line saying what was missing; a clean DISCONNECT where mosquitto_rr
//! just closes the socket.

use super::responder::{Correlation, Reply, Responder};
use super::rr;
use crate::broker::Broker;
use crate::reference;
use crate::subscriber::Subscriber;
use crate::util::{Alias, Proc, T, W, mqtk};

/// `mqtk rr` against the broker on `port`.
fn mqtk_rr(port: u16, args: &[&str]) -> crate::util::Run {
    let mut all = vec!["rr"];
    all.extend_from_slice(args);
    rr(&mqtk(), port, &all, None)
}

#[test]
fn the_response_is_the_message_with_the_requests_correlation_data() {
    let broker = Broker::start();
    let responder = Responder::start(
        broker.port,
        "c/req",
        "c/resp",
        vec![Reply::wrong("stale"), Reply::echo("fresh")],
    );
    let out = mqtk_rr(broker.port, &["-t", "c/req", "-e", "c/resp", "-m", "hello"]);
    out.assert_success();
    assert_eq!(out.stdout_str(), "fresh\n", "{out}");
    let request = responder.request();
    assert_eq!(request.payload, b"hello");
    assert_eq!(request.response_topic.as_deref(), Some("c/resp"));
    let correlation = request.correlation.expect("correlation data");
    assert!(
        correlation.len() == 16 && correlation.iter().all(u8::is_ascii_hexdigit),
        "{correlation:?}"
    );
    // Each request has its own.
    mqtk_rr(broker.port, &["-t", "c/req", "-e", "c/resp", "-m", "again"]).assert_success();
    assert_ne!(responder.request().correlation, Some(correlation));
}

#[test]
fn given_correlation_data_is_sent_and_matched() {
    let broker = Broker::start();
    let responder = Responder::start(
        broker.port,
        "g/req",
        "g/resp",
        vec![Reply::wrong("stale"), Reply::echo("fresh")],
    );
    let out = mqtk_rr(
        broker.port,
        &[
            "-t",
            "g/req",
            "-e",
            "g/resp",
            "-m",
            "hello",
            "-D",
            "publish",
            "correlation-data",
            "mine",
            "-F",
            "%p %D",
        ],
    );
    out.assert_success();
    assert_eq!(out.stdout_str(), "fresh mine\n", "{out}");
    assert_eq!(
        responder.request().correlation.as_deref(),
        Some(&b"mine"[..])
    );
}

#[test]
fn v311_has_no_correlation_data_so_the_first_message_is_the_response() {
    let broker = Broker::start();
    let responder = Responder::start(
        broker.port,
        "v3/req",
        "v3/resp",
        vec![Reply::wrong("first"), Reply::echo("second")],
    );
    let out = mqtk_rr(
        broker.port,
        &["-V", "311", "-t", "v3/req", "-e", "v3/resp", "-m", "hello"],
    );
    out.assert_success();
    assert_eq!(out.stdout_str(), "first\n", "{out}");
    let request = responder.request();
    assert_eq!((request.response_topic, request.correlation), (None, None));
}

#[test]
fn count_waits_for_that_many_responses() {
    let broker = Broker::start();
    let _responder = Responder::start(
        broker.port,
        "n/req",
        "n/resp",
        vec![Reply::echo("one"), Reply::wrong("x"), Reply::echo("two")],
    );
    let out = mqtk_rr(
        broker.port,
        &[
            "-t", "n/req", "-e", "n/resp", "-m", "hello", "-C", "2", "-v",
        ],
    );
    out.assert_success();
    assert_eq!(out.stdout_str(), "n/resp one\nn/resp two\n", "{out}");
}

#[test]
fn no_response_in_time_is_exit_27_with_one_line() {
    let broker = Broker::start();
    let out = mqtk_rr(
        broker.port,
        &["-t", "t/req", "-e", "t/resp", "-m", "hello", "-W", W],
    );
    out.assert_code(27);
    assert_eq!(
        out.stderr_str(),
        format!("Error: no response on 't/resp' within {W} s (request published to 't/req').\n"),
        "{out}"
    );
    assert_eq!(out.stdout_str(), "");
    let quiet = mqtk_rr(
        broker.port,
        &[
            "-t", "t/req", "-e", "t/resp", "-m", "x", "-W", "1", "--quiet",
        ],
    );
    quiet.assert_code(27);
    assert_eq!(quiet.stderr_str(), "", "{quiet}");
}

#[test]
fn a_timeout_says_what_came_and_what_was_ignored() {
    let broker = Broker::start();
    let _responder = Responder::start(
        broker.port,
        "p/req",
        "p/resp",
        vec![Reply::echo("one"), Reply::wrong("x")],
    );
    let out = mqtk_rr(
        broker.port,
        &[
            "-t", "p/req", "-e", "p/resp", "-m", "hello", "-C", "2", "-W", W,
        ],
    );
    out.assert_code(27);
    assert_eq!(out.stdout_str(), "one\n");
    assert_eq!(
        out.stderr_str(),
        format!(
            "Error: no response on 'p/resp' within {W} s (request published to 'p/req'; 1 of 2 \
             responses came; 1 message(s) with other correlation data ignored).\n"
        ),
        "{out}"
    );
}

#[test]
fn json_path_where_and_json_work_on_the_response() {
    let broker = Broker::start();
    let responder = Responder::start(
        broker.port,
        "j/req",
        "j/resp",
        vec![
            Reply::echo(r#"{"temp":18,"id":"cold"}"#),
            Reply::echo(r#"{"temp":31,"id":"warm"}"#),
        ],
    );
    let base = ["-t", "j/req", "-e", "j/resp", "-m", "hello"];
    let mut args = base.to_vec();
    args.extend(["--where", "$[?@.temp > 30]", "--json-path", "$.id"]);
    let out = mqtk_rr(broker.port, &args);
    out.assert_success();
    assert_eq!(out.stdout_str(), "warm\n", "{out}");
    responder.request();

    let mut args = base.to_vec();
    args.push("--json");
    let out = mqtk_rr(broker.port, &args);
    out.assert_success();
    let correlation = responder.request().correlation.expect("correlation data");
    let v: serde_json::Value =
        serde_json::from_str(out.stdout_str().trim()).expect("one JSON line");
    assert_eq!(v["topic"], "j/resp", "{v}");
    assert_eq!(v["payload"]["id"], "cold", "{v}");
    assert_eq!(
        v["properties"]["correlation_data"],
        String::from_utf8(correlation).unwrap(),
        "{v}"
    );
}

/// `{"temp": TEMP, "id": ID}` as MessagePack, written out byte by byte (not by mqtk's encoder): a
/// fixmap of two, a float64 and a fixstr.
fn msgpack_reading(temp: f64, id: &str) -> Vec<u8> {
    let mut bytes = vec![0x82, 0xa4];
    bytes.extend(b"temp");
    bytes.push(0xcb);
    bytes.extend(temp.to_be_bytes());
    bytes.extend([0xa2, b'i', b'd', 0xa0 | id.len() as u8]);
    bytes.extend(id.as_bytes());
    bytes
}

#[test]
fn decode_reads_the_response_before_where_and_json_path() {
    let broker = Broker::start();
    let reply = |payload: Vec<u8>| Reply {
        payload,
        correlation: Correlation::Echo,
        qos: 0,
    };
    let responder = Responder::start(
        broker.port,
        "d/req",
        "d/resp",
        vec![
            // An array of two with one element (the data ends too soon): skipped with a note,
            // not a response.
            reply(vec![0x92, 0x01]),
            reply(msgpack_reading(18.5, "cold")),
            reply(msgpack_reading(31.5, "warm")),
        ],
    );
    let base = ["-t", "d/req", "-e", "d/resp", "-m", "hello", "-W", "10"];
    let mut args = base.to_vec();
    args.extend(["--decode", "msgpack", "--where", "$[?@.temp > 30]"]);
    args.extend(["--json-path", "$.id"]);
    let out = mqtk_rr(broker.port, &args);
    out.assert_success();
    assert_eq!(out.stdout_str(), "warm\n", "{out}");
    assert!(
        out.stderr_str()
            .starts_with("mqtk: skipped a message on topic 'd/resp': "),
        "{out}"
    );
    responder.request();

    // --json shows the decoded value, as sub does.
    let mut args = base.to_vec();
    args.extend(["--decode", "msgpack", "--json", "--quiet"]);
    let out = mqtk_rr(broker.port, &args);
    out.assert_success();
    let v: serde_json::Value =
        serde_json::from_str(out.stdout_str().trim()).expect("one JSON line");
    assert_eq!(
        v["payload"],
        serde_json::json!({"temp": 18.5, "id": "cold"}),
        "{v}"
    );
    responder.request();

    // mosquitto_rr knows no --decode.
    let alias = Alias::with_names(&["mosquitto_rr"]);
    let refused = super::rr(
        &alias.path("mosquitto_rr"),
        broker.port,
        &[
            "-t", "d/req", "-e", "d/resp", "-m", "x", "--decode", "msgpack",
        ],
        None,
    );
    refused.assert_code(1);
    assert!(
        refused
            .stderr_str()
            .starts_with("Error: Unknown option '--decode'.\n"),
        "{refused}"
    );
}

#[test]
fn trace_shows_the_request_and_the_response_handshakes() {
    let broker = Broker::start();
    let _responder = Responder::start(
        broker.port,
        "q/req",
        "q/resp",
        vec![Reply::wrong("x").qos(1), Reply::echo("yes").qos(1)],
    );
    let out = mqtk_rr(
        broker.port,
        &[
            "-t",
            "q/req",
            "-e",
            "q/resp",
            "-m",
            "hello",
            "-q",
            "1",
            "--trace",
            "--latency",
        ],
    );
    out.assert_success();
    let stdout = out.stdout_str();
    let (reply, latency) = stdout.split_once('\n').expect("two lines");
    assert_eq!(reply, "yes");
    assert!(
        latency.starts_with("Latency: ") && latency.ends_with("s\n"),
        "{stdout:?}"
    );
    let err = out.stderr_str();
    // Each of these in this order.
    let expected = [
        "→ CONNECT",
        "← CONNACK",
        "→ SUBSCRIBE",
        "'q/resp' QoS 1",
        "← SUBACK",
        "correlation-data '",
        "→ PUBLISH",
        "'q/req'",
        "← PUBACK",
        "delivered mid",
        "QoS 1 handshake complete",
        "← PUBLISH",
        "'q/resp'",
        "→ PUBACK",
        "received mid",
        "correlation-data 'not-yours' is not this request's",
        "← PUBLISH",
        "→ PUBACK",
        "response 1 of 1",
        "→ DISCONNECT",
    ];
    let mut rest = err.as_str();
    for needle in expected {
        match rest.find(needle) {
            Some(i) => rest = &rest[i + needle.len()..],
            None => panic!("--trace lacks {needle:?} in order; stderr:\n{err}"),
        }
    }
}

/// mosquitto_rr closes the socket after the response without DISCONNECT, so the broker publishes
/// the will; the alias does the same, mqtk rr disconnects.
#[test]
fn mqtk_disconnects_where_mosquitto_rr_closes_the_socket() {
    let broker = Broker::start();
    let _responder = Responder::start(broker.port, "w/req", "w/resp", vec![Reply::echo("ok")]);
    let wills = Subscriber::start(broker.port, "w/will", 0);
    let alias = Alias::with_names(&["mosquitto_rr"]);
    let programs = [
        (reference::bin("mosquitto_rr"), "rr-real", true),
        (alias.path("mosquitto_rr"), "rr-alias", true),
        (mqtk(), "rr-mqtk", false),
    ];
    for (program, id, closes) in &programs {
        let mark = broker.log_mark();
        let mut args = vec![];
        if !*closes {
            args.push("rr");
        }
        args.extend([
            "-i",
            id,
            "-t",
            "w/req",
            "-e",
            "w/resp",
            "-m",
            "hello",
            "--will-topic",
            "w/will",
            "--will-payload",
            id,
        ]);
        rr(program, broker.port, &args, None).assert_success();
        if *closes {
            broker.expect_log_since(mark, &format!("Client {id} closed its connection."), T);
            let will = wills.recv(T).expect("the will");
            assert_eq!(will.payload_str(), *id);
        } else {
            broker.expect_log_since(mark, &format!("Client {id} disconnected."), T);
        }
    }
    // mqtk's clean DISCONNECT discarded its will (the broker has logged the disconnect).
    wills.expect_none(std::time::Duration::from_millis(200));
}

/// Ctrl-C while waiting: no response came, so not a success; the connection ends with DISCONNECT.
#[test]
fn interrupted_while_waiting_is_exit_130() {
    let broker = Broker::start();
    let mark = broker.log_mark();
    let port = broker.port_str();
    let proc = Proc::spawn(
        &mqtk(),
        &[
            "rr", "-p", &port, "-i", "rr-int", "-t", "i/req", "-e", "i/resp", "-m", "hello",
        ],
    );
    broker.expect_log_since(mark, "Sending SUBACK to rr-int", T);
    proc.signal("INT");
    let out = proc.wait(T);
    out.assert_code(130);
    assert_eq!(out.stderr_str(), "", "{out}");
    broker.expect_log_since(mark, "Client rr-int disconnected.", T);
}

/// `-W` before the CONNACK (a listener that accepts and never answers: no real broker stays
/// silent on demand): the alias says mosquitto_rr's `Timed out` and exits 27, mqtk rr says what was
/// missing. mosquitto_rr 2.1 itself does not end there (its alarm asks for a DISCONNECT, and it
/// waits on: still running after 8 s in six runs out of six), so it is not run here.
#[test]
fn timeout_before_connack() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    // Accepted connections are kept open, unanswered, until the test ends.
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            held.push(stream);
        }
    });
    let args = ["-t", "s/req", "-e", "s/resp", "-m", "x", "-W", "1"];
    let alias = Alias::with_names(&["mosquitto_rr"]);
    let out = rr(&alias.path("mosquitto_rr"), port, &args, None);
    out.assert_code(27);
    assert_eq!(out.stderr_str(), "Timed out\n", "{out}");
    let mut ours = vec!["rr"];
    ours.extend(args);
    let out = rr(&mqtk(), port, &ours, None);
    out.assert_code(27);
    assert_eq!(
        out.stderr_str(),
        "Error: timed out after 1 s: no CONNACK from the broker.\n"
    );
}

/// `--trace-format json`: the exchange's notes are objects too, among the packets.
#[test]
fn json_trace_notes_the_request_and_which_message_was_taken() {
    let broker = Broker::start();
    let responder = Responder::start(
        broker.port,
        "tj/req",
        "tj/resp",
        vec![Reply::wrong("x"), Reply::echo("yes")],
    );
    let args = [
        "-t",
        "tj/req",
        "-e",
        "tj/resp",
        "-m",
        "hello",
        "--trace-format",
        "json",
    ];
    let out = mqtk_rr(broker.port, &args);
    out.assert_success();
    let correlation = String::from_utf8(responder.request().correlation.expect("sent")).unwrap();
    let objects: Vec<serde_json::Value> = out
        .stderr_str()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let notes: Vec<&serde_json::Value> = objects.iter().filter(|o| o["dir"] == "note").collect();
    let kinds: Vec<&str> = notes.iter().filter_map(|o| o["type"].as_str()).collect();
    assert_eq!(kinds, ["REQUEST", "IGNORED", "RESPONSE"], "{objects:#?}");
    assert_eq!(notes[0]["correlation_data"], correlation.as_str());
    assert_eq!(notes[0]["response_topic"], "tj/resp");
    assert_eq!(notes[1]["correlation_data"], "not-yours");
    assert_eq!(
        (notes[2]["n"].as_u64(), notes[2]["of"].as_u64()),
        (Some(1), Some(1))
    );
    assert!(notes.iter().all(|n| n["t"].is_f64()), "{notes:#?}");
}
