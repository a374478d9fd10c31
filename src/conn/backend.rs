//! rumqttc behind one face: builds its options from ours, and maps its v3.1.1 and v5 clients, event
//! loops, events and errors to the connection layer's own types.

use std::time::Duration;

use rumqttc::v5::mqttbytes::v5 as p5;

use super::event::Event;
use super::transport::Prepared;
use super::{MAX_PACKET_SIZE, Options, Outgoing, Protocol, Subscription};

/// The largest whole packet: MQTT limits the remaining length to [`MAX_PACKET_SIZE`], and rumqttc
/// checks whole packets (fixed header included: 1 byte of type, 4 of length), so a payload that fits
/// the protocol (268,435,448 bytes on a 3-byte topic at QoS 1) must not be refused before it is sent.
/// (MQTT v5 keeps announcing 268,435,455: its maximum packet size is a whole-packet limit, and
/// libmosquitto clients' CONNECT, which announces none, is matched byte for byte by the tests.)
const MAX_FRAME: usize = MAX_PACKET_SIZE + 5;

/// How many requests may wait between commands and the event loop: enough to keep the socket busy,
/// small enough that a fast producer is held back (backpressure) instead of buffering without bound.
const REQUEST_CHANNEL: usize = 256;

mod errors;
mod packets;

pub use errors::{PollError, failure_of};
use errors::{error_v4, error_v5};
use packets::{incoming_v4, incoming_v5, outgoing};

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
        layer,
    } = prepared;
    let keepalive = Duration::from_secs(u64::from(opts.keepalive));
    let timeout = opts.connect_timeout().as_secs();
    match opts.protocol {
        Protocol::V31 | Protocol::V311 => {
            let mut o = rumqttc::MqttOptions::new(opts.client_id.clone(), host, port);
            o.set_keep_alive(keepalive)
                .set_max_packet_size(MAX_FRAME, MAX_FRAME)
                .set_inflight(opts.inflight)
                .set_mqtt31(opts.protocol == Protocol::V31)
                .set_transport(transport.clone());
            if let Some(proxy) = proxy.clone() {
                o.set_proxy(proxy);
            }
            if let Some(layer) = layer.clone() {
                o.set_stream_layer(layer);
            }
            if !opts.client_id.is_empty() || opts.clean {
                o.set_clean_session(opts.clean);
            }
            // An empty user name or password given is sent empty, as libmosquitto sends `-P ''`.
            if opts.username.is_some() {
                o.set_login(rumqttc::Login::present(
                    opts.username.clone(),
                    opts.password.clone(),
                ));
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
            if let Some(ip) = opts.source {
                net.set_bind_addr(std::net::SocketAddr::new(ip, 0));
            }
            if let Some(capacity) = opts.buffer_capacity {
                net.set_buffer_capacity(capacity);
            }
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
                .set_transport(transport.clone());
            if let Some(proxy) = proxy.clone() {
                o.set_proxy(proxy);
            }
            if let Some(layer) = layer.clone() {
                o.set_stream_layer(layer);
            }
            // libmosquitto always announces a receive maximum of 20.
            o.set_receive_maximum(Some(20));
            if let Some(expiry) = opts.session_expiry {
                o.set_session_expiry_interval(Some(expiry));
            }
            opts.connect_properties.apply_connect(&mut o);
            if opts.username.is_some() || opts.password.is_some() {
                o.set_login(p5::Login::present(
                    opts.username.clone(),
                    opts.password.clone(),
                ));
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
            if let Some(ip) = opts.source {
                net.set_bind_addr(std::net::SocketAddr::new(ip, 0));
            }
            if let Some(capacity) = opts.buffer_capacity {
                net.set_buffer_capacity(capacity);
            }
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

    /// Queues DISCONNECT (after everything queued before it); `keep_will` asks a v5 broker to
    /// publish the will all the same (reason 0x04; v3.1.1 has no such DISCONNECT).
    pub async fn disconnect(&self, keep_will: bool) -> Result<(), ()> {
        match self {
            Client::V4(c) => c.disconnect().await.map_err(|_| ()),
            Client::V5(c) if keep_will => c.disconnect_with_will().await.map_err(|_| ()),
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
                Err(e) => Err(error_v4(e)),
            },
            Loop::V5(ev) => match ev.poll().await {
                Ok(rumqttc::v5::Event::Incoming(p)) => Ok(incoming_v5(p)),
                Ok(rumqttc::v5::Event::Outgoing(o)) => Ok(outgoing(o)),
                Err(e) => Err(error_v5(e)),
            },
        }
    }

    /// The next event rumqttc buffered in an earlier poll and has not returned yet; its next poll
    /// would return it before touching the network.
    pub fn next_buffered(&mut self) -> Option<Event> {
        match self {
            Loop::V4(ev) => ev.state.events.pop_front().map(|e| match e {
                rumqttc::Event::Incoming(p) => incoming_v4(p),
                rumqttc::Event::Outgoing(o) => outgoing(o),
            }),
            Loop::V5(ev) => ev.state.events.pop_front().map(|e| match e {
                rumqttc::v5::Event::Incoming(p) => incoming_v5(p),
                rumqttc::v5::Event::Outgoing(o) => outgoing(o),
            }),
        }
    }

    /// Events rumqttc buffered and had not returned when the connection failed. They happened (an
    /// ack that arrived, a packet handed to the socket) and the state already reflects them, so the
    /// books must see them too; left in place they would come out after the next CONNACK.
    pub fn take_buffered_events(&mut self) -> Vec<Event> {
        std::iter::from_fn(|| self.next_buffered()).collect()
    }
}
