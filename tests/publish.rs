//! `mqtk pub` and its `mosquitto_pub` personality, observed through a real broker.
//!
//! Differential tests run the same arguments through `/usr/bin/mosquitto_pub` and through our
//! `mosquitto_pub` symlink against one broker, and compare what a subscriber receives plus the exit
//! code and the output bytes. The helpers here are shared by the submodules.

// The differential table runner: one invocation, both clients, one broker.
mod table;
// Differential tables over successful invocations: payload sources, QoS, v5, connection, -d, options file.
mod differential;
// Differential tables over argument errors, one case per rule.
mod errors;
// Which of several errors wins, and the checks made after parsing (will, session, property lists).
mod order;
// Connection and runtime failures, and what --quiet hides.
mod failures;
// CONNECT packets and the last will, seen through a recording proxy.
mod connect;
// A TCP proxy that records the packets a client sends and can cut the connection.
mod proxy;
// Behaviour that differs on purpose under the `mqtk pub` / `mqtk-pub` names.
mod mqtk;
// Line mode and volume: streaming stdin, 100,000 lines, a 10 MB payload.
mod streaming;
// A v5 broker's CONNACK limits (maximum QoS, retain available): checked before publishing.
mod v5_limits;
// Line mode across a lost connection (session takeover): reconnects, loses nothing; -m exits 7.
mod reconnect;
// What line mode sends again after a reconnect, against a broker that drops mid-handshake.
mod resend;
// mosquitto 2.1's connection options: --no-tls, -x selecting v5, --ws and ws:// URLs.
mod v21;
// Every v5 PUBLISH property at once: the PUBLISH bytes and sub's JSON of it, as 2.1's clients.
mod property_round_trip;
// Many PUBLISHes per write (the vendored rumqttc's batching), order and acknowledgements intact.
mod batching;
// `-l`'s window of messages in flight: the v5 receive maximum under the mqtk name, else 20.
mod window;

use std::path::PathBuf;

use crate::subscriber::{Msg, Subscriber};
use crate::util::{self, Alias};

/// Patience for anything that should happen promptly (a message, an exit).
pub use crate::util::T;

/// The reference client: mosquitto 2.1's mosquitto_pub.
pub fn real() -> PathBuf {
    crate::reference::mosquitto_21("mosquitto_pub")
}

/// `mqtk pub` as its argv prefix: `mqtk pub ARGS…` is `run(&util::mqtk(), &mqtk_pub(&ARGS))`.
pub fn mqtk_pub<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut all = vec!["pub"];
    all.extend_from_slice(args);
    all
}

/// Our binary under the aliases, kept alive as long as the value.
pub struct Ours {
    alias: Alias,
}

impl Ours {
    pub fn new() -> Ours {
        Ours {
            alias: Alias::new(),
        }
    }

    /// The `mosquitto_pub` symlink (mosquitto personality).
    pub fn mosquitto_pub(&self) -> PathBuf {
        self.alias.path("mosquitto_pub")
    }

    /// The `mqtk-pub` symlink (mqtk personality).
    pub fn mqtk_pub(&self) -> PathBuf {
        self.alias.path("mqtk-pub")
    }
}

/// Credentials for a publish made to prove ordering (see [`fence`]).
pub type Creds<'a> = Option<(&'a str, &'a str)>;

/// Everything `sub` receives before a marker that the reference client publishes now at QoS 1.
///
/// The broker forwards messages to one subscriber in the order it accepted them, and a publisher has
/// exited (its packets accepted) before the marker is even sent, so this returns exactly what the
/// publisher delivered, without sleeping. `sub` must be subscribed to `#`.
#[track_caller]
pub fn fence(port: u16, creds: Creds, sub: &Subscriber) -> Vec<Msg> {
    fence_at(port, creds, sub, "1")
}

/// [`fence`] with the marker at `qos`: QoS 0 for a broker configured with `max_qos 0`, which
/// disconnects a v3.1.1 client publishing at QoS 1. The order still holds: the marker's PUBLISH
/// follows a CONNACK, so the broker has read what the earlier publisher wrote before it.
#[track_caller]
pub fn fence_at(port: u16, creds: Creds, sub: &Subscriber, qos: &str) -> Vec<Msg> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let marker = format!("fence-{}", N.fetch_add(1, Ordering::Relaxed));
    let port = port.to_string();
    let mut args = vec!["-p", &port, "-t", "fence", "-m", &marker, "-q", qos];
    if let Some((u, p)) = creds {
        args.extend(["-u", u, "-P", p]);
    }
    util::run(&real(), &args, None).assert_success();
    let mut got = Vec::new();
    loop {
        match sub.recv(T) {
            Some(m) if m.topic == "fence" && m.payload == marker.as_bytes() => return got,
            Some(m) => got.push(m),
            None => panic!("fence {marker} did not arrive within {T:?}; before it: {got:#?}"),
        }
    }
}

/// Replaces the ids a broker assigns (`auto-` + an upper-case UUID) with `auto-<ID>`, so `-d` output
/// of two runs can be compared.
pub fn normalise_ids(text: &[u8]) -> Vec<u8> {
    const PREFIX: &[u8] = b"auto-";
    const UUID_LEN: usize = 36;
    let is_uuid = |s: &[u8]| {
        s.len() == UUID_LEN
            && s.iter().enumerate().all(|(i, &b)| match i {
                8 | 13 | 18 | 23 => b == b'-',
                _ => b.is_ascii_hexdigit(),
            })
    };
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        if rest.starts_with(PREFIX)
            && rest.len() >= PREFIX.len() + UUID_LEN
            && is_uuid(&rest[PREFIX.len()..PREFIX.len() + UUID_LEN])
        {
            out.extend_from_slice(b"auto-<ID>");
            i += PREFIX.len() + UUID_LEN;
        } else {
            out.push(text[i]);
            i += 1;
        }
    }
    out
}

#[test]
fn normalise_ids_replaces_only_uuids() {
    let text = b"Client auto-9813EE49-0EBC-221F-797D-9AEABD4EAA45 received CONNACK (0)\nauto-x\n";
    assert_eq!(
        normalise_ids(text),
        b"Client auto-<ID> received CONNACK (0)\nauto-x\n"
    );
}
