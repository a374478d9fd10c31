//! Packet tracing: a tap on the connection layer's event stream. `-d` prints the lines libmosquitto's
//! log callback prints, on stdout, as mosquitto's clients do.

use std::io::Write;

use crate::conn::Event;
use crate::conn::session::Record;

/// mosquitto's `-d` output.
pub struct Debug {
    /// The client id as printed: `(null)` until one is known (glibc's rendering of a NULL `%s`).
    id: String,
}

impl Debug {
    /// A printer for a client with this id (empty: broker-assigned, printed as `(null)`).
    pub fn new(client_id: &str) -> Self {
        let id = if client_id.is_empty() {
            "(null)".to_string()
        } else {
            client_id.to_string()
        };
        Debug { id }
    }

    /// Uses the id a v5 broker assigned in CONNACK from now on.
    pub fn set_client_id(&mut self, id: &str) {
        self.id = id.to_string();
    }

    /// Prints the line for one event, if mosquitto prints one. `sent` is the publish record paired
    /// with an outgoing PUBLISH and the message id to show.
    pub fn event(&mut self, event: &Event, sent: Option<&(Record, u16)>) {
        let id = &self.id;
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
                format!("Client {id} received PUBACK (Mid: {mid}, RC:{reason})")
            }
            Event::PubRec { mid, .. } => format!("Client {id} received PUBREC (Mid: {mid})"),
            Event::PubRel { mid } => format!("Client {id} received PUBREL (Mid: {mid})"),
            Event::PubComp { mid, reason } => {
                format!("Client {id} received PUBCOMP (Mid: {mid}, RC:{reason})")
            }
            Event::SubAck { .. } => format!("Client {id} received SUBACK"),
            Event::UnsubAck { .. } => format!("Client {id} received UNSUBACK"),
            Event::PingResp => format!("Client {id} received PINGRESP"),
            Event::Disconnect { reason } => format!("Received DISCONNECT ({reason})"),
            Event::SentPublish { .. } => match sent {
                Some((r, mid)) => {
                    let topic = if r.topic.is_empty() {
                        "(null)"
                    } else {
                        r.topic.as_str()
                    };
                    format!(
                        "Client {id} sending PUBLISH (d0, q{}, r{}, m{mid}, '{topic}', ... ({} bytes))",
                        r.qos.number(),
                        u8::from(r.retain),
                        r.len
                    )
                }
                None => return,
            },
            Event::SentPubAck { mid } => format!("Client {id} sending PUBACK (m{mid}, rc0)"),
            Event::SentPubRec { mid } => format!("Client {id} sending PUBREC (m{mid}, rc0)"),
            Event::SentPubRel { mid } => format!("Client {id} sending PUBREL (m{mid})"),
            Event::SentPubComp { mid } => format!("Client {id} sending PUBCOMP (m{mid})"),
            Event::SentPingReq => format!("Client {id} sending PINGREQ"),
            Event::SentDisconnect => format!("Client {id} sending DISCONNECT"),
            // SUBSCRIBE/UNSUBSCRIBE lines carry the filters; the subscriber prints those itself.
            Event::SentSubscribe { .. } | Event::SentUnsubscribe { .. } | Event::ConnectionLost => {
                return;
            }
        };
        let mut out = std::io::stdout().lock();
        // A closed stdout must not kill the connection task; the command notices it on its own writes.
        let _ = writeln!(out, "{line}");
    }
}
