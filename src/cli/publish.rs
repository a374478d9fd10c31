//! `mqtk pub` / `mosquitto_pub` flags.

use std::ffi::OsString;

use clap::{ArgAction, Args};

use super::conn::ConnArgs;
use super::payload::PayloadArgs;
use super::schema::SchemaArgs;

/// Publish a message: a drop-in for mosquitto_pub.
#[derive(Debug, Clone, Args)]
pub struct PubArgs {
    /// Topic to publish to
    #[arg(short = 't', long, value_name = "TOPIC", allow_hyphen_values = true)]
    pub topic: Option<OsString>,

    #[command(flatten)]
    pub payload: PayloadArgs,

    /// Send each line of stdin as a message (streaming)
    #[arg(short = 'l', long = "stdin-line", action = ArgAction::Count)]
    pub stdin_line: u8,

    /// Quality of service: 0, 1 or 2 [default: 0]
    #[arg(short = 'q', long, value_name = "QOS", allow_hyphen_values = true)]
    pub qos: Option<String>,

    /// Ask the broker to retain the message
    #[arg(short = 'r', long)]
    pub retain: bool,

    /// Publish the message this many times (not with -l)
    #[arg(long, value_name = "COUNT", allow_hyphen_values = true)]
    pub repeat: Option<String>,

    /// Seconds to wait between repeats, after the previous one completes
    #[arg(
        long = "repeat-delay",
        value_name = "SECONDS",
        allow_hyphen_values = true
    )]
    pub repeat_delay: Option<String>,

    /// Read the message (-m, -f, -s, each -l line) as JSON and publish it encoded as FORMAT
    #[arg(long, value_name = "FORMAT", value_parser = ["msgpack", "cbor", "protobuf", "sparkplug"], help_heading = "Binary payloads (mqtk only)")]
    pub encode: Option<String>,

    #[command(flatten)]
    pub schema: SchemaArgs,

    /// Publish the messages `mqtk sub --json` recorded in FILE (- for stdin), each to its own topic
    #[arg(
        long,
        value_name = "FILE",
        help_heading = "Record and replay (mqtk only)"
    )]
    pub replay: Option<std::path::PathBuf>,

    /// With --replay: 1 keeps the recorded gaps, 2 halves them… [default: as fast as flow control allows]
    #[arg(
        long = "replay-speed",
        value_name = "FACTOR",
        allow_hyphen_values = true,
        help_heading = "Record and replay (mqtk only)"
    )]
    pub replay_speed: Option<String>,

    /// With --replay: check every record before sending any
    #[arg(long, help_heading = "Record and replay (mqtk only)")]
    pub strict: bool,

    #[command(flatten)]
    pub conn: ConnArgs,
}

impl PubArgs {
    /// The first mqtk-only option given, if any (mosquitto_pub does not know them).
    pub fn mqtk_extension(&self) -> Option<&'static str> {
        [
            (self.encode.is_some(), "--encode"),
            (self.schema.proto.is_some(), "--proto"),
            (self.schema.message_type.is_some(), "--message-type"),
            (self.replay.is_some(), "--replay"),
            (self.replay_speed.is_some(), "--replay-speed"),
            (self.strict, "--strict"),
        ]
        .into_iter()
        .find_map(|(given, flag)| given.then_some(flag))
    }
}
