//! Connection errors that are about TLS, each as one line that names the cause and the fix.

use std::error::Error as StdError;
use std::io;

use rumqttc::tokio_rustls::rustls;
use rustls::pki_types::UnixTime;
use rustls::{AlertDescription, CertificateError, Error};

/// What to say when the broker hangs up mid-handshake: almost always a plain MQTT port.
const CLOSED_IN_HANDSHAKE: &str =
    "the broker closed the connection during the TLS handshake — is this a TLS port?";

/// The same for `wss://`, where the TLS and the WebSocket handshakes fail alike.
pub const CLOSED_IN_WSS_HANDSHAKE: &str = "the broker closed the connection during the TLS or WebSocket handshake — is this a secure WebSocket (wss) port?";

/// The TLS cause of a connection error, if it has one: a rustls error anywhere in the chain, or the
/// peer hanging up mid-handshake. `None` means the error is not about TLS.
pub fn cause(err: &(dyn StdError + 'static)) -> Option<String> {
    let mut next = Some(err);
    while let Some(e) = next {
        if let Some(r) = e.downcast_ref::<Error>() {
            return Some(describe(r));
        }
        if let Some(io) = e.downcast_ref::<io::Error>() {
            // io::Error's source() skips the error it wraps, so look at that one directly.
            if let Some(found) = io.get_ref().and_then(|inner| cause(inner)) {
                return Some(found);
            }
            // tokio-rustls's words for EOF before the handshake finished.
            if io.kind() == io::ErrorKind::UnexpectedEof && io.to_string() == "tls handshake eof" {
                return Some(CLOSED_IN_HANDSHAKE.into());
            }
        }
        next = e.source();
    }
    None
}

/// A failed TLS handshake (rumqttc's TLS error): what [`cause`] finds, else what happened to the
/// socket during the handshake.
pub fn handshake_error(err: &rumqttc::TlsError) -> String {
    if let Some(found) = cause(err) {
        return found;
    }
    match err {
        rumqttc::TlsError::Io(e)
            if matches!(
                e.kind(),
                io::ErrorKind::UnexpectedEof
                    | io::ErrorKind::ConnectionReset
                    | io::ErrorKind::BrokenPipe
                    | io::ErrorKind::ConnectionAborted
            ) =>
        {
            CLOSED_IN_HANDSHAKE.into()
        }
        rumqttc::TlsError::Io(e) => format!("during the TLS handshake: {}", io_text(e)),
        other => other.to_string(),
    }
}

/// One rustls error as one line.
pub fn describe(err: &Error) -> String {
    match err {
        Error::InvalidCertificate(c) => certificate(c),
        Error::AlertReceived(alert) => alert_received(*alert),
        Error::PeerIncompatible(p) => format!(
            "the broker and mqtk have no TLS version or cipher suite in common ({p:?}); check --tls-version"
        ),
        Error::InvalidMessage(_) | Error::InappropriateMessage { .. } => {
            format!("the broker's answer is not TLS ({err}) — is this a TLS port?")
        }
        Error::NoCertificatesPresented => "the broker presented no certificate".into(),
        Error::InconsistentKeys(_) => "the private key does not match the certificate".into(),
        other => other.to_string(),
    }
}

fn certificate(c: &CertificateError) -> String {
    match c {
        CertificateError::UnknownIssuer => "the broker's certificate is not trusted (unknown issuer): give the CA that signed it with --cafile or --capath".into(),
        CertificateError::NotValidForNameContext { expected, presented } => {
            let names: Vec<String> = presented.iter().map(|n| presented_name(n)).collect();
            let names = if names.is_empty() {
                "no names: it has no subjectAltName, and rustls does not accept the CN alone".into()
            } else {
                names.join(", ")
            };
            format!(
                "host name mismatch: the broker's certificate is not valid for {} (it names {names}); connect with a name it lists or use --insecure",
                expected.to_str()
            )
        }
        CertificateError::NotValidForName => {
            "host name mismatch: the broker's certificate is not valid for the host connected to".into()
        }
        CertificateError::ExpiredContext { time, not_after } => format!(
            "the broker's certificate expired on {} (it is now {})",
            date(not_after),
            date(time)
        ),
        CertificateError::Expired => "the broker's certificate has expired".into(),
        CertificateError::NotValidYetContext { time, not_before } => format!(
            "the broker's certificate is not valid yet: not before {} (it is now {}; check the clock)",
            date(not_before),
            date(time)
        ),
        CertificateError::NotValidYet => {
            "the broker's certificate is not valid yet (check the clock)".into()
        }
        CertificateError::Revoked => "the broker's certificate has been revoked".into(),
        CertificateError::BadSignature => "the broker's certificate has a bad signature".into(),
        CertificateError::BadEncoding => "the broker's certificate is malformed".into(),
        CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
            "the broker's certificate is not meant for a TLS server (extended key usage)".into()
        }
        other => format!("the broker's certificate was rejected: {}", problem(other)),
    }
}

/// What is wrong with a certificate, whoever's it is.
pub(super) fn problem(c: &CertificateError) -> String {
    let text = match c {
        CertificateError::Other(o) => o.to_string(),
        other => format!("{other:?}"),
    };
    // Old tutorials make v1 certificates (`openssl x509 -req` without extensions); webpki wants v3.
    if text.contains("UnsupportedCertVersion") {
        "it is an X.509 v1 certificate and rustls accepts only v3 (re-issue it with a subjectAltName)"
            .into()
    } else {
        text
    }
}

/// webpki reports presented names as `DnsName("x")` / `IpAddress(1.2.3.4)`: keep the name.
fn presented_name(n: &str) -> String {
    let inner = n
        .strip_prefix("DnsName(")
        .or_else(|| n.strip_prefix("IpAddress("))
        .and_then(|r| r.strip_suffix(')'));
    match inner {
        Some(v) => v.trim_matches('"').to_string(),
        None => n.to_string(),
    }
}

fn alert_received(alert: AlertDescription) -> String {
    match alert {
        AlertDescription::CertificateRequired => {
            "the broker requires a client certificate: give one with --cert and --key".into()
        }
        AlertDescription::ProtocolVersion => {
            "the broker does not accept the TLS version offered (protocol_version alert): check --tls-version".into()
        }
        AlertDescription::HandshakeFailure => "the broker refused the TLS handshake (handshake_failure alert): it may want a client certificate (--cert/--key) or another --tls-version".into(),
        AlertDescription::UnknownCA => {
            "the broker does not trust our client certificate (unknown_ca alert)".into()
        }
        AlertDescription::BadCertificate
        | AlertDescription::UnsupportedCertificate
        | AlertDescription::CertificateUnknown
        | AlertDescription::CertificateExpired
        | AlertDescription::CertificateRevoked
        | AlertDescription::DecryptError => {
            format!("the broker rejected our client certificate ({alert:?} alert)")
        }
        AlertDescription::NoApplicationProtocol => {
            "the broker accepts none of the --tls-alpn protocols offered".into()
        }
        other => format!("the broker ended the TLS handshake with an alert: {other:?}"),
    }
}

/// A certificate time as a UTC date.
fn date(t: &UnixTime) -> String {
    i64::try_from(t.as_secs())
        .ok()
        .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
        .map(|d| d.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|| format!("{} s after 1970", t.as_secs()))
}

/// The system's text for an I/O error, without Rust's " (os error N)" suffix.
pub(super) fn io_text(e: &io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presented_names() {
        assert_eq!(
            presented_name("DnsName(\"other.example\")"),
            "other.example"
        );
        assert_eq!(presented_name("IpAddress(127.0.0.1)"), "127.0.0.1");
        assert_eq!(presented_name("Unsupported(0x81)"), "Unsupported(0x81)");
    }

    #[test]
    fn messages_name_the_cause() {
        let expired = Error::InvalidCertificate(CertificateError::ExpiredContext {
            time: UnixTime::since_unix_epoch(std::time::Duration::from_secs(1_767_225_600)),
            not_after: UnixTime::since_unix_epoch(std::time::Duration::from_secs(1_577_836_800)),
        });
        assert_eq!(
            describe(&expired),
            "the broker's certificate expired on 2020-01-01 00:00:00 UTC (it is now 2026-01-01 00:00:00 UTC)"
        );
        let unknown = Error::InvalidCertificate(CertificateError::UnknownIssuer);
        assert!(describe(&unknown).contains("unknown issuer"));
        let eof = io::Error::new(io::ErrorKind::UnexpectedEof, "tls handshake eof");
        assert_eq!(cause(&eof).as_deref(), Some(CLOSED_IN_HANDSHAKE));
        let wrapped = io::Error::new(io::ErrorKind::InvalidData, unknown);
        assert!(cause(&wrapped).unwrap().contains("unknown issuer"));
        let plain = io::Error::new(io::ErrorKind::ConnectionRefused, "refused");
        assert_eq!(cause(&plain), None);
    }
}
