//! Tahu-shaped JSON to Sparkplug B (`pub --encode sparkplug`).

use bytes::Bytes;
use prost::Message as _;
use serde_json::Value;

use super::sparkplug_scalar::{DATETIME, INT8, INT16, INT32, INT64, UINT8, UINT16};
use super::sparkplug_schema::{DATA_TYPES, Metric, MetricValue, Payload};

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
            "body" => p.body = Some(bytes(v, "body")?.into()),
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
            "name" => {
                let name = v.as_str().ok_or("\"name\" must be text")?;
                metric.name = Some(Bytes::copy_from_slice(name.as_bytes()));
            }
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
