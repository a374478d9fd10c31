//! Received messages in the order libmosquitto hands them to its clients: a QoS 0 message at once, a
//! QoS 1 or 2 message once our PUBACK or PUBCOMP for it is written (sub and rr print them then).

use std::collections::HashMap;

use super::event::{Event, Message};

/// QoS 1/2 messages whose handshake is not done yet, by packet id.
#[derive(Debug, Default)]
pub struct Inbox {
    held: HashMap<u16, Message>,
}

impl Inbox {
    /// The message `event` makes ready, if any: a QoS 0 message itself, the held message whose
    /// PUBACK/PUBCOMP `event` says was written. A QoS 1/2 message is held; other events pass.
    pub fn accept(&mut self, event: Event) -> Option<Message> {
        match event {
            Event::Message(msg) if msg.qos == super::Qos::AtMostOnce => Some(msg),
            Event::Message(msg) => {
                self.held.insert(msg.mid, msg);
                None
            }
            Event::SentPubAck { mid } | Event::SentPubComp { mid } => self.held.remove(&mid),
            _ => None,
        }
    }

    /// Every held message, in packet id order (when the connection is lost: their handshakes will
    /// not complete on it, and delivering beats losing).
    pub fn drain(&mut self) -> Vec<Message> {
        let mut held: Vec<Message> = self.held.drain().map(|(_, m)| m).collect();
        held.sort_by_key(|m| m.mid);
        held
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conn::Qos;
    use bytes::Bytes;

    fn message(qos: Qos, mid: u16) -> Message {
        Message {
            topic: Bytes::from_static(b"t"),
            payload: Bytes::new(),
            qos,
            retain: false,
            dup: false,
            mid,
            properties: None,
        }
    }

    #[test]
    fn qos_1_and_2_wait_for_our_acknowledgement() {
        let mut inbox = Inbox::default();
        assert_eq!(
            inbox.accept(Event::Message(message(Qos::AtMostOnce, 0))),
            Some(message(Qos::AtMostOnce, 0))
        );
        assert_eq!(
            inbox.accept(Event::Message(message(Qos::AtLeastOnce, 7))),
            None
        );
        assert_eq!(
            inbox.accept(Event::Message(message(Qos::ExactlyOnce, 3))),
            None
        );
        assert_eq!(
            inbox.accept(Event::SentPubAck { mid: 7 }),
            Some(message(Qos::AtLeastOnce, 7))
        );
        assert_eq!(inbox.accept(Event::SentPubAck { mid: 7 }), None);
        assert_eq!(
            inbox.accept(Event::Message(message(Qos::AtLeastOnce, 1))),
            None
        );
        assert_eq!(
            inbox.drain(),
            vec![message(Qos::AtLeastOnce, 1), message(Qos::ExactlyOnce, 3)]
        );
    }
}
