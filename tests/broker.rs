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
    /// The broker program: Debian's 2.0.11 unless [`Broker::with_program`] chose another.
    program: PathBuf,
    child: Option<Child>,
    dir: TempDir,
    conf_path: PathBuf,
    log_path: PathBuf,
    extra: String,
    /// The ports of `{port2}`, `{port3}`, … in `extra` (more listeners), chosen with the main port.
    extra_ports: Vec<u16>,
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
    // Bound on every address without SO_REUSEADDR, the kernel picks a port no socket holds, one in
    // TIME_WAIT included: libwebsockets binds a `protocol websockets` listener that way, and a busy
    // machine leaves thousands of ports in TIME_WAIT. (std's listener sets SO_REUSEADDR.)
    let strict = tokio::net::TcpSocket::new_v6().and_then(|socket| {
        socket.set_reuseaddr(false)?;
        socket.bind(SocketAddr::from((std::net::Ipv6Addr::UNSPECIFIED, 0)))?;
        socket.local_addr()
    });
    if let Ok(addr) = strict {
        return addr.port();
    }
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
    /// A second `listener` line starts a new listener block; `{port2}`, `{port3}`, … stand for more
    /// free ports, chosen anew on each start attempt ([`Broker::extra_port`]).
    pub fn with_config(extra_lines: &str) -> Broker {
        Broker::with_files(extra_lines, &[])
    }

    /// Like [`Broker::with_config`], but first writes `files` (name, contents)
    /// into the broker's temp directory, referenced as `{dir}/name`.
    pub fn with_files(extra_lines: &str, files: &[(&str, &[u8])]) -> Broker {
        Broker::launch_new(mosquitto_bin(), extra_lines, files)
    }

    /// Like [`Broker::with_config`], run by another mosquitto (the 2.1 build: users run both).
    pub fn with_program(program: PathBuf, extra_lines: &str) -> Broker {
        Broker::launch_new(program, extra_lines, &[])
    }

    fn launch_new(program: PathBuf, extra_lines: &str, files: &[(&str, &[u8])]) -> Broker {
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
            program,
            child: None,
            conf_path: dir.path().join("mosquitto.conf"),
            log_path: dir.path().join("mosquitto.log"),
            dir,
            extra,
            extra_ports: Vec::new(),
        };
        // A taken port fails a start whichever listener it is for, so every port is chosen afresh
        // for each attempt (another process may hold a chosen one for a while).
        let placeholders = (2..10)
            .take_while(|n| broker.extra.contains(&format!("{{port{n}}}")))
            .count();
        let mut failures = Vec::new();
        for _ in 0..START_ATTEMPTS {
            broker.port = free_port();
            broker.extra_ports = (0..placeholders).map(|_| free_port()).collect();
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
        let mut extra = self.extra.clone();
        for (i, port) in self.extra_ports.iter().enumerate() {
            extra = extra.replace(&format!("{{port{}}}", i + 2), &port.to_string());
        }
        c.push_str(&extra);
        c.push('\n');
        c
    }

    /// The port that `{portN}` (N from 2) stands for in the extra config lines.
    pub fn extra_port(&self, n: usize) -> u16 {
        self.extra_ports[n - 2]
    }

    /// Writes the config for `self.port`, spawns mosquitto and waits until it
    /// is ready (logged `running` and accepts a TCP connection).
    fn launch(&self) -> Result<Child, LaunchError> {
        fs::write(&self.conf_path, self.config_text()).expect("write mosquitto.conf");
        let mark = self.log_mark();
        let stderr_path = self.dir.path().join("mosquitto.stderr");
        let stderr = fs::File::create(&stderr_path).expect("create mosquitto.stderr");
        let mut child = Command::new(&self.program)
            .arg("-c")
            .arg(&self.conf_path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .unwrap_or_else(|e| panic!("spawn {}: {e}", self.program.display()));
        let addr = SocketAddr::from(([127, 0, 0, 1], self.port));
        let deadline = Instant::now() + T;
        loop {
            if let Some(status) = child.try_wait().expect("try_wait mosquitto") {
                let output = format!(
                    "--- mosquitto.log ---\n{}\n--- stderr ---\n{}",
                    self.log_since(mark),
                    read_lossy(&stderr_path)
                );
                // libwebsockets (a `protocol websockets` listener) binds its port on every
                // address and exits 1 without a word when that fails (a port left in TIME_WAIT by
                // other connections): silence is a taken port too.
                let silent = self.log_since(mark).trim().is_empty()
                    && read_lossy(&stderr_path).trim().is_empty();
                return Err(if output.contains("Address already in use") || silent {
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

    /// How many clients connected after `mark` with this protocol, as the log writes it (`(p5, `;
    /// 2.0.11 writes MQTT 3.1 and 3.1.1 as p1 and p2, 2.1 as p3 and p4).
    pub fn connects_since(&self, mark: usize, protocol: &str) -> usize {
        self.log_since(mark)
            .lines()
            .filter(|l| l.contains("New client connected") && l.contains(protocol))
            .count()
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

    /// The broker's process id while it runs (to SIGSTOP it at a chosen point).
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Stops the broker with SIGTERM, as an administrator would: with `persistence true` it saves
    /// its sessions and retained messages first. Follow with [`Broker::restart`].
    pub fn terminate(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill")
                .args(["-s", "TERM", &child.id().to_string()])
                .status();
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
