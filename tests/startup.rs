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
