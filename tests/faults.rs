//! Faults are normal: brokers SIGKILLed and restarted with persistence at chosen points, a scripted
//! broker for exact packet orders, signals in every state, a closed stdout, endless reconnects.
//! What each test proves is listed in the README's "Guarantees" section.

use std::time::Duration;

/// Generous bound for anything a test waits on; a hang fails the test instead of blocking CI.
pub const T: Duration = Duration::from_secs(20);

// The scripted broker: a std TCP server the test drives packet by packet.
mod script;
// Incoming QoS 2 against the scripted broker: a replayed PUBREL, a DUP PUBLISH after PUBREC.
mod qos2;
// Incoming v5 topic aliases against the scripted broker.
mod alias;
// A PUBREL and the PUBLISH its read made room for leave in one write.
mod batching;
// The same packet ending the connection three times in a row stops the client.
mod loops;
// A 3.1.1-shaped CONNACK refusing a v5 CONNECT.
mod connack;
// Real brokers restarted (SIGTERM with persistence, SIGKILL) with clients mid-stream.
mod restart;
// A subscriber with its stdout closed acknowledges nothing.
mod stdout;
// A message over the broker's v5 maximum packet size.
mod oversize;
// mosquitto's short v5 DISCONNECT.
mod disconnect;
// SIGINT/SIGTERM in every state: connecting, back-off, waiting for acks, bench, retain-clear.
mod signals;
