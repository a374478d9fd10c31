//! The handle commands use: connect, publish, subscribe, wait for acknowledgements, disconnect.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use super::backend::{self, Client};
use super::driver::{self, Driver};
use super::event::FilterRecord;
pub use super::failure::ConnectFailure;
use super::limits::Limits;
use super::observe::{Delivery, Observer};
pub use super::publisher::Publisher;
use super::publisher::wait_idle;
use super::shared::Shared;
use super::{Options, Outgoing, Protocol, Subscription};

/// A live connection. Exactly one task polls rumqttc's event loop; this handle talks to it.
pub struct Session {
    client: Client,
    shared: Arc<Shared>,
    driver: Option<JoinHandle<Result<(), ConnectFailure>>>,
    events: Option<mpsc::Receiver<Delivery>>,
    protocol: Protocol,
    limits: Limits,
}

impl Session {
    /// Connects and waits for a successful CONNACK. With `want_events`, every packet (the first
    /// CONNACK included) is also delivered through [`Session::next_event`], with its `-d` line
    /// (subscribers need that; publishers do not, and their `-d` lines are printed directly).
    /// `observer` sees every packet (`-d`, `--trace`).
    pub async fn connect(
        opts: Options,
        want_events: bool,
        observer: Option<Box<dyn Observer>>,
    ) -> Result<Session, ConnectFailure> {
        // Resolve first so that a bad host name gets mosquitto's "Lookup error", not a socket error
        // (a Unix socket has no name to resolve, and a SOCKS5h or HTTP proxy resolves it itself).
        let direct = opts.endpoint.proxy.is_none()
            && !matches!(opts.endpoint.transport, super::Transport::Unix(_));
        let mut opts = opts;
        if direct {
            // Resolved here, synchronously, once: tokio would start a blocking thread for it and
            // rumqttc would resolve again, which costs more than the rest of a one-shot publish.
            let target = (opts.endpoint.host.as_str(), opts.endpoint.port);
            let first = std::net::ToSocketAddrs::to_socket_addrs(&target)
                .ok()
                .and_then(|mut a| a.next());
            let Some(addr) = first else {
                return Err(ConnectFailure::Lookup);
            };
            // Plain TCP needs no name after this (TLS and WebSockets keep it for SNI and Host).
            if opts.endpoint.transport == super::Transport::Tcp {
                opts.endpoint.host = addr.ip().to_string();
            }
        }
        let prepared = super::transport::prepare(&opts.endpoint, opts.quiet).await?;
        let (client, event_loop) = backend::build(&opts, prepared);
        let shared = Arc::new(Shared {
            keep_topics: observer.is_some(),
            keep_qos2: opts.reconnect,
            ..Shared::default()
        });
        let (connack_tx, connack_rx) = oneshot::channel();
        let (events_tx, events_rx) = if want_events {
            let (tx, rx) = mpsc::channel::<Delivery>(1024);
            (Some(tx), Some(rx))
        } else {
            (None, None)
        };
        let protocol = opts.protocol;
        let driver = Driver::new(opts, event_loop, shared.clone(), events_tx, observer);
        let handle = tokio::spawn(driver::run(driver, connack_tx));
        match connack_rx.await {
            Ok(Ok(ack)) => Ok(Session {
                client,
                shared,
                driver: Some(handle),
                events: events_rx,
                protocol,
                limits: Limits::from_connack(&ack),
            }),
            Ok(Err(failure)) => {
                // The `-d` lines of a refused CONNECT (mosquitto prints them) wait in the channel
                // nobody will read now.
                if let Some(mut rx) = events_rx {
                    while let Ok(d) = rx.try_recv() {
                        d.print_debug();
                    }
                }
                Err(failure)
            }
            Err(_) => match handle.await {
                Ok(Err(failure)) => Err(failure),
                _ => Err(ConnectFailure::Protocol("connection task ended".into())),
            },
        }
    }

    /// Whether the connection is up, observable after the session has moved into a future.
    pub fn watch(&self) -> super::watch::Watch {
        super::watch::Watch(self.shared.clone())
    }

    /// The protocol version in use.
    pub fn protocol(&self) -> Protocol {
        self.protocol
    }

    /// What the broker's CONNACK says it accepts in a PUBLISH (maximum QoS, retain available).
    /// Publishing beyond it is not prevented here: commands decide how to report it.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Queues a PUBLISH. Waits while the request queue is full (backpressure), never drops it.
    pub async fn publish(&self, msg: Outgoing) -> Result<(), ConnectFailure> {
        self.publisher().publish(msg).await
    }

    /// A handle for publishing from another task.
    pub fn publisher(&self) -> Publisher {
        Publisher::new(self.client.clone(), self.shared.clone())
    }

    /// Queues one SUBSCRIBE for all filters.
    pub async fn subscribe(
        &self,
        subs: &[Subscription],
        props: Option<rumqttc::v5::mqttbytes::v5::SubscribeProperties>,
    ) -> Result<(), ConnectFailure> {
        let v5 = self.protocol == Protocol::V5;
        let filters = subs
            .iter()
            .map(|s| {
                let options = if v5 {
                    u8::from(s.no_local) << 2
                        | u8::from(s.retain_as_published) << 3
                        | s.retain_handling << 4
                } else {
                    0
                };
                (s.filter.clone(), s.qos.number(), options)
            })
            .collect();
        let record = FilterRecord { filters };
        self.shared
            .subscribes
            .lock()
            .expect("subscribes lock")
            .push_back(record);
        self.client
            .subscribe(subs, props)
            .await
            .map_err(|_| self.failure_or_lost())
    }

    /// Queues an UNSUBSCRIBE.
    pub async fn unsubscribe(&self, filter: String) -> Result<(), ConnectFailure> {
        let record = FilterRecord {
            filters: vec![(filter.clone(), 0, 0)],
        };
        self.shared
            .unsubscribes
            .lock()
            .expect("unsubscribes lock")
            .push_back(record);
        self.client
            .unsubscribe(filter)
            .await
            .map_err(|_| self.failure_or_lost())
    }

    /// The next packet event (only with `want_events`); `None` once the connection task has ended.
    pub async fn next_event(&mut self) -> Option<Delivery> {
        match self.events.as_mut() {
            Some(rx) => rx.recv().await,
            None => None,
        }
    }

    /// Like [`Session::next_event`], but takes every event already waiting (up to `limit`) into
    /// `into`, so a busy consumer pays for one wake-up per batch, not per event. Returns how many
    /// were added; 0 once the connection task has ended.
    pub async fn next_events(&mut self, into: &mut Vec<Delivery>, limit: usize) -> usize {
        match self.events.as_mut() {
            Some(rx) => rx.recv_many(into, limit).await,
            None => 0,
        }
    }

    /// How many times the connection was lost and taken up again (a v5 topic alias must be
    /// set up anew on each connection).
    pub fn losses(&self) -> u64 {
        self.shared.losses.load(Ordering::SeqCst)
    }

    /// The highest v5 reason code with which the broker refused a publish (0: none refused).
    pub fn refused_reason(&self) -> u8 {
        self.shared.refused.load(Ordering::SeqCst) as u8
    }

    /// Waits until every publish so far is written (QoS 0) or acknowledged (QoS 1/2).
    pub async fn flush(&self) -> Result<(), ConnectFailure> {
        wait_idle(&self.shared).await
    }

    /// Resolves when the connection has failed for good (a reconnecting session keeps going
    /// through lost connections, but not through a refused CONNACK).
    pub async fn failed(&self) -> ConnectFailure {
        self.shared.wait_until(Shared::failure).await
    }

    /// Waits for every acknowledgement, then sends DISCONNECT and waits until it is written.
    /// Events that arrive meanwhile are not processed, but their `-d` lines are printed.
    pub async fn disconnect(self) -> Result<(), ConnectFailure> {
        self.disconnect_after(async {}).await
    }

    /// Like [`Session::disconnect`], but first lets `before` finish (a task still queueing
    /// publishes), reading events meanwhile so the connection task is never blocked.
    pub async fn disconnect_after(
        mut self,
        before: impl Future<Output = ()>,
    ) -> Result<(), ConnectFailure> {
        match self.events.take() {
            Some(mut rx) => {
                let shared = self.shared.clone();
                let idle = async move {
                    before.await;
                    wait_idle(&shared).await
                };
                tokio::pin!(idle);
                let flushed = loop {
                    tokio::select! {
                        result = &mut idle => break result,
                        delivery = rx.recv() => match delivery {
                            Some(d) => d.print_debug(),
                            None => break wait_idle(&self.shared).await,
                        },
                    }
                };
                self.events = Some(rx);
                flushed?;
            }
            None => {
                before.await;
                self.flush().await?;
            }
        }
        self.disconnect_now().await
    }

    /// Ends a v5 connection with DISCONNECT reason 4, "disconnect with will message", so that the
    /// broker publishes the will, as mosquitto_sub does on SIGINT, SIGTERM and `-W`.
    /// With the broker away (or lost meanwhile) the connection is just dropped: a closed connection
    /// is what reason 4 asks the broker to treat it as.
    pub async fn close_keeping_will(mut self) {
        let watch = self.watch();
        if watch.is_up() {
            tokio::select! {
                _ = self.send_disconnect(true) => return,
                () = watch.down() => {}
            }
        }
        self.close().await;
    }

    /// Closes the connection without DISCONNECT (mosquitto_rr after its response), so that the
    /// broker publishes the will in any protocol version.
    pub async fn close(mut self) {
        if let Some(handle) = self.driver.take() {
            // Dropping the polling task drops rumqttc's event loop and with it the socket.
            handle.abort();
            let _ = handle.await;
        }
    }

    /// Ends the connection at once (signals, `-W`): with `keep_will` by DISCONNECT reason 4, so
    /// that the broker publishes the will (see [`Session::close_keeping_will`]), else with
    /// DISCONNECT.
    pub async fn end_now(mut self, keep_will: bool) {
        if keep_will {
            self.close_keeping_will().await;
        } else {
            let _ = self.disconnect_now().await;
        }
    }

    /// Sends DISCONNECT without waiting for outstanding acknowledgements (signals, `-W`).
    pub async fn disconnect_now(&mut self) -> Result<(), ConnectFailure> {
        self.send_disconnect(false).await
    }

    /// [`Session::disconnect_now`], with reason 4 when `keep_will`.
    async fn send_disconnect(&mut self, keep_will: bool) -> Result<(), ConnectFailure> {
        // Requested from another task so that a full request queue cannot stall the event drain.
        let client = self.client.clone();
        let request = tokio::spawn(async move { client.disconnect(keep_will).await });
        if let Some(rx) = self.events.as_mut() {
            while let Some(d) = rx.recv().await {
                d.print_debug();
            }
        }
        let _ = request.await;
        match self.driver.take() {
            Some(handle) => handle.await.unwrap_or(Err(ConnectFailure::Lost)),
            None => Ok(()),
        }
    }

    fn failure_or_lost(&self) -> ConnectFailure {
        self.shared.failure_or_lost()
    }
}
