//! `--payload TEMPLATE` / `--payload-file`: realistic payloads. The broker sees the bench header
//! (20 bytes: marker, publisher, sequence number, intended send time; what loss and latency are
//! measured with) as a short prefix, then the template with its fields filled in:
//! `{seq}` the message's sequence number, `{ts}` its intended send time in microseconds since the
//! UNIX epoch, `{client}` the publisher's client id, `{rand:A..B}` a pseudo-random integer from A
//! to B. Anything else, braces included, is literal, so JSON templates need no escaping.

use std::sync::Arc;

/// One piece of a parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(Vec<u8>),
    Seq,
    Ts,
    Client,
    Rand(u64, u64),
}

/// A parsed payload template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pieces: Vec<Piece>,
}

/// The field at the start of `rest` (which starts with `{`) and its length, if it is one.
fn field(rest: &[u8]) -> Result<Option<(Piece, usize)>, String> {
    let end = match rest.iter().position(|&b| b == b'}') {
        Some(end) => end,
        None => return Ok(None),
    };
    let name = &rest[1..end];
    let piece = match name {
        b"seq" => Piece::Seq,
        b"ts" => Piece::Ts,
        b"client" => Piece::Client,
        _ => match name.strip_prefix(b"rand:") {
            Some(range) => {
                let text = String::from_utf8_lossy(range);
                let bounds = text
                    .split_once("..")
                    .and_then(|(a, b)| Some((a.parse::<u64>().ok()?, b.parse::<u64>().ok()?)));
                match bounds {
                    Some((lo, hi)) if lo <= hi => Piece::Rand(lo, hi),
                    _ => {
                        return Err(format!(
                            "{{rand:{text}}} needs a range A..B of whole numbers with A ≤ B"
                        ));
                    }
                }
            }
            None => return Ok(None),
        },
    };
    Ok(Some((piece, end + 1)))
}

impl Template {
    /// Parses a template; a malformed `{rand:…}` is an error.
    pub fn parse(text: &[u8]) -> Result<Template, String> {
        let mut pieces = Vec::new();
        let mut literal = Vec::new();
        let mut i = 0;
        while i < text.len() {
            if text[i] == b'{'
                && let Some((piece, len)) = field(&text[i..])?
            {
                if !literal.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut literal)));
                }
                pieces.push(piece);
                i += len;
                continue;
            }
            literal.push(text[i]);
            i += 1;
        }
        if !literal.is_empty() {
            pieces.push(Piece::Text(literal));
        }
        Ok(Template { pieces })
    }

    /// Bytes of literal text: the payload size when no field is used.
    pub fn literal_len(&self) -> usize {
        self.pieces
            .iter()
            .map(|p| match p {
                Piece::Text(t) => t.len(),
                _ => 0,
            })
            .sum()
    }
}

/// Fills one publisher's template.
pub struct Filler {
    template: Arc<Template>,
    client: String,
    /// xorshift64 state: `{rand}` needs variety, not unpredictability.
    state: u64,
}

impl Filler {
    pub fn new(template: Arc<Template>, client: String, index: u32) -> Self {
        Filler {
            template,
            client,
            state: 0x9E37_79B9_7F4A_7C15
                ^ (u64::from(index) + 1).wrapping_mul(0xBF58_476D_1CE4_E5B9),
        }
    }

    fn next(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.state = x;
        x
    }

    /// Appends the filled template for message `seq` sent (intended) at `sent_ns`.
    pub fn fill(&mut self, out: &mut impl bytes::BufMut, seq: u64, sent_ns: u64) {
        let template = self.template.clone();
        for piece in &template.pieces {
            match piece {
                Piece::Text(t) => out.put_slice(t),
                Piece::Seq => out.put_slice(seq.to_string().as_bytes()),
                Piece::Ts => out.put_slice((sent_ns / 1000).to_string().as_bytes()),
                Piece::Client => out.put_slice(self.client.as_bytes()),
                Piece::Rand(lo, hi) => {
                    let span = hi - lo;
                    let r = if span == u64::MAX {
                        self.next()
                    } else {
                        lo + self.next() % (span + 1)
                    };
                    out.put_slice(r.to_string().as_bytes());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled(template: &str, seq: u64) -> String {
        let t = Arc::new(Template::parse(template.as_bytes()).unwrap());
        let mut f = Filler::new(t, "cid".into(), 0);
        let mut out = Vec::new();
        f.fill(&mut out, seq, 1_700_000_000_123_456_789);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn fields_are_filled_and_the_rest_is_literal() {
        assert_eq!(
            filled(
                r#"{"n": {seq}, "at": {ts}, "from": "{client}", "x": {other}}"#,
                7
            ),
            r#"{"n": 7, "at": 1700000000123456, "from": "cid", "x": {other}}"#
        );
        assert_eq!(filled("{seq", 1), "{seq");
        for _ in 0..100 {
            let r: u64 = filled("{rand:10..30}", 0).parse().unwrap();
            assert!((10..=30).contains(&r));
        }
        assert_eq!(filled("{rand:5..5}", 0), "5");
        assert!(Template::parse(b"{rand:9..1}").is_err());
        assert!(Template::parse(b"{rand:x}").is_err());
        assert_eq!(Template::parse(b"ab{seq}cd").unwrap().literal_len(), 4);
    }

    #[test]
    fn rand_varies() {
        let t = Arc::new(Template::parse(b"{rand:0..1000000}").unwrap());
        let mut f = Filler::new(t, String::new(), 3);
        let mut seen = std::collections::HashSet::new();
        for _ in 0..50 {
            let mut out = Vec::new();
            f.fill(&mut out, 0, 0);
            seen.insert(out);
        }
        assert!(seen.len() > 40, "{}", seen.len());
    }
}
