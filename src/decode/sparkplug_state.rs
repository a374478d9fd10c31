//! What Sparkplug B decoding remembers between messages: each edge node's and device's BIRTH
//! alias→name table (DATA and CMD messages may carry only aliases), and each edge node's last `seq`
//! (one counter, 0–255, across the node's and its devices' messages) to report gaps.
//!
//! A subscriber sees the same few topics over and over, so the last topic's parts and its edge
//! node's place are kept: another message on the same topic is neither split nor hashed again. The
//! cache is keyed by the whole topic text, so it never lends one node's or device's memory to
//! another.

use std::collections::HashMap;
use std::ops::Range;

/// The parts of a Sparkplug B topic: `spBv1.0/GROUP/TYPE/EDGE_NODE[/DEVICE]`.
pub struct Topic<'a> {
    pub group: &'a str,
    pub kind: &'a str,
    pub node: &'a str,
    pub device: Option<&'a str>,
}

impl Topic<'_> {
    /// Whether this message type carries the node's `seq` (commands and NDEATH do not).
    fn sequenced(&self) -> bool {
        matches!(
            self.kind,
            "NBIRTH" | "NDATA" | "DBIRTH" | "DDATA" | "DDEATH"
        )
    }
}

/// Where a Sparkplug B topic's parts lie in its text.
#[derive(Debug, Clone)]
struct Spans {
    group: Range<usize>,
    kind: Range<usize>,
    node: Range<usize>,
    device: Option<Range<usize>>,
}

impl Spans {
    /// Splits a Sparkplug B topic; `None` for any other topic (including `spBv1.0/STATE/…`).
    fn of(text: &str) -> Option<Spans> {
        let mut start = 0;
        let mut parts = text.split('/').map(|part| {
            let span = start..start + part.len();
            start = span.end + 1;
            span
        });
        if text.get(parts.next()?) != Some("spBv1.0") {
            return None;
        }
        let group = parts.next()?;
        let kind = parts.next()?;
        let node = parts.next()?;
        let device = parts.next();
        if parts.next().is_some() || text.get(group.clone()) == Some("STATE") {
            return None;
        }
        Some(Spans {
            group,
            kind,
            node,
            device,
        })
    }

    /// The parts of `text`, the topic these spans were taken from.
    fn topic<'t>(&self, text: &'t str) -> Topic<'t> {
        let part = |span: &Range<usize>| text.get(span.clone()).unwrap_or_default();
        Topic {
            group: part(&self.group),
            kind: part(&self.kind),
            node: part(&self.node),
            device: self.device.as_ref().map(part),
        }
    }
}

/// Alias → name, as a BIRTH gave them.
pub type Aliases = HashMap<u64, String>;

/// One edge node.
#[derive(Debug, Default)]
struct Node {
    aliases: Aliases,
    /// Its devices' tables, by the device's place in `device_tables`.
    devices: HashMap<String, usize>,
    device_tables: Vec<Aliases>,
    last_seq: Option<u64>,
}

/// The last topic seen: its parts (`None`: not a Sparkplug B topic), its edge node's slot once the
/// node has one, and its device's table's place once the device has one.
#[derive(Debug, Default)]
struct Last {
    text: String,
    spans: Option<Spans>,
    slot: Option<usize>,
    device: Option<usize>,
}

/// Every edge node seen.
#[derive(Debug, Default)]
pub struct Nodes {
    /// The nodes in the order first seen; a node keeps its slot.
    slots: Vec<Node>,
    /// Slots by group, then node (so that a lookup needs no allocation).
    index: HashMap<String, HashMap<String, usize>>,
    last: Last,
}

impl Nodes {
    /// The edge node of a message on `text`; `None` when it is not a Sparkplug B topic.
    pub fn at<'n, 't>(&'n mut self, text: &'t str) -> Option<At<'n, 't>> {
        if self.last.text != text {
            self.last.text.clear();
            self.last.text.push_str(text);
            self.last.spans = Spans::of(text);
            self.last.slot = None;
            self.last.device = None;
        }
        let topic = self.last.spans.as_ref()?.topic(text);
        if self.last.slot.is_none() {
            let nodes = self.index.get(topic.group);
            self.last.slot = nodes.and_then(|nodes| nodes.get(topic.node)).copied();
        }
        if let (Some(device), Some(slot), None) = (topic.device, self.last.slot, self.last.device) {
            self.last.device = self.slots[slot].devices.get(device).copied();
        }
        Some(At { nodes: self, topic })
    }

    /// The aliases of the last topic's node or device (what its BIRTH gave).
    pub fn aliases(&self) -> Option<&Aliases> {
        let node = self.slots.get(self.last.slot?)?;
        match self.last.spans.as_ref()?.device {
            Some(_) => node.device_tables.get(self.last.device?),
            None => Some(&node.aliases),
        }
    }
}

/// A message's edge node: what its topic says and what is known of the node.
pub struct At<'n, 't> {
    nodes: &'n mut Nodes,
    pub topic: Topic<'t>,
}

impl At<'_, '_> {
    /// The node's memory, made on its first message.
    fn node_mut(&mut self) -> &mut Node {
        let nodes = &mut *self.nodes;
        let slot = match nodes.last.slot {
            Some(slot) => slot,
            None => {
                let slot = nodes.slots.len();
                nodes.slots.push(Node::default());
                let group = nodes.index.entry(self.topic.group.to_string());
                group.or_default().insert(self.topic.node.to_string(), slot);
                nodes.last.slot = Some(slot);
                slot
            }
        };
        &mut nodes.slots[slot]
    }

    /// A BIRTH's (alias, name) pairs replace the node's or device's table: exactly these pairs,
    /// which a view of the BIRTH reads back as the BIRTH's own (`sparkplug_birth_aliases_in_both_paths`).
    pub fn birth(&mut self, pairs: impl Iterator<Item = (u64, String)>) {
        let place = match (self.topic.device, self.nodes.last.device) {
            (Some(device), None) => {
                let node = self.node_mut();
                let place = node.device_tables.len();
                node.device_tables.push(Aliases::default());
                node.devices.insert(device.to_string(), place);
                self.nodes.last.device = Some(place);
                Some(place)
            }
            (device, known) => device.and(known),
        };
        let node = self.node_mut();
        let table = match place {
            Some(place) => &mut node.device_tables[place],
            None => &mut node.aliases,
        };
        table.clear();
        table.extend(pairs);
    }

    /// The name BIRTH gave `alias`, for this topic's node or device.
    pub fn name(&self, alias: u64) -> Option<&str> {
        self.nodes.aliases()?.get(&alias).map(String::as_str)
    }

    /// Checks `seq` against the node's last one; returns the gap's note, once per gap (the count
    /// then continues from the number received). An NBIRTH starts the count again.
    pub fn sequence(&mut self, seq: Option<u64>) -> Option<String> {
        let seq = seq.filter(|_| self.topic.sequenced())?;
        let last = self.node_mut().last_seq.replace(seq);
        // seq counts 0..=255; a faulty node's larger one must not overflow the arithmetic (it is
        // always a gap; the count lost is taken modulo 256, as before).
        let expected = last.map(|last| (last % 256 + 1) % 256);
        let at = seq % 256;
        let topic = &self.topic;
        match expected {
            Some(expected) if expected != seq && topic.kind != "NBIRTH" => Some(format!(
                "sparkplug: seq gap on edge node '{}/{}': expected {expected}, got {seq} ({} lost or out of order)",
                topic.group,
                topic.node,
                (at + 256 - expected) % 256
            )),
            _ => None,
        }
    }
}
