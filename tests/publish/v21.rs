//! mosquitto 2.1's connection options, differential with 2.1's mosquitto_pub: `--no-tls`, `-x`
//! selecting MQTT v5, `--ws` and `ws://` URLs (whose path is the topic under the mosquitto names).

use super::{Ours, real};
use crate::broker::Broker;
use crate::reference::mosquitto_21;
use crate::subscriber::Subscriber;
use crate::util::{Run, assert_same_run, run};

/// Runs 2.1's mosquitto_pub, then ours, with the same arguments; both runs must match, and each
/// must have delivered `payload` to `sub`.
fn both(label: &str, args: &[&str], sub: &Subscriber, payload: &str) -> (Run, Run) {
    let ours = Ours::new();
    let theirs = run(&real(), args, None);
    let mine = run(&ours.mosquitto_pub(), args, None);
    assert_same_run(label, &theirs, &mine);
    for who in ["mosquitto_pub", "ours"] {
        let m = sub
            .recv(super::T)
            .unwrap_or_else(|| panic!("{label}: {who} delivered nothing"));
        assert_eq!(m.payload_str(), payload, "{label}: {who}");
    }
    (theirs, mine)
}

/// --no-tls turns off what would turn TLS on (a CA file, port 8883 in an mqtt:// URL).
#[test]
fn no_tls() {
    let broker = Broker::start();
    let sub = Subscriber::start(broker.port, "nt/#", 1);
    let port = broker.port_str();
    let args = [
        "-p",
        &port,
        "--cafile",
        "/nonexistent/ca.pem",
        "--no-tls",
        "-t",
        "nt/a",
    ];
    let mut args = args.to_vec();
    args.extend(["-m", "plain", "-q", "1", "-d", "-i", "nt1"]);
    both("--cafile --no-tls", &args, &sub, "plain");
    let url = format!("mqtts://127.0.0.1:{port}/nt/b");
    both(
        "mqtts:// --no-tls",
        &["-L", &url, "--no-tls", "-m", "u", "-q", "1"],
        &sub,
        "u",
    );
}

/// -x sets the session expiry and, as -D does, selects MQTT v5 unless a later -V says otherwise.
#[test]
fn session_expiry_selects_v5() {
    // 2.0.11's broker logs MQTT 3.1.1 as p2, 2.1's as p4.
    for (broker, v311) in [
        (Broker::start(), "(p2, "),
        (Broker::with_program(mosquitto_21("mosquitto"), ""), "(p4, "),
    ] {
        let sub = Subscriber::start(broker.port, "x/#", 1);
        let port = broker.port_str();
        for (args, protocol) in [
            (vec!["-x", "60", "-i", "x5"], "(p5, "),
            (vec!["-x", "60", "-V", "311", "-i", "x4"], v311),
        ] {
            let mark = broker.log_mark();
            let mut all = vec!["-p", &port, "-t", "x/t", "-m", "v", "-q", "1", "-d"];
            all.extend(args);
            both(&all.join(" "), &all, &sub, "v");
            assert_eq!(
                broker.connects_since(mark, protocol),
                2,
                "{protocol} twice expected:\n{}",
                broker.log_since(mark)
            );
        }
    }
}

/// --ws and ws:// URLs under the mosquitto names: WebSockets with the path /mqtt, the URL's path is
/// the topic and its default port 1883 (2.1's rules).
#[test]
fn websockets_as_mosquitto_2_1() {
    let broker = Broker::with_config("listener {port2} 127.0.0.1\nprotocol websockets");
    let sub = Subscriber::start(broker.port, "ws/#", 1);
    let ws = broker.extra_port(2).to_string();
    let flag = [
        "-h",
        "127.0.0.1",
        "-p",
        &ws,
        "--ws",
        "-t",
        "ws/flag",
        "-m",
        "f",
        "-q",
        "1",
        "-d",
    ];
    both("--ws", &flag, &sub, "f");
    let url = format!("ws://127.0.0.1:{ws}/ws/url");
    both(
        "ws://",
        &["-L", &url, "-m", "u", "-q", "1", "-d", "-i", "w1"],
        &sub,
        "u",
    );
    // Without a topic the URL is refused, with mosquitto's text.
    let ours = Ours::new();
    let no_topic = ["-L", "ws://127.0.0.1:1", "-m", "x"];
    assert_same_run(
        "ws:// without a topic",
        &run(&real(), &no_topic, None),
        &run(&ours.mosquitto_pub(), &no_topic, None),
    );
}

/// Everyday invocations on the 2.1 broker (the other tests mostly start Debian's 2.0.11): the same
/// exit code, `-d` lines and deliveries as 2.1's mosquitto_pub.
#[test]
fn everyday_publishes_on_the_2_1_broker() {
    let broker = Broker::with_program(mosquitto_21("mosquitto"), "");
    let sub = Subscriber::start(broker.port, "e/#", 2);
    let port = broker.port_str();
    #[rustfmt::skip]
    let cases: &[&[&str]] = &[
        &["-t", "e/q0", "-m", "m", "-d", "-i", "e1"],
        &["-t", "e/q1", "-m", "m", "-q", "1", "-d", "-i", "e1"],
        &["-t", "e/q2", "-m", "m", "-q", "2", "-d", "-i", "e1"],
        &["-t", "e/r", "-m", "m", "-q", "1", "-r", "-d", "-i", "e1"],
        &["-t", "e/v5", "-m", "m", "-q", "1", "-V", "5", "-D", "publish", "user-property", "a", "b", "-d", "-i", "e1"],
    ];
    for args in cases {
        let mut all = vec!["-p", port.as_str()];
        all.extend_from_slice(args);
        both(&all.join(" "), &all, &sub, "m");
    }
}

/// Every option 2.1's `mosquitto_pub --help` and `mosquitto_sub --help` list is known to our
/// mosquitto names (none is answered with `Unknown option`), and the other client's own options
/// are unknown to each, as in 2.1.
#[test]
fn every_option_of_2_1_help_is_known() {
    let ours = crate::util::Alias::with_names(&["mosquitto_pub", "mosquitto_sub"]);
    for name in ["mosquitto_pub", "mosquitto_sub"] {
        let help = run(&mosquitto_21(name), &["--help"], None).stdout_str();
        let mut options: Vec<&str> = help
            .split(|c: char| c.is_whitespace() || "[]{}|".contains(c))
            .map(|w| w.trim_end_matches([',', '.', ':']))
            .filter(|w| {
                w.len() > 1
                    && w.starts_with('-')
                    && w[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '-')
                    && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
            .collect();
        options.sort_unstable();
        options.dedup();
        assert!(
            options.len() > 40,
            "{name}: too few options read from --help:\n{help}"
        );
        for option in options {
            let out = run(&ours.path(name), &[option, "1"], None);
            let unknown = format!("Unknown option '{option}'");
            assert!(
                !out.stderr_str().contains(&unknown),
                "{name} {option}: {out}"
            );
        }
    }
    // Options of one client only, refused by the other with 2.1's text.
    for (name, option) in [
        ("mosquitto_pub", "-w"),
        ("mosquitto_pub", "--retain-handling"),
        ("mosquitto_pub", "--message-rate"),
        ("mosquitto_sub", "--repeat"),
    ] {
        let args = [option, "new", "-t", "a"];
        assert_same_run(
            &format!("{name} {option}"),
            &run(&mosquitto_21(name), &args, None),
            &run(&ours.path(name), &args, None),
        );
    }
}

/// 2.1's `mosquitto_pub -l -q 1` exits 0 after only part of 5,000 lines reached a subscriber of a
/// 2.0.11 broker (1,009–4,786 in our runs); mqtk under the same name does not copy that: every line
/// arrives, in order, before it exits 0. (2.1's loss is timing-dependent, so it is not asserted.)
#[test]
fn line_mode_loses_nothing_unlike_2_1() {
    const N: usize = 5000;
    let broker = Broker::start();
    let sub = Subscriber::start(broker.port, "lines/t", 1);
    let input: String = (1..=N).map(|i| format!("{i}\n")).collect();
    let port = broker.port_str();
    let ours = Ours::new();
    let out = run(
        &ours.mosquitto_pub(),
        &["-p", &port, "-t", "lines/t", "-q", "1", "-l"],
        Some(input.as_bytes()),
    );
    out.assert_success();
    let got: Vec<String> = sub
        .take(N, super::T)
        .iter()
        .map(|m| m.payload_str())
        .collect();
    let want: Vec<String> = (1..=N).map(|i| i.to_string()).collect();
    assert!(got == want, "lines lost or out of order");
}
