//! TLS against real mosquitto listeners, with certificates generated at test time (rcgen, and the
//! openssl commands of `man mosquitto-tls`).
//!
//! Every broker has its usual plain listener (`broker.port`), where a test subscriber observes what
//! the TLS clients delivered, and one TLS listener on a second port. Each option has a passing and a
//! failing case; under mqtk failures exit 8 with one `Error: A TLS error occurred: <cause>` line,
//! and under the mosquitto names our `mosquitto_pub` alias gives mosquitto_pub 2.1's exit code and
//! text.

// The PKI: a CA, an untrusted CA, good, expired and wrong-host server certificates, client certificates.
mod pki;
// Who is trusted: --cafile, --capath, --tls-use-os-certs; host names, expiry and --insecure.
mod trust;
// Mutual TLS: PKCS#8, SEC1 and RSA keys, and what the broker says without a good certificate.
mod mutual;
// --tls-version, --tls-alpn, --ciphers, --tls-keylog, mqtts:// URLs, clients on the wrong port.
mod options;
// sub, bench, retain-clear and wss over TLS, TLS through proxies and -A, no password printed.
mod commands;
// The same arguments through mosquitto 2.1's mosquitto_pub and our mosquitto_pub alias.
mod differential;
// TLS-PSK against a psk_file listener, and 2.1's reports of its failures.
mod psk;
// The certificates `man mosquitto-tls` makes (v1, CN only, encrypted keys) with every command.
mod recipe;

use std::path::Path;

use tempfile::TempDir;

use crate::broker::Broker;
use crate::subscriber::Subscriber;
use crate::util::{self, Alias, Run};
use pki::{Issued, pki};

/// Patience for anything that should happen promptly.
use crate::util::T;

/// What every TLS failure starts with.
const TLS_ERROR: &str = "Error: A TLS error occurred: ";

/// The client's copies of the PKI, as files in a temp dir.
struct Files {
    dir: TempDir,
}

impl Files {
    fn new() -> Files {
        let pki = pki();
        let dir = tempfile::Builder::new()
            .prefix("mqtk-tls-")
            .tempdir()
            .expect("temp dir");
        let files: [(&str, &str); 12] = [
            ("ca.pem", &pki.ca),
            ("other-ca.pem", &pki.other_ca),
            ("client.pem", &pki.client.cert),
            ("client.key", &pki.client.key),
            ("client-sec1.key", &pki.client_sec1_key),
            ("client-rsa.pem", &pki.client_rsa.cert),
            ("client-rsa.key", &pki.client_rsa.key),
            ("stranger.pem", &pki.stranger.cert),
            ("stranger.key", &pki.stranger.key),
            ("server.key", &pki.server.key),
            ("garbage.pem", "this is not PEM\n"),
            ("both-cas.pem", &format!("{}{}", pki.other_ca, pki.ca)),
        ];
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).expect("write PKI file");
        }
        Files { dir }
    }

    /// The path of one of the files, as an argument.
    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    /// A new directory holding copies of `names` (for `--capath`), plus a README that is skipped.
    fn capath(&self, dirname: &str, names: &[(&str, &str)]) -> String {
        let dir = self.dir.path().join(dirname);
        std::fs::create_dir(&dir).expect("capath dir");
        std::fs::write(dir.join("README"), "not a certificate\n").expect("README");
        for (from, to) in names {
            std::fs::copy(self.dir.path().join(from), dir.join(to)).expect("copy into capath");
        }
        dir.display().to_string()
    }
}

/// A mosquitto with a plain listener (`broker.port`) and a TLS listener (`tls`).
struct TlsBroker {
    broker: Broker,
    tls: u16,
}

impl TlsBroker {
    /// A TLS listener presenting `server`, with more listener options (`require_certificate true`,
    /// `tls_version tlsv1.3`, `protocol websockets`).
    fn start(server: &Issued, options: &str) -> TlsBroker {
        let config = format!(
            "listener {{port2}} 127.0.0.1\ncafile {{dir}}/ca.pem\ncertfile {{dir}}/server.pem\nkeyfile {{dir}}/server.key\n{options}\n"
        );
        let broker = Broker::with_files(
            &config,
            &[
                ("ca.pem", pki().ca.as_bytes()),
                ("server.pem", server.cert.as_bytes()),
                ("server.key", server.key.as_bytes()),
            ],
        );
        let tls = broker.extra_port(2);
        TlsBroker { broker, tls }
    }

    fn tls_port(&self) -> String {
        self.tls.to_string()
    }

    fn plain_port(&self) -> String {
        self.broker.port_str()
    }

    /// A subscriber on the plain listener to every topic.
    fn observer(&self) -> Subscriber {
        Subscriber::start(self.broker.port, "#", 1)
    }
}

/// Runs `program PREFIX… -h HOST -p PORT -t tls/test -m PAYLOAD EXTRA…` (a publish).
fn publish(program: &Path, prefix: &[&str], host: &str, port: &str, extra: &[&str]) -> Run {
    publish_env(program, prefix, host, port, extra, &[])
}

/// [`publish`] with extra environment variables (`SSL_CERT_FILE`).
fn publish_env(
    program: &Path,
    prefix: &[&str],
    host: &str,
    port: &str,
    extra: &[&str],
    env: &[(&str, &str)],
) -> Run {
    let mut args = prefix.to_vec();
    args.extend(["-h", host, "-p", port, "-t", "tls/test", "-m", "over tls"]);
    args.extend_from_slice(extra);
    util::run_env(program, &args, None, env)
}

/// `mqtk pub` to the TLS listener at 127.0.0.1.
fn mqtk_pub(b: &TlsBroker, extra: &[&str]) -> Run {
    publish(&util::mqtk(), &["pub"], "127.0.0.1", &b.tls_port(), extra)
}

/// The `mosquitto_pub` alias (mosquitto personality).
fn alias_pub(alias: &Alias, host: &str, port: &str, extra: &[&str]) -> Run {
    publish(&alias.path("mosquitto_pub"), &[], host, port, extra)
}

/// Everything `sub` got before now, proven with a marker published on the plain listener.
fn delivered(b: &TlsBroker, sub: &Subscriber) -> Vec<String> {
    crate::publish::fence(b.broker.port, None, sub)
        .into_iter()
        .map(|m| format!("{} {}", m.topic, m.payload_str()))
        .collect()
}

/// Exit 0, and exactly the one message [`publish`] sends reached the broker.
#[track_caller]
fn assert_delivered_once(b: &TlsBroker, sub: &Subscriber, run: &Run) {
    run.assert_success();
    assert_eq!(delivered(b, sub), ["tls/test over tls"], "after {run}");
}

/// Exit 8 and one error line (after an optional `--insecure` warning) that contains each of `words`.
#[track_caller]
fn assert_tls_error(run: &Run, words: &[&str]) {
    run.assert_code(8);
    let stderr = run.stderr_str();
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.starts_with("Warning: --insecure"))
        .collect();
    assert_eq!(lines.len(), 1, "one error line expected in {run}");
    assert!(lines[0].starts_with(TLS_ERROR), "{run}");
    for word in words {
        assert!(lines[0].contains(word), "{word:?} missing in {run}");
    }
}

/// `mqtk sub CONN… -t FILTER -v`: prints the `retained` lines (already retained on the broker),
/// then `topic payload` of a message published on the plain listener once the broker has its
/// SUBSCRIBE, and exits 0.
#[track_caller]
fn assert_sub_receives(
    broker: &Broker,
    conn: &[&str],
    filter: &str,
    retained: &[&str],
    live: (&str, &str),
) {
    let count = (retained.len() + 1).to_string();
    let mut args = vec!["sub"];
    args.extend_from_slice(conn);
    args.extend(["-t", filter, "-v", "-q", "1", "-C", &count]);
    let mark = broker.log_mark();
    let sub = util::Proc::spawn(&util::mqtk(), &args);
    for line in retained {
        assert_eq!(sub.expect_line(T), *line);
    }
    broker.expect_log_since(mark, "Received SUBSCRIBE", T);
    let port = broker.port_str();
    let (topic, payload) = live;
    util::run(
        &util::real("mosquitto_pub"),
        &["-p", &port, "-t", topic, "-m", payload],
        None,
    )
    .assert_success();
    assert_eq!(sub.expect_line(T), format!("{topic} {payload}"));
    sub.wait(T).assert_success();
}

/// mosquitto 2.1's report of a TLS failure in its connect call: exit 1 and one line.
#[track_caller]
fn assert_mosquitto_tls_error(run: &Run) {
    run.assert_code(1);
    assert_eq!(
        run.stderr_str(),
        "Unable to connect (A TLS error occurred).\n",
        "{run}"
    );
}

/// A mosquitto 2.1 reference program (`mosquitto_pub`, `mosquitto_sub`), built by
/// `mosquitto-2.1/build.sh` into `$MOSQUITTO_21_BIN` or `~/.cache/mosquitto-2.1/bin`.
fn mosquitto_21(name: &str) -> std::path::PathBuf {
    let dir = std::env::var_os("MOSQUITTO_21_BIN")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            let cache = std::env::var_os("XDG_CACHE_HOME")
                .map(std::path::PathBuf::from)
                .unwrap_or_else(|| {
                    Path::new(&std::env::var_os("HOME").expect("HOME")).join(".cache")
                });
            cache.join("mosquitto-2.1/bin")
        });
    let path = dir.join(name);
    assert!(
        path.exists(),
        "mosquitto 2.1's {name} is not at {} (build it with mosquitto-2.1/build.sh, or set MOSQUITTO_21_BIN)",
        path.display()
    );
    path
}
