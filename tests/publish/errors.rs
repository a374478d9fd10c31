//! Argument errors under the mosquitto name: the same stderr bytes and exit code as mosquitto_pub
//! 2.0.11, one case per rule. They run with no broker at all (`{port}` is a port nothing listens
//! on), so a client that wrongly went ahead would fail differently.

use super::table::{Case, Stdout, USAGE, check};

#[test]
fn argument_errors() {
    check(&[
        Case {
            name: "wildcard in the topic",
            args: &["-p", "{port}", "-t", "a/#", "-m", "x"],
            ..USAGE
        },
        Case {
            name: "+ in the topic",
            args: &["-p", "{port}", "-t", "a/+/b", "-m", "x"],
            ..USAGE
        },
        Case {
            name: "-q 3",
            args: &["-p", "{port}", "-t", "a", "-m", "x", "-q", "3"],
            ..USAGE
        },
        Case {
            name: "-m and -l",
            args: &["-p", "{port}", "-t", "a", "-m", "x", "-l"],
            ..USAGE
        },
        Case {
            name: "-n and -f",
            args: &["-p", "{port}", "-t", "a", "-n", "-f", "/etc/hostname"],
            ..USAGE
        },
        Case {
            name: "-m twice",
            args: &["-p", "{port}", "-t", "a", "-m", "x", "-m", "y"],
            ..USAGE
        },
        Case {
            name: "-k 2",
            args: &["-p", "{port}", "-t", "a", "-m", "x", "-k", "2"],
            ..USAGE
        },
        Case {
            name: "-k 0",
            args: &["-p", "{port}", "-t", "a", "-m", "x", "-k", "0"],
            ..USAGE
        },
        Case {
            name: "-c without -i",
            args: &["-p", "{port}", "-t", "a", "-m", "x", "-c"],
            ..USAGE
        },
        Case {
            name: "-c with -I",
            args: &["-p", "{port}", "-t", "a", "-m", "x", "-c", "-I", "p"],
            ..USAGE
        },
        Case {
            name: "-V 5 -c without -i",
            args: &["-p", "{port}", "-t", "a", "-m", "x", "-c", "-V", "5"],
            ..USAGE
        },
        Case {
            name: "--bogus",
            args: &["-p", "{port}", "-t", "a", "-m", "x", "--bogus"],
            ..USAGE
        },
        Case {
            name: "bundled short options",
            args: &["-p", "{port}", "-t", "a", "-m", "x", "-dr"],
            ..USAGE
        },
        Case {
            name: "--opt=value is not a form",
            args: &["-p", "{port}", "-t", "a", "-m", "x", "--qos=1"],
            ..USAGE
        },
        Case {
            name: "a subscriber option",
            args: &["-p", "{port}", "-t", "a", "-m", "x", "-W", "1"],
            ..USAGE
        },
        Case {
            name: "-m without its value at the end",
            args: &["-p", "{port}", "-t", "a", "-m"],
            ..USAGE
        },
        Case {
            name: "-t without its value at the end",
            args: &["-p", "{port}", "-m", "x", "-t"],
            ..USAGE
        },
        Case {
            name: "-p without its value at the end",
            args: &["-t", "a", "-m", "x", "-p"],
            ..USAGE
        },
        Case {
            name: "-V without its value at the end",
            args: &["-p", "{port}", "-t", "a", "-m", "x", "-V"],
            ..USAGE
        },
        Case {
            name: "--repeat without its value at the end",
            args: &["-p", "{port}", "-t", "a", "-m", "x", "--repeat"],
            ..USAGE
        },
        Case {
            name: "-D without enough values",
            args: &[
                "-p",
                "{port}",
                "-t",
                "a",
                "-m",
                "x",
                "-D",
                "publish",
                "user-property",
                "k",
            ],
            ..USAGE
        },
        Case {
            name: "no message: usage on stdout (not compared)",
            args: &["-p", "{port}", "-t", "a"],
            stdout: Stdout::Ignored,
            ..USAGE
        },
        Case {
            name: "no topic: usage on stdout (not compared)",
            args: &["-p", "{port}", "-m", "x"],
            stdout: Stdout::Ignored,
            ..USAGE
        },
        Case {
            name: "-i ''",
            args: &["-p", "{port}", "-t", "a", "-m", "x", "-i", ""],
            ..USAGE
        },
        Case {
            name: "-i with -I",
            args: &["-p", "{port}", "-t", "a", "-m", "x", "-i", "x", "-I", "y"],
            ..USAGE
        },
        Case {
            name: "-I with -i",
            args: &["-p", "{port}", "-t", "a", "-m", "x", "-I", "y", "-i", "x"],
            ..USAGE
        },
        Case {
            name: "-x abc",
            args: &["-p", "{port}", "-t", "a", "-m", "x", "-x", "abc"],
            ..USAGE
        },
        Case {
            name: "-x -2",
            args: &["-p", "{port}", "-t", "a", "-m", "x", "-x", "-2", "-V", "5"],
            ..USAGE
        },
        Case {
            name: "-V 6",
            args: &["-p", "{port}", "-t", "a", "-m", "x", "-V", "6"],
            ..USAGE
        },
        Case {
            name: "-V MQTTV5 (case-sensitive)",
            args: &["-p", "{port}", "-t", "a", "-m", "x", "-V", "MQTTV5"],
            ..USAGE
        },
        Case {
            name: "--will-payload without --will-topic",
            args: &["-p", "{port}", "-t", "a", "-m", "x", "--will-payload", "p"],
            ..USAGE
        },
        Case {
            name: "--will-retain without --will-topic",
            args: &["-p", "{port}", "-t", "a", "-m", "x", "--will-retain"],
            ..USAGE
        },
        Case {
            name: "--will-qos 3",
            #[rustfmt::skip]
            args: &["-p", "{port}", "-t", "a", "-m", "x", "--will-topic", "w", "--will-qos", "3"],
            ..USAGE
        },
        Case {
            name: "wildcard in --will-topic",
            args: &["-p", "{port}", "-t", "a", "-m", "x", "--will-topic", "w/#"],
            ..USAGE
        },
        Case {
            name: "-M 0",
            args: &["-p", "{port}", "-t", "a", "-m", "x", "-M", "0"],
            ..USAGE
        },
        Case {
            name: "--repeat 0",
            args: &["-p", "{port}", "-t", "a", "-m", "x", "--repeat", "0"],
            ..USAGE
        },
        Case {
            name: "--repeat-delay -1",
            args: &["-p", "{port}", "-t", "a", "-m", "x", "--repeat-delay", "-1"],
            ..USAGE
        },
        Case {
            name: "-D publish bogus-name",
            args: &[
                "-p",
                "{port}",
                "-t",
                "a",
                "-m",
                "x",
                "-D",
                "publish",
                "bogus-name",
                "1",
            ],
            ..USAGE
        },
        Case {
            name: "-D bogus-command",
            args: &[
                "-p",
                "{port}",
                "-t",
                "a",
                "-m",
                "x",
                "-D",
                "bogus",
                "content-type",
                "1",
            ],
            ..USAGE
        },
        Case {
            name: "-D connack with an unknown property name",
            args: &[
                "-p", "{port}", "-t", "a", "-m", "x", "-D", "connack", "x", "y",
            ],
            ..USAGE
        },
        Case {
            name: "-D publish subscription-identifier",
            #[rustfmt::skip]
            args: &["-p", "{port}", "-t", "a", "-m", "x", "-D", "publish", "subscription-identifier", "1"],
            ..USAGE
        },
        Case {
            name: "-D puback (not supported)",
            args: &[
                "-p",
                "{port}",
                "-t",
                "a",
                "-m",
                "x",
                "-D",
                "puback",
                "user-property",
                "k",
                "v",
            ],
            ..USAGE
        },
        Case {
            name: "-D publish session-expiry-interval (not allowed)",
            #[rustfmt::skip]
            args: &["-p", "{port}", "-t", "a", "-m", "x", "-D", "publish", "session-expiry-interval", "1"],
            ..USAGE
        },
        Case {
            name: "-D value out of range",
            #[rustfmt::skip]
            args: &["-p", "{port}", "-t", "a", "-m", "x", "-D", "publish", "payload-format-indicator", "256"],
            ..USAGE
        },
        Case {
            name: "-D duplicate property",
            v2_0: true,
            #[rustfmt::skip]
            args: &[
                "-p", "{port}", "-t", "a", "-m", "x",
                "-D", "publish", "content-type", "a", "-D", "publish", "content-type", "b",
            ],
            ..USAGE
        },
        Case {
            name: "-L http://",
            args: &["-t", "a", "-m", "x", "-L", "http://x/t"],
            ..USAGE
        },
        Case {
            name: "-L without a topic",
            args: &["-m", "x", "-L", "mqtt://host"],
            ..USAGE
        },
        Case {
            name: "-L with a wildcard topic",
            args: &["-m", "x", "-L", "mqtt://127.0.0.1:{port}/a/+"],
            ..USAGE
        },
        Case {
            name: "-p 70000",
            args: &["-p", "70000", "-t", "a", "-m", "x"],
            ..USAGE
        },
        Case {
            name: "-p -1",
            args: &["-p", "-1", "-t", "a", "-m", "x"],
            ..USAGE
        },
        Case {
            name: "-p abc is port 0: a unix socket (atoi)",
            v2_0: true,
            args: &["-p", "abc", "-t", "a", "-m", "x"],
            ..USAGE
        },
        Case {
            name: "-P without -u in v3.1.1",
            args: &["-p", "{port}", "-t", "a", "-m", "x", "-P", "pw"],
            ..USAGE
        },
        Case {
            name: "-f /nonexistent",
            args: &["-p", "{port}", "-t", "a", "-f", "/nonexistent"],
            ..USAGE
        },
        Case {
            name: "-s with empty stdin",
            args: &["-p", "{port}", "-t", "a", "-s"],
            stdin: Some(b""),
            ..USAGE
        },
        Case {
            name: "--help exits 1 (text not compared)",
            args: &["--help", "--bogus"],
            stdout: Stdout::Ignored,
            ..USAGE
        },
    ]);
}
