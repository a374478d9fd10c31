//! The checks RFC 9535 makes that jsonpath-rust's parser does not: blank space, and the one-line
//! error that points at the offending character.

/// Where blank space breaks RFC 9535, as a byte offset.
pub fn blank_space_error(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    if bytes.first().is_some_and(u8::is_ascii_whitespace) {
        return Some(0);
    }
    let (mut depth, mut quote) = (0usize, None::<u8>);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) => {
                if b == b'\\' {
                    i += 1;
                } else if b == q {
                    quote = None;
                }
            }
            None => match b {
                b'\'' | b'"' => quote = Some(b),
                b'[' | b'(' => depth += 1,
                b']' | b')' => depth = depth.saturating_sub(1),
                b if b.is_ascii_whitespace() && depth == 0 => {
                    let next = bytes[i..]
                        .iter()
                        .position(|c| !c.is_ascii_whitespace())
                        .map(|n| i + n);
                    match next.map(|n| bytes[n]) {
                        Some(b'.') | Some(b'[') => {}
                        _ => return Some(next.unwrap_or(i)),
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    None
}

/// A one-line error that shows where the path is wrong.
pub fn pointed(text: &str, offset: usize, why: &str) -> String {
    format!(
        "invalid JSONPath '{text}' at character {}: {why}",
        offset + 1
    )
}
