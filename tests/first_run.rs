//! The first five minutes: the README's try-it commands work as written (pointed at a test broker),
//! and a refused connection to the default broker tells a new user what to do under the mqtk name
//! only.

use std::path::Path;

use crate::broker::Broker;
use crate::subscribe::{SUBACK_LOG, T};
use crate::util::{Alias, Proc, Run, mqtk, real, run};

/// The README's "Try it now" section.
fn try_it_section() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("README.md: {e}"));
    let start = readme
        .find("## Try it now")
        .expect("README has a '## Try it now' section");
    let rest = &readme[start + 2..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    rest[..end].to_string()
}

/// A shell command line's words (plain words and '…' quoting, all the README uses).
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in line.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                any = true;
            }
            ' ' if !quoted => {
                if any {
                    out.push(std::mem::take(&mut word));
                    any = false;
                }
            }
            c => {
                word.push(c);
                any = true;
            }
        }
    }
    assert!(!quoted, "unbalanced quote in {line:?}");
    if any {
        out.push(word);
    }
    out
}

/// The one line of the section starting with `prefix`, as words.
fn command(section: &str, prefix: &str) -> Vec<String> {
    let lines: Vec<&str> = section.lines().filter(|l| l.starts_with(prefix)).collect();
    assert_eq!(
        lines.len(),
        1,
        "one '{prefix}' line in the try-it section:\n{section}"
    );
    words(lines[0])
}

#[test]
fn readme_try_it_commands_work() {
    let section = try_it_section();
    let setup = section
        .lines()
        .find(|l| l.starts_with("sudo apt-get install"))
        .expect("a setup line");
    assert!(
        setup.contains(" mosquitto ") && setup.contains("cargo install --path ."),
        "the setup line installs a broker and mqtk: {setup}"
    );
    let sub_words = command(&section, "mqtk sub ");
    let pub_words = command(&section, "mqtk pub ");

    let broker = Broker::start();
    let port = broker.port_str();
    let at_broker = ["-h", "127.0.0.1", "-p", port.as_str()];
    let args = |w: &[String]| -> Vec<String> {
        w[1..]
            .iter()
            .cloned()
            .chain(at_broker.iter().map(|s| s.to_string()))
            .collect()
    };
    let sub_args = args(&sub_words);
    let sub_args: Vec<&str> = sub_args.iter().map(String::as_str).collect();
    let mark = broker.log_mark();
    let sub = Proc::spawn(&mqtk(), &sub_args);
    broker.expect_log_since(mark, SUBACK_LOG, T);

    let pub_args = args(&pub_words);
    let pub_args: Vec<&str> = pub_args.iter().map(String::as_str).collect();
    let published = run(&mqtk(), &pub_args, None);
    published.assert_success();
    assert_eq!(sub.expect_line(T), "demo/1 hello", "the subscriber's line");

    // The trace shows the QoS 2 handshake, in order, one packet per line.
    let trace = published.stderr_str();
    let packets: Vec<&str> = trace
        .lines()
        .filter_map(|l| l.split_whitespace().nth(2))
        .filter(|p| p.starts_with("PUB"))
        .collect();
    assert_eq!(
        packets,
        ["PUBLISH", "PUBREC", "PUBREL", "PUBCOMP"],
        "{published}"
    );
    assert!(trace.contains("QoS 2 handshake complete"), "{published}");
}

/// Runs `program ARGS` in a network namespace of its own, where nothing listens on localhost:1883
/// (this machine's port 1883 is never touched).
fn in_empty_network(program: &Path, args: &[&str]) -> Run {
    let script = "PATH=\"$PATH:/usr/sbin:/sbin\" ip link set lo up && exec \"$0\" \"$@\"";
    let program = program.to_str().expect("UTF-8 path");
    let mut all = vec!["-rn", "sh", "-c", script, program];
    all.extend_from_slice(args);
    let out = run(Path::new("/usr/bin/unshare"), &all, None);
    assert!(
        !out.stderr_str().contains("unshare:"),
        "this test needs user and network namespaces (unshare -rn): {out}"
    );
    out
}

#[test]
fn refused_default_broker_gets_a_hint_under_mqtk_only() {
    let hint = "Hint: no MQTT broker is listening on localhost:1883. Point mqtk at one with -h HOST \
                and -p PORT (or -L mqtt://HOST:PORT/TOPIC), or install one: sudo apt-get install \
                mosquitto\n";
    let refused = "Error: Connection refused\n";
    for args in [
        &["pub", "-t", "demo/1", "-m", "hello"][..],
        &["sub", "-t", "demo/#", "-v"],
    ] {
        let out = in_empty_network(&mqtk(), args);
        out.assert_code(1);
        assert_eq!(
            out.stderr_str(),
            format!("{refused}{hint}"),
            "{args:?}: {out}"
        );
    }

    // Under the mosquitto names: exactly what mosquitto prints, in the same place.
    let alias = Alias::new();
    for (name, args) in [
        ("mosquitto_pub", &["-t", "demo/1", "-m", "hello"][..]),
        ("mosquitto_sub", &["-t", "demo/#", "-v"]),
    ] {
        let want = in_empty_network(&real(name), args);
        let got = in_empty_network(&alias.path(name), args);
        assert_eq!(want.stderr_str(), refused, "{name}: {want}");
        assert_eq!(
            (got.code, got.stderr_str()),
            (want.code, want.stderr_str()),
            "{name}: {got}"
        );
        assert_eq!(got.stdout, want.stdout, "{name}");
    }

    // Another port, chosen by the user: no hint.
    let port = crate::broker::free_port().to_string();
    let out = run(&mqtk(), &["pub", "-p", &port, "-t", "a", "-m", "x"], None);
    out.assert_code(1);
    assert_eq!(out.stderr_str(), refused, "{out}");
}
