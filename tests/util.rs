//! Processes and asserts for the integration tests: running the mqtk binary (and the reference
//! mosquitto clients) with a timeout and a clean environment, alias symlinks, diffing asserts.
//! The test subscriber is in `subscriber.rs`.

use std::fmt;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// The one timeout of the tests: how long a test waits for anything it expects (a process to
/// exit, a line, a message, a SUBACK, a broker to listen) before it fails. Waits end as soon as
/// the awaited thing happens, so this is generous: a loaded machine must not fail a test, and a
/// hang must not block CI.
pub const T: Duration = Duration::from_secs(30);

/// `-W` where the timer ends a run that must first do or print something (connect, subscribe, print
/// retained messages, a response, `-d` lines): there the timer is the event the test waits for, not
/// a safety net, so it leaves a loaded machine time to get there (1 s was not always enough).
pub const W: &str = "4";

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
/// it runs longer than [`T`].
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
    let out = proc.wait(T);
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

/// Lossy text, with the raw bytes too when they are not UTF-8.
pub fn show(bytes: &[u8]) -> String {
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

/// How many write system calls (write, writev, …) process `pid` has made so far: the kernel's
/// `syscw` in /proc/PID/io, all threads included.
pub fn write_syscalls(pid: u32) -> u64 {
    let io = std::fs::read_to_string(format!("/proc/{pid}/io")).expect("read /proc/PID/io");
    io.lines()
        .find_map(|l| l.strip_prefix("syscw: "))
        .and_then(|n| n.trim().parse().ok())
        .expect("syscw in /proc/PID/io")
}
