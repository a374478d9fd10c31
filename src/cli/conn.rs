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

    /// Maximum QoS 1/2 messages in flight [default: 20]
    #[arg(short = 'M', value_name = "COUNT", allow_hyphen_values = true)]
    pub max_inflight: Option<String>,

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

    /// Not supported yet: TLS comes with the transports
    #[arg(long, value_name = "FILE", hide = true, allow_hyphen_values = true)]
    pub cafile: Option<String>,
    #[arg(long, value_name = "DIR", hide = true, allow_hyphen_values = true)]
    pub capath: Option<String>,
    #[arg(long, value_name = "FILE", hide = true, allow_hyphen_values = true)]
    pub cert: Option<String>,
    #[arg(long, value_name = "FILE", hide = true, allow_hyphen_values = true)]
    pub key: Option<String>,
    #[arg(long, value_name = "FORM", hide = true, allow_hyphen_values = true)]
    pub keyform: Option<String>,
    #[arg(long, value_name = "LIST", hide = true, allow_hyphen_values = true)]
    pub ciphers: Option<String>,
    #[arg(
        long = "tls-version",
        value_name = "VERSION",
        hide = true,
        allow_hyphen_values = true
    )]
    pub tls_version: Option<String>,
    #[arg(
        long = "tls-alpn",
        value_name = "PROTOCOL",
        hide = true,
        allow_hyphen_values = true
    )]
    pub tls_alpn: Option<String>,
    #[arg(
        long = "tls-engine",
        value_name = "ENGINE",
        hide = true,
        allow_hyphen_values = true
    )]
    pub tls_engine: Option<String>,
    #[arg(
        long = "tls-engine-kpass-sha1",
        value_name = "SHA1",
        hide = true,
        allow_hyphen_values = true
    )]
    pub tls_engine_kpass_sha1: Option<String>,
    #[arg(long = "tls-use-os-certs", hide = true)]
    pub tls_use_os_certs: bool,
    #[arg(long, hide = true)]
    pub insecure: bool,
    #[arg(long, value_name = "KEY", hide = true, allow_hyphen_values = true)]
    pub psk: Option<String>,
    #[arg(
        long = "psk-identity",
        value_name = "ID",
        hide = true,
        allow_hyphen_values = true
    )]
    pub psk_identity: Option<String>,
    #[arg(long, value_name = "URL", hide = true, allow_hyphen_values = true)]
    pub proxy: Option<String>,
    #[arg(long, value_name = "PATH", hide = true, allow_hyphen_values = true)]
    pub unix: Option<String>,
    #[arg(
        short = 'A',
        value_name = "ADDRESS",
        hide = true,
        allow_hyphen_values = true
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
        } else {
            None
        }
    }

    /// The first transport option given that this release cannot honour yet.
    pub fn unsupported_transport(&self) -> Option<&'static str> {
        let given = [
            (self.cafile.is_some(), "--cafile"),
            (self.capath.is_some(), "--capath"),
            (self.cert.is_some(), "--cert"),
            (self.key.is_some(), "--key"),
            (self.keyform.is_some(), "--keyform"),
            (self.ciphers.is_some(), "--ciphers"),
            (self.tls_version.is_some(), "--tls-version"),
            (self.tls_alpn.is_some(), "--tls-alpn"),
            (self.tls_engine.is_some(), "--tls-engine"),
            (
                self.tls_engine_kpass_sha1.is_some(),
                "--tls-engine-kpass-sha1",
            ),
            (self.tls_use_os_certs, "--tls-use-os-certs"),
            (self.insecure, "--insecure"),
            (self.psk.is_some(), "--psk"),
            (self.psk_identity.is_some(), "--psk-identity"),
            (self.proxy.is_some(), "--proxy"),
            (self.unix.is_some(), "--unix"),
            (self.bind_address.is_some(), "-A"),
        ];
        given.into_iter().find(|(on, _)| *on).map(|(_, name)| name)
    }
}
