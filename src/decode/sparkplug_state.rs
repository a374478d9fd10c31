//! What Sparkplug B decoding remembers between messages: each edge node's and device's BIRTH
//! alias→name table (DATA and CMD messages may carry only aliases), and each edge node's last `seq`
//! (one counter, 0–255, across the node's and its devices' messages) to report gaps.

use std::collections::HashMap;

/// The parts of a Sparkplug B topic: `spBv1.0/GROUP/TYPE/EDGE_NODE[/DEVICE]`.
pub struct Topic<'a> {
    pub group: &'a str,
    pub kind: &'a str,
    pub node: &'a str,
    pub device: Option<&'a str>,
}

impl<'a> Topic<'a> {
    /// Splits a Sparkplug B topic; `None` for any other topic (including `spBv1.0/STATE/…`).
    pub fn parse(topic: &'a str) -> Option<Topic<'a>> {
        let mut parts = topic.split('/');
        if parts.next()? != "spBv1.0" {
            return None;
        }
        let group = parts.next()?;
        let kind = parts.next()?;
        let node = parts.next()?;
        let device = parts.next();
        if parts.next().is_some() || group == "STATE" {
            return None;
        }
        Some(Topic {
            group,
            kind,
            node,
            device,
        })
    }

    /// Whether this message type carries the node's `seq` (commands and NDEATH do not).
    fn sequenced(&self) -> bool {
        matches!(
            self.kind,
            "NBIRTH" | "NDATA" | "DBIRTH" | "DDATA" | "DDEATH"
        )
    }
}

/// One edge node.
#[derive(Debug, Default)]
struct Node {
    aliases: HashMap<u64, String>,
    devices: HashMap<String, HashMap<u64, String>>,
    last_seq: Option<u64>,
}

/// Every edge node seen, by group, then node (so that a name lookup needs no allocation).
#[derive(Debug, Default)]
pub struct Nodes {
    groups: HashMap<String, HashMap<String, Node>>,
}

impl Nodes {
    fn node(&mut self, topic: &Topic) -> &mut Node {
        self.groups
            .entry(topic.group.to_string())
            .or_default()
            .entry(topic.node.to_string())
            .or_default()
    }

    /// A BIRTH's (alias, name) pairs replace the node's or device's table.
    pub fn birth(&mut self, topic: &Topic, pairs: impl Iterator<Item = (u64, String)>) {
        let node = self.node(topic);
        let table = match topic.device {
            Some(device) => node.devices.entry(device.to_string()).or_default(),
            None => &mut node.aliases,
        };
        table.clear();
        table.extend(pairs);
    }

    /// The name BIRTH gave `alias`, for this topic's node or device.
    pub fn name(&self, topic: &Topic, alias: u64) -> Option<&str> {
        let node = self.groups.get(topic.group)?.get(topic.node)?;
        let table = match topic.device {
            Some(device) => node.devices.get(device)?,
            None => &node.aliases,
        };
        table.get(&alias).map(String::as_str)
    }

    /// Checks `seq` against the node's last one; returns the gap's note, once per gap (the count
    /// then continues from the number received). An NBIRTH starts the count again.
    pub fn sequence(&mut self, topic: &Topic, seq: Option<u64>) -> Option<String> {
        let seq = seq.filter(|_| topic.sequenced())?;
        // A known node is looked up without the entry API, which would copy both names on every
        // message.
        let known = self.groups.get_mut(topic.group);
        let last = match known.and_then(|nodes| nodes.get_mut(topic.node)) {
            Some(node) => node.last_seq.replace(seq),
            None => self.node(topic).last_seq.replace(seq),
        };
        let expected = last.map(|last| (last + 1) % 256);
        match expected {
            Some(expected) if expected != seq && topic.kind != "NBIRTH" => Some(format!(
                "sparkplug: seq gap on edge node '{}/{}': expected {expected}, got {seq} ({} lost or out of order)",
                topic.group,
                topic.node,
                (seq + 256 - expected) % 256
            )),
            _ => None,
        }
    }
}
