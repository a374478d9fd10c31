//! The broker's ceiling for `bench pubsub` at QoS 0: how many messages per second the broker takes
//! in *and delivers* between ideal clients on this machine. tests/bench/shapes.sh compiles it with
//! `rustc -O` (std only, no crates) and compares `mqtk bench --pubs N --subs N` with it, so the
//! broker does the same work in both: read every message from a publisher, match it, write it to a
//! subscriber.
//!
//! PAIRS publisher/subscriber pairs, pair i on topic TOPIC/i (the topic length is the broker's
//! work too: give the bench's). Every client is a raw MQTT 3.1.1 connection with no per-message
//! work left: a publisher writes prebuilt PUBLISH packets in 256 KiB writes, a subscriber reads
//! in 256 KiB reads and only walks the packet headers to count. The clock starts when the
//! publishers start writing (every subscriber has its SUBACK by then) and stops when the last
//! subscriber has every message of its publisher: the span `mqtk bench` measures its rate over.
//! A subscriber silent for 2 s stops waiting (QoS 0 may be dropped): what arrived is counted and
//! the shortfall reported on stderr.
//!
//! Usage: ceiling_pubsub HOST PORT PAIRS COUNT PAYLOAD_BYTES TOPIC. COUNT is the total over all
//! pairs. Prints the messages per second received on stdout.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

// The publish-only probe's CONNECT, write and failure, shared (rustc builds each probe alone).
#[allow(dead_code)]
mod ceiling;
use ceiling::{connect, fail, write};

const CHUNK: usize = 256 * 1024;
/// A subscriber silent this long has all it will get.
const IDLE: Duration = Duration::from_secs(2);

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() != 6 {
        fail("usage: ceiling_pubsub HOST PORT PAIRS COUNT PAYLOAD_BYTES TOPIC");
    }
    let number = |i: usize| -> usize { args[i].parse().unwrap_or_else(|_| fail("not a number")) };
    let (port, pairs, count, size) = (number(1) as u16, number(2), number(3), number(4));
    if pairs == 0 || count < pairs {
        fail("PAIRS must be at least 1 and COUNT at least PAIRS");
    }
    let host = args[0].clone();
    let per_pair = count / pairs;
    // Everyone connected and subscribed, then the publishers start together.
    let ready = Arc::new(Barrier::new(2 * pairs + 1));
    let (mut subs, mut pubs) = (Vec::new(), Vec::new());
    for i in 0..pairs {
        let topic = format!("{}/{i}", args[5]).into_bytes();
        let (h, r, sub_topic) = (host.clone(), ready.clone(), topic.clone());
        subs.push(thread::spawn(move || {
            let mut s = open(&h, port);
            subscribe(&mut s, &sub_topic);
            r.wait();
            drain(&mut s, per_pair)
        }));
        let (h, r) = (host.clone(), ready.clone());
        pubs.push(thread::spawn(move || {
            let mut s = open(&h, port);
            let packets = prebuilt(&topic, size, per_pair);
            r.wait();
            for chunk in packets.chunks(CHUNK) {
                write(&mut s, chunk);
            }
            // Keep the connection until the subscribers are done: closing it early is no work
            // the bench's publishers spare the broker.
            s
        }));
    }
    ready.wait();
    let start = Instant::now();
    let mut publishers = Vec::new();
    for p in pubs {
        publishers.push(p.join().unwrap_or_else(|_| fail("a publisher failed")));
    }
    let (mut received, mut last) = (0usize, start);
    for s in subs {
        let (n, at) = s.join().unwrap_or_else(|_| fail("a subscriber failed"));
        received += n;
        last = last.max(at);
    }
    for mut p in publishers {
        let _ = p.write_all(&[0xe0, 0]);
    }
    if received < per_pair * pairs {
        eprintln!(
            "ceiling_pubsub: {} of {} messages arrived (QoS 0 dropped by the broker)",
            received,
            per_pair * pairs
        );
    }
    let seconds = last.duration_since(start).as_secs_f64().max(1e-9);
    println!("{:.0}", received as f64 / seconds);
}

/// A connection that has its CONNACK.
fn open(host: &str, port: u16) -> TcpStream {
    let mut stream =
        TcpStream::connect((host, port)).unwrap_or_else(|e| fail(&format!("connect: {e}")));
    stream.set_nodelay(true).ok();
    connect(&mut stream);
    stream
}

/// SUBSCRIBE to `topic` at QoS 0 and wait for the SUBACK granting it.
fn subscribe(stream: &mut TcpStream, topic: &[u8]) {
    let mut packet = vec![0x82];
    remaining_length(&mut packet, 2 + 2 + topic.len() + 1);
    packet.extend_from_slice(&[0, 1]);
    packet.extend_from_slice(&(topic.len() as u16).to_be_bytes());
    packet.extend_from_slice(topic);
    packet.push(0);
    write(stream, &packet);
    let mut suback = [0u8; 5];
    stream
        .read_exact(&mut suback)
        .unwrap_or_else(|e| fail(&format!("SUBACK: {e}")));
    if suback[0] != 0x90 || suback[4] >= 0x80 {
        fail(&format!("SUBSCRIBE refused: {suback:02x?}"));
    }
}

fn remaining_length(out: &mut Vec<u8>, mut n: usize) {
    loop {
        let mut byte = (n % 128) as u8;
        n /= 128;
        if n > 0 {
            byte |= 0x80;
        }
        out.push(byte);
        if n == 0 {
            return;
        }
    }
}

/// `count` QoS 0 PUBLISH packets to `topic`, back to back.
fn prebuilt(topic: &[u8], size: usize, count: usize) -> Vec<u8> {
    let payload = vec![b'7'; size];
    let mut one = vec![0x30];
    remaining_length(&mut one, 2 + topic.len() + size);
    one.extend_from_slice(&(topic.len() as u16).to_be_bytes());
    one.extend_from_slice(topic);
    one.extend_from_slice(&payload);
    one.repeat(count)
}

/// Reads until `want` PUBLISH packets arrived (or [`IDLE`] without any); returns how many and when
/// the last one did.
fn drain(stream: &mut TcpStream, want: usize) -> (usize, Instant) {
    stream.set_read_timeout(Some(IDLE)).ok();
    let mut buffer = vec![0u8; CHUNK];
    let (mut filled, mut got, mut last) = (0usize, 0usize, Instant::now());
    while got < want {
        let n = match stream.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => break,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => fail(&format!("read: {e}")),
        };
        last = Instant::now();
        filled += n;
        let mut at = 0;
        // Whole packets: a type byte, a remaining length of up to 4 bytes, then the rest.
        while let Some(len) = packet_len(&buffer[at..filled]) {
            if buffer[at] >> 4 == 3 {
                got += 1;
            }
            at += len;
        }
        buffer.copy_within(at..filled, 0);
        filled -= at;
        if filled == buffer.len() {
            buffer.resize(buffer.len() * 2, 0);
        }
    }
    (got, last)
}

/// The length of the whole packet at the start of `bytes`, if all of it is there.
fn packet_len(bytes: &[u8]) -> Option<usize> {
    let (mut n, mut shift) = (0usize, 0);
    for i in 1..5 {
        let byte = *bytes.get(i)?;
        n |= usize::from(byte & 0x7f) << shift;
        shift += 7;
        if byte & 0x80 == 0 {
            let total = 1 + i + n;
            return (bytes.len() >= total).then_some(total);
        }
    }
    fail("malformed remaining length")
}
