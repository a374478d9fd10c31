//! rumqttc behind one face: builds its options from ours, and maps its v3.1.1 and v5 clients, event
//! loops, events and errors to the connection layer's own types.

use std::time::Duration;

use rumqttc::v5::mqttbytes::QoS as QoS5;
use rumqttc::v5::mqttbytes::v5 as p5;

use super::event::{ConnAck, Event, Message};
use super::transport::Prepared;
use super::{MAX_PACKET_SIZE, Options, Outgoing, Protocol, Qos, Subscription};

/// How many requests may wait between commands and the event loop: enough to keep the socket busy,
/// small enough that a fast producer is held back (backpressure) instead of buffering without bound.
const REQUEST_CHANNEL: usize = 256;

/// Why polling failed, in the terms the exit-code table needs.
#[derive(Debug)]
pub enum PollError {
    /// CONNACK with a non-zero code (v3 return code or v5 reason code).
    Refused(u8),
    /// The broker sent DISCONNECT (v5) with this reason.
    ServerDisconnect(u8),
    /// No CONNACK (or no flush) within the connect timeout.
    Timeout,
    /// An I/O error: refused, reset, closed.
    Io(std::io::Error),
    /// The peer closed the connection.
    Closed,
    /// Anything else rumqttc reports (malformed packets, protocol violations).
    Protocol(String),
    /// rumqttc refused to send one of our requests (a v5 topic alias or a packet over the
    /// broker's limits): the same request would be refused again after a reconnect.
    Request(String),
    /// TLS failed (handshake, certificate, alert), in one line.
    Tls(String),
}

/// The request side of a rumqttc client.
#[derive(Clone)]
pub enum Client {
    V4(rumqttc::AsyncClient),
    V5(rumqttc::v5::AsyncClient),
}

/// The event side, polled by exactly one task.
pub enum Loop {
    V4(Box<rumqttc::EventLoop>),
    V5(Box<rumqttc::v5::EventLoop>),
}

/// Builds the client and its event loop. Every value was validated by the caller; the few that make
/// rumqttc panic are excluded by construction in `Options` (keepalive ≥ 5, inflight ≥ 1, clean session
/// or a non-empty id).
pub fn build(opts: &Options, prepared: Prepared) -> (Client, Loop) {
    let Prepared {
        broker_addr: host,
        port,
        transport,
        proxy,
    } = prepared;
    let keepalive = Duration::from_secs(u64::from(opts.keepalive));
    let timeout = opts.connect_timeout().as_secs();
    match opts.protocol {
        Protocol::V31 | Protocol::V311 => {
            let mut o = rumqttc::MqttOptions::new(opts.client_id.clone(), host, port);
            o.set_keep_alive(keepalive)
                .set_max_packet_size(MAX_PACKET_SIZE, MAX_PACKET_SIZE)
                .set_inflight(opts.inflight)
                .set_transport(transport);
            if let Some(proxy) = proxy {
                o.set_proxy(proxy);
            }
            if !opts.client_id.is_empty() || opts.clean {
                o.set_clean_session(opts.clean);
            }
            if let Some(user) = &opts.username {
                o.set_credentials(user.clone(), opts.password.clone().unwrap_or_default());
            }
            if let Some(w) = &opts.will {
                o.set_last_will(rumqttc::LastWill {
                    topic: w.topic.clone(),
                    message: w.payload.clone(),
                    qos: w.qos.v4(),
                    retain: w.retain,
                });
            }
            let (client, mut ev) = rumqttc::AsyncClient::new(o, REQUEST_CHANNEL);
            let mut net = rumqttc::NetworkOptions::new();
            net.set_connection_timeout(timeout);
            net.set_tcp_nodelay(opts.nodelay);
            ev.set_network_options(net);
            (Client::V4(client), Loop::V4(Box::new(ev)))
        }
        Protocol::V5 => {
            let mut o = rumqttc::v5::MqttOptions::new(opts.client_id.clone(), host, port);
            o.set_keep_alive(keepalive)
                .set_max_packet_size(Some(MAX_PACKET_SIZE as u32))
                .set_clean_start(opts.clean)
                .set_outgoing_inflight_upper_limit(opts.inflight)
                .set_connection_timeout(timeout)
                .set_transport(transport);
            if let Some(proxy) = proxy {
                o.set_proxy(proxy);
            }
            // libmosquitto always announces a receive maximum of 20.
            o.set_receive_maximum(Some(20));
            if let Some(expiry) = opts.session_expiry {
                o.set_session_expiry_interval(Some(expiry));
            }
            opts.connect_properties.apply_connect(&mut o);
            if opts.username.is_some() || opts.password.is_some() {
                o.set_credentials(
                    opts.username.clone().unwrap_or_default(),
                    opts.password.clone().unwrap_or_default(),
                );
            }
            if let Some(w) = &opts.will {
                let props = (!w.properties.is_empty()).then(|| w.properties.to_will());
                o.set_last_will(p5::LastWill::new(
                    w.topic.clone(),
                    w.payload.clone(),
                    w.qos.v5(),
                    w.retain,
                    props,
                ));
            }
            let mut net = rumqttc::NetworkOptions::new();
            net.set_connection_timeout(timeout);
            net.set_tcp_nodelay(opts.nodelay);
            o.set_network_options(net);
            let (client, ev) = rumqttc::v5::AsyncClient::new(o, REQUEST_CHANNEL);
            (Client::V5(client), Loop::V5(Box::new(ev)))
        }
    }
}

impl Client {
    /// Queues a PUBLISH; waits while the request channel is full.
    pub async fn publish(&self, msg: Outgoing) -> Result<(), ()> {
        match self {
            Client::V4(c) => c
                .publish_bytes(msg.topic, msg.qos.v4(), msg.retain, msg.payload)
                .await
                .map_err(|_| ()),
            Client::V5(c) => match msg.properties {
                Some(props) => c
                    .publish_bytes_with_properties(
                        msg.topic,
                        msg.qos.v5(),
                        msg.retain,
                        msg.payload,
                        props,
                    )
                    .await
                    .map_err(|_| ()),
                None => c
                    .publish_bytes(msg.topic, msg.qos.v5(), msg.retain, msg.payload)
                    .await
                    .map_err(|_| ()),
            },
        }
    }

    /// Queues one SUBSCRIBE carrying every filter.
    pub async fn subscribe(
        &self,
        subs: &[Subscription],
        props: Option<p5::SubscribeProperties>,
    ) -> Result<(), ()> {
        match self {
            Client::V4(c) => {
                let filters = subs
                    .iter()
                    .map(|s| rumqttc::SubscribeFilter::new(s.filter.clone(), s.qos.v4()));
                c.subscribe_many(filters.collect::<Vec<_>>())
                    .await
                    .map_err(|_| ())
            }
            Client::V5(c) => {
                let filters: Vec<p5::Filter> = subs
                    .iter()
                    .map(|s| p5::Filter {
                        path: s.filter.clone(),
                        qos: s.qos.v5(),
                        nolocal: s.no_local,
                        preserve_retain: s.retain_as_published,
                        retain_forward_rule: match s.retain_handling {
                            1 => p5::RetainForwardRule::OnNewSubscribe,
                            2 => p5::RetainForwardRule::Never,
                            _ => p5::RetainForwardRule::OnEverySubscribe,
                        },
                    })
                    .collect();
                match props {
                    Some(p) => c.subscribe_many_with_properties(filters, p).await,
                    None => c.subscribe_many(filters).await,
                }
                .map_err(|_| ())
            }
        }
    }

    /// Queues an UNSUBSCRIBE for one filter.
    pub async fn unsubscribe(&self, filter: String) -> Result<(), ()> {
        match self {
            Client::V4(c) => c.unsubscribe(filter).await.map_err(|_| ()),
            Client::V5(c) => c.unsubscribe(filter).await.map_err(|_| ()),
        }
    }

    /// Queues DISCONNECT (after everything queued before it).
    pub async fn disconnect(&self) -> Result<(), ()> {
        match self {
            Client::V4(c) => c.disconnect().await.map_err(|_| ()),
            Client::V5(c) => c.disconnect().await.map_err(|_| ()),
        }
    }
}

impl Loop {
    /// Polls once: connects when not connected, otherwise moves one request or one packet.
    pub async fn poll(&mut self) -> Result<Event, PollError> {
        match self {
            Loop::V4(ev) => match ev.poll().await {
                Ok(rumqttc::Event::Incoming(p)) => Ok(incoming_v4(p)),
                Ok(rumqttc::Event::Outgoing(o)) => Ok(outgoing(o)),
                Err(e) => Err(error_v4(e, is_wss(&ev.mqtt_options.transport()))),
            },
            Loop::V5(ev) => match ev.poll().await {
                Ok(rumqttc::v5::Event::Incoming(p)) => Ok(incoming_v5(p)),
                Ok(rumqttc::v5::Event::Outgoing(o)) => Ok(outgoing(o)),
                Err(e) => Err(error_v5(e, is_wss(&ev.options.transport()))),
            },
        }
    }

    /// Events rumqttc buffered and had not returned when the connection failed. They happened (an
    /// ack that arrived, a packet handed to the socket) and the state already reflects them, so the
    /// books must see them too; left in place they would come out after the next CONNACK.
    pub fn take_buffered_events(&mut self) -> Vec<Event> {
        match self {
            Loop::V4(ev) => ev
                .state
                .events
                .drain(..)
                .map(|e| match e {
                    rumqttc::Event::Incoming(p) => incoming_v4(p),
                    rumqttc::Event::Outgoing(o) => outgoing(o),
                })
                .collect(),
            Loop::V5(ev) => ev
                .state
                .events
                .drain(..)
                .map(|e| match e {
                    rumqttc::v5::Event::Incoming(p) => incoming_v5(p),
                    rumqttc::v5::Event::Outgoing(o) => outgoing(o),
                })
                .collect(),
        }
    }
}

fn outgoing(o: rumqttc::Outgoing) -> Event {
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

fn incoming_v4(p: rumqttc::Packet) -> Event {
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

fn incoming_v5(p: p5::Packet) -> Event {
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
            properties: m.properties,
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

fn connack_code_v5(c: p5::ConnectReturnCode) -> u8 {
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

fn io_error(e: std::io::Error) -> PollError {
    // A TLS alert after the handshake (a refused client certificate under TLS 1.3) arrives as I/O.
    if let Some(detail) = super::tls::cause(&e) {
        return PollError::Tls(detail);
    }
    match e.kind() {
        std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::ConnectionReset => {
            PollError::Closed
        }
        _ => PollError::Io(e),
    }
}

/// rumqttc wraps a peer's hang-up in other errors (a reset while reading a packet is a
/// deserialization error): that is a lost connection, anything else a protocol error.
fn hang_up_or_protocol(e: &(dyn std::error::Error + 'static)) -> PollError {
    let mut next = Some(e);
    while let Some(err) = next {
        let kind = err
            .downcast_ref::<std::io::Error>()
            .map(std::io::Error::kind);
        if matches!(
            kind,
            Some(std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::ConnectionReset)
        ) {
            return PollError::Closed;
        }
        next = err.source();
    }
    PollError::Protocol(e.to_string())
}

fn is_wss(t: &rumqttc::Transport) -> bool {
    matches!(t, rumqttc::Transport::Wss(_))
}

/// rumqttc reports errors from the TLS and WebSocket handshakes of `wss://` together: a hang-up
/// there is a set-up failure, most likely a port that does not speak TLS (or not WebSockets).
fn wss_handshake(e: &(dyn std::error::Error + 'static)) -> PollError {
    match hang_up_or_protocol(e) {
        PollError::Closed => PollError::Tls(super::tls::CLOSED_IN_WSS_HANDSHAKE.into()),
        other => other,
    }
}

fn error_v4(e: rumqttc::ConnectionError, wss: bool) -> PollError {
    use rumqttc::ConnectionError as E;
    use rumqttc::StateError as S;
    if let Some(detail) = super::tls::cause(&e) {
        return PollError::Tls(detail);
    }
    if matches!(
        e,
        E::MqttState(S::Deserialization(
            rumqttc::mqttbytes::Error::OutgoingPacketTooLarge { .. }
        ))
    ) {
        return PollError::Request(e.to_string());
    }
    match e {
        E::ConnectionRefused(code) => PollError::Refused(code as u8),
        E::Tls(e) => PollError::Tls(super::tls::handshake_error(&e)),
        E::Websocket(e) if wss => wss_handshake(&e),
        E::NetworkTimeout | E::FlushTimeout => PollError::Timeout,
        E::Io(e) => io_error(e),
        E::MqttState(S::Io(e)) => io_error(e),
        E::MqttState(S::ConnectionAborted) => PollError::Closed,
        E::Proxy(p) => proxy_error(&p),
        other => hang_up_or_protocol(&other),
    }
}

fn error_v5(e: rumqttc::v5::ConnectionError, wss: bool) -> PollError {
    use rumqttc::v5::ConnectionError as E;
    use rumqttc::v5::StateError as S;
    if let Some(detail) = super::tls::cause(&e) {
        return PollError::Tls(detail);
    }
    if matches!(
        e,
        E::MqttState(
            S::InvalidAlias { .. }
                | S::OutgoingPacketTooLarge { .. }
                | S::Deserialization(rumqttc::v5::mqttbytes::Error::OutgoingPacketTooLarge { .. })
        )
    ) {
        return PollError::Request(e.to_string());
    }
    match e {
        E::Tls(e) => PollError::Tls(super::tls::handshake_error(&e)),
        E::Websocket(e) if wss => wss_handshake(&e),
        E::ConnectionRefused(code) => PollError::Refused(connack_code_v5(code)),
        E::MqttState(S::ConnFail { reason }) => PollError::Refused(connack_code_v5(reason)),
        E::MqttState(S::ServerDisconnect { reason_code, .. }) => {
            PollError::ServerDisconnect(reason_code as u8)
        }
        E::Timeout(_) => PollError::Timeout,
        E::Io(e) => io_error(e),
        E::MqttState(S::Io(e)) => io_error(e),
        // v5's deserialization error does not chain its cause: unwrap it here.
        E::MqttState(S::Deserialization(rumqttc::v5::mqttbytes::Error::Io(e))) => io_error(e),
        E::MqttState(S::ConnectionAborted) => PollError::Closed,
        E::Proxy(p) => proxy_error(&p),
        other => hang_up_or_protocol(&other),
    }
}

/// A proxy failure (the user's HTTP proxy, or our relay for SOCKS5 and `-A`), as mosquitto reports
/// one: an unreachable proxy is the socket error itself, a proxy that answers 407 is "Authorisation
/// failed.", and any other refusal (the relay's 502 when it cannot reach the broker) is "Connection
/// refused". rumqttc does not export its proxy error type, so the HTTP status is read from its text.
fn proxy_error(e: &(dyn std::error::Error + 'static)) -> PollError {
    use std::io::{Error, ErrorKind};
    if let Some(io) = e.source().and_then(|s| s.downcast_ref::<Error>()) {
        return io_error(Error::new(io.kind(), io.to_string()));
    }
    let text = e.source().map(|s| s.to_string()).unwrap_or_default();
    match text.rsplit_once("not equal 200: ").map(|(_, code)| code) {
        Some("407") => PollError::Io(Error::other("Authorisation failed.")),
        _ => PollError::Io(Error::new(
            ErrorKind::ConnectionRefused,
            "Connection refused",
        )),
    }
}
