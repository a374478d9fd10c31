//! A plain Sparkplug B payload read in place: `--where` tests it and `sub` prints it as its Tahu JSON
//! without building a `Doc` (issue 15's benchmark: building and dropping the document cost more
//! than decoding the payload). "Plain" is what nearly all DATA messages are: metrics with scalar or
//! text values, no metadata, properties, data sets, templates or byte values, and no `body`; any
//! other payload is built into a `Doc` as before.
//!
//! The view means exactly what `sparkplug_doc::document` builds for the same payload: the same
//! members in the same order, the values made by the same `Leaf::of`. `view_tests` and
//! `format::decoded_tests` compare the two.

use super::sparkplug_scalar::Leaf;
use super::sparkplug_schema::{Metric, MetricValue, Payload};
use super::sparkplug_state::Aliases;
use super::text::utf8;
use crate::doc::{Shape, Tree};

/// Whether the view shows all of `p` (else the payload is built into a `Doc`).
pub fn plain(p: &Payload) -> bool {
    p.body.is_none()
        && p.metrics.iter().all(|m| {
            m.metadata.is_none()
                && m.properties.is_none()
                && !matches!(
                    m.value,
                    Some(
                        MetricValue::Bytes(_) | MetricValue::DataSet(_) | MetricValue::Template(_)
                    )
                )
        })
}

/// A node of a plain payload's document.
#[derive(Debug, Clone, Copy)]
pub enum Node<'t> {
    Root(&'t Payload, Option<&'t Aliases>),
    Metrics(&'t [Metric], Option<&'t Aliases>),
    Metric(&'t Metric, Option<&'t Aliases>),
    Leaf(Leaf<'t>),
}

/// The root's members, in `document`'s order.
const ROOT: [&str; 4] = ["timestamp", "metrics", "seq", "uuid"];
/// A metric's members, in `document`'s order.
const METRIC: [&str; 8] = [
    "name",
    "alias",
    "timestamp",
    "dataType",
    "isHistorical",
    "isTransient",
    "isNull",
    "value",
];

impl<'t> Node<'t> {
    /// The member in place `i` of `ROOT` or `METRIC` (`None`: absent).
    fn field(self, i: usize) -> Option<Node<'t>> {
        let leaf = match (self, i) {
            (Node::Root(p, _), 0) => Leaf::Unsigned(p.timestamp?),
            (Node::Root(p, aliases), 1) => return Some(Node::Metrics(&p.metrics, aliases)),
            (Node::Root(p, _), 2) => Leaf::Unsigned(p.seq?),
            (Node::Root(p, _), 3) => Leaf::Text(p.uuid.as_deref()?),
            (Node::Metric(m, aliases), 0) => Leaf::Text(name(m, aliases)?),
            (Node::Metric(m, _), 1) => Leaf::Unsigned(m.alias?),
            (Node::Metric(m, _), 2) => Leaf::Unsigned(m.timestamp?),
            (Node::Metric(m, _), 3) => Leaf::data_type(m.datatype.unwrap_or(0)),
            (Node::Metric(m, _), 4) => Leaf::Bool(m.is_historical?),
            (Node::Metric(m, _), 5) => Leaf::Bool(m.is_transient?),
            (Node::Metric(m, _), 6) => Leaf::Bool(m.is_null?),
            (Node::Metric(m, _), 7) => value(m),
            _ => return None,
        };
        Some(Node::Leaf(leaf))
    }

    /// The member keys of an object node, in `document`'s order.
    fn keys(self) -> &'static [&'static str] {
        match self {
            Node::Root(..) => &ROOT,
            Node::Metric(..) => &METRIC,
            _ => &[],
        }
    }
}

/// A metric's name: its own (checked as text when the payload was decoded), or its BIRTH alias's.
pub fn name<'t>(m: &'t Metric, aliases: Option<&'t Aliases>) -> Option<&'t str> {
    match &m.name {
        Some(name) => utf8(name).ok(),
        None => aliases?.get(&m.alias?).map(String::as_str),
    }
}

/// A plain metric's value (null when it has none).
pub fn value(m: &Metric) -> Leaf<'_> {
    let datatype = m.datatype.unwrap_or(0);
    m.value
        .as_ref()
        .and_then(MetricValue::scalar)
        .map_or(Leaf::Null, |s| Leaf::of(datatype, s))
}

impl<'t> Tree<'t> for Node<'t> {
    fn shape(self) -> Shape<'t> {
        match self {
            Node::Root(..) | Node::Metric(..) => Shape::Object,
            Node::Metrics(..) => Shape::Array,
            Node::Leaf(leaf) => leaf.shape(),
        }
    }

    fn as_str(self) -> Option<&'t str> {
        match self {
            Node::Leaf(Leaf::Text(s)) => Some(s),
            _ => None,
        }
    }

    fn as_f64(self) -> Option<f64> {
        match self {
            Node::Leaf(Leaf::Unsigned(n)) => Some(n as f64),
            Node::Leaf(Leaf::Signed(n)) => Some(n as f64),
            Node::Leaf(Leaf::Float(f)) if f.is_finite() => Some(f),
            _ => None,
        }
    }

    fn len(self) -> usize {
        match self {
            Node::Metrics(list, _) => list.len(),
            Node::Root(..) | Node::Metric(..) => self.members().count(),
            Node::Leaf(_) => 0,
        }
    }

    fn element(self, i: usize) -> Option<Self> {
        match self {
            Node::Metrics(list, aliases) => list.get(i).map(|m| Node::Metric(m, aliases)),
            _ => None,
        }
    }

    fn member(self, key: &str) -> Option<Self> {
        let i = self.keys().iter().position(|k| *k == key)?;
        self.field(i)
    }

    fn elements(self) -> impl Iterator<Item = Self> + 't {
        let (list, aliases): (&'t [Metric], _) = match self {
            Node::Metrics(list, aliases) => (list, aliases),
            _ => (&[], None),
        };
        list.iter().map(move |m| Node::Metric(m, aliases))
    }

    fn members(self) -> impl Iterator<Item = (&'t str, Self)> + 't {
        let keys = self.keys().iter().enumerate();
        keys.filter_map(move |(i, &key)| Some((key, self.field(i)?)))
    }
}
