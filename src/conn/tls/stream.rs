//! One TLS connection: the handshake on the stream rumqttc dialled (SNI and the host name check as
//! libmosquitto sets them), then a stream whose errors still say what TLS said.

use std::io;
use std::net::IpAddr;
use std::pin::Pin;
use std::task::{Context, Poll};

use std::sync::{Arc, Mutex};

use openssl::ssl::{Ssl, SslContext, SslVerifyMode, SslVersion};
use openssl::x509::X509;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_openssl::SslStream;

use super::errors::{self, Failure, Stage};
use super::names;
use crate::conn::{Insecure, TlsOptions};

/// What each connection needs from the options.
pub struct Settings {
    /// Compare the broker's certificate with the host name.
    check_host: bool,
    /// Under mqtk: say when a certificate was accepted by a legacy rule.
    hint: bool,
    mosquitto: bool,
    /// Under a WebSocket (`wss://`), for the words of a hang-up.
    wss: bool,
    /// We present a client certificate.
    client_cert: bool,
}

impl Settings {
    pub fn from_options(tls: &TlsOptions, wss: bool, quiet: bool) -> Settings {
        let check_host = tls.insecure == Insecure::No && tls.psk.is_none();
        Settings {
            check_host,
            hint: !quiet
                && !tls.mosquitto_errors
                && tls.insecure != Insecure::All
                && tls.psk.is_none(),
            mosquitto: tls.mosquitto_errors,
            wss,
            client_cert: tls.cert.is_some(),
        }
    }
}

/// Runs the handshake with the broker `host` over `inner`.
pub async fn connect(
    ctx: &SslContext,
    host: &str,
    settings: &Settings,
    inner: rumqttc::Stream,
) -> Result<rumqttc::Stream, Failure> {
    let setup = |e: openssl::error::ErrorStack| {
        Failure::new(
            Stage::Setup,
            format!("cannot start TLS: {e}"),
            settings.mosquitto,
        )
    };
    let mut ssl = Ssl::new(ctx).map_err(setup)?;
    let ip = host.trim_matches(['[', ']']).parse::<IpAddr>().ok();
    // SNI carries names only (RFC 6066); a host with a NUL byte cannot be a name.
    if ip.is_none() && !host.contains('\0') {
        ssl.set_hostname(host).map_err(setup)?;
    }
    if settings.check_host {
        // As libmosquitto: an IP address must be in the certificate's IP subjectAltNames; a name
        // in its DNS subjectAltNames, or in the CN when it has none (OpenSSL's rule).
        let param = ssl.param_mut();
        match ip {
            Some(ip) => param.set_ip(ip),
            None => param.set_host(host),
        }
        .map_err(setup)?;
    }
    // OpenSSL drops a certificate that failed verification: keep the broker's, to name its names.
    let presented: Arc<Mutex<Option<X509>>> = Arc::default();
    if ctx.verify_mode() != SslVerifyMode::NONE {
        let keep = presented.clone();
        ssl.set_verify_callback(ctx.verify_mode(), move |ok, store| {
            if store.error_depth() == 0
                && let Some(cert) = store.current_cert()
            {
                *keep.lock().unwrap_or_else(|e| e.into_inner()) = Some(cert.to_owned());
            }
            ok
        });
    }
    let mut stream = SslStream::new(ssl, inner).map_err(setup)?;
    if let Err(e) = Pin::new(&mut stream).connect().await {
        let cert = presented.lock().unwrap_or_else(|e| e.into_inner()).take();
        let mut failure = errors::handshake(&e, stream.ssl(), cert, host, settings.mosquitto);
        if settings.wss && failure.stage == Stage::Closed {
            failure.detail = errors::CLOSED_IN_WSS_HANDSHAKE.into();
        }
        return Err(failure);
    }
    if settings.hint
        && let Some(cert) = stream.ssl().peer_certificate()
    {
        names::hint_once(&names::legacy_rules(&cert, settings.check_host));
    }
    // Under TLS 1.3 the broker checks our certificate (or its absence) after our side of the
    // handshake is done, so its refusal can come as a bare hang-up instead of an alert.
    let refused_after_handshake = (stream.ssl().version2() == Some(SslVersion::TLS1_3)).then_some(
        if settings.client_cert {
            "the broker closed the connection right after the TLS handshake, before answering CONNECT: it probably does not accept our client certificate (--cert)"
        } else {
            "the broker closed the connection right after the TLS handshake, before answering CONNECT: it probably requires a client certificate (--cert and --key)"
        },
    );
    Ok(Box::new(Reporting {
        inner: stream,
        mosquitto: settings.mosquitto,
        refused_after_handshake,
        received: false,
    }))
}

/// An established TLS stream whose errors carry their TLS [`Failure`] (a TLS 1.3 broker refuses
/// our certificate only after the handshake, on the first read).
struct Reporting {
    inner: SslStream<rumqttc::Stream>,
    mosquitto: bool,
    /// What a hang-up before the broker's first byte means (TLS 1.3 only).
    refused_after_handshake: Option<&'static str>,
    /// The broker has sent us something since the handshake.
    received: bool,
}

impl Reporting {
    fn report<T>(&self, result: Poll<io::Result<T>>) -> Poll<io::Result<T>> {
        match result {
            Poll::Ready(Err(e)) => Poll::Ready(Err(self.explain(e))),
            other => other,
        }
    }

    fn explain(&self, e: io::Error) -> io::Error {
        if let Some(f) = errors::after_handshake(&e, self.mosquitto) {
            return io::Error::new(e.kind(), f);
        }
        let hang_up = matches!(
            e.kind(),
            io::ErrorKind::UnexpectedEof
                | io::ErrorKind::ConnectionReset
                | io::ErrorKind::BrokenPipe
                | io::ErrorKind::ConnectionAborted
        );
        match self.refused_after_handshake {
            Some(text) if hang_up && !self.received => {
                io::Error::new(e.kind(), Failure::new(Stage::Closed, text, self.mosquitto))
            }
            _ => e,
        }
    }
}

impl AsyncRead for Reporting {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = r {
            if buf.filled().len() > before {
                self.received = true;
            } else if !self.received && self.refused_after_handshake.is_some() {
                // End of stream before the broker said anything.
                return Poll::Ready(Err(self.explain(io::ErrorKind::UnexpectedEof.into())));
            }
        }
        self.report(r)
    }
}

impl AsyncWrite for Reporting {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.report(r)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let r = Pin::new(&mut self.inner).poll_flush(cx);
        self.report(r)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
