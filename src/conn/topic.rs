//! Topic and filter validation that mirrors mosquitto's client-side checks.
//!
//! rumqttc only rejects `+`/`#` in publish topics and accepts `""` and NUL, so every topic is checked
//! here before anything is sent.

/// The longest topic MQTT can encode (a two-byte length prefix).
pub const MAX_TOPIC_LEN: usize = 65_535;

/// Why a topic or filter was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopicError {
    /// Not valid MQTT UTF-8 (invalid bytes, NUL, control characters, surrogates, non-characters).
    MalformedUtf8,
    /// A wildcard where it is not allowed.
    Invalid,
    /// Longer than [`MAX_TOPIC_LEN`] bytes (the length).
    TooLong(usize),
    /// The empty string.
    Empty,
}

/// Checks a string the way mosquitto's `mosquitto_validate_utf8` does: well-formed UTF-8 with no NUL,
/// no C0/C1 control characters, no surrogates and no non-characters.
pub fn check_utf8(bytes: &[u8]) -> Result<&str, TopicError> {
    let text = std::str::from_utf8(bytes).map_err(|_| TopicError::MalformedUtf8)?;
    for ch in text.chars() {
        let cp = ch as u32;
        let control = cp <= 0x1f || (0x7f..=0x9f).contains(&cp);
        let nonchar = (0xfdd0..=0xfdef).contains(&cp) || (cp & 0xfffe) == 0xfffe;
        if control || nonchar {
            return Err(TopicError::MalformedUtf8);
        }
    }
    Ok(text)
}

/// Validates a topic name for PUBLISH: valid UTF-8, no wildcards, at most 65,535 bytes.
/// The empty topic is reported separately because mosquitto_pub accepts it at parse time.
pub fn check_publish(bytes: &[u8]) -> Result<&str, TopicError> {
    if bytes.len() > MAX_TOPIC_LEN {
        return Err(TopicError::TooLong(bytes.len()));
    }
    let text = check_utf8(bytes)?;
    if text.contains(['+', '#']) {
        return Err(TopicError::Invalid);
    }
    if text.is_empty() {
        return Err(TopicError::Empty);
    }
    Ok(text)
}

/// Validates a subscription filter: `+` must fill a whole level and `#` must be the whole last level.
pub fn check_filter(bytes: &[u8]) -> Result<&str, TopicError> {
    if bytes.len() > MAX_TOPIC_LEN {
        return Err(TopicError::TooLong(bytes.len()));
    }
    let text = check_utf8(bytes)?;
    let levels: Vec<&str> = text.split('/').collect();
    for (i, level) in levels.iter().enumerate() {
        let last = i + 1 == levels.len();
        let wildcard_ok = match *level {
            "+" => true,
            "#" => last,
            other => !other.contains(['+', '#']),
        };
        if !wildcard_ok {
            return Err(TopicError::Invalid);
        }
    }
    if text.is_empty() {
        return Err(TopicError::Empty);
    }
    Ok(text)
}

/// Whether `topic` matches the subscription `filter` (MQTT rules, `$` topics not matched by a leading
/// wildcard).
pub fn matches(filter: &str, topic: &str) -> bool {
    if topic.starts_with('$') && (filter.starts_with('+') || filter.starts_with('#')) {
        return false;
    }
    let mut f = filter.split('/');
    let mut t = topic.split('/');
    loop {
        match (f.next(), t.next()) {
            (Some("#"), _) => return true,
            (Some("+"), Some(_)) => {}
            (Some(a), Some(b)) if a == b => {}
            (None, None) => return true,
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publish_topics() {
        assert_eq!(check_publish(b"a/b"), Ok("a/b"));
        assert_eq!(check_publish(b"a/#"), Err(TopicError::Invalid));
        assert_eq!(check_publish(b"a/+/c"), Err(TopicError::Invalid));
        assert_eq!(check_publish(b""), Err(TopicError::Empty));
        assert_eq!(check_publish(b"a\0b"), Err(TopicError::MalformedUtf8));
        assert_eq!(check_publish(b"a\tb"), Err(TopicError::MalformedUtf8));
        assert_eq!(check_publish(b"\xff"), Err(TopicError::MalformedUtf8));
        assert_eq!(check_publish("caf\u{e9}".as_bytes()), Ok("caf\u{e9}"));
        assert_eq!(check_publish(&vec![b'a'; 65_535]).map(str::len), Ok(65_535));
        assert_eq!(
            check_publish(&vec![b'a'; 65_536]),
            Err(TopicError::TooLong(65_536))
        );
        assert_eq!(
            check_filter(&vec![b'a'; 70_000]),
            Err(TopicError::TooLong(70_000))
        );
    }

    #[test]
    fn filters() {
        for ok in ["#", "+", "a/#", "+/b/+", "a//b", "/#", "$SYS/#"] {
            assert!(check_filter(ok.as_bytes()).is_ok(), "{ok}");
        }
        for bad in ["a/#/b", "a#", "a/b+", "+a", "##", "a/++"] {
            assert_eq!(
                check_filter(bad.as_bytes()),
                Err(TopicError::Invalid),
                "{bad}"
            );
        }
        assert_eq!(check_filter(b""), Err(TopicError::Empty));
    }

    #[test]
    fn matching() {
        assert!(matches("a/#", "a/b/c"));
        assert!(matches("a/#", "a"));
        assert!(matches("a/+/c", "a/b/c"));
        assert!(!matches("a/+", "a/b/c"));
        assert!(!matches("#", "$SYS/x"));
        assert!(matches("$SYS/#", "$SYS/x"));
        assert!(!matches("a/b", "a/b/c"));
    }
}
