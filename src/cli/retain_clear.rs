//! `mqtk retain-clear` flags, their value parsers, and their translation into
//! [`crate::cmd::retain_clear::Config`].

use std::ffi::OsString;
use std::time::Duration;

use clap::{ArgAction, ArgMatches, Args, CommandFactory, FromArgMatches};

use super::conn::ConnArgs;
use super::resolve::connection;
use super::{
    Cli, Personality, Request, argv, clap_failure, optfile, options_file_seen, properties,
};
use crate::cmd::retain_clear::Config;
use crate::conn::Options;
use crate::conn::topic::{self, TopicError};
use crate::exit::Failure;

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

/// Find the retained messages under some filters and clear them (empty retained publish at QoS 1).
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
fn filter_problem(error: TopicError) -> std::borrow::Cow<'static, str> {
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
/// is refused by [`resolve`]: clap would quote all of it in its message.
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

/// A validated `retain-clear` invocation.
#[derive(Debug)]
pub struct RetainClearRequest {
    pub conn: Options,
    pub config: Config,
}

/// Parses everything after `mqtk retain-clear`. `-D` is taken out first, as for `pub`/`sub`, because
/// it has three or four words depending on the property.
pub(super) fn parse(args: Vec<OsString>, program: &str) -> Result<Request, Failure> {
    let explicit = optfile::prescan(&args)?;
    let file = optfile::load(
        explicit.as_ref(),
        optfile::DefaultFile::Mqtk("retain-clear"),
    )?;
    let definitions = RetainClearArgs::augment_args(clap::Command::new("retain-clear"));
    let scanned = argv::scan(&definitions, &file, args, false)?;
    let mut argv = vec![OsString::from("mqtk"), OsString::from("retain-clear")];
    argv.extend(scanned.args.iter().cloned());
    // The whole tree parses it, so help and errors name the command as `mqtk retain-clear`.
    let matches = match Cli::command().try_get_matches_from(argv) {
        Ok(m) => m,
        Err(e) => return clap_failure(e, Personality::Mqtk, program),
    };
    let Some(matches) = matches.subcommand_matches("retain-clear") else {
        return Err(Failure::usage("Error: retain-clear arguments not found.\n"));
    };
    let parsed = RetainClearArgs::from_arg_matches(matches)
        .map_err(|e| Failure::usage(format!("Error: {e}\n")))?;
    options_file_seen(explicit.as_ref(), &parsed.conn)?;
    resolve(parsed, matches, &scanned).map(Request::RetainClear)
}

/// Turns the flags into the connection options and the command's config.
fn resolve(
    args: RetainClearArgs,
    matches: &ArgMatches,
    scanned: &argv::Scanned,
) -> Result<RetainClearRequest, Failure> {
    let props = properties::parse(&scanned.properties, Personality::Mqtk)?;
    let (conn, url_topic) = connection(&args.conn, matches, scanned, &props, Personality::Mqtk)?;
    if let Some(long) = args
        .topic
        .iter()
        .chain(&args.exclude)
        .find(|f| f.len() > topic::MAX_TOPIC_LEN)
    {
        return Err(Failure::usage(format!(
            "Error: invalid filter: {}.\n",
            filter_problem(TopicError::TooLong(long.len()))
        )));
    }
    let mut filters = args.topic;
    if let Some((text, _)) = url_topic {
        let filter = topic::check_filter(text.as_bytes()).map_err(|e| {
            Failure::usage(format!(
                "Error: invalid filter '{text}' in the -L URL: {}.\n",
                filter_problem(e)
            ))
        })?;
        filters.push(filter.to_string());
    }
    if filters.is_empty() {
        return Err(Failure::usage(
            "Error: say which retained messages to clear with -t FILTER (e.g. -t 'sensors/#').\n",
        ));
    }
    if props.publish.topic_alias().is_some() {
        return Err(Failure::usage(
            "Error: -D publish topic-alias cannot be used with retain-clear (every clear has its own topic).\n",
        ));
    }
    Ok(RetainClearRequest {
        conn,
        config: Config {
            filters,
            exclude: args.exclude,
            idle: Duration::from_millis(args.idle),
            timeout: args.timeout,
            dry_run: args.dry_run,
            verify: args.verify,
            yes: args.yes,
            json: args.json,
            subscribe_properties: props.subscribe,
            publish_properties: props.publish,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(args: &[&str]) -> RetainClearRequest {
        let args = args.iter().map(OsString::from).collect();
        match parse(args, "mqtk retain-clear") {
            Ok(Request::RetainClear(r)) => r,
            Ok(other) => panic!("not a retain-clear request: {other:?}"),
            Err(f) => panic!("parse failed: {}", f.text),
        }
    }

    fn parse_err(args: &[&str]) -> Failure {
        let args = args.iter().map(OsString::from).collect();
        match parse(args, "mqtk retain-clear") {
            Err(f) => f,
            Ok(r) => panic!("expected an error, got {r:?}"),
        }
    }

    #[test]
    fn defaults_and_flags() {
        let r = parse_ok(&["-t", "a/#", "-t", "b/+/c", "-T", "a/keep/#", "--dry-run"]);
        assert_eq!(r.config.filters, ["a/#", "b/+/c"]);
        assert_eq!(r.config.exclude, ["a/keep/#"]);
        assert_eq!(r.config.idle, Duration::from_millis(DEFAULT_IDLE_MS));
        assert_eq!(r.config.timeout, None);
        assert!(r.config.dry_run && !r.config.verify && !r.config.yes && !r.config.json);
        let r = parse_ok(&["-t", "#", "--idle", "250", "-W", "1.5", "--verify", "--yes"]);
        assert_eq!(r.config.idle, Duration::from_millis(250));
        assert_eq!(r.config.timeout, Some(Duration::from_millis(1500)));
        assert!(r.config.verify && r.config.yes);
    }

    #[test]
    fn properties_are_scanned_like_pub_and_sub() {
        let r = parse_ok(&[
            "-t",
            "a",
            "-D",
            "connect",
            "user-property",
            "k",
            "v",
            "-D",
            "publish",
            "content-type",
            "x",
        ]);
        assert_eq!(r.conn.protocol, crate::conn::Protocol::V5);
        assert_eq!(r.conn.connect_properties.user(), [("k".into(), "v".into())]);
        assert!(!r.config.publish_properties.is_empty());
        let f = parse_err(&["-t", "a", "-D", "publish", "topic-alias", "1"]);
        assert!(f.usage && f.text.contains("topic-alias"), "{}", f.text);
    }

    #[test]
    fn usage_errors() {
        for bad in [
            &["-t", "a/#/b"][..],
            &["-t", ""],
            &["-t", "a", "-T", "x+"],
            &["-t", "a", "--idle", "0"],
            &["-t", "a", "-W", "0"],
            &["-t", "a", "-W", "soon"],
            &["-t", "a", "--dry-run", "--verify"],
            &["-T", "a"],
            &["-t"],
        ] {
            let f = parse_err(bad);
            assert!(f.usage, "{bad:?}: {}", f.text);
            assert_eq!(f.status, 1, "{bad:?}");
            assert_eq!(f.text.trim_end().lines().count(), 1, "{bad:?}: {}", f.text);
        }
    }

    #[test]
    fn url_topic_is_a_filter() {
        let r = parse_ok(&["-L", "mqtt://example.com:1884/a/+/c"]);
        assert_eq!(r.config.filters, ["a/+/c"]);
        assert_eq!(r.conn.endpoint.port, 1884);
    }
}
