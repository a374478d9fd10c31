//! A one-connection TCP proxy in front of a broker that records every MQTT packet the client sends.
//! With [`Proxy::cutting`] it does not forward the client's DISCONNECT but closes the connection to
//! the broker instead, which makes the broker publish the client's will.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// What the proxy saw on its one connection.
#[derive(Default)]
struct Seen {
    /// Whole packets from the client, in order (fixed header included).
    packets: Vec<Vec<u8>>,
    /// The client's side has ended (EOF, or the cut).
    done: bool,
}

/// A proxy for one client connection, listening on `127.0.0.1:port`.
pub struct Proxy {
    pub port: u16,
    seen: Arc<(Mutex<Seen>, Condvar)>,
}

/// The MQTT packet type of DISCONNECT, in the high nibble of the first byte.
const DISCONNECT: u8 = 0xE0;

impl Proxy {
    /// Forwards everything to the broker on `upstream`.
    pub fn start(upstream: u16) -> Proxy {
        Proxy::spawn(upstream, false)
    }

    /// Forwards everything but DISCONNECT: at DISCONNECT the broker connection is closed instead.
    pub fn cutting(upstream: u16) -> Proxy {
        Proxy::spawn(upstream, true)
    }

    fn spawn(upstream: u16, cut: bool) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        let port = listener.local_addr().expect("proxy addr").port();
        let seen = Arc::new((Mutex::new(Seen::default()), Condvar::new()));
        let shared = Arc::clone(&seen);
        thread::spawn(move || {
            let result = listener
                .accept()
                .and_then(|(client, _)| relay(client, upstream, cut, &shared));
            if let Err(e) = result {
                eprintln!("proxy: {e}");
            }
            let (lock, cond) = &*shared;
            lock.lock().unwrap().done = true;
            cond.notify_all();
        });
        Proxy { port, seen }
    }

    /// The port as a string, for `-p`.
    pub fn port_str(&self) -> String {
        self.port.to_string()
    }

    /// Waits until the client's side of the connection has ended and returns its packets.
    #[track_caller]
    pub fn packets(&self, timeout: Duration) -> Vec<Vec<u8>> {
        let (lock, cond) = &*self.seen;
        let deadline = Instant::now() + timeout;
        let mut seen = lock.lock().unwrap();
        while !seen.done {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "the client connection did not end within {timeout:?}"
            );
            seen = cond.wait_timeout(seen, left).unwrap().0;
        }
        seen.packets.clone()
    }
}

fn relay(
    mut client: TcpStream,
    upstream: u16,
    cut: bool,
    seen: &(Mutex<Seen>, Condvar),
) -> io::Result<()> {
    let mut broker = TcpStream::connect(("127.0.0.1", upstream))?;
    let (mut from_broker, mut to_client) = (broker.try_clone()?, client.try_clone()?);
    let back = thread::spawn(move || {
        let _ = io::copy(&mut from_broker, &mut to_client);
        let _ = to_client.shutdown(Shutdown::Write);
    });
    while let Some(packet) = read_packet(&mut client)? {
        let is_disconnect = packet[0] & 0xF0 == DISCONNECT;
        seen.0.lock().unwrap().packets.push(packet.clone());
        if cut && is_disconnect {
            break;
        }
        broker.write_all(&packet)?;
    }
    let _ = broker.shutdown(Shutdown::Both);
    let _ = client.shutdown(Shutdown::Both);
    let _ = back.join();
    Ok(())
}

/// One whole packet, or `None` at a clean end of stream.
fn read_packet(r: &mut impl Read) -> io::Result<Option<Vec<u8>>> {
    let mut first = [0u8; 1];
    if r.read(&mut first)? == 0 {
        return Ok(None);
    }
    let mut packet = vec![first[0]];
    let (mut len, mut shift) = (0usize, 0);
    loop {
        let mut b = [0u8; 1];
        r.read_exact(&mut b)?;
        packet.push(b[0]);
        len |= usize::from(b[0] & 0x7F) << shift;
        shift += 7;
        if b[0] & 0x80 == 0 {
            break;
        }
    }
    let start = packet.len();
    packet.resize(start + len, 0);
    r.read_exact(&mut packet[start..])?;
    Ok(Some(packet))
}
