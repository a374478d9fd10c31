//! Transports and connection configuration against real mosquitto listeners: WebSockets, Unix sockets,
//! SOCKS5 (Debian's `microsocks`) and HTTP CONNECT proxies, `-A`, the password from a file or the
//! environment, and options files (`-o`, mqtk's per-command defaults). Each transport is exercised with
//! all four commands (pub, sub, bench, retain-clear); each option has a passing and a failing case.
//! The helpers here (the four-command check, a microsocks process, an HTTP CONNECT proxy thread) are
//! shared by the submodules.

// ws:// URLs and --ws against a `protocol websockets` listener.
mod websockets;
// --unix and mosquitto's -p 0 against a `listener 0 PATH` socket.
mod unix;
// SOCKS5 through microsocks (with and without auth), reconnects through the relay, HTTP CONNECT.
mod proxies;
// -A: the broker sees the bound address; bad addresses fail before connecting.
mod bind;
// --pw-file and MQTK_PASSWORD against a broker with users; the password never shows in -d/--trace.
mod credentials;
// -o FILE, the per-line scan of options files, and mqtk's $XDG_CONFIG_HOME/mqtk/<command> defaults.
mod options_files;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::Value;
use tempfile::TempDir;

use crate::broker::{Broker, free_port};
use crate::rr::responder::{Reply, Responder};
use crate::subscriber::Subscriber;
use crate::util::{Run, mqtk, real, run, run_env};

/// Patience for anything that should happen promptly (a message, an exit, a proxy starting).
pub use crate::util::T;

/// `mqtk ARGS`.
pub fn mqtk_run(args: &[&str]) -> Run {
    run(&mqtk(), args, None)
}

/// `mqtk ARGS` with extra environment variables.
pub fn mqtk_env(args: &[&str], envs: &[(&str, &str)]) -> Run {
    run_env(&mqtk(), args, None, envs)
}

/// `COMMAND` followed by `transport` and `args`, as one argv.
fn argv<'a>(command: &'a str, transport: &[&'a str], args: &[&'a str]) -> Vec<&'a str> {
    let mut all = vec![command];
    all.extend_from_slice(transport);
    all.extend_from_slice(args);
    all
}

/// Publishes a retained message at QoS 1 with the reference client over plain TCP (the PUBACK means
/// the broker holds it before the reference client exits).
pub fn retain(broker: &Broker, topic: &str, payload: &str) {
    let port = broker.port_str();
    let args = ["-p", &port, "-t", topic, "-m", payload, "-q", "1", "-r"];
    run(&real("mosquitto_pub"), &args, None).assert_success();
}

/// Proves that pub, sub, bench and retain-clear all work with these connection flags (`transport`:
/// everything but the topic), observed over the broker's plain TCP listener. `tag` keeps topics apart.
#[track_caller]
pub fn all_commands(broker: &Broker, transport: &[&str], tag: &str) {
    let envs: &[(&str, &str)] = &[];
    all_commands_env(broker, transport, envs, tag);
}

/// [`all_commands`] with extra environment variables for every mqtk run.
#[track_caller]
pub fn all_commands_env(broker: &Broker, transport: &[&str], envs: &[(&str, &str)], tag: &str) {
    // pub: a subscriber on the TCP listener gets the message.
    let topic = format!("tr/{tag}/pub");
    let subscriber = Subscriber::start(broker.port, &topic, 1);
    let out = mqtk_env(
        &argv("pub", transport, &["-t", &topic, "-m", tag, "-q", "1"]),
        envs,
    );
    out.assert_success();
    let msg = subscriber
        .recv(T)
        .unwrap_or_else(|| panic!("{tag}: pub sent nothing\n{out}"));
    assert_eq!(msg.payload_str(), tag, "{tag}: pub");

    // sub: gets a retained message.
    let topic = format!("tr/{tag}/sub");
    retain(broker, &topic, tag);
    let out = mqtk_env(&argv("sub", transport, &["-t", &topic, "-C", "1"]), envs);
    out.assert_success();
    assert_eq!(out.stdout_str(), format!("{tag}\n"), "{tag}: sub\n{out}");

    // rr: the scripted responder (on the TCP listener) answers the request.
    let request = format!("tr/{tag}/rr");
    let response = format!("tr/{tag}/rr/reply");
    let _responder = Responder::start(broker.port, &request, &response, vec![Reply::echo(tag)]);
    let rr = argv(
        "rr",
        transport,
        &["-t", &request, "-e", &response, "-m", tag],
    );
    let out = mqtk_env(&rr, envs);
    out.assert_success();
    assert_eq!(out.stdout_str(), format!("{tag}\n"), "{tag}: rr\n{out}");

    // bench: every message crosses.
    let template = format!("tr/{tag}/bench/%i");
    let bench = argv(
        "bench",
        transport,
        &[
            "pubsub", "--count", "50", "-q", "1", "-t", &template, "--json",
        ],
    );
    let out = mqtk_env(&bench, envs);
    out.assert_success();
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{tag}: bench --json is not JSON ({e})\n{out}"));
    assert_eq!(
        (json["received"].as_u64(), json["lost"].as_u64()),
        (Some(50), Some(0)),
        "{tag}: bench\n{json:#}"
    );

    // retain-clear: clears the retained message and checks that it is gone.
    let filter = format!("tr/{tag}/#");
    let clear = argv("retain-clear", transport, &["-t", &filter, "--verify"]);
    let out = mqtk_env(&clear, envs);
    out.assert_success();
    assert!(
        out.stderr_str().starts_with("cleared 1 topic"),
        "{tag}: retain-clear\n{out}"
    );
}

/// Asserts exit code and stderr exactly, and an empty stdout.
#[track_caller]
pub fn assert_fails(out: &Run, code: i32, stderr: &str) {
    assert_eq!(
        (
            out.code,
            out.stderr_str().as_str(),
            out.stdout_str().as_str()
        ),
        (code, stderr, ""),
        "{out}"
    );
}

/// Asserts that our binary under a mosquitto name and the reference client agree exactly.
#[track_caller]
pub fn assert_same_as_mosquitto(name: &str, args: &[&str]) {
    let alias = crate::util::Alias::with_names(&[name]);
    let ours = run(&alias.path(name), args, None);
    // 2.0.11: 2.1 reports refused connections as "Error: Bad file descriptor" and takes --ws (README).
    let theirs = run(&real(name), args, None);
    crate::util::assert_same_run(&format!("{name} {args:?}"), &theirs, &ours);
}

// ---------------------------------------------------------------------------
// microsocks
// ---------------------------------------------------------------------------

/// A microsocks SOCKS5 proxy on a free loopback port, killed on drop.
pub struct Socks {
    pub port: u16,
    child: Child,
    log: PathBuf,
    _dir: TempDir,
}

impl Socks {
    /// Without authentication.
    pub fn start() -> Socks {
        Socks::launch(None)
    }

    /// Requiring this user name and password.
    pub fn with_auth(user: &str, password: &str) -> Socks {
        Socks::launch(Some((user, password)))
    }

    fn launch(auth: Option<(&str, &str)>) -> Socks {
        let dir = tempfile::Builder::new()
            .prefix("mqtk-socks-")
            .tempdir()
            .expect("temp dir");
        let log = dir.path().join("microsocks.log");
        // The port is free when chosen; another process may take it first, so try a few.
        for _ in 0..5 {
            let port = free_port();
            let out = std::fs::File::create(&log).expect("create microsocks.log");
            let mut cmd = Command::new("microsocks");
            cmd.args(["-i", "127.0.0.1", "-p", &port.to_string()]);
            if let Some((user, password)) = auth {
                cmd.args(["-u", user, "-P", password]);
            }
            let err = out.try_clone().expect("clone log handle");
            let mut child = cmd
                .stdin(Stdio::null())
                .stdout(out)
                .stderr(err)
                .spawn()
                .unwrap_or_else(|e| {
                    panic!("cannot run microsocks ({e}); install it: apt-get install microsocks")
                });
            if socks_ready(&mut child, port, auth, &log) {
                return Socks {
                    port,
                    child,
                    log,
                    _dir: dir,
                };
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!(
            "microsocks did not start; log:\n{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    }

    /// `socks5h://[USER:PASS@]127.0.0.1:PORT`.
    pub fn url(&self, credentials: Option<&str>) -> String {
        match credentials {
            Some(c) => format!("socks5h://{c}@127.0.0.1:{}", self.port),
            None => format!("socks5h://127.0.0.1:{}", self.port),
        }
    }

    /// What microsocks logged: one `client[N] 127.0.0.1: connected to HOST:PORT` line per tunnel.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Socks {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits until our microsocks serves `port`: a tunnel through it to a listener of the test's own
/// must show in its log (true), or the process exits (false: it could not bind). A greeting alone
/// is not enough: when the port was taken between choosing and binding it, another test's
/// microsocks may be the one answering there, and this one's log would then stay empty.
fn socks_ready(child: &mut Child, port: u16, auth: Option<(&str, &str)>, log: &Path) -> bool {
    let target = TcpListener::bind("127.0.0.1:0").expect("bind a probe target");
    let target_port = target.local_addr().expect("probe target address").port();
    // microsocks logs each tunnel (before it answers the request) as `… connected to HOST:PORT`.
    let line = format!("connected to 127.0.0.1:{target_port}\n");
    let deadline = Instant::now() + T;
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return false;
        }
        if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
            let _ = s.set_read_timeout(Some(T));
            if socks_tunnel(&mut s, auth, target_port).is_some() {
                let ours = std::fs::read_to_string(log).is_ok_and(|l| l.contains(&line));
                return ours;
            }
        }
        thread::sleep(Duration::from_millis(10));
    }
    false
}

/// A SOCKS5 CONNECT to 127.0.0.1:`target` (with user name and password when `auth` is given);
/// `Some` when the proxy reports success.
fn socks_tunnel(s: &mut TcpStream, auth: Option<(&str, &str)>, target: u16) -> Option<()> {
    let mut answer = [0u8; 2];
    let method = if auth.is_some() { 2 } else { 0 };
    s.write_all(&[5, 1, method]).ok()?;
    s.read_exact(&mut answer).ok()?;
    if answer != [5, method] {
        return None;
    }
    if let Some((user, password)) = auth {
        let mut request = vec![1, user.len() as u8];
        request.extend_from_slice(user.as_bytes());
        request.push(password.len() as u8);
        request.extend_from_slice(password.as_bytes());
        s.write_all(&request).ok()?;
        s.read_exact(&mut answer).ok()?;
        if answer != [1, 0] {
            return None;
        }
    }
    let [hi, lo] = target.to_be_bytes();
    s.write_all(&[5, 1, 0, 1, 127, 0, 0, 1, hi, lo]).ok()?;
    let mut reply = [0u8; 10];
    s.read_exact(&mut reply).ok()?;
    (reply[..2] == [5, 0]).then_some(())
}

// ---------------------------------------------------------------------------
// An HTTP CONNECT proxy
// ---------------------------------------------------------------------------

/// A small HTTP CONNECT proxy on a thread: answers 407 without the expected credentials, 502 when
/// the target cannot be reached, else 200 and copies bytes both ways. Records each request.
pub struct HttpProxy {
    pub port: u16,
    requests: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
}

impl HttpProxy {
    /// `credentials` (`user:pass`) are required when given.
    pub fn start(credentials: Option<&str>) -> HttpProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        let port = listener.local_addr().expect("proxy address").port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let expected = credentials.map(|c| {
            let token = base64::engine::general_purpose::STANDARD.encode(c);
            format!("Basic {token}")
        });
        let (seen, stopped) = (Arc::clone(&requests), Arc::clone(&stop));
        thread::spawn(move || {
            for client in listener.incoming() {
                if stopped.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(client) = client else { continue };
                let (seen, expected) = (Arc::clone(&seen), expected.clone());
                thread::spawn(move || tunnel(client, &seen, expected.as_deref()));
            }
        });
        HttpProxy {
            port,
            requests,
            stop,
        }
    }

    /// `http://[USER:PASS@]127.0.0.1:PORT`.
    pub fn url(&self, credentials: Option<&str>) -> String {
        match credentials {
            Some(c) => format!("http://{c}@127.0.0.1:{}", self.port),
            None => format!("http://127.0.0.1:{}", self.port),
        }
    }

    /// The requests seen so far, each as the client's address and the request line
    /// (`127.0.0.1 CONNECT host:port HTTP/1.1`).
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for HttpProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so that it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// Serves one CONNECT.
fn tunnel(client: TcpStream, seen: &Mutex<Vec<String>>, expected: Option<&str>) {
    let mut reader = BufReader::new(client.try_clone().expect("clone client"));
    let mut head = Vec::new();
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) if line == "\r\n" => break,
            Ok(_) => head.push(line.trim_end().to_string()),
        }
    }
    let Some(request) = head.first().cloned() else {
        return;
    };
    let peer = client
        .peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_default();
    seen.lock().unwrap().push(format!("{peer} {request}"));
    let auth = head.iter().find_map(|h| {
        let (name, value) = h.split_once(':')?;
        name.eq_ignore_ascii_case("proxy-authorization")
            .then(|| value.trim().to_string())
    });
    let mut client = client;
    if expected.is_some() && auth.as_deref() != expected {
        let _ = client.write_all(b"HTTP/1.1 407 Proxy Authentication Required\r\n\r\n");
        return;
    }
    let target = request.split(' ').nth(1).unwrap_or("").to_string();
    let Ok(upstream) = TcpStream::connect(target.as_str()) else {
        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n");
        return;
    };
    if client
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .is_err()
    {
        return;
    }
    let (mut up_read, mut client_write) = (upstream.try_clone().expect("clone"), client);
    let mut up_write = upstream;
    let back = thread::spawn(move || {
        let _ = std::io::copy(&mut up_read, &mut client_write);
        let _ = client_write.shutdown(Shutdown::Write);
    });
    // The reader may hold bytes read past the header; copying from it forwards those first.
    let _ = std::io::copy(&mut reader, &mut up_write);
    let _ = up_write.shutdown(Shutdown::Write);
    let _ = back.join();
}

/// A path for a file in `dir`, as a `String` for argv.
pub fn path_in(dir: &Path, name: &str) -> String {
    dir.join(name).display().to_string()
}
