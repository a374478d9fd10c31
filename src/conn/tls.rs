//! TLS over OpenSSL, handed to rumqttc as a stream layer (our vendored patch): rumqttc dials the
//! broker (or the proxy) and we run the handshake on that stream, so TLS, `wss://` (TLS under the
//! WebSocket) and the proxies all go through the same code.
//!
//! OpenSSL, because it is what mosquitto's clients use: the same certificates are accepted (X.509 v1,
//! a host name only in the CN, `--capath` hashed directories), and the same options exist (TLS-PSK,
//! OpenSSL cipher lists, the key log). Every failure is one line naming the cause under mqtk, and
//! mosquitto 2.1's exit code and text under the mosquitto names.

// Building the OpenSSL context from the options.
mod context;
// Failures, their causes and their mosquitto reports.
mod errors;
// Certificate names and the legacy rules (v1, CN only) a certificate needed.
mod names;
// The TLS stream: per-connection handshake and errors after it.
mod stream;

use std::sync::{Arc, Mutex, OnceLock};

use openssl::ssl::SslContext;

pub use errors::{Failure, find};

use super::TlsOptions;

/// The stream layer that runs TLS to `host` on every connection rumqttc makes (`wss`: under a
/// WebSocket; `quiet`: no note about legacy certificates).
///
/// The context is built once per options (bench opens hundreds of connections): the files are read
/// and an encrypted key's passphrase asked for once.
pub fn layer(
    tls: &TlsOptions,
    host: &str,
    wss: bool,
    quiet: bool,
) -> Result<rumqttc::StreamLayer, Failure> {
    let ctx = context_for(tls)?;
    let host: Arc<str> = Arc::from(host);
    let settings = Arc::new(stream::Settings::from_options(tls, wss, quiet));
    Ok(Arc::new(move |inner| {
        let ctx = ctx.clone();
        let host = host.clone();
        let settings = settings.clone();
        Box::pin(async move {
            stream::connect(&ctx, &host, &settings, inner)
                .await
                .map_err(Failure::into_io)
        })
    }))
}

/// The context for `tls`, built on first use.
fn context_for(tls: &TlsOptions) -> Result<SslContext, Failure> {
    type Cache = Mutex<Vec<(TlsOptions, SslContext)>>;
    static BUILT: OnceLock<Cache> = OnceLock::new();
    let cache = BUILT.get_or_init(Cache::default);
    // Held while building, so connections started together build it (and prompt) once.
    let mut built = cache.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, ctx)) = built.iter().find(|(k, _)| k == tls) {
        return Ok(ctx.clone());
    }
    let ctx = context::build(tls)?;
    built.push((tls.clone(), ctx.clone()));
    Ok(ctx)
}
