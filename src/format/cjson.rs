//! A JSON value parsed and printed the way cJSON 1.7.15 does it, for `%j`/`%J` compatibility.
//!
//! cJSON is lenient where serde_json is strict and the other way round, and mosquitto_sub's output
//! depends on it: strings are byte strings (no UTF-8 check, raw control characters allowed, `\u0000`
//! ends the string when printed), any byte up to 0x20 counts as blank space, numbers go through
//! `strtod` (so `01`, `1.` and `-.5` parse), object keys may repeat, and nesting stops at 1000.
//! The reference is Debian 12's libcjson 1.7.15-1+deb12u4, which mosquitto_sub 2.0.11 links.

use super::number;

/// cJSON's `CJSON_NESTING_LIMIT`.
const NESTING_LIMIT: usize = 1000;

/// A JSON value; strings and keys are bytes, objects keep their order and duplicate keys.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    False,
    True,
    Number(f64),
    String(Vec<u8>),
    Array(Vec<Json>),
    Object(Vec<(Vec<u8>, Json)>),
}

/// Parses a whole payload as `cJSON_ParseWithOpts(payload, &end, true)` plus mosquitto's check that
/// the parse ended at `payloadlen`: a UTF-8 byte order mark and surrounding blank space are allowed,
/// trailing text and NUL bytes are not.
pub fn parse(payload: &[u8]) -> Option<Json> {
    if payload.contains(&0) {
        return None;
    }
    let mut parser = Parser {
        text: payload,
        at: 0,
        depth: 0,
    };
    // cJSON only looks for the mark when at least 4 bytes are there.
    if payload.len() >= 4 && payload.starts_with(b"\xEF\xBB\xBF") {
        parser.at = 3;
    }
    parser.blank();
    let value = parser.value()?;
    parser.blank();
    (parser.at == payload.len()).then_some(value)
}

struct Parser<'a> {
    text: &'a [u8],
    at: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn blank(&mut self) {
        while self.peek().is_some_and(|b| b <= b' ') {
            self.at += 1;
        }
    }

    fn literal(&mut self, word: &[u8]) -> bool {
        let found = self.text[self.at..].starts_with(word);
        if found {
            self.at += word.len();
        }
        found
    }

    fn value(&mut self) -> Option<Json> {
        if self.literal(b"null") {
            return Some(Json::Null);
        }
        if self.literal(b"false") {
            return Some(Json::False);
        }
        if self.literal(b"true") {
            return Some(Json::True);
        }
        match self.peek()? {
            b'"' => self.string().map(Json::String),
            b'-' | b'0'..=b'9' => self.number().map(Json::Number),
            b'[' => self.nested(Self::array),
            b'{' => self.nested(Self::object),
            _ => None,
        }
    }

    fn nested(&mut self, parse: fn(&mut Self) -> Option<Json>) -> Option<Json> {
        if self.depth >= NESTING_LIMIT {
            return None;
        }
        self.depth += 1;
        let value = parse(self)?;
        self.depth -= 1;
        Some(value)
    }

    /// `strtod` on the leading run of number characters. (Plain 1.7.15 stopped after 63 of them;
    /// Debian's CVE-2023-26819 fix, as in 1.7.19, takes the whole run.)
    fn number(&mut self) -> Option<f64> {
        let run = self.text[self.at..]
            .iter()
            .take_while(|b| matches!(b, b'0'..=b'9' | b'+' | b'-' | b'e' | b'E' | b'.'))
            .count();
        let len = strtod_prefix(&self.text[self.at..self.at + run]);
        if len == 0 {
            return None;
        }
        let text = std::str::from_utf8(&self.text[self.at..self.at + len]).ok()?;
        self.at += len;
        text.parse().ok()
    }

    fn string(&mut self) -> Option<Vec<u8>> {
        let start = self.at + 1;
        // The closing quote is the first one not preceded by an escaping backslash.
        let mut end = start;
        while *self.text.get(end)? != b'"' {
            end += if self.text[end] == b'\\' { 2 } else { 1 };
        }
        let mut out = Vec::with_capacity(end - start);
        let mut at = start;
        while at < end {
            let b = self.text[at];
            if b != b'\\' {
                out.push(b);
                at += 1;
                continue;
            }
            // `at + 1 <= end`: at worst the escape swallows the closing quote, as in cJSON.
            let simple = match self.text[at + 1] {
                b'b' => 0x08,
                b'f' => 0x0c,
                b'n' => b'\n',
                b'r' => b'\r',
                b't' => b'\t',
                c @ (b'"' | b'\\' | b'/') => c,
                b'u' => {
                    at += utf16_escape(&self.text[at..end], &mut out)?;
                    continue;
                }
                _ => return None,
            };
            out.push(simple);
            at += 2;
        }
        self.at = end + 1;
        Some(out)
    }

    fn array(&mut self) -> Option<Json> {
        let items = self.list(b']', |p| p.value())?;
        Some(Json::Array(items))
    }

    fn object(&mut self) -> Option<Json> {
        let members = self.list(b'}', |p| {
            if p.peek()? != b'"' {
                return None;
            }
            let key = p.string()?;
            p.blank();
            if p.peek()? != b':' {
                return None;
            }
            p.at += 1;
            p.blank();
            Some((key, p.value()?))
        })?;
        Some(Json::Object(members))
    }

    /// The comma-separated items after an opening bracket, up to `close`.
    fn list<T>(
        &mut self,
        close: u8,
        mut item: impl FnMut(&mut Self) -> Option<T>,
    ) -> Option<Vec<T>> {
        self.at += 1;
        self.blank();
        let mut items = Vec::new();
        if self.peek()? == close {
            self.at += 1;
            return Some(items);
        }
        loop {
            items.push(item(self)?);
            self.blank();
            match self.peek()? {
                b',' => {
                    self.at += 1;
                    self.blank();
                }
                c if c == close => {
                    self.at += 1;
                    return Some(items);
                }
                _ => return None,
            }
        }
    }
}

/// How many leading bytes `strtod` converts: `[+-]digits[.digits][e[+-]digits]` (one side of the
/// point may be empty, not both); 0 when it converts nothing.
fn strtod_prefix(run: &[u8]) -> usize {
    let digits = |from: usize| {
        run[from..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let mut at = usize::from(matches!(run.first(), Some(b'+' | b'-')));
    let whole = digits(at);
    at += whole;
    let mut fraction = 0;
    if run.get(at) == Some(&b'.') {
        fraction = digits(at + 1);
        if whole + fraction > 0 {
            at += 1 + fraction;
        }
    }
    if whole + fraction == 0 {
        return 0;
    }
    if matches!(run.get(at), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(run.get(at + 1), Some(b'+' | b'-')));
        let exponent = digits(at + 1 + sign);
        if exponent > 0 {
            at += 1 + sign + exponent;
        }
    }
    at
}

/// Decodes `\uXXXX` (or a surrogate pair `\uXXXX\uXXXX`) at the start of `text` to UTF-8; returns how
/// many bytes it used. cJSON reads a bad hex digit as code point 0.
fn utf16_escape(text: &[u8], out: &mut Vec<u8>) -> Option<usize> {
    let hex4 = |at: usize| -> u32 {
        let mut value = 0;
        for &b in &text[at..at + 4] {
            match (b as char).to_digit(16) {
                Some(d) => value = value * 16 + d,
                None => return 0,
            }
        }
        value
    };
    if text.len() < 6 {
        return None;
    }
    let first = hex4(2);
    let (code, used) = match first {
        0xDC00..=0xDFFF => return None,
        0xD800..=0xDBFF => {
            if text.len() < 12 || &text[6..8] != b"\\u" {
                return None;
            }
            let second = hex4(8);
            if !(0xDC00..=0xDFFF).contains(&second) {
                return None;
            }
            (0x10000 + (((first & 0x3FF) << 10) | (second & 0x3FF)), 12)
        }
        _ => (first, 6),
    };
    // Every value here is a valid scalar: surrogates were handled above.
    let c = char::from_u32(code)?;
    out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
    Some(used)
}

/// Prints `value` as `cJSON_PrintUnformatted` (or `cJSON_Print` when `pretty`).
pub fn print(out: &mut Vec<u8>, value: &Json, pretty: bool) {
    print_value(out, value, pretty, 0);
}

fn print_value(out: &mut Vec<u8>, value: &Json, pretty: bool, depth: usize) {
    match value {
        Json::Null => out.extend_from_slice(b"null"),
        Json::False => out.extend_from_slice(b"false"),
        Json::True => out.extend_from_slice(b"true"),
        Json::Number(n) => number::write_cjson(out, *n),
        Json::String(s) => print_string(out, s),
        Json::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.extend_from_slice(if pretty { b", " } else { b"," });
                }
                print_value(out, item, pretty, depth + 1);
            }
            out.push(b']');
        }
        Json::Object(members) => {
            let depth = depth + 1;
            out.push(b'{');
            if pretty {
                out.push(b'\n');
            }
            for (i, (key, item)) in members.iter().enumerate() {
                if pretty {
                    out.extend(std::iter::repeat_n(b'\t', depth));
                }
                print_string(out, key);
                out.extend_from_slice(if pretty { b":\t" } else { b":" });
                print_value(out, item, pretty, depth);
                if i + 1 < members.len() {
                    out.push(b',');
                }
                if pretty {
                    out.push(b'\n');
                }
            }
            if pretty {
                out.extend(std::iter::repeat_n(b'\t', depth - 1));
            }
            out.push(b'}');
        }
    }
}

/// Prints a string as cJSON does: a C string (it ends at the first NUL), with `"`, `\` and control
/// characters escaped and every other byte copied as it is.
pub fn print_string(out: &mut Vec<u8>, text: &[u8]) {
    out.push(b'"');
    for &b in super::cstr(text) {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0..=0x1f => out.extend_from_slice(format!("\\u{b:04x}").as_bytes()),
            _ => out.push(b),
        }
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reprint(payload: &[u8]) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        print(&mut out, &parse(payload)?, false);
        Some(out)
    }

    #[test]
    fn parses_as_libcjson_does() {
        // Expected values from Debian 12's libcjson (ParseWithOpts + PrintUnformatted).
        let cases: &[(&[u8], Option<&[u8]>)] = &[
            (b"01", Some(b"1")),
            (b"1.", Some(b"1")),
            (b"-.5", Some(b"-0.5")),
            (b"1E+5", Some(b"100000")),
            (b"-0", Some(b"-0")),
            (b"1e999", Some(b"null")),
            (b"\t42\r\n", Some(b"42")),
            (b"\x01{ }\x02", Some(b"{}")),
            (b"\xef\xbb\xbf1", Some(b"1")),
            (b"[ ]", Some(b"[]")),
            (br#"{"a":1,"a":2}"#, Some(br#"{"a":1,"a":2}"#)),
            (br#""\u0000abc""#, Some(br#""""#)),
            (br#"["\uZZZZx"]"#, Some(br#"[""]"#)),
            (br#""\uAAA\\""#, Some(br#""""#)),
            (br#""\uD83D\uDE00""#, Some("\"\u{1F600}\"".as_bytes())),
            (
                br#"{"\u00e9":"\/\n"}"#,
                Some("{\"\u{e9}\":\"/\\n\"}".as_bytes()),
            ),
            (b"\"a\x01b\x7f\xff\"", Some(b"\"a\\u0001b\x7f\xff\"")),
            (b"-", None),
            (b"1e", None),
            (b"[1,]", None),
            (br#"{"a":1,}"#, None),
            (b"[1-2]", None),
            (b"nullx", None),
            (br#""\uD83D""#, None),
            (br#""\uDE00""#, None),
            (br#""\x""#, None),
            (b"1\x00", None),
            (b"", None),
        ];
        for &(payload, want) in cases {
            assert_eq!(
                reprint(payload).as_deref(),
                want,
                "{}",
                String::from_utf8_lossy(payload)
            );
        }
        let long = b"1".repeat(70);
        assert_eq!(
            reprint(&long).as_deref(),
            Some(&b"1.1111111111111112e+69"[..])
        );
        let nested = |n: usize| [b"[".repeat(n), b"]".repeat(n)].concat();
        assert!(reprint(&nested(1000)).is_some());
        assert!(reprint(&nested(1001)).is_none());
    }
}
