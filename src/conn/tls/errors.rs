//! TLS failures: one line that names the cause and the fix (mqtk), and how mosquitto 2.1's clients
//! report the same failure (exit code and text), which depends only on the stage it happened in.

use std::error::Error as StdError;
use std::fmt;
use std::io;

use openssl::asn1::{Asn1Time, Asn1TimeRef};
use openssl::ssl::{self, ErrorCode, SslRef};
use openssl::x509::{X509, X509VerifyResult};

use crate::exit::Code;

/// What to say when the broker hangs up mid-handshake: almost always a plain MQTT port.
pub const CLOSED_IN_HANDSHAKE: &str =
    "the broker closed the connection during the TLS handshake — is this a TLS port?";

/// The same for `wss://`, where the TLS and the WebSocket handshakes fail alike.
pub const CLOSED_IN_WSS_HANDSHAKE: &str = "the broker closed the connection during the TLS or WebSocket handshake — is this a secure WebSocket (wss) port?";

/// Where a TLS failure happened; mosquitto's clients report each stage in its own way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Building the context: CA, certificate, key, cipher list (libmosquitto: MOSQ_ERR_TLS from its
    /// connect call).
    Setup,
    /// The handshake failed: our verification, or an alert from the broker.
    Handshake,
    /// The broker refused our key material after our Finished (a wrong PSK: decrypt_error), which
    /// libmosquitto meets in its loop as EPROTO.
    KeyRefused,
    /// The broker hung up during the handshake (a plain port, a missing client certificate).
    Closed,
}

/// A TLS failure, ready to report under either personality.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The cause in one line, for mqtk.
    pub detail: String,
    pub stage: Stage,
    /// Report as mosquitto 2.1's clients do.
    pub mosquitto: bool,
}

impl Failure {
    pub fn new(stage: Stage, detail: impl Into<String>, mosquitto: bool) -> Failure {
        Failure {
            detail: detail.into(),
            stage,
            mosquitto,
        }
    }

    /// The exit status and stderr text.
    pub fn report(&self) -> (Code, String) {
        if !self.mosquitto {
            return (
                Code::Tls,
                format!("Error: A TLS error occurred: {}\n", self.detail),
            );
        }
        match self.stage {
            Stage::Setup | Stage::Handshake => (
                Code::Error,
                "Unable to connect (A TLS error occurred).\n".into(),
            ),
            Stage::KeyRefused => (Code::Errno, "Error: Protocol error\n".into()),
            Stage::Closed => (
                Code::Error,
                "Unable to connect (The connection was lost).\n".into(),
            ),
        }
    }

    /// As an I/O error, the form a stream layer returns; [`find`] gets it back.
    pub fn into_io(self) -> io::Error {
        io::Error::other(self)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.detail)
    }
}

impl StdError for Failure {}

/// The TLS failure in an error chain, if there is one.
pub fn find(err: &(dyn StdError + 'static)) -> Option<Failure> {
    let mut next = Some(err);
    while let Some(e) = next {
        if let Some(f) = e.downcast_ref::<Failure>() {
            return Some(f.clone());
        }
        if let Some(io) = e.downcast_ref::<io::Error>() {
            // io::Error's source() skips the error it wraps, so look at that one directly.
            if let Some(found) = io.get_ref().and_then(|inner| find(inner)) {
                return Some(found);
            }
        }
        next = e.source();
    }
    None
}

/// A failed handshake on `ssl`, `host` being the name we connected to.
/// `cert` is the broker's certificate as presented (OpenSSL keeps none that failed verification).
pub fn handshake(
    e: &ssl::Error,
    ssl: &SslRef,
    cert: Option<X509>,
    host: &str,
    mosquitto: bool,
) -> Failure {
    let verify = ssl.verify_result();
    if verify != X509VerifyResult::OK {
        let cert = cert.or_else(|| ssl.peer_certificate());
        let detail = verification(verify, cert.as_ref(), host);
        return Failure::new(Stage::Handshake, detail, mosquitto);
    }
    let (stage, detail) = classify(e);
    Failure::new(stage, detail, mosquitto)
}

/// An error on an established TLS stream (an alert after the handshake, under TLS 1.3 the broker's
/// refusal of our certificate); `None` when it is not about TLS.
pub fn after_handshake(e: &io::Error, mosquitto: bool) -> Option<Failure> {
    let ssl_error = e.get_ref()?.downcast_ref::<ssl::Error>()?;
    let (stage, detail) = classify(ssl_error);
    // libmosquitto has no TLS words here: the connection was lost.
    let stage = if stage == Stage::Handshake {
        Stage::Closed
    } else {
        stage
    };
    Some(Failure::new(stage, detail, mosquitto))
}

/// The stage and cause of an OpenSSL error that is not a failed verification.
fn classify(e: &ssl::Error) -> (Stage, String) {
    if e.code() == ErrorCode::SYSCALL || e.code() == ErrorCode::ZERO_RETURN {
        return (Stage::Closed, CLOSED_IN_HANDSHAKE.into());
    }
    if let Some(io) = e.io_error() {
        return match io.kind() {
            io::ErrorKind::UnexpectedEof
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::BrokenPipe
            | io::ErrorKind::ConnectionAborted => (Stage::Closed, CLOSED_IN_HANDSHAKE.into()),
            _ => (
                Stage::Closed,
                format!("during the TLS handshake: {}", io_text(io)),
            ),
        };
    }
    let reasons: Vec<String> = e
        .ssl_error()
        .map(|stack| {
            stack
                .errors()
                .iter()
                .filter_map(|r| r.reason().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let first = reasons.first().cloned().unwrap_or_else(|| e.to_string());
    match alert(&first) {
        Some((stage, text)) => (stage, text),
        None => (Stage::Handshake, other_reason(&first)),
    }
}

/// An alert from the broker, by OpenSSL's reason text ("tlsv13 alert certificate required").
fn alert(reason: &str) -> Option<(Stage, String)> {
    let name = reason
        .split_once(" alert ")
        .map(|(_, name)| name)
        .filter(|_| reason.starts_with("sslv3") || reason.starts_with("tlsv1"))?;
    let text = match name {
        "certificate required" => {
            "the broker requires a client certificate: give one with --cert and --key".to_string()
        }
        "protocol version" => "the broker does not accept the TLS version offered (protocol_version alert): check --tls-version".into(),
        "handshake failure" => "the broker refused the TLS handshake (handshake_failure alert): it may want a client certificate (--cert/--key), another --tls-version or other --ciphers".into(),
        "unknown ca" => "the broker does not trust our client certificate (unknown_ca alert)".into(),
        "bad certificate" | "unsupported certificate" | "certificate unknown"
        | "certificate expired" | "certificate revoked" => {
            format!("the broker rejected our client certificate ({name} alert)")
        }
        "decrypt error" | "bad record mac" => {
            return Some((
                Stage::KeyRefused,
                format!("the broker could not check our handshake ({name} alert): with TLS-PSK, the --psk key does not match the broker's"),
            ));
        }
        "unknown psk identity" => "the broker does not know our --psk-identity (unknown_psk_identity alert)".into(),
        "no application protocol" => "the broker accepts none of the --tls-alpn protocols offered".into(),
        "internal error" => "the broker failed the TLS handshake (internal_error alert): with TLS-PSK, check --psk-identity".into(),
        other => format!("the broker ended the TLS handshake with an alert: {other}"),
    };
    Some((Stage::Handshake, text))
}

/// OpenSSL's own words for the common local failures, made actionable.
fn other_reason(reason: &str) -> String {
    match reason {
        "wrong version number" | "packet length too long" | "record layer failure" => {
            format!("the broker's answer is not TLS ({reason}) — is this a TLS port?")
        }
        "no protocols available" | "unsupported protocol" => format!(
            "the broker and mqtk have no TLS version in common ({reason}); check --tls-version"
        ),
        "no shared cipher" | "no ciphers available" | "sslv3 alert handshake failure" => {
            format!("the broker and mqtk have no cipher in common ({reason}); check --ciphers")
        }
        "unexpected eof while reading" => CLOSED_IN_HANDSHAKE.into(),
        other => format!("the TLS handshake failed: {other}"),
    }
}

/// A failed certificate verification, with the names and dates that explain it.
fn verification(result: X509VerifyResult, cert: Option<&X509>, host: &str) -> String {
    use openssl_sys as ffi;
    match result.as_raw() {
        ffi::X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT
        | ffi::X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY
        | ffi::X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE
        | ffi::X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN => "the broker's certificate is not trusted (unknown issuer): give the CA that signed it with --cafile or --capath".into(),
        ffi::X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT => "the broker's certificate is self-signed and not trusted (unknown issuer): give that certificate itself with --cafile".into(),
        ffi::X509_V_ERR_HOSTNAME_MISMATCH | ffi::X509_V_ERR_IP_ADDRESS_MISMATCH => {
            let names = cert.map(|c| super::names::describe(c)).unwrap_or_default();
            format!(
                "host name mismatch: the broker's certificate is not valid for {host} (it names {names}); connect with a name it lists or use --insecure"
            )
        }
        ffi::X509_V_ERR_CERT_HAS_EXPIRED => match cert {
            Some(c) => format!("the broker's certificate expired on {}", date(c.not_after())),
            None => "the broker's certificate has expired".into(),
        },
        ffi::X509_V_ERR_CERT_NOT_YET_VALID => match cert {
            Some(c) => format!(
                "the broker's certificate is not valid yet: not before {} (check the clock)",
                date(c.not_before())
            ),
            None => "the broker's certificate is not valid yet (check the clock)".into(),
        },
        ffi::X509_V_ERR_CERT_REVOKED => "the broker's certificate has been revoked".into(),
        ffi::X509_V_ERR_CERT_SIGNATURE_FAILURE => {
            "the broker's certificate has a bad signature".into()
        }
        ffi::X509_V_ERR_INVALID_PURPOSE => {
            "the broker's certificate is not meant for a TLS server (extended key usage)".into()
        }
        _ => format!(
            "the broker's certificate was rejected: {}",
            result.error_string()
        ),
    }
}

/// A certificate time as a UTC date (`2021-01-01 00:00:00 UTC`), or as OpenSSL prints it.
fn date(t: &Asn1TimeRef) -> String {
    let since_epoch = Asn1Time::from_unix(0).and_then(|epoch| epoch.diff(t));
    since_epoch
        .ok()
        .map(|d| i64::from(d.days) * 86_400 + i64::from(d.secs))
        .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
        .map(|d| d.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|| t.to_string())
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
    fn mosquitto_reports_by_stage() {
        let f = |stage| Failure::new(stage, "why", true).report();
        assert_eq!(
            f(Stage::Setup),
            (
                Code::Error,
                "Unable to connect (A TLS error occurred).\n".into()
            )
        );
        assert_eq!(
            f(Stage::KeyRefused),
            (Code::Errno, "Error: Protocol error\n".into())
        );
        assert_eq!(
            f(Stage::Closed),
            (
                Code::Error,
                "Unable to connect (The connection was lost).\n".into()
            )
        );
        let mqtk = Failure::new(Stage::KeyRefused, "why", false).report();
        assert_eq!(
            mqtk,
            (Code::Tls, "Error: A TLS error occurred: why\n".into())
        );
    }

    #[test]
    fn alerts_name_the_cause() {
        let (stage, text) = alert("tlsv1 alert decrypt error").unwrap();
        assert_eq!(stage, Stage::KeyRefused);
        assert!(text.contains("--psk"), "{text}");
        let (_, text) = alert("tlsv13 alert certificate required").unwrap();
        assert!(text.contains("--cert"), "{text}");
        assert_eq!(alert("wrong version number"), None);
    }

    #[test]
    fn failures_survive_io_wrapping() {
        let failure = Failure::new(Stage::Handshake, "unknown issuer", false);
        let wrapped = io::Error::new(io::ErrorKind::InvalidData, failure.clone().into_io());
        assert_eq!(find(&wrapped), Some(failure));
        let plain = io::Error::new(io::ErrorKind::ConnectionRefused, "refused");
        assert_eq!(find(&plain), None);
    }
}
