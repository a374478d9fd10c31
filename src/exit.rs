//! The exit-code table and a typed failure that carries its code.
//!
//! mosquitto's numbers come first: its clients exit with 1 for usage and connection errors, the CONNACK
//! reason code when the broker refuses the connection, a libmosquitto `MOSQ_ERR_*` value for runtime
//! failures, and 27 when `-W` runs out. mqtk adds codes only where mosquitto leaves a failure at 0.
//! Every status is a [`Code`] or a reason code passed through ([`Failure::reason`]); a unit test
//! checks that the README's exit-code table lists them all.

use std::fmt;

/// Declares [`Code`] and `Code::ALL` (in tests) from one list, so the list the README test walks
/// cannot miss a variant.
macro_rules! codes {
    ($($(#[$doc:meta])* $name:ident = $number:literal,)*) => {
        /// Every exit status the program returns, in numeric order. MQTT reason codes passed
        /// through from the broker (see [`Failure::reason`]) are the only statuses not listed one
        /// by one.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[repr(u8)]
        pub enum Code {
            $($(#[$doc])* $name = $number,)*
        }

        impl Code {
            /// Every code, in the order declared (the README test walks it).
            #[cfg(test)]
            pub const ALL: &[Code] = &[$(Code::$name),*];
        }
    };
}

codes! {
    /// The run completed.
    Success = 0,
    /// Bad usage, a setup error, or a broker that cannot be reached.
    Error = 1,
    /// A network protocol error (MOSQ_ERR_PROTOCOL).
    Protocol = 2,
    /// mqtk bench: messages lost at QoS ≥ 1, or clients that could not connect. Also libmosquitto's
    /// MOSQ_ERR_INVAL ([`Code::MOSQ_INVAL`]), with which mosquitto_pub `-l` exits when a line is
    /// published to an empty topic (the one-shot modes exit 0); the two never meet.
    BenchFailed = 3,
    /// The broker sent a DISCONNECT (MOSQ_ERR_NO_CONN).
    NoConnection = 4,
    /// The connection was lost (MOSQ_ERR_CONN_LOST).
    ConnectionLost = 7,
    /// TLS failed (MOSQ_ERR_TLS): untrusted certificate, name mismatch, bad file, not a TLS port.
    Tls = 8,
    /// mosquitto_pub `-l`: a line published with `-D` properties on an MQTT 3.1.1 connection
    /// (MOSQ_ERR_NOT_SUPPORTED; the one-shot modes exit 0 instead).
    MosqNotSupported = 10,
    /// Under the mosquitto names: a TLS-PSK key the broker refuses; 2.1's client reports the failed
    /// read as MOSQ_ERR_ERRNO with the text "Protocol error".
    Errno = 14,
    /// The broker never answered CONNECT within the keepalive (MOSQ_ERR_KEEPALIVE).
    Keepalive = 19,
    /// mosquitto_pub `-l`: a line at a QoS above the broker's v5 maximum (MOSQ_ERR_QOS_NOT_SUPPORTED;
    /// with `-m`, `-f`, `-s` and `-n` mosquitto_pub exits 0 instead).
    MosqQosNotSupported = 24,
    /// `-W` ran out (MOSQ_ERR_TIMEOUT).
    Timeout = 27,
    /// mqtk: `--strict` met a payload that is not JSON or a path that selects nothing (sysexits'
    /// EX_DATAERR).
    DataError = 65,
    /// mqtk retain-clear: `--verify` found retained messages left after clearing: something
    /// re-retained them, or the broker ignored the clear (sysexits' EX_TEMPFAIL: retrying may help).
    StillRetained = 75,
    /// mqtk retain-clear: clearing everything (`-t '#'`) was not confirmed: no `--yes` and no terminal
    /// to ask on, or the answer was not yes (sysexits' EX_NOPERM).
    NotConfirmed = 77,
    /// mqtk retain-clear: stopped by SIGINT or SIGTERM part way (128 + SIGINT, as shells report it).
    /// rr: SIGINT or SIGTERM before the response came.
    Interrupted = 130,
    /// mqtk pub: a retained message, and the broker's v5 CONNACK says it keeps none, so nothing was
    /// sent (reason code 0x9A, "Retain not supported"; mosquitto_pub drops the retain flag quietly).
    RetainNotSupported = 154,
    /// mqtk pub and bench: the QoS is above the maximum in the broker's v5 CONNACK, so nothing was
    /// sent (reason code 0x9B, "QoS not supported").
    QosNotSupported = 155,
    /// mosquitto_sub: `-W` ran out before the CONNACK (mosquitto exits 255 without a word; mqtk sub
    /// exits [`Code::Timeout`] with "Timed out").
    TimeoutBeforeConnAck = 255,
}

impl Code {
    /// libmosquitto's MOSQ_ERR_INVAL, "Invalid function arguments provided.": the same number as
    /// [`Code::BenchFailed`].
    pub const MOSQ_INVAL: Code = Code::BenchFailed;

    /// The numeric process exit status.
    pub fn number(self) -> u8 {
        self as u8
    }
}

/// A failure that ends the program: the exact text to print on stderr and the exit status.
///
/// The text is printed as is (mosquitto's messages carry their own trailing newlines, which scripts and
/// its test suite compare byte for byte).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The process exit status.
    pub status: u8,
    /// What to print on stderr, newlines included; empty for a silent exit.
    pub text: String,
    /// A usage error: followed by mosquitto's "Use '… --help' to see usage." hint, never silenced by
    /// `--quiet`.
    pub usage: bool,
    /// Text for stdout (mosquitto_pub prints its usage there when topic or message is missing).
    pub stdout: String,
}

impl Failure {
    /// A usage error with mosquitto's message (including its trailing newlines).
    pub fn usage(text: impl Into<String>) -> Self {
        Failure {
            status: Code::Error.number(),
            text: text.into(),
            usage: true,
            stdout: String::new(),
        }
    }

    /// A runtime failure with a given status; `text` should end with a newline. Prefer
    /// [`Failure::code`] or [`Failure::reason`], which say where the number comes from.
    pub fn runtime(status: u8, text: impl Into<String>) -> Self {
        Failure {
            status,
            text: text.into(),
            usage: false,
            stdout: String::new(),
        }
    }

    /// A runtime failure with one of the fixed codes.
    pub fn code(code: Code, text: impl Into<String>) -> Self {
        Self::runtime(code.number(), text)
    }

    /// A failure whose status is an MQTT reason code passed through as the broker sent it: a
    /// refused CONNACK (v3.1.1 return codes 1–5, v5 reason codes ≥ 128), a refused SUBACK, or
    /// under mqtk a publish the broker refused.
    pub fn reason(code: u8, text: impl Into<String>) -> Self {
        Self::runtime(code, text)
    }

    /// An exit with a status and nothing to say.
    pub fn silent(status: u8) -> Self {
        Self::runtime(status, String::new())
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text.trim_end())
    }
}

impl std::error::Error for Failure {}

/// libmosquitto's `mosquitto_strerror` text for the codes that share its numbers (the clients print
/// it after `Error: `); "Unknown error." for the others, as libmosquitto says for numbers it does
/// not know.
pub fn strerror(code: Code) -> &'static str {
    match code {
        Code::Protocol => "A network protocol error occurred when communicating with the broker.",
        Code::MOSQ_INVAL => "Invalid function arguments provided.",
        Code::NoConnection => "The client is not currently connected.",
        Code::ConnectionLost => "The connection was lost.",
        Code::Tls => "A TLS error occurred.",
        Code::MosqNotSupported => "This feature is not supported.",
        Code::MosqQosNotSupported => "Requested QoS not supported on server.",
        _ => "Unknown error.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_in_numeric_order() {
        let numbers: Vec<u8> = Code::ALL.iter().map(|c| c.number()).collect();
        assert!(numbers.windows(2).all(|w| w[0] < w[1]), "{numbers:?}");
    }

    /// The README's exit-code table: the first cell of each row under "### Exit codes".
    fn readme_rows() -> Vec<String> {
        let readme = include_str!("../README.md");
        let start = readme
            .find("### Exit codes")
            .expect("README has an exit-code section");
        readme[start..]
            .lines()
            .skip(1)
            .skip_while(|l| !l.starts_with('|'))
            .take_while(|l| l.starts_with('|'))
            .filter_map(|l| l.split('|').nth(1).map(|c| c.trim().to_string()))
            .filter(|c| c.chars().next().is_some_and(|ch| ch.is_ascii_digit()))
            .collect()
    }

    #[test]
    fn readme_lists_every_code() {
        let rows = readme_rows();
        for code in Code::ALL {
            let n = code.number().to_string();
            assert!(
                rows.contains(&n),
                "README's exit-code table has no row for {n} ({code:?})"
            );
        }
        // Every single-number row is a code in the table (a removed code leaves no stale row).
        for row in rows.iter().filter(|r| r.parse::<u8>().is_ok()) {
            let n: u8 = row.parse().unwrap_or_default();
            assert!(
                Code::ALL.iter().any(|c| c.number() == n),
                "README lists exit code {n}, which Code does not have"
            );
        }
        // The reason codes passed through (Failure::reason): v3.1.1 CONNACK and v5 reason codes.
        for range in ["1–5", "128–162"] {
            assert!(
                rows.iter().any(|r| r == range),
                "README lacks the {range} row"
            );
        }
    }

    #[test]
    fn fixed_codes_match_libmosquitto() {
        assert_eq!(Code::ConnectionLost.number(), 7);
        assert_eq!(Code::Timeout.number(), 27);
        assert_eq!(Code::Keepalive.number(), 19);
        assert_eq!(Code::MosqQosNotSupported.number(), 24);
        // mqtk's refusals carry the v5 reason code, as a refused PUBACK does.
        assert_eq!(Code::QosNotSupported.number(), 155);
    }
}
