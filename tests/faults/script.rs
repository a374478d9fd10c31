//! A scripted broker: a plain TCP listener on a free loopback port that speaks exact packet
//! sequences, for the packet orders a real broker will not produce on demand (a PUBREL replayed
//! after a reconnect, a PUBLISH with DUP after PUBREC, a drop between PUBREC and PUBREL, a
//! 3.1.1-shaped CONNACK to a v5 CONNECT). The test thread plays the broker's side step by step;
//! every read is bounded, so a client that does the wrong thing fails the test instead of hanging.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

/// How long the script waits for a connection or a packet.
pub const WAIT: Duration = Duration::from_secs(10);

/// MQTT control packet types (the high nibble of the first byte).
pub const CONNECT: u8 = 1;
pub const PUBLISH: u8 = 3;
pub const PUBREC: u8 = 5;
pub const PUBREL: u8 = 6;
pub const PUBCOMP: u8 = 7;
pub const SUBSCRIBE: u8 = 8;
pub const PINGREQ: u8 = 12;
pub const DISCONNECT: u8 = 14;

/// The listening side.
pub struct Script {
    listener: TcpListener,
    pub port: u16,
}

/// One packet as read: the first byte and the body after the remaining length.
#[derive(Debug, Clone)]
pub struct Packet {
    pub first: u8,
    pub body: Vec<u8>,
}

impl Packet {
    pub fn kind(&self) -> u8 {
        self.first >> 4
    }

    /// The packet id of an ack (PUBACK, PUBREC, PUBREL, PUBCOMP, SUBSCRIBE).
    pub fn pkid(&self) -> u16 {
        u16::from_be_bytes([self.body[0], self.body[1]])
    }
}

/// One accepted client connection.
pub struct Conn {
    stream: TcpStream,
    /// Whether the client spoke v5 in its CONNECT (acks then carry a properties length).
    pub v5: bool,
}

impl Script {
    pub fn start() -> Script {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let port = listener.local_addr().expect("local addr").port();
        listener.set_nonblocking(true).expect("nonblocking");
        Script { listener, port }
    }

    pub fn port_str(&self) -> String {
        self.port.to_string()
    }

    /// Accepts a subscriber: a new session (CONNACK session-present 0), its SUBSCRIBE granted.
    #[track_caller]
    pub fn accept_subscriber(&self) -> Conn {
        let mut conn = self.accept();
        conn.connack(false);
        let subscribe = conn.expect(SUBSCRIBE);
        conn.suback(&subscribe);
        conn
    }

    /// Waits for the next client connection and reads its CONNECT.
    #[track_caller]
    pub fn accept(&self) -> Conn {
        let deadline = Instant::now() + WAIT;
        let stream = loop {
            match self.listener.accept() {
                Ok((s, _)) => break s,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    assert!(
                        Instant::now() < deadline,
                        "no client connected within {WAIT:?}"
                    );
                    // Polling a non-blocking accept: there is no readiness event to await in std.
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(e) => panic!("accept: {e}"),
            }
        };
        stream.set_nonblocking(false).expect("blocking");
        stream.set_read_timeout(Some(WAIT)).expect("read timeout");
        stream.set_nodelay(true).expect("nodelay");
        let mut conn = Conn { stream, v5: false };
        let connect = conn.read();
        assert_eq!(connect.kind(), CONNECT, "first packet: {connect:?}");
        // Protocol name (2 + 4 bytes "MQTT") then the level.
        conn.v5 = connect.body.get(6) == Some(&5);
        conn
    }
}

/// The remaining-length varint.
fn remaining_length(mut n: usize, out: &mut Vec<u8>) {
    loop {
        let mut b = (n % 128) as u8;
        n /= 128;
        if n > 0 {
            b |= 0x80;
        }
        out.push(b);
        if n == 0 {
            break;
        }
    }
}

/// A packet from its first byte and body.
pub fn packet(first: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![first];
    remaining_length(body.len(), &mut out);
    out.extend_from_slice(body);
    out
}

impl Conn {
    /// Reads one packet; panics on timeout or EOF.
    #[track_caller]
    pub fn read(&mut self) -> Packet {
        self.try_read().unwrap_or_else(|| {
            panic!("the client closed the connection instead of sending a packet")
        })
    }

    /// Reads one packet; `None` when the client closed the connection.
    #[track_caller]
    pub fn try_read(&mut self) -> Option<Packet> {
        let mut first = [0u8; 1];
        match self.stream.read(&mut first) {
            Ok(0) => return None,
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return None,
            Err(e) => panic!("reading a packet: {e}"),
        }
        let mut len = 0usize;
        let mut shift = 0;
        loop {
            let mut b = [0u8; 1];
            self.stream.read_exact(&mut b).expect("remaining length");
            len |= usize::from(b[0] & 0x7f) << shift;
            shift += 7;
            if b[0] & 0x80 == 0 {
                break;
            }
        }
        let mut body = vec![0u8; len];
        self.stream.read_exact(&mut body).expect("packet body");
        Some(Packet {
            first: first[0],
            body,
        })
    }

    /// Reads until a packet of `kind` arrives, answering SUBSCRIBE (granting QoS 2 per filter)
    /// and PINGREQ on the way, as a broker would.
    #[track_caller]
    pub fn expect(&mut self, kind: u8) -> Packet {
        loop {
            let p = self.read();
            if p.kind() == kind {
                return p;
            }
            match p.kind() {
                SUBSCRIBE => self.suback(&p),
                PINGREQ => self.send(&[0xd0, 0]),
                other => panic!("expected packet type {kind}, got {other}: {p:?}"),
            }
        }
    }

    /// Answers a SUBSCRIBE, granting every filter the QoS it asked for.
    pub fn suback(&mut self, subscribe: &Packet) {
        let mut at = 2;
        if self.v5 {
            let (props, n) = varint(&subscribe.body[at..]);
            at += n + props;
        }
        let mut codes = Vec::new();
        while at < subscribe.body.len() {
            let len = usize::from(u16::from_be_bytes([
                subscribe.body[at],
                subscribe.body[at + 1],
            ]));
            at += 2 + len;
            codes.push(subscribe.body[at] & 3);
            at += 1;
        }
        let mut body = subscribe.body[..2].to_vec();
        if self.v5 {
            body.push(0);
        }
        body.extend_from_slice(&codes);
        self.send(&packet(0x90, &body));
    }

    pub fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).expect("write to the client");
    }

    /// CONNACK accepting the connection.
    pub fn connack(&mut self, session_present: bool) {
        let sp = u8::from(session_present);
        if self.v5 {
            self.send(&[0x20, 3, sp, 0, 0]);
        } else {
            self.send(&[0x20, 2, sp, 0]);
        }
    }

    /// An ack-shaped packet (PUBREL has flags 0010).
    pub fn ack(&mut self, kind: u8, pkid: u16) {
        let first = if kind == PUBREL { 0x62 } else { kind << 4 };
        let [a, b] = pkid.to_be_bytes();
        self.send(&packet(first, &[a, b]));
    }

    /// A PUBLISH at QoS 1 or 2 (`dup` sets the DUP flag).
    pub fn publish(&mut self, topic: &str, qos: u8, pkid: u16, dup: bool, payload: &[u8]) {
        let first = 0x30 | (u8::from(dup) << 3) | (qos << 1);
        let mut body = (topic.len() as u16).to_be_bytes().to_vec();
        body.extend_from_slice(topic.as_bytes());
        body.extend_from_slice(&pkid.to_be_bytes());
        if self.v5 {
            body.push(0);
        }
        body.extend_from_slice(payload);
        self.send(&packet(first, &body));
    }

    /// A v5 QoS 0 PUBLISH with a topic alias (`topic` empty: the alias alone).
    pub fn publish_alias(&mut self, topic: &str, alias: u16, payload: &[u8]) {
        let mut body = (topic.len() as u16).to_be_bytes().to_vec();
        body.extend_from_slice(topic.as_bytes());
        let [a, b] = alias.to_be_bytes();
        body.extend_from_slice(&[3, 0x23, a, b]);
        body.extend_from_slice(payload);
        self.send(&packet(0x30, &body));
    }

    /// Closes the connection (the broker "crashes").
    pub fn drop_connection(self) {
        let _ = self.stream.shutdown(std::net::Shutdown::Both);
    }
}

/// A variable byte integer: (value, bytes used).
fn varint(bytes: &[u8]) -> (usize, usize) {
    let mut value = 0usize;
    for (i, b) in bytes.iter().enumerate() {
        value |= usize::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return (value, i + 1);
        }
    }
    (value, bytes.len())
}
