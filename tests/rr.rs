//! `mqtk rr` and the `mosquitto_rr` alias: differential tests against mosquitto_rr 2.1 on Debian's
//! 2.0.11 broker and on the 2.1 broker, argument errors, and the mqtk-only features (correlation
//! data, `-C`, JSONPath and NDJSON output, `--trace`, exit 27's message).
//!
//! Responses come from a scripted responder ([`responder::Responder`]) that answers each request it
//! sees, so a run waits for an event, never for time; only the timeout cases wait out `-W 1`.

// The scripted v5 responder (transport.rs uses it too).
pub mod responder;
// The same arguments to mosquitto_rr 2.1 and to the alias, on both brokers; argument errors.
mod differential;
// mqtk rr's own behaviour: correlation matching, -C, --json-path/--where/--json, --trace, exit 27.
mod mqtk;

use std::path::Path;

use crate::differential::Outcome;
use crate::util::{Run, run};

/// Runs an rr program against the broker on `port` with `args` (and `stdin`).
/// A leading `rr` (for `mqtk rr`) stays first.
pub fn rr(program: &Path, port: u16, args: &[&str], stdin: Option<&[u8]>) -> Run {
    let port = port.to_string();
    let (word, rest) = match args.split_first() {
        Some((&"rr", rest)) => (Some("rr"), rest),
        _ => (None, args),
    };
    let mut all: Vec<&str> = word.into_iter().collect();
    all.extend(["-p", port.as_str()]);
    all.extend_from_slice(rest);
    run(program, &all, stdin)
}

/// What varies between runs of the same case: client ids in `-d` lines, the latency figure, the
/// `%j`/`%J` timestamp.
pub fn normalise(bytes: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        let line = if let Some(rest) = line.strip_prefix("Client ") {
            let after = rest.split_once(' ').map_or("", |(_, a)| a);
            format!("Client ID {after}")
        } else if line.starts_with("Latency: ") {
            let end = if line.ends_with('\n') { "\n" } else { "" };
            format!("Latency: N{end}")
        } else {
            line.to_string()
        };
        // 2.1 prints `%j`/`%J`'s retain flag as a boolean, 2.0.11 as a number: mqtk's format module
        // follows 2.0.11 until the 2.1 output lands for sub (issue 14, the v21 branch); then this
        // goes.
        let line = line
            .replace("\"retain\":\tfalse", "\"retain\":\t0")
            .replace("\"retain\":false", "\"retain\":0");
        out.push_str(&without_timestamps(&line));
    }
    out.into_bytes()
}

/// `"tst": "…"` (compact or `--pretty`) with the time taken out.
fn without_timestamps(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(i) = rest.find("\"tst\":") {
        out.push_str(&rest[..i + 6]);
        rest = &rest[i + 6..];
        let quote = rest.find('"').map(|q| q + 1);
        match quote.and_then(|q| rest[q..].find('"').map(|e| q + e + 1)) {
            Some(end) => {
                out.push_str(&rest[..quote.unwrap_or(0)]);
                out.push_str("T\"");
                rest = &rest[end..];
            }
            None => break,
        }
    }
    out.push_str(rest);
    out
}

/// Both runs of a case, normalised.
pub fn outcome(label: &str, real: Run, ours: Run) -> Outcome {
    Outcome {
        label: label.to_string(),
        real,
        ours,
    }
    .normalise(normalise)
}

#[test]
fn normalise_takes_out_what_varies() {
    let run = b"Client auto-1234 sending CONNECT\nLatency: 1.5ms\n{\"tst\":\"2026-01-01T00:00:00\",\"a\":1}\n";
    assert_eq!(
        String::from_utf8(normalise(run)).unwrap(),
        "Client ID sending CONNECT\nLatency: N\n{\"tst\":\"T\",\"a\":1}\n"
    );
}
