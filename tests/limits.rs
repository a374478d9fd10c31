//! Bad input and absurd numbers: one clear line and the documented exit code, never a panic, an
//! abort, an allocation sized by user input or a password in a message.

// -F widths: streamed, not built in memory; wrapped like mosquitto_sub 2.1's C int.
mod widths;
// Durations and rates range-checked at parse time (pub --repeat-delay, sub -W).
mod durations;
// The largest payload MQTT allows.
mod payload;
// Topics over 65,535 bytes.
mod topics;
// No error path prints a password.
mod passwords;
// retain-clear --json when the run fails part way.
mod retain_json;
// sub --json with options it would ignore.
mod output_options;

use std::io::Read;
use std::path::PathBuf;

use crate::util::{Run, mqtk, run};

/// mosquitto 2.1's clients, when built on this machine (`/work/shared/mosquitto-2.1/build.sh`);
/// differential tests against them are skipped elsewhere, the fixed expectations still run.
pub fn mosquitto_21(name: &str) -> Option<PathBuf> {
    let path = PathBuf::from("/root/.cache/mosquitto-2.1/bin").join(name);
    path.exists().then_some(path)
}

/// The error lines of a usage failure, without blank lines and the "Use '… --help'" hint.
pub fn error_lines(out: &Run) -> Vec<String> {
    out.stderr_str()
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with("Use '"))
        .map(str::to_string)
        .collect()
}

/// What a (possibly huge) output stream held: its length, first 64 and last 64 bytes.
pub struct Counted {
    pub total: u64,
    pub head: Vec<u8>,
    pub tail: Vec<u8>,
}

/// Reads `stream` to its end without keeping it.
pub fn count(mut stream: impl Read) -> Counted {
    let mut c = Counted {
        total: 0,
        head: Vec::new(),
        tail: Vec::new(),
    };
    let mut chunk = vec![0u8; 1 << 20];
    loop {
        let n = stream.read(&mut chunk).expect("read output");
        if n == 0 {
            return c;
        }
        c.total += n as u64;
        if c.head.len() < 64 {
            c.head.extend_from_slice(&chunk[..n.min(64 - c.head.len())]);
        }
        c.tail.extend_from_slice(&chunk[n.saturating_sub(64)..n]);
        let keep = c.tail.len().saturating_sub(64);
        c.tail.drain(..keep);
    }
}

/// Runs mqtk with `args` under a 2 GB address-space limit (`ulimit -v`) and stdin from `stdin`: an
/// allocation sized by user input fails there on any machine, however much memory it has.
pub fn run_in_2_gb(stdin: &str, args: &[&str]) -> Run {
    let script = format!("ulimit -v 2000000; exec \"$0\" \"$@\" < {stdin}");
    let program = mqtk().display().to_string();
    let mut all = vec!["-c", &script, &program];
    all.extend_from_slice(args);
    run(std::path::Path::new("/bin/sh"), &all, None)
}
