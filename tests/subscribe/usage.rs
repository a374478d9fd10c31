//! Argument errors, the options file and connection failures against mosquitto_sub, then mqtk's
//! documented differences: numbers are checked, `-W` before CONNACK is "Timed out", --random-filter
//! keeps P percent, --help/--version exit 0, and the mqtk-only options under the mosquitto name.

use std::net::TcpListener;

use super::{
    Case, SUBACK_LOG, T, assert_all_same, differential_runs, mqtk_sub, ours, retain,
    spawn_mqtk_sub, sub_alias, wait_log_count, with_port,
};
use crate::broker::{Broker, free_port};
use crate::util::{Proc, W, mqtk, real, run, run_env};

/// Usage errors, each with mosquitto's message and exit 1, before any connection is made.
#[test]
fn argument_errors_match_mosquitto() {
    let port = free_port().to_string();
    let p = port.as_str();
    let invocations: &[&[&str]] = &[
        &["-t", "a/#/b"],
        &["-t", "a+"],
        &["-t", "a", "-t", "#/x"],
        &["-t", "a", "-T", "x/#/y"],
        &["-t", "a", "-U", "x/+y"],
        &["-t", "a", "-C", "0"],
        &["-t", "a", "-C", "-3"],
        &["-t", "a", "-C", "abc"],
        &["-t", "a", "-W", "0"],
        &["-t", "a", "-W", "x"],
        &["-t", "a", "-R", "--retained-only"],
        &["-R", "--retained-only"],
        &[],
        &["-v"],
        &["-t", "a", "-q", "3"],
        &["-t", "a", "--random-filter", "0"],
        &["-t", "a", "--random-filter", "1001"],
        &["-t"],
        &["-t", "a", "-m", "x"],
        &["-t", "a", "--json"],
        &["-t", "a", "--json-path", "$.a"],
        &["-t", "a", "--where", "$[?@.a]"],
        &["-t", "a", "--strict"],
    ];
    let cases = invocations
        .iter()
        .map(|args| {
            let mut full = vec!["-p", p];
            full.extend_from_slice(args);
            Case::new(&full)
        })
        .collect();
    let outcomes = differential_runs(cases);
    assert_all_same(&outcomes);
    for o in &outcomes {
        assert_eq!(o.ours.code, 1, "{}: {}", o.label, o.ours);
        assert!(o.ours.stdout.is_empty(), "{}: {}", o.label, o.ours);
    }
    assert_eq!(
        outcomes[0].ours.stderr_str(),
        "Error: Invalid subscription topic 'a/#/b', are all '+' and '#' wildcards correct?\n\nUse 'mosquitto_sub --help' to see usage.\n"
    );
    assert_eq!(
        ours(&outcomes, "-t a -R --retained-only").stderr_str(),
        "\nError: Combining '-R' and '--retained-only' makes no sense.\n"
    );
    assert_eq!(
        ours(&outcomes, "-t a --json").stderr_str(),
        "Error: Unknown option '--json'.\n\nUse 'mosquitto_sub --help' to see usage.\n"
    );
}

/// mosquitto's own words for a missing value, and its parser's strictness: no bundled short options,
/// no attached values, no `--opt=value`, no `--`.
#[test]
fn missing_values_and_clap_conveniences_match_mosquitto() {
    let invocations: &[&[&str]] = &[
        &["-t", "a", "-C"],
        &["-t", "a", "-F"],
        &["-t", "a", "-T"],
        &["-t", "a", "-U"],
        &["-t", "a", "-W"],
        &["-t", "a", "--random-filter"],
        &["-t", "a", "-dv"],
        &["-ta"],
        &["--topic=a"],
        &["-t", "a", "--"],
    ];
    let cases = invocations
        .iter()
        .map(|args| {
            let mut full = vec!["-p", "1"];
            full.extend_from_slice(args);
            Case::new(&full)
        })
        .collect();
    assert_all_same(&differential_runs(cases));
}

/// mosquitto parses numbers with atoi: `-C 1x` is 1, `-W 1.9` is 1, `-q abc` is QoS 0.
#[test]
fn atoi_numbers_under_the_mosquitto_name() {
    let broker = Broker::start();
    retain(&broker, "n/1", b"one");
    retain(&broker, "n/2", b"two");
    let p = broker.port_str();
    let cases = vec![
        Case::new(&["-p", &p, "-t", "n/#", "-C", "1x"]),
        Case::new(&["-p", &p, "-t", "n/#", "-C", "2.5"]),
        Case::new(&["-p", &p, "-t", "n/#", "-W", "1.9", "-q", "abc", "-d"]),
    ];
    let outcomes = differential_runs(cases);
    assert_all_same(&outcomes);
    assert_eq!(outcomes[0].ours.stdout, b"one\n");
    assert_eq!(outcomes[2].ours.code, 27);
}

/// The options file `$XDG_CONFIG_HOME/mosquitto_sub` is read before argv under the mosquitto name
/// (one option per line, split at the first space, `#` comments); mqtk sub does not read it.
#[test]
fn options_file_under_the_mosquitto_name() {
    let broker = Broker::start();
    retain(&broker, "o/1", b"from file");
    let good = tempfile::tempdir().unwrap();
    std::fs::write(
        good.path().join("mosquitto_sub"),
        format!("# defaults\n-p {}\n-t o/#\n\n  -v\n-F %t=%p\n", broker.port),
    )
    .unwrap();
    let bad = tempfile::tempdir().unwrap();
    std::fs::write(bad.path().join("mosquitto_sub"), "--bogus\n").unwrap();
    let good_dir = good.path().to_str().unwrap();
    let bad_dir = bad.path().to_str().unwrap();
    let p = broker.port_str();
    let cases = vec![
        Case::new(&["-W", W]).env("XDG_CONFIG_HOME", good_dir),
        // Command-line options add to the file's topics and override its scalars.
        Case::new(&["-t", "o/none", "-F", "%p", "-W", W]).env("XDG_CONFIG_HOME", good_dir),
        Case::new(&["-p", &p, "-t", "o/#", "-W", W]).env("XDG_CONFIG_HOME", bad_dir),
    ];
    let outcomes = differential_runs(cases);
    assert_all_same(&outcomes);
    assert_eq!(
        (outcomes[0].ours.code, outcomes[0].ours.stdout_str()),
        (27, "o/1=from file\n".to_string())
    );
    assert_eq!(
        outcomes[2].ours.stderr_str(),
        "Error: Unknown option '--bogus'.\n\nUse 'mosquitto_sub --help' to see usage.\n"
    );

    let ours = run_env(
        &mqtk(),
        &["sub", "-p", &p, "-t", "o/#", "-W", W],
        None,
        &[("XDG_CONFIG_HOME", bad_dir)],
    );
    assert_eq!(
        (ours.code, ours.stdout_str()),
        (27, "from file\n".to_string()),
        "{ours}"
    );
}

/// Connection refused and an unknown host: mosquitto's messages, exit 1.
#[test]
fn connection_failures_match_mosquitto() {
    let closed = free_port().to_string();
    let cases = vec![
        Case::new(&["-p", &closed, "-t", "a"]),
        Case::new(&["-h", "no-such-host.invalid", "-t", "a"]),
        Case::new(&["-p", &closed, "-t", "a", "-W", "5", "-C", "1"]),
    ];
    // Against 2.0.11: 2.1 reports a refused connection as "Error: Bad file descriptor" (README).
    let outcomes: Vec<_> =
        super::differential_runs_with(&crate::util::real("mosquitto_sub"), cases)
            .into_iter()
            .map(|o| o.normalise(crate::reference::as_2_1_texts))
            .collect();
    assert_all_same(&outcomes);
    assert_eq!(
        (outcomes[0].ours.code, outcomes[0].ours.stderr_str()),
        (1, "Error: Connection refused\n".to_string())
    );
    assert_eq!(
        outcomes[1].ours.stderr_str(),
        "Unable to connect (Lookup error).\n"
    );
    let quiet = mqtk_sub(&["-p", &closed, "-t", "a", "--quiet"]);
    assert_eq!((quiet.code, quiet.stderr_str()), (1, String::new()));
}

/// -W running out before CONNACK (a listener that never answers): mosquitto_sub exits 255 without a
/// word, and so does the alias; mqtk sub says "Timed out" and exits 27.
#[test]
fn timeout_before_connack() {
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port().to_string();
    let outcomes = differential_runs(vec![Case::new(&["-p", &port, "-t", "a", "-W", "1"])]);
    assert_all_same(&outcomes);
    assert_eq!(
        (outcomes[0].ours.code, outcomes[0].ours.stderr_str()),
        (255, String::new())
    );
    let ours = mqtk_sub(&["-p", &port, "-t", "a", "-W", "1"]);
    assert_eq!(
        (ours.code, ours.stderr_str()),
        (27, "Timed out\n".to_string()),
        "{ours}"
    );
    drop(silent);
}

/// --help and --version exit 1 under the mosquitto name (as mosquitto does) and 0 under mqtk.
#[test]
fn help_and_version_exit_codes() {
    let (_alias, ours) = sub_alias();
    for flag in ["--help", "--version"] {
        let real_run = run(&super::reference(), &[flag], None);
        let alias_run = run(&ours, &[flag], None);
        assert_eq!(real_run.code, 1);
        assert_eq!(alias_run.code, 1, "{alias_run}");
        assert!(!alias_run.stdout.is_empty());
        let mqtk_run = mqtk_sub(&[flag]);
        assert_eq!(mqtk_run.code, 0, "{mqtk_run}");
    }
    let version = run(&ours, &["--version"], None).stdout_str();
    assert!(
        version.starts_with("mosquitto_sub version 2.1.2"),
        "{version}"
    );
    let help = mqtk_sub(&["--help"]).stdout_str();
    for option in ["--json-path", "--where", "--strict", "--json"] {
        assert!(help.contains(option), "--help lacks {option}");
    }
}

/// Under mqtk, non-numbers in numeric options are usage errors: one error line, then the hint.
#[test]
fn mqtk_rejects_numeric_garbage() {
    for (flag, value) in [
        ("-C", "abc"),
        ("-W", "1x"),
        ("-C", "2.5"),
        ("-q", "1x"),
        ("-W", ""),
        ("--random-filter", "ten"),
    ] {
        let out = mqtk_sub(&["-p", "1", "-t", "a", flag, value]);
        assert_eq!(out.code, 1, "{flag} {value:?}: {out}");
        assert!(out.stdout.is_empty());
        let err = out.stderr_str();
        let lines: Vec<&str> = err.lines().collect();
        assert!(
            lines[0].starts_with("Error: ") && lines[0].contains(flag),
            "{flag} {value:?}: {err}"
        );
        assert_eq!(
            &lines[1..],
            ["", "Use 'mqtk sub --help' to see usage."],
            "{flag} {value:?}: {err}"
        );
    }
}

/// The mqtk-only options are rejected under the mosquitto name, as mosquitto_sub rejects them.
#[test]
fn extensions_rejected_under_the_mosquitto_name() {
    let (_alias, ours) = sub_alias();
    for args in [
        &["--json-path", "$.a"][..],
        &["--where", "$[?@.a]"],
        &["--strict"],
        &["--json"],
    ] {
        let mut full = vec!["-t", "a"];
        full.extend_from_slice(args);
        let out = run(&ours, &full, None);
        assert_eq!(out.code, 1);
        assert_eq!(
            out.stderr_str(),
            format!(
                "Error: Unknown option '{}'.\n\nUse 'mosquitto_sub --help' to see usage.\n",
                args[0]
            )
        );
    }
}

/// An empty -t: mosquitto_sub sends it, the broker drops the connection and mosquitto_sub
/// reconnects forever (a hang); ours refuses it as an invalid filter under both names.
#[test]
fn empty_topic_is_refused() {
    let (_alias, ours) = sub_alias();
    for program in [ours, mqtk()] {
        let args: &[&str] = if program == mqtk() {
            &["sub", "-p", "1", "-t", ""]
        } else {
            &["-p", "1", "-t", ""]
        };
        let out = run(&program, args, None);
        assert_eq!(out.code, 1, "{out}");
        assert!(
            out.stderr_str().starts_with(
                "Error: Invalid subscription topic '', are all '+' and '#' wildcards correct?\n"
            ),
            "{out}"
        );
    }
}

/// --random-filter P keeps P percent under mqtk, but P/10 percent under the mosquitto name
/// (mosquitto's quirk); dropped messages still count for -C.
#[test]
fn random_filter_percentages() {
    const N: usize = 400;
    let broker = Broker::start();
    let (_alias, alias) = sub_alias();
    let count = N.to_string();
    let args = with_port(
        &broker,
        &["-t", "rf", "--random-filter", "50", "-C", &count],
    );
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mark = broker.log_mark();
    let as_mosquitto = Proc::spawn(&alias, &args);
    let as_mqtk = spawn_mqtk_sub(&args);
    wait_log_count(&broker, mark, SUBACK_LOG, 2);
    let lines: String = (0..N).map(|i| format!("{i}\n")).collect();
    run(
        &real("mosquitto_pub"),
        &["-p", &broker.port_str(), "-t", "rf", "-q", "1", "-l"],
        Some(lines.as_bytes()),
    )
    .assert_success();
    let mosq = as_mosquitto.wait(T);
    let ours = as_mqtk.wait(T);
    mosq.assert_success();
    ours.assert_success();
    let kept = |r: &crate::util::Run| r.stdout_str().lines().count();
    // Binomial(400, 0.5): mean 200, sd 10. Binomial(400, 0.05): mean 20, sd 4.4.
    assert!(
        (140..=260).contains(&kept(&ours)),
        "mqtk kept {} of {N}",
        kept(&ours)
    );
    assert!(
        kept(&mosq) <= 60,
        "mosquitto_sub alias kept {} of {N}",
        kept(&mosq)
    );
}
