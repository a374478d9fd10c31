//! `-d`: the lines libmosquitto's log callback prints, on stdout, as mosquitto's clients do.

use std::collections::HashMap;

use crate::conn::event::Sent;
use crate::conn::{Event, Qos};

/// mosquitto's `-d` output.
pub struct Debug {
    /// The client id as printed: `(null)` until one is known (glibc's rendering of a NULL `%s`).
    id: String,
    mids: Mids,
}

/// Message ids as mosquitto numbers them. libmosquitto gives every PUBLISH (QoS 0 too), SUBSCRIBE
/// and UNSUBSCRIBE the next id in 1..=65535 and uses it as the packet id; rumqttc's packet ids cycle
/// through 1..=`-M`, so with more than `-M` publishes the lines would differ from mosquitto's. The
/// acknowledgements of a publish show the id its PUBLISH line showed.
#[derive(Default)]
struct Mids {
    last: u16,
    /// Our QoS 1/2 publishes not yet complete: rumqttc's packet id → the id shown.
    shown: HashMap<u16, u16>,
}

impl Mids {
    fn next(&mut self) -> u16 {
        self.last = self.last.wrapping_add(1).max(1);
        self.last
    }

    /// The id to show for a PUBLISH we wrote (`pkid`: rumqttc's packet id, 0 at QoS 0).
    fn publish(&mut self, qos: Qos, pkid: u16, dup: bool) -> u16 {
        if qos == Qos::AtMostOnce {
            return self.next();
        }
        if dup && let Some(&shown) = self.shown.get(&pkid) {
            return shown;
        }
        let shown = self.next();
        self.shown.insert(pkid, shown);
        shown
    }

    /// The id to show for an acknowledgement of our publish; `done` ends its flow.
    fn ack(&mut self, pkid: u16, done: bool) -> u16 {
        let shown = self.shown.get(&pkid).copied().unwrap_or(pkid);
        if done {
            self.shown.remove(&pkid);
        }
        shown
    }
}

impl Debug {
    /// A printer for a client with this id (empty: broker-assigned, printed as `(null)`).
    pub fn new(client_id: &str) -> Self {
        let id = if client_id.is_empty() {
            "(null)".to_string()
        } else {
            client_id.to_string()
        };
        Debug {
            id,
            mids: Mids::default(),
        }
    }

    /// Uses the id a v5 broker assigned in CONNACK from now on.
    pub fn set_client_id(&mut self, id: &str) {
        self.id = id.to_string();
    }

    /// The line(s) mosquitto prints for one event, if any. `sent` is what a packet we wrote carried.
    pub fn render(&mut self, event: &Event, sent: Option<&Sent>) -> Option<String> {
        let id = &self.id;
        let mids = &mut self.mids;
        let line = match event {
            Event::ConnectSent => format!("Client {id} sending CONNECT"),
            Event::ConnAck(ack) => format!("Client {id} received CONNACK ({})", ack.code),
            Event::Message(m) => format!(
                "Client {id} received PUBLISH (d{}, q{}, r{}, m{}, '{}', ... ({} bytes))",
                u8::from(m.dup),
                m.qos.number(),
                u8::from(m.retain),
                m.mid,
                String::from_utf8_lossy(&m.topic),
                m.payload.len()
            ),
            Event::PubAck { mid, reason } => {
                let mid = mids.ack(*mid, true);
                format!("Client {id} received PUBACK (Mid: {mid}, RC:{reason})")
            }
            Event::PubRec { mid, reason } => {
                // A failed PUBREC ends the flow: no PUBREL follows.
                let mid = mids.ack(*mid, *reason >= 0x80);
                format!("Client {id} received PUBREC (Mid: {mid})")
            }
            Event::PubRel { mid } => format!("Client {id} received PUBREL (Mid: {mid})"),
            Event::PubComp { mid, reason } => {
                let mid = mids.ack(*mid, true);
                format!("Client {id} received PUBCOMP (Mid: {mid}, RC:{reason})")
            }
            Event::SubAck { .. } => format!("Client {id} received SUBACK"),
            Event::UnsubAck { .. } => format!("Client {id} received UNSUBACK"),
            Event::PingResp => format!("Client {id} received PINGRESP"),
            Event::Disconnect { reason } => format!("Received DISCONNECT ({reason})"),
            Event::SentPublish { .. } => match sent {
                Some(Sent::Publish {
                    record: r,
                    mid,
                    dup,
                }) => {
                    let mid = mids.publish(r.qos, *mid, *dup);
                    let topic = if r.topic.is_empty() {
                        "(null)"
                    } else {
                        r.topic.as_str()
                    };
                    format!(
                        "Client {id} sending PUBLISH (d{}, q{}, r{}, m{mid}, '{topic}', ... ({} bytes))",
                        u8::from(*dup),
                        r.qos.number(),
                        u8::from(r.retain),
                        r.len
                    )
                }
                _ => return None,
            },
            Event::SentSubscribe { .. } => match sent {
                // The packet id is shown (sub's `Subscribed (mid: N)` line shows it too); it
                // takes an id from mosquitto's sequence all the same.
                Some(Sent::Subscribe(r, mid)) => {
                    mids.next();
                    r.filters
                    .iter()
                    .map(|(f, q, o)| format!("Client {id} sending SUBSCRIBE (Mid: {mid}, Topic: {f}, QoS: {q}, Options: 0x{o:02x})"))
                    .collect::<Vec<_>>()
                    .join("\n")
                }
                _ => return None,
            },
            Event::SentUnsubscribe { .. } => match sent {
                Some(Sent::Unsubscribe(r, mid)) => {
                    mids.next();
                    r.filters
                        .iter()
                        .map(|(f, _, _)| {
                            format!("Client {id} sending UNSUBSCRIBE (Mid: {mid}, Topic: {f})")
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                }
                _ => return None,
            },
            Event::SentPubAck { mid } => format!("Client {id} sending PUBACK (m{mid}, rc0)"),
            Event::SentPubRec { mid } => format!("Client {id} sending PUBREC (m{mid}, rc0)"),
            Event::SentPubRel { mid } => {
                let mid = mids.ack(*mid, false);
                format!("Client {id} sending PUBREL (m{mid})")
            }
            Event::SentPubComp { mid } => format!("Client {id} sending PUBCOMP (m{mid})"),
            Event::SentPingReq => format!("Client {id} sending PINGREQ"),
            Event::SentDisconnect => format!("Client {id} sending DISCONNECT"),
            Event::ConnectionLost => return None,
        };
        Some(line)
    }
}
