//! How a received message is written (by `sub`, and by `rr` for its responses): mosquitto's plain and
//! `-v` output, `-F`, `--json-path` values and NDJSON. stdout is written per message and flushed; a
//! closed stdout ends the run quietly.

use std::io::Write;

use super::{Format, ndjson};
use crate::conn::Message;
use crate::decode::{self, Decoded, Decoder, Input};
use crate::doc::Doc;
use crate::exit::{Code, Failure};
use crate::jsonpath::{self, Path};

/// How messages are printed.
#[derive(Debug)]
pub enum Output {
    /// The payload (`-v`: topic and payload), as mosquitto_sub prints it.
    Plain { verbose: bool },
    /// `-F`.
    Format(Format),
    /// `--json-path`: the selected values instead of the payload.
    JsonPath(Vec<Path>),
    /// `--json`: one JSON object per message per line.
    Ndjson,
}

/// What became of a message.
pub enum Printed {
    Yes,
    /// Not printed (nothing to extract); not counted.
    Skipped,
    /// stdout is gone (`| head -1`): stop quietly.
    StdoutClosed,
}

/// Writes messages to stdout.
pub struct Printer {
    eol: bool,
    pretty: bool,
    verbose: bool,
    quiet: bool,
    strict: bool,
    buf: Vec<u8>,
}

impl Printer {
    pub fn new(eol: bool, pretty: bool, verbose: bool, quiet: bool, strict: bool) -> Self {
        Printer {
            eol,
            pretty,
            verbose,
            quiet,
            strict,
            buf: Vec::with_capacity(4096),
        }
    }

    /// Writes bytes as they are and flushes.
    pub fn raw(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let mut out = std::io::stdout().lock();
        out.write_all(bytes)?;
        out.flush()
    }

    /// A payload that cannot be used as JSON: a note (skip) or, with `--strict`, an error.
    pub fn unusable(&self, msg: &Message, why: &str) -> Result<Printed, Failure> {
        let topic = String::from_utf8_lossy(&msg.topic);
        if self.strict {
            return Err(Failure::code(
                Code::DataError,
                format!("Error: {why} on topic '{topic}'.\n"),
            ));
        }
        if !self.quiet {
            eprintln!("mqtk: skipped a message on topic '{topic}': {why}");
        }
        Ok(Printed::Skipped)
    }

    /// `--decode`: the payload read through `decoder` (`None`: read as it is, as JSON), or
    /// `Skipped` when it cannot be decoded (a note, or with `--strict` an error).
    pub fn decode<'m>(
        &self,
        decoder: Option<&mut Decoder>,
        msg: &'m Message,
    ) -> Result<Result<Option<Decoded<'m>>, Printed>, Failure> {
        let Some(decoder) = decoder else {
            return Ok(Ok(None));
        };
        // Topics are UTF-8 (a broker refuses others): the plain check is cheaper than the lossy one.
        let topic = match std::str::from_utf8(&msg.topic) {
            Ok(topic) => std::borrow::Cow::Borrowed(topic),
            Err(_) => String::from_utf8_lossy(&msg.topic),
        };
        let input = Input {
            topic: &topic,
            content_type: msg
                .properties
                .as_ref()
                .and_then(|p| p.content_type.as_deref()),
            payload: &msg.payload,
        };
        let quiet = self.quiet;
        let mut warn = |note: String| {
            if !quiet {
                eprintln!("mqtk: {note}");
            }
        };
        match decoder.decode(&input, &mut warn) {
            Ok(decoded) => Ok(Ok(decoded)),
            Err(why) => self.unusable(msg, &why).map(Err),
        }
    }

    fn parse(msg: &Message) -> Option<Doc<'_>> {
        Doc::from_json(&msg.payload).ok()
    }

    /// `--where`: true when every path selects something from the payload (`decoded`, when
    /// `--decode` read it).
    pub fn matches_where(
        &self,
        msg: &Message,
        decoded: Option<&Decoded>,
        paths: &[Path],
        strict: bool,
    ) -> Result<bool, Failure> {
        if let Some(d) = decoded {
            return Ok(paths.iter().all(|p| p.matches_doc(&d.value)));
        }
        match Self::parse(msg) {
            Some(doc) => Ok(paths.iter().all(|p| p.matches_doc(&doc))),
            None if strict => {
                let topic = String::from_utf8_lossy(&msg.topic);
                Err(Failure::code(
                    Code::DataError,
                    format!("Error: payload is not JSON on topic '{topic}'.\n"),
                ))
            }
            None => Ok(false),
        }
    }

    /// Renders and writes one message; `decoded` is its payload as `--decode` read it.
    pub fn print(
        &mut self,
        msg: &Message,
        decoded: Option<&Decoded>,
        output: &Output,
    ) -> Result<Printed, Failure> {
        self.buf.clear();
        match output {
            // A decoded payload is shown as its JSON.
            Output::Plain { verbose } if let Some(d) = decoded => {
                if *verbose {
                    self.buf.extend_from_slice(&msg.topic);
                    self.buf.push(b' ');
                }
                d.value.write_json(&mut self.buf, self.pretty);
                if self.eol {
                    self.buf.push(b'\n');
                }
            }
            Output::Plain { verbose } => {
                // mosquitto prints nothing at all for an empty payload, and `topic (null)` with -v
                // (but nothing with -v -N).
                if msg.payload.is_empty() && (!verbose || !self.eol) {
                    return Ok(Printed::Yes);
                }
                if *verbose {
                    self.buf.extend_from_slice(&msg.topic);
                    self.buf.push(b' ');
                    if msg.payload.is_empty() {
                        self.buf.extend_from_slice(b"(null)");
                    }
                }
                self.buf.extend_from_slice(&msg.payload);
                if self.eol {
                    self.buf.push(b'\n');
                }
            }
            Output::Format(format) => {
                let now = chrono::Local::now();
                let mut warnings = Vec::new();
                // Wide fields stream to stdout as they are rendered (never a width-sized buffer).
                let stdout = std::io::stdout();
                let mut sink = stdout.lock();
                let mut out = crate::format::Out::new(&mut self.buf, Some(&mut sink));
                let rendered = format.render_to(
                    &mut out,
                    msg,
                    decoded.map(|d| &d.value),
                    &now.fixed_offset(),
                    self.pretty,
                    &mut |w| warnings.push(w),
                );
                if out.finish().is_err() {
                    return Ok(Printed::StdoutClosed);
                }
                drop(sink);
                if !self.quiet {
                    for w in warnings {
                        eprint!("{w}");
                    }
                }
                if let Err(skip) = rendered {
                    return self.unusable(msg, &skip.0);
                }
                if self.eol {
                    self.buf.push(b'\n');
                }
            }
            Output::JsonPath(paths) => {
                let parsed;
                let doc = match decoded {
                    Some(d) => &d.value,
                    None => match Self::parse(msg) {
                        Some(doc) => {
                            parsed = doc;
                            &parsed
                        }
                        None => return self.unusable(msg, "payload is not JSON"),
                    },
                };
                let mut any = false;
                for path in paths {
                    for value in path.select_doc(doc) {
                        any = true;
                        if self.verbose {
                            self.buf.extend_from_slice(&msg.topic);
                            self.buf.push(b' ');
                        }
                        jsonpath::write_doc(&mut self.buf, value);
                        if self.eol {
                            self.buf.push(b'\n');
                        }
                    }
                }
                if !any {
                    let list: Vec<&str> = paths.iter().map(Path::as_str).collect();
                    return self.unusable(msg, &format!("{} selects nothing", list.join(", ")));
                }
            }
            Output::Ndjson => {
                let record = decoded.map(|d| (decode::record_value(d), d.format.name()));
                ndjson::write(
                    &mut self.buf,
                    msg,
                    record,
                    &chrono::Local::now(),
                    self.pretty,
                );
                self.buf.push(b'\n');
            }
        }
        let buf = std::mem::take(&mut self.buf);
        let written = self.raw(&buf);
        self.buf = buf;
        match written {
            Ok(()) => Ok(Printed::Yes),
            Err(_) => Ok(Printed::StdoutClosed),
        }
    }
}
