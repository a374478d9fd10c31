//! The exit-code table and a typed failure that carries its code.
//!
//! mosquitto's numbers come first: its clients exit with 1 for usage and connection errors, the CONNACK
//! reason code when the broker refuses the connection, a libmosquitto `MOSQ_ERR_*` value for runtime
//! failures, and 27 when `-W` runs out. mqtk adds codes only where mosquitto leaves a failure at 0.

use std::fmt;

/// Exit codes with a fixed meaning. CONNACK and v5 reason codes are passed through as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Code {
    /// Bad usage, a setup error, or a broker that cannot be reached.
    Error = 1,
    /// A network protocol error (MOSQ_ERR_PROTOCOL).
    Protocol = 2,
    /// The broker sent a DISCONNECT (MOSQ_ERR_NO_CONN).
    NoConnection = 4,
    /// The connection was lost (MOSQ_ERR_CONN_LOST).
    ConnectionLost = 7,
    /// The broker never answered CONNECT within the keepalive (MOSQ_ERR_KEEPALIVE).
    Keepalive = 19,
    /// mosquitto_pub `-l`: a line at a QoS above the broker's v5 maximum (MOSQ_ERR_QOS_NOT_SUPPORTED;
    /// with `-m`, `-f`, `-s` and `-n` mosquitto_pub exits 0 instead).
    MosqQosNotSupported = 24,
    /// mosquitto_pub `-l`: a line published with `-D` properties on an MQTT 3.1.1 connection
    /// (MOSQ_ERR_NOT_SUPPORTED; the one-shot modes exit 0 instead).
    MosqNotSupported = 10,
    /// `-W` ran out (MOSQ_ERR_TIMEOUT).
    Timeout = 27,
    /// mqtk pub and bench: the QoS is above the maximum in the broker's v5 CONNACK, so nothing was
    /// sent (reason code 0x9B, "QoS not supported").
    QosNotSupported = 155,
    /// mqtk pub: a retained message, and the broker's v5 CONNACK says it keeps none, so nothing was
    /// sent (reason code 0x9A, "Retain not supported"; mosquitto_pub drops the retain flag quietly).
    RetainNotSupported = 154,
    /// mqtk bench: messages lost at QoS ≥ 1, or clients that could not connect.
    BenchFailed = 3,
    /// mqtk retain-clear: `--verify` found retained messages left after clearing: something
    /// re-retained them, or the broker ignored the clear (sysexits' EX_TEMPFAIL: retrying may help).
    StillRetained = 75,
    /// mqtk retain-clear: clearing everything (`-t '#'`) was not confirmed: no `--yes` and no terminal
    /// to ask on, or the answer was not yes (sysexits' EX_NOPERM).
    NotConfirmed = 77,
    /// mqtk retain-clear: stopped by SIGINT or SIGTERM part way (128 + SIGINT, as shells report it).
    Interrupted = 130,
    /// mqtk: `--strict` met a payload that is not JSON or a path that selects nothing (sysexits'
    /// EX_DATAERR).
    DataError = 65,
}

/// libmosquitto's MOSQ_ERR_INVAL, "Invalid function arguments provided.": mosquitto_pub `-l` exits
/// with it when a line is published to an empty topic (the one-shot modes exit 0). mqtk bench's
/// [`Code::BenchFailed`] has the same number; the two never meet.
pub const MOSQ_ERR_INVAL: u8 = 3;
/// libmosquitto's text for [`MOSQ_ERR_INVAL`].
pub const MOSQ_ERR_INVAL_TEXT: &str = "Invalid function arguments provided.";

impl Code {
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

    /// A runtime failure with a given status; `text` should end with a newline.
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

/// mosquitto's `mosquitto_strerror` text for the error numbers the clients print.
pub fn strerror(code: Code) -> &'static str {
    match code {
        Code::Error => "Out of memory.",
        Code::Protocol => "A network protocol error occurred when communicating with the broker.",
        Code::NoConnection => "The client is not currently connected.",
        Code::ConnectionLost => "The connection was lost.",
        Code::Keepalive | Code::Timeout => "Unknown error.",
        Code::MosqQosNotSupported => "Requested QoS not supported on server.",
        Code::MosqNotSupported => "This feature is not supported.",
        Code::QosNotSupported => "QoS not supported.",
        Code::RetainNotSupported => "Retain not supported.",
        Code::DataError => "Data format error.",
        Code::StillRetained => "Retained messages are still present.",
        Code::NotConfirmed => "Not confirmed.",
        Code::Interrupted => "Interrupted.",
        Code::BenchFailed => "Benchmark failed.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
