//! `mqtk rr` / `mosquitto_rr` flags.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{ArgAction, Args};

use super::conn::ConnArgs;

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

    /// Send this message as the request (bytes as given)
    #[arg(short = 'm', long, value_name = "MESSAGE", allow_hyphen_values = true, action = ArgAction::Append)]
    pub message: Vec<OsString>,

    /// Send the contents of a file as the request
    #[arg(short = 'f', long, value_name = "FILE", allow_hyphen_values = true, action = ArgAction::Append)]
    pub file: Vec<PathBuf>,

    /// Read all of stdin and send it as the request
    #[arg(short = 's', long = "stdin-file", action = ArgAction::Count)]
    pub stdin_file: u8,

    /// Send a zero-length request
    #[arg(short = 'n', long = "null-message", action = ArgAction::Count)]
    pub null_message: u8,

    /// QoS of the request and of the response subscription: 0, 1 or 2 [default: 0]
    #[arg(short = 'q', long, value_name = "QOS", allow_hyphen_values = true)]
    pub qos: Option<String>,

    /// Exit with status 27 when no response came within this many seconds
    #[arg(short = 'W', value_name = "SECONDS", allow_hyphen_values = true)]
    pub timeout: Option<String>,

    /// Print the time from publishing the request to the response's arrival
    #[arg(long)]
    pub latency: bool,

    /// v5: when the broker sends retained messages on subscribing: always, new or never
    #[arg(
        long = "retain-handling",
        value_name = "WHEN",
        allow_hyphen_values = true
    )]
    pub retain_handling: Option<String>,

    /// v5: keep the retain flag of forwarded messages
    #[arg(long = "retain-as-published")]
    pub retain_as_published: bool,

    /// Do not print retained messages (v5: ask for none)
    #[arg(short = 'R')]
    pub no_retained: bool,

    /// Print the topic before the payload
    #[arg(short = 'v', long)]
    pub verbose: bool,

    /// Do not add a newline after the response
    #[arg(short = 'N')]
    pub no_eol: bool,

    /// Output format (%t topic, %p payload, %j JSON, %D correlation data, %{$.path} JSONPath …)
    #[arg(short = 'F', value_name = "FORMAT", allow_hyphen_values = true)]
    pub format: Option<OsString>,

    /// Indent JSON output (%j, %J, --json)
    #[arg(long)]
    pub pretty: bool,

    /// Wait for this many responses [default: 1]
    #[arg(
        short = 'C',
        value_name = "COUNT",
        allow_hyphen_values = true,
        help_heading = "mqtk only"
    )]
    pub count: Option<String>,

    /// Print the value(s) this JSONPath selects from the response instead of the payload (repeatable)
    #[arg(long = "json-path", value_name = "PATH", allow_hyphen_values = true, action = ArgAction::Append, help_heading = "mqtk only")]
    pub json_path: Vec<String>,

    /// Take only responses for which this JSONPath selects something (repeatable: all must match)
    #[arg(long = "where", value_name = "PATH", allow_hyphen_values = true, action = ArgAction::Append, help_heading = "mqtk only")]
    pub where_path: Vec<String>,

    /// Treat a non-JSON response or a path that selects nothing as an error (exit 65)
    #[arg(long, help_heading = "mqtk only")]
    pub strict: bool,

    /// Print each response as one JSON object per line (NDJSON)
    #[arg(long, help_heading = "mqtk only")]
    pub json: bool,

    #[command(flatten)]
    pub conn: ConnArgs,
}

impl RrArgs {
    /// The first mqtk-only option given, if any (mosquitto_rr does not know them).
    pub fn mqtk_extension(&self) -> Option<&'static str> {
        if self.count.is_some() {
            Some("-C")
        } else if !self.json_path.is_empty() {
            Some("--json-path")
        } else if !self.where_path.is_empty() {
            Some("--where")
        } else if self.strict {
            Some("--strict")
        } else if self.json {
            Some("--json")
        } else {
            None
        }
    }
}
