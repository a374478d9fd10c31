//! Unix domain sockets: `--unix PATH`, and mosquitto's `-p 0` (the host is the socket's path) under
//! the mosquitto names, against a mosquitto `listener 0 PATH` socket.

use super::{all_commands, assert_fails, assert_same_as_mosquitto, mqtk_run, path_in, retain};
use crate::broker::Broker;
use crate::util::{Alias, run};

/// A broker with a Unix socket listener next to its TCP one; returns it and the socket's path.
fn broker() -> (Broker, String) {
    let broker = Broker::with_config("listener 0 {dir}/mqtt.sock\nallow_anonymous true");
    let path = path_in(broker.dir(), "mqtt.sock");
    (broker, path)
}

#[test]
fn unix_flag_serves_every_command() {
    let (broker, path) = broker();
    all_commands(&broker, &["--unix", &path], "unix");
}

/// Under the mosquitto names port 0 means a Unix socket named by the host, as in mosquitto.
#[test]
fn port_zero_under_the_mosquitto_names() {
    let (broker, path) = broker();
    retain(&broker, "unix/p0", "zero");
    let alias = Alias::with_names(&["mosquitto_pub", "mosquitto_sub"]);
    let sub = ["-h", &path, "-p", "0", "-t", "unix/p0", "-C", "1"];
    let out = run(&alias.path("mosquitto_sub"), &sub, None);
    out.assert_success();
    assert_eq!(out.stdout_str(), "zero\n", "{out}");
    let publish = ["-h", &path, "-p", "0", "-t", "unix/p0", "-m", "x"];
    run(&alias.path("mosquitto_pub"), &publish, None).assert_success();
    // mqtk keeps port 0 an invalid port (`--unix` says what is meant).
    let out = mqtk_run(&["pub", "-h", &path, "-p", "0", "-t", "a", "-m", "x"]);
    assert_fails(
        &out,
        1,
        "Error: Invalid port given: 0\n\nUse 'mqtk pub --help' to see usage.\n",
    );
}

/// `--unix` sets the host and port 0 where it stands: a later `-h` or `-p` overrides it, as in
/// mosquitto (here the later -h and -p make it a TCP connection again).
#[test]
fn later_host_and_port_override_unix() {
    let (broker, path) = broker();
    let port = broker.port_str();
    let args = [
        "--unix",
        "/nonexistent.sock",
        "-h",
        "127.0.0.1",
        "-p",
        &port,
    ];
    let mut publish = args.to_vec();
    publish.extend(["-t", "a", "-m", "x"]);
    assert_same_as_mosquitto("mosquitto_pub", &publish);
    mqtk_run(&[&["pub"], &publish[..]].concat()).assert_success();
    // And a later --unix wins over an earlier -h/-p.
    let out = mqtk_run(&["pub", "-p", &port, "--unix", &path, "-t", "a", "-m", "x"]);
    out.assert_success();
}

#[test]
fn missing_socket_is_no_such_file() {
    let missing = "/nonexistent/mqtt.sock";
    for args in [
        vec!["--unix", missing, "-t", "a", "-m", "x"],
        vec!["-h", missing, "-p", "0", "-t", "a", "-m", "x"],
    ] {
        assert_same_as_mosquitto("mosquitto_pub", &args);
    }
    assert_same_as_mosquitto("mosquitto_sub", &["--unix", missing, "-t", "a"]);
    let publish = ["pub", "--unix", missing, "-t", "a", "-m", "x"];
    let subscribe = ["sub", "--unix", missing, "-t", "a"];
    for args in [&publish[..], &subscribe[..]] {
        assert_fails(&mqtk_run(args), 1, "Error: No such file or directory\n");
    }
}
