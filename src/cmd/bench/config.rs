//! What a bench run measures and how: the validated configuration.

use std::path::PathBuf;
use std::time::Duration;

use crate::conn::{Options, Qos};

/// What to measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
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
    /// Publisher topic template: `%i` publisher index, `%c` client id.
    pub topic: String,
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
