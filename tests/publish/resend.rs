//! What `pub -l` sends again after a reconnect, seen by a scripted broker that drops the connection
//! at an exact point of a QoS handshake (a real broker cannot be stopped there on purpose).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::thread;

use super::{Ours, T};
use crate::util::Proc;

/// One MQTT packet: the first byte of the fixed header and the rest after the length.
type Packet = (u8, Vec<u8>);

fn read_packet(s: &mut TcpStream) -> Option<Packet> {
    let mut byte = [0u8; 1];
    s.read_exact(&mut byte).ok()?;
    let header = byte[0];
    let (mut len, mut shift) = (0usize, 0);
    loop {
        s.read_exact(&mut byte).ok()?;
        len |= usize::from(byte[0] & 0x7f) << shift;
        shift += 7;
        if byte[0] & 0x80 == 0 {
            break;
        }
    }
    let mut body = vec![0u8; len];
    s.read_exact(&mut body).ok()?;
    Some((header, body))
}

/// Reads the next packet, which must be of `kind` (the high nibble: 1 CONNECT, 3 PUBLISH …).
#[track_caller]
fn expect(s: &mut TcpStream, kind: u8) -> Packet {
    let p = read_packet(s).unwrap_or_else(|| panic!("connection ended; expected type {kind}"));
    assert_eq!(p.0 >> 4, kind, "packet {p:?}");
    p
}

/// A PUBLISH's packet id (topic length, topic, then the id).
fn publish_id(body: &[u8]) -> [u8; 2] {
    let topic_len = usize::from(u16::from_be_bytes([body[0], body[1]]));
    [body[2 + topic_len], body[3 + topic_len]]
}

/// A broker on a free port that plays `script` on each accepted connection in turn, then reports
/// the PUBLISH packets it received on the last one.
fn scripted(scripts: Vec<fn(&mut TcpStream) -> Vec<Packet>>) -> (u16, mpsc::Receiver<Vec<Packet>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for script in scripts {
            let (mut s, _) = listener.accept().expect("accept");
            let _ = tx.send(script(&mut s));
        }
    });
    (port, rx)
}

/// CONNECT, then CONNACK with `session_present`.
fn connect(s: &mut TcpStream, session_present: bool) {
    expect(s, 1);
    s.write_all(&[0x20, 2, u8::from(session_present), 0])
        .expect("CONNACK");
}

/// Lets the first QoS 1 PUBLISH go unacknowledged and hangs up.
fn drop_after_publish(s: &mut TcpStream) -> Vec<Packet> {
    connect(s, false);
    vec![expect(s, 3)]
}

/// Acknowledges everything until DISCONNECT.
fn ack_all(s: &mut TcpStream) -> Vec<Packet> {
    connect(s, false);
    let mut got = Vec::new();
    while let Some(p) = read_packet(s) {
        match p.0 >> 4 {
            3 => {
                let id = publish_id(&p.1);
                let ack = if p.0 & 0x06 == 0x04 { 0x50 } else { 0x40 };
                s.write_all(&[ack, 2, id[0], id[1]]).expect("ack");
                got.push(p);
            }
            6 => s.write_all(&[0x70, 2, p.1[0], p.1[1]]).expect("PUBCOMP"),
            14 => break,
            _ => {}
        }
    }
    got
}

/// A QoS 2 PUBLISH answered with PUBREC; the PUBREL is read, and the connection dropped before
/// PUBCOMP.
fn drop_before_pubcomp(s: &mut TcpStream) -> Vec<Packet> {
    connect(s, false);
    let p = expect(s, 3);
    let id = publish_id(&p.1);
    s.write_all(&[0x50, 2, id[0], id[1]]).expect("PUBREC");
    expect(s, 6);
    vec![p]
}

/// A new connection resuming the session: only PUBREL may come, and gets its PUBCOMP.
fn resume_release(s: &mut TcpStream) -> Vec<Packet> {
    connect(s, true);
    let mut got = Vec::new();
    while let Some(p) = read_packet(s) {
        match p.0 >> 4 {
            6 => s.write_all(&[0x70, 2, p.1[0], p.1[1]]).expect("PUBCOMP"),
            14 => break,
            _ => got.push(p),
        }
    }
    got
}

/// Runs `-l -d` with the line `a` through `program` against `scripts`, closing stdin once the
/// first connection has been dropped; returns stdout and what the last connection received (other
/// than PUBREL and DISCONNECT).
fn one_line(
    program: &std::path::Path,
    args: &[&str],
    scripts: Vec<fn(&mut TcpStream) -> Vec<Packet>>,
) -> (String, Vec<Packet>) {
    let n = scripts.len();
    let (port, received) = scripted(scripts);
    let port = port.to_string();
    let mut all = vec!["-p", &port, "-t", "t", "-l", "-d"];
    all.extend_from_slice(args);
    let mut publisher = Proc::spawn(program, &all);
    publisher.write_stdin(b"a\n");
    for _ in 1..n {
        received
            .recv_timeout(T)
            .expect("the scripted broker dropped the connection");
    }
    // End of input while disconnected: both clients wait for the reconnect and the handshake.
    let out = publisher.wait(T);
    out.assert_success();
    let last = received.recv_timeout(T).expect("the last connection ended");
    (out.stdout_str(), last)
}

/// A QoS 1 message the broker never acknowledged is sent again on the new connection, with DUP
/// set and its packet id, and `-d` shows it as mosquitto_pub does (byte for byte).
#[test]
fn unacknowledged_qos_1_is_resent_with_dup() {
    let scripts = || vec![drop_after_publish as fn(&mut TcpStream) -> _, ack_all];
    let ours = Ours::new();
    // 2.0.11: 2.1's mosquitto_pub -l does not get through this script (README).
    let (theirs, _) = one_line(&crate::util::real("mosquitto_pub"), &["-q", "1"], scripts());
    let (mine, resent) = one_line(&ours.mosquitto_pub(), &["-q", "1"], scripts());
    let want = "\
Client null sending CONNECT
Client (null) received CONNACK (0)
Client null sending PUBLISH (d0, q1, r0, m1, 't', ... (1 bytes))
Client null sending CONNECT
Client (null) received CONNACK (0)
Client null sending PUBLISH (d1, q1, r0, m1, 't', ... (1 bytes))
Client null received PUBACK (Mid: 1, RC:0)
Client null sending DISCONNECT
";
    // 2.0.11 printed a missing id as `(null)` on every line; 2.1 (and mqtk) as `null`, except on
    // the CONNACK line.
    let theirs = theirs
        .replace("Client (null) sending", "Client null sending")
        .replace(
            "Client (null) received PUBACK",
            "Client null received PUBACK",
        );
    assert_eq!(theirs, want, "mosquitto_pub 2.0.11");
    assert_eq!(mine, want, "ours");
    assert_eq!(resent.len(), 1, "{resent:?}");
    assert_eq!(resent[0].0, 0x3a, "PUBLISH, DUP, QoS 1");
    assert!(resent[0].1.ends_with(&[0, 1, b'a']), "{resent:?}");
}

/// A QoS 2 message answered with PUBREC whose PUBCOMP never came: a new session has forgotten it,
/// so mqtk publishes it again (mosquitto_pub releases it, and the broker, which knows no such
/// message, answers PUBCOMP: the message is lost).
#[test]
fn released_qos_2_is_published_again_in_a_new_session() {
    let scripts = vec![drop_before_pubcomp as fn(&mut TcpStream) -> _, ack_all];
    let (stdout, resent) = one_line(&Ours::new().mqtk_pub(), &["-q", "2"], scripts);
    assert_eq!(resent.len(), 1, "{stdout}");
    assert_eq!(resent[0].0, 0x3c, "PUBLISH, DUP, QoS 2");
    assert!(resent[0].1.ends_with(&[0, 1, b'a']), "{resent:?}");
    assert!(
        stdout.contains("sending PUBLISH (d1, q2, r0, m1, 't', ... (1 bytes))"),
        "{stdout}"
    );
}

/// The same when the broker resumed the session: then it still knows the message, and PUBREL is
/// what goes out again.
#[test]
fn released_qos_2_is_released_again_in_a_resumed_session() {
    let scripts = vec![
        drop_before_pubcomp as fn(&mut TcpStream) -> _,
        resume_release,
    ];
    let args = ["-q", "2", "-c", "-i", "pubid"];
    let (stdout, resent) = one_line(&Ours::new().mqtk_pub(), &args, scripts);
    assert_eq!(resent, [], "only PUBREL: {stdout}");
    let tail: Vec<&str> = stdout.lines().skip(5).collect();
    assert_eq!(
        tail,
        [
            "Client pubid sending CONNECT",
            "Client pubid received CONNACK (0)",
            "Client pubid sending PUBREL (m1)",
            "Client pubid received PUBCOMP (Mid: 1, RC:0)",
            "Client pubid sending DISCONNECT",
        ],
        "{stdout}"
    );
}
