//! The `-F` output format language of mosquitto_sub 2.1: parsed once into tokens, rendered per
//! message, byte for byte as mosquitto prints it (quirks included under `Personality::Mosquitto`).
//!
//! `%` codes print message fields (see `field.rs`), `@` codes print the receive time through
//! strftime (`clock.rs`), `\` escapes print control characters, anything else is copied. mqtk adds
//! `%{JSONPATH}`, which prints what a JSONPath selects from the payload.

mod cjson;
mod clock;
pub mod closed_stdout;
#[cfg(test)]
mod decoded_tests;
mod field;
mod float;
mod json;
pub mod ndjson;
mod number;
mod out;
mod parse;
pub mod printer;
#[cfg(test)]
mod tests;

pub use json::{NotJson, message_json};
pub use out::Out;

use crate::conn::event::Message;
use crate::doc::Doc;
use crate::exit::Failure;
use crate::jsonpath::{self, Path};
use crate::personality::Personality;
use clock::Time;

/// A parsed `-F` format.
#[derive(Debug)]
pub struct Format {
    tokens: Vec<Token>,
    personality: Personality,
}

/// A message `render` could not print: a `%{path}` found no JSON payload or selected nothing. The
/// text says why (without the topic).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip(pub String);

#[derive(Debug)]
enum Token {
    /// Bytes to copy (literal text, `\` escapes and `@@`).
    Text(Vec<u8>),
    /// A `%` conversion.
    Field(u8, Spec),
    /// `@X`: strftime `%X`.
    Time(u8),
    /// `@N`: nanoseconds.
    Nanos,
    /// mqtk's `%{JSONPATH}`.
    Path(Path, Spec),
}

/// The flags, width and precision of a `%` conversion.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Spec {
    /// `-`: align left (padding on the right, always with spaces).
    left: bool,
    /// `0`: pad with zeros instead of spaces.
    zero: bool,
    /// Minimum width in bytes; 0 when absent.
    width: usize,
    /// `.N`: maximum bytes of a string, digits after the point of `%f`/`%d`, hex digits between
    /// separators of `%x`/`%X`.
    precision: Option<usize>,
    /// The hex separator character written right before the conversion (`%.2:x`); a space when
    /// there is none.
    separator: Option<u8>,
}

impl Spec {
    fn pad(&self) -> u8 {
        if self.zero { b'0' } else { b' ' }
    }

    /// `width` copies of `pad`: mosquitto's output for an absent property.
    fn blank(&self, out: &mut Out, pad: u8) {
        out.pad(pad, self.width);
    }

    /// printf's `%d` with this width and flags (zeros only when right-aligned), padding written as
    /// it goes rather than formatted into a string as wide as the width.
    fn int(&self, out: &mut Out, value: i64) {
        let digits = value.to_string();
        let pad = self.width.saturating_sub(digits.len());
        match (self.left, self.zero) {
            (true, _) => {
                out.extend_from_slice(digits.as_bytes());
                out.pad(b' ', pad);
            }
            (false, true) => {
                let (sign, magnitude) = digits.split_at(usize::from(value < 0));
                out.extend_from_slice(sign.as_bytes());
                out.pad(b'0', pad);
                out.extend_from_slice(magnitude.as_bytes());
            }
            (false, false) => {
                out.pad(b' ', pad);
                out.extend_from_slice(digits.as_bytes());
            }
        }
    }

    /// printf's `%*.*s`: at most `precision` bytes, padded with spaces to `width` bytes.
    fn string(&self, out: &mut Out, value: &[u8]) {
        let value = &value[..self.precision.map_or(value.len(), |p| p.min(value.len()))];
        let pad = self.width.saturating_sub(value.len());
        if !self.left {
            out.pad(b' ', pad);
        }
        out.extend_from_slice(value);
        if self.left {
            out.pad(b' ', pad);
        }
    }
}

impl Format {
    /// Parses and validates a `-F` string with mosquitto's checks and messages; `%{JSONPATH}` only
    /// under `Personality::Mqtk`.
    pub fn parse(text: &[u8], personality: Personality) -> Result<Format, Failure> {
        Ok(Format {
            tokens: parse::tokens(text, personality)?,
            personality,
        })
    }

    /// Renders one message into `out`, without the trailing newline. `now` is the receive time;
    /// `warn` gets runtime diagnostics, each ending in a newline. On `Err` nothing was written.
    #[cfg(test)]
    pub fn render(
        &self,
        out: &mut Vec<u8>,
        msg: &Message,
        now: &Time,
        pretty: bool,
        warn: &mut dyn FnMut(String),
    ) -> Result<(), Skip> {
        self.render_to(&mut Out::new(out, None), msg, None, now, pretty, warn)
    }

    /// Like [`Format::render`], into an [`Out`] that may stream to its writer as it goes, with
    /// `%{path}` selecting from `doc` (the `--decode`d payload) when given instead of the payload
    /// parsed as JSON.
    pub fn render_to(
        &self,
        out: &mut Out,
        msg: &Message,
        doc: Option<&Doc>,
        now: &Time,
        pretty: bool,
        warn: &mut dyn FnMut(String),
    ) -> Result<(), Skip> {
        let mut selected = self.select(msg, doc)?.into_iter();
        for token in &self.tokens {
            match token {
                Token::Text(bytes) => out.extend_from_slice(bytes),
                Token::Field(code, spec) => {
                    let ctx = field::Context {
                        msg,
                        now,
                        pretty,
                        personality: self.personality,
                    };
                    field::write(out, *code, spec, &ctx, warn);
                }
                Token::Time(code) => out.with(|v| clock::strftime(v, now, *code)),
                Token::Nanos => out.with(|v| clock::nanos(v, now)),
                Token::Path(_, spec) => spec.string(out, &selected.next().unwrap_or_default()),
            }
        }
        Ok(())
    }

    /// Whether the format has a `%{path}` (only those read the payload as a document).
    pub fn selects(&self) -> bool {
        self.tokens.iter().any(|t| matches!(t, Token::Path(..)))
    }

    /// What each `%{path}` selects, rendered, in token order; the payload is parsed once.
    fn select(&self, msg: &Message, decoded: Option<&Doc>) -> Result<Vec<Vec<u8>>, Skip> {
        let mut paths = self.tokens.iter().filter_map(|t| match t {
            Token::Path(path, _) => Some(path),
            _ => None,
        });
        let Some(first) = paths.next() else {
            return Ok(Vec::new());
        };
        let parsed;
        let doc = match decoded {
            Some(doc) => doc,
            None => {
                parsed =
                    Doc::from_json(&msg.payload).map_err(|_| Skip("payload is not JSON".into()))?;
                &parsed
            }
        };
        std::iter::once(first)
            .chain(paths)
            .map(|path| {
                let values = path.select_doc(doc);
                if values.is_empty() {
                    return Err(Skip(format!("{} selects nothing", path.as_str())));
                }
                let mut text = Vec::new();
                for (i, value) in values.into_iter().enumerate() {
                    if i > 0 {
                        text.push(b',');
                    }
                    jsonpath::write_doc(&mut text, value);
                }
                Ok(text)
            })
            .collect()
    }
}

/// The bytes of a C string: everything before the first NUL.
fn cstr(bytes: &[u8]) -> &[u8] {
    bytes
        .iter()
        .position(|&b| b == 0)
        .map_or(bytes, |nul| &bytes[..nul])
}
