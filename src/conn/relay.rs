//! A small in-process relay for what rumqttc cannot do itself: SOCKS5 proxies and a chosen local
//! address (`-A`). rumqttc speaks HTTP CONNECT to the relay on loopback (it keeps the real broker name
//! for TLS and WebSockets); the relay dials the broker through the proxy (SOCKS5, or HTTP CONNECT when
//! `-A` is combined with an HTTP proxy) and/or from the bound address, answers `200`, then copies bytes
//! both ways until either side closes.
//!
//! Every connection attempt (reconnects included) is one accepted connection served by its own task on
//! the caller's runtime, so nothing here runs inside the task that polls the MQTT event loop. (A relay
//! thread of its own was measured and dropped: a cross-thread wake-up per chunk cost `mqtk sub`, on its
//! current-thread runtime, about 2 µs more CPU per message, and bench gained nothing.)
//!
//! The relay asks rumqttc for a random per-relay secret (HTTP Basic auth): another local user cannot
//! borrow the tunnel, nor the SOCKS credentials behind it.

use std::io::{self, Read};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio_socks::tcp::Socks5Stream;

use super::{Proxy, ProxyKind};

/// The user name rumqttc sends to the relay; the password is [`Listening::secret`].
pub const USER: &str = "mqtk";

/// Longest CONNECT request or proxy response header we read.
const MAX_HEADER: usize = 8 * 1024;

/// Bytes copied per direction at a time: larger than tokio's 8 KiB default, so that a burst of small
/// MQTT packets crosses the relay in few system calls.
const COPY_BUFFER: usize = 64 * 1024;

/// How long to wait before accepting again after `accept` itself failed (out of descriptors).
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// A running relay.
#[derive(Debug, Clone)]
pub struct Listening {
    /// Where rumqttc connects (loopback, a port chosen by the system).
    pub addr: SocketAddr,
    /// The password rumqttc must send (user [`USER`]).
    pub secret: String,
}

/// Where the relay dials to.
struct Upstream {
    proxy: Option<Proxy>,
    /// `-A`: the local addresses to connect from (one per address family at most is used).
    bind: Vec<IpAddr>,
    /// The `Proxy-Authorization` value rumqttc must send.
    expected_auth: String,
}

/// Why the relay could not open the tunnel, as the HTTP status it answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    /// The proxy refused our credentials (or wanted some): 407.
    Auth,
    /// The proxy or the broker could not be reached, or the proxy refused the request: 502.
    Unreachable,
}

impl Refusal {
    fn status_line(self) -> &'static [u8] {
        match self {
            Refusal::Auth => b"HTTP/1.1 407 Proxy Authentication Required\r\n\r\n",
            Refusal::Unreachable => b"HTTP/1.1 502 Bad Gateway\r\n\r\n",
        }
    }
}

/// Starts a relay serving any number of connection attempts; returns its loopback address and secret.
/// A bad `-A` address (one that does not resolve, or is not an address of this machine) fails here,
/// before anything is dialled.
pub async fn start(proxy: Option<&Proxy>, bind: Option<&str>) -> io::Result<Listening> {
    let bind = match bind {
        Some(text) => local_addresses(text).await?,
        None => Vec::new(),
    };
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
    let addr = listener.local_addr()?;
    let secret = secret()?;
    let credentials = base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{secret}"));
    let upstream = Arc::new(Upstream {
        proxy: proxy.cloned(),
        bind,
        expected_auth: format!("Basic {credentials}"),
    });
    tokio::spawn(async move {
        loop {
            match listener.accept().await {
                Ok((client, _)) => {
                    tokio::spawn(serve(client, Arc::clone(&upstream)));
                }
                Err(_) => tokio::time::sleep(ACCEPT_BACKOFF).await,
            }
        }
    });
    Ok(Listening { addr, secret })
}

/// 128 random bits, hex.
fn secret() -> io::Result<String> {
    let mut bytes = [0u8; 16];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The system's text for an I/O error, without Rust's " (os error N)" suffix, as strerror prints it.
fn os_text(e: &io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// `-A ADDRESS`: an IP address, or a name resolved here; each must be an address of this machine.
async fn local_addresses(text: &str) -> io::Result<Vec<IpAddr>> {
    let addrs: Vec<IpAddr> = match text.parse::<IpAddr>() {
        Ok(ip) => vec![ip],
        Err(_) => match tokio::net::lookup_host((text, 0)).await {
            Ok(found) => found.map(|a| a.ip()).collect(),
            Err(_) => Vec::new(),
        },
    };
    if addrs.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("-A {text}: Lookup error"),
        ));
    }
    // Binding once now turns "not an address of this machine" into an error before connecting.
    let mut usable = Vec::new();
    let mut last = None;
    for ip in addrs {
        match std::net::TcpListener::bind((ip, 0)) {
            Ok(_) => usable.push(ip),
            Err(e) => last = Some(e),
        }
    }
    match (usable.is_empty(), last) {
        (true, Some(e)) => Err(io::Error::new(
            e.kind(),
            format!("-A {text}: {}", os_text(&e)),
        )),
        _ => Ok(usable),
    }
}

/// One connection attempt from rumqttc.
async fn serve(mut client: TcpStream, up: Arc<Upstream>) {
    // The client's socket already applies (or not) Nagle's algorithm; the relay forwards at once.
    let _ = client.set_nodelay(true);
    let Ok((head, rest)) = read_head(&mut client).await else {
        return;
    };
    let Some(request) = parse_connect(&head) else {
        let _ = client.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n").await;
        return;
    };
    if request.auth.as_deref() != Some(up.expected_auth.as_str()) {
        let _ = client.write_all(Refusal::Auth.status_line()).await;
        return;
    }
    let mut upstream = match dial(&up, &request.host, request.port).await {
        Ok(stream) => stream,
        Err(refusal) => {
            let _ = client.write_all(refusal.status_line()).await;
            return;
        }
    };
    if client
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .await
        .is_err()
    {
        return;
    }
    // rumqttc waits for the answer before it writes, so nothing normally follows the header.
    if !rest.is_empty() && upstream.write_all(&rest).await.is_err() {
        return;
    }
    let _ = tokio::io::copy_bidirectional_with_sizes(
        &mut client,
        &mut upstream,
        COPY_BUFFER,
        COPY_BUFFER,
    )
    .await;
}

/// Reads an HTTP header (up to the empty line); returns it and any bytes read after it.
async fn read_head(stream: &mut TcpStream) -> io::Result<(String, Vec<u8>)> {
    let mut buf = Vec::with_capacity(512);
    let mut chunk = [0u8; 1024];
    loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let rest = buf.split_off(end + 4);
            return Ok((String::from_utf8_lossy(&buf).into_owned(), rest));
        }
        if buf.len() > MAX_HEADER {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "header too long",
            ));
        }
    }
}

/// A parsed `CONNECT host:port HTTP/1.1` request.
#[derive(Debug, PartialEq, Eq)]
struct ConnectRequest {
    host: String,
    port: u16,
    /// The `Proxy-Authorization` header's value.
    auth: Option<String>,
}

fn parse_connect(head: &str) -> Option<ConnectRequest> {
    let mut lines = head.split("\r\n");
    let mut words = lines.next()?.split(' ');
    if !words.next()?.eq_ignore_ascii_case("CONNECT") {
        return None;
    }
    // `host:port`; an IPv6 literal may come bare (`::1:1883`, as rumqttc writes it) or bracketed.
    let (host, port) = words.next()?.rsplit_once(':')?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let port = port.parse().ok()?;
    let auth = lines.find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("proxy-authorization")
            .then(|| value.trim().to_string())
    });
    (!host.is_empty()).then(|| ConnectRequest {
        host: host.to_string(),
        port,
        auth,
    })
}

/// Opens the tunnel to `host:port`: through the proxy if there is one, from the `-A` address if given.
async fn dial(up: &Upstream, host: &str, port: u16) -> Result<TcpStream, Refusal> {
    let Some(proxy) = &up.proxy else {
        return connect(host, port, &up.bind)
            .await
            .map_err(|_| Refusal::Unreachable);
    };
    let stream = connect(&proxy.host, proxy.port, &up.bind)
        .await
        .map_err(|_| Refusal::Unreachable)?;
    match proxy.kind {
        ProxyKind::Socks5h => socks5(stream, proxy, host, port).await,
        ProxyKind::Http => http_connect(stream, proxy, host, port).await,
    }
}

/// The SOCKS5 handshake; the broker's name goes to the proxy unresolved (socks5h).
async fn socks5(
    stream: TcpStream,
    proxy: &Proxy,
    host: &str,
    port: u16,
) -> Result<TcpStream, Refusal> {
    let tunnel = match &proxy.username {
        Some(user) => {
            let password = proxy.password.as_deref().unwrap_or("");
            Socks5Stream::connect_with_password_and_socket(stream, (host, port), user, password)
                .await
        }
        None => Socks5Stream::connect_with_socket(stream, (host, port)).await,
    };
    use tokio_socks::Error as E;
    match tunnel {
        Ok(s) => Ok(s.into_inner()),
        Err(
            E::PasswordAuthFailure(_)
            | E::NoAcceptableAuthMethods
            | E::AuthorizationRequired
            | E::InvalidAuthValues(_),
        ) => Err(Refusal::Auth),
        Err(_) => Err(Refusal::Unreachable),
    }
}

/// HTTP CONNECT through the user's HTTP proxy (only when `-A` needs the relay as well).
async fn http_connect(
    mut stream: TcpStream,
    proxy: &Proxy,
    host: &str,
    port: u16,
) -> Result<TcpStream, Refusal> {
    let target = match host.parse::<IpAddr>() {
        Ok(IpAddr::V6(_)) => format!("[{host}]:{port}"),
        _ => format!("{host}:{port}"),
    };
    let mut request = format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n");
    if let Some(user) = &proxy.username {
        let pass = proxy.password.as_deref().unwrap_or("");
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"));
        request.push_str(&format!("Proxy-Authorization: Basic {token}\r\n"));
    }
    request.push_str("\r\n");
    stream
        .write_all(request.as_bytes())
        .await
        .map_err(|_| Refusal::Unreachable)?;
    // The broker speaks only after our CONNECT packet, so nothing follows the proxy's header.
    let (head, _) = read_head(&mut stream)
        .await
        .map_err(|_| Refusal::Unreachable)?;
    match head.split(' ').nth(1) {
        Some("200") => Ok(stream),
        Some("407") => Err(Refusal::Auth),
        _ => Err(Refusal::Unreachable),
    }
}

/// Connects to `host:port` (each address in turn), from a `-A` address of the same family if given.
async fn connect(host: &str, port: u16, bind: &[IpAddr]) -> io::Result<TcpStream> {
    let mut last = io::Error::new(io::ErrorKind::NotFound, "no address");
    for addr in tokio::net::lookup_host((host, port)).await? {
        let socket = if addr.is_ipv4() {
            TcpSocket::new_v4()?
        } else {
            TcpSocket::new_v6()?
        };
        if !bind.is_empty() {
            let Some(local) = bind.iter().find(|ip| ip.is_ipv4() == addr.is_ipv4()) else {
                continue;
            };
            socket.bind(SocketAddr::new(*local, 0))?;
        }
        match socket.connect(addr).await {
            Ok(stream) => {
                let _ = stream.set_nodelay(true);
                return Ok(stream);
            }
            Err(e) => last = e,
        }
    }
    Err(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_requests() {
        let r = parse_connect(
            "CONNECT broker.lan:1883 HTTP/1.1\r\nHost: broker.lan:1883\r\nproxy-authorization:  Basic abc \r\n",
        )
        .unwrap();
        assert_eq!(
            r,
            ConnectRequest {
                host: "broker.lan".into(),
                port: 1883,
                auth: Some("Basic abc".into())
            }
        );
        let v6 = parse_connect("CONNECT ::1:8883 HTTP/1.1\r\n").unwrap();
        assert_eq!((v6.host.as_str(), v6.port, v6.auth), ("::1", 8883, None));
        let bracketed = parse_connect("CONNECT [::1]:80 HTTP/1.1\r\n").unwrap();
        assert_eq!(bracketed.host, "::1");
        for bad in [
            "GET / HTTP/1.1\r\n",
            "CONNECT broker HTTP/1.1\r\n",
            "CONNECT :1883 HTTP/1.1\r\n",
            "CONNECT h:99999 HTTP/1.1\r\n",
            "",
        ] {
            assert_eq!(parse_connect(bad), None, "{bad:?}");
        }
    }

    #[tokio::test]
    async fn bad_bind_addresses_fail_before_dialling() {
        let e = start(None, Some("192.0.2.1")).await.unwrap_err();
        assert_eq!(
            e.to_string(),
            "-A 192.0.2.1: Cannot assign requested address"
        );
        let e = start(None, Some("nosuchhost.invalid")).await.unwrap_err();
        assert_eq!(e.to_string(), "-A nosuchhost.invalid: Lookup error");
        assert!(start(None, Some("127.0.0.1")).await.is_ok());
    }
}
