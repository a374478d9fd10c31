//! The bench summary: a struct that serialises to the `--json` output, and the human table.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::config::Scenario;
use super::raw::Raw;
use super::stats::Latency;

/// The run's configuration, as reported.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ConfigReport {
    /// pubsub, pub, sub or conn.
    pub scenario: Scenario,
    /// Publishers.
    pub pubs: u32,
    /// Subscribers.
    pub subs: u32,
    /// Connections (`bench conn`).
    pub clients: u32,
    pub qos: u8,
    /// `--qos-mix`: the QoS of publisher i is `qos_mix[i % len]` (`qos` is the highest).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub qos_mix: Vec<u8>,
    /// Payload size, bytes.
    pub size: usize,
    /// Messages per publisher, when a count was given.
    pub count: Option<u64>,
    /// Measured duration asked for, seconds (when no count was given).
    pub duration_s: Option<f64>,
    /// Warm-up excluded from the results, seconds.
    pub warmup_s: f64,
    /// Offered rate over all publishers, msg/s (absent: as fast as possible).
    pub rate: Option<f64>,
    /// QoS 1/2 messages in flight per publisher.
    pub inflight: u16,
    /// Publisher topic template.
    pub topic: String,
    /// Subscriber filter template.
    pub sub_topic: String,
    /// MQTT version: "3.1.1" or "5".
    pub protocol: String,
}

/// Where the run happened.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Environment {
    /// mqtk's version.
    pub version: String,
    /// CPU cores of this machine.
    pub cores: usize,
    /// The broker, host:port.
    pub broker: String,
}

/// `bench conn --duration`: the connections held open.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct HeldReport {
    /// How long they were held, seconds.
    pub held_s: f64,
    /// Connected when the hold ended.
    pub connected_at_end: u64,
    /// Dropped while held (or not opened again after `--churn`) and not open again when the hold
    /// ended: the run is then incomplete.
    #[serde(default)]
    pub down_at_end: u64,
    /// Connections that dropped while held, and those taken up again.
    pub drops: u64,
    pub reconnects: u64,
    /// Closed and opened again by `--churn`.
    #[serde(default)]
    pub churned: u64,
    /// Connected at the end of each second since the first attempt.
    pub connected_per_s: Vec<u64>,
    /// CPU the bench used while holding (keepalives only), percent of one core.
    pub cpu_percent: f64,
    /// The bench's peak resident memory (VmHWM), bytes, and per connection held.
    pub rss_peak_bytes: u64,
    pub rss_per_connection_bytes: u64,
}

fn complete_by_default() -> bool {
    true
}

/// The summary of a run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    /// Whether the run measured what was asked: false when a client could not connect, a
    /// connection was lost, `--count` messages could not be sent (or received, in `bench sub`), or
    /// `bench sub` received nothing. The numbers are what was measured until then. (Read back by
    /// `bench merge`: a summary written before this field existed counts as complete.)
    #[serde(default = "complete_by_default")]
    pub complete: bool,
    /// Why the run is incomplete (absent when complete).
    #[serde(default)]
    pub error: Option<String>,
    /// Messages `--count` asked for that were never sent (a connection ended first); not lost.
    #[serde(default)]
    pub unsent: u64,
    /// Messages sent on a connection that failed before confirming them (written at QoS 0,
    /// acknowledged at QoS 1/2): the broker may or may not have them. In `sent`, not in `lost`.
    #[serde(default)]
    pub unconfirmed: u64,
    /// Messages published.
    pub sent: u64,
    /// Messages acknowledged (QoS 1/2) or written to the socket (QoS 0).
    pub acked: u64,
    /// Messages received, all subscribers together.
    pub received: u64,
    /// Messages a subscriber should have received and did not.
    pub lost: u64,
    /// Of those, messages of QoS 0 publishers (`--qos-mix`): lost, but not a failure.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub lost_qos0: u64,
    /// Messages a subscriber received more than once.
    pub duplicated: u64,
    /// Messages that arrived after a later message of the same publisher.
    pub out_of_order: u64,
    /// Publishes the broker refused with a reason code ≥ 0x80 (v5).
    pub refused: u64,
    /// Clients that could not connect or subscribe.
    pub connect_failures: u64,
    /// Clients whose connection broke during the run.
    pub connection_losses: u64,
    /// Achieved rate: received msg/s for pubsub and sub, published msg/s for pub, connections/s for conn.
    pub msgs_per_s: f64,
    /// `msgs_per_s` × payload size, MB/s (10^6 bytes).
    pub mb_per_s: f64,
    /// The rate asked for (absent: as fast as possible).
    pub offered_msgs_per_s: Option<f64>,
    /// Published msg/s inside the measurement window.
    pub publish_msgs_per_s: f64,
    /// The headline latency, µs: end to end (pubsub, sub), publish → ack (pub), CONNECT → CONNACK (conn).
    pub latency_us: Latency,
    /// Publish → PUBACK (QoS 1) or PUBCOMP (QoS 2), µs, from the intended send time.
    pub ack_latency_us: Latency,
    /// How far behind schedule the generator sent, µs.
    pub generator_lag_us: Latency,
    /// CPU used by this bench process, percent of one core.
    pub cpu_percent: f64,
    /// Length of the measurement window, seconds: the publishing window (pubsub, pub), the listening
    /// window (sub), the time to open every connection (conn).
    pub window_s: f64,
    /// The span `msgs_per_s` is measured over, seconds: pubsub from the window's first intended send
    /// to the last arrival of a message sent in it; sub from the first to the last arrival.
    pub rate_window_s: f64,
    /// Things that make the numbers less trustworthy.
    pub warnings: Vec<String>,
    pub config: ConfigReport,
    pub environment: Environment,
    /// How far apart the merged runs started publishing, ms (by each host's clock; `bench merge`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub start_skew_ms: Option<f64>,
    /// `bench conn --duration`: how the held connections fared.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub held: Option<HeldReport>,
    /// The histograms and window edges `bench merge` combines.
    pub raw: Raw,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// The bench's own CPU line and the header of the latency table under it.
fn cpu_and_latency_header(out: &mut String, cpu_percent: f64) {
    let _ = writeln!(
        out,
        "  bench CPU              {cpu_percent:.0} % of one core"
    );
    let _ = writeln!(
        out,
        "  latency (µs)           {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "min", "p50", "p90", "p99", "p99.9", "max", "mean"
    );
}

fn latency_row(out: &mut String, name: &str, l: &Latency) {
    if l.count == 0 {
        return;
    }
    let _ = writeln!(
        out,
        "  {name:<22} {:>9.1} {:>9.1} {:>9.1} {:>9.1} {:>9.1} {:>9.1} {:>9.1}",
        l.min, l.p50, l.p90, l.p99, l.p999, l.max, l.mean
    );
}

impl Report {
    /// For a merged summary: how many runs, and how far apart they started.
    fn runs_line(&self, out: &mut String) {
        if let Some(skew) = self.start_skew_ms {
            let _ = writeln!(
                out,
                "  runs                   {} merged; start skew {skew:.1} ms (by each host's clock)",
                self.raw.runs
            );
        }
    }

    /// The table people read at the end of a run.
    pub fn human(&self) -> String {
        let c = &self.config;
        let mut out = String::new();
        if c.scenario == Scenario::Conn {
            let _ = writeln!(
                out,
                "mqtk bench conn: {} connections, MQTT {}, broker {}",
                c.clients, c.protocol, self.environment.broker
            );
            let _ = writeln!(
                out,
                "  connected              {}   failed {}   in {:.2} s ({:.0} connections/s)",
                self.latency_us.count, self.connect_failures, self.window_s, self.msgs_per_s
            );
            if let Some(error) = &self.error {
                let _ = writeln!(out, "  INCOMPLETE             {error}");
            }
            self.runs_line(&mut out);
            if let Some(h) = &self.held {
                let _ = writeln!(
                    out,
                    "  held                   {:.1} s: {} connected at the end, {} dropped, {} reconnected, {} down at the end, {} churned",
                    h.held_s, h.connected_at_end, h.drops, h.reconnects, h.down_at_end, h.churned
                );
                let _ = writeln!(
                    out,
                    "  holding cost           {:.1} % of one core, {:.1} KiB RSS per connection ({:.0} MiB peak)",
                    h.cpu_percent,
                    h.rss_per_connection_bytes as f64 / 1024.0,
                    h.rss_peak_bytes as f64 / (1024.0 * 1024.0)
                );
                let series: Vec<String> = h.connected_per_s.iter().map(u64::to_string).collect();
                let _ = writeln!(out, "  connected each second  {}", series.join(" "));
            }
            cpu_and_latency_header(&mut out, self.cpu_percent);
            latency_row(&mut out, "CONNECT → CONNACK", &self.latency_us);
            for w in &self.warnings {
                let _ = writeln!(out, "  warning: {w}");
            }
            return out;
        }
        let rate = c
            .rate
            .map_or("unlimited".to_string(), |r| format!("{r} msg/s"));
        let clients = match c.scenario {
            Scenario::PubSub => format!("{} pub, {} sub", c.pubs, c.subs),
            Scenario::Pub => format!("{} pub", c.pubs),
            _ => format!("{} sub", c.subs),
        };
        let _ = writeln!(
            out,
            "mqtk bench {}: {clients}, QoS {}, {} B payloads, rate {rate}, MQTT {}, broker {}",
            c.scenario.name(),
            c.qos,
            c.size,
            c.protocol,
            self.environment.broker
        );
        if let Some(error) = &self.error {
            let _ = writeln!(out, "  INCOMPLETE             {error}");
        }
        let _ = writeln!(
            out,
            "  window                 {:.2} s (warm-up {:.1} s excluded)",
            self.window_s, c.warmup_s
        );
        self.runs_line(&mut out);
        if c.scenario != Scenario::Sub {
            let _ = writeln!(
                out,
                "  sent / acked           {} / {}",
                self.sent, self.acked
            );
        }
        if self.unsent > 0 {
            let _ = writeln!(out, "  never sent             {}", self.unsent);
        }
        if self.unconfirmed > 0 {
            let _ = writeln!(
                out,
                "  unconfirmed            {} (sent when a connection failed; fate unknown)",
                self.unconfirmed
            );
        }
        if c.scenario == Scenario::Pub {
            let _ = writeln!(out, "  lost                   {}", self.lost);
        } else {
            let _ = writeln!(
                out,
                "  received               {}   lost {}   duplicated {}   out of order {}",
                self.received, self.lost, self.duplicated, self.out_of_order
            );
        }
        if self.refused + self.connect_failures + self.connection_losses > 0 {
            let _ = writeln!(
                out,
                "  refused publishes {}   connect failures {}   connections lost {}",
                self.refused, self.connect_failures, self.connection_losses
            );
        }
        let offered = self
            .offered_msgs_per_s
            .map_or("-".to_string(), |r| format!("{r:.0}"));
        let side = if c.scenario == Scenario::Pub {
            "published"
        } else {
            "received"
        };
        let _ = write!(
            out,
            "  throughput             {:.0} msg/s {side} over {:.2} s ({:.2} MB/s)",
            self.msgs_per_s, self.rate_window_s, self.mb_per_s
        );
        let _ = match c.scenario {
            Scenario::PubSub => writeln!(
                out,
                "; published {:.0} msg/s; offered {offered}",
                self.publish_msgs_per_s
            ),
            Scenario::Pub => writeln!(out, "; offered {offered}"),
            _ => writeln!(out),
        };
        cpu_and_latency_header(&mut out, self.cpu_percent);
        let headline = match c.scenario {
            Scenario::PubSub | Scenario::Sub => "end to end",
            Scenario::Pub => "publish → ack",
            Scenario::Conn => "CONNECT → CONNACK",
        };
        latency_row(&mut out, headline, &self.latency_us);
        if c.scenario == Scenario::PubSub {
            latency_row(
                &mut out,
                if c.qos == 2 {
                    "publish → PUBCOMP"
                } else {
                    "publish → PUBACK"
                },
                &self.ack_latency_us,
            );
        }
        latency_row(&mut out, "generator lag", &self.generator_lag_us);
        for w in &self.warnings {
            let _ = writeln!(out, "  warning: {w}");
        }
        out
    }
}
