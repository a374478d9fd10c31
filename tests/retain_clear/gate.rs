//! A TCP relay between mqtk and the broker that holds the client's second SUBSCRIBE (the `--verify`
//! one) until the test releases it. mqtk sends that SUBSCRIBE only after every clear is
//! acknowledged, so while it is held the test can change the broker's retained messages at exactly
//! the moment between clearing and verifying, with no timing involved.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// The MQTT SUBSCRIBE fixed-header byte (type 8, flags 0b0010).
const SUBSCRIBE: u8 = 0x82;

/// A one-connection relay on a free loopback port.
pub struct Gate {
    pub port: u16,
    held: Receiver<()>,
    release: Sender<()>,
    relay: Option<JoinHandle<()>>,
}

/// Reads one MQTT packet (fixed header, remaining length, body); `None` at end of stream.
pub fn read_packet(from: &mut TcpStream) -> Option<Vec<u8>> {
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
    /// Starts relaying to the broker on `broker_port`.
    pub fn start(broker_port: u16) -> Gate {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the gate");
        let port = listener.local_addr().expect("gate address").port();
        let (held_tx, held) = mpsc::channel();
        let (release, release_rx) = mpsc::channel::<()>();
        let relay = thread::spawn(move || {
            let Ok((mut client, _)) = listener.accept() else {
                return;
            };
            let mut broker =
                TcpStream::connect(("127.0.0.1", broker_port)).expect("gate: connect to broker");
            let (mut client_out, mut broker_in) = (
                client.try_clone().expect("clone"),
                broker.try_clone().expect("clone"),
            );
            let down = thread::spawn(move || {
                let _ = std::io::copy(&mut broker_in, &mut client_out);
                let _ = client_out.shutdown(Shutdown::Write);
            });
            let mut subscribes = 0;
            while let Some(packet) = read_packet(&mut client) {
                if packet[0] == SUBSCRIBE {
                    subscribes += 1;
                    if subscribes == 2 {
                        let _ = held_tx.send(());
                        let _ = release_rx.recv();
                    }
                }
                if broker.write_all(&packet).is_err() {
                    break;
                }
            }
            let _ = broker.shutdown(Shutdown::Write);
            let _ = down.join();
        });
        Gate {
            port,
            held,
            release,
            relay: Some(relay),
        }
    }

    /// Waits until the client's second SUBSCRIBE is being held; panics after `timeout`.
    #[track_caller]
    pub fn wait_held(&self, timeout: Duration) {
        if self.held.recv_timeout(timeout).is_err() {
            panic!("the client sent no second SUBSCRIBE within {timeout:?}");
        }
    }

    /// Lets the held SUBSCRIBE through.
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
