//! --tls-version, --tls-alpn, --ciphers, --tls-keylog, mqtts:// URLs, and clients on the wrong kind of
//! port.

use super::pki::pki;
use super::{
    Files, TlsBroker, alias_pub, assert_delivered_once, assert_tls_error, mqtk_pub, publish,
};
use crate::util::{self, Alias};

#[test]
fn tls_version_pins_the_version_under_mqtk_and_is_a_minimum_under_mosquitto_names() {
    let b = TlsBroker::start(&pki().server, "tls_version tlsv1.3");
    let f = Files::new();
    let sub = b.observer();
    let ca = f.path("ca.pem");
    assert_tls_error(
        &mqtk_pub(&b, &["--cafile", &ca, "--tls-version", "tlsv1.2"]),
        &["TLS version", "--tls-version"],
    );
    let v13 = mqtk_pub(&b, &["--cafile", &ca, "--tls-version", "tlsv1.3"]);
    assert_delivered_once(&b, &sub, &v13);
    // libmosquitto only disables older versions: tlsv1.2 still negotiates 1.3.
    let alias = Alias::new();
    let port = b.tls_port();
    let args = ["--cafile", ca.as_str(), "--tls-version", "tlsv1.2"];
    let ours = alias_pub(&alias, "127.0.0.1", &port, &args);
    assert_delivered_once(&b, &sub, &ours);
    let theirs = publish(&util::real("mosquitto_pub"), &[], "127.0.0.1", &port, &args);
    assert_delivered_once(&b, &sub, &theirs);
}

#[test]
fn tls_alpn_is_offered() {
    // mosquitto 2.0 ignores ALPN, so the offer must not get in the way.
    let b = TlsBroker::start(&pki().server, "");
    let f = Files::new();
    let sub = b.observer();
    let run = mqtk_pub(&b, &["--cafile", &f.path("ca.pem"), "--tls-alpn", "mqtt"]);
    assert_delivered_once(&b, &sub, &run);
}

#[test]
fn mqtts_url_with_cafile() {
    let b = TlsBroker::start(&pki().server, "");
    let f = Files::new();
    let sub = b.observer();
    let url = format!("mqtts://127.0.0.1:{}/tls/test", b.tls);
    let run = util::run(
        &util::mqtk(),
        &[
            "pub",
            "-L",
            &url,
            "--cafile",
            &f.path("ca.pem"),
            "-m",
            "over tls",
        ],
        None,
    );
    assert_delivered_once(&b, &sub, &run);
    // The same URL with the untrusted CA.
    let bad = util::run(
        &util::mqtk(),
        &[
            "pub",
            "-L",
            &url,
            "--cafile",
            &f.path("other-ca.pem"),
            "-m",
            "x",
        ],
        None,
    );
    assert_tls_error(&bad, &["unknown issuer"]);
}

#[test]
fn plain_against_tls_is_a_lost_connection_and_tls_against_plain_says_so() {
    let b = TlsBroker::start(&pki().server, "");
    let f = Files::new();
    let plain = mqtk_pub(&b, &[]);
    plain.assert_code(7);
    assert_eq!(plain.stderr_str(), "Error: The connection was lost\n");
    let plain_v5 = mqtk_pub(&b, &["-V", "5"]);
    plain_v5.assert_code(7);
    assert_eq!(plain_v5.stderr_str(), "Error: The connection was lost\n");
    let tls = publish(
        &util::mqtk(),
        &["pub"],
        "127.0.0.1",
        &b.plain_port(),
        &["--cafile", &f.path("ca.pem")],
    );
    assert_tls_error(
        &tls,
        &["closed the connection during the TLS handshake", "TLS port"],
    );
}

#[test]
fn ciphers_take_openssl_cipher_lists() {
    // The broker's key is EC: an ECDSA suite works, an RSA-only one has nothing in common with it.
    let b = TlsBroker::start(&pki().server, "");
    let f = Files::new();
    let sub = b.observer();
    let ca = f.path("ca.pem");
    let v12 = ["--cafile", ca.as_str(), "--tls-version", "tlsv1.2"];
    let ecdsa = mqtk_pub(
        &b,
        &[&v12[..], &["--ciphers", "ECDHE-ECDSA-AES128-GCM-SHA256"]].concat(),
    );
    assert_delivered_once(&b, &sub, &ecdsa);
    let rsa_only = mqtk_pub(&b, &[&v12[..], &["--ciphers", "AES128-SHA"]].concat());
    assert_tls_error(&rsa_only, &["--ciphers"]);
    // With tlsv1.3 the list names TLS 1.3 suites, as in libmosquitto.
    let v13 = mqtk_pub(
        &b,
        &[
            "--cafile",
            &ca,
            "--tls-version",
            "tlsv1.3",
            "--ciphers",
            "TLS_CHACHA20_POLY1305_SHA256",
        ],
    );
    assert_delivered_once(&b, &sub, &v13);
    assert_tls_error(
        &mqtk_pub(&b, &["--cafile", &ca, "--ciphers", "NO-SUCH-CIPHER"]),
        &["--ciphers", "NO-SUCH-CIPHER", "openssl ciphers"],
    );
}

#[test]
fn tls_keylog_appends_one_secret_line_per_connection_as_mosquitto_pub_2_1() {
    let b = TlsBroker::start(&pki().server, "");
    // mosquitto's tls_version only sets a minimum; TLS-PSK is TLS 1.2 in libmosquitto.
    let psk = crate::broker::Broker::with_files(
        "listener {port2} 127.0.0.1\npsk_hint h\npsk_file {dir}/psk\n",
        &[("psk", b"lab:c0ffee\n")],
    );
    let psk_port = psk.extra_port(2);
    let f = Files::new();
    let sub = b.observer();
    let psk_sub = crate::subscriber::Subscriber::start(psk.port, "#", 1);
    let ca = f.path("ca.pem");
    let alias = Alias::new();
    let port = b.tls_port();
    let count = |file: &str, label: &str| {
        std::fs::read_to_string(file)
            .unwrap_or_default()
            .lines()
            .filter(|l| l.starts_with(&format!("{label} ")))
            .count()
    };
    for (name, program) in [
        ("ours", alias.path("mosquitto_pub")),
        ("2.1", super::mosquitto_21("mosquitto_pub")),
    ] {
        let log = f.path(&format!("keylog-{name}"));
        let args = ["--cafile", ca.as_str(), "--tls-keylog", log.as_str()];
        // Two TLS 1.3 connections, then one TLS 1.2 (which logs its master secret instead).
        for _ in 0..2 {
            assert_delivered_once(&b, &sub, &publish(&program, &[], "127.0.0.1", &port, &args));
        }
        let psk_args = [
            "--psk",
            "c0ffee",
            "--psk-identity",
            "lab",
            "--tls-keylog",
            &log,
        ];
        let run = publish(&program, &[], "127.0.0.1", &psk_port.to_string(), &psk_args);
        run.assert_success();
        assert_eq!(
            psk_sub.take(1, super::T)[0].payload_str(),
            "over tls",
            "{name}"
        );
        assert_eq!(count(&log, "CLIENT_TRAFFIC_SECRET_0"), 2, "{name}");
        assert_eq!(count(&log, "CLIENT_RANDOM"), 1, "{name}");
    }
    // mqtk: a key log that cannot be written fails before connecting (2.1 skips it silently).
    let nowhere = mqtk_pub(
        &b,
        &["--cafile", &ca, "--tls-keylog", "/nonexistent/keys.log"],
    );
    assert_tls_error(&nowhere, &["--tls-keylog", "/nonexistent/keys.log"]);
}
