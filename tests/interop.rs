//! Interoperability with a broker that is not mosquitto: amqtt (PyPI), a 3.1.1 broker written in
//! Python. pub/sub at QoS 0, 1 and 2, wildcards, retained messages, and `pub -l` with 10,000 lines
//! of which none may be lost. `.ci/run` installs amqtt; locally the test is skipped, saying why,
//! when `amqtt` is not on PATH.

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::broker::free_port;
use crate::util::{Proc, mqtk, run};

const T: Duration = Duration::from_secs(30);

/// A running amqtt broker on a free loopback port, killed on drop.
struct Amqtt {
    port: u16,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Drop for Amqtt {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The amqtt executable on PATH, if any.
fn amqtt_bin() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("amqtt"))
        .find(|p| p.is_file())
}

/// Starts amqtt, or says why the test is skipped.
fn start() -> Option<Amqtt> {
    let Some(bin) = amqtt_bin() else {
        eprintln!(
            "SKIPPED: amqtt is not on PATH (install it with `pip install amqtt==0.12.1`; .ci/run does)"
        );
        return None;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let config = format!(
        "listeners:\n  default:\n    type: tcp\n    bind: 127.0.0.1:{port}\n\
         plugins:\n  amqtt.plugins.authentication.AnonymousAuthPlugin:\n    allow_anonymous: true\n"
    );
    let conf = dir.path().join("amqtt.yaml");
    std::fs::write(&conf, config).expect("write amqtt.yaml");
    let log = std::fs::File::create(dir.path().join("amqtt.log")).expect("log file");
    let child = Command::new(bin)
        .arg("-c")
        .arg(&conf)
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("log"))
        .stderr(log)
        .spawn()
        .expect("spawn amqtt");
    let broker = Amqtt {
        port,
        child,
        _dir: dir,
    };
    // Ready once it accepts a connection (polled: amqtt announces nothing we can wait on).
    let deadline = Instant::now() + T;
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "amqtt did not listen within {T:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    Some(broker)
}

fn publish(port: &str, args: &[&str]) {
    let mut all = vec!["pub", "-p", port];
    all.extend_from_slice(args);
    run(&mqtk(), &all, None).assert_success();
}

/// QoS 0, 1 and 2 through `+` and `#` filters, retained messages to a new subscription.
#[test]
fn amqtt_pub_sub_each_qos_wildcards_retained() {
    let Some(broker) = start() else { return };
    let port = broker.port.to_string();
    // A retained message first: the subscriber receiving it proves it is subscribed.
    publish(&port, &["-t", "i/r/x", "-m", "retained", "-r", "-q", "1"]);
    #[rustfmt::skip]
    let args = ["sub", "-p", &port, "-q", "2", "-t", "i/+/x", "-t", "w/#", "-v", "-C", "6"];
    let sub = Proc::spawn(&mqtk(), &args);
    assert_eq!(sub.expect_line(T), "i/r/x retained");
    publish(&port, &["-t", "i/a/x", "-m", "q0", "-q", "0"]);
    publish(&port, &["-t", "i/a/y", "-m", "not matched", "-q", "1"]);
    publish(&port, &["-t", "i/b/x", "-m", "q1", "-q", "1"]);
    publish(&port, &["-t", "i/c/x", "-m", "q2", "-q", "2"]);
    publish(&port, &["-t", "w/d/e/f", "-m", "deep", "-q", "2"]);
    publish(&port, &["-t", "w", "-m", "parent", "-q", "1"]);
    let out = sub.wait(T);
    assert_eq!(out.code, 0, "{out}");
    assert_eq!(
        out.stdout_str(),
        "i/r/x retained\ni/a/x q0\ni/b/x q1\ni/c/x q2\nw/d/e/f deep\nw parent\n"
    );
}

/// `pub -l` with 10,000 lines at QoS 1: every line arrives, in order.
#[test]
fn amqtt_pub_lines_ten_thousand_nothing_lost() {
    let Some(broker) = start() else { return };
    let port = broker.port.to_string();
    publish(&port, &["-t", "l/ready", "-m", "ready", "-r", "-q", "1"]);
    let args = ["sub", "-p", &port, "-q", "1", "-t", "l/#", "-C", "10001"];
    let sub = Proc::spawn(&mqtk(), &args);
    assert_eq!(sub.expect_line(T), "ready");
    let lines: String = (1..=10_000).map(|i| format!("{i}\n")).collect();
    let pub_args = ["pub", "-p", &port, "-q", "1", "-t", "l/x", "-l"];
    run(&mqtk(), &pub_args, Some(lines.as_bytes())).assert_success();
    let out = sub.wait(T);
    assert_eq!(out.code, 0, "{out}");
    assert_eq!(out.stdout_str(), format!("ready\n{lines}"));
}
