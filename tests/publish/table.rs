//! The differential runner: each [`Case`] runs through `/usr/bin/mosquitto_pub` and then through our
//! `mosquitto_pub` symlink, against the same fresh broker, with a v5 subscriber on `#` at QoS 2
//! (retain-as-published, so the retain flag and the v5 properties show).

use std::path::Path;

use tempfile::TempDir;

use super::{Creds, Ours, fence_at, normalise_ids, real};
use crate::broker::{Broker, free_port};
pub use crate::differential::Stdout;
use crate::differential::{Outcome, check_each};
use crate::subscriber::{Msg, SubOptions, Subscriber};
use crate::util::{Run, run_env};

/// The broker a case runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setup {
    /// Anonymous access allowed.
    Anonymous,
    /// `allow_anonymous false`, with [`USER`]/[`PASSWORD`] as the only account.
    Users,
    /// No broker: `{port}` is a port nothing listens on.
    Nothing,
    /// Anonymous access, plus these lines in the broker's config (`max_qos 1`, …).
    Config(&'static str),
}

/// The account of a [`Setup::Users`] broker.
pub const USER: &str = "alice";
pub const PASSWORD: &str = "secret";

/// One invocation. Arguments and the options file may contain `{port}` (the broker's port) and
/// `{dir}` (a directory holding the fixture files `bin`, an 11-byte binary file, `empty`, and `huge`,
/// a sparse file over the MQTT payload limit).
#[derive(Debug, Clone, Copy)]
pub struct Case {
    pub name: &'static str,
    pub args: &'static [&'static str],
    /// stdin bytes; `None` is /dev/null.
    pub stdin: Option<&'static [u8]>,
    /// The contents of `$XDG_CONFIG_HOME/mosquitto_pub`, if any.
    pub optfile: Option<&'static str>,
    pub setup: Setup,
    /// mosquitto_pub's exit code: checked, so the table documents the reference behaviour.
    pub code: i32,
    /// How many messages mosquitto_pub delivers: checked, so a comparison is never vacuous.
    pub msgs: usize,
    pub stdout: Stdout,
}

/// Defaults for struct-update syntax: an anonymous broker, exit 0, one message.
pub const CASE: Case = Case {
    name: "",
    args: &[],
    stdin: None,
    optfile: None,
    setup: Setup::Anonymous,
    code: 0,
    msgs: 1,
    stdout: Stdout::Same,
};

/// An argument error: no broker, exit 1, nothing delivered.
pub const USAGE: Case = Case {
    setup: Setup::Nothing,
    code: 1,
    msgs: 0,
    ..CASE
};

/// Bytes of the `{dir}/bin` fixture: NUL, control characters, invalid UTF-8.
pub const BINARY: &[u8] = b"b\x01c\xff\xc3\xa9\x7f/\x08\x0c\x00";

/// Runs every case and fails listing all cases that failed (each failure's report is printed).
#[track_caller]
pub fn check(cases: &[Case]) {
    let ours = Ours::new();
    check_each(cases, |case| case.name, |case| check_one(case, &ours));
}

fn fixtures() -> TempDir {
    let dir = tempfile::Builder::new()
        .prefix("mqtk-pub-fixtures-")
        .tempdir()
        .expect("fixture dir");
    std::fs::write(dir.path().join("bin"), BINARY).expect("write bin");
    std::fs::write(dir.path().join("empty"), b"").expect("write empty");
    // Sparse: over the MQTT payload limit without using the disk.
    let huge = std::fs::File::create(dir.path().join("huge")).expect("create huge");
    huge.set_len(300_000_000).expect("size huge");
    dir
}

fn expand(text: &str, port: u16, dir: &Path) -> String {
    text.replace("{port}", &port.to_string())
        .replace("{dir}", &dir.display().to_string())
}

/// What one client did: its run and the messages it delivered.
struct Delivered {
    run: Run,
    msgs: Vec<Msg>,
}

fn check_one(case: &Case, ours: &Ours) {
    let broker = match case.setup {
        Setup::Anonymous => Some(Broker::start()),
        Setup::Users => Some(Broker::with_users("", &[(USER, PASSWORD)])),
        Setup::Nothing => None,
        Setup::Config(lines) => Some(Broker::with_config(lines)),
    };
    // A broker may be limited to QoS 0 (`max_qos 0`); the marker's QoS makes no difference to the order.
    let fence_qos = match case.setup {
        Setup::Config(_) => "0",
        _ => "1",
    };
    let port = broker.as_ref().map_or_else(free_port, |b| b.port);
    let creds: Creds = (case.setup == Setup::Users).then_some((USER, PASSWORD));
    let sub = broker.as_ref().map(|b| {
        let mut o = SubOptions::new(b.port, "#", 2).v5();
        if let Some((u, p)) = creds {
            o = o.credentials(u, p);
        }
        Subscriber::start_with(o)
    });
    let dir = fixtures();
    let args: Vec<String> = case
        .args
        .iter()
        .map(|a| expand(a, port, dir.path()))
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let config = dir.path().join("config");
    std::fs::create_dir(&config).expect("config dir");
    if let Some(text) = case.optfile {
        std::fs::write(config.join("mosquitto_pub"), expand(text, port, dir.path()))
            .expect("write options file");
    }
    let config = config.display().to_string();
    let env = [("XDG_CONFIG_HOME", config.as_str())];

    let go = |program: &Path| {
        let run = run_env(program, &args, case.stdin, &env);
        let msgs = match &sub {
            Some(s) => fence_at(port, creds, s, fence_qos),
            None => Vec::new(),
        };
        Delivered { run, msgs }
    };
    let want = go(&real());
    let got = go(&ours.mosquitto_pub());

    let label = case.name;
    assert!(
        want.run.code == case.code && want.msgs.len() == case.msgs,
        "{label}: the table expects mosquitto_pub to exit {} and deliver {} message(s); it exited {} \
         and delivered {}:\n{}",
        case.code,
        case.msgs,
        want.run.code,
        want.msgs.len(),
        want.run
    );
    // stdout with broker-assigned ids normalised; stderr byte for byte.
    let outcome = Outcome {
        label: label.to_string(),
        real: Run {
            stdout: normalise_ids(&want.run.stdout),
            ..want.run.clone()
        },
        ours: Run {
            stdout: normalise_ids(&got.run.stdout),
            ..got.run.clone()
        },
    };
    let mut reports = outcome.differences(case.stdout);
    if want.msgs != got.msgs {
        reports.push(format!(
            "delivered messages differ\n-- mosquitto_pub --\n{:#?}\n-- ours --\n{:#?}",
            want.msgs, got.msgs
        ));
    }
    assert!(
        reports.is_empty(),
        "\n==== {label}: mosquitto_pub {}\n{}\n",
        args.join(" "),
        reports.join("\n")
    );
}
