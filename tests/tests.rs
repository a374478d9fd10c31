//! The only integration-test root for mqtk: everything under tests/ is a
//! module of this one binary, so the helpers compile once.

// Spawns a private mosquitto broker per test (free port, temp dir, log file).
mod broker;
// Runs the mqtk binary and reference clients, alias symlinks, asserts, a Rust test subscriber.
mod util;
// Sanity tests proving the harness itself works.
mod harness;
// The checked-in completions/ and man/ match what `mqtk generate` writes now.
mod generated;
// mqtk pub: differential tests against mosquitto_pub, errors, mqtk-only fixes, streaming.
mod publish;
// mqtk sub and the mosquitto_sub alias: differential tests against mosquitto_sub, JSON-path, NDJSON.
mod subscribe;
// mqtk retain-clear against a real broker: exclusions, dry run, verify, $ topics, '#' refusal, 10,000 topics.
mod retain_clear;
// mqtk bench against a real mosquitto: counts, loss, the JSON summary's shape and the series files.
mod bench;
// TLS against mosquitto listeners with a PKI made at test time: trust, names, expiry, mutual TLS, wss, exit 8.
mod tls;
// WebSockets, Unix sockets, SOCKS5/HTTP proxies, -A, passwords from a file or the environment, options files.
mod transport;
// --trace and --trace-format json: each QoS step in order, timed, on stderr, never the password.
mod trace;
// Bad input and absurd numbers: range checks, bounded memory, limits, passwords never printed.
mod limits;
