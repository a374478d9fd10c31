//! `bench conn`: holding connections open (`--duration`), drops and reconnects, source addresses
//! (`--ifaddr`), and the open-files check made before connecting.

use super::{T, assert_shape, bench, int, num, summary};
use crate::broker::Broker;
use crate::util::{Proc, mqtk, run};

/// The summary's `held` counts named by `keys`, in order.
fn held_counts(v: &serde_json::Value, keys: &[&str]) -> Vec<u64> {
    keys.iter().map(|k| int(&v["held"], k)).collect()
}

#[test]
fn held_connections_stay_open_with_keepalives() {
    let broker = Broker::start();
    let mark = broker.log_mark();
    // Keepalive 5 s, held 6 s after the last CONNACK: every client pings before it is released.
    #[rustfmt::skip]
    let args = [
        "conn", "--clients", "20", "-k", "5", "--duration", "6", "-I", "hold",
    ];
    let (out, v) = bench(&broker, &args);
    out.assert_success();
    assert_shape(&v, &broker);
    let held = &v["held"];
    let counts = ["connected_at_end", "drops", "reconnects", "down_at_end"];
    assert_eq!(held_counts(&v, &counts), [20, 0, 0, 0], "in\n{v:#}");
    assert!(num(held, "held_s") >= 6.0, "in\n{v:#}");
    let series: Vec<u64> = held["connected_per_s"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap())
        .collect();
    assert!(
        series.len() >= 6 && series.iter().all(|&n| n <= 20) && series.last() == Some(&20),
        "connected_per_s {series:?}"
    );
    assert!(int(held, "rss_peak_bytes") > 0, "in\n{v:#}");
    assert_eq!(int(&v["latency_us"], "count"), 20);
    let log = broker.log_since(mark);
    for i in 0..20 {
        for what in ["Received PINGREQ from", "Received DISCONNECT from"] {
            assert!(
                log.contains(&format!("{what} hold-conn-{i}")),
                "{what} hold-conn-{i} missing; log:\n{log}"
            );
        }
    }
}

#[test]
fn dropped_connections_are_counted_and_taken_up_again() {
    let mut broker = Broker::start();
    let mark = broker.log_mark();
    let port = broker.port_str();
    #[rustfmt::skip]
    let args = [
        "bench", "conn", "-h", "127.0.0.1", "-p", &port, "--clients", "10", "--duration", "600",
        "-I", "drop", "--json", "-k", "5",
    ];
    let proc = Proc::spawn(&mqtk(), &args);
    for i in 0..10 {
        broker.expect_log_since(mark, &format!(" as drop-conn-{i} "), T);
    }
    broker.restart();
    let mark = broker.log_mark();
    // A client pings only once it has its CONNACK: then it counts as connected again. (The broker's
    // "New client connected" line comes before the client has the CONNACK.)
    for i in 0..10 {
        broker.expect_log_since(mark, &format!("Received PINGREQ from drop-conn-{i}\n"), T);
    }
    // Ctrl-C ends the hold early; the summary says what happened.
    proc.signal("INT");
    let out = proc.wait(T);
    out.assert_success();
    let v = summary(&out);
    let held = &v["held"];
    let counts = ["connected_at_end", "drops", "reconnects", "down_at_end"];
    assert_eq!(held_counts(&v, &counts), [10, 10, 10, 0], "in\n{v:#}");
    assert!(num(held, "held_s") < 600.0, "in\n{v:#}");
}

/// Connections the broker drops and then refuses while they are held: the hold ends with none open,
/// so the run is incomplete (exit 3, the reason on stderr and in the summary), not a success.
#[test]
fn connections_that_do_not_come_back_fail_the_run() {
    let broker = Broker::with_users("", &[("ann", "pw")]);
    let mark = broker.log_mark();
    let port = broker.port_str();
    #[rustfmt::skip]
    let args = [
        "bench", "conn", "-h", "127.0.0.1", "-p", &port, "--clients", "5", "--duration", "600",
        "-I", "gone", "--json", "-u", "ann", "-P", "pw",
        // A source address per client: the broker names a refused client by its address.
        "--ifaddr", "127.0.0.20,127.0.0.21,127.0.0.22,127.0.0.23,127.0.0.24",
    ];
    let proc = Proc::spawn(&mqtk(), &args);
    for i in 0..5 {
        broker.expect_log_since(mark, &format!(" as gone-conn-{i} "), T);
    }
    // ann's password no longer holds: the broker disconnects the clients and refuses each one's
    // next attempt, which it makes only once it has counted its connection as dropped.
    let mark = broker.log_mark();
    broker.replace_users(&[("bob", "b")]);
    for i in 0..5 {
        broker.expect_log_since(
            mark,
            &format!("Sending CONNACK to 127.0.0.2{i} (0, 5)\n"),
            T,
        );
    }
    proc.signal("INT");
    let out = proc.wait(T);
    out.assert_code(3);
    assert_eq!(
        out.stderr_str(),
        "Error: 5 of 5 connections dropped while held and were not open again at the end \
         (5 drops, 0 reconnects).\n",
        "{out}"
    );
    let v = summary(&out);
    let counts = ["connected_at_end", "down_at_end", "drops"];
    assert_eq!(held_counts(&v, &counts), [0, 5, 5], "in\n{v:#}");
    assert_eq!(v["complete"], false, "in\n{v:#}");
}

#[test]
fn connections_spread_over_source_addresses() {
    let broker = Broker::start();
    let mark = broker.log_mark();
    for (flag, value) in [
        ("--ifaddr", "127.0.0.2,127.0.0.3"),
        ("-A", "127.0.0.4,127.0.0.5"),
    ] {
        let (out, v) = bench(&broker, &["conn", "--clients", "4", flag, value]);
        out.assert_success();
        assert_eq!(int(&v["latency_us"], "count"), 4, "in\n{v:#}");
    }
    let log = broker.log_since(mark);
    for ip in ["127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"] {
        assert_eq!(
            log.matches(&format!("New connection from {ip}:")).count(),
            2,
            "two connections from {ip}; log:\n{log}"
        );
    }
    // pubsub clients too.
    let mark = broker.log_mark();
    let (out, _) = bench(&broker, &["--count", "10", "--ifaddr", "127.0.0.6"]);
    out.assert_success();
    let log = broker.log_since(mark);
    assert_eq!(
        log.matches("New connection from 127.0.0.6:").count(),
        2,
        "{log}"
    );
}

#[test]
fn too_many_clients_for_the_open_files_limit_are_refused_before_connecting() {
    let broker = Broker::start();
    let mark = broker.log_mark();
    let script = format!(
        "ulimit -Sn 100 && ulimit -Hn 150 && exec '{}' bench conn -h 127.0.0.1 -p {} --clients 200 -I nofit",
        mqtk().display(),
        broker.port
    );
    let out = run(std::path::Path::new("/bin/sh"), &["-c", &script], None);
    out.assert_code(1);
    assert_eq!(
        out.stderr_str(),
        "Error: 200 connections need 264 open files, but this process may open only 150 (the hard limit, ulimit -Hn). Raise it, or split the load over several bench processes and combine them with mqtk bench merge.\n"
    );
    assert!(out.stdout.is_empty(), "{out}");
    let log = broker.log_since(mark);
    assert!(!log.contains("nofit"), "nothing connects; log:\n{log}");
    // Within the limit the soft limit is raised to the hard one (1024 soft would not do).
    let script = format!(
        "ulimit -Sn 64 && exec '{}' bench conn -h 127.0.0.1 -p {} --clients 100 --json",
        mqtk().display(),
        broker.port
    );
    let out = run(std::path::Path::new("/bin/sh"), &["-c", &script], None);
    out.assert_success();
    assert_eq!(int(&summary(&out)["latency_us"], "count"), 100);
}

#[test]
fn churn_closes_and_reopens_held_connections() {
    let broker = Broker::start();
    let mark = broker.log_mark();
    // 10 connections, 10 churned per second: each is closed and opened again about once a
    // second, first within a second of connecting, well inside the 3 s hold.
    #[rustfmt::skip]
    let args = [
        "conn", "--clients", "10", "--duration", "3", "--churn", "10", "-I", "churn",
    ];
    let (out, v) = bench(&broker, &args);
    out.assert_success();
    let held = &v["held"];
    // (One may be between its close and its reopening when the hold ends: not counted as
    // connected then, and not a drop.)
    assert_eq!(int(held, "drops"), 0, "in\n{v:#}");
    assert!(int(held, "churned") >= 10, "in\n{v:#}");
    assert!(
        int(&v["latency_us"], "count") >= 20,
        "reconnections are timed too, in\n{v:#}"
    );
    let log = broker.log_since(mark);
    for i in 0..10 {
        let connects = log.matches(&format!(" as churn-conn-{i} ")).count();
        assert!(
            connects >= 2,
            "churn-conn-{i} connected {connects} times; log:\n{log}"
        );
    }
    let out = run(&mqtk(), &["bench", "--churn", "5"], None);
    out.assert_code(1);
    assert!(
        out.stderr_str()
            .starts_with("Error: --churn is for bench conn --duration")
    );
}

/// One source address serves each broker address with the whole ephemeral port range
/// (`IP_BIND_ADDRESS_NO_PORT`, vendor/rumqttc/PATCHES.md): in a network namespace of its own with a
/// 10-port range, two bench runs from 127.0.0.1 hold 8 connections each, to two listeners, at the
/// same time. Binding ports at `bind()` would need 16 distinct ports and fail from the 11th on.
/// Needs root (a network namespace); says so and passes without one.
#[test]
fn one_source_address_has_the_port_range_for_each_broker() {
    let ok = std::process::Command::new("unshare")
        .args(["-n", "true"])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("skipped: no network namespace (unshare -n needs root)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let script = r#"
        set -u
        ip link set lo up
        echo "40000 40009" > /proc/sys/net/ipv4/ip_local_port_range
        printf 'listener 1884 127.0.0.1\nlistener 1885 127.0.0.1\nallow_anonymous true\n' > "$DIR/m.conf"
        "$BROKER" -c "$DIR/m.conf" 2> "$DIR/broker.err" &
        broker=$!
        for _ in $(seq 500); do
            (exec 3<>/dev/tcp/127.0.0.1/1885) 2>/dev/null && break
            sleep 0.01
        done
        at=$(date -u -d '+3 seconds' +%Y-%m-%dT%H:%M:%SZ)
        pids=
        for port in 1884 1885; do
            "$MQTK" bench conn -h 127.0.0.1 -p $port --clients 8 --ifaddr 127.0.0.1 --duration 3 \
                -I "p$port" --start-at "$at" --json > "$DIR/$port.json" 2> "$DIR/$port.err" &
            pids="$pids $!"
        done
        set -- $pids
        wait $1; a=$?
        wait $2; b=$?
        kill $broker
        echo "$a $b"
    "#;
    let out = std::process::Command::new("unshare")
        .args(["-n", "bash", "-c", script])
        .env("DIR", dir.path())
        .env("MQTK", mqtk())
        .env("BROKER", crate::broker::mosquitto_bin())
        .output()
        .unwrap();
    let codes = String::from_utf8_lossy(&out.stdout);
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap_or_default();
    assert_eq!(
        codes.trim(),
        "0 0",
        "exit codes; stderr:\n{}\n{}\n{}",
        String::from_utf8_lossy(&out.stderr),
        read("1884.err"),
        read("1885.err")
    );
    for port in ["1884", "1885"] {
        let v: serde_json::Value = serde_json::from_str(&read(&format!("{port}.json"))).unwrap();
        assert_eq!(int(&v["held"], "connected_at_end"), 8, "in\n{v:#}");
        assert_eq!(int(&v, "connect_failures"), 0, "in\n{v:#}");
    }
}
