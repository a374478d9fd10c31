//! A private mosquitto broker per test.
//!
//! Every [`Broker`] listens on its own free loopback port with its own
//! config, log file and temp directory, so tests can run in parallel.
//! Readiness is awaited (the broker logs `running` and a TCP connect
//! succeeds), never slept for.

use std::fs;
use std::io::Read;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use tempfile::TempDir;

use crate::util::T;

/// Interval between readiness probes.
const PROBE_INTERVAL: Duration = Duration::from_millis(10);
/// How many fresh ports [`Broker::with_config`] tries when the port is taken.
const START_ATTEMPTS: usize = 5;

/// A running mosquitto broker, killed on drop.
pub struct Broker {
    /// The loopback port the broker listens on (`127.0.0.1:port`).
    pub port: u16,
    child: Option<Child>,
    dir: TempDir,
    conf_path: PathBuf,
    log_path: PathBuf,
    extra: String,
}

/// Why one launch attempt failed.
enum LaunchError {
    /// The port was taken between choosing it and mosquitto binding it.
    AddrInUse(String),
    /// Anything else (bad config, timeout, ...): not worth retrying.
    Other(String),
}

/// Asks the kernel for a currently free loopback port.
///
/// The port is only free at the time of the call; mosquitto binding it
/// later can race with another process, which [`Broker::with_config`]
/// handles by retrying. Also useful for a second `listener` line.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local_addr").port()
}

/// Path of the mosquitto broker binary.
pub fn mosquitto_bin() -> PathBuf {
    let sbin = Path::new("/usr/sbin/mosquitto");
    if sbin.exists() {
        sbin.to_path_buf()
    } else {
        PathBuf::from("mosquitto")
    }
}

fn running_as_root() -> bool {
    fs::metadata("/proc/self")
        .map(|m| m.uid() == 0)
        .unwrap_or(false)
}

fn read_lossy(path: &Path) -> String {
    let mut buf = Vec::new();
    if let Ok(mut f) = fs::File::open(path) {
        let _ = f.read_to_end(&mut buf);
    }
    String::from_utf8_lossy(&buf).into_owned()
}

impl Broker {
    /// Starts a broker with the default test config.
    pub fn start() -> Broker {
        Broker::with_config("")
    }

    /// Starts a broker with `extra_lines` appended to the default config.
    ///
    /// Later lines override earlier global ones (e.g. `allow_anonymous false`).
    /// `{dir}` in `extra_lines` is replaced by the broker's temp directory,
    /// so files written there (see [`Broker::with_files`]) can be referenced.
    /// A second `listener` line starts a new listener block.
    pub fn with_config(extra_lines: &str) -> Broker {
        Broker::with_files(extra_lines, &[])
    }

    /// Like [`Broker::with_config`], but first writes `files` (name, contents)
    /// into the broker's temp directory, referenced as `{dir}/name`.
    pub fn with_files(extra_lines: &str, files: &[(&str, &[u8])]) -> Broker {
        let dir = tempfile::Builder::new()
            .prefix("mqtk-broker-")
            .tempdir()
            .expect("create broker temp dir");
        for (name, contents) in files {
            fs::write(dir.path().join(name), contents)
                .unwrap_or_else(|e| panic!("write broker file {name}: {e}"));
        }
        let extra = extra_lines.replace("{dir}", &dir.path().display().to_string());
        let mut broker = Broker {
            port: 0,
            child: None,
            conf_path: dir.path().join("mosquitto.conf"),
            log_path: dir.path().join("mosquitto.log"),
            dir,
            extra,
        };
        let mut failures = Vec::new();
        for _ in 0..START_ATTEMPTS {
            broker.port = free_port();
            match broker.launch() {
                Ok(child) => {
                    broker.child = Some(child);
                    return broker;
                }
                Err(LaunchError::AddrInUse(log)) => failures.push(log),
                Err(LaunchError::Other(msg)) => panic!("{msg}"),
            }
        }
        panic!(
            "mosquitto failed to bind a free port {START_ATTEMPTS} times; last output:\n{}",
            failures.last().map(String::as_str).unwrap_or("")
        );
    }

    /// Starts a broker that requires a username and password
    /// (`allow_anonymous false`) for the given `(user, password)` pairs,
    /// plus `extra_lines`. The password file is hashed with `mosquitto_passwd -U`.
    pub fn with_users(extra_lines: &str, users: &[(&str, &str)]) -> Broker {
        let extra = format!("allow_anonymous false\npassword_file {{dir}}/passwd\n{extra_lines}");
        Broker::with_files(&extra, &[("passwd", &hashed_passwords(users))])
    }

    /// For a broker from [`Broker::with_users`]: replaces the users and makes the broker reload
    /// its configuration (SIGHUP). mosquitto then disconnects clients whose credentials no longer
    /// hold. Returns once the broker has logged the reload.
    pub fn replace_users(&self, users: &[(&str, &str)]) {
        fs::write(self.dir().join("passwd"), hashed_passwords(users)).expect("write passwd");
        let mark = self.log_mark();
        let pid = self.child.as_ref().expect("broker is running").id();
        let status = Command::new("kill")
            .args(["-s", "HUP", &pid.to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -s HUP {pid} failed");
        self.expect_log_since(mark, "Reloading config.", T);
    }

    /// The full config text for the current port.
    fn config_text(&self) -> String {
        let mut c = format!("listener {} 127.0.0.1\n", self.port);
        c.push_str("allow_anonymous true\n");
        if running_as_root() {
            // Otherwise mosquitto drops to user `mosquitto`, which cannot
            // write the log in our root-owned temp dir.
            c.push_str("user root\n");
        }
        c.push_str("persistence false\n");
        c.push_str(&format!("log_dest file {}\n", self.log_path.display()));
        c.push_str("log_type all\n");
        c.push_str("connection_messages true\n");
        c.push_str("max_queued_messages 1000000\n");
        c.push_str(&self.extra);
        c.push('\n');
        c
    }

    /// Writes the config for `self.port`, spawns mosquitto and waits until it
    /// is ready (logged `running` and accepts a TCP connection).
    fn launch(&self) -> Result<Child, LaunchError> {
        fs::write(&self.conf_path, self.config_text()).expect("write mosquitto.conf");
        let mark = self.log_mark();
        let stderr_path = self.dir.path().join("mosquitto.stderr");
        let stderr = fs::File::create(&stderr_path).expect("create mosquitto.stderr");
        let mut child = Command::new(mosquitto_bin())
            .arg("-c")
            .arg(&self.conf_path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .unwrap_or_else(|e| panic!("spawn {}: {e}", mosquitto_bin().display()));
        let addr = SocketAddr::from(([127, 0, 0, 1], self.port));
        let deadline = Instant::now() + T;
        loop {
            if let Some(status) = child.try_wait().expect("try_wait mosquitto") {
                let output = format!(
                    "--- mosquitto.log ---\n{}\n--- stderr ---\n{}",
                    self.log_since(mark),
                    read_lossy(&stderr_path)
                );
                return Err(if output.contains("Address already in use") {
                    LaunchError::AddrInUse(output)
                } else {
                    LaunchError::Other(format!(
                        "mosquitto exited early ({status}) on port {}; config:\n{}\n{output}",
                        self.port,
                        self.config_text()
                    ))
                });
            }
            // `running` is logged only after every listener is bound, so the
            // connect below reaches this broker and not a port squatter.
            if self.log_since(mark).contains(" running")
                && TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok()
            {
                return Ok(child);
            }
            if Instant::now() >= deadline {
                let _ = child.kill();
                let _ = child.wait();
                return Err(LaunchError::Other(format!(
                    "mosquitto on port {} not ready after {T:?}; log:\n{}",
                    self.port,
                    self.log_since(mark)
                )));
            }
            thread::sleep(PROBE_INTERVAL);
        }
    }

    /// `127.0.0.1:PORT`.
    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// The port as a string, handy for `-p`.
    pub fn port_str(&self) -> String {
        self.port.to_string()
    }

    /// The broker's temp directory (holds config, log and any extra files).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The whole broker log so far (across restarts).
    pub fn log(&self) -> String {
        read_lossy(&self.log_path)
    }

    /// Current log length in bytes; pass to [`Broker::log_since`] or
    /// [`Broker::wait_for_log_since`] to ignore lines logged before now.
    pub fn log_mark(&self) -> usize {
        fs::metadata(&self.log_path)
            .map(|m| m.len() as usize)
            .unwrap_or(0)
    }

    /// The log text written after `mark` (from [`Broker::log_mark`]).
    pub fn log_since(&self, mark: usize) -> String {
        let mut buf = Vec::new();
        if let Ok(mut f) = fs::File::open(&self.log_path) {
            let _ = f.read_to_end(&mut buf);
        }
        String::from_utf8_lossy(buf.get(mark..).unwrap_or(&[])).into_owned()
    }

    /// Polls the log written after `mark` until it contains `substr`;
    /// false on timeout.
    pub fn wait_for_log_since(&self, mark: usize, substr: &str, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if self.log_since(mark).contains(substr) {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            thread::sleep(PROBE_INTERVAL);
        }
    }

    /// Like [`Broker::wait_for_log_since`] but panics with the log on timeout.
    #[track_caller]
    pub fn expect_log_since(&self, mark: usize, substr: &str, timeout: Duration) {
        if !self.wait_for_log_since(mark, substr, timeout) {
            panic!(
                "broker log did not contain {substr:?} within {timeout:?}; log since mark:\n{}",
                self.log_since(mark)
            );
        }
    }

    /// Kills the broker (SIGKILL) and waits for it. Idempotent.
    /// All client connections drop; with `persistence false` all sessions
    /// and retained messages are lost.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Kills the broker and starts it again on the same port with the same
    /// config, returning once it is ready again. The log is appended to.
    pub fn restart(&mut self) {
        self.stop();
        // The port is normally free again at once (mosquitto binds with
        // SO_REUSEADDR), but another process may briefly hold it.
        let deadline = Instant::now() + T;
        loop {
            match self.launch() {
                Ok(child) => {
                    self.child = Some(child);
                    return;
                }
                Err(LaunchError::AddrInUse(log)) if Instant::now() < deadline => {
                    let _ = log;
                    thread::sleep(Duration::from_millis(50));
                }
                Err(LaunchError::AddrInUse(log)) => {
                    panic!("restart: port {} stayed in use:\n{log}", self.port)
                }
                Err(LaunchError::Other(msg)) => panic!("restart: {msg}"),
            }
        }
    }
}

/// A mosquitto password file for `(user, password)` pairs, hashed with `mosquitto_passwd -U`.
fn hashed_passwords(users: &[(&str, &str)]) -> Vec<u8> {
    let tmp = TempDir::new().expect("temp dir");
    let pw = tmp.path().join("passwd");
    let plain: String = users.iter().map(|(u, p)| format!("{u}:{p}\n")).collect();
    fs::write(&pw, plain).expect("write passwd");
    let out = Command::new("mosquitto_passwd")
        .arg("-U")
        .arg(&pw)
        .output()
        .expect("run mosquitto_passwd");
    assert!(
        out.status.success(),
        "mosquitto_passwd -U failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    fs::read(&pw).expect("read passwd")
}

impl Drop for Broker {
    fn drop(&mut self) {
        self.stop();
    }
}
