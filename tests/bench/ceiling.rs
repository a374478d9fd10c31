//! The broker's ceiling for `pub -l`: how many messages per second the broker takes from an ideal
//! publisher on this machine. tests/bench/pub.sh compiles it with `rustc -O` (std only, no crates)
//! and reports it next to mosquitto_pub and mqtk, so that a target above what the broker can take
//! shows as such instead of as a slow client.
//!
//! The ideal publisher is a raw MQTT 3.1.1 client with no per-message work left: every PUBLISH is
//! prebuilt, as many as the window allows go out in one write, and acks are read in bulk. At QoS 0 it
//! writes everything, sends DISCONNECT and waits until the broker closes the connection (so the
//! broker has read every message); at QoS 1/2 at most WINDOW messages are in flight (mosquitto_pub's
//! `-M`, default 20), exactly like the clients it is compared with.
//!
//! Usage: ceiling HOST PORT QOS COUNT WINDOW PAYLOAD_BYTES [TOPIC]. Prints the messages per second on
//! stdout. TOPIC (default `bench/ceiling`) matters: the broker's work per message grows with the
//! topic's levels, so a probe compared with a client publishes to a topic of the same shape.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::exit;
use std::time::Instant;

const TOPIC: &str = "bench/ceiling";
/// Bytes written per system call at QoS 0.
const WRITE_CHUNK: usize = 256 * 1024;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if !(6..=7).contains(&args.len()) {
        fail("usage: ceiling HOST PORT QOS COUNT WINDOW PAYLOAD_BYTES [TOPIC]");
    }
    let topic = args.get(6).map_or(TOPIC, String::as_str).as_bytes();
    let number = |i: usize| -> usize { args[i].parse().unwrap_or_else(|_| fail("not a number")) };
    let (qos, count, window, size) = (number(2) as u8, number(3), number(4), number(5));
    if qos > 2 || window == 0 || window >= 65535 {
        fail("QOS must be 0..2 and WINDOW 1..65534");
    }
    let mut stream = TcpStream::connect((args[0].as_str(), number(1) as u16))
        .unwrap_or_else(|e| fail(&format!("connect: {e}")));
    stream.set_nodelay(true).ok();
    connect(&mut stream);

    let start = Instant::now();
    if qos == 0 {
        publish_qos0(&mut stream, topic, count, size);
    } else {
        publish_acked(&mut stream, topic, qos, count, window, size);
    }
    write(&mut stream, &[0xe0, 0]);
    // The broker closes the connection once it has handled DISCONNECT, so after every PUBLISH.
    let mut sink = [0u8; 4096];
    while matches!(stream.read(&mut sink), Ok(n) if n > 0) {}
    let seconds = start.elapsed().as_secs_f64();
    println!("{:.0}", count as f64 / seconds);
}

pub(crate) fn fail(message: &str) -> ! {
    eprintln!("ceiling: {message}");
    exit(1)
}

pub(crate) fn write(stream: &mut TcpStream, bytes: &[u8]) {
    stream
        .write_all(bytes)
        .unwrap_or_else(|e| fail(&format!("write: {e}")));
}

/// CONNECT (3.1.1, clean session, keepalive 60, empty client id) and wait for CONNACK 0.
pub(crate) fn connect(stream: &mut TcpStream) {
    write(
        stream,
        &[0x10, 12, 0, 4, b'M', b'Q', b'T', b'T', 4, 0x02, 0, 60, 0, 0],
    );
    let mut connack = [0u8; 4];
    stream
        .read_exact(&mut connack)
        .unwrap_or_else(|e| fail(&format!("CONNACK: {e}")));
    if connack[0] != 0x20 || connack[3] != 0 {
        fail(&format!("CONNACK refused: {connack:02x?}"));
    }
}

/// One PUBLISH packet; `packet_id` is 0 for QoS 0.
fn publish_packet(out: &mut Vec<u8>, topic: &[u8], qos: u8, packet_id: u16, payload: &[u8]) {
    let id_len = if qos > 0 { 2 } else { 0 };
    let mut remaining = 2 + topic.len() + id_len + payload.len();
    out.push(0x30 | (qos << 1));
    loop {
        let mut byte = (remaining % 128) as u8;
        remaining /= 128;
        if remaining > 0 {
            byte |= 0x80;
        }
        out.push(byte);
        if remaining == 0 {
            break;
        }
    }
    out.extend_from_slice(&(topic.len() as u16).to_be_bytes());
    out.extend_from_slice(topic);
    if qos > 0 {
        out.extend_from_slice(&packet_id.to_be_bytes());
    }
    out.extend_from_slice(payload);
}

fn publish_qos0(stream: &mut TcpStream, topic: &[u8], count: usize, size: usize) {
    let payload = vec![b'7'; size];
    let mut buffer = Vec::with_capacity(WRITE_CHUNK + size + 64);
    for _ in 0..count {
        publish_packet(&mut buffer, topic, 0, 0, &payload);
        if buffer.len() >= WRITE_CHUNK {
            write(stream, &buffer);
            buffer.clear();
        }
    }
    write(stream, &buffer);
}

/// QoS 1 (PUBLISH, PUBACK) or 2 (PUBLISH, PUBREC, PUBREL, PUBCOMP) with WINDOW messages in flight;
/// the broker acks in order, so packet ids cycle through 1..=65535 without collisions.
fn publish_acked(
    stream: &mut TcpStream,
    topic: &[u8],
    qos: u8,
    count: usize,
    window: usize,
    size: usize,
) {
    let payload = vec![b'7'; size];
    let (mut sent, mut done) = (0usize, 0usize);
    let mut out = Vec::new();
    let mut input = vec![0u8; 64 * 1024];
    let mut filled = 0;
    while done < count {
        while sent < count && sent - done < window {
            publish_packet(&mut out, topic, qos, (sent % 65535) as u16 + 1, &payload);
            sent += 1;
        }
        if !out.is_empty() {
            write(stream, &out);
            out.clear();
        }
        let n = stream
            .read(&mut input[filled..])
            .unwrap_or_else(|e| fail(&format!("read: {e}")));
        if n == 0 {
            fail("the broker closed the connection");
        }
        filled += n;
        let mut at = 0;
        // Every ack is 4 bytes: type, remaining length 2, packet id.
        while filled - at >= 4 {
            match input[at] >> 4 {
                4 if qos == 1 => done += 1,
                5 if qos == 2 => out.extend_from_slice(&[0x62, 2, input[at + 2], input[at + 3]]),
                7 if qos == 2 => done += 1,
                other => fail(&format!("unexpected packet type {other}")),
            }
            at += 4;
        }
        input.copy_within(at..filled, 0);
        filled -= at;
    }
}
