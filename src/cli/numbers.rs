//! Numbers in option values. Under the mosquitto names they are read with C's `atoi` (garbage is 0, a
//! prefix counts: `-q 1x` is 1), because scripts depend on it; under `mqtk` a value that is not a
//! number is an error.

use super::Personality;
use crate::exit::Failure;

/// C's `atol`: optional leading white space and sign, then as many digits as there are.
pub fn atol(text: &str) -> i64 {
    let t = text.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let (negative, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let mut n: i64 = 0;
    for b in digits.bytes().take_while(u8::is_ascii_digit) {
        n = n.saturating_mul(10).saturating_add(i64::from(b - b'0'));
    }
    if negative { -n } else { n }
}

/// C's `atoi`: `atol` truncated to 32 bits.
pub fn atoi(text: &str) -> i64 {
    i64::from(atol(text) as i32)
}

/// C's `atof` for the forms people type (`0.5`, `1`, `2e-1`); garbage is 0.
pub fn atof(text: &str) -> f64 {
    let t = text.trim_start();
    let end = t
        .char_indices()
        .take_while(|(i, c)| {
            c.is_ascii_digit()
                || *c == '.'
                || ((*c == '-' || *c == '+') && *i == 0)
                || *c == 'e'
                || *c == 'E'
        })
        .map(|(i, c)| i + c.len_utf8())
        .last()
        .unwrap_or(0);
    (0..=end)
        .rev()
        .find_map(|e| t[..e].parse::<f64>().ok())
        .unwrap_or(0.0)
}

fn strict_error(flag: &str, text: &str, what: &str) -> Failure {
    Failure::usage(format!("Error: {flag} expects {what}, got '{text}'.\n"))
}

/// An integer option value (`atoi` under the mosquitto names).
pub fn int(personality: Personality, flag: &str, text: &str) -> Result<i64, Failure> {
    match personality {
        Personality::Mosquitto => Ok(atoi(text)),
        Personality::Mqtk => text
            .trim()
            .parse::<i64>()
            .map_err(|_| strict_error(flag, text, "a whole number")),
    }
}

/// A long integer option value (`atol` under the mosquitto names).
pub fn long(personality: Personality, flag: &str, text: &str) -> Result<i64, Failure> {
    match personality {
        Personality::Mosquitto => Ok(atol(text)),
        Personality::Mqtk => text
            .trim()
            .parse::<i64>()
            .map_err(|_| strict_error(flag, text, "a whole number")),
    }
}

/// A decimal option value (`atof` under the mosquitto names).
pub fn float(personality: Personality, flag: &str, text: &str) -> Result<f64, Failure> {
    match personality {
        Personality::Mosquitto => Ok(atof(text)),
        Personality::Mqtk => match text.trim().parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(strict_error(flag, text, "a number")),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atoi_like_c() {
        assert_eq!(atoi("abc"), 0);
        assert_eq!(atoi("1x"), 1);
        assert_eq!(atoi("  -42z"), -42);
        assert_eq!(atoi("18830x"), 18830);
        assert_eq!(atof("0.5s"), 0.5);
        assert_eq!(atof("x"), 0.0);
        assert_eq!(atof("1.9"), 1.9);
    }

    #[test]
    fn strict_under_mqtk() {
        assert!(int(Personality::Mqtk, "-q", "1x").is_err());
        assert_eq!(int(Personality::Mqtk, "-q", "2").unwrap(), 2);
        assert_eq!(int(Personality::Mosquitto, "-q", "abc").unwrap(), 0);
        assert!(float(Personality::Mqtk, "--repeat-delay", "nan").is_err());
    }
}
