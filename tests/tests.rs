//! The only integration-test root for mqtk: everything under tests/ is a
//! module of this one binary, so the helpers compile once.

// Spawns a private mosquitto broker per test (free port, temp dir, log file).
mod broker;
// Where the mosquitto 2.1 reference clients and broker are (tests/reference/mosquitto-2.1 builds them).
mod reference;
// Runs the mqtk binary and reference clients with one timeout, alias symlinks, diffing asserts.
mod util;
// A Rust MQTT subscriber (v3.1.1 or v5) on a background thread, for seeing what was delivered.
mod subscriber;
// The differential runner of the pub and sub tables: compare both clients' runs, report every case.
mod differential;
// Sanity tests proving the harness itself works.
mod harness;
// The module layout read from src/: imports point one way (the grep-able rules of issue 11).
mod layout;
// The checked-in completions/ and man/ match what `mqtk generate` writes now.
mod generated;
// The README's try-it commands, and the hint when no broker listens on localhost:1883.
mod first_run;
// mqtk --help, mqtk COMMAND --help and the man pages agree (one clap definition per command).
mod help;
// What every start loads: no libgcc_s (build.rs links the unwinder statically).
mod startup;
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
// MQTT 3.1 (-V 31): pub and sub against the 2.0.11 and 2.1 brokers, differential with the 2.1 clients.
mod mqtt31;
// --trace and --trace-format json: each QoS step in order, timed, on stderr, never the password.
mod trace;
// Bad input and absurd numbers: range checks, bounded memory, limits, passwords never printed.
mod limits;
// Binary payloads: pub --encode | sub --decode per format, Sparkplug B aliases and seq gaps (mqtk only).
mod decode;
// pub --replay of what sub --json recorded: topics, QoS, retain, v5 properties, exact bytes, gaps.
mod replay;
// mqtk rr and the mosquitto_rr alias: differential tests against mosquitto_rr 2.1, mqtk's correlation matching.
mod rr;
// Faults: brokers killed and restarted, a scripted broker for exact packet orders, signals, EPIPE.
mod faults;
// Another broker (amqtt, from PyPI): QoS 0-2, wildcards, retained, pub -l with 10,000 lines.
mod interop;
