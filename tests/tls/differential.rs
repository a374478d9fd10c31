//! The same arguments through mosquitto 2.1's mosquitto_pub and our mosquitto_pub alias against the
//! same listeners: the same exit code and the same stderr, case by case. Where 2.1 itself answers
//! in two ways by timing (a failed verification is seen by its connect call or by its loop), we
//! give the first, and the test says so.

use std::path::PathBuf;

use super::pki::pki;
use super::{Files, TlsBroker, mosquitto_21, publish_env};
use crate::util::{Alias, Run};

/// 2.1's report of a failure in its connect call's TLS set-up or handshake.
const TLS_ERROR_21: &str = "Unable to connect (A TLS error occurred).\n";

/// One case: where to connect and with which options.
struct Case {
    host: &'static str,
    port: String,
    args: Vec<String>,
    env: Vec<(&'static str, String)>,
}

impl Case {
    fn new(port: &str, args: &[&str]) -> Case {
        Case {
            host: "127.0.0.1",
            port: port.to_string(),
            args: args.iter().map(|a| a.to_string()).collect(),
            env: Vec::new(),
        }
    }

    fn host(mut self, host: &'static str) -> Case {
        self.host = host;
        self
    }

    fn env(mut self, name: &'static str, value: &str) -> Case {
        self.env.push((name, value.to_string()));
        self
    }

    fn label(&self) -> String {
        format!("-h {} -p {} {:?}", self.host, self.port, self.args)
    }

    /// Runs 2.1's mosquitto_pub and our alias.
    fn both(&self, alias: &Alias) -> (Run, Run) {
        let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        let env: Vec<(&str, &str)> = self.env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let go = |program: PathBuf| publish_env(&program, &[], self.host, &self.port, &args, &env);
        (
            go(mosquitto_21("mosquitto_pub")),
            go(alias.path("mosquitto_pub")),
        )
    }
}

/// Exit code and stderr of a run.
fn outcome(run: &Run) -> (i32, String) {
    (run.code, run.stderr_str())
}

/// Each case gives 2.1's exit code and stderr, and ours are the same.
fn assert_same(cases: &[(Case, i32, &str)]) {
    let alias = Alias::new();
    for (case, code, stderr) in cases {
        let (theirs, ours) = case.both(&alias);
        let expected = (*code, stderr.to_string());
        assert_eq!(outcome(&theirs), expected, "2.1 {}: {theirs}", case.label());
        assert_eq!(outcome(&ours), expected, "ours {}: {ours}", case.label());
    }
}

#[test]
fn same_exit_codes_and_texts_as_mosquitto_pub_2_1() {
    let good = TlsBroker::start(&pki().server, "");
    let wrong = TlsBroker::start(&pki().wrong_host, "");
    let mutual = TlsBroker::start(&pki().server, "require_certificate true");
    let v13 = TlsBroker::start(&pki().server, "tls_version tlsv1.3");
    let f = Files::new();
    let ca = f.path("ca.pem");
    let (cert, key) = (f.path("client.pem"), f.path("client.key"));
    let url = format!("mqtts://127.0.0.1:{}/tls/test", good.tls);
    let port = good.tls_port();
    let options = "Error: Problem setting TLS options, check the options are valid.\n";
    let cases = [
        (Case::new(&port, &["--cafile", &ca]), 0, ""),
        (
            Case::new(&port, &["--cafile", &ca]).host("localhost"),
            0,
            "",
        ),
        (
            Case::new(&port, &["--tls-use-os-certs"]).env("SSL_CERT_FILE", &ca),
            0,
            "",
        ),
        (
            Case::new(&wrong.tls_port(), &["--cafile", &ca, "--insecure"]),
            0,
            "",
        ),
        (
            Case::new(
                &mutual.tls_port(),
                &["--cafile", &ca, "--cert", &cert, "--key", &key],
            ),
            0,
            "",
        ),
        (
            Case::new(
                &v13.tls_port(),
                &["--cafile", &ca, "--tls-version", "tlsv1.3"],
            ),
            0,
            "",
        ),
        // "tlsv1.2" means 1.2 or later to libmosquitto.
        (
            Case::new(
                &v13.tls_port(),
                &["--cafile", &ca, "--tls-version", "tlsv1.2"],
            ),
            0,
            "",
        ),
        (
            Case::new(&port, &["--cafile", &ca, "--ciphers", "AES128-SHA"]),
            0,
            "",
        ),
        (
            Case::new(&port, &["--cafile", &ca, "--tls-alpn", "mqtt"]),
            0,
            "",
        ),
        // -L replaces -h/-p given before it.
        (Case::new(&port, &["-L", &url, "--cafile", &ca]), 0, ""),
        // Set-up failures, all in the connect call.
        (
            Case::new(&port, &["--cafile", &f.path("garbage.pem")]),
            1,
            TLS_ERROR_21,
        ),
        (
            Case::new(&port, &["--cafile", &ca, "--ciphers", "NOPE"]),
            1,
            TLS_ERROR_21,
        ),
        (
            Case::new(
                &port,
                &[
                    "--cafile",
                    &ca,
                    "--cert",
                    &cert,
                    "--key",
                    &f.path("server.key"),
                ],
            ),
            1,
            TLS_ERROR_21,
        ),
        (
            Case::new(&port, &["--cafile", "/nonexistent"]),
            1,
            "Error: Problem setting TLS options: File not found.\n",
        ),
        (
            Case::new(&port, &["--cafile", &ca, "--tls-version", "tlsv1.1"]),
            1,
            options,
        ),
    ];
    assert_same(&cases);
}

/// Cases where 2.1 answers in one of several ways by timing: ours must be the first of them.
fn assert_one_of(cases: Vec<(Case, &[(i32, &str)])>) {
    let alias = Alias::new();
    for (case, answers) in cases {
        let answers: Vec<(i32, String)> =
            answers.iter().map(|(c, t)| (*c, t.to_string())).collect();
        let (theirs, ours) = case.both(&alias);
        assert!(
            answers.contains(&outcome(&theirs)),
            "2.1 {}: {theirs}",
            case.label()
        );
        assert_eq!(outcome(&ours), answers[0], "ours {}: {ours}", case.label());
    }
}

#[test]
fn failures_2_1_reports_by_timing_are_reported_as_its_connect_call_does() {
    // 2.1 meets a failed verification in its connect call (exit 1, as we do) or, when the handshake
    // is still under way there, in its loop: exit 14 (EPROTO) or 8 (MOSQ_ERR_TLS). A hang-up is
    // "Unable to connect" or, from the loop, exit 7.
    let good = TlsBroker::start(&pki().server, "");
    let wrong = TlsBroker::start(&pki().wrong_host, "");
    let expired = TlsBroker::start(&pki().expired, "");
    let mutual = TlsBroker::start(&pki().server, "require_certificate true");
    let f = Files::new();
    let ca = f.path("ca.pem");
    let other = f.path("other-ca.pem");
    let verify: &[(i32, &str)] = &[
        (1, TLS_ERROR_21),
        (14, "Error: Protocol error\n"),
        (8, "Error: A TLS error occurred\n"),
    ];
    let lost: &[(i32, &str)] = &[
        (1, "Unable to connect (The connection was lost).\n"),
        (7, "Error: The connection was lost\n"),
    ];
    assert_one_of(vec![
        (Case::new(&good.tls_port(), &["--cafile", &other]), verify),
        // OpenSSL reads a CA directory lazily: a missing one trusts nothing.
        (
            Case::new(&good.tls_port(), &["--capath", "/nonexistent"]),
            verify,
        ),
        (
            Case::new(&good.tls_port(), &["--tls-use-os-certs"]).env("SSL_CERT_FILE", &other),
            verify,
        ),
        (Case::new(&wrong.tls_port(), &["--cafile", &ca]), verify),
        (
            Case::new(&wrong.tls_port(), &["--cafile", &other, "--insecure"]),
            verify,
        ),
        (Case::new(&expired.tls_port(), &["--cafile", &ca]), verify),
        // TLS to a plain port: the broker hangs up on the ClientHello.
        (Case::new(&good.plain_port(), &["--cafile", &ca]), lost),
        // No client certificate for a broker that requires one (TLS 1.3: after the handshake).
        (Case::new(&mutual.tls_port(), &["--cafile", &ca]), lost),
    ]);
}
