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

use std::path::PathBuf;

/// mosquitto 2.1's clients, when built on this machine (`/work/shared/mosquitto-2.1/build.sh`);
/// differential tests against them are skipped elsewhere, the fixed expectations still run.
pub fn mosquitto_21(name: &str) -> Option<PathBuf> {
    let path = PathBuf::from("/root/.cache/mosquitto-2.1/bin").join(name);
    path.exists().then_some(path)
}
