//! `mqtk bench` flags.

use std::path::PathBuf;

use clap::Args;

use super::conn::ConnArgs;

/// Benchmark a broker: throughput, latency percentiles, loss
#[derive(Debug, Clone, Args)]
pub struct BenchArgs {
    /// What to measure: pubsub (end to end), pub (publish → ack), sub (count what others publish),
    /// conn (connection rate and CONNECT → CONNACK latency)
    #[arg(value_name = "SCENARIO", default_value = "pubsub", value_parser = ["pubsub", "pub", "sub", "conn"])]
    pub scenario: String,

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

    /// Seconds to publish after the warm-up [default: 10]
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    pub duration: Option<f64>,

    /// Seconds at the start excluded from the results [default: 1 with --duration, 0 with --count]
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    pub warmup: Option<f64>,

    /// QoS of publishes and subscriptions: 0, 1 or 2
    #[arg(short = 'q', long, value_name = "QOS", default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..=2))]
    pub qos: u8,

    /// Payload size in bytes, up to the MQTT limit; under 20 (no room for sequence number and send time) only counts and loss are measured
    #[arg(long, value_name = "BYTES", default_value_t = 64)]
    pub size: usize,

    /// Offered load in messages per second over all publishers [default: as fast as possible]
    #[arg(long, value_name = "MSGS", allow_negative_numbers = true)]
    pub rate: Option<f64>,

    /// QoS 1/2 messages in flight per publisher (same as -M) [default: 20]
    #[arg(long, value_name = "N")]
    pub inflight: Option<u16>,

    /// New connections per second [default: all at once]
    #[arg(long = "connect-rate", value_name = "N", allow_negative_numbers = true)]
    pub connect_rate: Option<f64>,

    /// Publisher topic template: %i publisher index, %c client id
    #[arg(
        short = 't',
        long,
        value_name = "TEMPLATE",
        default_value = "mqtk/bench/%i"
    )]
    pub topic: String,

    /// Subscriber filter template: %i subscriber index, %c client id [default: the topic with %i as +]
    #[arg(long = "sub-topic", value_name = "TEMPLATE")]
    pub sub_topic: Option<String>,

    /// Print the summary as JSON on stdout
    #[arg(long)]
    pub json: bool,

    /// Write a per-second series (sent, acked, received) to this file
    #[arg(long, value_name = "PATH")]
    pub series: Option<PathBuf>,

    /// Series format
    #[arg(long = "series-format", value_name = "FORMAT", default_value = "csv", value_parser = ["csv", "ndjson"])]
    pub series_format: String,

    #[command(flatten)]
    pub conn: ConnArgs,
}
