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
use prost::Message as _;

use super::sparkplug_doc::{Names, NotText, document, text_in};
use super::sparkplug_schema::{Metric, Payload};
use super::sparkplug_state::Nodes;
use super::sparkplug_view::{Node, plain};
use super::sparkplug_write::write_compact;
use super::text::utf8;
use crate::doc::{Doc, write_tree};

/// Payloads with more metrics than this do not keep their metric list for the next message.
const KEEP_METRICS: usize = 1024;

/// What decoding keeps between messages: the edge nodes' aliases and sequence numbers, and the
/// last payload, whose metric list is reused rather than grown anew for every message.
#[derive(Default)]
pub struct State {
    nodes: Nodes,
    /// Empty between messages; while one is handled, its fields are views of its payload.
    scratch: Payload,
}

impl std::fmt::Debug for State {
    /// Without the scratch payload: between messages it holds nothing worth showing.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("nodes", &self.nodes)
            .finish_non_exhaustive()
    }
}

/// A decoded message: a plain payload's view (the common case), or the document of any other.
pub enum Read<'d> {
    View(Tahu<'d>),
    Doc(Doc<'d>),
}

/// A plain payload, decoded and checked, seen through its view. Its scratch payload is emptied
/// when it goes.
pub struct Tahu<'d> {
    state: &'d mut State,
    payload: &'d [u8],
}

impl<'d> Tahu<'d> {
    /// The document's root, to test and print.
    pub fn root(&self) -> Node<'_> {
        Node::Root(&self.state.scratch, self.state.nodes.aliases())
    }

    /// Appends the document's JSON text.
    pub fn write_json(&self, out: &mut Vec<u8>, pretty: bool) {
        if pretty {
            write_tree(self.root(), out, true);
        } else {
            write_compact(&self.state.scratch, self.state.nodes.aliases(), out);
        }
    }

    /// The equal document (for what still needs one: `-F %{…}` and `--json`).
    pub fn to_doc(&self) -> Doc<'d> {
        let aliases = self.state.nodes.aliases();
        let names = Names {
            payload: self.payload,
            aliases: &|alias| Some(Cow::Owned(aliases?.get(&alias)?.clone())),
        };
        // The names were checked when the payload was decoded.
        document(&self.state.scratch, &names).unwrap_or_default()
    }
}

impl Drop for Tahu<'_> {
    fn drop(&mut self) {
        self.state.empty();
    }
}

impl State {
    /// Empties the scratch payload. Done once a message is handled, not at the next one: its views
    /// of the payload must not outlive it (see `read`), and its text, data sets and templates
    /// would stay allocated until then.
    fn empty(&mut self) {
        let p = &mut self.scratch;
        if p.metrics.capacity() > KEEP_METRICS {
            *p = Payload::default();
        } else {
            p.clear();
        }
    }
}

/// Decodes one Sparkplug B message on `topic`, filling metric names from BIRTH aliases and
/// noting `seq` gaps. `spBv1.0/STATE/…` payloads are JSON (Sparkplug 3.0) and read as such.
pub fn decode<'d>(
    topic: &str,
    payload: &'d Bytes,
    state: &'d mut State,
    warn: &mut dyn FnMut(String),
) -> Result<Read<'d>, String> {
    if topic.starts_with("spBv1.0/STATE/") {
        return super::json(payload).map(Read::Doc);
    }
    match read(topic, payload, state, warn) {
        Ok(None) => Ok(Read::View(Tahu { state, payload })),
        other => {
            state.empty();
            other.map(|doc| Read::Doc(doc.unwrap_or_default()))
        }
    }
}

/// `decode` into the (empty) scratch payload: the document, or `None` when the payload is plain
/// (its names checked) and is to be seen through its view.
fn read<'p>(
    topic: &str,
    payload: &'p Bytes,
    state: &mut State,
    warn: &mut dyn FnMut(String),
) -> Result<Option<Doc<'p>>, String> {
    let State { nodes, scratch: p } = state;
    // Nothing of an earlier message can be left (a view that was leaked never emptied it).
    p.clear();
    // SAFETY: the scratch payload's bytes fields become views of `payload` that claim to be
    // static, so that making and dropping each (a metric name, ~20 per message) is not a pair of
    // atomic reference count changes (a tenth of `sub --decode sparkplug`'s time). They are read
    // only while `payload` is borrowed: here, and through the `Tahu` that borrows it for as long
    // as it lives; the scratch is emptied when the message is done (`decode`, `Tahu::drop`) and
    // before the next one is read (above), and `State`'s `Debug` does not show it.
    let view: &'static [u8] = unsafe { &*std::ptr::from_ref::<[u8]>(payload) };
    p.merge(Bytes::from_static(view))
        .map_err(|e| format!("payload is not Sparkplug B ({e})"))?;
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
