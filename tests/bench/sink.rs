//! A discarding sink for `pub -l` at QoS 0: answers CONNECT with CONNACK and throws away everything
//! after it, so that a publisher's CPU per message is measured without the broker in the way.
//! tests/bench/pub.sh compiles it with `rustc -O` (std only, no crates).
//!
//! Usage: sink. Listens on a free loopback port, prints the port on stdout, then serves one
//! connection after another until killed. Only MQTT 3.1.1 and 5 CONNECTs are expected (the
//! CONNACK is the same four bytes for both apart from v5's property length, which is sent too).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};

fn main() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| fail(&format!("bind: {e}")));
    let port = listener
        .local_addr()
        .unwrap_or_else(|e| fail(&format!("local address: {e}")))
        .port();
    println!("{port}");
    std::io::stdout().flush().ok();
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => serve(stream),
            Err(e) => eprintln!("sink: accept: {e}"),
        }
    }
}

fn fail(message: &str) -> ! {
    eprintln!("sink: {message}");
    std::process::exit(1)
}

/// One connection: CONNECT in, CONNACK out, then read and discard until the client closes.
fn serve(mut stream: TcpStream) {
    let Some(version) = read_connect(&mut stream) else {
        return;
    };
    let connack: &[u8] = if version == 5 {
        &[0x20, 3, 0, 0, 0]
    } else {
        &[0x20, 2, 0, 0]
    };
    if stream.write_all(connack).is_err() {
        return;
    }
    let mut sink = vec![0u8; 256 * 1024];
    while matches!(stream.read(&mut sink), Ok(n) if n > 0) {}
}

/// Reads the CONNECT packet whole; returns its protocol level (4 for 3.1.1, 5 for v5).
fn read_connect(stream: &mut TcpStream) -> Option<u8> {
    let mut byte = [0u8; 1];
    stream.read_exact(&mut byte).ok()?;
    if byte[0] != 0x10 {
        return None;
    }
    let (mut remaining, mut shift) = (0usize, 0);
    loop {
        stream.read_exact(&mut byte).ok()?;
        remaining |= usize::from(byte[0] & 0x7f) << shift;
        shift += 7;
        if byte[0] & 0x80 == 0 || shift > 21 {
            break;
        }
    }
    let mut body = vec![0u8; remaining];
    stream.read_exact(&mut body).ok()?;
    // Protocol name (2-byte length + "MQTT"), then the level.
    body.get(6).copied()
}
