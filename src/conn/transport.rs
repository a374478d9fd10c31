//! Maps an [`Endpoint`] to what rumqttc needs: the broker address (a host, a WebSocket URL or a socket
//! path), its transport (TCP, WebSockets, Unix), our TLS layer over it (TLS is TCP plus the layer,
//! `wss://` WebSockets plus the layer) and an HTTP CONNECT proxy, which is either the user's or our
//! own relay for SOCKS5 and `-A`.

use super::failure::ConnectFailure;
use super::{Endpoint, Insecure, ProxyKind, Transport, relay, tls};

/// rumqttc's view of the endpoint.
pub struct Prepared {
    /// `MqttOptions::new`'s host argument.
    pub broker_addr: String,
    pub port: u16,
    pub transport: rumqttc::Transport,
    pub proxy: Option<rumqttc::Proxy>,
    /// TLS over the connected stream.
    pub layer: Option<rumqttc::StreamLayer>,
}

/// Prepares the transport; `quiet` silences the `--insecure` warning and the legacy-certificate note.
pub async fn prepare(endpoint: &Endpoint, quiet: bool) -> Result<Prepared, ConnectFailure> {
    let host = endpoint.host.clone();
    let port = endpoint.port;
    let tls_layer = |t: &super::TlsOptions, wss: bool| {
        // Once per process: the bench opens many connections with the same options. mosquitto's
        // clients print no warning.
        static WARNED: std::sync::Once = std::sync::Once::new();
        if t.insecure != Insecure::No && !quiet && !t.mosquitto_errors {
            WARNED.call_once(|| {
                eprintln!("Warning: --insecure: the broker's certificate is not fully checked.")
            });
        }
        tls::layer(t, &host, wss, quiet).map_err(ConnectFailure::Tls)
    };
    let (broker_addr, transport, layer) = match &endpoint.transport {
        Transport::Tcp => (host.clone(), rumqttc::Transport::Tcp, None),
        Transport::Tls(t) => (
            host.clone(),
            rumqttc::Transport::Tcp,
            Some(tls_layer(t, false)?),
        ),
        Transport::Ws { path } => (
            format!("ws://{host}:{port}{path}"),
            rumqttc::Transport::Ws,
            None,
        ),
        // The WebSocket handshake runs over our TLS: rumqttc sees a ws:// URL on a TLS stream.
        Transport::Wss { path, tls } => (
            format!("ws://{host}:{port}{path}"),
            rumqttc::Transport::Ws,
            Some(tls_layer(tls, true)?),
        ),
        Transport::Unix(path) => (
            path.to_string_lossy().into_owned(),
            rumqttc::Transport::Unix,
            None,
        ),
    };
    let proxy = match (&endpoint.proxy, &endpoint.bind) {
        // rumqttc dials a Unix socket itself and ignores any proxy.
        _ if matches!(endpoint.transport, Transport::Unix(_)) => None,
        (None, None) => None,
        (Some(p), None) if p.kind == ProxyKind::Http => Some(rumqttc::Proxy {
            ty: rumqttc::ProxyType::Http,
            auth: match (&p.username, &p.password) {
                (Some(u), pw) => rumqttc::ProxyAuth::Basic {
                    username: u.clone(),
                    password: pw.clone().unwrap_or_default(),
                },
                _ => rumqttc::ProxyAuth::None,
            },
            addr: p.host.clone(),
            port: p.port,
        }),
        (proxy, bind) => {
            let relay = relay::start(proxy.as_ref(), bind.as_deref())
                .await
                .map_err(|e| ConnectFailure::Io(e.to_string()))?;
            Some(rumqttc::Proxy {
                ty: rumqttc::ProxyType::Http,
                auth: rumqttc::ProxyAuth::Basic {
                    username: relay::USER.to_string(),
                    password: relay.secret,
                },
                addr: relay.addr.ip().to_string(),
                port: relay.addr.port(),
            })
        }
    };
    Ok(Prepared {
        broker_addr,
        port,
        transport,
        proxy,
        layer,
    })
}
