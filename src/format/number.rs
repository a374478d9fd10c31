//! Numbers as cJSON 1.7.15 (Debian 12's libcjson, linked by mosquitto_sub 2.0.11) prints them.
//!
//! cJSON tries C's `%1.15g`, reads it back, and falls back to `%1.17g` when the two differ by more
//! than a relative DBL_EPSILON. That release has no integer shortcut (1.7.18 added one), so 1e15 prints
//! as `1e+15` and -0 as `-0`; NaN and infinities print as `null`.

/// Writes `value` as cJSON's `print_number` does.
pub fn write_cjson(out: &mut Vec<u8>, value: f64) {
    if !value.is_finite() {
        out.extend_from_slice(b"null");
        return;
    }
    let short = format_g(value, 15);
    let round_trips = short
        .parse::<f64>()
        .is_ok_and(|back| nearly_equal(back, value));
    let text = if round_trips {
        short
    } else {
        format_g(value, 17)
    };
    out.extend_from_slice(text.as_bytes());
}

/// cJSON's `compare_double`: equal within a relative DBL_EPSILON.
fn nearly_equal(a: f64, b: f64) -> bool {
    let max = a.abs().max(b.abs());
    (a - b).abs() <= max * f64::EPSILON
}

/// C's `printf("%1.{precision}g", value)` for a finite value.
pub fn format_g(value: f64, precision: usize) -> String {
    let precision = precision.max(1);
    // Rust's exponent form is correctly rounded, like glibc; %g picks its style from the exponent of
    // that rounded form, so the same digits serve both styles.
    let sci = format!("{:.*e}", precision - 1, value);
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let mut out = String::from(sign);
    if exponent < -4 || exponent >= precision as i32 {
        out.push_str(&digits[..1]);
        push_fraction(&mut out, &digits[1..]);
        out.push('e');
        out.push(if exponent < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", exponent.unsigned_abs()));
    } else if exponent >= 0 {
        let whole = exponent as usize + 1;
        out.push_str(&digits[..whole]);
        push_fraction(&mut out, &digits[whole..]);
    } else {
        out.push('0');
        let zeros = "0".repeat(exponent.unsigned_abs() as usize - 1);
        push_fraction(&mut out, &format!("{zeros}{digits}"));
    }
    out
}

/// Appends `.fraction` without trailing zeros (nothing when it is all zeros), as %g does.
fn push_fraction(out: &mut String, fraction: &str) {
    let fraction = fraction.trim_end_matches('0');
    if !fraction.is_empty() {
        out.push('.');
        out.push_str(fraction);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cjson(value: f64) -> String {
        let mut out = Vec::new();
        write_cjson(&mut out, value);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn g_matches_c_printf() {
        // Expected values from glibc's printf.
        let cases: &[(f64, usize, &str)] = &[
            (0.0, 15, "0"),
            (-0.0, 15, "-0"),
            (1.0, 15, "1"),
            (0.1, 15, "0.1"),
            (0.1, 17, "0.10000000000000001"),
            (27.5, 15, "27.5"),
            (1e15, 15, "1e+15"),
            (123456789012345.0, 15, "123456789012345"),
            (0.0001, 15, "0.0001"),
            (0.00001, 15, "1e-05"),
            (1.5e300, 15, "1.5e+300"),
            (5e-324, 15, "4.94065645841247e-324"),
            (12345678901234567890.0, 17, "1.2345678901234567e+19"),
            (1e23, 15, "1e+23"),
            (1e23, 17, "9.9999999999999992e+22"),
            (-2.5, 15, "-2.5"),
            (100000000000000.5, 15, "100000000000000"),
            (100000000000000.5, 17, "100000000000000.5"),
        ];
        for &(value, precision, want) in cases {
            assert_eq!(
                format_g(value, precision),
                want,
                "%1.{precision}g of {value:e}"
            );
        }
    }

    #[test]
    fn cjson_numbers() {
        assert_eq!(cjson(1.0), "1");
        assert_eq!(cjson(1e3), "1000");
        assert_eq!(cjson(0.1), "0.1");
        assert_eq!(cjson(12345678901234567890.0), "1.2345678901234567e+19");
        assert_eq!(cjson(1e15), "1e+15");
        assert_eq!(cjson(-0.0), "-0");
        assert_eq!(cjson(2147483648.0), "2147483648");
        assert_eq!(cjson(0.30000000000000004), "0.3");
        assert_eq!(cjson(100000000000000.5), "100000000000000.5");
        assert_eq!(cjson(f64::INFINITY), "null");
        assert_eq!(cjson(f64::NAN), "null");
    }
}
