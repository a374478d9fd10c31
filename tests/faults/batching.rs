//! Replies and new requests in one write, against the scripted broker: a read that brings a
//! PUBREC and a PUBCOMP together is answered by one write holding the PUBREL and the PUBLISH the
//! freed slot lets go (vendor/rumqttc/PATCHES.md, batched writes). A real broker sends those two
//! acks in one segment only when timing happens to put them there; the script does it every time.

use super::script::{Conn, PUBCOMP, PUBLISH, PUBREC, PUBREL, Script, packet};
use crate::util::{Proc, mqtk, write_syscalls};

/// The packet id of a QoS 1/2 PUBLISH (v3.1.1: after the topic).
fn publish_id(p: &super::script::Packet) -> u16 {
    let topic = usize::from(u16::from_be_bytes([p.body[0], p.body[1]]));
    u16::from_be_bytes([p.body[2 + topic], p.body[3 + topic]])
}

/// Reads the PUBREL for `rel` and the PUBLISH under `id`, in the order the client wrote them.
#[track_caller]
fn expect_pubrel_and_publish(conn: &mut Conn, rel: u16, id: u16) {
    let first = conn.read();
    assert_eq!((first.kind(), first.pkid()), (PUBREL, rel), "{first:?}");
    let second = conn.expect(PUBLISH);
    assert_eq!(publish_id(&second), id, "{second:?}");
}

/// `pub -l -q 2` with its window of 20 full: for each of STEPS messages the script sends
/// PUBCOMP k and PUBREC k+1 in one write, and the client answers with PUBREL k+1 and a new
/// PUBLISH (packet id k again) in one write: about STEPS writes in all, where unpatched rumqttc
/// made two per step (the PUBREL after the read, the PUBLISH on the next poll). The count is read
/// from /proc while the client waits for the script, so a write still returning at a step's edge
/// can shift one write between steps, never double the total.
#[test]
fn pubrel_and_the_next_publish_leave_in_one_write() {
    for version in ["311", "5"] {
        one_write_per_step(version);
    }
}

/// [`pubrel_and_the_next_publish_leave_in_one_write`] in one protocol version.
fn one_write_per_step(version: &str) {
    const WINDOW: u16 = 20;
    const STEPS: u16 = 12;
    let script = Script::start();
    let port = script.port_str();
    let args = [
        "pub", "-p", &port, "-t", "t", "-q", "2", "-l", "-M", "20", "-V", version,
    ];
    let mut publisher = Proc::spawn(&mqtk(), &args);
    let lines: String = (0..200).map(|i| format!("line {i}\n")).collect();
    publisher.write_stdin(lines.as_bytes());
    let mut conn = script.accept();
    conn.connack(false);
    for id in 1..=WINDOW {
        assert_eq!(publish_id(&conn.expect(PUBLISH)), id, "-V {version}");
    }
    conn.ack(PUBREC, 1);
    assert_eq!(conn.expect(PUBREL).pkid(), 1, "-V {version}");

    let before = write_syscalls(publisher.pid());
    for k in 1..=STEPS {
        let mut both = packet(PUBCOMP << 4, &k.to_be_bytes());
        both.extend_from_slice(&packet(PUBREC << 4, &(k + 1).to_be_bytes()));
        conn.send(&both);
        expect_pubrel_and_publish(&mut conn, k + 1, k);
    }
    let writes = write_syscalls(publisher.pid()) - before;
    assert!(
        writes <= u64::from(STEPS) + 1,
        "-V {version}: {writes} write system calls for {STEPS} steps: the PUBREL and the PUBLISH \
         went out apart"
    );
    let out = publisher.kill();
    assert!(out.stderr.is_empty(), "-V {version}: {out}");
}
