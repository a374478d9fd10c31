//! `%f` and `%d` (mosquitto 2.1): a payload of exactly 4 or 8 bytes read as a float or double in
//! the machine's byte order, printed as C's `%*.*f`.

use super::Spec;

/// Writes the payload as a number; false (nothing written) when it is not 4 (`%f`) or 8 (`%d`)
/// bytes long.
pub fn write(out: &mut Vec<u8>, payload: &[u8], double: bool, spec: &Spec) -> bool {
    let value = match (double, payload.len()) {
        (false, 4) => {
            let mut b = [0u8; 4];
            b.copy_from_slice(payload);
            f64::from(f32::from_ne_bytes(b))
        }
        (true, 8) => {
            let mut b = [0u8; 8];
            b.copy_from_slice(payload);
            f64::from_ne_bytes(b)
        }
        _ => return false,
    };
    out.extend_from_slice(printf_f(value, spec).as_bytes());
    true
}

/// C's `printf("%-0W.Pf")` for the flags of `spec` (precision 6 when absent).
fn printf_f(value: f64, spec: &Spec) -> String {
    let precision = spec.precision.unwrap_or(6);
    let w = spec.width;
    // glibc spells the special values in lower case and pads them with spaces only.
    let special = if value.is_nan() {
        Some(if value.is_sign_negative() {
            "-nan"
        } else {
            "nan"
        })
    } else if value.is_infinite() {
        Some(if value < 0.0 { "-inf" } else { "inf" })
    } else {
        None
    };
    match (special, spec.left, spec.zero) {
        (Some(s), true, _) => format!("{s:<w$}"),
        (Some(s), false, _) => format!("{s:>w$}"),
        (None, true, _) => format!("{value:<w$.precision$}"),
        (None, false, true) => format!("{value:0w$.precision$}"),
        (None, false, false) => format!("{value:>w$.precision$}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(left: bool, zero: bool, width: usize, precision: Option<usize>) -> Spec {
        Spec {
            left,
            zero,
            width,
            precision,
            separator: None,
        }
    }

    #[test]
    fn floats_and_doubles_as_printf() {
        let mut out = Vec::new();
        assert!(write(
            &mut out,
            &1.5f32.to_ne_bytes(),
            false,
            &spec(false, false, 0, None)
        ));
        assert!(write(
            &mut out,
            &(-2.25f64).to_ne_bytes(),
            true,
            &spec(false, true, 8, Some(1))
        ));
        assert!(write(
            &mut out,
            &3.0f64.to_ne_bytes(),
            true,
            &spec(true, false, 6, Some(2))
        ));
        assert_eq!(String::from_utf8_lossy(&out), "1.500000-00002.23.00  ");
        assert!(!write(&mut out, b"abc", false, &Spec::default()));
        assert!(!write(
            &mut out,
            &1.5f32.to_ne_bytes(),
            true,
            &Spec::default()
        ));
    }
}
