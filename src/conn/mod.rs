//! The shared connection layer: connection options (v3.1.1 and v5), the one task that polls rumqttc's
//! event loop, and a small API for commands (publish, subscribe, disconnect, event stream).
//!
//! rumqttc has traps that lose messages silently; each is handled here so commands never see them:
//! packet limits are raised to the MQTT maximum, option values that make it panic are rejected before it
//! sees them, DISCONNECT is requested only once every publish is acknowledged, and polling stops as soon
//! as DISCONNECT has been written (polling on would reconnect).

mod backend;
mod backlog;
mod driver;
pub mod event;
mod failure;
mod inbox;
pub mod limits;
mod observe;
pub mod props;
mod publisher;
pub mod reason;
mod relay;
pub mod session;
mod shared;
mod tls;
pub mod topic;
mod transport;
pub mod url;

use std::time::Duration;

use bytes::Bytes;

pub use event::{Event, Message};
pub use inbox::Inbox;
pub use limits::Exceeded;
pub use observe::{Delivery, Observer, TraceFormat};
pub use props::{Properties, Property};
pub use session::{ConnectFailure, Session};

/// The MQTT maximum packet size (the largest remaining length a fixed header can encode).
pub const MAX_PACKET_SIZE: usize = 268_435_455;

/// Quality of service (MQTT's own names for the levels).
#[allow(clippy::enum_variant_names)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Qos {
    #[default]
    AtMostOnce = 0,
    AtLeastOnce = 1,
    ExactlyOnce = 2,
}

impl Qos {
    /// The QoS for a number 0..=2.
    pub fn from_number(n: i64) -> Option<Qos> {
        match n {
            0 => Some(Qos::AtMostOnce),
            1 => Some(Qos::AtLeastOnce),
            2 => Some(Qos::ExactlyOnce),
            _ => None,
        }
    }

    /// The QoS as its digit.
    pub fn number(self) -> u8 {
        self as u8
    }

    fn v4(self) -> rumqttc::QoS {
        match self {
            Qos::AtMostOnce => rumqttc::QoS::AtMostOnce,
            Qos::AtLeastOnce => rumqttc::QoS::AtLeastOnce,
            Qos::ExactlyOnce => rumqttc::QoS::ExactlyOnce,
        }
    }

    fn v5(self) -> rumqttc::v5::mqttbytes::QoS {
        match self {
            Qos::AtMostOnce => rumqttc::v5::mqttbytes::QoS::AtMostOnce,
            Qos::AtLeastOnce => rumqttc::v5::mqttbytes::QoS::AtLeastOnce,
            Qos::ExactlyOnce => rumqttc::v5::mqttbytes::QoS::ExactlyOnce,
        }
    }
}

/// The MQTT protocol version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Protocol {
    /// MQTT 3.1 (`MQIsdp`); rumqttc cannot speak it, so it is rejected before connecting.
    V31,
    #[default]
    V311,
    V5,
}

/// The last will.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Will {
    pub topic: String,
    pub payload: Bytes,
    pub qos: Qos,
    pub retain: bool,
    /// v5 will properties (`-D will …`).
    pub properties: Properties,
}

/// Where the broker is and how to reach it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub host: String,
    pub port: u16,
    pub transport: Transport,
    /// Reach the broker through this proxy.
    pub proxy: Option<Proxy>,
    /// `-A`: the local address to connect from.
    pub bind: Option<String>,
}

/// The byte stream MQTT runs over.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Transport {
    #[default]
    Tcp,
    Tls(TlsOptions),
    /// WebSockets; `path` is the URL path (`/mqtt`).
    Ws {
        path: String,
    },
    Wss {
        path: String,
        tls: TlsOptions,
    },
    /// A Unix domain socket at this path.
    Unix(std::path::PathBuf),
}

/// TLS settings (OpenSSL, set up as libmosquitto sets it up).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TlsOptions {
    /// `--cafile`: trust these CA certificates (PEM).
    pub cafile: Option<std::path::PathBuf>,
    /// `--capath`: trust the CA certificates in this directory (OpenSSL hashed names).
    pub capath: Option<std::path::PathBuf>,
    /// `--cert`/`--key`: client certificate and key for mutual TLS (PEM).
    pub cert: Option<std::path::PathBuf>,
    pub key: Option<std::path::PathBuf>,
    pub insecure: Insecure,
    /// `--tls-version`: the version asked for (`None`: 1.2 and 1.3).
    pub version: Option<TlsVersion>,
    /// `--tls-version` means "this version or later" (libmosquitto) rather than "only this one".
    pub version_is_minimum: bool,
    /// `--ciphers`: an OpenSSL cipher list (TLS 1.2), or TLS 1.3 suites with `--tls-version tlsv1.3`.
    pub ciphers: Option<String>,
    /// `--tls-alpn`.
    pub alpn: Vec<String>,
    /// `--tls-use-os-certs` (also implied by mqtts:// and -p 8883 without a CA): the system store.
    pub os_certs: bool,
    /// `--psk`/`--psk-identity`: TLS-PSK instead of certificates.
    pub psk: Option<Psk>,
    /// `--tls-keylog`: append the session secrets here (NSS key log format).
    pub keylog: Option<std::path::PathBuf>,
    /// Report failures as mosquitto 2.1's clients do (exit codes and texts) rather than by cause.
    pub mosquitto_errors: bool,
}

/// A TLS pre-shared key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Psk {
    /// The key as hexadecimal digits (checked before connecting).
    pub hex: String,
    pub identity: String,
}

/// How much certificate checking `--insecure` switches off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Insecure {
    #[default]
    No,
    /// Skip the host name check only (libmosquitto's `--insecure` on its own).
    Hostname,
    /// No verification of the broker's certificate at all (mqtk's `--insecure`; libmosquitto's when
    /// `--tls-version` or `--ciphers` is also given).
    All,
}

/// TLS protocol versions (`--tls-version`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsVersion {
    V12,
    V13,
}

/// A proxy between us and the broker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proxy {
    pub kind: ProxyKind,
    pub host: String,
    pub port: u16,
    pub username: Option<String>,
    pub password: Option<String>,
}

/// Proxy protocols.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyKind {
    /// SOCKS5, the proxy resolves the broker's name (`socks5h://`).
    Socks5h,
    /// HTTP CONNECT (`http://`).
    Http,
}

/// Everything needed to connect, validated: nothing here can make rumqttc panic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub endpoint: Endpoint,
    pub protocol: Protocol,
    /// The client id sent in CONNECT; empty lets the broker assign one (mosquitto's default).
    pub client_id: String,
    /// Keepalive in seconds (5..=65535, as mosquitto requires).
    pub keepalive: u16,
    /// Clean session (v3.1.1) / clean start (v5).
    pub clean: bool,
    /// v5 session expiry interval.
    pub session_expiry: Option<u32>,
    pub username: Option<String>,
    pub password: Option<String>,
    pub will: Option<Will>,
    pub nodelay: bool,
    /// Outgoing QoS 1/2 messages in flight at once (`-M`, at least 1).
    pub inflight: u16,
    /// v5 CONNECT properties (`-D connect …`).
    pub connect_properties: Properties,
    /// Reconnect after a lost connection instead of failing (sub and `pub -l` do, as mosquitto).
    pub reconnect: bool,
    /// Print mosquitto's `-d` lines on stdout.
    pub debug: bool,
    /// Silence runtime warnings and errors (`--quiet`).
    pub quiet: bool,
    /// `--trace`: every packet on stderr, handshakes timed.
    pub trace: Option<TraceFormat>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            endpoint: Endpoint {
                host: "localhost".into(),
                port: 1883,
                transport: Transport::Tcp,
                proxy: None,
                bind: None,
            },
            protocol: Protocol::V311,
            client_id: String::new(),
            keepalive: 60,
            clean: true,
            session_expiry: None,
            username: None,
            password: None,
            will: None,
            nodelay: false,
            inflight: 20,
            connect_properties: Properties::default(),
            reconnect: false,
            debug: false,
            quiet: false,
            trace: None,
        }
    }
}

impl Options {
    /// How long to wait for the TCP connection and the CONNACK: mosquitto gives up on a silent broker
    /// after one keepalive period.
    fn connect_timeout(&self) -> Duration {
        Duration::from_secs(u64::from(self.keepalive.max(5)))
    }
}

/// A PUBLISH to send.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// The topic; empty only when a v5 topic alias stands for it.
    pub topic: String,
    pub payload: Bytes,
    pub qos: Qos,
    pub retain: bool,
    /// v5 PUBLISH properties.
    pub properties: Option<rumqttc::v5::mqttbytes::v5::PublishProperties>,
}

/// One subscription request.
#[derive(Debug, Clone)]
pub struct Subscription {
    pub filter: String,
    pub qos: Qos,
    /// v5 subscription options: no-local, retain-as-published, retain handling.
    pub no_local: bool,
    pub retain_as_published: bool,
    pub retain_handling: u8,
}
