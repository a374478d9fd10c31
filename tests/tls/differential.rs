//! The same arguments through /usr/bin/mosquitto_pub and our mosquitto_pub alias against the same
//! listeners: equal exit codes and first words where mosquitto is deterministic, and exit 8 where
//! it answers 1 or 8 by timing.

use std::path::PathBuf;

use super::pki::pki;
use super::{Files, TlsBroker, assert_tls_error, first_word, publish_env};
use crate::util::{self, Alias, Run};

/// One case: where to connect and with which options.
struct Case<'a> {
    host: &'a str,
    port: String,
    args: Vec<String>,
    env: Vec<(&'static str, String)>,
}

fn both(case: &Case, alias: &Alias) -> (Run, Run) {
    let args: Vec<&str> = case.args.iter().map(String::as_str).collect();
    let env: Vec<(&str, &str)> = case.env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let go = |program: PathBuf| publish_env(&program, &[], case.host, &case.port, &args, &env);
    (
        go(util::real("mosquitto_pub")),
        go(alias.path("mosquitto_pub")),
    )
}

#[test]
fn same_exit_codes_as_mosquitto_pub_where_it_is_deterministic() {
    let good = TlsBroker::start(&pki().server, "");
    let wrong = TlsBroker::start(&pki().wrong_host, "");
    let mutual = TlsBroker::start(&pki().server, "require_certificate true");
    let v13 = TlsBroker::start(&pki().server, "tls_version tlsv1.3");
    let f = Files::new();
    let alias = Alias::new();
    let s = |v: &[&str]| v.iter().map(|a| a.to_string()).collect::<Vec<_>>();
    let ca = f.path("ca.pem");
    let url = format!("mqtts://127.0.0.1:{}/tls/test", good.tls);
    let cases = [
        (
            good.tls_port(),
            "127.0.0.1",
            s(&["--cafile", &ca]),
            vec![],
            0,
        ),
        (
            good.tls_port(),
            "localhost",
            s(&["--cafile", &ca]),
            vec![],
            0,
        ),
        (
            good.tls_port(),
            "127.0.0.1",
            s(&["--tls-use-os-certs"]),
            vec![("SSL_CERT_FILE", ca.clone())],
            0,
        ),
        (
            wrong.tls_port(),
            "127.0.0.1",
            s(&["--cafile", &ca, "--insecure"]),
            vec![],
            0,
        ),
        (
            mutual.tls_port(),
            "127.0.0.1",
            s(&[
                "--cafile",
                &ca,
                "--cert",
                &f.path("client.pem"),
                "--key",
                &f.path("client.key"),
            ]),
            vec![],
            0,
        ),
        (
            v13.tls_port(),
            "127.0.0.1",
            s(&["--cafile", &ca, "--tls-version", "tlsv1.3"]),
            vec![],
            0,
        ),
        (
            v13.tls_port(),
            "127.0.0.1",
            s(&["--cafile", &ca, "--tls-version", "tlsv1.2"]),
            vec![],
            0,
        ),
        // -L replaces -h/-p given before it.
        (
            good.tls_port(),
            "127.0.0.1",
            s(&["-L", &url, "--cafile", &ca]),
            vec![],
            0,
        ),
        // TLS to a plain port: mosquitto's TLS error.
        (
            good.plain_port(),
            "127.0.0.1",
            s(&["--cafile", &ca]),
            vec![],
            8,
        ),
        // Plain to a TLS port: the connection is lost.
        (good.tls_port(), "127.0.0.1", s(&[]), vec![], 7),
        (good.tls_port(), "127.0.0.1", s(&["-V", "5"]), vec![], 7),
    ];
    for (port, host, args, env, code) in cases {
        let case = Case {
            host,
            port,
            args,
            env,
        };
        let (theirs, ours) = both(&case, &alias);
        let label = format!("{} -p {} {:?}", case.host, case.port, case.args);
        assert_eq!(theirs.code, code, "mosquitto_pub {label}: {theirs}");
        assert_eq!(ours.code, code, "our mosquitto_pub {label}: {ours}");
        assert_eq!(
            first_word(&ours),
            first_word(&theirs),
            "{label}:\n{theirs}\n{ours}"
        );
    }
}

#[test]
fn certificate_failures_exit_8_where_mosquitto_pub_exits_1_or_8() {
    // libmosquitto reports a failed verification either from its connect call ("Unable to connect
    // (A TLS error occurred)", exit 1) or from its loop (exit 8), depending on timing; we always
    // say 8 and name the cause.
    let good = TlsBroker::start(&pki().server, "");
    let wrong = TlsBroker::start(&pki().wrong_host, "");
    let expired = TlsBroker::start(&pki().expired, "");
    let f = Files::new();
    let alias = Alias::new();
    let ca = f.path("ca.pem");
    let other = f.path("other-ca.pem");
    let cases = [
        (good.tls_port(), vec!["--cafile".to_string(), other.clone()]),
        (wrong.tls_port(), vec!["--cafile".to_string(), ca.clone()]),
        (
            wrong.tls_port(),
            vec!["--cafile".to_string(), other.clone(), "--insecure".into()],
        ),
        (expired.tls_port(), vec!["--cafile".to_string(), ca.clone()]),
    ];
    for (port, args) in cases {
        let case = Case {
            host: "127.0.0.1",
            port,
            args,
            env: vec![],
        };
        let (theirs, ours) = both(&case, &alias);
        assert!([1, 8].contains(&theirs.code), "mosquitto_pub: {theirs}");
        assert_tls_error(&ours, &[]);
    }
}
