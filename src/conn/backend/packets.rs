//! rumqttc's v3.1.1 and v5 packets and outgoing notices as the connection layer's events.

use rumqttc::v5::mqttbytes::QoS as QoS5;
use rumqttc::v5::mqttbytes::v5 as p5;

use crate::conn::Qos;
use crate::conn::event::{ConnAck, Event, Message};

pub(super) fn outgoing(o: rumqttc::Outgoing) -> Event {
    use rumqttc::Outgoing as O;
    match o {
        O::Publish(mid) => Event::SentPublish { mid },
        O::PubAck(mid) => Event::SentPubAck { mid },
        O::PubRec(mid) => Event::SentPubRec { mid },
        O::PubRel(mid) => Event::SentPubRel { mid },
        O::PubComp(mid) => Event::SentPubComp { mid },
        O::Subscribe(mid) => Event::SentSubscribe { mid },
        O::Unsubscribe(mid) => Event::SentUnsubscribe { mid },
        O::PingReq => Event::SentPingReq,
        O::Disconnect => Event::SentDisconnect,
        // PingResp is never sent by a client; AwaitAck is flow control, not a packet.
        O::PingResp | O::AwaitAck(_) => Event::SentPingReq,
    }
}

fn qos_v4(q: rumqttc::QoS) -> Qos {
    match q {
        rumqttc::QoS::AtMostOnce => Qos::AtMostOnce,
        rumqttc::QoS::AtLeastOnce => Qos::AtLeastOnce,
        rumqttc::QoS::ExactlyOnce => Qos::ExactlyOnce,
    }
}

fn qos_v5(q: QoS5) -> Qos {
    match q {
        QoS5::AtMostOnce => Qos::AtMostOnce,
        QoS5::AtLeastOnce => Qos::AtLeastOnce,
        QoS5::ExactlyOnce => Qos::ExactlyOnce,
    }
}

pub(super) fn incoming_v4(p: rumqttc::Packet) -> Event {
    use rumqttc::Packet as P;
    match p {
        P::ConnAck(c) => Event::ConnAck(ConnAck {
            code: c.code as u8,
            session_present: c.session_present,
            ..ConnAck::default()
        }),
        P::Publish(m) => Event::Message(Message {
            topic: bytes::Bytes::from(m.topic.into_bytes()),
            payload: m.payload,
            qos: qos_v4(m.qos),
            retain: m.retain,
            dup: m.dup,
            mid: m.pkid,
            properties: None,
        }),
        P::PubAck(a) => Event::PubAck {
            mid: a.pkid,
            reason: 0,
        },
        P::PubRec(a) => Event::PubRec {
            mid: a.pkid,
            reason: 0,
        },
        P::PubRel(a) => Event::PubRel { mid: a.pkid },
        P::PubComp(a) => Event::PubComp {
            mid: a.pkid,
            reason: 0,
        },
        P::SubAck(s) => Event::SubAck {
            mid: s.pkid,
            codes: s
                .return_codes
                .iter()
                .map(|c| match c {
                    rumqttc::SubscribeReasonCode::Success(q) => *q as u8,
                    rumqttc::SubscribeReasonCode::Failure => 0x80,
                })
                .collect(),
        },
        P::UnsubAck(u) => Event::UnsubAck { mid: u.pkid },
        P::PingResp => Event::PingResp,
        P::Disconnect => Event::Disconnect { reason: 0 },
        // A client never receives these.
        P::Connect(_) | P::PingReq | P::Subscribe(_) | P::Unsubscribe(_) => Event::PingResp,
    }
}

pub(super) fn incoming_v5(p: p5::Packet) -> Event {
    use p5::Packet as P;
    match p {
        P::ConnAck(c) => {
            let props = c.properties.as_ref();
            Event::ConnAck(ConnAck {
                code: connack_code_v5(c.code),
                session_present: c.session_present,
                assigned_client_id: props.and_then(|p| p.assigned_client_identifier.clone()),
                topic_alias_max: props.and_then(|p| p.topic_alias_max),
                receive_max: props.and_then(|p| p.receive_max),
                max_qos: props.and_then(|p| p.max_qos),
                retain_available: props.and_then(|p| p.retain_available),
                max_packet_size: props.and_then(|p| p.max_packet_size),
                server_keepalive: props.and_then(|p| p.server_keep_alive),
                session_expiry: props.and_then(|p| p.session_expiry_interval),
                wildcard_available: props.and_then(|p| p.wildcard_subscription_available),
                subscription_ids_available: props
                    .and_then(|p| p.subscription_identifiers_available),
                shared_available: props.and_then(|p| p.shared_subscription_available),
                reason_string: props.and_then(|p| p.reason_string.clone()),
            })
        }
        P::Publish(m) => Event::Message(Message {
            topic: m.topic,
            payload: m.payload,
            qos: qos_v5(m.qos),
            retain: m.retain,
            dup: m.dup,
            mid: m.pkid,
            properties: m.properties.map(Box::new),
        }),
        P::PubAck(a) => Event::PubAck {
            mid: a.pkid,
            reason: puback_code(a.reason),
        },
        P::PubRec(a) => Event::PubRec {
            mid: a.pkid,
            reason: pubrec_code(a.reason),
        },
        P::PubRel(a) => Event::PubRel { mid: a.pkid },
        P::PubComp(a) => Event::PubComp {
            mid: a.pkid,
            reason: match a.reason {
                p5::PubCompReason::Success => 0,
                p5::PubCompReason::PacketIdentifierNotFound => 0x92,
            },
        },
        P::SubAck(s) => Event::SubAck {
            mid: s.pkid,
            codes: s.return_codes.iter().map(|c| suback_code(*c)).collect(),
        },
        P::UnsubAck(u) => Event::UnsubAck { mid: u.pkid },
        P::PingResp(_) => Event::PingResp,
        P::Disconnect(d) => Event::Disconnect {
            reason: d.reason_code as u8,
        },
        P::Auth(_) | P::Connect(..) | P::PingReq(_) | P::Subscribe(_) | P::Unsubscribe(_) => {
            Event::PingResp
        }
    }
}

/// PUBACK and PUBREC share their reason codes, but rumqttc gives them two enums.
macro_rules! ack_reason_code {
    ($name:ident, $reason:ty) => {
        fn $name(r: $reason) -> u8 {
            use $reason as R;
            match r {
                R::Success => 0,
                R::NoMatchingSubscribers => 0x10,
                R::UnspecifiedError => 0x80,
                R::ImplementationSpecificError => 0x83,
                R::NotAuthorized => 0x87,
                R::TopicNameInvalid => 0x90,
                R::PacketIdentifierInUse => 0x91,
                R::QuotaExceeded => 0x97,
                R::PayloadFormatInvalid => 0x99,
            }
        }
    };
}

ack_reason_code!(puback_code, p5::PubAckReason);
ack_reason_code!(pubrec_code, p5::PubRecReason);

fn suback_code(c: p5::SubscribeReasonCode) -> u8 {
    use p5::SubscribeReasonCode as C;
    match c {
        C::Success(q) => q as u8,
        C::Failure | C::Unspecified => 0x80,
        C::ImplementationSpecific => 0x83,
        C::NotAuthorized => 0x87,
        C::TopicFilterInvalid => 0x8F,
        C::PkidInUse => 0x91,
        C::QuotaExceeded => 0x97,
        C::SharedSubscriptionsNotSupported => 0x9E,
        C::SubscriptionIdNotSupported => 0xA1,
        C::WildcardSubscriptionsNotSupported => 0xA2,
    }
}

pub(super) fn connack_code_v5(c: p5::ConnectReturnCode) -> u8 {
    use p5::ConnectReturnCode as C;
    match c {
        C::Success => 0,
        C::RefusedProtocolVersion => 1,
        C::BadClientId => 2,
        C::ServiceUnavailable => 3,
        C::UnspecifiedError => 128,
        C::MalformedPacket => 129,
        C::ProtocolError => 130,
        C::ImplementationSpecificError => 131,
        C::UnsupportedProtocolVersion => 132,
        C::ClientIdentifierNotValid => 133,
        C::BadUserNamePassword => 134,
        C::NotAuthorized => 135,
        C::ServerUnavailable => 136,
        C::ServerBusy => 137,
        C::Banned => 138,
        C::BadAuthenticationMethod => 140,
        C::TopicNameInvalid => 144,
        C::PacketTooLarge => 149,
        C::QuotaExceeded => 151,
        C::PayloadFormatInvalid => 153,
        C::RetainNotSupported => 154,
        C::QoSNotSupported => 155,
        C::UseAnotherServer => 156,
        C::ServerMoved => 157,
        C::ConnectionRateExceeded => 159,
    }
}
