//! `mqtk bench` flags.

use std::path::PathBuf;

use clap::Args;

use super::conn::ConnArgs;

/// Benchmark a broker: throughput, latency percentiles, loss
#[derive(Debug, Clone, Args)]
pub struct BenchArgs {
    /// What to measure: pubsub (end to end), pub (publish → ack), sub (count what others publish),
    /// conn (connection rate and CONNECT → CONNACK latency), merge (combine --json summaries of
    /// separate runs into one)
    #[arg(value_name = "SCENARIO", default_value = "pubsub", value_parser = ["pubsub", "pub", "sub", "conn", "merge"])]
    pub scenario: String,

    /// `bench merge`: the --json summaries to merge
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Start publishing at this wall-clock time (RFC 3339, or +SECONDS from now), so runs on
    /// several hosts measure the same window
    #[arg(long = "start-at", value_name = "TIME")]
    pub start_at: Option<String>,

    /// Publishers
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub pubs: u32,

    /// Subscribers
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub subs: u32,

    /// Connections for `bench conn`
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub clients: u32,

    /// Messages per publisher (instead of --duration); `bench sub`: messages to receive in total
    #[arg(long, value_name = "N", conflicts_with = "duration")]
    pub count: Option<u64>,

    /// Seconds to publish after the warm-up [default: 10]; `bench conn`: seconds to hold every
    /// connection open once all are tried (without it, they close as soon as all are up)
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    pub duration: Option<f64>,

    /// Seconds at the start excluded from the results [default: 1 with --duration, 0 with --count]
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    pub warmup: Option<f64>,

    /// QoS of publishes and subscriptions: 0, 1 or 2
    #[arg(short = 'q', long, value_name = "QOS", default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..=2))]
    pub qos: u8,

    /// QoS of each publisher in turn, e.g. 0,0,1,2 (subscribers use the highest; instead of -q)
    #[arg(long = "qos-mix", value_name = "Q,Q,…", value_delimiter = ',', conflicts_with = "qos", value_parser = clap::value_parser!(u8).range(0..=2))]
    pub qos_mix: Vec<u8>,

    /// Payload size in bytes, up to the MQTT limit; under 20 (no room for sequence number and send time) only counts and loss are measured
    #[arg(long, value_name = "BYTES", default_value_t = 64)]
    pub size: usize,

    /// Payload after the 20-byte bench header: a template with {seq}, {ts} (µs since the epoch),
    /// {client} and {rand:A..B}; anything else is literal
    #[arg(long, value_name = "TEMPLATE", conflicts_with_all = ["size", "payload_file"])]
    pub payload: Option<String>,

    /// Like --payload, with the template read from a file
    #[arg(long = "payload-file", value_name = "PATH", conflicts_with = "size")]
    pub payload_file: Option<PathBuf>,

    /// Offered load in messages per second over all publishers [default: as fast as possible]
    #[arg(long, value_name = "MSGS", allow_negative_numbers = true)]
    pub rate: Option<f64>,

    /// QoS 1/2 messages in flight per publisher (same as -M) [default: 20]
    #[arg(long, value_name = "N")]
    pub inflight: Option<u16>,

    /// Local source addresses to connect from, used in turn (127.0.0.0/8 on loopback): more
    /// connections than one address has ports. `-A` with a list of addresses does the same
    #[arg(long, value_name = "A,B,C", value_delimiter = ',')]
    pub ifaddr: Vec<std::net::IpAddr>,

    /// `bench conn --duration`: close and reopen this many held connections per second
    #[arg(long, value_name = "RATE", allow_negative_numbers = true)]
    pub churn: Option<f64>,

    /// New connections per second [default: all at once]
    #[arg(long = "connect-rate", value_name = "N", allow_negative_numbers = true)]
    pub connect_rate: Option<f64>,

    /// Publisher topic template: %i publisher index, %c client id, %t topic number (--topics)
    #[arg(
        short = 't',
        long,
        value_name = "TEMPLATE",
        default_value = "mqtk/bench/%i"
    )]
    pub topic: String,

    /// Subscriber filter template: %i subscriber index, %c client id [default: the topic with %i,
    /// %c and %t as +]
    #[arg(long = "sub-topic", value_name = "TEMPLATE")]
    pub sub_topic: Option<String>,

    /// Topics each publisher cycles over (message n to topic n mod N): %t in the topic template,
    /// or a last level /%t added
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub topics: u32,

    /// Print the summary as JSON on stdout
    #[arg(long)]
    pub json: bool,

    /// Write a per-second series (sent, acked, received) to this file
    #[arg(long, value_name = "PATH")]
    pub series: Option<PathBuf>,

    /// Series format
    #[arg(long = "series-format", value_name = "FORMAT", default_value = "csv", value_parser = ["csv", "ndjson"])]
    pub series_format: String,

    /// Serve the live counters for Prometheus on http://ADDR/metrics while the run lasts
    /// (e.g. 127.0.0.1:9100)
    #[arg(long, value_name = "ADDR")]
    pub prometheus: Option<std::net::SocketAddr>,

    #[command(flatten)]
    pub conn: ConnArgs,
}
