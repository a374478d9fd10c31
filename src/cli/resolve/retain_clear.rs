//! `retain-clear` flags to a validated [`crate::cmd::retain_clear::Config`].

use std::time::Duration;

use super::Parsed;
use super::connection::connection;
use crate::cli::Personality;
use crate::cli::properties;
use crate::cli::retain_clear::{RetainClearArgs, filter_problem};
use crate::cmd::retain_clear::Config;
use crate::conn::Options;
use crate::conn::topic::{self, TopicError};
use crate::exit::Failure;

/// A validated `retain-clear` invocation.
#[derive(Debug)]
pub struct RetainClearRequest {
    pub conn: Options,
    pub config: Config,
}

/// Resolves `retain-clear`: the connection options and the command's config.
pub fn retain_clear(parsed: &Parsed) -> Result<RetainClearRequest, Failure> {
    let args: RetainClearArgs = parsed.args()?;
    let props = properties::parse(&parsed.scanned.properties, Personality::Mqtk)?;
    let (conn, url_topic) = connection(
        &args.conn,
        parsed.matches,
        parsed.scanned,
        &props,
        Personality::Mqtk,
    )?;
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
    use crate::cli::Request;
    use crate::cli::retain_clear::DEFAULT_IDLE_MS;

    fn parse(args: &[&str]) -> Result<Request, Failure> {
        let argv = ["mqtk", "retain-clear"].iter().chain(args).map(Into::into);
        crate::cli::parse(argv.collect())
            .map(|i| i.request)
            .map_err(|(f, _)| f)
    }

    fn parse_ok(args: &[&str]) -> RetainClearRequest {
        match parse(args) {
            Ok(Request::RetainClear(r)) => r,
            Ok(other) => panic!("not a retain-clear request: {other:?}"),
            Err(f) => panic!("parse failed: {}", f.text),
        }
    }

    fn parse_err(args: &[&str]) -> Failure {
        match parse(args) {
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
