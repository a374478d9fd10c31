//! mosquitto 2.1's sub options, differential with 2.1's mosquitto_sub: `-w/--watch`,
//! `--retain-handling`, `--message-rate`, `-U` without `-t`, `-F` floats and hex separators. The
//! option tests run on both brokers users run (Debian's 2.0.11 and 2.1).

use super::{Case, differential_runs, mqtk_sub, publish, retain};
use crate::broker::Broker;
use crate::differential::Stdout;
use crate::reference::mosquitto_21;
use crate::util::W;

/// Debian's 2.0.11 broker and the 2.1 build's.
fn brokers() -> [Broker; 2] {
    [
        Broker::start(),
        Broker::with_program(mosquitto_21("mosquitto"), ""),
    ]
}

/// `-p PORT` and `args` as one case.
fn case(broker: &Broker, args: &[&str]) -> Case {
    let port = broker.port_str();
    let mut all = vec!["-p", port.as_str()];
    all.extend_from_slice(args);
    Case::new(&all)
}

/// -w: the screen is cleared, `Broker: HOST` on line 1, each topic on its own line (a topic seen
/// again goes back to its line), byte for byte as 2.1 draws it. `mqtk sub -w` into a pipe prints
/// plain lines.
#[test]
fn watch_draws_one_line_per_topic() {
    for broker in brokers() {
        for (t, v) in [("w/a", "1"), ("w/b", "2"), ("w/c", "3")] {
            retain(&broker, t, v.as_bytes());
        }
        let outcomes = differential_runs(vec![
            case(&broker, &["-t", "w/#", "-w", "-C", "3"]),
            case(&broker, &["-t", "w/#", "--watch", "-C", "3", "-v"]),
        ]);
        let first = &outcomes[0].ours.stdout;
        assert!(
            first.starts_with(b"\x1b[2J\x1b[1;1HBroker: localhost\n\x1b[2;1H1\n\x1b[2;1H\n"),
            "{}",
            super::escaped(first)
        );
        for o in outcomes {
            o.assert_same();
        }
        let port = broker.port_str();
        let plain = mqtk_sub(&["-p", &port, "-t", "w/#", "-w", "-C", "3"]);
        assert_eq!(plain.stdout_str(), "1\n2\n3\n", "{plain}");
    }
}

/// --retain-handling always|new|never on a v5 subscription, its error text, and -R.
#[test]
fn retain_handling() {
    for broker in brokers() {
        retain(&broker, "rh/a", b"kept");
        let v5 = |handling: &str, stop: &[&str]| {
            let mut args = vec!["-V", "5", "-t", "rh/#", "--retain-handling", handling];
            args.extend_from_slice(stop);
            case(&broker, &args)
        };
        let outcomes = differential_runs(vec![
            v5("never", &["-W", W]),
            v5("always", &["-C", "1"]),
            v5("new", &["-C", "1"]),
            v5("always", &["-R", "-W", W]),
            case(&broker, &["-t", "rh/#", "--retain-handling", "sometimes"]),
            case(&broker, &["-t", "rh/#", "--retain-handling"]),
        ]);
        assert_eq!(outcomes[1].ours.stdout, b"kept\n");
        assert_eq!(outcomes[0].ours.code, 27);
        for o in outcomes {
            o.assert_same();
        }
    }
}

/// --message-rate prints `N msgs/s` once a second instead of the messages (how many lines fit in
/// -W depends on timing, so the lines' shape and the total are compared, not the bytes).
#[test]
fn message_rate_counts_instead_of_printing() {
    let broker = Broker::start();
    for t in ["mr/1", "mr/2", "mr/3"] {
        retain(&broker, t, b"x");
    }
    let outcomes = differential_runs(vec![case(
        &broker,
        &["-t", "mr/#", "--message-rate", "-W", "3", "-v"],
    )]);
    for run in [&outcomes[0].real, &outcomes[0].ours] {
        assert_eq!(
            (run.code, run.stderr_str().as_str()),
            (27, "Timed out\n"),
            "{run}"
        );
        let total: u64 = run
            .stdout_str()
            .lines()
            .map(|l| {
                let n = l
                    .strip_suffix(" msgs/s")
                    .unwrap_or_else(|| panic!("line {l:?}"));
                n.parse::<u64>().unwrap_or_else(|_| panic!("line {l:?}"))
            })
            .sum();
        assert_eq!(total, 3, "{run}");
    }
}

/// -U alone is enough in 2.1: it connects, unsubscribes and waits; no -t and no -U is an error
/// with 2.1's text.
#[test]
fn unsubscribe_without_topic() {
    let broker = Broker::start();
    let outcomes = differential_runs(vec![
        case(&broker, &["-U", "a/#", "-W", W, "-d", "-i", "u21"]),
        case(&broker, &["-v"]),
    ]);
    assert!(
        outcomes[0]
            .ours
            .stdout_str()
            .contains("sending UNSUBSCRIBE (Mid: 1, Topic: a/#)"),
        "{}",
        outcomes[0].ours
    );
    for o in outcomes {
        o.assert_same();
    }
}

/// -F %f and %d read a 4- or 8-byte payload as a float or double; %.2x groups hex digits with a
/// separator (a space, or the character before the conversion).
#[test]
fn float_and_hex_separator_formats() {
    let broker = Broker::start();
    publish(&broker, "fx/1", &1.5f32.to_ne_bytes(), &["-r", "-q", "1"]);
    publish(
        &broker,
        "fx/2",
        &(-2.25f64).to_ne_bytes(),
        &["-r", "-q", "1"],
    );
    publish(&broker, "fx/3", b"abcdef", &["-r", "-q", "1"]);
    let formats = [
        "%t [%f] [%.2d] [%08.3f] [%-9.1d]",
        "%t [%.2x] [%.4:X] [%6.2-x] [%-14.2;x] [%020.2|x]",
    ];
    let cases = formats
        .iter()
        .map(|f| case(&broker, &["-t", "fx/#", "-C", "3", "-F", f]))
        .collect();
    let outcomes = differential_runs(cases);
    assert!(
        outcomes[0].ours.stdout_str().contains("fx/1 [1.500000]"),
        "{}",
        outcomes[0].ours
    );
    for o in outcomes {
        o.assert_same();
    }
}

/// Everyday subscriptions on the 2.1 broker: -v, -d, -F and v5 JSON, as 2.1's mosquitto_sub.
#[test]
fn everyday_subscriptions_on_the_2_1_broker() {
    let broker = Broker::with_program(mosquitto_21("mosquitto"), "");
    let cases = vec![
        Case::new(&["-t", "ev/#", "-q", "2", "-C", "2", "-v", "-d"]),
        Case::new(&["-t", "ev/#", "-q", "1", "-C", "2", "-F", "%t|%p|%q|%r|%l"]),
        Case::new(&["-V", "5", "-t", "ev/#", "-C", "2", "-F", "%j"]),
    ];
    let outcomes = super::differential(&broker, cases, || {
        publish(&broker, "ev/a", b"one", &["-q", "2"]);
        publish(&broker, "ev/b", b"{\"n\":2}", &["-q", "1", "-V", "5"]);
    });
    for (i, o) in outcomes.into_iter().enumerate() {
        let o = o
            .normalise(super::normalise_ids)
            .normalise(super::normalise_clock);
        // The -d lines of a QoS 2 flow and the next message can interleave either way.
        let stdout = if i == 0 {
            Stdout::SameLines
        } else {
            Stdout::Same
        };
        let differences = o.differences(stdout);
        assert!(differences.is_empty(), "{}: {differences:#?}", o.label);
    }
}
