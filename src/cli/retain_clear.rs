//! `mqtk retain-clear` flags and their value parsers.

use std::time::Duration;

use clap::{ArgAction, Args};

use super::conn::ConnArgs;
use crate::conn::topic::{self, TopicError};

/// How long collection waits for the next retained message before it considers the tree complete.
/// Measured on a local mosquitto 2.0 (10,000 and 60,000 topics, release and debug builds, loaded
/// machine): the longest gap between two retained messages was 43 ms (a TCP delayed-ACK stall), and
/// 50 ms already collected every topic; 500 ms leaves a tenfold margin for slower machines and links.
pub const DEFAULT_IDLE_MS: u64 = 500;

/// What `--help` and the man page say after the options.
const AFTER_HELP: &str = "\
Collects the retained messages under the filters (QoS 0 subscription), then clears each topic with
an empty retained message at QoS 1 and waits for every acknowledgement. Topics starting with '$'
($SYS/...) are only cleared when a filter names them (-t '$SYS/#'). Clearing everything (-t '#')
asks on the terminal first, and is refused without a terminal unless --yes is given. A progress
line is drawn on stderr for large trees, only when stderr is a terminal.

Output:
  stderr: cleared N topics (M bytes)[; K excluded]
          ('would clear ...' with --dry-run)
  stdout: --dry-run: one 'BYTES<TAB>TOPIC' line per topic, sorted
          --json: one JSON object: dry_run, found, excluded, cleared,
          bytes, refused, verify, elapsed_s, topics, complete, error
          (also when the run fails part way: complete false, error
          says why, cleared what was cleared until then)

Exit status:
  0     done, also when no retained message matched
  1     usage error, or the broker cannot be reached
  2, 7  the connection failed or was lost part way
  27    -W ran out
  75    --verify found retained messages left
  77    clearing everything (-t '#') was not confirmed
  130   interrupted by SIGINT or SIGTERM
  128+  the broker refused the subscription (SUBACK code) or a
        clear (MQTT v5 PUBACK reason); a refused connection exits
        with its CONNACK code, as with mqtk sub

Examples:
  mqtk retain-clear -h broker.lan -t 'lab/#' -T 'lab/keep/#' --dry-run
  mqtk retain-clear -h broker.lan -t 'lab/#' -T 'lab/keep/#' --verify";

/// Find retained messages under topic filters and clear them safely
#[derive(Debug, Clone, Args)]
#[command(after_help = AFTER_HELP)]
pub struct RetainClearArgs {
    /// Clear retained messages whose topic matches this filter (repeatable; + and # wildcards)
    #[arg(short = 't', long, value_name = "FILTER", allow_hyphen_values = true, action = ArgAction::Append, value_parser = filter_arg)]
    pub topic: Vec<String>,

    /// Leave topics matching this filter alone (repeatable)
    #[arg(short = 'T', long, value_name = "FILTER", allow_hyphen_values = true, action = ArgAction::Append, value_parser = filter_arg)]
    pub exclude: Vec<String>,

    /// Collection ends after this long without a new retained message (or at the first live one)
    #[arg(long, value_name = "MILLISECONDS", default_value_t = DEFAULT_IDLE_MS, value_parser = clap::value_parser!(u64).range(1..=3_600_000))]
    pub idle: u64,

    /// Give up after this many seconds in all (exit 27)
    #[arg(short = 'W', value_name = "SECONDS", allow_hyphen_values = true, value_parser = seconds_arg)]
    pub timeout: Option<Duration>,

    /// List what would be cleared (bytes, tab, topic; one line each) and clear nothing
    #[arg(long = "dry-run")]
    pub dry_run: bool,

    /// Subscribe again after clearing and fail (exit 75) if any retained message is left
    #[arg(long, conflicts_with = "dry_run")]
    pub verify: bool,

    /// Do not ask before clearing everything (-t '#'); required when there is no terminal
    #[arg(long)]
    pub yes: bool,

    /// Print the summary as one JSON object on stdout
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub conn: ConnArgs,
}

/// Why a filter is invalid, in words.
pub(super) fn filter_problem(error: TopicError) -> std::borrow::Cow<'static, str> {
    let text = match error {
        TopicError::TooLong(len) => {
            return format!(
                "too long: {len} bytes (MQTT allows at most {})",
                topic::MAX_TOPIC_LEN
            )
            .into();
        }
        TopicError::MalformedUtf8 => {
            "not valid UTF-8 for MQTT (control characters are not allowed)"
        }
        TopicError::Empty => "a filter needs at least one character",
        TopicError::Invalid => "'+' must fill a whole level and '#' must be the whole last level",
    };
    text.into()
}

/// Value parser for `-t`/`-T`: a valid subscription filter. One that is too long passes here and
/// is refused when the command is resolved (`cli/resolve/retain_clear.rs`): clap would quote all of
/// it in its message.
fn filter_arg(text: &str) -> Result<String, String> {
    match topic::check_filter(text.as_bytes()) {
        Ok(filter) => Ok(filter.to_string()),
        Err(TopicError::TooLong(_)) => Ok(text.to_string()),
        Err(e) => Err(filter_problem(e).to_string()),
    }
}

/// Value parser for `-W`: a positive number of seconds (decimals allowed).
fn seconds_arg(text: &str) -> Result<Duration, String> {
    match text.trim().parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s <= 1e9 => Ok(Duration::from_secs_f64(s)),
        _ => Err("expected a number of seconds greater than 0".to_string()),
    }
}
