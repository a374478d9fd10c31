//! Packets as the connection layer reports them: one vocabulary for v3.1.1 and v5, so commands and
//! tracing never see rumqttc's two sets of types.

use std::sync::Arc;

use bytes::Bytes;

use super::{Outgoing, Qos};

/// A received PUBLISH.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The topic bytes as received (MQTT requires UTF-8, but nothing here assumes it).
    pub topic: Bytes,
    pub payload: Bytes,
    pub qos: Qos,
    pub retain: bool,
    pub dup: bool,
    /// Packet id (0 at QoS 0).
    pub mid: u16,
    /// v5 properties, when the message carried any. Boxed: inline they would make every event a
    /// few hundred bytes, copied at each hand-over between the connection task and the command.
    pub properties: Option<Box<rumqttc::v5::mqttbytes::v5::PublishProperties>>,
}

/// What the broker told us in CONNACK.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConnAck {
    /// 0 on success; the v3 return code or the v5 reason code otherwise.
    pub code: u8,
    pub session_present: bool,
    /// v5: the client id the broker assigned.
    pub assigned_client_id: Option<String>,
    /// v5: the broker's topic alias maximum (0 = aliases not allowed).
    pub topic_alias_max: Option<u16>,
    /// v5: the broker's receive maximum.
    pub receive_max: Option<u16>,
    /// v5: the highest QoS the broker accepts.
    pub max_qos: Option<u8>,
    /// v5: whether the broker keeps retained messages.
    pub retain_available: Option<u8>,
    /// v5: the largest packet the broker accepts.
    pub max_packet_size: Option<u32>,
    /// v5: the keepalive the broker imposes.
    pub server_keepalive: Option<u16>,
    /// v5: the session expiry the broker grants.
    pub session_expiry: Option<u32>,
    /// v5: whether wildcard subscriptions, subscription ids and shared subscriptions are available.
    pub wildcard_available: Option<u8>,
    pub subscription_ids_available: Option<u8>,
    pub shared_available: Option<u8>,
    /// v5: a human-readable reason.
    pub reason_string: Option<String>,
}

/// A packet that crossed the wire, in either direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// CONNECT was written (printed by us: rumqttc never reports it).
    ConnectSent,
    ConnAck(ConnAck),
    /// A PUBLISH from the broker.
    Message(Message),
    /// PUBACK received, with its reason code (0 in v3.1.1).
    PubAck {
        mid: u16,
        reason: u8,
    },
    PubRec {
        mid: u16,
        reason: u8,
    },
    PubRel {
        mid: u16,
    },
    PubComp {
        mid: u16,
        reason: u8,
    },
    SubAck {
        mid: u16,
        codes: Vec<u8>,
    },
    UnsubAck {
        mid: u16,
    },
    PingResp,
    /// A v5 DISCONNECT from the broker.
    Disconnect {
        reason: u8,
    },
    /// Packets we wrote.
    SentPublish {
        mid: u16,
    },
    SentPubAck {
        mid: u16,
    },
    SentPubRec {
        mid: u16,
    },
    SentPubRel {
        mid: u16,
    },
    SentPubComp {
        mid: u16,
    },
    SentSubscribe {
        mid: u16,
    },
    SentUnsubscribe {
        mid: u16,
    },
    SentPingReq,
    SentDisconnect,
    /// The connection broke; when reconnecting, a new `ConnectSent` follows.
    ConnectionLost,
}

/// What was asked for in a PUBLISH, kept because rumqttc's outgoing events carry only packet ids.
#[derive(Debug, Clone)]
pub struct Record {
    pub topic: String,
    pub qos: Qos,
    pub retain: bool,
    pub len: usize,
    /// The message itself, kept at QoS 2 on a reconnecting connection: a broker that starts a new
    /// session has forgotten a message it answered with PUBREC, so it is published again then.
    pub replay: Option<Arc<Outgoing>>,
}

/// A SUBSCRIBE or UNSUBSCRIBE as asked for: (filter, QoS, v5 options byte) per filter.
#[derive(Debug, Clone)]
pub struct FilterRecord {
    pub filters: Vec<(String, u8, u8)>,
}

/// What a packet we wrote carried, paired with rumqttc's id-only outgoing event (for `-d`).
#[derive(Debug, Clone)]
pub enum Sent {
    /// A PUBLISH, the message id to show, and whether it is a resend (DUP set).
    Publish { record: Record, mid: u16, dup: bool },
    /// A SUBSCRIBE and its packet id.
    Subscribe(FilterRecord, u16),
    /// An UNSUBSCRIBE and its packet id.
    Unsubscribe(FilterRecord, u16),
}
