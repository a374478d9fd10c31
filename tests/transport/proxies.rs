//! Proxies: SOCKS5 through Debian's microsocks (`--proxy socks5h://[USER:PASS@]HOST:PORT`, the proxy
//! resolves the broker's name), and HTTP CONNECT (`--proxy http://…`, mqtk only). SOCKS5 goes through
//! mqtk's in-process relay, which must also serve reconnects.

use super::{
    HttpProxy, Socks, T, all_commands, assert_fails, assert_same_as_mosquitto, mqtk_run, retain,
};
use crate::broker::{Broker, free_port};
use crate::util::{Proc, mqtk, real, run};

#[test]
fn socks5_serves_every_command() {
    let broker = Broker::start();
    let socks = Socks::start();
    let url = socks.url(None);
    let port = broker.port_str();
    all_commands(
        &broker,
        &["-h", "127.0.0.1", "-p", &port, "--proxy", &url],
        "socks",
    );
    let tunnels = format!("connected to 127.0.0.1:{port}\n");
    // pub, sub, rr, bench (a publisher and a subscriber), retain-clear (its collector and clearer
    // share one connection): each a tunnel of its own.
    assert!(
        socks.log().matches(&tunnels).count() >= 6,
        "microsocks log:\n{}",
        socks.log()
    );
}

/// socks5h: the name goes to the proxy unresolved, and the proxy resolves it.
#[test]
fn socks5_proxy_resolves_the_name() {
    let broker = Broker::start();
    let socks = Socks::start();
    retain(&broker, "socks/name", "resolved there");
    let url = socks.url(None);
    let port = broker.port_str();
    let args = ["sub", "-h", "localhost", "-p", &port, "--proxy", &url];
    let out = mqtk_run(&[&args[..], &["-t", "socks/name", "-C", "1"]].concat());
    out.assert_success();
    assert_eq!(out.stdout_str(), "resolved there\n", "{out}");
    assert!(
        socks
            .log()
            .contains(&format!("connected to localhost:{port}")),
        "microsocks log:\n{}",
        socks.log()
    );
}

#[test]
fn socks5_with_username_and_password() {
    let broker = Broker::start();
    let socks = Socks::with_auth("ann", "s3cret");
    let port = broker.port_str();
    retain(&broker, "socks/auth", "let in");
    let good = socks.url(Some("ann:s3cret"));
    let out = mqtk_run(&[
        "sub",
        "-p",
        &port,
        "--proxy",
        &good,
        "-t",
        "socks/auth",
        "-C",
        "1",
    ]);
    out.assert_success();
    assert_eq!(out.stdout_str(), "let in\n", "{out}");
    let out = mqtk_run(&["pub", "-p", &port, "--proxy", &good, "-t", "a", "-m", "x"]);
    out.assert_success();

    // A wrong password, or none: the proxy refuses, mosquitto's words for it.
    for url in [socks.url(Some("ann:wrong")), socks.url(None)] {
        for command in [&["pub", "-m", "x"][..], &["sub"][..]] {
            let mut args = command.to_vec();
            args.extend(["-p", &port, "--proxy", &url, "-t", "a"]);
            assert_fails(&mqtk_run(&args), 1, "Error: Authorisation failed\n");
        }
    }
}

/// An unreachable proxy is mosquitto's `Error: Connection refused`, exit 1, on the first connect
/// (sub does not retry).
#[test]
fn unreachable_proxy_is_connection_refused() {
    let broker = Broker::start();
    let port = broker.port_str();
    let url = format!("socks5h://127.0.0.1:{}", free_port());
    let publish = ["-p", &port, "--proxy", &url, "-t", "a", "-m", "x"];
    let subscribe = ["-p", &port, "--proxy", &url, "-t", "a"];
    assert_same_as_mosquitto("mosquitto_pub", &publish);
    assert_same_as_mosquitto("mosquitto_sub", &subscribe);
    for args in [
        [&["pub"], &publish[..]].concat(),
        [&["sub"], &subscribe[..]].concat(),
        [&["retain-clear"], &subscribe[..]].concat(),
    ] {
        assert_fails(&mqtk_run(&args), 1, "Error: Connection refused\n");
    }
}

/// The proxy works but cannot reach the broker: also `Error: Connection refused`, exit 1 (mosquitto
/// 2.0 exits 4 for pub and retries forever for sub here).
#[test]
fn proxy_cannot_reach_the_broker() {
    let socks = Socks::start();
    let url = socks.url(None);
    let closed = free_port().to_string();
    let publish = ["pub", "-p", &closed, "--proxy", &url, "-t", "a", "-m", "x"];
    let subscribe = ["sub", "-p", &closed, "--proxy", &url, "-t", "a"];
    for args in [&publish[..], &subscribe[..]] {
        assert_fails(&mqtk_run(args), 1, "Error: Connection refused\n");
    }
}

/// The relay serves every connection attempt: a subscriber whose broker restarts reconnects through
/// the proxy and goes on receiving.
#[test]
fn socks5_reconnects() {
    let mut broker = Broker::start();
    let socks = Socks::start();
    let (port, url) = (broker.port_str(), socks.url(None));
    let args = [
        "sub", "-p", &port, "--proxy", &url, "-t", "re/#", "-i", "re-sub",
    ];
    let sub = Proc::spawn(&mqtk(), &args);
    broker.expect_log_since(0, "Sending SUBACK to re-sub", T);
    let mark = broker.log_mark();
    broker.restart();
    broker.expect_log_since(mark, "Sending SUBACK to re-sub", T);
    let publish = ["-p", &port, "-t", "re/1", "-m", "back", "-q", "1"];
    run(&real("mosquitto_pub"), &publish, None).assert_success();
    assert_eq!(sub.expect_line(T), "back");
    // A tunnel for the first connection, and one for the connection after the restart.
    let tunnels = format!("connected to localhost:{port}\n");
    assert!(
        socks.log().matches(&tunnels).count() >= 2,
        "{}",
        socks.log()
    );
}

#[test]
fn http_connect_serves_every_command() {
    let broker = Broker::start();
    let proxy = HttpProxy::start(None);
    let url = proxy.url(None);
    let port = broker.port_str();
    all_commands(
        &broker,
        &["-h", "127.0.0.1", "-p", &port, "--proxy", &url],
        "http",
    );
    let expected = format!("127.0.0.1 CONNECT 127.0.0.1:{port} HTTP/1.1");
    let requests = proxy.requests();
    assert!(
        requests.len() >= 5 && requests.iter().all(|r| *r == expected),
        "{requests:#?}"
    );
}

#[test]
fn http_connect_with_credentials() {
    let broker = Broker::start();
    let proxy = HttpProxy::start(Some("ann:s3cret"));
    let port = broker.port_str();
    let good = proxy.url(Some("ann:s3cret"));
    mqtk_run(&["pub", "-p", &port, "--proxy", &good, "-t", "a", "-m", "x"]).assert_success();
    for url in [proxy.url(Some("ann:wrong")), proxy.url(None)] {
        let out = mqtk_run(&["pub", "-p", &port, "--proxy", &url, "-t", "a", "-m", "x"]);
        assert_fails(&out, 1, "Error: Authorisation failed\n");
    }
    // The proxy cannot reach the broker (it answers 502).
    let closed = free_port().to_string();
    let out = mqtk_run(&["sub", "-p", &closed, "--proxy", &good, "-t", "a"]);
    assert_fails(&out, 1, "Error: Connection refused\n");
}

/// `-A` with an HTTP proxy: the relay connects to the proxy from the bound address.
#[test]
fn http_connect_from_a_bound_address() {
    let broker = Broker::start();
    let proxy = HttpProxy::start(None);
    let (port, url) = (broker.port_str(), proxy.url(None));
    let args = ["pub", "-p", &port, "--proxy", &url, "-A", "127.0.0.2"];
    mqtk_run(&[&args[..], &["-t", "a", "-m", "x"]].concat()).assert_success();
    assert_eq!(
        proxy.requests(),
        [format!("127.0.0.2 CONNECT localhost:{port} HTTP/1.1")]
    );
}

/// mosquitto 2.0 knows SOCKS5 only: under its names an http:// proxy is refused as it refuses it.
#[test]
fn http_proxy_is_mqtk_only() {
    let args = ["--proxy", "http://127.0.0.1:3128", "-t", "a", "-m", "x"];
    assert_same_as_mosquitto("mosquitto_pub", &args);
}
