//! rumqttc's connection errors as [`PollError`], in the terms the exit-code table needs, and what
//! each means for the connection ([`failure_of`]).

use super::packets::connack_code_v5;
use crate::conn::Protocol;
use crate::conn::failure::ConnectFailure;

/// Why polling failed, in the terms the exit-code table needs.
#[derive(Debug)]
pub enum PollError {
    /// CONNACK with a non-zero code (v3 return code or v5 reason code).
    Refused(u8),
    /// The broker sent DISCONNECT (v5) with this reason.
    ServerDisconnect(u8),
    /// No CONNACK (or no flush) within the connect timeout.
    Timeout,
    /// An I/O error: refused, reset, closed.
    Io(std::io::Error),
    /// The peer closed the connection.
    Closed,
    /// Anything else rumqttc reports (malformed packets, protocol violations).
    Protocol(String),
    /// rumqttc refused to send one of our requests (a v5 topic alias or a packet over the
    /// broker's limits): the same request would be refused again after a reconnect.
    Request(String),
    /// TLS failed (set-up, handshake, certificate, alert).
    Tls(crate::conn::tls::Failure),
}

fn io_error(e: std::io::Error) -> PollError {
    // A TLS alert after the handshake (a refused client certificate under TLS 1.3) arrives as I/O.
    if let Some(failure) = crate::conn::tls::find(&e) {
        return PollError::Tls(failure);
    }
    match e.kind() {
        std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::ConnectionReset => {
            PollError::Closed
        }
        _ => PollError::Io(e),
    }
}

/// rumqttc wraps a peer's hang-up in other errors (a reset while reading a packet is a
/// deserialization error): that is a lost connection, anything else a protocol error.
fn hang_up_or_protocol(e: &(dyn std::error::Error + 'static)) -> PollError {
    let mut next = Some(e);
    while let Some(err) = next {
        let kind = err
            .downcast_ref::<std::io::Error>()
            .map(std::io::Error::kind);
        if matches!(
            kind,
            Some(std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::ConnectionReset)
        ) {
            return PollError::Closed;
        }
        next = err.source();
    }
    PollError::Protocol(e.to_string())
}

pub(super) fn error_v4(e: rumqttc::ConnectionError) -> PollError {
    use rumqttc::ConnectionError as E;
    use rumqttc::StateError as S;
    if let Some(failure) = crate::conn::tls::find(&e) {
        return PollError::Tls(failure);
    }
    if matches!(
        e,
        E::MqttState(S::Deserialization(
            rumqttc::mqttbytes::Error::OutgoingPacketTooLarge { .. }
        ))
    ) {
        return PollError::Request(e.to_string());
    }
    match e {
        E::ConnectionRefused(code) => PollError::Refused(code as u8),
        E::NetworkTimeout | E::FlushTimeout => PollError::Timeout,
        E::Io(e) => io_error(e),
        E::MqttState(S::Io(e)) => io_error(e),
        E::MqttState(S::ConnectionAborted) => PollError::Closed,
        E::Proxy(p) => proxy_error(&p),
        other => hang_up_or_protocol(&other),
    }
}

pub(super) fn error_v5(e: rumqttc::v5::ConnectionError) -> PollError {
    use rumqttc::v5::ConnectionError as E;
    use rumqttc::v5::StateError as S;
    if let Some(failure) = crate::conn::tls::find(&e) {
        return PollError::Tls(failure);
    }
    if matches!(
        e,
        E::MqttState(
            S::InvalidAlias { .. }
                | S::OutgoingPacketTooLarge { .. }
                | S::Deserialization(rumqttc::v5::mqttbytes::Error::OutgoingPacketTooLarge { .. })
        )
    ) {
        return PollError::Request(e.to_string());
    }
    match e {
        E::ConnectionRefused(code) => PollError::Refused(connack_code_v5(code)),
        E::MqttState(S::ConnFail { reason }) => PollError::Refused(connack_code_v5(reason)),
        E::MqttState(S::ServerDisconnect { reason_code, .. }) => {
            PollError::ServerDisconnect(reason_code as u8)
        }
        E::Timeout(_) => PollError::Timeout,
        E::Io(e) => io_error(e),
        E::MqttState(S::Io(e)) => io_error(e),
        // v5's deserialization error does not chain its cause: unwrap it here.
        E::MqttState(S::Deserialization(rumqttc::v5::mqttbytes::Error::Io(e))) => io_error(e),
        E::MqttState(S::ConnectionAborted) => PollError::Closed,
        E::Proxy(p) => proxy_error(&p),
        other => hang_up_or_protocol(&other),
    }
}

/// A proxy failure (the user's HTTP proxy, or our relay for SOCKS5 and `-A`), as mosquitto reports
/// one: an unreachable proxy is the socket error itself, a proxy that answers 407 is "Authorisation
/// failed.", and any other refusal (the relay's 502 when it cannot reach the broker) is "Connection
/// refused". rumqttc does not export its proxy error type, so the HTTP status is read from its text.
fn proxy_error(e: &(dyn std::error::Error + 'static)) -> PollError {
    use std::io::{Error, ErrorKind};
    if let Some(io) = e.source().and_then(|s| s.downcast_ref::<Error>()) {
        return io_error(Error::new(io.kind(), io.to_string()));
    }
    let text = e.source().map(|s| s.to_string()).unwrap_or_default();
    match text.rsplit_once("not equal 200: ").map(|(_, code)| code) {
        Some("407") => PollError::Io(Error::other("Authorisation failed.")),
        _ => PollError::Io(Error::new(
            ErrorKind::ConnectionRefused,
            "Connection refused",
        )),
    }
}

/// What a failed poll means for the connection: `connected` tells a dropped connection from one
/// that could not be made.
pub fn failure_of(err: PollError, protocol: Protocol, connected: bool) -> ConnectFailure {
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
