//! A small in-process relay for what rumqttc cannot do itself: SOCKS5 proxies and a chosen local
//! address (`-A`). rumqttc speaks HTTP CONNECT to the relay on loopback (it keeps the real broker name
//! for TLS and WebSockets); the relay dials the broker through SOCKS5 or from the bound address.

use std::net::SocketAddr;

use super::Proxy;

/// Starts a relay for one connection attempt at a time; returns its loopback address.
pub async fn start(proxy: Option<&Proxy>, bind: Option<&str>) -> std::io::Result<SocketAddr> {
    let _ = (proxy, bind);
    Err(std::io::Error::other("the relay is not implemented yet"))
}
