//! A TCP relay between mqtk and the broker that stops passing the broker's packets on right after
//! the first SUBACK, until the test releases them: a broker that pauses while it sends the retained
//! messages (as a loaded machine does), made to order.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;
use std::time::Duration;

use super::gate::read_packet;

/// The MQTT SUBACK fixed-header byte (type 9).
const SUBACK: u8 = 0x90;

/// A one-connection relay on a free loopback port.
pub struct Stall {
    pub port: u16,
    held: Receiver<()>,
    release: Sender<()>,
}

impl Stall {
    /// Starts relaying to the broker on `broker_port`.
    pub fn start(broker_port: u16) -> Stall {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the stall relay");
        let port = listener.local_addr().expect("relay address").port();
        let (held_tx, held) = mpsc::channel();
        let (release, release_rx) = mpsc::channel::<()>();
        thread::spawn(move || {
            let Ok((client, _)) = listener.accept() else {
                return;
            };
            let broker =
                TcpStream::connect(("127.0.0.1", broker_port)).expect("stall: connect to broker");
            let (mut client_in, mut broker_out) = (
                client.try_clone().expect("clone"),
                broker.try_clone().expect("clone"),
            );
            let up = thread::spawn(move || {
                let _ = std::io::copy(&mut client_in, &mut broker_out);
                let _ = broker_out.shutdown(Shutdown::Write);
            });
            let (mut broker_in, mut client_out) = (broker, client);
            let mut stalled = false;
            while let Some(packet) = read_packet(&mut broker_in) {
                if client_out.write_all(&packet).is_err() {
                    break;
                }
                if packet[0] == SUBACK && !stalled {
                    stalled = true;
                    let _ = held_tx.send(());
                    let _ = release_rx.recv();
                }
            }
            // What is left (after the broker closed) goes through as it is.
            let mut rest = Vec::new();
            let _ = broker_in.read_to_end(&mut rest);
            let _ = client_out.write_all(&rest);
            let _ = client_out.shutdown(Shutdown::Write);
            let _ = up.join();
        });
        Stall {
            port,
            held,
            release,
        }
    }

    /// Waits until the first SUBACK has gone through and the rest is held; panics after `timeout`.
    #[track_caller]
    pub fn wait_held(&self, timeout: Duration) {
        if self.held.recv_timeout(timeout).is_err() {
            panic!("no SUBACK came through within {timeout:?}");
        }
    }

    /// Lets the broker's packets through again.
    pub fn release(&self) {
        let _ = self.release.send(());
    }
}

impl Drop for Stall {
    fn drop(&mut self) {
        self.release();
    }
}
