//! Options files: `-o FILE` (mosquitto 2.1: pre-scanned from argv, replaces the default file, once),
//! every line processed on its own before argv, and mqtk's own defaults in
//! `$XDG_CONFIG_HOME/mqtk/<command>` (else `~/.config/mqtk/<command>`).

use std::path::Path;

use super::{T, assert_fails, mqtk_env, retain};
use crate::broker::{Broker, free_port};
use crate::subscriber::Subscriber;
use crate::util::{Alias, real, run, run_env};

/// Writes `text` to `dir/name` (creating directories).
fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// `-o FILE` under every name of pub and sub; it replaces the default file (a broken one here).
#[test]
fn o_file_under_every_name() {
    let broker = Broker::start();
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().to_str().unwrap();
    write(dir.path(), "mosquitto_pub", "--bogus\n");
    write(dir.path(), "mosquitto_sub", "--bogus\n");
    write(dir.path(), "mqtk/pub", "--bogus\n");
    write(dir.path(), "mqtk/sub", "--bogus\n");
    let file = write(
        dir.path(),
        "lab.conf",
        &format!("# the lab broker\n-h 127.0.0.1\n-p {}\n-q 1\n", broker.port),
    );
    let env = [("XDG_CONFIG_HOME", conf)];
    let alias = Alias::new();
    let subscriber = Subscriber::start(broker.port, "of/#", 1);
    for name in ["mosquitto_pub", "mqtk-pub"] {
        let out = run_env(
            &alias.path(name),
            &["-o", &file, "-t", "of/p", "-m", name],
            None,
            &env,
        );
        out.assert_success();
        let msg = subscriber.recv(T).expect("a message");
        assert_eq!((msg.payload_str(), msg.qos), (name.to_string(), 1));
    }
    mqtk_env(&["pub", "-t", "of/p", "-m", "mqtk pub", "-o", &file], &env).assert_success();
    assert_eq!(
        subscriber.recv(T).expect("a message").payload_str(),
        "mqtk pub"
    );

    retain(&broker, "of/s", "retained");
    for name in ["mosquitto_sub", "mqtk-sub"] {
        let out = run_env(
            &alias.path(name),
            &["-t", "of/s", "-C", "1", "-o", &file],
            None,
            &env,
        );
        assert_eq!(
            (out.code, out.stdout_str()),
            (0, "retained\n".into()),
            "{out}"
        );
    }
    let out = mqtk_env(&["sub", "-o", &file, "-t", "of/s", "-C", "1"], &env);
    assert_eq!(
        (out.code, out.stdout_str()),
        (0, "retained\n".into()),
        "{out}"
    );
    // Without -o the broken default file is read.
    let out = run_env(
        &alias.path("mosquitto_pub"),
        &["-t", "a", "-m", "x"],
        None,
        &env,
    );
    assert_fails(
        &out,
        1,
        "Error: Unknown option '--bogus'.\n\nUse 'mosquitto_pub --help' to see usage.\n",
    );
}

#[test]
fn o_failures() {
    let alias = Alias::with_names(&["mosquitto_pub", "mosquitto_sub"]);
    let cases: [(&[&str], &str); 4] = [
        (
            &["-o", "a", "-t", "a", "-m", "x", "-o", "b"],
            "Error: Duplicate -o argument given.\n\n",
        ),
        // Pre-scanned: found before any other mistake.
        (
            &["-q", "3", "-t", "a", "-m", "x", "-o"],
            "Error: -o argument given but no options file specified.\n\n",
        ),
        (
            &["-o", "a", "-o"],
            "Error: Duplicate -o argument given.\n\n",
        ),
        (
            &["-t", "a", "-m", "-o"],
            "Error: -o argument given but no options file specified.\n\n",
        ),
    ];
    for (args, stderr) in cases {
        let out = run(&alias.path("mosquitto_pub"), args, None);
        let expected = format!("{stderr}\nUse 'mosquitto_pub --help' to see usage.\n");
        assert_fails(&out, 1, &expected);
        let out = mqtk_env(&[&["sub"], args].concat(), &[]);
        assert_fails(
            &out,
            1,
            &format!("{stderr}\nUse 'mqtk sub --help' to see usage.\n"),
        );
    }
    // A file that cannot be read is an error (mosquitto 2.1 ignores it silently).
    let out = run(
        &alias.path("mosquitto_sub"),
        &["-o", "/nonexistent/opts", "-t", "a"],
        None,
    );
    assert_fails(
        &out,
        1,
        "Error: cannot read the options file '/nonexistent/opts': No such file or directory\n",
    );
    // clap would accept -oFILE, which the pre-scan cannot see: refused rather than ignored.
    let out = mqtk_env(&["pub", "-o/etc/hostname", "-t", "a", "-m", "x"], &[]);
    assert_fails(
        &out,
        1,
        "Error: -o must be a word of its own, followed by the options file: -o FILE.\n\nUse 'mqtk pub --help' to see usage.\n",
    );
}

/// Each line is its own argv: an option at the end of a line takes no word from argv. Checked
/// against mosquitto_pub 2.0, which reads its default file the same way.
#[test]
fn each_line_on_its_own() {
    let broker = Broker::start();
    let port = broker.port_str();
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().to_str().unwrap();
    let env = [("XDG_CONFIG_HOME", conf)];
    let alias = Alias::with_names(&["mosquitto_pub"]);
    for (file, args) in [
        // `-p` alone would have taken the port from argv.
        ("-p\n", vec![port.as_str(), "-t", "a", "-m", "x"]),
        // The rest of the line is one word: never enough for -D, and argv keeps its words.
        (
            "-D publish user-property a b\n",
            vec!["-p", &port, "-t", "a", "-m", "x"],
        ),
        ("-r yes\n", vec!["-p", &port, "-t", "a", "-m", "x"]),
        // Good lines, overridden from argv.
        (
            &format!("-p {}\n-t from/file\n", free_port()),
            vec!["-p", &port, "-m", "x"],
        ),
    ] {
        write(dir.path(), "mosquitto_pub", file);
        let ours = run_env(&alias.path("mosquitto_pub"), &args, None, &env);
        let theirs = run_env(&real("mosquitto_pub"), &args, None, &env);
        crate::util::assert_same_run(&format!("{file:?} {args:?}"), &theirs, &ours);
    }
}

/// `$XDG_CONFIG_HOME/mqtk/<command>`: set the broker once for every command.
#[test]
fn mqtk_default_files() {
    let broker = Broker::start();
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().to_str().unwrap();
    let lab = format!("-h 127.0.0.1\n-p {}\n", broker.port);
    for command in ["pub", "sub", "bench", "retain-clear"] {
        write(dir.path(), &format!("mqtk/{command}"), &lab);
    }
    let env = [("XDG_CONFIG_HOME", conf)];
    let subscriber = Subscriber::start(broker.port, "df/p", 0);
    mqtk_env(&["pub", "-t", "df/p", "-m", "one"], &env).assert_success();
    assert_eq!(subscriber.recv(T).expect("a message").payload_str(), "one");
    let alias = Alias::with_names(&["mqtk-pub"]);
    run_env(
        &alias.path("mqtk-pub"),
        &["-t", "df/p", "-m", "two"],
        None,
        &env,
    )
    .assert_success();
    assert_eq!(subscriber.recv(T).expect("a message").payload_str(), "two");
    retain(&broker, "df/s", "kept");
    let out = mqtk_env(&["sub", "-t", "df/s", "-C", "1"], &env);
    assert_eq!((out.code, out.stdout_str()), (0, "kept\n".into()), "{out}");
    let out = mqtk_env(
        &[
            "bench", "pubsub", "--count", "10", "-t", "df/b/%i", "--json",
        ],
        &env,
    );
    out.assert_success();
    let out = mqtk_env(&["retain-clear", "-t", "df/#"], &env);
    out.assert_success();
    assert!(out.stderr_str().starts_with("cleared 1 topic"), "{out}");

    // Command-line scalars override the file.
    write(
        dir.path(),
        "mqtk/pub",
        &format!("-h 127.0.0.1\n-p {}\n", free_port()),
    );
    let port = broker.port_str();
    mqtk_env(&["pub", "-p", &port, "-t", "df/p", "-m", "three"], &env).assert_success();
    assert_eq!(
        subscriber.recv(T).expect("a message").payload_str(),
        "three"
    );

    // An empty XDG_CONFIG_HOME means ~/.config.
    let home = tempfile::tempdir().unwrap();
    write(home.path(), ".config/mqtk/pub", &lab);
    let env = [
        ("XDG_CONFIG_HOME", ""),
        ("HOME", home.path().to_str().unwrap()),
    ];
    mqtk_env(&["pub", "-t", "df/p", "-m", "four"], &env).assert_success();
    assert_eq!(subscriber.recv(T).expect("a message").payload_str(), "four");
}

/// A bad line fails as on the command line; under mqtk the message says where the line is. The
/// mosquitto names read only mosquitto's file, and mqtk only its own.
#[test]
fn mqtk_default_file_failures() {
    let broker = Broker::start();
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().to_str().unwrap();
    let env = [("XDG_CONFIG_HOME", conf)];
    let file = write(dir.path(), "mqtk/sub", "# lab\n-h 127.0.0.1\n--bogus\n");
    let out = mqtk_env(&["sub", "-t", "a"], &env);
    assert_fails(
        &out,
        1,
        &format!(
            "Error: Unknown option '--bogus'.\n(line 3 of {file})\n\nUse 'mqtk sub --help' to see usage.\n"
        ),
    );
    let file = write(dir.path(), "mqtk/bench", "-p\n");
    let out = mqtk_env(&["bench", "--count", "1"], &env);
    assert_fails(
        &out,
        1,
        &format!(
            "Error: -p argument given but no port specified.\n(line 1 of {file})\n\n\nUse 'mqtk bench --help' to see usage.\n"
        ),
    );
    let file = write(
        dir.path(),
        "mqtk/retain-clear",
        "-D connect user-property a b\n",
    );
    let out = mqtk_env(&["retain-clear", "-t", "a"], &env);
    assert_fails(
        &out,
        1,
        &format!(
            "Error: --property argument given but not enough arguments specified.\n(line 1 of {file})\n\n\nUse 'mqtk retain-clear --help' to see usage.\n"
        ),
    );
    // mosquitto's file is not mqtk's, and mqtk's is not mosquitto's.
    write(dir.path(), "mqtk/pub", &format!("-p {}\n", broker.port));
    write(dir.path(), "mosquitto_pub", "--bogus\n");
    mqtk_env(&["pub", "-t", "a", "-m", "x"], &env).assert_success();
    write(
        dir.path(),
        "mosquitto_pub",
        &format!("-p {}\n", broker.port),
    );
    write(dir.path(), "mqtk/pub", "--bogus\n");
    let alias = Alias::with_names(&["mosquitto_pub"]);
    run_env(
        &alias.path("mosquitto_pub"),
        &["-t", "a", "-m", "x"],
        None,
        &env,
    )
    .assert_success();
}
