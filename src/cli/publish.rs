//! `mqtk pub` / `mosquitto_pub` flags.

use std::ffi::OsString;

use clap::{ArgAction, Args};

use super::conn::ConnArgs;
use super::payload::PayloadArgs;

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

    #[command(flatten)]
    pub conn: ConnArgs,
}
