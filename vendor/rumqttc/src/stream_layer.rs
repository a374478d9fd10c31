//! mqtk patch: a caller-supplied layer over the connected byte stream.
//!
//! `network_connect` dials the broker (directly or through the proxy) and then hands the stream to
//! the layer, if one is set, before MQTT (or the WebSocket handshake) runs over it. The caller can
//! then bring its own TLS stack (OpenSSL for TLS-PSK, cipher lists, key logs, X.509 v1
//! certificates) with plain `Transport::Tcp`, or `Transport::Ws` for `wss://`.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;

use crate::framed::AsyncReadWrite;

/// A connected byte stream, as the event loop reads and writes it.
pub type Stream = Box<dyn AsyncReadWrite>;

/// Wraps a connected stream (a TLS handshake, say); an error fails the connection attempt as
/// `ConnectionError::Io`.
pub type StreamLayer =
    Arc<dyn Fn(Stream) -> Pin<Box<dyn Future<Output = io::Result<Stream>> + Send>> + Send + Sync>;

/// Applies `layer` to `stream`, or returns the stream as it is.
pub(crate) async fn apply(layer: Option<&StreamLayer>, stream: Stream) -> io::Result<Stream> {
    match layer {
        Some(layer) => layer(stream).await,
        None => Ok(stream),
    }
}
