//! Every command over TLS: sub, bench, retain-clear, WebSockets over TLS, TLS through proxies and
//! from a bound address, and the password never printed by -d or --trace.

use super::pki::pki;
use super::{
    Files, TlsBroker, assert_delivered_once, assert_sub_receives, assert_tls_error, delivered,
    mqtk_pub, publish,
};
use crate::util;

#[test]
fn sub_receives_over_tls() {
    let b = TlsBroker::start(&pki().server, "");
    let f = Files::new();
    let ca = f.path("ca.pem");
    let port = b.tls_port();
    // A retained message, then a live one published once the broker has our SUBSCRIBE.
    let plain = b.plain_port();
    util::run(
        &util::real("mosquitto_pub"),
        &[
            "-p", &plain, "-t", "tls/a", "-m", "retained", "-r", "-q", "1",
        ],
        None,
    )
    .assert_success();
    let conn = ["-h", "127.0.0.1", "-p", &port, "--cafile", &ca];
    assert_sub_receives(
        &b.broker,
        &conn,
        "tls/#",
        &["tls/a retained"],
        ("tls/b", "live"),
    );
    // And the failure: exit 8, as mosquitto_sub.
    let bad = util::run(
        &util::mqtk(),
        &[
            "sub",
            "-h",
            "127.0.0.1",
            "-p",
            &port,
            "--cafile",
            &f.path("other-ca.pem"),
            "-t",
            "#",
        ],
        None,
    );
    assert_tls_error(&bad, &["unknown issuer"]);
}

#[test]
fn bench_pubsub_over_tls() {
    let b = TlsBroker::start(&pki().server, "");
    let f = Files::new();
    let port = b.tls_port();
    let run = util::run(
        &util::mqtk(),
        &[
            "bench",
            "pubsub",
            "--count",
            "100",
            "-q",
            "1",
            "-h",
            "127.0.0.1",
            "-p",
            &port,
            "--cafile",
            &f.path("ca.pem"),
            "--json",
        ],
        None,
    );
    run.assert_success();
    let summary: serde_json::Value =
        serde_json::from_slice(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {run}"));
    crate::bench::assert_delivered(&summary, 100, 1);
}

#[test]
fn retain_clear_over_tls() {
    let b = TlsBroker::start(&pki().server, "");
    let f = Files::new();
    let plain = b.plain_port();
    for topic in ["tls/r/1", "tls/r/2", "tls/r/3"] {
        util::run(
            &util::real("mosquitto_pub"),
            &["-p", &plain, "-t", topic, "-m", "x", "-r", "-q", "1"],
            None,
        )
        .assert_success();
    }
    let port = b.tls_port();
    let run = util::run(
        &util::mqtk(),
        &[
            "retain-clear",
            "-h",
            "127.0.0.1",
            "-p",
            &port,
            "--cafile",
            &f.path("ca.pem"),
            "-t",
            "tls/r/#",
            "--verify",
            "--json",
        ],
        None,
    );
    run.assert_success();
    let summary: serde_json::Value =
        serde_json::from_slice(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {run}"));
    assert_eq!(summary["cleared"], 3, "{summary:#}");
    // Nothing retained is left: a new subscriber gets only the fence.
    let sub = b.observer();
    assert_eq!(delivered(&b, &sub), Vec::<String>::new());
}

#[test]
fn secure_websockets() {
    // Debian's mosquitto 2.0.11 serves websockets (libwebsockets is linked in statically), with TLS.
    let b = TlsBroker::start(&pki().server, "protocol websockets");
    let f = Files::new();
    let sub = b.observer();
    let ok = mqtk_pub(&b, &["--ws", "--cafile", &f.path("ca.pem")]);
    assert_delivered_once(&b, &sub, &ok);
    let v5 = mqtk_pub(&b, &["--ws", "--cafile", &f.path("ca.pem"), "-V", "5"]);
    assert_delivered_once(&b, &sub, &v5);
    let bad = mqtk_pub(&b, &["--ws", "--cafile", &f.path("other-ca.pem")]);
    assert_tls_error(&bad, &["unknown issuer"]);
    // wss to a port that speaks no TLS at all.
    let plain = publish(
        &util::mqtk(),
        &["pub"],
        "127.0.0.1",
        &b.plain_port(),
        &["--ws", "--cafile", &f.path("ca.pem")],
    );
    assert_tls_error(&plain, &["closed the connection", "wss"]);
    assert_eq!(delivered(&b, &sub), Vec::<String>::new());
}

#[test]
fn the_password_is_never_printed() {
    let b = TlsBroker::start(&pki().server, "");
    let f = Files::new();
    let secret = "s3cret-Pa55";
    for (ca, code) in [("ca.pem", 0), ("other-ca.pem", 8)] {
        for debug in ["--trace", "-d"] {
            let run = mqtk_pub(
                &b,
                &["--cafile", &f.path(ca), "-u", "alice", "-P", secret, debug],
            );
            run.assert_code(code);
            let all = format!("{}{}", run.stdout_str(), run.stderr_str());
            assert!(!all.contains(secret), "password printed:\n{run}");
        }
    }
}

#[test]
fn tls_and_wss_through_proxies_and_a_bound_address() {
    // Our TLS runs on the stream rumqttc dialled: through mqtk's relay (SOCKS5, -A) and through
    // rumqttc's own HTTP CONNECT alike.
    let b = TlsBroker::start(&pki().server, "");
    let wss = TlsBroker::start(&pki().server, "protocol websockets");
    let f = Files::new();
    let ca = f.path("ca.pem");
    let socks = crate::transport::Socks::start();
    let http = crate::transport::HttpProxy::start(None);
    let (socks_url, http_url) = (socks.url(None), http.url(None));
    for (broker, ws) in [(&b, false), (&wss, true)] {
        let sub = broker.observer();
        let mut base = vec!["--cafile", ca.as_str()];
        if ws {
            base.push("--ws");
        }
        for route in [
            vec!["--proxy", socks_url.as_str()],
            vec!["--proxy", http_url.as_str()],
            vec!["-A", "127.0.0.1"],
            vec!["--proxy", socks_url.as_str(), "-A", "127.0.0.1"],
        ] {
            let run = mqtk_pub(broker, &[&base[..], &route[..]].concat());
            assert_delivered_once(broker, &sub, &run);
        }
        let tunnel = format!("connected to 127.0.0.1:{}\n", broker.tls);
        assert_eq!(socks.log().matches(&tunnel).count(), 2, "{}", socks.log());
        let connect = format!("CONNECT 127.0.0.1:{} ", broker.tls);
        assert_eq!(
            http.requests()
                .iter()
                .filter(|r| r.contains(&connect))
                .count(),
            1,
            "{:?}",
            http.requests()
        );
    }
}
