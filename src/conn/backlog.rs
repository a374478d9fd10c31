//! What rumqttc hands back when a connection drops, and how it goes out again after the reconnect.
//!
//! On a connection error rumqttc moves the unacknowledged QoS 1/2 publishes, the PUBRELs it still
//! owes and everything waiting in its request channel into `EventLoop::pending`. Left there, the
//! list is cleared at the next CONNACK unless the broker resumed the session, and what survives is
//! sent past the inflight limit, where a fresh QoS 1/2 publish can collide on a packet id and be
//! overwritten (lost). So the driver takes the list back as soon as a connection fails and returns
//! it after the next CONNACK: the resends at once (each still owns its packet id; libmosquitto
//! resends them whatever the session), then everything else one request at a time, a QoS 1/2
//! publish only when a packet id is free. Nothing is dropped, and nothing overtakes what was
//! queued before it: rumqttc reads its channel only when this lends it nothing and has no free id.

use std::collections::VecDeque;

use super::backend::Loop;
use super::{Outgoing, Protocol};

/// A request rumqttc took back, in either protocol's type.
pub(super) enum Request {
    V4(rumqttc::Request),
    V5(rumqttc::v5::Request),
}

/// What a taken-back request is, for the decisions here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A publish already given a packet id (it was sent), or a PUBREL (`release`): either owns
    /// its packet id.
    Resend { pkid: u16, release: bool },
    /// A publish never sent; at QoS 1/2 it needs a free packet id.
    Publish { needs_id: bool },
    /// SUBSCRIBE or UNSUBSCRIBE: meant for the session it was requested in.
    Subscription { subscribe: bool },
    /// Anything else (DISCONNECT).
    Other,
}

/// [`Request::kind`] for one protocol: rumqttc's v4 and v5 requests have the same shape but are
/// different types.
macro_rules! kind_of {
    ($request:expr, $R:path, $qos0:expr) => {{
        use $R as R;
        match $request {
            R::Publish(p) if p.pkid != 0 => Kind::Resend {
                pkid: p.pkid,
                release: false,
            },
            R::Publish(p) => Kind::Publish {
                needs_id: p.qos != $qos0,
            },
            R::PubRel(r) => Kind::Resend {
                pkid: r.pkid,
                release: true,
            },
            R::Subscribe(_) => Kind::Subscription { subscribe: true },
            R::Unsubscribe(_) => Kind::Subscription { subscribe: false },
            _ => Kind::Other,
        }
    }};
}

impl Request {
    fn kind(&self) -> Kind {
        match self {
            Request::V4(r) => kind_of!(r, rumqttc::Request, rumqttc::QoS::AtMostOnce),
            Request::V5(r) => kind_of!(
                r,
                rumqttc::v5::Request,
                rumqttc::v5::mqttbytes::QoS::AtMostOnce
            ),
        }
    }

    /// Gives an alias-only v5 publish its topic back (aliases do not outlive a connection).
    fn fill_topic(&mut self, topic_of: &impl Fn(u16) -> Option<String>) {
        if let Request::V5(rumqttc::v5::Request::Publish(p)) = self
            && p.topic.is_empty()
            && let Some(topic) = p
                .properties
                .as_ref()
                .and_then(|x| x.topic_alias)
                .and_then(topic_of)
        {
            p.topic = topic.into();
        }
    }

    /// MQTT wants DUP=1 on a publish sent again; rumqttc resends it unchanged.
    fn mark_dup(&mut self) {
        match self {
            Request::V4(rumqttc::Request::Publish(p)) => p.dup = true,
            Request::V5(rumqttc::v5::Request::Publish(p)) => p.dup = true,
            _ => {}
        }
    }
}

/// `msg` as a PUBLISH sent again under packet id `pkid`.
pub(super) fn republish(msg: &Outgoing, pkid: u16, protocol: Protocol) -> Request {
    match protocol {
        Protocol::V5 => {
            let mut p = rumqttc::v5::mqttbytes::v5::Publish::new(
                msg.topic.clone(),
                msg.qos.v5(),
                msg.payload.clone(),
                msg.properties.clone(),
            );
            p.retain = msg.retain;
            p.pkid = pkid;
            p.dup = true;
            Request::V5(rumqttc::v5::Request::Publish(p))
        }
        Protocol::V31 | Protocol::V311 => {
            let mut p =
                rumqttc::Publish::from_bytes(msg.topic.clone(), msg.qos.v4(), msg.payload.clone());
            p.retain = msg.retain;
            p.pkid = pkid;
            p.dup = true;
            Request::V4(rumqttc::Request::Publish(p))
        }
    }
}

impl Loop {
    /// Moves what waits in rumqttc's request channel to its pending list (the connection is
    /// already down: this is rumqttc's own clean-up after an error, run once more).
    fn drain_channel(&mut self) {
        match self {
            Loop::V4(ev) => ev.clean(),
            Loop::V5(ev) => ev.clean(),
        }
    }

    fn take_pending(&mut self) -> Vec<Request> {
        match self {
            Loop::V4(ev) => ev.pending.drain(..).map(Request::V4).collect(),
            Loop::V5(ev) => ev.pending.drain(..).map(Request::V5).collect(),
        }
    }

    fn push_pending(&mut self, request: Request) {
        match (self, request) {
            (Loop::V4(ev), Request::V4(r)) => ev.pending.push_back(r),
            (Loop::V5(ev), Request::V5(r)) => ev.pending.push_back(r),
            // A loop only ever hands back its own protocol's requests.
            _ => debug_assert!(false, "request of the other protocol"),
        }
    }

    fn pending_is_empty(&self) -> bool {
        match self {
            Loop::V4(ev) => ev.pending.is_empty(),
            Loop::V5(ev) => ev.pending.is_empty(),
        }
    }

    /// Whether rumqttc would take a new QoS 1/2 publish from its channel now: the same test it
    /// makes, so that when this says no, rumqttc does not read the channel either.
    fn has_free_id(&self, limit: u16) -> bool {
        match self {
            Loop::V4(ev) => ev.state.inflight() < limit && ev.state.collision.is_none(),
            Loop::V5(ev) => ev.state.inflight() < limit && ev.state.collision.is_none(),
        }
    }

    /// Whether rumqttc may take requests from its channel after a read (its batching patch): not
    /// while older requests are held here, which would be overtaken.
    fn hold_channel(&mut self, hold: bool) {
        match self {
            Loop::V4(ev) => ev.hold_channel = hold,
            Loop::V5(ev) => ev.hold_channel = hold,
        }
    }

    /// A publish parked on a packet-id collision. `clean()` forgets it, and it was never sent.
    fn take_collision(&mut self) -> Option<Request> {
        match self {
            Loop::V4(ev) => ev.state.collision.take().map(|mut p| {
                p.pkid = 0;
                Request::V4(rumqttc::Request::Publish(p))
            }),
            Loop::V5(ev) => ev.state.collision.take().map(|mut p| {
                p.pkid = 0;
                Request::V5(rumqttc::v5::Request::Publish(p))
            }),
        }
    }
}

/// Requests held never sent at which publishers are made to wait: rumqttc empties its request
/// channel into the backlog at every lost connection, so without this a connection that keeps
/// dropping would let them queue without bound.
pub(super) const MAX_HELD: usize = 256;

/// Requests held by the driver between a lost connection and their going out on a new one.
pub(super) struct Backlog {
    /// Publishes and PUBRELs that own a packet id, in the order they were first sent.
    resends: Vec<Request>,
    /// Requests never given to a connection, oldest first.
    fresh: VecDeque<Request>,
    /// The request last lent to rumqttc's (otherwise empty) pending list, while it may still be
    /// there: whether it needed a packet id.
    lent: Option<bool>,
    /// How many QoS 1/2 publishes rumqttc lets fly: `-M`, or a v5 broker's lower receive maximum.
    limit: u16,
}

/// SUBSCRIBEs and UNSUBSCRIBEs dropped at a reconnect, for the books.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Dropped {
    pub subscribes: usize,
    pub unsubscribes: usize,
}

impl Backlog {
    pub fn new(limit: u16) -> Self {
        Backlog {
            resends: Vec::new(),
            fresh: VecDeque::new(),
            lent: None,
            limit,
        }
    }

    /// Follows rumqttc, which adopts a v5 broker's receive maximum when it is lower than `-M`.
    pub fn set_limit(&mut self, limit: u16) {
        self.limit = limit;
    }

    /// How many requests never sent are held.
    pub fn held(&self) -> usize {
        self.fresh.len()
    }

    /// Nothing held or lent: the usual case, checked before every poll.
    pub fn is_empty(&self) -> bool {
        self.fresh.is_empty() && self.lent.is_none() && self.resends.is_empty()
    }

    /// After a failed poll: takes back what rumqttc kept for the next connection. `lent_written`
    /// says whether the failed poll wrote the lent request (its outgoing event was buffered);
    /// `first_sent` gives a packet id's place in the order the messages were first sent.
    pub fn take_back(
        &mut self,
        lp: &mut Loop,
        lent_written: bool,
        first_sent: impl Fn(u16) -> u64,
    ) {
        // Only the lent publish can have collided: nothing else is read while a backlog is held.
        let collided = lp.take_collision();
        let written = match self.lent.take() {
            Some(needs_id) => lent_written || (needs_id && collided.is_some()),
            None => true,
        };
        let (mut resends, rest): (Vec<Request>, Vec<Request>) = lp
            .take_pending()
            .into_iter()
            .partition(|r| matches!(r.kind(), Kind::Resend { .. }));
        // rumqttc's list is [lent request, if unwritten] [its in-flight state] [its channel], and
        // the channel only filled after everything held here.
        let mut rest = VecDeque::from(rest);
        let mut fresh: VecDeque<Request> = collided.into_iter().collect();
        if !written && let Some(lent) = rest.pop_front() {
            fresh.push_back(lent);
        }
        fresh.append(&mut self.fresh);
        fresh.append(&mut rest);
        self.fresh = fresh;
        for r in &mut resends {
            r.mark_dup();
        }
        self.resends.append(&mut resends);
        let key = |r: &Request| match r.kind() {
            Kind::Resend { pkid, .. } => first_sent(pkid),
            _ => u64::MAX,
        };
        self.resends.sort_by_key(key);
    }

    /// Just before reconnecting: takes what was queued while disconnected, so that every publish
    /// requested before the new connection passes through [`Backlog::resume`].
    pub fn take_queued(&mut self, lp: &mut Loop) {
        lp.drain_channel();
        self.take_back(lp, true, |_| u64::MAX);
    }

    /// After a CONNACK on a new connection: the resends go out first. Without a resumed session
    /// the broker has forgotten the QoS 2 messages it answered with PUBREC, so those are published
    /// again (from `replay`) instead of released, and subscription requests are dropped as
    /// rumqttc drops them (subscribers subscribe again). Alias-only publishes get their topic
    /// back from `topic_of`.
    pub fn resume(
        &mut self,
        lp: &mut Loop,
        session_present: bool,
        replay: impl Fn(u16) -> Option<Request>,
        topic_of: impl Fn(u16) -> Option<String>,
    ) -> Dropped {
        for r in self.resends.iter_mut().chain(self.fresh.iter_mut()) {
            r.fill_topic(&topic_of);
        }
        let mut dropped = Dropped::default();
        if !session_present {
            for r in &mut self.resends {
                if let Kind::Resend {
                    pkid,
                    release: true,
                } = r.kind()
                    && let Some(publish) = replay(pkid)
                {
                    *r = publish;
                    r.fill_topic(&topic_of);
                }
            }
            self.fresh.retain(|r| match r.kind() {
                Kind::Subscription { subscribe: true } => {
                    dropped.subscribes += 1;
                    false
                }
                Kind::Subscription { subscribe: false } => {
                    dropped.unsubscribes += 1;
                    false
                }
                _ => true,
            });
        }
        for r in self.resends.drain(..) {
            lp.push_pending(r);
        }
        dropped
    }

    /// Before every poll: while anything is held, rumqttc may not take newer requests from its
    /// channel behind a read's replies (they would overtake what is held here).
    pub fn guard(&self, lp: &mut Loop) {
        lp.hold_channel(!self.is_empty());
    }

    /// Before a poll on a live connection: lends rumqttc the next held request once its pending
    /// list is empty, a QoS 1/2 publish only when a packet id is free.
    pub fn feed(&mut self, lp: &mut Loop) {
        if !lp.pending_is_empty() {
            return;
        }
        self.lent = None;
        let needs_id = match self.fresh.front().map(Request::kind) {
            None => return,
            Some(Kind::Publish { needs_id }) => needs_id,
            Some(_) => false,
        };
        if needs_id && !lp.has_free_id(self.limit) {
            return;
        }
        if let Some(request) = self.fresh.pop_front() {
            lp.push_pending(request);
            self.lent = Some(needs_id);
        }
    }
}
