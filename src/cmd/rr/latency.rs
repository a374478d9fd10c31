//! `--latency`: the time from publishing the request to the response's arrival, printed as
//! mosquitto_rr prints it.

use std::time::Duration;

use crate::personality::Personality;

/// The `Latency: …` line (with its newline). mosquitto_rr prints nanoseconds below 1 µs, `%f`
/// microseconds below 1 ms, `%f` milliseconds below 1 s, and from 1 s on seconds with nine
/// decimals and no unit; mqtk adds the missing `s`.
pub fn line(latency: Duration, personality: Personality) -> String {
    let s = latency.as_secs();
    let ns = latency.subsec_nanos();
    if s > 0 {
        let unit = match personality {
            Personality::Mosquitto => "",
            Personality::Mqtk => "s",
        };
        format!("Latency: {s}.{ns:09}{unit}\n")
    } else if ns < 1_000 {
        format!("Latency: {ns}ns\n")
    } else if ns < 1_000_000 {
        format!("Latency: {:.6}µs\n", f64::from(ns) / 1_000.0)
    } else {
        format!("Latency: {:.6}ms\n", f64::from(ns) / 1_000_000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mosquitto_units() {
        let m = Personality::Mosquitto;
        assert_eq!(line(Duration::from_nanos(999), m), "Latency: 999ns\n");
        assert_eq!(
            line(Duration::from_nanos(1_500), m),
            "Latency: 1.500000µs\n"
        );
        assert_eq!(
            line(Duration::from_nanos(11_932_897), m),
            "Latency: 11.932897ms\n"
        );
        assert_eq!(line(Duration::new(2, 5), m), "Latency: 2.000000005\n");
        assert_eq!(
            line(Duration::new(2, 5), Personality::Mqtk),
            "Latency: 2.000000005s\n"
        );
    }
}
