//! The connection flags every subcommand shares (flattened under the "Connection" help heading).

use std::ffi::OsString;

use clap::Args;

/// Connection options, with mosquitto's letters and defaults.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Connection")]
pub struct ConnArgs {
    /// Broker host name or address [default: localhost]
    #[arg(short = 'h', long, value_name = "HOST", allow_hyphen_values = true)]
    pub host: Option<String>,

    /// Broker port [default: 1883]
    #[arg(short = 'p', long, value_name = "PORT", allow_hyphen_values = true)]
    pub port: Option<String>,

    /// Broker URL: mqtt://[USER[:PASS]@]HOST[:PORT]/TOPIC
    #[arg(short = 'L', long, value_name = "URL", allow_hyphen_values = true)]
    pub url: Option<String>,

    /// Username
    #[arg(short = 'u', long, value_name = "USER", allow_hyphen_values = true)]
    pub username: Option<String>,

    /// Password
    #[arg(
        short = 'P',
        long = "pw",
        value_name = "PASSWORD",
        allow_hyphen_values = true
    )]
    pub password: Option<String>,

    /// Client id [default: assigned by the broker]
    #[arg(
        short = 'i',
        long = "id",
        value_name = "ID",
        allow_hyphen_values = true
    )]
    pub id: Option<OsString>,

    /// Client id prefix; the process id is appended
    #[arg(
        short = 'I',
        long = "id-prefix",
        value_name = "PREFIX",
        allow_hyphen_values = true
    )]
    pub id_prefix: Option<String>,

    /// Keepalive in seconds (5..65535) [default: 60]
    #[arg(short = 'k', long, value_name = "SECONDS", allow_hyphen_values = true)]
    pub keepalive: Option<String>,

    /// Keep the session on the broker (clean session off); needs -i
    #[arg(short = 'c', long = "disable-clean-session")]
    pub disable_clean_session: bool,

    /// v5 session expiry interval in seconds, or -1 / ∞ for never
    #[arg(short = 'x', value_name = "SECONDS", allow_hyphen_values = true)]
    pub session_expiry: Option<String>,

    /// MQTT version: 31, 311 or 5 (also mqttv31, mqttv311, mqttv5) [default: 311]
    #[arg(
        short = 'V',
        long = "protocol-version",
        value_name = "VERSION",
        allow_hyphen_values = true
    )]
    pub protocol_version: Option<String>,

    /// Maximum QoS 1/2 messages in flight [default: 20; `mqtk pub -l` in MQTT v5: the broker's receive maximum, up to 1000]
    #[arg(short = 'M', value_name = "COUNT", allow_hyphen_values = true)]
    pub max_inflight: Option<String>,

    // The argv scan takes every -D out before clap sees argv (a user property has four words, which
    // clap cannot say); this definition gives -D its help, man page and completions.
    /// MQTT v5 property: -D COMMAND NAME VALUE, or -D COMMAND user-property KEY VALUE
    #[arg(short = 'D', long = "property", value_names = ["COMMAND", "NAME", "VALUE"], num_args = 3)]
    pub property: Vec<String>,

    /// Topic of the last will
    #[arg(long = "will-topic", value_name = "TOPIC", allow_hyphen_values = true)]
    pub will_topic: Option<OsString>,

    /// Payload of the last will [default: empty]
    #[arg(
        long = "will-payload",
        value_name = "PAYLOAD",
        allow_hyphen_values = true
    )]
    pub will_payload: Option<OsString>,

    /// QoS of the last will [default: 0]
    #[arg(long = "will-qos", value_name = "QOS", allow_hyphen_values = true)]
    pub will_qos: Option<String>,

    /// Retain the last will
    #[arg(long = "will-retain")]
    pub will_retain: bool,

    /// Disable Nagle's algorithm (TCP_NODELAY)
    #[arg(long)]
    pub nodelay: bool,

    /// Print every packet as mosquitto's -d does (on stdout)
    #[arg(short = 'd', long)]
    pub debug: bool,

    /// Do not print runtime errors and warnings
    #[arg(long)]
    pub quiet: bool,

    /// Show every packet on stderr with its fields, and time each QoS 1/2 handshake (mqtk only)
    #[arg(long)]
    pub trace: bool,

    /// --trace output: text (for people) or json (one object per packet); implies --trace
    #[arg(long = "trace-format", value_name = "FORMAT", value_parser = ["text", "json"])]
    pub trace_format: Option<String>,

    /// Read options from this file (one option per line) instead of the default options file
    #[arg(short = 'o', value_name = "FILE", allow_hyphen_values = true)]
    pub options_file: Option<std::path::PathBuf>,

    /// Password from the first line of this file (mqtk; or set MQTK_PASSWORD, used with -u)
    #[arg(long = "pw-file", value_name = "FILE", allow_hyphen_values = true)]
    pub pw_file: Option<std::path::PathBuf>,

    /// Trust the CA certificates in this PEM file (turns TLS on; default port 8883)
    #[arg(
        long,
        value_name = "FILE",
        allow_hyphen_values = true,
        help_heading = "TLS"
    )]
    pub cafile: Option<String>,
    /// Trust the CA certificates (PEM) in this directory (turns TLS on)
    #[arg(
        long,
        value_name = "DIR",
        allow_hyphen_values = true,
        help_heading = "TLS"
    )]
    pub capath: Option<String>,
    /// Client certificate for mutual TLS (PEM; needs --key)
    #[arg(
        long,
        value_name = "FILE",
        allow_hyphen_values = true,
        help_heading = "TLS"
    )]
    pub cert: Option<String>,
    /// Client private key for mutual TLS (PEM; needs --cert)
    #[arg(
        long,
        value_name = "FILE",
        allow_hyphen_values = true,
        help_heading = "TLS"
    )]
    pub key: Option<String>,
    /// Key format: pem (engine is not supported)
    #[arg(
        long,
        value_name = "FORM",
        allow_hyphen_values = true,
        help_heading = "TLS"
    )]
    pub keyform: Option<String>,
    /// OpenSSL cipher list (TLS 1.2; TLS 1.3 suites with --tls-version tlsv1.3)
    #[arg(
        long,
        value_name = "LIST",
        allow_hyphen_values = true,
        help_heading = "TLS"
    )]
    pub ciphers: Option<String>,
    /// TLS version: tlsv1.3 or tlsv1.2 (mqtk: only this one; mosquitto: this or later)
    #[arg(
        long = "tls-version",
        value_name = "VERSION",
        allow_hyphen_values = true,
        help_heading = "TLS"
    )]
    pub tls_version: Option<String>,
    /// ALPN protocol to offer
    #[arg(
        long = "tls-alpn",
        value_name = "PROTOCOL",
        allow_hyphen_values = true,
        help_heading = "TLS"
    )]
    pub tls_alpn: Option<String>,
    /// OpenSSL engine (not supported)
    #[arg(
        long = "tls-engine",
        value_name = "ENGINE",
        allow_hyphen_values = true,
        help_heading = "TLS"
    )]
    pub tls_engine: Option<String>,
    /// OpenSSL engine key password hash (not supported)
    #[arg(
        long = "tls-engine-kpass-sha1",
        value_name = "SHA1",
        allow_hyphen_values = true,
        help_heading = "TLS"
    )]
    pub tls_engine_kpass_sha1: Option<String>,
    /// Trust the operating system's CA certificates (turns TLS on)
    #[arg(long = "tls-use-os-certs", help_heading = "TLS")]
    pub tls_use_os_certs: bool,
    /// Do not check the broker's host name (mqtk: nor its certificate chain)
    #[arg(long, help_heading = "TLS")]
    pub insecure: bool,
    /// TLS-PSK key, hexadecimal (needs --psk-identity; instead of --cafile/--capath)
    #[arg(
        long,
        value_name = "KEY",
        allow_hyphen_values = true,
        help_heading = "TLS"
    )]
    pub psk: Option<String>,
    /// TLS-PSK identity
    #[arg(
        long = "psk-identity",
        value_name = "ID",
        allow_hyphen_values = true,
        help_heading = "TLS"
    )]
    pub psk_identity: Option<String>,
    /// Append the TLS session secrets to this file (NSS key log format, for Wireshark; debugging only)
    #[arg(
        long = "tls-keylog",
        value_name = "FILE",
        allow_hyphen_values = true,
        help_heading = "TLS"
    )]
    pub tls_keylog: Option<String>,

    /// Connect over WebSockets (path /mqtt; with TLS options: wss)
    #[arg(long, help_heading = "Transport")]
    pub ws: bool,
    /// Do not use TLS, whatever else would turn it on (a CA file, mqtts://, port 8883)
    #[arg(long = "no-tls", help_heading = "TLS")]
    pub no_tls: bool,
    /// Connect through a proxy: socks5h://[USER[:PASS]@]HOST[:PORT] (mqtk also: http://…)
    #[arg(
        long,
        value_name = "URL",
        allow_hyphen_values = true,
        help_heading = "Transport"
    )]
    pub proxy: Option<String>,
    /// Connect to a Unix domain socket
    #[arg(
        long,
        value_name = "PATH",
        allow_hyphen_values = true,
        help_heading = "Transport"
    )]
    pub unix: Option<String>,
    /// Connect from this local address
    #[arg(
        short = 'A',
        value_name = "ADDRESS",
        allow_hyphen_values = true,
        help_heading = "Transport"
    )]
    pub bind_address: Option<String>,
}

impl ConnArgs {
    /// The first mqtk-only connection option given, if any (mosquitto's clients do not know them).
    pub fn mqtk_extension(&self) -> Option<&'static str> {
        if self.trace {
            Some("--trace")
        } else if self.trace_format.is_some() {
            Some("--trace-format")
        } else if self.pw_file.is_some() {
            Some("--pw-file")
        } else {
            None
        }
    }
}
