//! The `%` conversions: message fields, payload (raw or hex), v5 properties, time and JSON.
//!
//! Width and precision count bytes, as C's printf does. Absent v5 properties print `width` pad
//! characters for `%A %E %F %S`, `width` spaces for `%C`, and nothing for `%D %P %R`.

use super::clock::{self, Time};
use super::float;
use super::{NotJson, message_json};
use super::{Out, Spec, cstr};
use crate::conn::event::Message;
use crate::personality::Personality;

/// What a conversion may print from.
pub struct Context<'a> {
    pub msg: &'a Message,
    pub now: &'a Time,
    pub pretty: bool,
    pub personality: Personality,
}

/// Writes the conversion `code` (already validated) for one message.
pub fn write(out: &mut Out, code: u8, spec: &Spec, ctx: &Context, warn: &mut dyn FnMut(String)) {
    let msg = ctx.msg;
    let props = msg.properties.as_ref();
    match code {
        b'%' => out.push(b'%'),
        b't' => spec.string(out, cstr(&msg.topic)),
        b'p' => payload(out, &msg.payload, None, spec, ctx.personality),
        b'x' => payload(out, &msg.payload, Some(false), spec, ctx.personality),
        b'X' => payload(out, &msg.payload, Some(true), spec, ctx.personality),
        // mosquitto's text, without a newline, when the payload is not 4 (8) bytes long.
        b'f' | b'd' if !out.with(|v| float::write(v, &msg.payload, code == b'd', spec)) => {
            let kind = if code == b'd' { "double" } else { "float" };
            warn(format!(
                "requested {kind} printing, but non-{kind} data received"
            ));
        }
        b'l' => spec.int(out, msg.payload.len() as i64),
        b'm' => spec.int(out, i64::from(msg.mid)),
        b'q' => out.push(b'0' + msg.qos as u8),
        b'r' => out.push(if msg.retain { b'1' } else { b'0' }),
        b'I' => spec.string(out, &clock::iso8601(ctx.now)),
        b'U' => out.with(|v| clock::unix(v, ctx.now)),
        b'j' | b'J' => {
            let written = out.with(|v| message_json(v, msg, ctx.now, code == b'j', ctx.pretty));
            if written == Err(NotJson) {
                let topic = String::from_utf8_lossy(cstr(&msg.topic));
                warn(format!(
                    "Error: Message payload is not valid JSON on topic {topic}.\n"
                ));
            }
        }
        b'A' => int_or_blank(out, spec, props.and_then(|p| p.topic_alias).map(i64::from)),
        b'E' => {
            // mosquitto prints the u32 through an int: values above i32::MAX come out negative.
            let expiry =
                props
                    .and_then(|p| p.message_expiry_interval)
                    .map(|e| match ctx.personality {
                        Personality::Mosquitto => i64::from(e as i32),
                        Personality::Mqtk => i64::from(e),
                    });
            int_or_blank(out, spec, expiry);
        }
        b'F' => int_or_blank(
            out,
            spec,
            props
                .and_then(|p| p.payload_format_indicator)
                .map(i64::from),
        ),
        b'S' => {
            let id = props
                .and_then(|p| p.subscription_identifiers.first())
                .map(|&id| id as i64);
            int_or_blank(out, spec, id);
        }
        b'C' => match props.and_then(|p| p.content_type.as_ref()) {
            Some(ct) => spec.string(out, cstr(ct.as_bytes())),
            None => spec.blank(out, b' '),
        },
        b'R' => {
            if let Some(rt) = props.and_then(|p| p.response_topic.as_ref()) {
                spec.string(out, cstr(rt.as_bytes()));
            }
        }
        b'D' => {
            if let Some(cd) = props.and_then(|p| p.correlation_data.as_ref()) {
                out.extend_from_slice(cd);
            }
        }
        b'P' => {
            for (i, (k, v)) in props
                .map_or(&[][..], |p| &p.user_properties[..])
                .iter()
                .enumerate()
            {
                if i > 0 {
                    out.push(b' ');
                }
                out.extend_from_slice(cstr(k.as_bytes()));
                out.push(b':');
                out.extend_from_slice(cstr(v.as_bytes()));
            }
        }
        _ => {}
    }
}

fn int_or_blank(out: &mut Out, spec: &Spec, value: Option<i64>) {
    match value {
        Some(v) => spec.int(out, v),
        None => spec.blank(out, spec.pad()),
    }
}

/// `%p`, `%x` (`Some(false)`) and `%X` (`Some(true)`), as mosquitto 2.1 writes them. A width is
/// also a maximum: at most `width` bytes of the payload are shown (as raw bytes, or two hex digits
/// each), padded to `width` characters. With a precision P, hex digits are grouped P at a time
/// (padding included), separated by the separator character (a space by default): `%.2:x` is
/// `6b:65`. (2.0 cut hex to `width` bytes and halved that.) mosquitto left-aligns a payload longer
/// than its width, or one without a width, by as many spaces as it overflows; `mqtk` does not.
fn payload(
    out: &mut Out,
    payload: &[u8],
    hex: Option<bool>,
    spec: &Spec,
    personality: Personality,
) {
    let width = spec.width as i64;
    let shown = if width > 0 {
        payload.len().min(spec.width)
    } else {
        payload.len()
    };
    let pad = match hex {
        Some(_) if width > 0 => width - 2 * shown as i64,
        _ => width - shown as i64,
    };
    let group = spec.precision.filter(|&p| p > 0 && hex.is_some());
    let separator = spec.separator.unwrap_or(b' ');
    // mosquitto's `hexsep`: a separator after every `group` characters, counting padding.
    let mut position = 0usize;
    let separate = |out: &mut Out, position: usize| {
        if let Some(g) = group
            && position % g == g - 1
        {
            out.push(separator);
        }
    };
    if !spec.left {
        if group.is_some() {
            for _ in 0..pad.max(0) {
                out.push(spec.pad());
                separate(out, position);
                position += 1;
            }
        } else {
            // Streamed: a width of two billion must not build two gigabytes first.
            out.pad(spec.pad(), pad.max(0) as usize);
        }
    }
    let digits: &[u8; 16] = if hex == Some(true) {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    match hex {
        None => out.extend_from_slice(&payload[..shown]),
        Some(_) => {
            for (i, &b) in payload[..shown].iter().enumerate() {
                out.push(digits[usize::from(b >> 4)]);
                separate(out, position);
                position += 1;
                out.push(digits[usize::from(b & 15)]);
                if i + 1 < shown {
                    separate(out, position);
                    position += 1;
                }
            }
        }
    }
    if spec.left {
        // printf("%*s", pad, ""): a negative width left-aligns, so it pads all the same.
        let trailing = match personality {
            Personality::Mosquitto => pad.unsigned_abs(),
            Personality::Mqtk => pad.max(0) as u64,
        };
        out.pad(b' ', trailing as usize);
    }
}
