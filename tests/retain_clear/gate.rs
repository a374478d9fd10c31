//! A TCP relay between mqtk and the broker that holds one direction at one packet until the test
//! releases it, so the test acts at an exact point of the exchange with no timing involved:
//! - [`Gate::second_subscribe`] holds the client's second SUBSCRIBE (the `--verify` one). mqtk sends
//!   it only after every clear is acknowledged, so while it is held the test can change the
//!   broker's retained messages at exactly the moment between clearing and verifying;
//! - [`Gate::after_first_suback`] holds what the broker sends after its first SUBACK: a broker that
//!   pauses while it sends the retained messages (as a loaded machine does), made to order.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// The MQTT SUBSCRIBE fixed-header byte (type 8, flags 0b0010).
const SUBSCRIBE: u8 = 0x82;
/// The MQTT SUBACK fixed-header byte (type 9).
const SUBACK: u8 = 0x90;

/// A one-connection relay on a free loopback port.
pub struct Gate {
    pub port: u16,
    held: Receiver<()>,
    release: Sender<()>,
    relay: Option<JoinHandle<()>>,
}

/// Reads one MQTT packet (fixed header, remaining length, body); `None` at end of stream.
fn read_packet(from: &mut TcpStream) -> Option<Vec<u8>> {
    let mut packet = vec![0u8; 1];
    from.read_exact(&mut packet).ok()?;
    let mut length = 0usize;
    for shift in (0..28).step_by(7) {
        let mut byte = [0u8; 1];
        from.read_exact(&mut byte).ok()?;
        packet.push(byte[0]);
        length |= usize::from(byte[0] & 0x7f) << shift;
        if byte[0] & 0x80 == 0 {
            break;
        }
    }
    let start = packet.len();
    packet.resize(start + length, 0);
    from.read_exact(&mut packet[start..]).ok()?;
    Some(packet)
}

impl Gate {
    /// Holds the client's second SUBSCRIBE before it reaches the broker.
    pub fn second_subscribe(broker_port: u16) -> Gate {
        Gate::start(broker_port, false, SUBSCRIBE, 2)
    }

    /// Passes the broker's first SUBACK on, then holds what the broker sends next.
    pub fn after_first_suback(broker_port: u16) -> Gate {
        Gate::start(broker_port, true, SUBACK, 1)
    }

    /// Starts relaying to the broker on `broker_port`, holding at the `nth` packet whose first byte
    /// is `packet`, from the broker or from the client. A client's packet is held before it reaches
    /// the broker; a broker's once it has gone on to the client (what the broker sends next waits).
    fn start(broker_port: u16, from_broker: bool, packet: u8, nth: usize) -> Gate {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the gate");
        let port = listener.local_addr().expect("gate address").port();
        let (held_tx, held) = mpsc::channel();
        let (release, release_rx) = mpsc::channel::<()>();
        let relay = thread::spawn(move || {
            let Ok((client, _)) = listener.accept() else {
                return;
            };
            let broker =
                TcpStream::connect(("127.0.0.1", broker_port)).expect("gate: connect to broker");
            // The watched direction goes packet by packet; the other is copied as it comes.
            let (mut watched, mut to) = if from_broker {
                (broker, client)
            } else {
                (client, broker)
            };
            let (mut other_from, mut other_to) = (
                to.try_clone().expect("clone"),
                watched.try_clone().expect("clone"),
            );
            let other = thread::spawn(move || {
                let _ = std::io::copy(&mut other_from, &mut other_to);
                let _ = other_to.shutdown(Shutdown::Write);
            });
            let mut seen = 0;
            while let Some(bytes) = read_packet(&mut watched) {
                let at = bytes[0] == packet && {
                    seen += 1;
                    seen == nth
                };
                if at && !from_broker {
                    let _ = held_tx.send(());
                    let _ = release_rx.recv();
                }
                if to.write_all(&bytes).is_err() {
                    break;
                }
                if at && from_broker {
                    let _ = held_tx.send(());
                    let _ = release_rx.recv();
                }
            }
            let _ = to.shutdown(Shutdown::Write);
            let _ = other.join();
        });
        Gate {
            port,
            held,
            release,
            relay: Some(relay),
        }
    }

    /// Waits until the relay is holding; panics after `timeout`.
    #[track_caller]
    pub fn wait_held(&self, timeout: Duration) {
        if self.held.recv_timeout(timeout).is_err() {
            panic!("the gate's packet did not come within {timeout:?}");
        }
    }

    /// Lets the held direction go on.
    pub fn release(&self) {
        let _ = self.release.send(());
    }
}

impl Drop for Gate {
    fn drop(&mut self) {
        self.release();
        if let Some(relay) = self.relay.take() {
            // The relay ends when the client hangs up; a test that never connected leaves it blocked in
            // accept, so it is only joined once it has finished.
            if relay.is_finished() {
                let _ = relay.join();
            }
        }
    }
}
