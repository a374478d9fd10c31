//! Reading a `-F` string into tokens, with mosquitto's `check_format` rules and messages.
//!
//! The checker accepts `%` [`0` or `-`] [digits] [`.` [digits]] conversion: one flag character only
//! (`%0-5p` is an error). The printer then reads `-` followed by `0` as "left-align, zero pad", so
//! `%-05p` is left-aligned with width 5 and pad character `0`.

use super::{Spec, Token};
use crate::exit::Failure;
use crate::jsonpath::Path;
use crate::personality::Personality;

/// The `%` conversions mosquitto 2.1 knows (`%f` and `%d`: a 4- or 8-byte float payload).
const CONVERSIONS: &[u8] = b"%ACDEFIlmPpqRSrtjJUxXfd";

/// The characters mosquitto 2.1 takes as a hex separator right before the conversion.
const SEPARATORS: &[u8] = b"!\"#$&'()*+,-./:;<=>?@[\\]^_`{|}~ ";

fn incomplete() -> Failure {
    Failure::usage("Error: Incomplete format specifier.\n")
}

/// Splits `text` (a C string: it ends at the first NUL) into tokens.
pub fn tokens(text: &[u8], personality: Personality) -> Result<Vec<Token>, Failure> {
    let text = super::cstr(text);
    let mut tokens = Vec::new();
    let mut literal = Vec::new();
    let mut at = 0;
    while at < text.len() {
        let token = match text[at] {
            b'%' => {
                let (token, next) = percent(text, at, personality)?;
                at = next;
                token
            }
            b'@' => {
                let code = *text.get(at + 1).ok_or_else(incomplete)?;
                at += 2;
                match code {
                    b'@' => Token::Text(vec![b'@']),
                    b'N' => Token::Nanos,
                    _ => Token::Time(code),
                }
            }
            b'\\' => {
                let code = *text
                    .get(at + 1)
                    .ok_or_else(|| Failure::usage("Error: Incomplete escape specifier.\n"))?;
                at += 2;
                Token::Text(vec![match code {
                    b'\\' => b'\\',
                    b'0' => 0,
                    b'a' => 0x07,
                    b'e' => 0x1b,
                    b'n' => b'\n',
                    b'r' => b'\r',
                    b't' => b'\t',
                    b'v' => 0x0b,
                    other => {
                        let c = String::from_utf8_lossy(&[other]).into_owned();
                        return Err(Failure::usage(format!(
                            "Error: Invalid escape specifier '{c}'.\n"
                        )));
                    }
                }])
            }
            b => {
                at += 1;
                Token::Text(vec![b])
            }
        };
        // Runs of literal bytes become one token.
        match token {
            Token::Text(bytes) => literal.extend_from_slice(&bytes),
            other => {
                if !literal.is_empty() {
                    tokens.push(Token::Text(std::mem::take(&mut literal)));
                }
                tokens.push(other);
            }
        }
    }
    if !literal.is_empty() {
        tokens.push(Token::Text(literal));
    }
    Ok(tokens)
}

/// Reads the `%` specifier at `start`; returns it and the index after it.
fn percent(text: &[u8], start: usize, personality: Personality) -> Result<(Token, usize), Failure> {
    let mut at = start + 1;
    // Each step must leave a character for the conversion.
    let next = |at: usize| text.get(at).copied().ok_or_else(incomplete);
    let flag = next(at)?;
    let (left, mut zero) = (flag == b'-', flag == b'0');
    if left || zero {
        at += 1;
        next(at)?;
    }
    let width_start = at;
    let width = digits(text, &mut at);
    // The printer takes a 0 right after '-' as the pad flag.
    zero |= left && text.get(width_start) == Some(&b'0');
    let mut precision = None;
    if next(at)? == b'.' {
        at += 1;
        next(at)?;
        precision = Some(digits(text, &mut at));
    }
    let (width, precision) = match personality {
        Personality::Mosquitto => (
            usize::try_from(c_int(width)).unwrap_or(0),
            precision.and_then(|p| usize::try_from(c_int(p)).ok()),
        ),
        Personality::Mqtk => {
            let too_wide = |d: Digits| d.value > i32::MAX as u128;
            if too_wide(width) || precision.is_some_and(too_wide) {
                return Err(Failure::usage(format!(
                    "Error: Invalid format specifier at character {}: a width or precision above {} bytes.\n",
                    start + 1,
                    i32::MAX
                )));
            }
            (width.value as usize, precision.map(|p| p.value as usize))
        }
    };
    let mut spec = Spec {
        left,
        zero,
        width,
        precision,
        separator: None,
    };
    let mut conversion = next(at)?;
    if conversion == b'{' && personality == Personality::Mqtk {
        let (path, end) = json_path(text, start, at + 1)?;
        return Ok((Token::Path(path, spec), end));
    }
    if SEPARATORS.contains(&conversion) {
        spec.separator = Some(conversion);
        at += 1;
        conversion = next(at)?;
    }
    if !CONVERSIONS.contains(&conversion) {
        let c = String::from_utf8_lossy(&[conversion]).into_owned();
        return Err(Failure::usage(format!(
            "Error: Invalid format specifier '{c}'.\n"
        )));
    }
    Ok((Token::Field(conversion, spec), at + 1))
}

/// Decimal digits: their value (saturating) and what a C `int` accumulating them holds.
#[derive(Clone, Copy)]
struct Digits {
    value: u128,
    wrapped: u32,
}

/// Reads decimal digits at `at`.
fn digits(text: &[u8], at: &mut usize) -> Digits {
    let mut d = Digits {
        value: 0,
        wrapped: 0,
    };
    while let Some(b) = text.get(*at).filter(|b| b.is_ascii_digit()) {
        d.value = d
            .value
            .saturating_mul(10)
            .saturating_add(u128::from(b - b'0'));
        d.wrapped = d.wrapped.wrapping_mul(10).wrapping_add(u32::from(b - b'0'));
        *at += 1;
    }
    d
}

/// The number mosquitto_sub 2.1 ends up with: it accumulates the digits in a C `int`, which wraps
/// (`%99999999999999999999p` is 1,661,992,959 wide). A wrapped negative width pads nothing and a
/// negative precision is no precision (mosquitto's printf would left-justify negative widths of
/// `%d`-like fields instead, which mqtk does not copy).
fn c_int(d: Digits) -> i64 {
    i64::from(d.wrapped as i32)
}

/// mqtk's `%{JSONPATH}`: the path runs from `from` to the first `}` outside a quoted string.
fn json_path(text: &[u8], start: usize, from: usize) -> Result<(Path, usize), Failure> {
    let position = start + 1;
    let mut quote = None;
    let mut at = from;
    let close = loop {
        let Some(&b) = text.get(at) else {
            return Err(Failure::usage(format!(
                "Error: Incomplete format specifier '%{{' at character {position}: no closing '}}'.\n"
            )));
        };
        match (quote, b) {
            (Some(_), b'\\') => at += 1,
            (Some(q), _) if b == q => quote = None,
            (None, b'\'' | b'"') => quote = Some(b),
            (None, b'}') => break at,
            _ => {}
        }
        at += 1;
    };
    let bad = |why: String| {
        Failure::usage(format!(
            "Error: Invalid format specifier at character {position}: {why}.\n"
        ))
    };
    let source = std::str::from_utf8(&text[from..close])
        .map_err(|_| bad("the JSONPath is not UTF-8".into()))?;
    let path = Path::parse(source).map_err(bad)?;
    Ok((path, close + 1))
}
