//! A plain Sparkplug B payload's compact JSON, written from its view with its keys as constants:
//! the generic tree writer asks every member for its key, its shape and its presence, which cost
//! more than building a `Doc` did. The bytes are the document's (`view_tests` compares them).

use std::ops::Range;

use serde_json::Number;

use super::sparkplug_scalar::Leaf;
use super::sparkplug_schema::{Metric, Payload};
use super::sparkplug_state::Aliases;
use super::sparkplug_view::{name, value};
use crate::doc::{Shape, write_number, write_string};

/// Appends `p`'s document as compact JSON.
pub fn write_compact(p: &Payload, aliases: Option<&Aliases>, out: &mut Vec<u8>) {
    let mut lead = b'{';
    let mut stamps = Stamps::default();
    if let Some(ts) = p.timestamp {
        out.extend_from_slice(b"{\"timestamp\":");
        stamps.write(out, ts);
        lead = b',';
    }
    out.push(lead);
    out.extend_from_slice(b"\"metrics\":[");
    for (i, m) in p.metrics.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        metric(m, aliases, &mut stamps, out);
    }
    out.push(b']');
    if let Some(seq) = p.seq {
        out.extend_from_slice(b",\"seq\":");
        unsigned(out, seq);
    }
    if let Some(uuid) = &p.uuid {
        out.extend_from_slice(b",\"uuid\":");
        write_string(out, b"\"", uuid, b"\"");
    }
    out.push(b'}');
}

/// One metric: `{name, alias, timestamp, dataType, isHistorical, isTransient, isNull, value}`,
/// the absent ones left out (`dataType` and `value` are always there).
fn metric(m: &Metric, aliases: Option<&Aliases>, stamps: &mut Stamps, out: &mut Vec<u8>) {
    let mut lead = b'{';
    if let Some(name) = name(m, aliases) {
        out.extend_from_slice(b"{\"name\":");
        write_string(out, b"\"", name, b"\"");
        lead = b',';
    }
    if let Some(alias) = m.alias {
        out.push(lead);
        out.extend_from_slice(b"\"alias\":");
        unsigned(out, alias);
        lead = b',';
    }
    if let Some(ts) = m.timestamp {
        out.push(lead);
        out.extend_from_slice(b"\"timestamp\":");
        stamps.write(out, ts);
        lead = b',';
    }
    out.push(lead);
    out.extend_from_slice(b"\"dataType\":");
    leaf(out, Leaf::data_type(m.datatype.unwrap_or(0)));
    let flags: [(&[u8], _); 3] = [
        (b",\"isHistorical\":", m.is_historical),
        (b",\"isTransient\":", m.is_transient),
        (b",\"isNull\":", m.is_null),
    ];
    for (key, flag) in flags {
        if let Some(flag) = flag {
            out.extend_from_slice(key);
            out.extend_from_slice(if flag { b"true" } else { b"false" });
        }
    }
    out.extend_from_slice(b",\"value\":");
    leaf(out, value(m));
    out.push(b'}');
}

/// The last timestamp written and where its digits lie in the output: the metrics of a payload
/// often carry one timestamp, the payload's (Tahu's edge nodes stamp a whole scan at once), and
/// copying its 13 digits costs less than making them again.
#[derive(Default)]
struct Stamps {
    last: Option<(u64, Range<usize>)>,
}

impl Stamps {
    fn write(&mut self, out: &mut Vec<u8>, ts: u64) {
        if let Some((last, digits)) = &self.last
            && *last == ts
        {
            out.extend_from_within(digits.clone());
            return;
        }
        let start = out.len();
        unsigned(out, ts);
        self.last = Some((ts, start..out.len()));
    }
}

#[inline(always)]
fn unsigned(out: &mut Vec<u8>, n: u64) {
    write_number(out, &Number::from(n));
}

/// A scalar as the document holds it (`Leaf::shape`, the mapping the document and the view share).
#[inline(always)]
fn leaf(out: &mut Vec<u8>, leaf: Leaf) {
    match leaf.shape() {
        Shape::String(s) => write_string(out, b"\"", s, b"\""),
        Shape::Number(n) => write_number(out, &n),
        Shape::Bool(true) => out.extend_from_slice(b"true"),
        Shape::Bool(false) => out.extend_from_slice(b"false"),
        // NaN and the infinities; a leaf is never an array or an object.
        Shape::Null | Shape::Array | Shape::Object => out.extend_from_slice(b"null"),
    }
}
