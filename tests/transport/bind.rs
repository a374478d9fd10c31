//! `-A ADDRESS`: connect from a local address (through mqtk's relay). The broker's log shows where a
//! client connects from; a bad address fails before anything is dialled.

use super::{Socks, all_commands, assert_fails, mqtk_run};
use crate::broker::Broker;

/// The client addresses in the broker's "New client connected from ADDRESS:PORT" lines.
fn sources(broker: &Broker) -> Vec<String> {
    broker
        .log()
        .lines()
        .filter_map(|l| l.split("New client connected from ").nth(1))
        .filter_map(|rest| rest.split(':').next())
        .map(str::to_string)
        .collect()
}

/// The broker listens on 127.0.0.1; any 127/8 address is local, so 127.0.0.2 can be bound.
#[test]
fn bound_address_serves_every_command() {
    let broker = Broker::start();
    let port = broker.port_str();
    let before = sources(&broker).len();
    all_commands(
        &broker,
        &["-h", "127.0.0.1", "-p", &port, "-A", "127.0.0.2"],
        "bind",
    );
    let seen: Vec<_> = sources(&broker).into_iter().skip(before).collect();
    // The helper's own three clients (its test subscriber, the reference publisher of the retained
    // message and rr's responder) come from 127.0.0.1; pub, sub, rr, bench (two) and retain-clear
    // from 127.0.0.2.
    let from = |a: &str| seen.iter().filter(|s| *s == a).count();
    assert_eq!(from("127.0.0.1"), 3, "{seen:?}");
    assert!(from("127.0.0.2") >= 6, "{seen:?}");
    assert_eq!(
        from("127.0.0.1") + from("127.0.0.2"),
        seen.len(),
        "{seen:?}"
    );
}

/// A name is resolved, then bound.
#[test]
fn bound_name() {
    let broker = Broker::start();
    let port = broker.port_str();
    mqtk_run(&["pub", "-p", &port, "-A", "localhost", "-t", "a", "-m", "x"]).assert_success();
    assert_eq!(sources(&broker), ["127.0.0.1"]);
}

/// With a SOCKS proxy the connection to the proxy is the one bound (microsocks logs its client).
#[test]
fn bound_address_through_socks() {
    let broker = Broker::start();
    let socks = Socks::start();
    let (port, url) = (broker.port_str(), socks.url(None));
    let args = [
        "pub",
        "-p",
        &port,
        "--proxy",
        &url,
        "-A",
        "127.0.0.2",
        "-t",
        "a",
        "-m",
        "x",
    ];
    mqtk_run(&args).assert_success();
    assert!(
        socks
            .log()
            .contains(&format!("127.0.0.2: connected to localhost:{port}")),
        "microsocks log:\n{}",
        socks.log()
    );
}

#[test]
fn bad_bound_addresses() {
    let broker = Broker::start();
    let port = broker.port_str();
    let cases = [
        // Not an address of this machine (TEST-NET-1).
        (
            "192.0.2.1",
            "Error: -A 192.0.2.1: Cannot assign requested address\n",
        ),
        (
            "no-such-host.invalid",
            "Error: -A no-such-host.invalid: Lookup error.\n",
        ),
    ];
    for (address, stderr) in cases {
        for command in [&["pub", "-m", "x"][..], &["sub"][..], &["retain-clear"][..]] {
            let mut args = command.to_vec();
            args.extend(["-p", &port, "-A", address, "-t", "a"]);
            assert_fails(&mqtk_run(&args), 1, stderr);
        }
    }
    assert!(sources(&broker).is_empty(), "{}", broker.log());
}
