//! `sub -F` with absurd widths: padding is written as it goes (memory stays flat under a 300 MB
//! address-space limit while 500 MB of padding goes out), and widths wrap as mosquitto_sub 2.1's do.

use std::io::Read;
use std::process::{Command, Stdio};

use super::mosquitto_21;
use crate::broker::Broker;
use crate::util::{Alias, real, run};

const T: std::time::Duration = std::time::Duration::from_secs(20);

/// Runs `sub_cmd -p PORT -t w -C 1 -i ID -F FORMAT` (through `sh`, after `ulimit -v LIMIT_KB`),
/// publishes "hello" once it has subscribed, and returns (exit code, stdout bytes counted, the first
/// 64 bytes and the last 64, stderr).
fn sub_output(
    broker: &Broker,
    sub_cmd: &std::path::Path,
    format: &str,
    limit_kb: u64,
) -> (i32, u64, Vec<u8>, Vec<u8>, String) {
    let port = broker.port_str();
    let id = format!("w{}", std::process::id());
    let mark = broker.log_mark();
    let script = format!("ulimit -v {limit_kb}; exec \"$0\" \"$@\"");
    let mut child = Command::new("sh")
        .args(["-c", &script])
        .arg(sub_cmd)
        .args(["-p", &port, "-t", "w", "-C", "1", "-i", &id, "-F", format])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn sh");
    broker.expect_log_since(mark, &format!("Sending SUBACK to {id}"), T);
    run(
        &real("mosquitto_pub"),
        &["-p", &port, "-t", "w", "-m", "hello"],
        None,
    )
    .assert_success();
    let counted = super::count(child.stdout.take().expect("stdout"));
    let mut stderr = String::new();
    let _ = child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr);
    let code = child.wait().expect("wait").code().unwrap_or(-1);
    (code, counted.total, counted.head, counted.tail, stderr)
}

#[test]
fn a_500_mb_width_is_streamed_in_bounded_memory() {
    let broker = Broker::start();
    let alias = Alias::new();
    // Before: one buffer as wide as the width, an abort under this limit.
    for sub in [alias.path("mqtk-sub"), alias.path("mosquitto_sub")] {
        let (code, total, head, tail, stderr) = sub_output(&broker, &sub, "%500000000p", 300_000);
        assert_eq!((code, stderr.as_str()), (0, ""), "{}", sub.display());
        assert_eq!(total, 500_000_001, "{}: width plus newline", sub.display());
        assert_eq!(head, vec![b' '; 64]);
        assert!(
            tail.ends_with(b"hello\n"),
            "{:?}",
            String::from_utf8_lossy(&tail)
        );
    }
}

#[test]
fn wrapped_widths_match_mosquitto_sub_2_1() {
    let broker = Broker::start();
    let alias = Alias::new();
    let ours = alias.path("mosquitto_sub");
    let theirs = mosquitto_21("mosquitto_sub");
    for (format, want) in [
        ("%4294967301p|", &b"hello|\n"[..]),
        ("%-4294967301p|", b"hello|\n"),
        ("%4294967297p", b"h\n"),
        ("%3000000000p", b"hello\n"),
    ] {
        let (code, total, head, _, stderr) = sub_output(&broker, &ours, format, 2_000_000);
        assert_eq!((code, stderr.as_str()), (0, ""), "{format}");
        assert_eq!(
            (total, head.as_slice()),
            (want.len() as u64, want),
            "{format}"
        );
        if let Some(theirs) = &theirs {
            let (code, total, head, _, _) = sub_output(&broker, theirs, format, 2_000_000);
            assert_eq!(
                (code, total, head.as_slice()),
                (0, want.len() as u64, want),
                "mosquitto_sub 2.1, {format}"
            );
        }
    }
}
