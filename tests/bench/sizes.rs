//! `--size` from 0 to the MQTT limit: payloads too small for the header are counted without
//! latency, large ones cost memory for what is in flight only; an unwritable `--series` fails first.

use super::{bench, int};
use crate::broker::Broker;
use crate::util::{mqtk, run};

#[test]
fn payloads_smaller_than_the_header_are_counted_without_latency() {
    let broker = Broker::start();
    for size in ["0", "1", "19"] {
        let (out, v) = bench(&broker, &["-q", "1", "--size", size, "--count", "300"]);
        out.assert_success();
        assert_eq!(
            ["sent", "received", "lost"].map(|k| int(&v, k)),
            [300, 300, 0],
            "--size {size}:\n{v:#}"
        );
        assert_eq!(int(&v["latency_us"], "count"), 0, "--size {size}:\n{v:#}");
        assert!(
            v["warnings"].as_array().is_some_and(|w| w.iter().any(|w| w
                .as_str()
                .is_some_and(|w| w.contains("no sequence number or send time")))),
            "the report says why there is no latency:\n{v:#}"
        );
    }
}

#[test]
fn a_large_payload_does_not_reserve_a_thousand_of_them() {
    // 10 MB payloads under a 2 GB address-space limit: the generator used to reserve 1024 payloads
    // at once (10 GB; `--size 100000000` aborted on any machine).
    let broker = Broker::start();
    let port = broker.port_str();
    let out = crate::limits::run_in_2_gb(
        "/dev/null",
        &[
            "bench", "-p", &port, "-q", "1", "--size", "10000000", "--count", "2", "--json",
        ],
    );
    out.assert_success();
    let v = super::summary(&out);
    assert_eq!(
        ["sent", "received", "lost"].map(|k| int(&v, k)),
        [2, 2, 0],
        "in\n{v:#}"
    );
}

#[test]
fn an_unwritable_series_file_fails_before_the_run() {
    let broker = Broker::start();
    let port = broker.port_str();
    let mark = broker.log_mark();
    let out = run(
        &mqtk(),
        &[
            "bench",
            "-p",
            &port,
            "--count",
            "10",
            "-I",
            "series",
            "--series",
            "/nonexistent-dir/series.csv",
        ],
        None,
    );
    assert_eq!(
        (out.code, out.stdout_str().as_str()),
        (1, ""),
        "nothing measured:\n{out}"
    );
    assert_eq!(
        out.stderr_str(),
        "Error: cannot write the series to /nonexistent-dir/series.csv: No such file or directory (os error 2).\n"
    );
    assert!(
        !broker.log_since(mark).contains("series-pub-0"),
        "no client connected:\n{}",
        broker.log_since(mark)
    );
}
