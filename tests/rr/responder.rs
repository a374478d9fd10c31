//! A scripted MQTT v5 responder for rr tests: subscribes to the request topic and answers every
//! request with its replies, in order, on the request's response topic (or on a fixed topic for a
//! v3.1.1 request, which carries none). Each request is reported to the test.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use bytes::Bytes;
use rumqttc::v5::mqttbytes::QoS;
use rumqttc::v5::mqttbytes::v5::{Packet, PublishProperties};
use rumqttc::v5::{AsyncClient, Event, MqttOptions};

use crate::util::T;

/// The correlation data a reply carries.
#[derive(Debug, Clone)]
pub enum Correlation {
    /// The request's own (none when the request had none).
    Echo,
    /// This, whatever the request said.
    Fixed(&'static [u8]),
}

/// One reply to each request.
#[derive(Debug, Clone)]
pub struct Reply {
    pub payload: Vec<u8>,
    pub correlation: Correlation,
    pub qos: u8,
}

impl Reply {
    /// A QoS 0 reply echoing the request's correlation data.
    pub fn echo(payload: &str) -> Reply {
        Reply {
            payload: payload.as_bytes().to_vec(),
            correlation: Correlation::Echo,
            qos: 0,
        }
    }

    /// A QoS 0 reply with other correlation data.
    pub fn wrong(payload: &str) -> Reply {
        Reply {
            payload: payload.as_bytes().to_vec(),
            correlation: Correlation::Fixed(b"not-yours"),
            qos: 0,
        }
    }

    pub fn qos(mut self, qos: u8) -> Reply {
        self.qos = qos;
        self
    }
}

/// A request as the responder saw it.
#[derive(Debug, Clone)]
pub struct Request {
    pub payload: Vec<u8>,
    pub response_topic: Option<String>,
    pub correlation: Option<Vec<u8>>,
}

/// A running responder; stops on drop.
pub struct Responder {
    requests: Receiver<Request>,
    client: AsyncClient,
    thread: Option<JoinHandle<()>>,
}

/// Client ids must differ: two responders with one id would take each other's session over.
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

fn qos(q: u8) -> QoS {
    match q {
        0 => QoS::AtMostOnce,
        1 => QoS::AtLeastOnce,
        _ => QoS::ExactlyOnce,
    }
}

impl Responder {
    /// Subscribes to `topic` on `127.0.0.1:port` at QoS 2 and returns once the SUBACK is in.
    /// `fallback` is where replies go when a request names no response topic.
    #[track_caller]
    pub fn start(port: u16, topic: &str, fallback: &str, replies: Vec<Reply>) -> Responder {
        let (ready_tx, ready_rx) = mpsc::channel();
        let (req_tx, requests) = mpsc::channel();
        let n = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        let id = format!("rr-responder-{}-{n}", std::process::id());
        let mut opts = MqttOptions::new(id, "127.0.0.1", port);
        opts.set_keep_alive(Duration::from_secs(60));
        let (client, mut event_loop) = AsyncClient::new(opts, 64);
        let (topic, fallback) = (topic.to_string(), fallback.to_string());
        let sub = client.clone();
        let thread = thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let mut ready = Some(ready_tx);
                let (mut acks_due, mut comps_due) = (0usize, 0usize);
                let mut answered = Vec::new();
                loop {
                    let event = match event_loop.poll().await {
                        Ok(e) => e,
                        Err(e) => {
                            if let Some(r) = ready.take() {
                                let _ = r.send(Err(e.to_string()));
                            }
                            return;
                        }
                    };
                    match event {
                        Event::Incoming(Packet::ConnAck(_)) => {
                            let _ = sub.subscribe(topic.clone(), QoS::ExactlyOnce).await;
                        }
                        Event::Incoming(Packet::SubAck(_)) => {
                            if let Some(r) = ready.take() {
                                let _ = r.send(Ok(()));
                            }
                        }
                        Event::Incoming(Packet::Publish(p)) => {
                            let props = p.properties.clone().unwrap_or_default();
                            let request = Request {
                                payload: p.payload.to_vec(),
                                response_topic: props.response_topic.clone(),
                                correlation: props.correlation_data.as_ref().map(|b| b.to_vec()),
                            };
                            let to = request.response_topic.clone().unwrap_or(fallback.clone());
                            for reply in &replies {
                                let correlation = match &reply.correlation {
                                    Correlation::Echo => props.correlation_data.clone(),
                                    Correlation::Fixed(d) => Some(Bytes::from_static(d)),
                                };
                                let properties = PublishProperties {
                                    correlation_data: correlation,
                                    ..Default::default()
                                };
                                let _ = sub
                                    .publish_with_properties(
                                        to.clone(),
                                        qos(reply.qos),
                                        false,
                                        reply.payload.clone(),
                                        properties,
                                    )
                                    .await;
                            }
                            // A QoS 1 marker after the replies: once the broker acknowledges it,
                            // it has routed every reply before it (it handles a client's packets
                            // in order), so the next run cannot receive this run's replies.
                            let _ = sub
                                .publish(format!("{topic}/marker"), QoS::AtLeastOnce, false, "")
                                .await;
                            acks_due += replies.iter().filter(|r| r.qos == 1).count() + 1;
                            comps_due += replies.iter().filter(|r| r.qos == 2).count();
                            answered.push(request);
                        }
                        Event::Incoming(Packet::PubAck(_)) => acks_due = acks_due.saturating_sub(1),
                        Event::Incoming(Packet::PubComp(_)) => {
                            comps_due = comps_due.saturating_sub(1)
                        }
                        Event::Outgoing(rumqttc::Outgoing::Disconnect) => return,
                        _ => {}
                    }
                    if acks_due == 0 && comps_due == 0 {
                        for request in answered.drain(..) {
                            let _ = req_tx.send(request);
                        }
                    }
                }
            });
        });
        match ready_rx.recv_timeout(T) {
            Ok(Ok(())) => Responder {
                requests,
                client,
                thread: Some(thread),
            },
            other => panic!("the responder did not subscribe: {other:?}"),
        }
    }

    /// The next request it answered, once the broker has routed every reply to it; panics after
    /// [`T`].
    #[track_caller]
    pub fn request(&self) -> Request {
        self.requests
            .recv_timeout(T)
            .expect("the responder saw no request")
    }
}

impl Drop for Responder {
    fn drop(&mut self) {
        let _ = self.client.try_disconnect();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
