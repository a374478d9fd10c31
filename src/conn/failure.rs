//! Why a connection could not be made or kept, and how mosquitto's clients report each case.

use super::Protocol;
use super::backend::PollError;
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
                        format!("Connection error: {}", exit::reason_text(*code))
                    }
                } else {
                    format!("Connection error: {}", exit::connack_v3_text(*code))
                };
                let second = if !pub_style {
                    String::new()
                } else if *v5 {
                    format!("Error: {}\n", exit::strerror(Code::Protocol))
                } else {
                    "Error: The connection was refused.\n".to_string()
                };
                Failure::runtime(*code, format!("{first}\n{second}"))
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
                Failure::runtime(status, text)
            }
            ConnectFailure::Protocol(detail) => Failure::code(
                Code::Protocol,
                format!("Error: {} ({detail})\n", exit::strerror(Code::Protocol)),
            ),
        }
    }
}

/// What a failed poll means for the connection: `connected` tells a dropped connection from one
/// that could not be made.
pub(super) fn failure_of(err: PollError, protocol: Protocol, connected: bool) -> ConnectFailure {
    match err {
        PollError::Refused(code) => ConnectFailure::Refused {
            code,
            v5: protocol == Protocol::V5,
        },
        PollError::ServerDisconnect(reason) => ConnectFailure::ServerDisconnect(reason),
        PollError::Timeout if !connected => ConnectFailure::NoConnAck,
        PollError::Timeout | PollError::Closed => ConnectFailure::Lost,
        PollError::Io(e) if connected => {
            let _ = e;
            ConnectFailure::Lost
        }
        PollError::Io(e) => ConnectFailure::Io(io_text(&e)),
        PollError::Protocol(detail) | PollError::Request(detail) => {
            ConnectFailure::Protocol(detail)
        }
        // mosquitto's clients have no TLS words once connected: the connection is lost.
        PollError::Tls(f) if connected && f.mosquitto => ConnectFailure::Lost,
        PollError::Tls(failure) => ConnectFailure::Tls(failure),
    }
}

/// The system's text for an I/O error, without Rust's " (os error N)" suffix, as strerror prints it.
fn io_text(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}
