//! A real MQTT test subscriber (rumqttc, on a background thread with its own tokio runtime) for
//! observing what publishers deliver. One loop serves MQTT v3.1.1 and v5: [`Link`] turns each
//! protocol's events into the few the loop acts on.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::util::T;

/// MQTT v5 publish properties as received by a v5 [`Subscriber`].
/// `message_expiry_interval` is what the broker forwards (the remaining
/// lifetime, which may be lower than what the publisher sent).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Props {
    pub payload_format_indicator: Option<u8>,
    pub message_expiry_interval: Option<u32>,
    pub topic_alias: Option<u16>,
    pub response_topic: Option<String>,
    pub correlation_data: Option<Vec<u8>>,
    pub user_properties: Vec<(String, String)>,
    pub subscription_identifiers: Vec<usize>,
    pub content_type: Option<String>,
}

/// A message received by a [`Subscriber`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    pub topic: String,
    pub payload: Vec<u8>,
    pub qos: u8,
    pub retain: bool,
    /// `None` for a v3.1.1 subscriber; always `Some` for a v5 one
    /// (default/empty if the message carried no properties).
    pub props: Option<Props>,
}

impl Msg {
    /// Lossy UTF-8 payload, for assertions only.
    pub fn payload_str(&self) -> String {
        String::from_utf8_lossy(&self.payload).into_owned()
    }

    /// The v5 properties; panics for a v3.1.1 subscriber.
    #[track_caller]
    pub fn props(&self) -> &Props {
        self.props
            .as_ref()
            .expect("message has no props: use Subscriber::start_v5")
    }
}

/// Options for [`Subscriber::start_with`].
#[derive(Debug, Clone)]
pub struct SubOptions {
    pub port: u16,
    /// (filter, qos) pairs, subscribed in one SUBSCRIBE.
    pub filters: Vec<(String, u8)>,
    /// Use MQTT v5 instead of v3.1.1. A v5 subscriber subscribes with retain-as-published, so
    /// `Msg::retain` shows the publisher's retain flag on live messages too (v3.1.1 brokers clear
    /// it on live messages).
    pub v5: bool,
    pub credentials: Option<(String, String)>,
}

impl SubOptions {
    pub fn new(port: u16, filter: &str, qos: u8) -> SubOptions {
        SubOptions {
            port,
            filters: vec![(filter.to_string(), qos)],
            v5: false,
            credentials: None,
        }
    }

    /// Adds another filter.
    pub fn filter(mut self, filter: &str, qos: u8) -> SubOptions {
        self.filters.push((filter.to_string(), qos));
        self
    }

    pub fn v5(mut self) -> SubOptions {
        self.v5 = true;
        self
    }

    pub fn credentials(mut self, user: &str, password: &str) -> SubOptions {
        self.credentials = Some((user.to_string(), password.to_string()));
        self
    }
}

/// A running test subscriber.
///
/// [`Subscriber::start`] returns only once the broker has acknowledged the
/// subscription, so anything published afterwards is seen. After a broker
/// restart it reconnects and re-subscribes by itself.
pub struct Subscriber {
    msgs: Receiver<Msg>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

static NEXT_ID: AtomicU64 = AtomicU64::new(0);

fn unique_client_id() -> String {
    format!(
        "mqtk-test-sub-{}-{}",
        std::process::id(),
        NEXT_ID.fetch_add(1, Ordering::Relaxed)
    )
}

/// Channels from the background thread.
struct SubChannels {
    ready: Sender<Result<(), String>>,
    msgs: Sender<Msg>,
    stop: tokio::sync::oneshot::Receiver<()>,
}

const MAX_PACKET: u32 = 268_435_455;
const RECONNECT_BACKOFF: Duration = Duration::from_millis(20);

impl Subscriber {
    /// MQTT v3.1.1 subscriber on `127.0.0.1:port` for `filter` at `qos`.
    #[track_caller]
    pub fn start(port: u16, filter: &str, qos: u8) -> Subscriber {
        Subscriber::start_with(SubOptions::new(port, filter, qos))
    }

    /// MQTT v5 subscriber (messages carry [`Props`]; retain-as-published).
    #[track_caller]
    pub fn start_v5(port: u16, filter: &str, qos: u8) -> Subscriber {
        Subscriber::start_with(SubOptions::new(port, filter, qos).v5())
    }

    /// Starts a subscriber; returns after SUBACK, panics on failure or after [`T`].
    #[track_caller]
    pub fn start_with(opts: SubOptions) -> Subscriber {
        let client_id = unique_client_id();
        let (ready_tx, ready_rx) = mpsc::channel();
        let (msg_tx, msgs) = mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel();
        let chans = SubChannels {
            ready: ready_tx,
            msgs: msg_tx,
            stop: stop_rx,
        };
        let o = opts.clone();
        let thread = thread::Builder::new()
            .name(format!("sub-{client_id}"))
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("tokio runtime");
                rt.block_on(sub_loop(Link::new(&o, client_id), chans));
            })
            .expect("spawn subscriber thread");
        let mut sub = Subscriber {
            msgs,
            stop: Some(stop_tx),
            thread: Some(thread),
        };
        match ready_rx.recv_timeout(T) {
            Ok(Ok(())) => sub,
            Ok(Err(e)) => {
                sub.shutdown();
                panic!("test subscriber {opts:?} failed: {e}")
            }
            Err(_) => {
                sub.shutdown();
                panic!("test subscriber {opts:?} got no SUBACK within {T:?}")
            }
        }
    }

    /// The next message, or `None` after `timeout`.
    pub fn recv(&self, timeout: Duration) -> Option<Msg> {
        self.msgs.recv_timeout(timeout).ok()
    }

    /// Exactly the next `n` messages, waiting up to `timeout` in total;
    /// panics listing what did arrive if fewer than `n` came.
    #[track_caller]
    pub fn take(&self, n: usize, timeout: Duration) -> Vec<Msg> {
        let deadline = Instant::now() + timeout;
        let mut got = Vec::with_capacity(n);
        while got.len() < n {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.msgs.recv_timeout(left) {
                Ok(m) => got.push(m),
                Err(_) => {
                    let shown: Vec<String> = got
                        .iter()
                        .take(20)
                        .map(|m| format!("  {} {:?}", m.topic, m.payload_str()))
                        .collect();
                    panic!(
                        "expected {n} messages within {timeout:?}, only {} arrived:\n{}",
                        got.len(),
                        shown.join("\n")
                    );
                }
            }
        }
        got
    }

    /// Proves absence: panics if any message arrives within `duration`.
    /// (The only place a bounded wait is acceptable.)
    #[track_caller]
    pub fn expect_none(&self, duration: Duration) {
        if let Ok(m) = self.msgs.recv_timeout(duration) {
            panic!("expected no message, got {m:?}");
        }
    }

    fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Subscriber {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// What the loop acts on, from either protocol.
enum Polled {
    ConnAck,
    /// SUBACK: `Err` with the codes when a filter was refused.
    SubAck(Result<(), String>),
    Message(Msg),
    /// Our DISCONNECT went out.
    Disconnected,
    Other,
    Error(String),
}

impl Polled {
    /// A SUBACK with these codes, refused when any code is.
    fn suback<C: std::fmt::Debug>(codes: &[C], refused: impl Fn(&C) -> bool) -> Polled {
        match codes.iter().any(refused) {
            true => Polled::SubAck(Err(format!("{codes:?}"))),
            false => Polled::SubAck(Ok(())),
        }
    }
}

/// A v3.1.1 or v5 rumqttc client with its event loop and the filters to subscribe.
enum Link {
    V4(
        rumqttc::AsyncClient,
        Box<rumqttc::EventLoop>,
        Vec<rumqttc::SubscribeFilter>,
    ),
    V5(
        rumqttc::v5::AsyncClient,
        Box<rumqttc::v5::EventLoop>,
        Vec<rumqttc::v5::mqttbytes::v5::Filter>,
    ),
}

fn qos4(q: u8) -> rumqttc::QoS {
    match q {
        0 => rumqttc::QoS::AtMostOnce,
        1 => rumqttc::QoS::AtLeastOnce,
        _ => rumqttc::QoS::ExactlyOnce,
    }
}

fn qos5(q: u8) -> rumqttc::v5::mqttbytes::QoS {
    match q {
        0 => rumqttc::v5::mqttbytes::QoS::AtMostOnce,
        1 => rumqttc::v5::mqttbytes::QoS::AtLeastOnce,
        _ => rumqttc::v5::mqttbytes::QoS::ExactlyOnce,
    }
}

impl Link {
    fn new(opts: &SubOptions, id: String) -> Link {
        if opts.v5 {
            use rumqttc::v5::mqttbytes::v5::Filter;
            let mut mo = rumqttc::v5::MqttOptions::new(id, "127.0.0.1", opts.port);
            mo.set_max_packet_size(Some(MAX_PACKET));
            mo.set_keep_alive(Duration::from_secs(60));
            if let Some((u, p)) = &opts.credentials {
                mo.set_credentials(u.clone(), p.clone());
            }
            let (client, el) = rumqttc::v5::AsyncClient::new(mo, 16);
            let filters = opts
                .filters
                .iter()
                .map(|(f, q)| {
                    let mut filter = Filter::new(f.clone(), qos5(*q));
                    filter.preserve_retain = true;
                    filter
                })
                .collect();
            Link::V5(client, Box::new(el), filters)
        } else {
            let mut mo = rumqttc::MqttOptions::new(id, "127.0.0.1", opts.port);
            mo.set_max_packet_size(MAX_PACKET as usize, MAX_PACKET as usize);
            mo.set_keep_alive(Duration::from_secs(60));
            if let Some((u, p)) = &opts.credentials {
                mo.set_credentials(u.clone(), p.clone());
            }
            let (client, el) = rumqttc::AsyncClient::new(mo, 16);
            let filters = opts
                .filters
                .iter()
                .map(|(f, q)| rumqttc::SubscribeFilter::new(f.clone(), qos4(*q)))
                .collect();
            Link::V4(client, Box::new(el), filters)
        }
    }

    async fn poll(&mut self) -> Polled {
        match self {
            Link::V4(_, el, _) => {
                use rumqttc::{Event, Outgoing, Packet, SubscribeReasonCode};
                match el.poll().await {
                    Ok(Event::Incoming(Packet::ConnAck(_))) => Polled::ConnAck,
                    Ok(Event::Incoming(Packet::SubAck(ack))) => {
                        Polled::suback(&ack.return_codes, |c| {
                            matches!(c, SubscribeReasonCode::Failure)
                        })
                    }
                    Ok(Event::Incoming(Packet::Publish(p))) => Polled::Message(Msg {
                        topic: p.topic.clone(),
                        payload: p.payload.to_vec(),
                        qos: p.qos as u8,
                        retain: p.retain,
                        props: None,
                    }),
                    Ok(Event::Outgoing(Outgoing::Disconnect)) => Polled::Disconnected,
                    Ok(_) => Polled::Other,
                    Err(e) => Polled::Error(e.to_string()),
                }
            }
            Link::V5(_, el, _) => {
                use rumqttc::Outgoing;
                use rumqttc::v5::Event;
                use rumqttc::v5::mqttbytes::v5::{Packet, SubscribeReasonCode};
                match el.poll().await {
                    Ok(Event::Incoming(Packet::ConnAck(_))) => Polled::ConnAck,
                    Ok(Event::Incoming(Packet::SubAck(ack))) => {
                        Polled::suback(&ack.return_codes, |c| {
                            !matches!(c, SubscribeReasonCode::Success(_))
                        })
                    }
                    Ok(Event::Incoming(Packet::Publish(p))) => {
                        let props = p
                            .properties
                            .as_ref()
                            .map(|pp| Props {
                                payload_format_indicator: pp.payload_format_indicator,
                                message_expiry_interval: pp.message_expiry_interval,
                                topic_alias: pp.topic_alias,
                                response_topic: pp.response_topic.clone(),
                                correlation_data: pp.correlation_data.as_ref().map(|b| b.to_vec()),
                                user_properties: pp.user_properties.clone(),
                                subscription_identifiers: pp.subscription_identifiers.clone(),
                                content_type: pp.content_type.clone(),
                            })
                            .unwrap_or_default();
                        Polled::Message(Msg {
                            topic: String::from_utf8_lossy(&p.topic).into_owned(),
                            payload: p.payload.to_vec(),
                            qos: p.qos as u8,
                            retain: p.retain,
                            props: Some(props),
                        })
                    }
                    Ok(Event::Outgoing(Outgoing::Disconnect)) => Polled::Disconnected,
                    Ok(_) => Polled::Other,
                    Err(e) => Polled::Error(e.to_string()),
                }
            }
        }
    }

    /// Subscribes to every filter in one SUBSCRIBE.
    async fn subscribe(&self) {
        match self {
            Link::V4(client, _, filters) => {
                let _ = client.subscribe_many(filters.clone()).await;
            }
            Link::V5(client, _, filters) => {
                let _ = client.subscribe_many(filters.clone()).await;
            }
        }
    }

    /// Requests DISCONNECT; false when the request queue is gone.
    fn request_disconnect(&self) -> bool {
        match self {
            Link::V4(client, ..) => client.try_disconnect().is_ok(),
            Link::V5(client, ..) => client.try_disconnect().is_ok(),
        }
    }
}

async fn sub_loop(mut link: Link, mut ch: SubChannels) {
    let mut ready = Some(ch.ready);
    loop {
        tokio::select! {
            _ = &mut ch.stop => break,
            polled = link.poll() => match polled {
                // Clean session: (re-)subscribe on every connect.
                Polled::ConnAck => link.subscribe().await,
                Polled::SubAck(result) => {
                    if let Some(r) = ready.take() {
                        let refused = result.is_err();
                        let _ = r.send(result.map_err(|codes| format!("SUBACK refused: {codes}")));
                        if refused {
                            return;
                        }
                    }
                }
                Polled::Message(msg) => {
                    let _ = ch.msgs.send(msg);
                }
                Polled::Error(e) => match ready.take() {
                    Some(r) => {
                        let _ = r.send(Err(format!("connection error: {e}")));
                        return;
                    }
                    // Broker gone (e.g. restarting): poll again to reconnect.
                    None => tokio::time::sleep(RECONNECT_BACKOFF).await,
                },
                Polled::Disconnected | Polled::Other => {}
            }
        }
    }
    // Graceful DISCONNECT, bounded so shutdown never hangs.
    if link.request_disconnect() {
        let _ = tokio::time::timeout(Duration::from_secs(1), async {
            loop {
                if let Polled::Disconnected | Polled::Error(_) = link.poll().await {
                    break;
                }
            }
        })
        .await;
    }
}
