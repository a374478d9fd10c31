//! --tls-version, --tls-alpn, mqtts:// URLs, and clients on the wrong kind of port.

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
