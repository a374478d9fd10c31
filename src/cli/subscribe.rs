//! `mqtk sub` / `mosquitto_sub` flags.

use std::ffi::OsString;

use clap::{ArgAction, Args};

use super::conn::ConnArgs;
use super::json_output::JsonArgs;
use super::schema::SchemaArgs;

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

    /// Print the topic before each payload
    #[arg(short = 'v', long)]
    pub verbose: bool,

    /// Do not add a newline after each message
    #[arg(short = 'N')]
    pub no_eol: bool,

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

    /// v5: keep the retain flag of forwarded messages
    #[arg(long = "retain-as-published")]
    pub retain_as_published: bool,

    /// Print only this percentage of messages, picked at random
    #[arg(
        long = "random-filter",
        value_name = "PERCENT",
        allow_hyphen_values = true
    )]
    pub random_filter: Option<String>,

    /// Output format (%t topic, %p payload, %j JSON, @H:@M strftime, %{$.path} JSONPath …)
    #[arg(short = 'F', value_name = "FORMAT", allow_hyphen_values = true)]
    pub format: Option<OsString>,

    /// Indent JSON output (%j, %J, --json)
    #[arg(long)]
    pub pretty: bool,

    #[command(flatten)]
    pub json_output: JsonArgs,

    /// Decode each payload as FORMAT for --where, --json-path, %{…}, --json and plain output (auto: by the v5 content type, else JSON)
    #[arg(long, value_name = "FORMAT", value_parser = ["json", "msgpack", "cbor", "protobuf", "sparkplug", "auto"], help_heading = "Binary payloads (mqtk only)")]
    pub decode: Option<String>,

    #[command(flatten)]
    pub schema: SchemaArgs,

    #[command(flatten)]
    pub conn: ConnArgs,
}

impl SubArgs {
    /// The first mqtk-only option given, if any (mosquitto_sub does not know them).
    pub fn mqtk_extension(&self) -> Option<&'static str> {
        if let Some(flag) = self.json_output.mqtk_extension() {
            Some(flag)
        } else if self.decode.is_some() {
            Some("--decode")
        } else if self.schema.proto.is_some() {
            Some("--proto")
        } else if self.schema.message_type.is_some() {
            Some("--message-type")
        } else {
            None
        }
    }
}
