//! `mqtk retain-clear`: find the retained messages under some filters and clear them safely.
//!
//! connect → collect (QoS 0 subscription; ends at the first live message or after `--idle`) →
//! confirm (only for `-t '#'` without `--yes`) → clear (empty retained QoS 1 publish per topic, every
//! PUBACK awaited) → verify (subscribe again, with `--verify`) → disconnect → report. `-W` and
//! SIGINT/SIGTERM can stop any phase; the message then says how far clearing got.

mod clear;
mod collect;
mod confirm;
mod link;
mod progress;
mod report;
mod tree;

use std::io::{IsTerminal, Write};
use std::time::Duration;

use tokio::time::Instant;

use self::clear::{Cleared, clear};
use self::collect::{Collect, collect};
use self::confirm::Terminal;
use self::link::{Halt, Link};
use self::progress::Progress;
use self::report::{RefusedTopic, Summary, TopicBytes, Verify};
use self::tree::{Scope, Tree};
use crate::conn::{Options, Properties};
use crate::exit::{Code, Failure};

/// A validated `retain-clear` invocation.
#[derive(Debug, Clone)]
pub struct Config {
    /// `-t`: the topics to clear (at least one filter).
    pub filters: Vec<String>,
    /// `-T`: topics to leave alone.
    pub exclude: Vec<String>,
    /// `--idle`: collection ends after this long without a new retained message.
    pub idle: Duration,
    /// `-W`: the whole run gives up after this long (exit 27).
    pub timeout: Option<Duration>,
    /// `--dry-run`: list, clear nothing.
    pub dry_run: bool,
    /// `--verify`: subscribe again after clearing and fail if anything is left.
    pub verify: bool,
    /// `--yes`: clear everything (`-t '#'`) without asking.
    pub yes: bool,
    /// `--json`: the summary as JSON on stdout.
    pub json: bool,
    /// v5 SUBSCRIBE properties (`-D subscribe …`).
    pub subscribe_properties: Properties,
    /// v5 PUBLISH properties for the clears (`-D publish …`).
    pub publish_properties: Properties,
}

/// Where a run is, for the message when it stops early (in the order they happen).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    #[default]
    Connecting,
    Collecting,
    Confirming,
    Clearing,
    Verifying,
    Disconnecting,
}

impl Phase {
    fn doing(self) -> &'static str {
        match self {
            Phase::Connecting => "connecting",
            Phase::Collecting => "collecting retained messages",
            Phase::Confirming => "waiting for confirmation",
            Phase::Clearing => "clearing",
            Phase::Verifying => "verifying",
            Phase::Disconnecting => "disconnecting",
        }
    }
}

/// What happened so far.
#[derive(Default)]
struct State {
    phase: Phase,
    /// Topics selected for clearing.
    total: usize,
    /// Topics found by the collection, and those of them left alone.
    found: usize,
    excluded: usize,
    cleared: Cleared,
}

impl State {
    /// How far clearing got, for a message about an early stop.
    fn done(&self) -> String {
        match self.phase {
            Phase::Connecting | Phase::Collecting | Phase::Confirming => {
                "nothing was cleared".to_string()
            }
            _ => format!(
                "{} of {} topics were cleared",
                self.cleared.topics.len(),
                self.total
            ),
        }
    }

    /// The failure for a run that stopped early.
    fn failure(&self, halt: Halt, timeout: Option<Duration>) -> Failure {
        let doing = self.phase.doing();
        let done = self.done();
        match halt {
            Halt::Timeout => {
                let seconds = timeout.map_or(0.0, |t| t.as_secs_f64());
                Failure::code(
                    Code::Timeout,
                    format!("Error: timed out after {seconds} s (-W) while {doing}; {done}.\n"),
                )
            }
            Halt::Interrupted => {
                // Ctrl-C at the question leaves the cursor after it.
                let newline = if self.phase == Phase::Confirming {
                    "\n"
                } else {
                    ""
                };
                Failure::code(
                    Code::Interrupted,
                    format!("{newline}Interrupted while {doing}; {done}.\n"),
                )
            }
            Halt::Lost(failure) => {
                let mut failure = failure.to_failure(false);
                if self.phase > Phase::Connecting {
                    failure.text.push_str(&format!("Error: {done}.\n"));
                }
                failure
            }
            Halt::Failed(failure) => failure,
        }
    }
}

/// What the phases found.
struct Outcome {
    tree: Tree,
    verify: Option<Tree>,
}

/// The confirmation question for clearing everything.
fn question(tree: &Tree, broker: &str) -> String {
    let excluded = match tree.excluded.len() {
        0 => String::new(),
        n => format!(" except {n} excluded"),
    };
    format!(
        "Clear {} retained messages ({} bytes) on {broker}, every topic under '#'{excluded}? This cannot be undone.",
        tree.topics.len(),
        tree.bytes()
    )
}

/// Collect, confirm, clear, verify.
async fn phases(
    link: &mut Link,
    config: &Config,
    scope: &Scope,
    terminal: Option<Terminal>,
    broker: &str,
    progress: &mut Progress,
    state: &mut State,
) -> Result<Outcome, Halt> {
    state.phase = Phase::Collecting;
    let mut how = Collect {
        scope,
        idle: config.idle,
        properties: &config.subscribe_properties,
        label: "collecting",
    };
    let tree = collect(link, &how, progress).await?;
    (state.found, state.excluded) = (tree.found(), tree.excluded.len());
    if config.dry_run {
        return Ok(Outcome { tree, verify: None });
    }
    if let Some(terminal) = terminal.filter(|_| !tree.topics.is_empty()) {
        state.phase = Phase::Confirming;
        let answer = link.wait_for(terminal.ask(question(&tree, broker))).await?;
        if !matches!(answer, Ok(true)) {
            return Err(Halt::Failed(Failure::code(
                Code::NotConfirmed,
                "Not confirmed: nothing was cleared.\n",
            )));
        }
    }
    state.phase = Phase::Clearing;
    let topics: Vec<(String, usize)> = tree.topics.iter().map(|(t, b)| (t.clone(), *b)).collect();
    state.total = topics.len();
    clear(
        link,
        &topics,
        &config.publish_properties,
        progress,
        &mut state.cleared,
    )
    .await?;
    let verify = if config.verify {
        state.phase = Phase::Verifying;
        how.label = "verifying";
        Some(collect(link, &how, progress).await?)
    } else {
        None
    };
    Ok(Outcome { tree, verify })
}

fn topic_list<'a>(topics: impl Iterator<Item = (&'a String, &'a usize)>) -> Vec<TopicBytes> {
    topics
        .map(|(topic, &bytes)| TopicBytes {
            topic: topic.clone(),
            bytes,
        })
        .collect()
}

/// The summary of a finished run.
fn summarise(config: &Config, outcome: &Outcome, cleared: &Cleared, elapsed_s: f64) -> Summary {
    let tree = &outcome.tree;
    let (count, bytes, topics) = if config.dry_run {
        (
            tree.topics.len(),
            tree.bytes(),
            topic_list(tree.topics.iter()),
        )
    } else {
        let mut done: Vec<(&String, &usize)> = cleared.topics.iter().map(|(t, b)| (t, b)).collect();
        done.sort();
        (done.len(), cleared.bytes(), topic_list(done.into_iter()))
    };
    Summary {
        dry_run: config.dry_run,
        found: tree.found(),
        excluded: tree.excluded.len(),
        cleared: count,
        bytes,
        refused: cleared
            .refused
            .iter()
            .map(|(t, r)| RefusedTopic::new(t.clone(), *r))
            .collect(),
        verify: outcome.verify.as_ref().map(|v| Verify {
            ok: v.topics.is_empty(),
            remaining: topic_list(v.topics.iter()),
        }),
        elapsed_s,
        topics,
        complete: true,
        error: None,
    }
}

/// A run that stopped part way: with `--json`, the summary of what was done goes to stdout first,
/// so a script learns what was cleared and why it stopped.
fn stopped(
    config: &Config,
    state: &State,
    started: std::time::Instant,
    failure: Failure,
) -> Failure {
    if !config.json {
        return failure;
    }
    let mut done: Vec<(&String, &usize)> =
        state.cleared.topics.iter().map(|(t, b)| (t, b)).collect();
    done.sort();
    let summary = Summary {
        dry_run: config.dry_run,
        found: state.found,
        excluded: state.excluded,
        cleared: done.len(),
        bytes: state.cleared.bytes(),
        refused: state
            .cleared
            .refused
            .iter()
            .map(|(t, r)| RefusedTopic::new(t.clone(), *r))
            .collect(),
        verify: None,
        elapsed_s: started.elapsed().as_secs_f64(),
        topics: topic_list(done.into_iter()),
        complete: false,
        error: Some(failure.text.trim().lines().collect::<Vec<_>>().join(" ")),
    };
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(report::json(&summary).as_bytes());
    let _ = out.flush();
    failure
}

/// Runs `retain-clear`; returns the exit status.
pub async fn run(mut conn: Options, config: Config) -> Result<u8, Failure> {
    let started = std::time::Instant::now();
    let quiet = conn.quiet;
    // The connection layer's one warning (a refused publish, named by packet id) is replaced by
    // ours, which names the topic.
    conn.quiet = true;
    let broker = format!("{}:{}", conn.endpoint.host, conn.endpoint.port);
    let scope = Scope {
        filters: config.filters.clone(),
        exclude: config.exclude.clone(),
    };
    // Refused before connecting: without a terminal nobody can confirm clearing everything.
    let terminal = if scope.everything() && !config.yes && !config.dry_run {
        Some(Terminal::open().ok_or_else(|| {
            Failure::code(
                Code::NotConfirmed,
                "Error: refusing to clear every retained message (-t '#') without --yes: there is no terminal to confirm on.\n",
            )
        })?)
    } else {
        None
    };
    let mut progress = Progress::new(std::io::stderr().is_terminal() && !quiet && !conn.debug);
    let deadline = config.timeout.map(|t| Instant::now() + t);
    let mut state = State::default();

    let mut link = match Link::connect(conn, deadline).await {
        Ok(link) => link,
        Err(halt) => {
            return Err(stopped(
                &config,
                &state,
                started,
                state.failure(halt, config.timeout),
            ));
        }
    };
    let phased = phases(
        &mut link,
        &config,
        &scope,
        terminal,
        &broker,
        &mut progress,
        &mut state,
    )
    .await;
    let outcome = match phased {
        Ok(outcome) => outcome,
        Err(halt) => {
            progress.clear();
            link.abort().await;
            return Err(stopped(
                &config,
                &state,
                started,
                state.failure(halt, config.timeout),
            ));
        }
    };
    state.phase = Phase::Disconnecting;
    if let Err(halt) = link.finish().await {
        return Err(stopped(
            &config,
            &state,
            started,
            state.failure(halt, config.timeout),
        ));
    }

    let summary = summarise(
        &config,
        &outcome,
        &state.cleared,
        started.elapsed().as_secs_f64(),
    );
    // A closed stdout (`| head`) is not an error: what was cleared is cleared.
    let mut out = std::io::stdout().lock();
    if config.json {
        let _ = out.write_all(report::json(&summary).as_bytes());
        let _ = out.flush();
    } else if config.dry_run {
        let _ = report::write_list(&mut std::io::BufWriter::new(&mut out), &summary.topics);
    }
    drop(out);
    if !quiet {
        let _ = std::io::stderr()
            .lock()
            .write_all(report::human(&summary).as_bytes());
    }
    if let Some(v) = summary.verify.as_ref().filter(|v| !v.ok) {
        let n = v.remaining.len();
        let what = if n == 1 {
            "1 retained message is".to_string()
        } else {
            format!("{n} retained messages are")
        };
        return Err(Failure::code(
            Code::StillRetained,
            format!("Error: {what} still there after clearing (--verify).\n"),
        ));
    }
    // As with `mqtk pub`: a refused publish makes the exit status its reason code.
    Ok(summary
        .refused
        .iter()
        .map(|r| r.reason)
        .max()
        .unwrap_or(Code::Success.number()))
}
