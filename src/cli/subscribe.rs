//! `mqtk sub` / `mosquitto_sub` flags.

use std::ffi::OsString;

use clap::{ArgAction, Args};

use super::conn::ConnArgs;
use super::json_output::JsonArgs;
use super::printing::PrintArgs;
use super::schema::DecodeArgs;
use super::subscription::SubscriptionArgs;

/// Subscribe and print messages: a drop-in for mosquitto_sub, plus JSONPath and NDJSON output.
#[derive(Debug, Clone, Args)]
pub struct SubArgs {
    /// Topic filter to subscribe to (repeatable; + and # wildcards)
    #[arg(short = 't', long, value_name = "FILTER", allow_hyphen_values = true, action = ArgAction::Append)]
    pub topic: Vec<OsString>,

    /// Do not print messages whose topic matches this filter (repeatable)
    #[arg(short = 'T', long = "filter-out", value_name = "FILTER", allow_hyphen_values = true, action = ArgAction::Append)]
    pub filter_out: Vec<OsString>,

    /// Unsubscribe from this filter after subscribing (repeatable)
    #[arg(short = 'U', long = "unsubscribe", value_name = "FILTER", allow_hyphen_values = true, action = ArgAction::Append)]
    pub unsubscribe: Vec<OsString>,

    /// Subscription QoS: 0, 1 or 2 [default: 0]
    #[arg(short = 'q', long, value_name = "QOS", allow_hyphen_values = true)]
    pub qos: Option<String>,

    #[command(flatten)]
    pub print: PrintArgs,

    /// Exit after this many messages
    #[arg(short = 'C', value_name = "COUNT", allow_hyphen_values = true)]
    pub count: Option<String>,

    /// Exit with status 27 after this many seconds
    #[arg(short = 'W', value_name = "SECONDS", allow_hyphen_values = true)]
    pub timeout: Option<String>,

    /// Do not print retained messages
    #[arg(short = 'R')]
    pub no_retained: bool,

    /// Exit once the subscriptions are acknowledged
    #[arg(short = 'E')]
    pub exit_after_subscribe: bool,

    /// Print only retained messages; stop at the first live one
    #[arg(long = "retained-only")]
    pub retained_only: bool,

    /// Clear each retained message received (empty retained publish at QoS 1)
    #[arg(long = "remove-retained")]
    pub remove_retained: bool,

    #[command(flatten)]
    pub subscription: SubscriptionArgs,

    /// Print how many messages arrived each second instead of the messages
    #[arg(long = "message-rate")]
    pub message_rate: bool,

    /// Print each topic's messages on its own fixed terminal line (ANSI; mqtk: plain lines when
    /// stdout is not a terminal)
    #[arg(short = 'w', long)]
    pub watch: bool,

    /// Print only this percentage of messages, picked at random
    #[arg(
        long = "random-filter",
        value_name = "PERCENT",
        allow_hyphen_values = true
    )]
    pub random_filter: Option<String>,

    #[command(flatten)]
    pub json_output: JsonArgs,

    #[command(flatten)]
    pub decode: DecodeArgs,

    #[command(flatten)]
    pub conn: ConnArgs,
}

impl SubArgs {
    /// The first mqtk-only option given, if any (mosquitto_sub does not know them).
    pub fn mqtk_extension(&self) -> Option<&'static str> {
        self.json_output
            .mqtk_extension()
            .or_else(|| self.decode.mqtk_extension())
    }
}
