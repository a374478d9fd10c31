//! The password without the command line: `--pw-file FILE` (its first line) and the `MQTK_PASSWORD`
//! variable (used with `-u` only), against a broker with a password file. The password never shows
//! in `-d` or `--trace` output.

use super::{assert_fails, mqtk_env, mqtk_run, path_in};
use crate::broker::Broker;
use crate::util::{Alias, Run, W, real, run, run_env};

const PASSWORD: &str = "s3cret-Pw";

/// A broker that lets `ann` in with [`PASSWORD`] and nobody else.
fn broker() -> Broker {
    Broker::with_users("", &[("ann", PASSWORD)])
}

/// mosquitto_pub's words for a v3.1.1 refusal (mosquitto 2 answers 5 for a wrong password).
const REFUSED: &str =
    "Connection error: Connection Refused: not authorised\nError: The connection was refused\n";

/// Writes a password file in the broker's directory.
fn pw_file(broker: &Broker, name: &str, text: &str) -> String {
    let path = path_in(broker.dir(), name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Asserts that the password appears nowhere in what a run printed.
#[track_caller]
fn assert_hidden(out: &Run, password: &str) {
    assert!(
        !out.stdout_str().contains(password) && !out.stderr_str().contains(password),
        "the password shows:\n{out}"
    );
}

#[test]
fn password_file() {
    let broker = broker();
    let port = broker.port_str();
    let file = pw_file(&broker, "pw", &format!("{PASSWORD}\nsecond line ignored\n"));
    let login = ["-p", &port, "-u", "ann", "--pw-file", &file];
    let retained = [
        "-p", &port, "-u", "ann", "-P", PASSWORD, "-t", "pw/1", "-m", "kept", "-q", "1", "-r",
    ];
    run(&real("mosquitto_pub"), &retained, None).assert_success();
    for (command, rest) in [
        ("pub", &["-t", "pw/2", "-m", "x", "-q", "1"][..]),
        ("bench", &["pubsub", "--count", "10", "-t", "pw/b/%i"][..]),
        ("retain-clear", &["-t", "pw/#"][..]),
    ] {
        let out = mqtk_run(&[&[command], &login[..], rest].concat());
        out.assert_success();
    }
    // The retained message was cleared: publish one again for sub.
    run(&real("mosquitto_pub"), &retained, None).assert_success();
    let out = mqtk_run(&[&["sub"], &login[..], &["-t", "pw/1", "-C", "1"]].concat());
    assert_eq!((out.code, out.stdout_str()), (0, "kept\n".into()), "{out}");
    // -P wins over the file.
    let wrong = pw_file(&broker, "wrong", "not-it\n");
    let out = mqtk_run(&[
        "pub",
        "-p",
        &port,
        "-u",
        "ann",
        "-P",
        PASSWORD,
        "--pw-file",
        &wrong,
        "-t",
        "a",
        "-m",
        "x",
    ]);
    out.assert_success();
}

#[test]
fn password_file_failures() {
    let broker = broker();
    let port = broker.port_str();
    let wrong = pw_file(&broker, "wrong", "not-it\n");
    let out = mqtk_run(&[
        "pub",
        "-p",
        &port,
        "-u",
        "ann",
        "--pw-file",
        &wrong,
        "-t",
        "a",
        "-m",
        "x",
    ]);
    assert_fails(&out, 5, REFUSED);
    let out = mqtk_run(&[
        "pub",
        "-p",
        &port,
        "-u",
        "ann",
        "--pw-file",
        "/nonexistent/pw",
        "-t",
        "a",
        "-m",
        "x",
    ]);
    assert_fails(
        &out,
        1,
        "Error: cannot read the password file '/nonexistent/pw': No such file or directory\n",
    );
    // Under the mosquitto names it does not exist, as in mosquitto.
    let alias = Alias::with_names(&["mosquitto_pub"]);
    let out = run(
        &alias.path("mosquitto_pub"),
        &["--pw-file", &wrong, "-t", "a", "-m", "x"],
        None,
    );
    assert_fails(
        &out,
        1,
        "Error: Unknown option '--pw-file'.\n\nUse 'mosquitto_pub --help' to see usage.\n",
    );
}

#[test]
fn password_from_the_environment() {
    let broker = broker();
    let port = broker.port_str();
    let publish = ["pub", "-p", &port, "-u", "ann", "-t", "a", "-m", "x"];
    mqtk_env(&publish, &[("MQTK_PASSWORD", PASSWORD)]).assert_success();
    let out = mqtk_env(&publish, &[("MQTK_PASSWORD", "not-it")]);
    assert_fails(&out, 5, REFUSED);
    // -P wins over the variable.
    let explicit = [&publish[..], &["-P", PASSWORD]].concat();
    mqtk_env(&explicit, &[("MQTK_PASSWORD", "not-it")]).assert_success();
    // Without -u the variable is not used (it is not sent to whichever broker is asked).
    let anonymous = ["pub", "-p", &port, "-t", "a", "-m", "x", "-V", "5"];
    let out = mqtk_env(&anonymous, &[("MQTK_PASSWORD", PASSWORD)]);
    assert_fails(
        &out,
        135,
        "Connection error: Not authorized\nError: A network protocol error occurred when communicating with the broker\n",
    );
    // The variable is read under the mosquitto names too.
    let alias = Alias::with_names(&["mosquitto_sub"]);
    let sub = ["-p", &port, "-u", "ann", "-t", "a", "-W", W];
    let out = run_env(
        &alias.path("mosquitto_sub"),
        &sub,
        None,
        &[("MQTK_PASSWORD", PASSWORD)],
    );
    assert_eq!(out.code, 27, "{out}");
}

/// Neither `-d` (stdout) nor `--trace` (stderr) shows the password, wherever it came from, whether
/// the broker accepts it or not.
#[test]
fn password_never_printed() {
    let broker = broker();
    let port = broker.port_str();
    let file = pw_file(&broker, "pw", PASSWORD);
    let base = ["-p", &port, "-u", "ann", "-d"];
    for extra in [
        &["--pw-file", &file, "--trace"][..],
        &["--trace-format", "json"][..],
        &["--trace"][..],
    ] {
        for command in [
            &["pub", "-m", "x", "-q", "1"][..],
            &["sub", "-C", "1", "-W", "1"][..],
        ] {
            let args = [command, &base[..], extra, &["-t", "a"]].concat();
            let out = mqtk_env(&args, &[("MQTK_PASSWORD", PASSWORD)]);
            assert!(out.code == 0 || out.code == 27, "{out}");
            assert!(out.stdout_str().contains("sending CONNECT"), "{out}");
            assert_hidden(&out, PASSWORD);
        }
    }
    let out = mqtk_env(
        &[&["pub", "-m", "x"], &base[..], &["--trace", "-t", "a"]].concat(),
        &[("MQTK_PASSWORD", "wrong-Pw")],
    );
    assert_eq!(out.code, 5, "{out}");
    assert_hidden(&out, "wrong-Pw");
}
