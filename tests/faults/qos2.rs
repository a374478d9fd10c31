//! Incoming QoS 2 across reconnects, against the scripted broker: the packet orders a broker
//! produces after a crash (a PUBREL whose PUBCOMP was lost, a PUBLISH resent with DUP after our
//! PUBREC) must neither kill the session nor deliver a message twice.

use super::script::{PUBCOMP, PUBREC, PUBREL, SUBSCRIBE, Script};
use crate::util::{Proc, mqtk};

use super::T;

/// `mqtk sub -c -q 2` against the script, stopping after `count` messages.
fn sub(script: &Script, v5: bool, count: &str) -> Proc {
    let port = script.port_str();
    let mut args = vec![
        "sub", "-p", &port, "-c", "-i", "q2", "-q", "2", "-t", "t", "-C", count,
    ];
    if v5 {
        args.extend_from_slice(&["-V", "5"]);
    }
    Proc::spawn(&mqtk(), &args)
}

/// The full QoS 2 flow from the broker's side for one message.
#[track_caller]
fn deliver(conn: &mut super::script::Conn, pkid: u16, payload: &[u8]) {
    conn.publish("t", 2, pkid, false, payload);
    assert_eq!(conn.expect(PUBREC).pkid(), pkid);
    conn.ack(PUBREL, pkid);
    assert_eq!(conn.expect(PUBCOMP).pkid(), pkid);
}

/// rumqttc#664: after a reconnect with the session resumed, the broker replays a PUBREL whose
/// PUBCOMP it never got. The answer is PUBCOMP, and the session goes on (rumqttc 0.25.1 closed
/// the connection, reconnected, got the same PUBREL, forever).
#[test]
fn replayed_pubrel_is_completed() {
    for v5 in [false, true] {
        let script = Script::start();
        let proc = sub(&script, v5, "2");
        let mut conn = script.accept_subscriber();
        deliver(&mut conn, 1, b"first");
        conn.drop_connection();

        let mut conn = script.accept();
        conn.connack(true);
        conn.ack(PUBREL, 1);
        assert_eq!(conn.expect(PUBCOMP).pkid(), 1, "v5={v5}");
        // An id the client never saw at all gets the same answer.
        conn.ack(PUBREL, 9);
        assert_eq!(conn.expect(PUBCOMP).pkid(), 9, "v5={v5}");
        deliver(&mut conn, 2, b"second");
        let out = proc.wait(T);
        assert_eq!(out.code, 0, "v5={v5}: {out}");
        assert_eq!(out.stdout_str(), "first\nsecond\n", "v5={v5}");
    }
}

/// The broker crashes between our PUBREC and its PUBREL, and resends the PUBLISH with DUP on the
/// resumed session: it is answered (PUBREC again) and not delivered a second time. Without a
/// resumed session the same packet id is a new message of the new session, and is delivered.
#[test]
fn dup_publish_after_pubrec_is_delivered_once() {
    for v5 in [false, true] {
        for resumed in [true, false] {
            let label = format!("v5={v5} session-present={resumed}");
            let script = Script::start();
            let proc = sub(&script, v5, "2");
            let mut conn = script.accept_subscriber();
            conn.publish("t", 2, 3, false, b"x");
            assert_eq!(conn.expect(PUBREC).pkid(), 3, "{label}");
            conn.drop_connection();

            let mut conn = script.accept();
            conn.connack(resumed);
            let second: &[u8] = if resumed {
                // The same message again, with DUP.
                conn.publish("t", 2, 3, true, b"x");
                b"x"
            } else {
                let sub = conn.expect(SUBSCRIBE);
                conn.suback(&sub);
                conn.publish("t", 2, 3, false, b"new");
                b"new"
            };
            assert_eq!(conn.expect(PUBREC).pkid(), 3, "{label}");
            conn.ack(PUBREL, 3);
            assert_eq!(conn.expect(PUBCOMP).pkid(), 3, "{label}");
            if resumed {
                deliver(&mut conn, 4, b"y");
            }
            let out = proc.wait(T);
            assert_eq!(out.code, 0, "{label}: {out}");
            let want = if resumed {
                "x\ny\n".to_string()
            } else {
                format!("x\n{}\n", String::from_utf8_lossy(second))
            };
            assert_eq!(out.stdout_str(), want, "{label}");
        }
    }
}
