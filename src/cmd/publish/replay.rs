//! `pub --replay FILE`: publish what `sub --json` recorded, one record per line, each to its own
//! topic with its QoS, retain flag, v5 properties and exact payload bytes, optionally keeping the
//! recorded gaps (`--replay-speed`). One connection for many topics.

use std::path::Path;
use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use rumqttc::v5::mqttbytes::v5::PublishProperties;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};

use super::Replay;
use crate::conn::{ConnectFailure, Outgoing, Protocol, Qos, Session};
use crate::decode::{self, Format};
use crate::exit::{Code, Failure};

/// One record, ready to send.
#[derive(Debug)]
pub struct Record {
    msg: Outgoing,
    /// `ts`, for `--replay-speed`.
    at: Option<chrono::DateTime<chrono::FixedOffset>>,
}

/// A bad record: the line's number and what is wrong.
fn bad_line(path: &Path, number: u64, why: &str) -> Failure {
    Failure::code(
        Code::DataError,
        format!("Error: {} line {number}: {why}\n", path.display()),
    )
}

fn open(path: &Path) -> Result<Box<dyn AsyncRead + Unpin + Send>, Failure> {
    if path == Path::new("-") {
        return Ok(Box::new(tokio::io::stdin()));
    }
    let file = std::fs::File::open(path).map_err(|e| {
        Failure::code(
            Code::Error,
            format!("Error: cannot open {}: {e}\n", path.display()),
        )
    })?;
    Ok(Box::new(tokio::fs::File::from_std(file)))
}

/// The lines of the replay file, with their numbers; blank lines are skipped.
struct Lines {
    inner: tokio::io::Lines<BufReader<Box<dyn AsyncRead + Unpin + Send>>>,
    number: u64,
}

impl Lines {
    fn open(path: &Path) -> Result<Lines, Failure> {
        Ok(Lines {
            inner: BufReader::new(open(path)?).lines(),
            number: 0,
        })
    }

    async fn next(&mut self, path: &Path) -> Result<Option<(u64, String)>, Failure> {
        loop {
            let line = self
                .inner
                .next_line()
                .await
                .map_err(|e| bad_line(path, self.number + 1, &format!("cannot read: {e}")))?;
            self.number += 1;
            match line {
                Some(line) if line.trim().is_empty() => continue,
                Some(line) => return Ok(Some((self.number, line))),
                None => return Ok(None),
            }
        }
    }
}

/// `--strict`: reads and checks every record before anything is sent.
pub async fn read_all(path: &Path) -> Result<Vec<Record>, Failure> {
    let mut lines = Lines::open(path)?;
    let mut records = Vec::new();
    while let Some((number, line)) = lines.next(path).await? {
        records.push(parse(&line).map_err(|why| bad_line(path, number, &why))?);
    }
    Ok(records)
}

/// Publishes the records (already read with `--strict`, else streamed from the file). A bad line
/// ends the run with its error after the records before it were sent.
pub async fn send(
    session: &Session,
    replay: &Replay,
    checked: Option<Vec<Record>>,
    protocol: Protocol,
) -> Result<(), Failure> {
    let lost = |f: ConnectFailure| f.to_failure(true);
    let mut clock = Clock::new(replay.speed);
    match checked {
        Some(records) => {
            for record in records {
                clock.wait(record.at).await;
                session
                    .publish(v5_only(record.msg, protocol))
                    .await
                    .map_err(lost)?;
            }
        }
        None => {
            let mut lines = Lines::open(&replay.path)?;
            while let Some((number, line)) = lines.next(&replay.path).await? {
                let record = parse(&line).map_err(|why| bad_line(&replay.path, number, &why))?;
                clock.wait(record.at).await;
                session
                    .publish(v5_only(record.msg, protocol))
                    .await
                    .map_err(lost)?;
            }
        }
    }
    Ok(())
}

/// Properties exist only in v5.
fn v5_only(mut msg: Outgoing, protocol: Protocol) -> Outgoing {
    if protocol != Protocol::V5 {
        msg.properties = None;
    }
    msg
}

/// `--replay-speed`: the first record goes at once, each later one when its recorded offset from
/// the first, divided by the speed, has passed.
struct Clock {
    speed: Option<f64>,
    start: Option<(tokio::time::Instant, chrono::DateTime<chrono::FixedOffset>)>,
}

impl Clock {
    fn new(speed: Option<f64>) -> Self {
        Clock { speed, start: None }
    }

    async fn wait(&mut self, at: Option<chrono::DateTime<chrono::FixedOffset>>) {
        let (Some(speed), Some(at)) = (self.speed, at) else {
            return;
        };
        let Some((started, first)) = self.start else {
            self.start = Some((tokio::time::Instant::now(), at));
            return;
        };
        let offset = (at - first).to_std().unwrap_or_default();
        let due = started + Duration::from_secs_f64(offset.as_secs_f64() / speed);
        tokio::time::sleep_until(due).await;
    }
}

/// Reads one record of `sub --json`.
fn parse(line: &str) -> Result<Record, String> {
    let record: Value = serde_json::from_str(line).map_err(|e| format!("not JSON ({e})"))?;
    let obj = record.as_object().ok_or("a record is a JSON object")?;
    let topic = obj
        .get("topic")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty() && !t.contains(['+', '#']))
        .ok_or("\"topic\" must be a topic name (text without + or #)")?;
    let qos = match obj.get("qos") {
        None => Qos::AtMostOnce,
        Some(q) => q
            .as_i64()
            .and_then(Qos::from_number)
            .ok_or("\"qos\" must be 0, 1 or 2")?,
    };
    let retain = match obj.get("retain") {
        None => false,
        Some(r) => r.as_bool().ok_or("\"retain\" must be true or false")?,
    };
    let at = match obj.get("ts") {
        None => None,
        Some(ts) => Some(
            ts.as_str()
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                .ok_or("\"ts\" must be RFC 3339 text")?,
        ),
    };
    let properties = match obj.get("properties") {
        None => None,
        Some(p) => Some(properties(p)?),
    };
    Ok(Record {
        msg: Outgoing {
            topic: topic.to_string(),
            payload: Bytes::from(payload(obj)?),
            qos,
            retain,
            properties,
        },
        at,
    })
}

fn base64(v: &Value, key: &str) -> Result<Vec<u8>, String> {
    v.as_str()
        .and_then(|s| base64::engine::general_purpose::STANDARD.decode(s).ok())
        .ok_or_else(|| format!("\"{key}\" must be base64 text"))
}

/// The exact payload bytes: `payload_base64` when recorded, else `payload` as its
/// `payload_encoding` says (a hand-written msgpack, CBOR or Sparkplug value is encoded).
fn payload(obj: &serde_json::Map<String, Value>) -> Result<Vec<u8>, String> {
    if let Some(raw) = obj.get("payload_base64") {
        return base64(raw, "payload_base64");
    }
    let value = obj.get("payload").unwrap_or(&Value::Null);
    let encoding = match obj.get("payload_encoding") {
        None => "json",
        Some(e) => e.as_str().ok_or("\"payload_encoding\" must be text")?,
    };
    match encoding {
        "utf8" => value
            .as_str()
            .map(|s| s.as_bytes().to_vec())
            .ok_or_else(|| "a utf8 \"payload\" must be text".to_string()),
        "base64" => base64(value, "payload"),
        "json" => serde_json::to_vec(value).map_err(|e| e.to_string()),
        other => match Format::from_name(other) {
            Some(format) if format != Format::Protobuf => {
                decode::encode(format, None, value).map_err(|e| format!("payload: {e}"))
            }
            _ => Err(format!(
                "payload_encoding \"{other}\" needs \"payload_base64\" with the bytes"
            )),
        },
    }
}

/// The v5 properties a record carries; those the broker sets per subscriber (topic alias,
/// subscription identifiers) are not sent.
fn properties(p: &Value) -> Result<PublishProperties, String> {
    let obj = p.as_object().ok_or("\"properties\" must be an object")?;
    let mut out = PublishProperties::default();
    let text = |key: &str| -> Result<Option<String>, String> {
        match obj.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_str()
                .map(|s| Some(s.to_string()))
                .ok_or_else(|| format!("\"{key}\" must be text")),
        }
    };
    out.content_type = text("content_type")?;
    out.response_topic = text("response_topic")?;
    if let Some(cd) = text("correlation_data")? {
        out.correlation_data = Some(Bytes::from(cd));
    }
    if let Some(cd) = obj.get("correlation_data_base64") {
        out.correlation_data = Some(Bytes::from(base64(cd, "correlation_data_base64")?));
    }
    if let Some(v) = obj.get("payload_format_indicator") {
        let n = v.as_u64().filter(|&n| n <= 1);
        out.payload_format_indicator =
            Some(n.ok_or("\"payload_format_indicator\" must be 0 or 1")? as u8);
    }
    if let Some(v) = obj.get("message_expiry_interval") {
        let n = v.as_u64().and_then(|n| u32::try_from(n).ok());
        out.message_expiry_interval = Some(n.ok_or("\"message_expiry_interval\" must be seconds")?);
    }
    if let Some(v) = obj.get("user_properties") {
        let pairs = v
            .as_array()
            .ok_or("\"user_properties\" must be [[key, value], …]")?;
        for pair in pairs {
            match pair.as_array().map(Vec::as_slice) {
                Some([Value::String(k), Value::String(v)]) => {
                    out.user_properties.push((k.clone(), v.clone()))
                }
                _ => return Err("\"user_properties\" must be [[key, value], …]".into()),
            }
        }
    }
    Ok(out)
}
