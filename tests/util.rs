//! Helpers shared by the integration tests: running the mqtk binary (and the
//! reference mosquitto clients) with a timeout and a clean environment,
//! alias symlinks, diffing asserts and a Rust MQTT test subscriber.
#![allow(dead_code)]

use std::fmt;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// Any single process run by a test is killed after this long, and the test
/// fails: a hang must not block CI.
pub const RUN_TIMEOUT: Duration = Duration::from_secs(30);
/// How long [`Subscriber::start`] waits for CONNACK + SUBACK.
pub const SUBSCRIBE_TIMEOUT: Duration = Duration::from_secs(10);

// ---------------------------------------------------------------------------
// Binaries
// ---------------------------------------------------------------------------

/// The mqtk binary under test.
pub fn mqtk() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_mqtk"))
}

/// A reference mosquitto client, e.g. `real("mosquitto_pub")` ->
/// `/usr/bin/mosquitto_pub`, for differential tests.
pub fn real(name: &str) -> PathBuf {
    let path = Path::new("/usr/bin").join(name);
    assert!(
        path.exists(),
        "reference client {} is not installed (apt-get install mosquitto-clients)",
        path.display()
    );
    path
}

/// A temp dir of symlinks to the mqtk binary, so mqtk can be run under the
/// names it dispatches on (`mosquitto_pub`, `mosquitto_sub`, `mqtk-pub`,
/// `mqtk-sub`). Lives as long as the value.
pub struct Alias {
    dir: TempDir,
}

impl Default for Alias {
    fn default() -> Alias {
        Alias::new()
    }
}

impl Alias {
    /// The standard aliases.
    pub const NAMES: &'static [&'static str] =
        &["mosquitto_pub", "mosquitto_sub", "mqtk-pub", "mqtk-sub"];

    pub fn new() -> Alias {
        Alias::with_names(Alias::NAMES)
    }

    /// Symlinks with arbitrary names.
    pub fn with_names(names: &[&str]) -> Alias {
        let dir = tempfile::Builder::new()
            .prefix("mqtk-alias-")
            .tempdir()
            .expect("alias temp dir");
        for name in names {
            std::os::unix::fs::symlink(mqtk(), dir.path().join(name))
                .unwrap_or_else(|e| panic!("symlink {name}: {e}"));
        }
        Alias { dir }
    }

    /// Path of the symlink called `name`; panics if there is none.
    pub fn path(&self, name: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        assert!(
            p.symlink_metadata().is_ok(),
            "no alias {name:?} in {}",
            self.dir.path().display()
        );
        p
    }

    /// The directory holding the symlinks (e.g. to prepend to PATH).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

// ---------------------------------------------------------------------------
// Running processes
// ---------------------------------------------------------------------------

/// The outcome of a finished process.
#[derive(Clone, PartialEq, Eq)]
pub struct Run {
    /// Exit code; `128 + signal` if killed by a signal.
    pub code: i32,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

impl Run {
    /// Lossy UTF-8 stdout, for assertions only.
    pub fn stdout_str(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    /// Lossy UTF-8 stderr, for assertions only.
    pub fn stderr_str(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }

    /// Panics (showing stdout and stderr) unless the exit code is `code`.
    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Run {
        if self.code != code {
            panic!("expected exit code {code}, got {self}");
        }
        self
    }

    /// Panics (showing stdout and stderr) unless the exit code is 0.
    #[track_caller]
    pub fn assert_success(&self) -> &Run {
        self.assert_code(0)
    }
}

impl fmt::Display for Run {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "exit code {}", self.code)?;
        writeln!(f, "{}", rule("stdout"))?;
        writeln!(f, "{}", self.stdout_str())?;
        writeln!(f, "{}", rule("stderr"))?;
        writeln!(f, "{}", self.stderr_str())?;
        write!(f, "{}", rule(""))
    }
}

impl fmt::Debug for Run {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

fn exit_code(status: ExitStatus) -> i32 {
    status
        .code()
        .unwrap_or_else(|| 128 + status.signal().unwrap_or(0))
}

/// Runs `program` with `args`, feeding `stdin` (or /dev/null if `None`),
/// in a clean environment (see [`Proc::spawn_env`]). Kills it and panics if
/// it runs longer than [`RUN_TIMEOUT`].
pub fn run(program: &Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
    run_env(program, args, stdin, &[])
}

/// [`run`] with extra environment variables, applied after the defaults
/// (so `HOME`/`XDG_CONFIG_HOME` can be overridden to point at a config).
pub fn run_env(program: &Path, args: &[&str], stdin: Option<&[u8]>, envs: &[(&str, &str)]) -> Run {
    let mut proc = Proc::start(program, args, envs, stdin.is_some());
    let writer = stdin.map(|data| {
        let data = data.to_vec();
        let mut pipe = proc.stdin.take().expect("stdin pipe");
        // A separate thread, so a child that does not read its stdin (or
        // exits early) cannot deadlock us; EPIPE is ignored.
        thread::spawn(move || {
            let _ = pipe.write_all(&data);
        })
    });
    let out = proc.wait(RUN_TIMEOUT);
    if let Some(w) = writer {
        let _ = w.join();
    }
    out
}

/// A process running in the background, for interactive tests
/// (`mqtk sub` printing lines, `mqtk pub -l` reading lines, signals).
/// Killed on drop.
pub struct Proc {
    child: Child,
    desc: String,
    stdin: Option<ChildStdin>,
    lines: Receiver<Vec<u8>>,
    stdout: Arc<Mutex<Vec<u8>>>,
    stderr: Arc<Mutex<Vec<u8>>>,
    readers: Vec<JoinHandle<()>>,
    _home: TempDir,
}

impl Proc {
    /// Spawns `program` with piped stdin/stdout/stderr in a clean environment.
    pub fn spawn(program: &Path, args: &[&str]) -> Proc {
        Proc::spawn_env(program, args, &[])
    }

    /// Spawns with extra environment variables. Every process gets
    /// `HOME` and `XDG_CONFIG_HOME` set to a fresh empty temp dir (so a
    /// user's `~/.config/mosquitto_pub` never leaks in) and `NO_COLOR=1`;
    /// `envs` are applied afterwards and may override these.
    pub fn spawn_env(program: &Path, args: &[&str], envs: &[(&str, &str)]) -> Proc {
        Proc::start(program, args, envs, true)
    }

    fn start(program: &Path, args: &[&str], envs: &[(&str, &str)], piped_stdin: bool) -> Proc {
        let home = tempfile::Builder::new()
            .prefix("mqtk-home-")
            .tempdir()
            .expect("home temp dir");
        let desc = format!("{} {}", program.display(), shell_words(args));
        let mut cmd = Command::new(program);
        cmd.args(args)
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path())
            .env("NO_COLOR", "1")
            .env_remove("CLICOLOR_FORCE")
            .env_remove("CLICOLOR")
            .stdin(if piped_stdin {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap_or_else(|e| panic!("spawn {desc}: {e}"));
        let stdin = child.stdin.take();
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let (line_tx, lines) = mpsc::channel();
        let out_pipe = child.stdout.take().expect("stdout pipe");
        let err_pipe = child.stderr.take().expect("stderr pipe");
        let out_buf = Arc::clone(&stdout);
        let err_buf = Arc::clone(&stderr);
        let readers = vec![
            thread::spawn(move || {
                let mut r = BufReader::new(out_pipe);
                loop {
                    let mut line = Vec::new();
                    match r.read_until(b'\n', &mut line) {
                        Ok(0) | Err(_) => break,
                        Ok(_) => {
                            out_buf.lock().unwrap().extend_from_slice(&line);
                            let _ = line_tx.send(line);
                        }
                    }
                }
            }),
            thread::spawn(move || {
                let mut r = err_pipe;
                let mut chunk = [0u8; 8192];
                loop {
                    match r.read(&mut chunk) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => err_buf.lock().unwrap().extend_from_slice(&chunk[..n]),
                    }
                }
            }),
        ];
        Proc {
            child,
            desc,
            stdin,
            lines,
            stdout,
            stderr,
            readers,
            _home: home,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Writes to the process's stdin (blocking; panics if stdin is closed
    /// or the process has gone away).
    pub fn write_stdin(&mut self, data: &[u8]) {
        let pipe = self.stdin.as_mut().expect("stdin already closed");
        pipe.write_all(data)
            .and_then(|_| pipe.flush())
            .unwrap_or_else(|e| panic!("write to stdin of {}: {e}", self.desc));
    }

    /// Closes stdin (EOF for the process).
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Writes `data` to stdin from a background thread, then closes stdin, so the test can watch
    /// the process while it reads (a child that stops reading cannot block the test; EPIPE is
    /// ignored).
    pub fn feed_stdin(&mut self, data: Vec<u8>) {
        let mut pipe = self.stdin.take().expect("stdin already closed");
        thread::spawn(move || {
            let _ = pipe.write_all(&data);
        });
    }

    /// The next stdout line (including its `\n`, if any), waiting up to
    /// `timeout`; `None` on timeout or EOF.
    pub fn recv_line(&self, timeout: Duration) -> Option<Vec<u8>> {
        self.lines.recv_timeout(timeout).ok()
    }

    /// The next stdout line as lossy UTF-8 without the trailing newline;
    /// panics (showing stderr) on timeout or EOF.
    #[track_caller]
    pub fn expect_line(&self, timeout: Duration) -> String {
        match self.lines.recv_timeout(timeout) {
            Ok(line) => {
                let s = String::from_utf8_lossy(&line);
                s.strip_suffix('\n').unwrap_or(&s).to_string()
            }
            Err(e) => panic!(
                "no stdout line from {} within {timeout:?} ({}); stderr so far:\n{}",
                self.desc,
                match e {
                    RecvTimeoutError::Timeout => "timeout",
                    RecvTimeoutError::Disconnected => "stdout closed",
                },
                String::from_utf8_lossy(&self.stderr.lock().unwrap())
            ),
        }
    }

    /// Stderr captured so far (lossy).
    pub fn stderr_so_far(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap()).into_owned()
    }

    /// Sends a signal by name (`"INT"`, `"TERM"`, `"HUP"`, ...) via kill(1).
    pub fn signal(&self, sig: &str) {
        let status = Command::new("kill")
            .arg("-s")
            .arg(sig)
            .arg(self.child.id().to_string())
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -s {sig} {} failed", self.child.id());
    }

    /// The exit code if the process has exited, without waiting.
    pub fn try_exit_code(&mut self) -> Option<i32> {
        self.child.try_wait().expect("try_wait").map(exit_code)
    }

    /// Waits for exit (stdin is closed first) and returns the outcome.
    /// Kills the process and panics if it does not exit within `timeout`.
    #[track_caller]
    pub fn wait(mut self, timeout: Duration) -> Run {
        self.close_stdin();
        let deadline = Instant::now() + timeout;
        let mut poll = Duration::from_millis(1);
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                break status;
            }
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                let partial = self.collect(-1);
                panic!(
                    "{} did not exit within {timeout:?} and was killed; output so far:\n{partial}",
                    self.desc
                );
            }
            thread::sleep(poll);
            poll = (poll * 2).min(Duration::from_millis(20));
        };
        self.collect(exit_code(status))
    }

    /// Kills the process (SIGKILL) and returns what it printed.
    pub fn kill(mut self) -> Run {
        let _ = self.child.kill();
        let status = self.child.wait().expect("wait after kill");
        self.collect(exit_code(status))
    }

    fn collect(&mut self, code: i32) -> Run {
        for r in self.readers.drain(..) {
            let _ = r.join();
        }
        Run {
            code,
            stdout: std::mem::take(&mut *self.stdout.lock().unwrap()),
            stderr: std::mem::take(&mut *self.stderr.lock().unwrap()),
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn shell_words(args: &[&str]) -> String {
    args.iter()
        .map(|a| {
            if !a.is_empty()
                && a.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+%".contains(c))
            {
                a.to_string()
            } else {
                format!("'{}'", a.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------------------
// Diffing asserts
// ---------------------------------------------------------------------------

fn rule(title: &str) -> String {
    if title.is_empty() {
        "-".repeat(60)
    } else {
        format!(
            "-- {title} {}",
            "-".repeat(56usize.saturating_sub(title.len()))
        )
    }
}

fn show(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => format!(
            "{} (not UTF-8: {:?})",
            String::from_utf8_lossy(bytes),
            bytes
        ),
    }
}

fn diff_report(label: &str, expected: &[u8], actual: &[u8]) -> Option<String> {
    if expected == actual {
        return None;
    }
    Some(format!(
        "{label}: mismatch\n{}\n{}\n{}\n{}\n{}",
        rule("expected"),
        show(expected),
        rule("actual"),
        show(actual),
        rule("")
    ))
}

/// Panics, printing expected and actual between rules, if they differ.
#[track_caller]
pub fn assert_same(label: &str, expected: impl AsRef<[u8]>, actual: impl AsRef<[u8]>) {
    if let Some(report) = diff_report(label, expected.as_ref(), actual.as_ref()) {
        panic!("\n{report}");
    }
}

/// Differential assert: exit code, stdout and stderr must all match;
/// reports every mismatch at once.
#[track_caller]
pub fn assert_same_run(label: &str, expected: &Run, actual: &Run) {
    let mut reports = Vec::new();
    if expected.code != actual.code {
        reports.push(format!(
            "{label}: exit code mismatch: expected {}, actual {}",
            expected.code, actual.code
        ));
    }
    if let Some(r) = diff_report(
        &format!("{label}: stdout"),
        &expected.stdout,
        &actual.stdout,
    ) {
        reports.push(r);
    }
    if let Some(r) = diff_report(
        &format!("{label}: stderr"),
        &expected.stderr,
        &actual.stderr,
    ) {
        reports.push(r);
    }
    if !reports.is_empty() {
        panic!("\n{}", reports.join("\n"));
    }
}

// ---------------------------------------------------------------------------
// Test subscriber
// ---------------------------------------------------------------------------

/// MQTT v5 publish properties as received by a v5 [`Subscriber`].
/// `message_expiry_interval` is what the broker forwards (the remaining
/// lifetime, which may be lower than what the publisher sent).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Props {
    pub payload_format_indicator: Option<u8>,
    pub message_expiry_interval: Option<u32>,
    pub topic_alias: Option<u16>,
    pub response_topic: Option<String>,
    pub correlation_data: Option<Vec<u8>>,
    pub user_properties: Vec<(String, String)>,
    pub subscription_identifiers: Vec<usize>,
    pub content_type: Option<String>,
}

/// A message received by a [`Subscriber`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    pub topic: String,
    pub payload: Vec<u8>,
    pub qos: u8,
    pub retain: bool,
    /// `None` for a v3.1.1 subscriber; always `Some` for a v5 one
    /// (default/empty if the message carried no properties).
    pub props: Option<Props>,
}

impl Msg {
    /// Lossy UTF-8 payload, for assertions only.
    pub fn payload_str(&self) -> String {
        String::from_utf8_lossy(&self.payload).into_owned()
    }

    /// The v5 properties; panics for a v3.1.1 subscriber.
    #[track_caller]
    pub fn props(&self) -> &Props {
        self.props
            .as_ref()
            .expect("message has no props: use Subscriber::start_v5")
    }
}

/// Options for [`Subscriber::start_with`].
#[derive(Debug, Clone)]
pub struct SubOptions {
    pub port: u16,
    /// (filter, qos) pairs, subscribed in one SUBSCRIBE.
    pub filters: Vec<(String, u8)>,
    /// Use MQTT v5 instead of v3.1.1.
    pub v5: bool,
    pub client_id: Option<String>,
    pub credentials: Option<(String, String)>,
    /// v5 only: subscribe with retain-as-published, so `Msg::retain`
    /// shows the publisher's retain flag on live messages too (v3.1.1
    /// brokers clear it on live messages). Default true.
    pub retain_as_published: bool,
}

impl SubOptions {
    pub fn new(port: u16, filter: &str, qos: u8) -> SubOptions {
        SubOptions {
            port,
            filters: vec![(filter.to_string(), qos)],
            v5: false,
            client_id: None,
            credentials: None,
            retain_as_published: true,
        }
    }

    /// Adds another filter.
    pub fn filter(mut self, filter: &str, qos: u8) -> SubOptions {
        self.filters.push((filter.to_string(), qos));
        self
    }

    pub fn v5(mut self) -> SubOptions {
        self.v5 = true;
        self
    }

    pub fn client_id(mut self, id: &str) -> SubOptions {
        self.client_id = Some(id.to_string());
        self
    }

    pub fn credentials(mut self, user: &str, password: &str) -> SubOptions {
        self.credentials = Some((user.to_string(), password.to_string()));
        self
    }

    pub fn retain_as_published(mut self, on: bool) -> SubOptions {
        self.retain_as_published = on;
        self
    }
}

/// A real MQTT subscriber (rumqttc, on a background thread with its own
/// tokio runtime) for observing what publishers deliver.
///
/// [`Subscriber::start`] returns only once the broker has acknowledged the
/// subscription, so anything published afterwards is seen. After a broker
/// restart it reconnects and re-subscribes by itself; await that with
/// [`Subscriber::wait_resubscribed`].
pub struct Subscriber {
    pub client_id: String,
    msgs: Receiver<Msg>,
    subacks: Receiver<()>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

static NEXT_ID: AtomicU64 = AtomicU64::new(0);

fn unique_client_id() -> String {
    format!(
        "mqtk-test-sub-{}-{}",
        std::process::id(),
        NEXT_ID.fetch_add(1, Ordering::Relaxed)
    )
}

/// Channels from the background thread.
struct SubChannels {
    ready: Sender<Result<(), String>>,
    msgs: Sender<Msg>,
    subacks: Sender<()>,
    stop: tokio::sync::oneshot::Receiver<()>,
}

const MAX_PACKET: u32 = 268_435_455;
const RECONNECT_BACKOFF: Duration = Duration::from_millis(20);

impl Subscriber {
    /// MQTT v3.1.1 subscriber on `127.0.0.1:port` for `filter` at `qos`.
    #[track_caller]
    pub fn start(port: u16, filter: &str, qos: u8) -> Subscriber {
        Subscriber::start_with(SubOptions::new(port, filter, qos))
    }

    /// MQTT v5 subscriber (messages carry [`Props`]; retain-as-published).
    #[track_caller]
    pub fn start_v5(port: u16, filter: &str, qos: u8) -> Subscriber {
        Subscriber::start_with(SubOptions::new(port, filter, qos).v5())
    }

    /// Starts a subscriber; returns after SUBACK, panics on failure or
    /// after [`SUBSCRIBE_TIMEOUT`].
    #[track_caller]
    pub fn start_with(opts: SubOptions) -> Subscriber {
        let client_id = opts.client_id.clone().unwrap_or_else(unique_client_id);
        let (ready_tx, ready_rx) = mpsc::channel();
        let (msg_tx, msgs) = mpsc::channel();
        let (suback_tx, subacks) = mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel();
        let chans = SubChannels {
            ready: ready_tx,
            msgs: msg_tx,
            subacks: suback_tx,
            stop: stop_rx,
        };
        let id = client_id.clone();
        let o = opts.clone();
        let thread = thread::Builder::new()
            .name(format!("sub-{client_id}"))
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("tokio runtime");
                if o.v5 {
                    rt.block_on(sub_loop_v5(o, id, chans));
                } else {
                    rt.block_on(sub_loop_v4(o, id, chans));
                }
            })
            .expect("spawn subscriber thread");
        let mut sub = Subscriber {
            client_id,
            msgs,
            subacks,
            stop: Some(stop_tx),
            thread: Some(thread),
        };
        match ready_rx.recv_timeout(SUBSCRIBE_TIMEOUT) {
            Ok(Ok(())) => sub,
            Ok(Err(e)) => {
                sub.shutdown();
                panic!("test subscriber {opts:?} failed: {e}")
            }
            Err(_) => {
                sub.shutdown();
                panic!("test subscriber {opts:?} got no SUBACK within {SUBSCRIBE_TIMEOUT:?}")
            }
        }
    }

    /// The next message, or `None` after `timeout`.
    pub fn recv(&self, timeout: Duration) -> Option<Msg> {
        self.msgs.recv_timeout(timeout).ok()
    }

    /// Exactly the next `n` messages, waiting up to `timeout` in total;
    /// panics listing what did arrive if fewer than `n` came.
    #[track_caller]
    pub fn take(&self, n: usize, timeout: Duration) -> Vec<Msg> {
        let deadline = Instant::now() + timeout;
        let mut got = Vec::with_capacity(n);
        while got.len() < n {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.msgs.recv_timeout(left) {
                Ok(m) => got.push(m),
                Err(_) => {
                    let shown: Vec<String> = got
                        .iter()
                        .take(20)
                        .map(|m| format!("  {} {:?}", m.topic, m.payload_str()))
                        .collect();
                    panic!(
                        "expected {n} messages within {timeout:?}, only {} arrived:\n{}",
                        got.len(),
                        shown.join("\n")
                    );
                }
            }
        }
        got
    }

    /// Messages already received, without waiting.
    pub fn drain(&self) -> Vec<Msg> {
        self.msgs.try_iter().collect()
    }

    /// Proves absence: panics if any message arrives within `duration`.
    /// (The only place a bounded wait is acceptable.)
    #[track_caller]
    pub fn expect_none(&self, duration: Duration) {
        if let Ok(m) = self.msgs.recv_timeout(duration) {
            panic!("expected no message, got {m:?}");
        }
    }

    /// After a broker restart: waits until the subscriber has reconnected
    /// and its subscription is acknowledged again. Panics on timeout.
    #[track_caller]
    pub fn wait_resubscribed(&self, timeout: Duration) {
        if self.subacks.recv_timeout(timeout).is_err() {
            panic!(
                "subscriber {} did not re-subscribe within {timeout:?}",
                self.client_id
            );
        }
    }

    fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Subscriber {
    fn drop(&mut self) {
        self.shutdown();
    }
}

async fn sub_loop_v4(opts: SubOptions, id: String, mut ch: SubChannels) {
    use rumqttc::{AsyncClient, Event, MqttOptions, Outgoing, Packet, QoS, SubscribeReasonCode};

    let mut mo = MqttOptions::new(id, "127.0.0.1", opts.port);
    mo.set_max_packet_size(MAX_PACKET as usize, MAX_PACKET as usize);
    mo.set_keep_alive(Duration::from_secs(60));
    if let Some((u, p)) = &opts.credentials {
        mo.set_credentials(u.clone(), p.clone());
    }
    let (client, mut el) = AsyncClient::new(mo, 16);
    let qos = |q: u8| match q {
        0 => QoS::AtMostOnce,
        1 => QoS::AtLeastOnce,
        _ => QoS::ExactlyOnce,
    };
    let filters: Vec<rumqttc::SubscribeFilter> = opts
        .filters
        .iter()
        .map(|(f, q)| rumqttc::SubscribeFilter::new(f.clone(), qos(*q)))
        .collect();
    let mut ready = Some(ch.ready);
    loop {
        tokio::select! {
            _ = &mut ch.stop => break,
            ev = el.poll() => match ev {
                Ok(Event::Incoming(Packet::ConnAck(_))) => {
                    // Clean session: (re-)subscribe on every connect.
                    let _ = client.subscribe_many(filters.clone()).await;
                }
                Ok(Event::Incoming(Packet::SubAck(ack))) => {
                    let failed = ack
                        .return_codes
                        .iter()
                        .any(|c| matches!(c, SubscribeReasonCode::Failure));
                    match ready.take() {
                        Some(r) if failed => {
                            let _ = r.send(Err(format!("SUBACK refused: {:?}", ack.return_codes)));
                            return;
                        }
                        Some(r) => {
                            let _ = r.send(Ok(()));
                        }
                        None => {
                            let _ = ch.subacks.send(());
                        }
                    }
                }
                Ok(Event::Incoming(Packet::Publish(p))) => {
                    let _ = ch.msgs.send(Msg {
                        topic: p.topic.clone(),
                        payload: p.payload.to_vec(),
                        qos: p.qos as u8,
                        retain: p.retain,
                        props: None,
                    });
                }
                Ok(_) => {}
                Err(e) => match ready.take() {
                    Some(r) => {
                        let _ = r.send(Err(format!("connection error: {e}")));
                        return;
                    }
                    None => {
                        // Broker gone (e.g. restarting): poll again to reconnect.
                        tokio::time::sleep(RECONNECT_BACKOFF).await;
                    }
                },
            }
        }
    }
    // Graceful DISCONNECT, bounded so shutdown never hangs.
    if client.try_disconnect().is_ok() {
        let _ = tokio::time::timeout(Duration::from_secs(1), async {
            loop {
                match el.poll().await {
                    Ok(Event::Outgoing(Outgoing::Disconnect)) | Err(_) => break,
                    Ok(_) => {}
                }
            }
        })
        .await;
    }
}

async fn sub_loop_v5(opts: SubOptions, id: String, mut ch: SubChannels) {
    use rumqttc::Outgoing;
    use rumqttc::v5::mqttbytes::QoS;
    use rumqttc::v5::mqttbytes::v5::{Filter, Packet, SubscribeReasonCode};
    use rumqttc::v5::{AsyncClient, Event, MqttOptions};

    let mut mo = MqttOptions::new(id, "127.0.0.1", opts.port);
    mo.set_max_packet_size(Some(MAX_PACKET));
    mo.set_keep_alive(Duration::from_secs(60));
    if let Some((u, p)) = &opts.credentials {
        mo.set_credentials(u.clone(), p.clone());
    }
    let (client, mut el) = AsyncClient::new(mo, 16);
    let qos = |q: u8| match q {
        0 => QoS::AtMostOnce,
        1 => QoS::AtLeastOnce,
        _ => QoS::ExactlyOnce,
    };
    let filters: Vec<Filter> = opts
        .filters
        .iter()
        .map(|(f, q)| {
            let mut filter = Filter::new(f.clone(), qos(*q));
            filter.preserve_retain = opts.retain_as_published;
            filter
        })
        .collect();
    let mut ready = Some(ch.ready);
    loop {
        tokio::select! {
            _ = &mut ch.stop => break,
            ev = el.poll() => match ev {
                Ok(Event::Incoming(Packet::ConnAck(_))) => {
                    let _ = client.subscribe_many(filters.clone()).await;
                }
                Ok(Event::Incoming(Packet::SubAck(ack))) => {
                    let failed = ack
                        .return_codes
                        .iter()
                        .any(|c| !matches!(c, SubscribeReasonCode::Success(_)));
                    match ready.take() {
                        Some(r) if failed => {
                            let _ = r.send(Err(format!("SUBACK refused: {:?}", ack.return_codes)));
                            return;
                        }
                        Some(r) => {
                            let _ = r.send(Ok(()));
                        }
                        None => {
                            let _ = ch.subacks.send(());
                        }
                    }
                }
                Ok(Event::Incoming(Packet::Publish(p))) => {
                    let props = p
                        .properties
                        .as_ref()
                        .map(|pp| Props {
                            payload_format_indicator: pp.payload_format_indicator,
                            message_expiry_interval: pp.message_expiry_interval,
                            topic_alias: pp.topic_alias,
                            response_topic: pp.response_topic.clone(),
                            correlation_data: pp.correlation_data.as_ref().map(|b| b.to_vec()),
                            user_properties: pp.user_properties.clone(),
                            subscription_identifiers: pp.subscription_identifiers.clone(),
                            content_type: pp.content_type.clone(),
                        })
                        .unwrap_or_default();
                    let _ = ch.msgs.send(Msg {
                        topic: String::from_utf8_lossy(&p.topic).into_owned(),
                        payload: p.payload.to_vec(),
                        qos: p.qos as u8,
                        retain: p.retain,
                        props: Some(props),
                    });
                }
                Ok(_) => {}
                Err(e) => match ready.take() {
                    Some(r) => {
                        let _ = r.send(Err(format!("connection error: {e}")));
                        return;
                    }
                    None => {
                        tokio::time::sleep(RECONNECT_BACKOFF).await;
                    }
                },
            }
        }
    }
    if client.try_disconnect().is_ok() {
        let _ = tokio::time::timeout(Duration::from_secs(1), async {
            loop {
                match el.poll().await {
                    Ok(Event::Outgoing(Outgoing::Disconnect)) | Err(_) => break,
                    Ok(_) => {}
                }
            }
        })
        .await;
    }
}
