//! The only integration-test root for mqtk: everything under tests/ is a
//! module of this one binary, so the helpers compile once.

// Spawns a private mosquitto broker per test (free port, temp dir, log file).
mod broker;
// Runs the mqtk binary and reference clients, alias symlinks, asserts, a Rust test subscriber.
mod util;
// Sanity tests proving the harness itself works.
mod harness;
// mod publish; // mqtk pub behaviour and differential tests against mosquitto_pub
