//! Sparkplug B payloads to and from the Eclipse Tahu JSON shape: `{timestamp, metrics: [{name,
//! alias, timestamp, dataType, value, …}], seq}`, the metric's oneof value under the one key
//! `value` (signed and array types restored from their wire form by `dataType`), so that
//! `$.metrics[?@.name=="temp"].value` works whatever the type.

use prost::Message as _;
use serde_json::{Map, Value};

use super::sparkplug_schema::{
    DATA_TYPES, DataSet, MetaData, Metric, MetricValue, Payload, PropertySet, PropertyValue,
    PropertyValueKind, Scalar, Template,
};
use super::sparkplug_state::{Nodes, Topic};
use super::{base64, float};

/// Data type numbers used below.
const INT8: u32 = 1;
const INT16: u32 = 2;
const INT32: u32 = 3;
const INT64: u32 = 4;
const UINT8: u32 = 5;
const UINT16: u32 = 6;
const DATETIME: u32 = 13;

/// Payloads with more metrics than this do not keep their metric list for the next message.
const KEEP_METRICS: usize = 1024;

/// What decoding keeps between messages: the edge nodes' aliases and sequence numbers, and the
/// last payload, whose metric list is reused rather than grown anew for every message.
#[derive(Debug, Default)]
pub struct State {
    nodes: Nodes,
    scratch: Payload,
}

/// Decodes one Sparkplug B message on `topic`, filling metric names from BIRTH aliases and
/// noting `seq` gaps. `spBv1.0/STATE/…` payloads are JSON (Sparkplug 3.0) and read as such.
pub fn decode(
    topic: &str,
    payload: &[u8],
    state: &mut State,
    warn: &mut dyn FnMut(String),
) -> Result<Value, String> {
    if topic.starts_with("spBv1.0/STATE/") {
        return super::json(payload);
    }
    let State { nodes, scratch: p } = state;
    if p.metrics.capacity() > KEEP_METRICS {
        *p = Payload::default();
    } else {
        p.clear();
    }
    p.merge(payload)
        .map_err(|e| format!("payload is not Sparkplug B ({e})"))?;
    let parsed = Topic::parse(topic);
    if let Some(t) = &parsed {
        if let Some(note) = nodes.sequence(t, p.seq) {
            warn(note);
        }
        if t.kind.ends_with("BIRTH") {
            let pairs = p
                .metrics
                .iter()
                .filter_map(|m| Some((m.alias?, m.name.clone()?)));
            nodes.birth(t, pairs);
        }
    }
    let aliases = |alias: u64| parsed.as_ref().and_then(|t| nodes.name(t, alias));
    let fields = [
        p.timestamp.is_some(),
        p.seq.is_some(),
        p.uuid.is_some(),
        p.body.is_some(),
    ];
    let mut out = Map::with_capacity(1 + fields.iter().filter(|&&f| f).count());
    if let Some(ts) = p.timestamp {
        out.insert("timestamp".into(), Value::from(ts));
    }
    let metrics = p.metrics.drain(..).map(|m| metric(m, &aliases)).collect();
    out.insert("metrics".into(), Value::Array(metrics));
    if let Some(seq) = p.seq {
        out.insert("seq".into(), Value::from(seq));
    }
    if let Some(uuid) = p.uuid.take() {
        out.insert("uuid".into(), Value::String(uuid));
    }
    if let Some(body) = &p.body {
        out.insert("body".into(), base64(body));
    }
    Ok(Value::Object(out))
}

fn type_name(datatype: u32) -> Value {
    match DATA_TYPES.get(datatype as usize) {
        Some(name) => Value::from(*name),
        None => Value::from(datatype),
    }
}

/// One metric, taken apart (its strings move into the JSON value). The map is sized to its
/// members: growing it key by key costs more than building the rest of the metric.
fn metric<'a>(m: Metric, aliases: &dyn Fn(u64) -> Option<&'a str>) -> Value {
    let name = match m.name {
        Some(name) => Some(name),
        None => m.alias.and_then(aliases).map(str::to_string),
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
    let mut out = Map::with_capacity(members);
    if let Some(name) = name {
        out.insert("name".into(), Value::String(name));
    }
    if let Some(alias) = m.alias {
        out.insert("alias".into(), Value::from(alias));
    }
    if let Some(ts) = m.timestamp {
        out.insert("timestamp".into(), Value::from(ts));
    }
    let datatype = m.datatype.unwrap_or(0);
    out.insert("dataType".into(), type_name(datatype));
    for (key, flag) in flags {
        if let Some(flag) = flag {
            out.insert(key.into(), Value::Bool(flag));
        }
    }
    if let Some(meta) = &m.metadata {
        out.insert("metaData".into(), metadata(meta));
    }
    if let Some(props) = &m.properties {
        out.insert("properties".into(), property_set(props));
    }
    let value = match m.value {
        Some(v) => metric_value(datatype, v, aliases),
        None => Value::Null,
    };
    out.insert("value".into(), value);
    Value::Object(out)
}

/// A float as the shortest decimal that reads back as the same f32 (0.1, not 0.10000000149…).
fn float32(f: f32) -> Value {
    let mut text = zmij::Buffer::new();
    float(text.format(f).parse().unwrap_or(f64::from(f)))
}

/// A scalar read as its data type: Int8/16/32 travel as two's complement in a uint32, Int64 in a
/// uint64.
fn scalar(datatype: u32, v: Scalar) -> Value {
    match v {
        Scalar::Int(i) => match datatype {
            INT8 => Value::from(i as u8 as i8),
            INT16 => Value::from(i as u16 as i16),
            INT32 => Value::from(i as i32),
            UINT8 => Value::from(i as u8),
            UINT16 => Value::from(i as u16),
            _ => Value::from(i),
        },
        Scalar::Long(l) if datatype == INT64 => Value::from(l as i64),
        Scalar::Long(l) => Value::from(l),
        Scalar::Float(f) => float32(f),
        Scalar::Double(d) => float(d),
        Scalar::Boolean(b) => Value::Bool(b),
        Scalar::String(s) => Value::from(s),
    }
}

fn metric_value<'a>(
    datatype: u32,
    v: MetricValue,
    aliases: &dyn Fn(u64) -> Option<&'a str>,
) -> Value {
    match v {
        MetricValue::String(s) => Value::String(s),
        MetricValue::Bytes(b) => array(datatype, &b).unwrap_or_else(|| base64(&b)),
        MetricValue::DataSet(ds) => dataset(&ds),
        MetricValue::Template(t) => template(t, aliases),
        other => other.scalar().map_or(Value::Null, |s| scalar(datatype, s)),
    }
}
/// The array types (Sparkplug 3.0): little-endian elements packed in `bytes_value`. `None` when the
/// type is not an array this reads or the length does not fit it (the bytes are then shown as
/// base64).
fn array(datatype: u32, b: &[u8]) -> Option<Value> {
    fn each<const N: usize>(b: &[u8], f: impl Fn([u8; N]) -> Value) -> Option<Value> {
        if !b.len().is_multiple_of(N) {
            return None;
        }
        let items = b.chunks_exact(N).map(|c| f(c.try_into().unwrap_or([0; N])));
        Some(Value::Array(items.collect()))
    }
    match datatype {
        22 => each::<1>(b, |c| Value::from(i8::from_le_bytes(c))),
        23 => each::<2>(b, |c| Value::from(i16::from_le_bytes(c))),
        24 => each::<4>(b, |c| Value::from(i32::from_le_bytes(c))),
        25 | 34 => each::<8>(b, |c| Value::from(i64::from_le_bytes(c))),
        26 => each::<1>(b, |c| Value::from(c[0])),
        27 => each::<2>(b, |c| Value::from(u16::from_le_bytes(c))),
        28 => each::<4>(b, |c| Value::from(u32::from_le_bytes(c))),
        29 => each::<8>(b, |c| Value::from(u64::from_le_bytes(c))),
        30 => each::<4>(b, |c| float32(f32::from_le_bytes(c))),
        31 => each::<8>(b, |c| float(f64::from_le_bytes(c))),
        33 => {
            // NUL-terminated UTF-8 strings.
            let body = b.strip_suffix(&[0])?;
            let items: Option<Vec<Value>> = body
                .split(|&c| c == 0)
                .map(|s| std::str::from_utf8(s).ok().map(Value::from))
                .collect();
            Some(Value::Array(items?))
        }
        _ => None,
    }
}

fn dataset(ds: &DataSet) -> Value {
    let mut out = Map::new();
    if let Some(n) = ds.num_of_columns {
        out.insert("numOfColumns".into(), Value::from(n));
    }
    out.insert("columnNames".into(), Value::from(ds.columns.clone()));
    let types: Vec<Value> = ds.types.iter().map(|&t| type_name(t)).collect();
    out.insert("types".into(), Value::Array(types));
    let rows = ds.rows.iter().map(|row| {
        let cells = row.elements.iter().enumerate().map(|(i, cell)| {
            let datatype = ds.types.get(i).copied().unwrap_or(0);
            cell.value
                .as_ref()
                .and_then(|v| v.scalar())
                .map_or(Value::Null, |v| scalar(datatype, v))
        });
        Value::Array(cells.collect())
    });
    out.insert("rows".into(), Value::Array(rows.collect()));
    Value::Object(out)
}

fn template<'a>(t: Template, aliases: &dyn Fn(u64) -> Option<&'a str>) -> Value {
    let mut out = Map::new();
    if let Some(v) = &t.version {
        out.insert("version".into(), Value::from(v.as_str()));
    }
    if let Some(r) = &t.template_ref {
        out.insert("templateRef".into(), Value::from(r.as_str()));
    }
    if let Some(d) = t.is_definition {
        out.insert("isDefinition".into(), Value::Bool(d));
    }
    let metrics = t.metrics.into_iter().map(|m| metric(m, aliases)).collect();
    out.insert("metrics".into(), Value::Array(metrics));
    let parameters = t.parameters.iter().map(|p| {
        let datatype = p.r#type.unwrap_or(0);
        let mut param = Map::new();
        if let Some(name) = &p.name {
            param.insert("name".into(), Value::from(name.as_str()));
        }
        param.insert("type".into(), type_name(datatype));
        let value = p.value.as_ref().and_then(|v| v.scalar());
        let value = value.map_or(Value::Null, |v| scalar(datatype, v));
        param.insert("value".into(), value);
        Value::Object(param)
    });
    out.insert("parameters".into(), Value::Array(parameters.collect()));
    Value::Object(out)
}

fn metadata(m: &MetaData) -> Value {
    let mut out = Map::new();
    let flags = [("isMultiPart", m.is_multi_part)];
    for (key, v) in flags {
        if let Some(v) = v {
            out.insert(key.into(), Value::Bool(v));
        }
    }
    for (key, v) in [("size", m.size), ("seq", m.seq)] {
        if let Some(v) = v {
            out.insert(key.into(), Value::from(v));
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
            out.insert(key.into(), Value::from(v.as_str()));
        }
    }
    Value::Object(out)
}

/// A property set as Tahu shows it: `{key: {type, value}}`.
fn property_set(set: &PropertySet) -> Value {
    let mut out = Map::new();
    for (key, value) in set.keys.iter().zip(&set.values) {
        out.insert(key.clone(), property_value(value));
    }
    Value::Object(out)
}

fn property_value(p: &PropertyValue) -> Value {
    let datatype = p.r#type.unwrap_or(0);
    let mut out = Map::new();
    out.insert("type".into(), type_name(datatype));
    if let Some(n) = p.is_null {
        out.insert("isNull".into(), Value::Bool(n));
    }
    let value = match &p.value {
        Some(PropertyValueKind::PropertySet(set)) => property_set(set),
        Some(PropertyValueKind::PropertySetList(list)) => {
            Value::Array(list.propertyset.iter().map(property_set).collect())
        }
        Some(v) => v.scalar().map_or(Value::Null, |v| scalar(datatype, v)),
        None => Value::Null,
    };
    out.insert("value".into(), value);
    Value::Object(out)
}

/// A copy of a decoded payload with its timestamps (payload, metrics, DateTime values) as RFC 3339
/// text, for `--json` records.
pub fn with_rfc3339(decoded: &Value) -> Value {
    let mut out = decoded.clone();
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

/// Encodes a Tahu-shaped JSON payload. A metric's `dataType` (a name or number) says where its
/// `value` goes; without one it follows the JSON value (Boolean, Int64, UInt64, Double, String).
pub fn encode(doc: &Value) -> Result<Vec<u8>, String> {
    let root = doc
        .as_object()
        .ok_or("a Sparkplug B payload is a JSON object with \"metrics\"")?;
    let mut p = Payload::default();
    for (key, v) in root {
        match key.as_str() {
            "timestamp" => p.timestamp = Some(timestamp(v, "timestamp")?),
            "seq" => p.seq = Some(v.as_u64().ok_or("\"seq\" must be a number 0-255")?),
            "uuid" => p.uuid = Some(v.as_str().ok_or("\"uuid\" must be text")?.to_string()),
            "body" => p.body = Some(bytes(v, "body")?),
            "metrics" => {
                let list = v.as_array().ok_or("\"metrics\" must be an array")?;
                for (i, m) in list.iter().enumerate() {
                    p.metrics
                        .push(encode_metric(m).map_err(|e| format!("metrics[{i}]: {e}"))?);
                }
            }
            other => return Err(format!("unknown payload key \"{other}\"")),
        }
    }
    Ok(p.encode_to_vec())
}

/// Milliseconds since 1970, as a number or RFC 3339 text (what `--json` records show).
fn timestamp(v: &Value, key: &str) -> Result<u64, String> {
    if let Some(ms) = v.as_u64() {
        return Ok(ms);
    }
    v.as_str()
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .and_then(|t| u64::try_from(t.timestamp_millis()).ok())
        .ok_or_else(|| format!("\"{key}\" must be milliseconds since 1970 or RFC 3339 text"))
}

fn bytes(v: &Value, key: &str) -> Result<Vec<u8>, String> {
    use base64::Engine as _;
    v.as_str()
        .and_then(|s| base64::engine::general_purpose::STANDARD.decode(s).ok())
        .ok_or_else(|| format!("\"{key}\" must be base64 text"))
}

fn data_type(v: &Value) -> Result<u32, String> {
    if let Some(n) = v.as_u64().and_then(|n| u32::try_from(n).ok()) {
        return Ok(n);
    }
    v.as_str()
        .and_then(|name| DATA_TYPES.iter().position(|t| t.eq_ignore_ascii_case(name)))
        .map(|i| i as u32)
        .ok_or_else(|| format!("unknown dataType {v}"))
}

/// The data type a JSON value implies when the metric names none.
fn implied(v: &Value) -> u32 {
    match v {
        Value::Bool(_) => 11,
        Value::Number(n) if n.is_i64() => INT64,
        Value::Number(n) if n.is_u64() => 8,
        Value::Number(_) => 10,
        _ => 12,
    }
}

fn encode_metric(m: &Value) -> Result<Metric, String> {
    let obj = m.as_object().ok_or("a metric must be a JSON object")?;
    let mut metric = Metric::default();
    let value = obj.get("value").filter(|v| !v.is_null());
    for (key, v) in obj {
        match key.as_str() {
            "name" => metric.name = Some(v.as_str().ok_or("\"name\" must be text")?.into()),
            "alias" => metric.alias = Some(v.as_u64().ok_or("\"alias\" must be a number")?),
            "timestamp" => metric.timestamp = Some(timestamp(v, "timestamp")?),
            "dataType" => metric.datatype = Some(data_type(v)?),
            "isHistorical" => metric.is_historical = v.as_bool(),
            "isTransient" => metric.is_transient = v.as_bool(),
            "isNull" => metric.is_null = v.as_bool(),
            "value" => {}
            other => return Err(format!("\"{other}\" is not supported when encoding")),
        }
    }
    let datatype = match (metric.datatype, value) {
        (Some(t), _) => t,
        (None, Some(v)) => implied(v),
        (None, None) => 0,
    };
    metric.datatype = Some(datatype);
    match value {
        Some(v) => metric.value = Some(encode_value(datatype, v)?),
        None if metric.is_null.is_none() && obj.contains_key("value") => {
            metric.is_null = Some(true)
        }
        None => {}
    }
    Ok(metric)
}

fn encode_value(datatype: u32, v: &Value) -> Result<MetricValue, String> {
    let name = DATA_TYPES.get(datatype as usize).copied().unwrap_or("?");
    let wrong = || format!("value {v} is not a {name}");
    let signed = || v.as_i64().ok_or_else(wrong);
    let unsigned = || v.as_u64().ok_or_else(wrong);
    Ok(match datatype {
        INT8 | INT16 | INT32 => MetricValue::Int(signed()? as i32 as u32),
        UINT8 | UINT16 | 7 => MetricValue::Int(u32::try_from(unsigned()?).map_err(|_| wrong())?),
        INT64 => MetricValue::Long(signed()? as u64),
        8 => MetricValue::Long(unsigned()?),
        DATETIME => MetricValue::Long(timestamp(v, "value")?),
        9 => MetricValue::Float(v.as_f64().ok_or_else(wrong)? as f32),
        10 => MetricValue::Double(v.as_f64().ok_or_else(wrong)?),
        11 => MetricValue::Boolean(v.as_bool().ok_or_else(wrong)?),
        12 | 14 | 15 => MetricValue::String(v.as_str().ok_or_else(wrong)?.into()),
        17 | 18 => MetricValue::Bytes(bytes(v, "value")?),
        22..=31 | 34 => MetricValue::Bytes(encode_array(datatype, v).ok_or_else(wrong)?),
        33 => {
            let mut out = Vec::new();
            for s in v.as_array().ok_or_else(wrong)? {
                out.extend_from_slice(s.as_str().ok_or_else(wrong)?.as_bytes());
                out.push(0);
            }
            MetricValue::Bytes(out)
        }
        _ => return Err(format!("encoding {name} values is not supported")),
    })
}

fn encode_array(datatype: u32, v: &Value) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    for item in v.as_array()? {
        match datatype {
            22 => out.extend(i8::try_from(item.as_i64()?).ok()?.to_le_bytes()),
            23 => out.extend(i16::try_from(item.as_i64()?).ok()?.to_le_bytes()),
            24 => out.extend(i32::try_from(item.as_i64()?).ok()?.to_le_bytes()),
            25 | 34 => out.extend(item.as_i64()?.to_le_bytes()),
            26 => out.extend(u8::try_from(item.as_u64()?).ok()?.to_le_bytes()),
            27 => out.extend(u16::try_from(item.as_u64()?).ok()?.to_le_bytes()),
            28 => out.extend(u32::try_from(item.as_u64()?).ok()?.to_le_bytes()),
            29 => out.extend(item.as_u64()?.to_le_bytes()),
            30 => out.extend((item.as_f64()? as f32).to_le_bytes()),
            31 => out.extend(item.as_f64()?.to_le_bytes()),
            _ => return None,
        }
    }
    Some(out)
}
