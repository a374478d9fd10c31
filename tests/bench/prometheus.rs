//! `--prometheus ADDR`: the live counters served on GET /metrics while the run lasts, scraped
//! during a pub/sub run and a `bench conn` hold.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use super::{T, int};
use crate::broker::Broker;
use crate::util::{Proc, mqtk};

/// Starts `mqtk bench ARGS --prometheus 127.0.0.1:0` and returns it with the address it serves on
/// (from its stderr line).
fn start(broker: &Broker, args: &[&str]) -> (Proc, String) {
    let port = broker.port_str();
    let mut all = vec!["bench", "-h", "127.0.0.1", "-p", &port, "--json"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--prometheus", "127.0.0.1:0"]);
    let proc = Proc::spawn(&mqtk(), &all);
    let deadline = Instant::now() + T;
    loop {
        let err = proc.stderr_so_far();
        if let Some(rest) = err.split("metrics on http://").nth(1) {
            let addr = rest.split('/').next().unwrap().to_string();
            return (proc, addr);
        }
        assert!(
            Instant::now() < deadline,
            "no metrics address; stderr:\n{err}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// One HTTP request; the whole response.
fn get(addr: &str, request: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(T)).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

/// The value of metric `name` in a /metrics response.
fn value(response: &str, name: &str) -> u64 {
    response
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{name} ")))
        .unwrap_or_else(|| panic!("no {name} in\n{response}"))
        .parse()
        .unwrap()
}

/// Scrapes until `done` holds for the response (each scrape a fresh connection, as Prometheus
/// does), failing after [`T`].
fn scrape_until(addr: &str, done: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + T;
    loop {
        let r = get(addr, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
        if done(&r) {
            return r;
        }
        assert!(
            Instant::now() < deadline,
            "never reached; last scrape:\n{r}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn live_counters_are_scraped_during_a_run() {
    let broker = Broker::start();
    #[rustfmt::skip]
    let (proc, addr) = start(&broker, &[
        "-q", "1", "--rate", "500", "--duration", "5", "--warmup", "0", "-I", "prom",
    ]);
    let r = scrape_until(&addr, |r| {
        r.contains("\nmqtk_bench_received_total ") && value(r, "mqtk_bench_received_total") > 0
    });
    assert!(r.starts_with("HTTP/1.1 200 OK\r\n"), "{r}");
    assert!(r.contains("Content-Type: text/plain; version=0.0.4"), "{r}");
    for (name, kind) in [
        ("mqtk_bench_sent_total", "counter"),
        ("mqtk_bench_acked_total", "counter"),
        ("mqtk_bench_received_total", "counter"),
        ("mqtk_bench_connections", "gauge"),
    ] {
        assert!(r.contains(&format!("\n# TYPE {name} {kind}\n")), "{r}");
    }
    let seen = value(&r, "mqtk_bench_received_total");
    assert!(value(&r, "mqtk_bench_sent_total") >= seen, "{r}");
    let other = get(&addr, "GET /other HTTP/1.1\r\n\r\n");
    assert!(other.starts_with("HTTP/1.1 404 "), "{other}");
    let post = get(&addr, "POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
    assert!(post.starts_with("HTTP/1.1 405 "), "{post}");
    let out = proc.wait(T);
    out.assert_success();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(int(&v, "received") >= seen, "scraped {seen}, then\n{v:#}");
}

#[test]
fn held_connections_are_a_gauge() {
    let broker = Broker::start();
    let (proc, addr) = start(&broker, &["conn", "--clients", "6", "--duration", "5"]);
    let r = scrape_until(&addr, |r| {
        r.contains("\nmqtk_bench_connections ") && value(r, "mqtk_bench_connections") == 6
    });
    assert_eq!(value(&r, "mqtk_bench_received_total"), 0, "{r}");
    proc.wait(T).assert_success();
}

#[test]
fn an_address_in_use_fails_before_connecting() {
    let broker = Broker::start();
    let mark = broker.log_mark();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = crate::util::run(
        &mqtk(),
        &[
            "bench",
            "-h",
            "127.0.0.1",
            "-p",
            &broker.port_str(),
            "--prometheus",
            &addr,
        ],
        None,
    );
    out.assert_code(1);
    assert!(
        out.stderr_str()
            .contains(&format!("Error: cannot serve --prometheus on {addr}: ")),
        "{out}"
    );
    let log = broker.log_since(mark);
    assert!(
        !log.contains("New client connected"),
        "connected anyway:\n{log}"
    );
}
