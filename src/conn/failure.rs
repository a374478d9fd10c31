//! Why a connection could not be made or kept, and how mosquitto's clients report each case.

use super::reason;
use crate::exit::{self, Code, Failure};

/// Why a connection could not be made or kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectFailure {
    /// The host name did not resolve.
    Lookup,
    /// A socket error, with the system's text ("Connection refused").
    Io(String),
    /// CONNACK refused the connection with this code.
    Refused { code: u8, v5: bool },
    /// No CONNACK within the keepalive period.
    NoConnAck,
    /// The connection dropped.
    Lost,
    /// The broker sent a v5 DISCONNECT with this reason.
    ServerDisconnect(u8),
    /// A protocol violation, malformed packet or similar.
    Protocol(String),
    /// TLS failed: a one-line reason (unknown issuer, host name mismatch, expired, bad file …) and
    /// how mosquitto reports it.
    Tls(super::tls::Failure),
}

impl ConnectFailure {
    /// The failure as mosquitto reports it: `pub_style` adds the trailing `Error: …` line that
    /// mosquitto_pub prints after a CONNACK refusal (mosquitto_sub prints only the first line).
    pub fn to_failure(&self, pub_style: bool) -> Failure {
        match self {
            ConnectFailure::Lookup => {
                Failure::code(Code::Error, "Unable to connect (Lookup error.).\n")
            }
            ConnectFailure::Io(text) => Failure::code(Code::Error, format!("Error: {text}\n")),
            ConnectFailure::Refused { code, v5 } => {
                let first = if *v5 {
                    if *code == 132 {
                        "Connection error: Unsupported Protocol Version. Try connecting to an MQTT v5 broker, or use MQTT v3.x mode.".to_string()
                    } else {
                        format!("Connection error: {}", reason::reason_text(*code))
                    }
                } else {
                    format!("Connection error: {}", reason::connack_v3_text(*code))
                };
                let second = if !pub_style {
                    String::new()
                } else if *v5 {
                    format!("Error: {}\n", exit::strerror(Code::Protocol))
                } else {
                    "Error: The connection was refused.\n".to_string()
                };
                Failure::reason(*code, format!("{first}\n{second}"))
            }
            ConnectFailure::NoConnAck => Failure::code(Code::Keepalive, "Error: Unknown error.\n"),
            ConnectFailure::Lost => Failure::code(
                Code::ConnectionLost,
                format!("Error: {}\n", exit::strerror(Code::ConnectionLost)),
            ),
            ConnectFailure::ServerDisconnect(_) => Failure::code(
                Code::NoConnection,
                format!("Error: {}\n", exit::strerror(Code::NoConnection)),
            ),
            ConnectFailure::Tls(failure) => {
                let (status, text) = failure.report();
                Failure::code(status, text)
            }
            ConnectFailure::Protocol(detail) => Failure::code(
                Code::Protocol,
                format!("Error: {} ({detail})\n", exit::strerror(Code::Protocol)),
            ),
        }
    }
}
