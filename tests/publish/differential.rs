//! Successful invocations: mosquitto_pub and our `mosquitto_pub` must deliver the same messages
//! (topic, QoS, retain, payload bytes, v5 properties) and print the same bytes.

use super::table::{CASE, Case, Setup, Stdout, check};

/// stdin for `-l`, captured in the reference (§6.2): an empty line, a `\r`, spaces, and a last line
/// without a newline.
const LINES: &[u8] = b"line1\n\nline3\r\n  spaced  \nlast-no-newline";

#[test]
fn payload_sources() {
    check(&[
        Case {
            name: "-m",
            args: &["-p", "{port}", "-t", "src/m", "-m", "hello world"],
            ..CASE
        },
        Case {
            name: "-m with a value that looks like an option",
            args: &["-p", "{port}", "-t", "src/m", "-m", "-x"],
            ..CASE
        },
        Case {
            name: "-m ''",
            args: &["-p", "{port}", "-t", "src/m", "-m", ""],
            ..CASE
        },
        Case {
            name: "-n",
            args: &["-p", "{port}", "-t", "src/n", "-n"],
            ..CASE
        },
        Case {
            name: "-f binary file",
            args: &["-p", "{port}", "-t", "src/f", "-f", "{dir}/bin"],
            ..CASE
        },
        Case {
            name: "-f empty file",
            args: &["-p", "{port}", "-t", "src/f", "-f", "{dir}/empty"],
            ..CASE
        },
        Case {
            name: "-s binary stdin",
            args: &["-p", "{port}", "-t", "src/s", "-s"],
            stdin: Some(b"\x00\x01\xff\xfe binary \xc3\xa9"),
            ..CASE
        },
        Case {
            name: "-s keeps the trailing newline",
            args: &["-p", "{port}", "-t", "src/s", "-s"],
            stdin: Some(b"a\nb\r\n\n"),
            ..CASE
        },
        Case {
            name: "-l captured lines",
            args: &["-p", "{port}", "-t", "src/l", "-l"],
            stdin: Some(LINES),
            msgs: 5,
            ..CASE
        },
        Case {
            name: "-l empty stdin",
            args: &["-p", "{port}", "-t", "src/l", "-l"],
            stdin: Some(b""),
            msgs: 0,
            ..CASE
        },
        Case {
            name: "-l ignores --repeat",
            args: &["-p", "{port}", "-t", "src/l", "-l", "--repeat", "3"],
            stdin: Some(b"one\ntwo\n"),
            msgs: 2,
            ..CASE
        },
    ]);
}

#[test]
fn qos_retain_repeat() {
    check(&[
        Case {
            name: "-q 0",
            args: &["-p", "{port}", "-t", "q/0", "-m", "zero", "-q", "0"],
            ..CASE
        },
        Case {
            name: "-q 1",
            args: &["-p", "{port}", "-t", "q/1", "-m", "one", "-q", "1"],
            ..CASE
        },
        Case {
            name: "-q 2",
            args: &["-p", "{port}", "-t", "q/2", "-m", "two", "-q", "2"],
            ..CASE
        },
        Case {
            name: "-q abc is QoS 0 (atoi)",
            args: &["-p", "{port}", "-t", "q/atoi", "-m", "x", "-q", "abc"],
            ..CASE
        },
        Case {
            name: "-q 1x is QoS 1 (atoi)",
            args: &["-p", "{port}", "-t", "q/atoi", "-m", "x", "-q", "1x"],
            ..CASE
        },
        Case {
            name: "-q given twice: the last wins",
            args: &[
                "-p", "{port}", "-t", "q/last", "-m", "x", "-q", "2", "-q", "1",
            ],
            ..CASE
        },
        Case {
            name: "-r",
            args: &["-p", "{port}", "-t", "r/0", "-m", "kept", "-r"],
            ..CASE
        },
        Case {
            name: "-r -q 2",
            args: &["-p", "{port}", "-t", "r/2", "-m", "kept", "-r", "-q", "2"],
            ..CASE
        },
        Case {
            name: "-l -r -q 1",
            args: &["-p", "{port}", "-t", "r/l", "-l", "-r", "-q", "1"],
            stdin: Some(b"a\nb\n"),
            msgs: 2,
            ..CASE
        },
        Case {
            name: "--repeat 3",
            args: &[
                "-p", "{port}", "-t", "rep/3", "-m", "again", "--repeat", "3",
            ],
            msgs: 3,
            ..CASE
        },
        Case {
            name: "--repeat 3 -q 2 -n",
            args: &[
                "-p", "{port}", "-t", "rep/n", "-n", "--repeat", "3", "-q", "2",
            ],
            msgs: 3,
            ..CASE
        },
        Case {
            name: "--repeat 2 --repeat-delay 0.1",
            #[rustfmt::skip]
            args: &["-p", "{port}", "-t", "rep/d", "-m", "x", "--repeat", "2", "--repeat-delay", "0.1", "-q", "1"],
            msgs: 2,
            ..CASE
        },
        Case {
            name: "-t given twice: the last wins",
            args: &["-p", "{port}", "-t", "first", "-t", "second", "-m", "x"],
            ..CASE
        },
    ]);
}

#[test]
fn v5_properties() {
    check(&[
        Case {
            name: "-V 5 with publish properties",
            #[rustfmt::skip]
            args: &[
                "-p", "{port}", "-V", "5", "-t", "v5/props", "-m", "{\"a\":1}", "-q", "1",
                "-D", "publish", "content-type", "application/json",
                "-D", "publish", "user-property", "k1", "v1",
                "-D", "publish", "user-property", "k2", "v2",
                "-D", "publish", "response-topic", "resp/t",
                "-D", "publish", "correlation-data", "corr123",
                "-D", "publish", "message-expiry-interval", "3600",
                "-D", "publish", "payload-format-indicator", "1",
            ],
            ..CASE
        },
        Case {
            name: "-D alone switches to v5; names are case-insensitive",
            #[rustfmt::skip]
            args: &[
                "-p", "{port}", "-t", "v5/d", "-m", "x",
                "--property", "PUBLISH", "User-Property", "dup", "1",
                "-D", "publish", "user-property", "dup", "2",
            ],
            ..CASE
        },
        Case {
            name: "-V mqttv5 -D publish topic-alias 1 --repeat 3",
            #[rustfmt::skip]
            args: &[
                "-p", "{port}", "-V", "mqttv5", "-t", "v5/alias", "-m", "x", "-q", "1",
                "-D", "publish", "topic-alias", "1", "--repeat", "3",
            ],
            msgs: 3,
            ..CASE
        },
        Case {
            name: "-D then a later -V 311 publishes nothing, exit 7 (2.1; 2.0 exited 0)",
            code: 7,
            #[rustfmt::skip]
            args: &[
                "-p", "{port}", "-t", "v5/quirk", "-m", "x",
                "-D", "publish", "content-type", "text/plain", "-V", "311",
            ],
            msgs: 0,
            ..CASE
        },
        Case {
            name: "-V 5 -D connect and will properties",
            #[rustfmt::skip]
            args: &[
                "-p", "{port}", "-V", "5", "-t", "v5/c", "-m", "x",
                "-D", "connect", "user-property", "ck", "cv",
                "-D", "connect", "maximum-packet-size", "1000",
                "-D", "connect", "session-expiry-interval", "0",
                "--will-topic", "v5/will", "-D", "will", "content-type", "text/plain",
                "-D", "will", "will-delay-interval", "10",
            ],
            ..CASE
        },
    ]);
}

#[test]
fn connection_options() {
    check(&[
        Case {
            name: "-i",
            args: &["-p", "{port}", "-t", "c/i", "-m", "x", "-i", "myid"],
            ..CASE
        },
        Case {
            name: "-I",
            args: &["-p", "{port}", "-t", "c/I", "-m", "x", "-I", "pfx-"],
            ..CASE
        },
        Case {
            name: "-k 30 -c -i",
            #[rustfmt::skip]
            args: &["-p", "{port}", "-t", "c/k", "-m", "x", "-k", "30", "-c", "-i", "persist", "-q", "1"],
            ..CASE
        },
        Case {
            name: "-V 5 -c -i (infinite session)",
            #[rustfmt::skip]
            args: &["-p", "{port}", "-t", "c/c5", "-m", "x", "-V", "5", "-c", "-i", "persist5", "-q", "2"],
            ..CASE
        },
        Case {
            name: "-V 5 -x 100",
            args: &[
                "-p", "{port}", "-t", "c/x", "-m", "x", "-V", "5", "-x", "100",
            ],
            ..CASE
        },
        Case {
            name: "-x is ignored in v3.1.1",
            args: &["-p", "{port}", "-t", "c/x", "-m", "x", "-x", "100"],
            ..CASE
        },
        Case {
            name: "-M 1 --nodelay",
            #[rustfmt::skip]
            args: &["-p", "{port}", "-t", "c/M", "-m", "x", "-M", "1", "--nodelay", "-q", "1", "--repeat", "2"],
            msgs: 2,
            ..CASE
        },
        Case {
            name: "-h 127.0.0.1 --port",
            args: &[
                "-h",
                "127.0.0.1",
                "--port",
                "{port}",
                "-t",
                "c/h",
                "-m",
                "x",
            ],
            ..CASE
        },
        Case {
            name: "-p with trailing garbage (atoi)",
            args: &["-p", "{port}x", "-t", "c/p", "-m", "x"],
            ..CASE
        },
        Case {
            name: "-L",
            args: &["-L", "mqtt://127.0.0.1:{port}/url/topic", "-m", "x"],
            ..CASE
        },
        Case {
            name: "-L with an upper-case scheme and a later -t",
            args: &[
                "-L",
                "MQTT://127.0.0.1:{port}/url/topic",
                "-t",
                "later",
                "-m",
                "x",
            ],
            ..CASE
        },
        Case {
            name: "--url, then a later -p wins",
            args: &[
                "--url",
                "mqtt://127.0.0.1:1/url/p",
                "-p",
                "{port}",
                "-m",
                "x",
            ],
            ..CASE
        },
        Case {
            name: "--will-* accepted (a clean exit discards the will)",
            #[rustfmt::skip]
            args: &[
                "-p", "{port}", "-t", "c/w", "-m", "x", "--will-topic", "will/t",
                "--will-payload", "bye", "--will-qos", "1", "--will-retain",
            ],
            ..CASE
        },
        Case {
            name: "--will-topic alone (empty will)",
            args: &[
                "-p",
                "{port}",
                "-t",
                "c/w",
                "-m",
                "x",
                "--will-topic",
                "will/t",
            ],
            ..CASE
        },
    ]);
}

#[test]
fn credentials() {
    check(&[
        Case {
            name: "-u -P",
            #[rustfmt::skip]
            args: &["-p", "{port}", "-t", "auth/ok", "-m", "x", "-u", "alice", "-P", "secret", "-q", "1"],
            setup: Setup::Users,
            ..CASE
        },
        Case {
            name: "--username --pw -V 5",
            #[rustfmt::skip]
            args: &["-p", "{port}", "-t", "auth/ok5", "-m", "x", "--username", "alice", "--pw", "secret", "-V", "5"],
            setup: Setup::Users,
            ..CASE
        },
        Case {
            name: "-L with user and password",
            args: &[
                "-L",
                "mqtt://alice:secret@127.0.0.1:{port}/auth/url",
                "-m",
                "x",
            ],
            setup: Setup::Users,
            ..CASE
        },
        Case {
            name: "wrong password: CONNACK 5",
            args: &[
                "-p", "{port}", "-t", "auth/no", "-m", "x", "-u", "alice", "-P", "wrong",
            ],
            setup: Setup::Users,
            code: 5,
            msgs: 0,
            ..CASE
        },
        Case {
            name: "no credentials: CONNACK 5",
            args: &["-p", "{port}", "-t", "auth/no", "-m", "x"],
            setup: Setup::Users,
            code: 5,
            msgs: 0,
            ..CASE
        },
        Case {
            name: "wrong password -l: CONNACK 5",
            args: &[
                "-p", "{port}", "-t", "auth/no", "-l", "-u", "alice", "-P", "no",
            ],
            stdin: Some(b"a\n"),
            setup: Setup::Users,
            code: 5,
            msgs: 0,
            ..CASE
        },
        Case {
            name: "-V 5 wrong password: Not authorized (135)",
            #[rustfmt::skip]
            args: &["-p", "{port}", "-t", "auth/no", "-m", "x", "-u", "alice", "-P", "wrong", "-V", "5"],
            setup: Setup::Users,
            code: 135,
            msgs: 0,
            ..CASE
        },
        Case {
            name: "-V 5 -P without -u",
            args: &[
                "-p", "{port}", "-t", "auth/no", "-m", "x", "-P", "secret", "-V", "5",
            ],
            setup: Setup::Users,
            code: 135,
            msgs: 0,
            ..CASE
        },
    ]);
}

#[test]
fn debug_output() {
    check(&[
        Case {
            name: "-d -q 0",
            args: &["-p", "{port}", "-t", "d/0", "-m", "hello", "-d", "-q", "0"],
            ..CASE
        },
        Case {
            name: "-d -q 1",
            args: &["-p", "{port}", "-t", "d/1", "-m", "hello", "-d", "-q", "1"],
            ..CASE
        },
        Case {
            name: "-d -q 2",
            args: &["-p", "{port}", "-t", "d/2", "-m", "hello", "-d", "-q", "2"],
            ..CASE
        },
        Case {
            name: "-d -V 5 -q 1 (assigned id)",
            args: &[
                "-p", "{port}", "-t", "d/5", "-m", "hello", "-d", "-q", "1", "-V", "5",
            ],
            ..CASE
        },
        Case {
            name: "-d -i -r",
            args: &[
                "-p", "{port}", "-t", "d/i", "-m", "hello", "-d", "-q", "1", "-i", "myid", "-r",
            ],
            ..CASE
        },
        Case {
            name: "-d --repeat 3 -q 1",
            args: &[
                "-p", "{port}", "-t", "d/r", "-m", "x", "-d", "-q", "1", "--repeat", "3",
            ],
            msgs: 3,
            ..CASE
        },
        Case {
            name: "-d --repeat 2 -q 0",
            args: &[
                "-p", "{port}", "-t", "d/r0", "-m", "x", "-d", "--repeat", "2",
            ],
            msgs: 2,
            ..CASE
        },
        Case {
            name: "-d -V 5 topic alias: later topics print as (null)",
            #[rustfmt::skip]
            args: &[
                "-p", "{port}", "-t", "d/ta", "-m", "x", "-d", "-q", "1", "-V", "5",
                "-D", "publish", "topic-alias", "1", "--repeat", "3",
            ],
            msgs: 3,
            ..CASE
        },
        Case {
            name: "-d -l -q 1",
            args: &["-p", "{port}", "-t", "d/l", "-l", "-d", "-q", "1"],
            stdin: Some(b"a\nb\nc\n"),
            msgs: 3,
            // PUBACKs may arrive before the next line is published, in both clients.
            stdout: Stdout::SameLines,
            ..CASE
        },
        // More publishes than -M (20): mosquitto numbers them 1, 2, 3 …; rumqttc's packet ids
        // cycle through 1..=20.
        Case {
            name: "-d --repeat 25 -q 1: ids past -M",
            #[rustfmt::skip]
            args: &["-p", "{port}", "-t", "d/r25", "-m", "x", "-d", "-q", "1", "--repeat", "25"],
            msgs: 25,
            ..CASE
        },
        Case {
            name: "-d --repeat 22 -q 2 -M 5: ids past -M",
            #[rustfmt::skip]
            args: &["-p", "{port}", "-t", "d/r22", "-m", "x", "-d", "-q", "2", "--repeat", "22", "-M", "5"],
            msgs: 22,
            ..CASE
        },
        Case {
            name: "-d -l -q 1, 30 lines: ids past -M",
            args: &["-p", "{port}", "-t", "d/l30", "-l", "-d", "-q", "1"],
            stdin: Some(b"1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\n19\n20\n21\n22\n23\n24\n25\n26\n27\n28\n29\n30\n"),
            msgs: 30,
            stdout: Stdout::SameLines,
            ..CASE
        },
        Case {
            name: "-d -l empty stdin",
            args: &["-p", "{port}", "-t", "d/l", "-l", "-d"],
            stdin: Some(b""),
            msgs: 0,
            ..CASE
        },
    ]);
}

#[test]
fn debug_output_connack_refused() {
    check(&[Case {
        name: "-d connection refused by CONNACK",
        args: &[
            "-p", "{port}", "-t", "d/no", "-m", "x", "-d", "-u", "alice", "-P", "no",
        ],
        setup: Setup::Users,
        code: 5,
        msgs: 0,
        ..CASE
    }]);
}

#[test]
fn options_file() {
    check(&[
        Case {
            name: "port and message from the options file",
            args: &["-t", "cfg/t"],
            optfile: Some("# a comment\n-p {port}\n\n-m hello from config\n"),
            ..CASE
        },
        Case {
            name: "argv overrides the options file's scalars",
            args: &["-p", "{port}", "-t", "cfg/q", "-q", "2"],
            optfile: Some("-p 1\n-q 1\n-t cfg/ignored\n-n\n"),
            ..CASE
        },
        Case {
            name: "a message mode in the file cannot be overridden",
            args: &["-p", "{port}", "-t", "cfg/m", "-m", "argv"],
            optfile: Some("-m from file\n"),
            code: 1,
            msgs: 0,
            ..CASE
        },
        Case {
            name: "a tab is not a separator",
            args: &["-t", "cfg/tab", "-m", "x"],
            optfile: Some("-p\t{port}\n"),
            code: 1,
            msgs: 0,
            ..CASE
        },
    ]);
}

/// mosquitto parses each options-file line on its own, so a line's missing value is reported
/// instead of taking the next line's (or argv's) first word.
#[test]
fn options_file_lines_stand_alone() {
    check(&[
        Case {
            name: "an option without its value in the file",
            args: &["-t", "cfg/t", "-m", "x"],
            optfile: Some("-p\n"),
            code: 1,
            msgs: 0,
            ..CASE
        },
        Case {
            name: "a user property in the file is one word",
            args: &["-p", "{port}", "-t", "cfg/t", "-m", "x", "-q", "1"],
            optfile: Some("-D publish user-property a b\n"),
            code: 1,
            msgs: 0,
            ..CASE
        },
    ]);
}
