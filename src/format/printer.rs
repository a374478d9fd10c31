//! How a received message is written (by `sub`, and by `rr` for its responses): mosquitto's plain and
//! `-v` output, `-F`, `--json-path` values and NDJSON. stdout is written per message and flushed; a
//! closed stdout ends the run quietly.

use std::io::Write;

use super::{Format, ndjson};
use crate::conn::Message;
use crate::decode::{self, Decoded, Decoder, Input, Tahu};
use crate::doc::{Doc, Tree};
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

/// A message's payload as `--where` and the output see it: what `--decode` read, or the payload
/// parsed as JSON, once, by the first that needs it (`--where` and then `--json-path` or `%{…}`).
pub struct Payload<'m> {
    decoded: Option<Decoded<'m>>,
    parsed: Option<Doc<'m>>,
}

impl<'m> Payload<'m> {
    /// The payload as a document: decoded, or as parsed or built so far.
    fn doc(&self) -> Option<&Doc<'m>> {
        let decoded = self.decoded.as_ref().and_then(|d| d.value.doc());
        decoded.or(self.parsed.as_ref())
    }

    /// A plain Sparkplug B payload's view, which `--where`, `--json-path` and printing use
    /// directly.
    fn view(&self) -> Option<&Tahu<'m>> {
        self.decoded.as_ref()?.value.view()
    }

    /// The payload as a document: a Sparkplug B view is built into one now, for what cannot work
    /// on the view (`-F %{…}`).
    fn built(&mut self) -> Option<&Doc<'m>> {
        if self.parsed.is_none() {
            self.parsed = self.view().map(Tahu::to_doc);
        }
        self.doc()
    }

    /// The payload as JSON, parsing it now if nothing has (`None`: it is not JSON, or it is a
    /// view, which the callers test first).
    fn json(&mut self, msg: &'m Message) -> Option<&Doc<'m>> {
        if self.decoded.is_none() && self.parsed.is_none() {
            self.parsed = Doc::from_json(&msg.payload).ok();
        }
        self.doc()
    }
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
        decoder: Option<&'m mut Decoder>,
        msg: &'m Message,
    ) -> Result<Result<Payload<'m>, Printed>, Failure> {
        let decoded = |decoded| Payload {
            decoded,
            parsed: None,
        };
        let Some(decoder) = decoder else {
            return Ok(Ok(decoded(None)));
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
            Ok(value) => Ok(Ok(decoded(value))),
            Err(why) => self.unusable(msg, &why).map(Err),
        }
    }

    /// `--where`: true when every path selects something from the payload (as `--decode` read
    /// it, or parsed as JSON; the parse is kept for the output).
    pub fn matches_where<'m>(
        &self,
        msg: &'m Message,
        payload: &mut Payload<'m>,
        paths: &[Path],
        strict: bool,
    ) -> Result<bool, Failure> {
        if let Some(view) = payload.view() {
            let root = view.root();
            return Ok(paths.iter().all(|p| p.matches_tree(root)));
        }
        match payload.json(msg) {
            Some(doc) => Ok(paths.iter().all(|p| p.matches_doc(doc))),
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

    /// `--json-path`: appends what each path selects from `root` (after `topic` with `-v`), one
    /// value a line; false when nothing was selected.
    fn selected<'t, N: Tree<'t>>(
        &mut self,
        paths: &[Path],
        topic: Option<&[u8]>,
        root: N,
        write: impl Fn(&mut Vec<u8>, N),
    ) -> bool {
        let mut any = false;
        for value in paths.iter().flat_map(|path| path.select_tree(root)) {
            any = true;
            if let Some(topic) = topic {
                self.buf.extend_from_slice(topic);
                self.buf.push(b' ');
            }
            write(&mut self.buf, value);
            if self.eol {
                self.buf.push(b'\n');
            }
        }
        any
    }

    /// Renders and writes one message.
    pub fn print<'m>(
        &mut self,
        msg: &'m Message,
        payload: &mut Payload<'m>,
        output: &Output,
    ) -> Result<Printed, Failure> {
        self.buf.clear();
        match output {
            // A decoded payload is shown as its JSON.
            Output::Plain { verbose } if let Some(d) = &payload.decoded => {
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
                    if format.selects() {
                        payload.built()
                    } else {
                        payload.doc()
                    },
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
                let topic = self.verbose.then_some(&msg.topic[..]);
                let any = match payload.view() {
                    Some(view) => {
                        let root = view.root();
                        self.selected(paths, topic, root, jsonpath::write_tree_value)
                    }
                    None => match payload.json(msg) {
                        Some(doc) => self.selected(paths, topic, doc, jsonpath::write_doc),
                        None => return self.unusable(msg, "payload is not JSON"),
                    },
                };
                if !any {
                    let list: Vec<&str> = paths.iter().map(Path::as_str).collect();
                    return self.unusable(msg, &format!("{} selects nothing", list.join(", ")));
                }
            }
            Output::Ndjson => {
                let record =
                    (payload.decoded.as_ref()).map(|d| (decode::record_value(d), d.format.name()));
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
