//! The certificates `man mosquitto-tls` makes, made by running its openssl commands on this machine's
//! OpenSSL (only the prompts answered on the command line: `-subj`, `-passout`, `-passin`). They are
//! X.509 v1 certificates whose only name is the CN, with AES-encrypted RSA keys; mosquitto's clients
//! accept them, and so must every mqtk command, over TLS and mutual TLS.

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use tempfile::TempDir;

use super::{T, assert_sub_receives, mosquitto_21};
use crate::broker::Broker;
use crate::rr::responder::{Reply, Responder};
use crate::subscriber::Subscriber;
use crate::util::{self, Alias, Run};

const CA_PASS: &str = "pass:lab-ca-secret";
const SERVER_PASS: &str = "pass:lab-server-secret";
/// The client key's passphrase, as typed at the prompt.
const CLIENT_PASSPHRASE: &str = "lab-client-secret";

/// The recipe's files: ca.crt, server.crt/.key, client.crt/.key (keys encrypted as the recipe
/// makes them), plus decrypted copies for the broker (mosquitto would ask for the passphrase on
/// its terminal) and for the client runs that are not about the passphrase.
struct Recipe {
    dir: TempDir,
}

impl Recipe {
    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.dir.path().join(name)).expect("recipe file")
    }
}

/// Runs one openssl command of the recipe in `dir`.
fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run openssl");
    assert!(
        out.status.success(),
        "openssl {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn recipe() -> &'static Recipe {
    static RECIPE: OnceLock<Recipe> = OnceLock::new();
    RECIPE.get_or_init(|| {
        let dir = tempfile::Builder::new()
            .prefix("mqtk-recipe-")
            .tempdir()
            .expect("temp dir");
        let d = dir.path();
        // CERTIFICATE AUTHORITY
        openssl(
            d,
            &[
                "req",
                "-new",
                "-x509",
                "-days",
                "365",
                "-extensions",
                "v3_ca",
                "-keyout",
                "ca.key",
                "-out",
                "ca.crt",
                "-passout",
                CA_PASS,
                "-subj",
                "/O=mqtk lab/CN=mqtk lab CA",
            ],
        );
        // SERVER and CLIENT: key, request (the CN is the broker's host name), signed by the CA.
        for (who, pass, cn) in [
            ("server", SERVER_PASS, "localhost"),
            ("client", "pass:lab-client-secret", "lab-client"),
        ] {
            let key = format!("{who}.key");
            let csr = format!("{who}.csr");
            let crt = format!("{who}.crt");
            openssl(
                d,
                &["genrsa", "-aes256", "-out", &key, "-passout", pass, "2048"],
            );
            let subj = format!("/O=mqtk lab/CN={cn}");
            openssl(
                d,
                &[
                    "req", "-out", &csr, "-key", &key, "-new", "-passin", pass, "-subj", &subj,
                ],
            );
            openssl(
                d,
                &[
                    "x509",
                    "-req",
                    "-in",
                    &csr,
                    "-CA",
                    "ca.crt",
                    "-CAkey",
                    "ca.key",
                    "-CAcreateserial",
                    "-out",
                    &crt,
                    "-days",
                    "365",
                    "-passin",
                    CA_PASS,
                ],
            );
            let plain = format!("{who}-plain.key");
            openssl(d, &["rsa", "-in", &key, "-passin", pass, "-out", &plain]);
        }
        Recipe { dir }
    })
}

/// The recipe's certificates really are the legacy kind: v1, no subjectAltName.
#[test]
fn the_recipe_makes_v1_certificates_named_only_by_their_cn() {
    let r = recipe();
    for cert in ["server.crt", "client.crt"] {
        let out = Command::new("openssl")
            .args(["x509", "-noout", "-text", "-in", &r.path(cert)])
            .output()
            .expect("openssl x509");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Version: 1 (0x0)"), "{cert}: {text}");
        assert!(!text.contains("Subject Alternative Name"), "{cert}: {text}");
    }
    assert!(String::from_utf8_lossy(&r.read("client.key")).contains("ENCRYPTED"));
}

/// A broker with the recipe's server certificate: a plain listener (`port`), a TLS one and a mutual
/// TLS one.
struct LabBroker {
    broker: Broker,
    tls: String,
    mutual: String,
}

impl LabBroker {
    fn start() -> LabBroker {
        let r = recipe();
        let files = "cafile {dir}/ca.crt\ncertfile {dir}/server.crt\nkeyfile {dir}/server.key\n";
        let config = format!(
            "listener {{port2}} 127.0.0.1\n{files}listener {{port3}} 127.0.0.1\n{files}require_certificate true\n"
        );
        let broker = Broker::with_files(
            &config,
            &[
                ("ca.crt", &r.read("ca.crt")),
                ("server.crt", &r.read("server.crt")),
                ("server.key", &r.read("server-plain.key")),
            ],
        );
        LabBroker {
            tls: broker.extra_port(2).to_string(),
            mutual: broker.extra_port(3).to_string(),
            broker,
        }
    }

    /// Connection arguments for the TLS listener, or the mutual one with the client's certificate.
    fn args(&self, mutual: bool) -> Vec<String> {
        let r = recipe();
        let mut a = vec!["-h", "localhost", "--cafile", &r.path("ca.crt")]
            .into_iter()
            .map(String::from)
            .collect::<Vec<_>>();
        if mutual {
            let key = r.path("client-plain.key");
            a.extend(["-p".into(), self.mutual.clone(), "--cert".into()]);
            a.extend([r.path("client.crt"), "--key".into(), key]);
        } else {
            a.extend(["-p".into(), self.tls.clone()]);
        }
        a
    }

    /// Publishes on the plain listener with the reference client.
    fn publish_plain(&self, topic: &str, payload: &str, retain: bool) {
        let port = self.broker.port_str();
        let mut args = vec!["-p", &port, "-t", topic, "-m", payload, "-q", "1"];
        if retain {
            args.push("-r");
        }
        util::run(&util::real("mosquitto_pub"), &args, None).assert_success();
    }
}

fn run(program: &Path, command: &[&str], conn: &[String], extra: &[&str]) -> Run {
    let mut args: Vec<&str> = command.to_vec();
    args.extend(conn.iter().map(String::as_str));
    args.extend_from_slice(extra);
    util::run(program, &args, None)
}

const NOTE: &str = "mqtk: note: the broker's certificate was accepted by a legacy rule";

#[test]
fn every_command_over_tls_and_mutual_tls_with_the_recipe() {
    let b = LabBroker::start();
    let alias = Alias::with_names(&["mosquitto_pub", "mosquitto_rr"]);
    let mqtk = util::mqtk();
    for mutual in [false, true] {
        let conn = b.args(mutual);
        let topic = if mutual {
            "recipe/mutual"
        } else {
            "recipe/tls"
        };
        let watch = Subscriber::start(b.broker.port, &format!("{topic}/#"), 1);

        // pub, under mqtk (with the one-line hint) and as mosquitto_pub (silent).
        let t = format!("{topic}/pub");
        let p = run(
            &mqtk,
            &["pub"],
            &conn,
            &["-t", &t, "-m", "by mqtk", "-q", "1"],
        );
        p.assert_success();
        assert_eq!(p.stderr_str().matches(NOTE).count(), 1, "{p}");
        assert!(p.stderr_str().contains("X.509 v1"), "{p}");
        assert!(p.stderr_str().contains("only in the CN"), "{p}");
        let m = watch.take(1, T).remove(0);
        assert_eq!(
            (m.topic.as_str(), m.payload_str()),
            (t.as_str(), "by mqtk".into())
        );
        let p = run(
            &alias.path("mosquitto_pub"),
            &[],
            &conn,
            &["-t", &t, "-m", "by alias"],
        );
        p.assert_success();
        assert_eq!(p.stderr_str(), "", "{p}");
        assert_eq!(watch.take(1, T)[0].payload_str(), "by alias");

        // sub: a retained message, then a live one.
        b.publish_plain(&format!("{topic}/sub/r"), "retained", true);
        let filter = format!("{topic}/sub/#");
        let conn_args: Vec<&str> = conn.iter().map(String::as_str).collect();
        let retained = format!("{topic}/sub/r retained");
        let live = format!("{topic}/sub/live");
        assert_sub_receives(
            &b.broker,
            &conn_args,
            &filter,
            &[&retained],
            (&live, "live"),
        );

        // bench: every message delivered.
        let bench = run(
            &mqtk,
            &["bench", "pubsub"],
            &conn,
            &["--count", "50", "-q", "1", "--json"],
        );
        bench.assert_success();
        let summary: serde_json::Value = serde_json::from_slice(&bench.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {bench}"));
        crate::bench::assert_delivered(&summary, 50, 1);

        // retain-clear: the retained message above and one more, verified gone.
        b.publish_plain(&format!("{topic}/sub/r2"), "x", true);
        let clear = run(
            &mqtk,
            &["retain-clear"],
            &conn,
            &["-t", &filter, "--verify", "--json"],
        );
        clear.assert_success();
        let summary: serde_json::Value = serde_json::from_slice(&clear.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {clear}"));
        assert_eq!(summary["cleared"], 2, "{summary:#}");

        // rr, under mqtk and as mosquitto_rr: the scripted responder (on the plain listener)
        // answers each request, and the answer is printed. Its topics are outside `topic`, where
        // the watcher above would see them.
        let (request, response) = (format!("rr-{topic}/req"), format!("rr-{topic}/resp"));
        let responder = Responder::start(
            b.broker.port,
            &request,
            &response,
            vec![Reply::echo("answer")],
        );
        for (program, command) in [(&mqtk, &["rr"][..]), (&alias.path("mosquitto_rr"), &[])] {
            let out = run(
                program,
                command,
                &conn,
                &[
                    "-t", &request, "-e", &response, "-m", "question", "-W", "10",
                ],
            );
            out.assert_success();
            assert_eq!(out.stdout_str(), "answer\n", "{out}");
            assert_eq!(responder.request().payload, b"question");
        }
    }
}

/// Runs `program` in a session of its own (no terminal to prompt on), `stdin` as its input.
fn without_terminal(program: &Path, args: &[String], stdin: &[u8]) -> Run {
    let mut all = vec![program.display().to_string()];
    all.extend(args.iter().cloned());
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    util::run(Path::new("/usr/bin/setsid"), &all, Some(stdin))
}

#[test]
fn an_encrypted_key_asks_for_its_passphrase_as_mosquitto_pub_2_1_does() {
    // OpenSSL asks on the terminal, or without one on stdin: under the mosquitto names the same
    // prompt and the same outcome as 2.1.
    let b = LabBroker::start();
    let r = recipe();
    let alias = Alias::new();
    let mut conn = b.args(false);
    conn.truncate(4);
    conn.extend([
        "-p".into(),
        b.mutual.clone(),
        "--cert".into(),
        r.path("client.crt"),
    ]);
    conn.extend(["--key".into(), r.path("client.key")]);
    conn.extend(["-t", "recipe/key", "-m", "x"].map(String::from));
    let passphrase = format!("{CLIENT_PASSPHRASE}\n");
    for input in [passphrase.as_bytes(), b"wrong\n".as_slice()] {
        let theirs = without_terminal(&mosquitto_21("mosquitto_pub"), &conn, input);
        let ours = without_terminal(&alias.path("mosquitto_pub"), &conn, input);
        assert_eq!(
            (ours.code, ours.stderr_str()),
            (theirs.code, theirs.stderr_str()),
            "2.1: {theirs}\nours: {ours}"
        );
    }
    let ok = without_terminal(&alias.path("mosquitto_pub"), &conn, passphrase.as_bytes());
    ok.assert_success();
    // mqtk names the cause.
    let mut args = vec!["pub".to_string()];
    args.extend(conn.iter().cloned());
    let wrong = without_terminal(&util::mqtk(), &args, b"wrong\n");
    wrong.assert_code(8);
    assert!(
        wrong.stderr_str().contains("the key is encrypted"),
        "{wrong}"
    );
}
