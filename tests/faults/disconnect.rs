//! mosquitto's short v5 DISCONNECT (`e0 01 8e`: a reason code and no property length, which MQTT 5
//! allows) is the broker's DISCONNECT: `Received DISCONNECT (142)` in `-d`, exit 4, as
//! mosquitto_pub reports it. rumqttc 0.25.1 could not parse it and reported a lost connection.

use super::T;
use super::script::{DISCONNECT, PUBLISH, Script};
use crate::reference::as_2_1_texts;
use crate::util::{Alias, Proc, assert_same_run, mqtk, real};

#[test]
fn short_disconnect_from_the_broker() {
    let alias = Alias::new();
    let mut outcomes = Vec::new();
    for (program, lead) in [
        (real("mosquitto_pub"), vec![]),
        (alias.path("mosquitto_pub"), vec![]),
        (mqtk(), vec!["pub"]),
    ] {
        let script = Script::start();
        let port = script.port_str();
        let mut args = lead;
        args.extend([
            "-p", &port, "-V", "5", "-t", "t", "-m", "x", "-q", "1", "-d",
        ]);
        let proc = Proc::spawn(&program, &args);
        let mut conn = script.accept();
        conn.connack(false);
        conn.expect(PUBLISH);
        // Session taken over, in mosquitto's three bytes.
        conn.send(&[0xe0, 0x01, 0x8e]);
        outcomes.push(proc.wait(T));
    }
    let reference = &mut outcomes[0];
    assert_eq!(reference.code, 4, "{reference}");
    assert!(
        reference.stdout_str().contains("Received DISCONNECT (142)"),
        "{reference}"
    );
    // 2.0.11's run with the texts 2.1 changed, as the mosquitto names print them.
    reference.stdout = as_2_1_texts(&reference.stdout);
    reference.stderr = as_2_1_texts(&reference.stderr);
    let reference = &outcomes[0];
    assert_same_run("mosquitto_pub", reference, &outcomes[1]);
    assert_same_run("mqtk pub", reference, &outcomes[2]);
}

/// SIGINT in a v5 sub with a will: DISCONNECT with reason 4, "disconnect with will message", as
/// mosquitto_sub sends it (so the broker publishes the will: `subscribe::robustness` checks that
/// against mosquitto). rumqttc could only send reason 0, and mqtk closed the socket instead. (The
/// real mosquitto_sub is not run here: signalled this soon after its SUBSCRIBE it sometimes sends
/// nothing at all.)
#[test]
fn sigint_in_v5_sub_sends_disconnect_with_will() {
    let alias = Alias::new();
    for (label, program, lead) in [
        ("mosquitto_sub", alias.path("mosquitto_sub"), vec![]),
        ("mqtk sub", mqtk(), vec!["sub"]),
    ] {
        let script = Script::start();
        let port = script.port_str();
        let mut args = lead;
        #[rustfmt::skip]
        args.extend([
            "-p", &port, "-V", "5", "-t", "t", "--will-topic", "w", "--will-payload", "bye",
        ]);
        let proc = Proc::spawn(&program, &args);
        let mut conn = script.accept_subscriber();
        proc.signal("INT");
        let disconnect = conn.expect(DISCONNECT);
        assert_eq!(
            disconnect.body.first(),
            Some(&0x04),
            "{label}: {disconnect:?}"
        );
        let out = proc.wait(T);
        assert_eq!(out.code, 0, "{label}: {out}");
    }
}
