//! What every start costs: the shared libraries the dynamic loader maps before `main` (build.rs).

use std::time::Duration;

use crate::broker::Broker;
use crate::subscriber::Subscriber;
use crate::util::{Proc, mqtk};

/// The unwinder is linked from the static libgcc_eh: libgcc_s is not loaded, so its CPU-feature
/// probe (a dozen CPUID instructions, each a trap to the hypervisor in a virtual machine) does not
/// run at every start. Read from a running `pub -l` once its first line has arrived.
#[test]
fn libgcc_s_is_not_loaded() {
    let broker = Broker::start();
    let sub = Subscriber::start(broker.port, "start/t", 0);
    let port = broker.port_str();
    let mut publisher = Proc::spawn(&mqtk(), &["pub", "-p", &port, "-t", "start/t", "-l"]);
    publisher.write_stdin(b"running\n");
    assert_eq!(sub.take(1, Duration::from_secs(20)).len(), 1);
    let maps = std::fs::read_to_string(format!("/proc/{}/maps", publisher.pid()))
        .expect("read /proc/PID/maps");
    assert!(
        maps.contains("libc.so"),
        "not the running mqtk's maps:\n{maps}"
    );
    assert!(!maps.contains("libgcc_s"), "libgcc_s is loaded:\n{maps}");
    publisher.close_stdin();
    publisher.wait(Duration::from_secs(20)).assert_success();
}

/// Started with stdin closed, `pub -l` reads an empty stdin (src/start.rs opens /dev/null in the
/// closed descriptor's place, as std's start-up does) instead of the first descriptor it opens
/// itself, which would take number 0: it publishes nothing and exits 0.
#[test]
fn a_closed_stdin_reads_as_empty() {
    use std::os::unix::process::CommandExt;
    let broker = Broker::start();
    let port = broker.port_str();
    let mut cmd = std::process::Command::new(mqtk());
    cmd.args(["pub", "-p", &port, "-t", "start/closed", "-l"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    // SAFETY: close(2) is async-signal-safe, as pre_exec requires.
    unsafe {
        cmd.pre_exec(|| {
            libc::close(0);
            Ok(())
        });
    }
    let mut child = cmd.spawn().expect("spawn mqtk pub -l with stdin closed");
    // Bounded, as every wait in these tests: std has no wait with a timeout to await.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while child.try_wait().expect("try_wait").is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("mqtk pub -l with stdin closed did not exit within 20 s");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let out = child.wait_with_output().expect("collect the output");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
