//! TLS-PSK against a mosquitto listener with `psk_hint` and `psk_file`: pub and sub with the right
//! key, and mosquitto_pub 2.1's exit codes and texts for a wrong key, an unknown identity and its
//! argument checks.

use std::path::PathBuf;

use super::{T, TLS_ERROR, assert_sub_receives, mosquitto_21};
use crate::broker::Broker;
use crate::subscriber::Subscriber;
use crate::util::{self, Alias, Run};

/// The identity and key the broker knows; the key has a leading zero byte, which libmosquitto
/// keeps and a naive hex decoder may drop.
const IDENTITY: &str = "lab-sensor";
const KEY: &str = "00c0ffee1234";

/// A broker with a plain listener (`port`) and a PSK listener.
struct PskBroker {
    broker: Broker,
    psk: String,
}

impl PskBroker {
    fn start() -> PskBroker {
        let config = "listener {port2} 127.0.0.1\npsk_hint mqtk-lab\npsk_file {dir}/psk\n";
        let file = format!("{IDENTITY}:{KEY}\n");
        let broker = Broker::with_files(config, &[("psk", file.as_bytes())]);
        let psk = broker.extra_port(2);
        PskBroker {
            broker,
            psk: psk.to_string(),
        }
    }
}

fn publish(program: PathBuf, prefix: &[&str], b: &PskBroker, extra: &[&str]) -> Run {
    let mut args = prefix.to_vec();
    args.extend([
        "-h",
        "127.0.0.1",
        "-p",
        &b.psk,
        "-t",
        "psk/test",
        "-m",
        "over psk",
    ]);
    args.extend_from_slice(extra);
    util::run(&program, &args, None)
}

#[test]
fn pub_and_sub_with_a_pre_shared_key() {
    let b = PskBroker::start();
    let watch = Subscriber::start(b.broker.port, "psk/#", 1);
    let good = ["--psk", KEY, "--psk-identity", IDENTITY];
    for v in ["311", "5"] {
        let mut args = good.to_vec();
        args.extend(["-V", v]);
        publish(util::mqtk(), &["pub"], &b, &args).assert_success();
        assert_eq!(watch.take(1, T)[0].payload_str(), "over psk");
    }
    let alias = Alias::new();
    publish(alias.path("mosquitto_pub"), &[], &b, &good).assert_success();
    assert_eq!(watch.take(1, T)[0].payload_str(), "over psk");

    let conn = [
        "-h",
        "127.0.0.1",
        "-p",
        &b.psk,
        "--psk",
        KEY,
        "--psk-identity",
        IDENTITY,
    ];
    assert_sub_receives(&b.broker, &conn, "psk/#", &[], ("psk/live", "hello"));
}

#[test]
fn psk_failures_as_mosquitto_pub_2_1_reports_them() {
    let b = PskBroker::start();
    let alias = Alias::new();
    let usage = |text: &str| format!("{text}\n\nUse 'mosquitto_pub --help' to see usage.\n");
    let cases: Vec<(Vec<&str>, i32, String)> = vec![
        // The broker cannot decrypt our Finished: libmosquitto meets it in its loop (EPROTO).
        (
            vec!["--psk", "00c0ffee1235", "--psk-identity", IDENTITY],
            14,
            "Error: Protocol error\n".into(),
        ),
        (
            vec![
                "--psk",
                "c0ffee",
                "--psk-identity",
                IDENTITY,
                "--tls-version",
                "tlsv1.3",
            ],
            1,
            "Unable to connect (A TLS error occurred).\n".into(),
        ),
        (
            vec!["--psk", "xyz", "--psk-identity", IDENTITY],
            1,
            "Error: Problem setting TLS-PSK options.\n".into(),
        ),
        (
            vec!["--psk", KEY],
            1,
            usage("Error: --psk-identity required if --psk used."),
        ),
        (
            vec![
                "--psk",
                KEY,
                "--psk-identity",
                IDENTITY,
                "--cafile",
                "/etc/hostname",
            ],
            1,
            usage("Error: Only one of --psk or --cafile/--capath may be used at once."),
        ),
    ];
    for (args, code, stderr) in cases {
        let theirs = publish(mosquitto_21("mosquitto_pub"), &[], &b, &args);
        let ours = publish(alias.path("mosquitto_pub"), &[], &b, &args);
        let expected = (code, stderr);
        assert_eq!(
            (theirs.code, theirs.stderr_str()),
            expected,
            "2.1 {args:?}: {theirs}"
        );
        assert_eq!(
            (ours.code, ours.stderr_str()),
            expected,
            "ours {args:?}: {ours}"
        );
    }
    // Under mqtk: exit 8 and the cause.
    let wrong_key = publish(
        util::mqtk(),
        &["pub"],
        &b,
        &["--psk", "00c0ffee1235", "--psk-identity", IDENTITY],
    );
    wrong_key.assert_code(8);
    let text = wrong_key.stderr_str();
    assert!(
        text.starts_with(TLS_ERROR) && text.contains("--psk key does not match"),
        "{wrong_key}"
    );
    let stranger = publish(
        util::mqtk(),
        &["pub"],
        &b,
        &["--psk", KEY, "--psk-identity", "stranger"],
    );
    stranger.assert_code(8);
    assert!(stranger.stderr_str().starts_with(TLS_ERROR), "{stranger}");
}

#[test]
fn mosquitto_sub_reports_psk_failures_as_2_1() {
    let b = PskBroker::start();
    let alias = Alias::new();
    let run = |program: PathBuf, key: &str| {
        let args = [
            "-h",
            "127.0.0.1",
            "-p",
            &b.psk,
            "--psk",
            key,
            "--psk-identity",
            IDENTITY,
            "-t",
            "#",
            "-C",
            "1",
        ];
        util::run(&program, &args, None)
    };
    for key in ["00c0ffee1235", "not-hex"] {
        let theirs = run(mosquitto_21("mosquitto_sub"), key);
        let ours = run(alias.path("mosquitto_sub"), key);
        assert!(theirs.code != 0, "{theirs}");
        assert_eq!(
            (ours.code, ours.stderr_str()),
            (theirs.code, theirs.stderr_str()),
            "--psk {key}\n2.1: {theirs}\nours: {ours}"
        );
    }
}
