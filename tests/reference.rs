//! The mosquitto 2.1 reference build (made by ../shared/mosquitto-2.1/build.sh; CI builds it): where
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
        "the mosquitto 2.1 reference {} is missing: run ../shared/mosquitto-2.1/build.sh \
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
