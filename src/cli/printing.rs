//! The printing flags `sub` and `rr` share (mosquitto_sub and mosquitto_rr have the same ones).

use std::ffi::OsString;

use clap::Args;

#[derive(Debug, Clone, Args)]
pub struct PrintArgs {
    /// Print the topic before the payload
    #[arg(short = 'v', long)]
    pub verbose: bool,

    /// Do not add a newline after each message
    #[arg(short = 'N')]
    pub no_eol: bool,

    /// Output format (%t topic, %p payload, %j JSON, @H:@M strftime, %{$.path} JSONPath …)
    #[arg(short = 'F', value_name = "FORMAT", allow_hyphen_values = true)]
    pub format: Option<OsString>,

    /// Indent JSON output (%j, %J, --json)
    #[arg(long)]
    pub pretty: bool,
}
