//! Sparkplug B payloads to and from the Eclipse Tahu JSON shape: `{timestamp, metrics: [{name,
//! alias, timestamp, dataType, value, …}], seq}`, the metric's oneof value under the one key
//! `value` (signed and array types restored from their wire form by `dataType`), so that
//! `$.metrics[?@.name=="temp"].value` works whatever the type.
//!
//! A plain payload is seen through its view (`sparkplug_view`); any other is built into a document
//! (`sparkplug_doc`).

use std::borrow::Cow;
use std::collections::HashMap;

use bytes::Bytes;

use super::Data;
use super::sparkplug_doc::{Names, NotText, document, text_in};
use super::sparkplug_schema::{Metric, Payload};
use super::sparkplug_scratch::{Reading, Scratch};
use super::sparkplug_state::Nodes;
use super::sparkplug_view::{Node, plain};
use super::sparkplug_write::write_compact;
use super::text::utf8;
use crate::doc::{Doc, write_tree};

/// What decoding keeps between messages: the edge nodes' aliases and sequence numbers, and room for
/// the message being decoded.
#[derive(Debug, Default)]
pub struct State {
    nodes: Nodes,
    scratch: Scratch,
}

/// A plain payload, decoded and checked, seen through its view.
pub struct Tahu<'d> {
    decoded: Reading<'d>,
    nodes: &'d Nodes,
    payload: &'d [u8],
}

impl<'d> Tahu<'d> {
    /// The document's root, to test and print.
    pub fn root(&self) -> Node<'_> {
        Node::Root(&self.decoded, self.nodes.aliases())
    }

    /// Appends the document's JSON text.
    pub fn write_json(&self, out: &mut Vec<u8>, pretty: bool) {
        if pretty {
            write_tree(self.root(), out, true);
        } else {
            write_compact(&self.decoded, self.nodes.aliases(), out);
        }
    }

    /// The equal document (for what still needs one: `-F %{…}` and `--json`).
    pub fn to_doc(&self) -> Doc<'d> {
        let aliases = self.nodes.aliases();
        let names = Names {
            payload: self.payload,
            aliases: &|alias| Some(Cow::Owned(aliases?.get(&alias)?.clone())),
        };
        // The names were checked when the payload was decoded.
        document(&self.decoded, &names).unwrap_or_default()
    }
}

/// Decodes one Sparkplug B message on `topic`, filling metric names from BIRTH aliases and
/// noting `seq` gaps. `spBv1.0/STATE/…` payloads are JSON (Sparkplug 3.0) and read as such.
pub fn decode<'d>(
    topic: &str,
    payload: &'d Bytes,
    state: &'d mut State,
    warn: &mut dyn FnMut(String),
) -> Result<Data<'d>, String> {
    if topic.starts_with("spBv1.0/STATE/") {
        return super::json(payload).map(Data::Doc);
    }
    let State { nodes, scratch } = state;
    let decoded = scratch
        .read(payload)
        .map_err(|e| format!("payload is not Sparkplug B ({e})"))?;
    // A document is built now and the scratch emptied; a plain payload's view keeps it.
    Ok(match check(topic, payload, &decoded, nodes, warn)? {
        Some(doc) => Data::Doc(doc),
        None => Data::Sparkplug(Tahu {
            decoded,
            nodes,
            payload,
        }),
    })
}

/// Checks a decoded payload `p`, notes its `seq` and takes its BIRTH aliases: its document, or
/// `None` when it is plain (its names checked) and is to be seen through its view.
fn check<'p>(
    topic: &str,
    payload: &'p Bytes,
    p: &Payload,
    nodes: &mut Nodes,
    warn: &mut dyn FnMut(String),
) -> Result<Option<Doc<'p>>, String> {
    let mut at = nodes.at(topic);
    let birth = at.as_ref().filter(|at| at.topic.kind.ends_with("BIRTH"));
    // A BIRTH's own metrics may name an alias only: they see the table this BIRTH makes, which
    // replaces the node's or device's only once the payload has decoded.
    let table: Option<HashMap<u64, Cow<'p, str>>> = birth.map(|_| {
        let pairs = p.metrics.iter().filter_map(|m| {
            let name = text_in(payload, m.name.as_ref()?).ok()?;
            Some((m.alias?, name))
        });
        pairs.collect()
    });
    let doc = if plain(p) {
        names_are_text(&p.metrics).map(|()| None)
    } else {
        let doc = match &table {
            Some(table) => document(
                p,
                &Names {
                    payload,
                    aliases: &|alias| table.get(&alias).cloned(),
                },
            ),
            None => document(
                p,
                &Names {
                    payload,
                    aliases: &|alias| {
                        let name = at.as_ref()?.name(alias)?;
                        Some(Cow::Owned(name.to_string()))
                    },
                },
            ),
        };
        doc.map(Some)
    };
    let doc = doc.map_err(|NotText(at)| {
        format!(
            "payload is not Sparkplug B (failed to decode Protobuf message: {at}invalid string \
             value: data is not UTF-8 encoded)"
        )
    })?;
    if let Some(at) = &mut at {
        if let Some(note) = at.sequence(p.seq) {
            warn(note);
        }
        if let Some(table) = table {
            let pairs = table
                .into_iter()
                .map(|(alias, name)| (alias, name.into_owned()));
            at.birth(pairs);
        }
    }
    Ok(doc)
}

/// A plain payload's check of its names (what building its document would find).
fn names_are_text(metrics: &[Metric]) -> Result<(), NotText> {
    for name in metrics.iter().filter_map(|m| m.name.as_ref()) {
        utf8(name).map_err(|_| NotText("Metric.name: ".into()).within("Payload.metrics: "))?;
    }
    Ok(())
}
