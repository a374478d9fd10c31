//! A Sparkplug B payload built into a `Doc` of the Eclipse Tahu JSON shape: what `-F %{…}` and
//! `--json` see, and what every payload the view does not show (`sparkplug_view::plain`) is
//! printed and tested as. Also the RFC 3339 timestamps of `--json` records.

use std::borrow::Cow;
use std::str::Utf8Error;

use bytes::Bytes;
use serde_json::{Number, Value};

use super::base64_text;
use super::sparkplug_scalar::{Leaf, float32};
use super::sparkplug_schema::{
    DataSet, MetaData, Metric, MetricValue, Payload, PropertySet, PropertyValue, PropertyValueKind,
    Scalar, Template,
};
use super::text::utf8;
use crate::doc::{Doc, Object};

/// A decoded value that owns its text (copied out of the decoded message).
type Owned = Doc<'static>;
/// An object's members, each key once.
type Members<'p> = Vec<(Cow<'p, str>, Doc<'p>)>;
/// Where a metric's name comes from: the payload's text, or the name BIRTH gave its alias.
pub struct Names<'s, 'p> {
    pub payload: &'p [u8],
    pub aliases: &'s dyn Fn(u64) -> Option<Cow<'p, str>>,
}

fn object(members: Members) -> Doc {
    Doc::Object(Object::from_unique(members))
}

fn number(n: impl Into<Number>) -> Owned {
    Doc::Number(n.into())
}

fn text(s: impl Into<String>) -> Owned {
    Doc::String(Cow::Owned(s.into()))
}

fn base64(bytes: &[u8]) -> Owned {
    text(base64_text(bytes))
}

/// Where a text field that is not UTF-8 sits, innermost first (`Metric.name: Payload.metrics: `):
/// the fields prost leaves as bytes fail with the words prost uses for its own text fields.
pub struct NotText(pub String);

impl NotText {
    pub fn within(mut self, field: &str) -> NotText {
        self.0.push_str(field);
        self
    }
}

/// A text field that prost left as a view of the payload: it is borrowed from the payload (prost
/// reads `bytes` fields from a `Bytes` without copying, so the view lies inside it), copied only
/// if it does not.
pub(super) fn text_in<'p>(payload: &'p [u8], field: &Bytes) -> Result<Cow<'p, str>, Utf8Error> {
    let offset = field.as_ptr().addr().checked_sub(payload.as_ptr().addr());
    match offset.and_then(|at| payload.get(at..at.checked_add(field.len())?)) {
        Some(inside) => utf8(inside).map(Cow::Borrowed),
        None => utf8(field).map(|s| Cow::Owned(s.to_string())),
    }
}

/// The payload as a document: `{timestamp, metrics, seq, uuid, body}`.
pub fn document<'p>(p: &Payload, names: &Names<'_, 'p>) -> Result<Doc<'p>, NotText> {
    let fields = [
        p.timestamp.is_some(),
        p.seq.is_some(),
        p.uuid.is_some(),
        p.body.is_some(),
    ];
    let mut out = Members::with_capacity(1 + fields.iter().filter(|&&f| f).count());
    if let Some(ts) = p.timestamp {
        out.push(("timestamp".into(), number(ts)));
    }
    let metrics = metrics(&p.metrics, names);
    out.push((
        "metrics".into(),
        metrics.map_err(|e| e.within("Payload.metrics: "))?,
    ));
    if let Some(seq) = p.seq {
        out.push(("seq".into(), number(seq)));
    }
    if let Some(uuid) = &p.uuid {
        out.push(("uuid".into(), text(uuid.as_str())));
    }
    if let Some(body) = &p.body {
        out.push(("body".into(), base64(body)));
    }
    Ok(object(out))
}

fn type_name(datatype: u32) -> Owned {
    Leaf::data_type(datatype).doc()
}

/// A metric list as an array, sized up front (collecting `Result`s would grow it step by step).
fn metrics<'p>(list: &[Metric], names: &Names<'_, 'p>) -> Result<Doc<'p>, NotText> {
    let mut out = Vec::with_capacity(list.len());
    for m in list {
        out.push(metric(m, names)?);
    }
    Ok(Doc::Array(out))
}

/// One metric (its names borrow from the payload, its other text is copied). The object is sized
/// to its members: growing it key by key costs more than building the rest of the
/// metric.
fn metric<'p>(m: &Metric, names: &Names<'_, 'p>) -> Result<Doc<'p>, NotText> {
    let name = match &m.name {
        Some(name) => {
            let name = text_in(names.payload, name).map_err(|_| NotText("Metric.name: ".into()))?;
            Some(name)
        }
        None => m.alias.and_then(names.aliases),
    };
    let flags = [
        ("isHistorical", m.is_historical),
        ("isTransient", m.is_transient),
        ("isNull", m.is_null),
    ];
    let optional = [
        name.is_some(),
        m.alias.is_some(),
        m.timestamp.is_some(),
        m.metadata.is_some(),
        m.properties.is_some(),
    ];
    let members = 2
        + optional.iter().filter(|&&o| o).count()
        + flags.iter().filter(|(_, f)| f.is_some()).count();
    let mut out = Members::with_capacity(members);
    if let Some(name) = name {
        out.push(("name".into(), Doc::String(name)));
    }
    if let Some(alias) = m.alias {
        out.push(("alias".into(), number(alias)));
    }
    if let Some(ts) = m.timestamp {
        out.push(("timestamp".into(), number(ts)));
    }
    let datatype = m.datatype.unwrap_or(0);
    out.push(("dataType".into(), type_name(datatype)));
    for (key, flag) in flags {
        if let Some(flag) = flag {
            out.push((key.into(), Doc::Bool(flag)));
        }
    }
    if let Some(meta) = &m.metadata {
        out.push(("metaData".into(), metadata(meta)));
    }
    if let Some(props) = &m.properties {
        out.push(("properties".into(), property_set(props)));
    }
    let value = match &m.value {
        Some(v) => metric_value(datatype, v, names).map_err(|e| e.within("Metric.value: "))?,
        None => Doc::Null,
    };
    out.push(("value".into(), value));
    Ok(object(out))
}

/// A scalar read as its data type.
fn scalar(datatype: u32, v: Scalar) -> Owned {
    Leaf::of(datatype, v).owned()
}

fn metric_value<'p>(
    datatype: u32,
    v: &MetricValue,
    names: &Names<'_, 'p>,
) -> Result<Doc<'p>, NotText> {
    Ok(match v {
        MetricValue::String(s) => text(s.as_str()),
        MetricValue::Bytes(b) => array(datatype, b).unwrap_or_else(|| base64(b)),
        MetricValue::DataSet(ds) => dataset(ds),
        MetricValue::Template(t) => template(t, names)?,
        other => other.scalar().map_or(Doc::Null, |s| scalar(datatype, s)),
    })
}
/// The array types (Sparkplug 3.0): little-endian elements packed in `bytes_value`. `None` when the
/// type is not an array this reads or the length does not fit it (the bytes are then shown as
/// base64).
fn array(datatype: u32, b: &[u8]) -> Option<Owned> {
    fn each<const N: usize>(b: &[u8], f: impl Fn([u8; N]) -> Owned) -> Option<Owned> {
        if !b.len().is_multiple_of(N) {
            return None;
        }
        let items = b.chunks_exact(N).map(|c| f(c.try_into().unwrap_or([0; N])));
        Some(Doc::Array(items.collect()))
    }
    match datatype {
        22 => each::<1>(b, |c| number(i8::from_le_bytes(c))),
        23 => each::<2>(b, |c| number(i16::from_le_bytes(c))),
        24 => each::<4>(b, |c| number(i32::from_le_bytes(c))),
        25 | 34 => each::<8>(b, |c| number(i64::from_le_bytes(c))),
        26 => each::<1>(b, |c| number(c[0])),
        27 => each::<2>(b, |c| number(u16::from_le_bytes(c))),
        28 => each::<4>(b, |c| number(u32::from_le_bytes(c))),
        29 => each::<8>(b, |c| number(u64::from_le_bytes(c))),
        30 => each::<4>(b, |c| Doc::float(float32(f32::from_le_bytes(c)))),
        31 => each::<8>(b, |c| Doc::float(f64::from_le_bytes(c))),
        33 => {
            // NUL-terminated UTF-8 strings.
            let body = b.strip_suffix(&[0])?;
            let items: Option<Vec<Owned>> = body
                .split(|&c| c == 0)
                .map(|s| std::str::from_utf8(s).ok().map(text))
                .collect();
            Some(Doc::Array(items?))
        }
        _ => None,
    }
}

fn dataset(ds: &DataSet) -> Owned {
    let mut out = Members::new();
    if let Some(n) = ds.num_of_columns {
        out.push(("numOfColumns".into(), number(n)));
    }
    out.push((
        "columnNames".into(),
        Doc::Array(ds.columns.iter().map(|c| text(c.as_str())).collect()),
    ));
    let types: Vec<Owned> = ds.types.iter().map(|&t| type_name(t)).collect();
    out.push(("types".into(), Doc::Array(types)));
    let rows = ds.rows.iter().map(|row| {
        let cells = row.elements.iter().enumerate().map(|(i, cell)| {
            let datatype = ds.types.get(i).copied().unwrap_or(0);
            cell.value
                .as_ref()
                .and_then(|v| v.scalar())
                .map_or(Doc::Null, |v| scalar(datatype, v))
        });
        Doc::Array(cells.collect())
    });
    out.push(("rows".into(), Doc::Array(rows.collect())));
    object(out)
}

fn template<'p>(t: &Template, names: &Names<'_, 'p>) -> Result<Doc<'p>, NotText> {
    let mut out = Members::new();
    if let Some(v) = &t.version {
        out.push(("version".into(), text(v.as_str())));
    }
    if let Some(r) = &t.template_ref {
        out.push(("templateRef".into(), text(r.as_str())));
    }
    if let Some(d) = t.is_definition {
        out.push(("isDefinition".into(), Doc::Bool(d)));
    }
    let metrics = metrics(&t.metrics, names);
    out.push((
        "metrics".into(),
        metrics.map_err(|e| e.within("Template.metrics: "))?,
    ));
    let parameters = t.parameters.iter().map(|p| {
        let datatype = p.r#type.unwrap_or(0);
        let mut param = Members::new();
        if let Some(name) = &p.name {
            param.push(("name".into(), text(name.as_str())));
        }
        param.push(("type".into(), type_name(datatype)));
        let value = p.value.as_ref().and_then(|v| v.scalar());
        let value = value.map_or(Doc::Null, |v| scalar(datatype, v));
        param.push(("value".into(), value));
        object(param)
    });
    out.push(("parameters".into(), Doc::Array(parameters.collect())));
    Ok(object(out))
}

fn metadata(m: &MetaData) -> Owned {
    let mut out = Members::new();
    let flags = [("isMultiPart", m.is_multi_part)];
    for (key, v) in flags {
        if let Some(v) = v {
            out.push((key.into(), Doc::Bool(v)));
        }
    }
    for (key, v) in [("size", m.size), ("seq", m.seq)] {
        if let Some(v) = v {
            out.push((key.into(), number(v)));
        }
    }
    let texts = [
        ("contentType", &m.content_type),
        ("fileName", &m.file_name),
        ("fileType", &m.file_type),
        ("md5", &m.md5),
        ("description", &m.description),
    ];
    for (key, v) in texts {
        if let Some(v) = v {
            out.push((key.into(), text(v.as_str())));
        }
    }
    object(out)
}

/// A property set as Tahu shows it: `{key: {type, value}}`.
fn property_set(set: &PropertySet) -> Owned {
    let mut out = Members::new();
    for (key, value) in set.keys.iter().zip(&set.values) {
        out.push((Cow::Owned(key.clone()), property_value(value)));
    }
    // Keys come from the payload and may repeat: the last value wins, as in a JSON object.
    Doc::Object(Object::from_members(out))
}

fn property_value(p: &PropertyValue) -> Owned {
    let datatype = p.r#type.unwrap_or(0);
    let mut out = Members::new();
    out.push(("type".into(), type_name(datatype)));
    if let Some(n) = p.is_null {
        out.push(("isNull".into(), Doc::Bool(n)));
    }
    let value = match &p.value {
        Some(PropertyValueKind::PropertySet(set)) => property_set(set),
        Some(PropertyValueKind::PropertySetList(list)) => {
            Doc::Array(list.propertyset.iter().map(property_set).collect())
        }
        Some(v) => v.scalar().map_or(Doc::Null, |v| scalar(datatype, v)),
        None => Doc::Null,
    };
    out.push(("value".into(), value));
    object(out)
}
/// A decoded payload with its timestamps (payload, metrics, DateTime values) as RFC 3339
/// text, for `--json` records.
pub fn with_rfc3339(decoded: Value) -> Value {
    let mut out = decoded;
    if let Value::Object(root) = &mut out {
        rfc3339_field(root.get_mut("timestamp"));
        if let Some(Value::Array(metrics)) = root.get_mut("metrics") {
            metrics_rfc3339(metrics);
        }
    }
    out
}

fn metrics_rfc3339(metrics: &mut [Value]) {
    for m in metrics.iter_mut().filter_map(Value::as_object_mut) {
        rfc3339_field(m.get_mut("timestamp"));
        match m.get("dataType").and_then(Value::as_str) {
            Some("DateTime") => rfc3339_field(m.get_mut("value")),
            Some("Template") => {
                if let Some(Value::Array(inner)) =
                    m.get_mut("value").and_then(|v| v.get_mut("metrics"))
                {
                    metrics_rfc3339(inner);
                }
            }
            _ => {}
        }
    }
}

fn rfc3339_field(field: Option<&mut Value>) {
    let Some(field) = field else { return };
    let Some(ms) = field.as_u64().and_then(|ms| i64::try_from(ms).ok()) else {
        return;
    };
    if let Some(at) = chrono::DateTime::from_timestamp_millis(ms) {
        *field = Value::from(at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true));
    }
}
