//! Durations typed on the command line are range-checked where they are parsed: no panic converting
//! float seconds, no deadline past the end of the clock.

use super::error_lines;
use crate::broker::Broker;
use crate::util::{Alias, mqtk, run};

#[test]
fn mqtk_refuses_absurd_durations_in_one_line() {
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "pub",
                "-t",
                "a",
                "-m",
                "b",
                "--repeat",
                "2",
                "--repeat-delay",
                "1e308",
            ],
            "Error: --repeat-delay must be 0 or more and at most 1000000000 seconds, got 1e308.",
        ),
        (
            &["sub", "-t", "a", "-W", "9223372036854775807"],
            "Error: -W must be greater than 0 and at most 1000000000 seconds, got 9.223372036854776e18.",
        ),
        (
            &[
                "rr",
                "-t",
                "a",
                "-e",
                "b",
                "-m",
                "x",
                "-W",
                "9223372036854775807",
            ],
            "Error: -W must be greater than 0 and at most 1000000000 seconds, got 9.223372036854776e18.",
        ),
        (
            &["bench", "conn", "--duration", "1e20"],
            "Error: --duration must be greater than 0 and at most 1000000000 seconds, got 1e20.",
        ),
        (
            &["bench", "conn", "--duration", "5", "--churn", "1e300"],
            "Error: --churn must be between 0.000000001 and 1000000000 per second, got 1e300.",
        ),
        (
            &["bench", "--start-at", "+1e300"],
            "Error: --start-at takes an RFC 3339 time (2026-12-07T01:00:00Z) or +SECONDS, got '+1e300'.",
        ),
    ];
    for (args, message) in cases {
        let mut all = args.to_vec();
        all.extend_from_slice(&["-h", "127.0.0.1", "-p", "1"]);
        let out = run(&mqtk(), &all, None);
        assert_eq!(out.code, 1, "{args:?}: {out}");
        assert_eq!(error_lines(&out), [*message], "{args:?}: {out}");
    }
}

#[test]
fn mosquitto_pub_publishes_at_once_when_the_delay_overflows_its_int() {
    // mosquitto_pub 2.1 converts the delay to int microseconds; past INT_MAX it wraps negative and
    // the repeats go out at once (it did not crash, and neither may we).
    let broker = Broker::start();
    let port = broker.port_str();
    let alias = Alias::new();
    let mark = broker.log_mark();
    for delay in ["1e308", "inf", "3000"] {
        let out = run(
            &alias.path("mosquitto_pub"),
            &[
                "-p",
                &port,
                "-t",
                "rd",
                "-m",
                "x",
                "--repeat",
                "2",
                "--repeat-delay",
                delay,
                "-i",
                "rd",
            ],
            None,
        );
        assert_eq!(
            (out.code, out.stderr_str().as_str()),
            (0, ""),
            "{delay}: {out}"
        );
    }
    let publishes = broker
        .log_since(mark)
        .matches("Received PUBLISH from rd")
        .count();
    assert_eq!(publishes, 6, "{}", broker.log_since(mark));
}
