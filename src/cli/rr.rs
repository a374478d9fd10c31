//! `mqtk rr` / `mosquitto_rr` flags.

use std::ffi::OsString;

use clap::Args;

use super::conn::ConnArgs;
use super::json_output::JsonArgs;
use super::payload::PayloadArgs;
use super::printing::PrintArgs;
use super::schema::DecodeArgs;
use super::subscription::SubscriptionArgs;

/// Request/response: publish a request, wait for the response and print it (a drop-in for mosquitto_rr)
#[derive(Debug, Clone, Args)]
pub struct RrArgs {
    /// Topic the request is published to
    #[arg(
        short = 't',
        long = "topic",
        value_name = "TOPIC",
        allow_hyphen_values = true
    )]
    pub request_topic: Option<OsString>,

    /// Response topic: subscribed to, and sent with the request (MQTT v5)
    #[arg(short = 'e', value_name = "TOPIC", allow_hyphen_values = true)]
    pub response_topic: Option<OsString>,

    #[command(flatten)]
    pub payload: PayloadArgs,

    /// QoS of the request and of the response subscription: 0, 1 or 2 [default: 0]
    #[arg(short = 'q', long, value_name = "QOS", allow_hyphen_values = true)]
    pub qos: Option<String>,

    /// Exit with status 27 when no response came within this many seconds
    #[arg(short = 'W', value_name = "SECONDS", allow_hyphen_values = true)]
    pub timeout: Option<String>,

    /// Print the time from publishing the request to the response's arrival
    #[arg(long)]
    pub latency: bool,

    #[command(flatten)]
    pub subscription: SubscriptionArgs,

    /// Do not print retained messages (v5: ask for none)
    #[arg(short = 'R')]
    pub no_retained: bool,

    #[command(flatten)]
    pub print: PrintArgs,

    /// Wait for this many responses [default: 1]
    #[arg(
        short = 'C',
        value_name = "COUNT",
        allow_hyphen_values = true,
        help_heading = "mqtk only"
    )]
    pub count: Option<String>,

    #[command(flatten)]
    pub json_output: JsonArgs,

    #[command(flatten)]
    pub decode: DecodeArgs,

    #[command(flatten)]
    pub conn: ConnArgs,
}

impl RrArgs {
    /// The first mqtk-only option given, if any (mosquitto_rr does not know them).
    pub fn mqtk_extension(&self) -> Option<&'static str> {
        match self.count {
            Some(_) => Some("-C"),
            None => self
                .json_output
                .mqtk_extension()
                .or_else(|| self.decode.mqtk_extension()),
        }
    }
}
