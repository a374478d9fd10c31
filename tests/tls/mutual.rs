//! Mutual TLS against `require_certificate true`: the key formats people have, and each way the
//! broker refuses a client.

use super::pki::pki;
use super::{Files, TlsBroker, assert_delivered_once, assert_tls_error, delivered, mqtk_pub};

#[test]
fn mutual_tls_with_pkcs8_sec1_and_rsa_keys() {
    let b = TlsBroker::start(&pki().server, "require_certificate true");
    let f = Files::new();
    let sub = b.observer();
    let ca = f.path("ca.pem");
    for (cert, key) in [
        ("client.pem", "client.key"),
        ("client.pem", "client-sec1.key"),
        ("client-rsa.pem", "client-rsa.key"),
    ] {
        let run = mqtk_pub(
            &b,
            &[
                "--cafile",
                &ca,
                "--cert",
                &f.path(cert),
                "--key",
                &f.path(key),
            ],
        );
        assert_delivered_once(&b, &sub, &run);
    }
    // TLS 1.2 too, where the broker checks the certificate during the handshake.
    let v12 = mqtk_pub(
        &b,
        &[
            "--cafile",
            &ca,
            "--cert",
            &f.path("client.pem"),
            "--key",
            &f.path("client.key"),
            "--tls-version",
            "tlsv1.2",
        ],
    );
    assert_delivered_once(&b, &sub, &v12);
}

#[test]
fn mutual_tls_failures() {
    let b = TlsBroker::start(&pki().server, "require_certificate true");
    let f = Files::new();
    let sub = b.observer();
    let ca = f.path("ca.pem");
    // TLS 1.3: the broker's certificate_required alert comes after our side of the handshake.
    assert_tls_error(
        &mqtk_pub(&b, &["--cafile", &ca]),
        &["requires a client certificate", "--cert"],
    );
    // The alert arrives while MQTT 5 waits for CONNACK, too.
    assert_tls_error(
        &mqtk_pub(&b, &["--cafile", &ca, "-V", "5", "-q", "1"]),
        &["requires a client certificate"],
    );
    // TLS 1.2: the broker refuses the handshake itself.
    assert_tls_error(
        &mqtk_pub(&b, &["--cafile", &ca, "--tls-version", "tlsv1.2"]),
        &["handshake_failure", "--cert"],
    );
    // A certificate from a CA the broker does not trust.
    let stranger = mqtk_pub(
        &b,
        &[
            "--cafile",
            &ca,
            "--cert",
            &f.path("stranger.pem"),
            "--key",
            &f.path("stranger.key"),
        ],
    );
    assert_tls_error(&stranger, &["client certificate"]);
    // A key that belongs to another certificate fails before connecting.
    let mismatch = mqtk_pub(
        &b,
        &[
            "--cafile",
            &ca,
            "--cert",
            &f.path("client.pem"),
            "--key",
            &f.path("server.key"),
        ],
    );
    assert_tls_error(
        &mismatch,
        &["private key", "server.key", "does not match", "client.pem"],
    );
    assert_eq!(delivered(&b, &sub), Vec::<String>::new());
}
