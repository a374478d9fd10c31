//! What a bench run measures and how: the validated configuration.

use std::path::PathBuf;
use std::time::Duration;

use crate::conn::{Options, Qos};

/// What to measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scenario {
    /// Publishers and subscribers: end-to-end throughput and latency.
    PubSub,
    /// Publishers only: publish rate and publish → acknowledgement latency.
    Pub,
    /// Subscribers only, counting what others publish.
    Sub,
    /// Connections only: CONNECT → CONNACK latency and connection rate.
    Conn,
}

impl Scenario {
    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::PubSub => "pubsub",
            Scenario::Pub => "pub",
            Scenario::Sub => "sub",
            Scenario::Conn => "conn",
        }
    }
}

/// How the per-second series is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeriesFormat {
    Csv,
    Ndjson,
}

/// A validated bench invocation.
#[derive(Debug, Clone)]
pub struct Config {
    pub scenario: Scenario,
    pub pubs: u32,
    pub subs: u32,
    /// `bench conn`: how many connections.
    pub clients: u32,
    /// Messages per publisher (when set, instead of a duration).
    pub count: Option<u64>,
    /// How long to publish after the warm-up (when no count is given).
    pub duration: Duration,
    /// Excluded from the results.
    pub warmup: Duration,
    pub qos: Qos,
    /// Payload size in bytes (at least the 20-byte header).
    pub size: usize,
    /// Offered rate in messages per second over all publishers; `None`: as fast as possible.
    pub rate: Option<f64>,
    /// Publisher topic template: `%i` publisher index, `%c` client id, `%t` topic number.
    pub topic: String,
    /// `--topics`: topics each publisher cycles over.
    pub topics: u32,
    /// Subscriber filter template: `%i` subscriber index, `%c` client id.
    pub sub_topic: String,
    /// New connections per second; `None`: all at once.
    pub connect_rate: Option<f64>,
    /// Client ids are `<prefix>-pub-<i>` / `-sub-<i>` / `-conn-<i>`.
    pub id_prefix: String,
    /// Print the summary as JSON on stdout.
    pub json: bool,
    /// Write the per-second series here.
    pub series: Option<(PathBuf, SeriesFormat)>,
    /// The connection options every client starts from.
    pub conn: Options,
    /// `bench merge`: the summaries to merge (nothing connects).
    pub merge: Vec<PathBuf>,
    /// Start publishing at this wall-clock time (`--start-at`).
    pub start_at: Option<std::time::SystemTime>,
    /// `bench conn --duration`: hold every connection open this long.
    pub hold: Option<Duration>,
    /// `--payload` / `--payload-file`: the payload after the bench header.
    pub payload: Option<std::sync::Arc<super::template::Template>>,
    /// `--qos-mix`: publisher i publishes at `qos_mix[i % len]` (empty: all at `qos`, which is
    /// then the highest of the mix, the subscribers' QoS).
    pub qos_mix: Vec<Qos>,
    /// `bench conn --churn`: connections closed and opened again per second while held.
    pub churn: Option<f64>,
    /// `--ifaddr`: local source addresses, one per connection in turn.
    pub ifaddrs: Vec<std::net::IpAddr>,
    /// `--prometheus`: where to serve the live counters.
    pub prometheus: Option<std::net::SocketAddr>,
}

impl Config {
    /// The QoS publisher `i` publishes at.
    pub fn pub_qos(&self, i: u32) -> Qos {
        if self.qos_mix.is_empty() {
            self.qos
        } else {
            self.qos_mix[i as usize % self.qos_mix.len()]
        }
    }
}

/// Expands a topic or client-id template for client `index`.
pub fn expand(template: &str, index: u32, client_id: &str) -> String {
    template
        .replace("%i", &index.to_string())
        .replace("%c", client_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates() {
        assert_eq!(expand("bench/%i", 3, "x"), "bench/3");
        assert_eq!(expand("t/%c/%i", 1, "cid"), "t/cid/1");
        assert_eq!(expand("fixed", 9, "x"), "fixed");
    }
}
