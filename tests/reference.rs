//! The mosquitto 2.1 reference build (made by tests/reference/mosquitto-2.1/build.sh; `.ci/run` builds it): where
//! its binaries are, and its broker on a private port. `MOSQUITTO_21_DIR` names the build directory;
//! without it, `$HOME/.cache/mosquitto-2.1` (where build.sh caches it). The binaries are in `bin/`.

use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use tempfile::TempDir;

use crate::broker::free_port;
use crate::util::T;

/// The 2.1 build directory.
pub fn dir() -> PathBuf {
    match std::env::var_os("MOSQUITTO_21_DIR") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => {
            let home = std::env::var_os("HOME").unwrap_or_default();
            PathBuf::from(home).join(".cache/mosquitto-2.1")
        }
    }
}

/// A 2.1 binary (`mosquitto_rr`, `mosquitto`, …); panics saying how to build it when missing.
#[track_caller]
pub fn bin(name: &str) -> PathBuf {
    let path = dir().join("bin").join(name);
    assert!(
        path.exists(),
        "the mosquitto 2.1 reference {} is missing: run `bash tests/reference/mosquitto-2.1/build.sh` \
         (or set MOSQUITTO_21_DIR to its build directory)",
        path.display()
    );
    path
}

/// A mosquitto 2.1 broker on a free loopback port, killed on drop.
pub struct Broker21 {
    pub port: u16,
    child: Child,
    _dir: TempDir,
}

impl Broker21 {
    /// Starts the 2.1 broker and returns once it accepts connections.
    #[track_caller]
    pub fn start() -> Broker21 {
        let dir = tempfile::Builder::new()
            .prefix("mqtk-broker21-")
            .tempdir()
            .expect("broker temp dir");
        let log = dir.path().join("mosquitto.log");
        // A port taken between choosing and binding makes the broker exit: try another.
        for _ in 0..5 {
            let port = free_port();
            let conf = dir.path().join("mosquitto.conf");
            let mut text = format!(
                "listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n\
                 log_dest file {}\nlog_type all\n",
                log.display()
            );
            if std::fs::metadata("/proc/self")
                .is_ok_and(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
            {
                text.push_str("user root\n");
            }
            std::fs::write(&conf, text).expect("write mosquitto.conf");
            let mut child = Command::new(bin("mosquitto"))
                .arg("-c")
                .arg(&conf)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn the 2.1 broker");
            let addr = SocketAddr::from(([127, 0, 0, 1], port));
            let deadline = Instant::now() + T;
            loop {
                if child.try_wait().expect("try_wait").is_some() {
                    break;
                }
                // `running` is logged once every listener is bound: the connect reaches this
                // broker, not a squatter on the port.
                let running = std::fs::read_to_string(&log).is_ok_and(|l| l.contains(" running"));
                if running && TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok()
                {
                    return Broker21 {
                        port,
                        child,
                        _dir: dir,
                    };
                }
                assert!(Instant::now() < deadline, "the 2.1 broker is not ready");
                thread::sleep(Duration::from_millis(10));
            }
        }
        panic!("the 2.1 broker could not bind a free port");
    }
}

impl Drop for Broker21 {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `mosquitto_pub`, `mosquitto_sub`, `mosquitto_rr` or the broker `mosquitto` of the 2.1 build:
/// `$MOSQUITTO_21_DIR/bin/NAME`, else `$HOME/.cache/mosquitto-2.1/bin/NAME`.
pub fn mosquitto_21(name: &str) -> PathBuf {
    let dir = match std::env::var_os("MOSQUITTO_21_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/mosquitto-2.1")
        }
    };
    let path = dir.join("bin").join(name);
    assert!(
        path.exists(),
        "the mosquitto 2.1 reference {} is missing: run `bash tests/reference/mosquitto-2.1/build.sh` \
         (or set MOSQUITTO_21_DIR to its output directory)",
        path.display()
    );
    path
}

/// 2.0.11's output with the texts 2.1 changed spelled as 2.1 spells them (libmosquitto's error
/// texts lost their full stops, a missing client id is `null` except on the CONNACK line), for the
/// cases where mqtk keeps 2.0.11's behaviour but prints 2.1's texts.
pub fn as_2_1_texts(text: &[u8]) -> Vec<u8> {
    let mut s = String::from_utf8_lossy(text).into_owned();
    for (old, new) in [
        ("Client (null) sending", "Client null sending"),
        ("Client (null) received ", "Client null received "),
        (
            "Client null received CONNACK",
            "Client (null) received CONNACK",
        ),
        ("Invalid function arguments provided.", "Invalid input"),
        (
            "communicating with the broker.",
            "communicating with the broker",
        ),
        ("Lookup error.", "Lookup error"),
        ("The connection was refused.", "The connection was refused"),
        ("The connection was lost.", "The connection was lost"),
        (
            "The client is not currently connected.",
            "The client is not currently connected",
        ),
        (
            "This feature is not supported.",
            "This feature is not supported",
        ),
        (
            "Requested QoS not supported on server.",
            "Requested QoS not supported on server",
        ),
    ] {
        s = s.replace(old, new);
    }
    s.into_bytes()
}
