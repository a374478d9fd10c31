//! What goes into CONNECT (client id, clean session, keepalive, credentials, will, v5 properties),
//! compared with mosquitto_pub's packet, and the will seen end to end: a proxy drops the connection
//! instead of forwarding DISCONNECT, so the broker publishes the will.

use super::proxy::Proxy;
use super::{Ours, T, fence, real};
use crate::broker::Broker;
use crate::subscriber::Subscriber;
use crate::util::show;
use crate::util::{Alias, Proc, run, run_env};

/// A decoded CONNECT. v5 property lists are sorted by identifier: MQTT gives their order no meaning.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Connect {
    protocol: String,
    level: u8,
    flags: u8,
    keepalive: u16,
    properties: Vec<(u8, Vec<u8>)>,
    client_id: String,
    will_properties: Vec<(u8, Vec<u8>)>,
    will_topic: Option<String>,
    will_payload: Option<Vec<u8>>,
    username: Option<String>,
    password: Option<Vec<u8>>,
}

/// A cursor over a packet body.
struct Bytes<'a>(&'a [u8]);

impl<'a> Bytes<'a> {
    fn take(&mut self, n: usize) -> &'a [u8] {
        assert!(self.0.len() >= n, "truncated packet");
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        head
    }
    fn u8(&mut self) -> u8 {
        self.take(1)[0]
    }
    fn u16(&mut self) -> u16 {
        u16::from_be_bytes(self.take(2).try_into().unwrap())
    }
    fn varint(&mut self) -> usize {
        let (mut n, mut shift) = (0, 0);
        loop {
            let b = self.u8();
            n |= usize::from(b & 0x7F) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                return n;
            }
        }
    }
    fn binary(&mut self) -> Vec<u8> {
        let n = self.u16();
        self.take(n.into()).to_vec()
    }
    fn string(&mut self) -> String {
        String::from_utf8(self.binary()).expect("UTF-8 string")
    }
    /// A v5 property list, sorted by identifier (values kept as raw bytes).
    fn properties(&mut self) -> Vec<(u8, Vec<u8>)> {
        let len = self.varint();
        let mut list = Bytes(self.take(len));
        let mut out = Vec::new();
        while !list.0.is_empty() {
            let id = list.u8();
            let size = match id {
                0x01 | 0x17 | 0x19 | 0x24 | 0x25 | 0x28..=0x2A => 1,
                0x13 | 0x21..=0x23 => 2,
                0x02 | 0x11 | 0x18 | 0x27 => 4,
                0x0B => {
                    let before = list.0.len();
                    let mut probe = Bytes(list.0);
                    probe.varint();
                    before - probe.0.len()
                }
                0x26 => {
                    let k = usize::from(u16::from_be_bytes([list.0[0], list.0[1]]));
                    let v = usize::from(u16::from_be_bytes([list.0[2 + k], list.0[3 + k]]));
                    4 + k + v
                }
                _ => 2 + usize::from(u16::from_be_bytes([list.0[0], list.0[1]])),
            };
            out.push((id, list.take(size).to_vec()));
        }
        out.sort();
        out
    }
}

fn decode(packet: &[u8]) -> Connect {
    assert_eq!(packet[0], 0x10, "not a CONNECT: {packet:02x?}");
    let mut b = Bytes(&packet[1..]);
    let len = b.varint();
    assert_eq!(len, b.0.len(), "CONNECT length");
    let protocol = b.string();
    let level = b.u8();
    let flags = b.u8();
    let keepalive = b.u16();
    let v5 = level == 5;
    let properties = if v5 { b.properties() } else { Vec::new() };
    let client_id = b.string();
    let will = flags & 0x04 != 0;
    let will_properties = if will && v5 {
        b.properties()
    } else {
        Vec::new()
    };
    let will_topic = will.then(|| b.string());
    let will_payload = will.then(|| b.binary());
    let username = (flags & 0x80 != 0).then(|| b.string());
    let password = (flags & 0x40 != 0).then(|| b.binary());
    assert!(b.0.is_empty(), "bytes left after CONNECT: {:02x?}", b.0);
    Connect {
        protocol,
        level,
        flags,
        keepalive,
        properties,
        client_id,
        will_properties,
        will_topic,
        will_payload,
        username,
        password,
    }
}

/// The packets a client sends when run with `args` through a proxy in front of `broker`.
pub(super) fn packets(program: &std::path::Path, broker: &Broker, args: &[&str]) -> Vec<Vec<u8>> {
    packets_env(program, broker, args, &[])
}

/// [`packets`] with extra environment variables.
fn packets_env(
    program: &std::path::Path,
    broker: &Broker,
    args: &[&str],
    envs: &[(&str, &str)],
) -> Vec<Vec<u8>> {
    let proxy = Proxy::start(broker.port);
    let port = proxy.port_str();
    let mut all = vec!["-p", port.as_str()];
    all.extend_from_slice(args);
    run_env(program, &all, None, envs).assert_success();
    proxy.packets(T)
}

/// Argument sets whose CONNECT must match mosquitto_pub's.
#[rustfmt::skip]
const CONNECTS: &[&[&str]] = &[
    &[],
    &["-i", "myid"],
    &["-k", "30"],
    &["-k", "65535"],
    &["-c", "-i", "cid"],
    &["-u", "user"],
    &["-u", "user", "-P", "pass"],
    &["--will-topic", "wt"],
    &[
        "-u", "user", "-P", "pass", "--will-topic", "wt", "--will-payload", "wp",
        "--will-qos", "1", "--will-retain", "-k", "30",
    ],
    &["--will-topic", "wt", "--will-payload", "", "--will-qos", "2"],
    &["-V", "5"],
    &["-V", "5", "-x", "100"],
    &["-V", "5", "-x", "0"],
    &["-V", "5", "-x", "-1", "-i", "cid"],
    &["-V", "5", "-c", "-i", "cid"],
    &["-V", "5", "-c", "-i", "cid", "-x", "60"],
    &["-V", "5", "-P", "pass"],
    &["-V", "5", "-D", "connect", "user-property", "k", "v", "-D", "connect", "maximum-packet-size", "1000"],
    &["-V", "5", "-D", "connect", "receive-maximum", "5"],
    &["-V", "5", "-D", "connect", "topic-alias-maximum", "3"],
    &["-V", "5", "-D", "connect", "request-problem-information", "0"],
    &[
        "-V", "5", "--will-topic", "wt", "--will-payload", "wp",
        "-D", "will", "will-delay-interval", "5", "-D", "will", "content-type", "text/plain",
        "-D", "will", "user-property", "a", "b", "-D", "will", "message-expiry-interval", "9",
        "-D", "will", "payload-format-indicator", "1", "-D", "will", "response-topic", "r",
        "-D", "will", "correlation-data", "c",
    ],
];

/// The v5 maximum-packet-size property (0x27).
const MAXIMUM_PACKET_SIZE: u8 = 0x27;

/// Compares each CONNECT field by field. Accepted differences: v5 property order (meaningless), and
/// our v5 CONNECT announcing maximum-packet-size 268,435,455 (rumqttc always sends its limit, which
/// we raise to the MQTT maximum; libmosquitto sends none, which means the same).
fn compare_connects(cases: &[&[&str]]) {
    let broker = Broker::start();
    let ours = Ours::new();
    let mut reports = Vec::new();
    for extra in cases {
        let mut args = vec!["-t", "c", "-m", "x"];
        args.extend_from_slice(extra);
        let want = &packets(&real(), &broker, &args)[0];
        let got = &packets(&ours.mosquitto_pub(), &broker, &args)[0];
        let (w, mut g) = (decode(want), decode(got));
        if !w
            .properties
            .iter()
            .any(|(id, _)| *id == MAXIMUM_PACKET_SIZE)
        {
            let limit = (MAXIMUM_PACKET_SIZE, 268_435_455u32.to_be_bytes().to_vec());
            g.properties.retain(|p| *p != limit);
        }
        if w != g {
            reports.push(format!(
                "== {}\nmosquitto_pub: {w:?}\nours:          {g:?}\n\
                 mosquitto_pub: {want:02x?}\nours:          {got:02x?}",
                args.join(" ")
            ));
        }
    }
    assert!(reports.is_empty(), "\n{}", reports.join("\n"));
}

#[test]
fn connect_matches_mosquitto_pub() {
    compare_connects(CONNECTS);
}

/// An empty user name or password given is sent, empty (rumqttc left out empty ones).
#[test]
fn empty_password_is_sent() {
    #[rustfmt::skip]
    compare_connects(&[
        &["-u", "user", "-P", ""],
        &["-u", ""],
        &["-u", "", "-P", ""],
        &["-V", "5", "-u", "user", "-P", ""],
        &["-V", "5", "-P", ""],
        &["-V", "5", "-u", ""],
    ]);
}

/// Under mqtk, an empty first line in `--pw-file` is the empty password `-P ''` sends (2.1's CONNECT
/// with `-P ''` is the reference), and an empty `MQTK_PASSWORD` is taken as not set: no password.
#[test]
fn empty_password_from_a_file_or_the_environment() {
    let broker = Broker::start();
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("empty");
    std::fs::write(&file, "\n").expect("write the password file");
    let file = file.to_str().expect("UTF-8 path");
    let connect = |program: &std::path::Path, args: &[&str], envs: &[(&str, &str)]| {
        let mut all = args.to_vec();
        all.extend_from_slice(&["-t", "c", "-m", "x", "-i", "cid", "-u", "user"]);
        decode(&packets_env(program, &broker, &all, envs)[0])
    };
    // `mqtk-pub` is `mqtk pub` (packets() puts -p first).
    let alias = Alias::with_names(&["mqtk-pub"]);
    let mqtk_pub = alias.path("mqtk-pub");
    let empty = connect(&real(), &["-P", ""], &[]);
    assert_eq!(empty.password, Some(Vec::new()));
    assert_eq!(connect(&mqtk_pub, &["--pw-file", file], &[]), empty);
    let none = connect(&real(), &[], &[]);
    assert_eq!(none.password, None);
    let env = connect(&mqtk_pub, &[], &[("MQTK_PASSWORD", "")]);
    assert_eq!(env, none);
}

/// `-I prefix` gives the client id prefix + pid (no separator).
#[test]
fn id_prefix_appends_the_pid() {
    let broker = Broker::start();
    let ours = Ours::new();
    for program in [real(), ours.mosquitto_pub()] {
        let proxy = Proxy::start(broker.port);
        let port = proxy.port_str();
        let proc = Proc::spawn(&program, &["-p", &port, "-t", "c", "-m", "x", "-I", "pfx-"]);
        let pid = proc.pid();
        proc.wait(T).assert_success();
        let connect = decode(&proxy.packets(T)[0]);
        assert_eq!(
            connect.client_id,
            format!("pfx-{pid}"),
            "{}",
            program.display()
        );
    }
}

/// The will travels in CONNECT: when the connection drops without DISCONNECT the broker publishes
/// it, with the topic, payload, QoS, retain flag and v5 properties the options gave.
#[test]
fn will_is_published_when_the_connection_drops() {
    let broker = Broker::start();
    let sub = Subscriber::start_v5(broker.port, "#", 2);
    let ours = Ours::new();
    #[rustfmt::skip]
    let cases: &[&[&str]] = &[
        &["--will-topic", "will/a", "--will-payload", "bye", "--will-qos", "1", "--will-retain"],
        &["--will-topic", "will/b", "--will-qos", "2"],
        &[
            "-V", "5", "--will-topic", "will/c", "--will-payload", "bye5", "--will-qos", "1",
            "-D", "will", "content-type", "text/plain", "-D", "will", "user-property", "k", "v",
            "-D", "will", "correlation-data", "corr", "-D", "will", "response-topic", "resp",
            "-D", "will", "payload-format-indicator", "1",
        ],
    ];
    for extra in cases {
        let mut args = vec!["-t", "will/msg", "-m", "x", "-q", "1"];
        args.extend_from_slice(extra);
        let mut delivered = Vec::new();
        // 2.0.11: 2.1 can close the connection before PUBACK and DISCONNECT (README, "Differences
        // from mosquitto 2.1"), which publishes the will.
        for program in [crate::util::real("mosquitto_pub"), ours.mosquitto_pub()] {
            let proxy = Proxy::cutting(broker.port);
            let port = proxy.port_str();
            let mut all = vec!["-p", port.as_str()];
            all.extend_from_slice(&args);
            run(&program, &all, None).assert_success();
            let packets = proxy.packets(T);
            let last = packets.last().expect("packets")[0];
            assert_eq!(
                last,
                0xE0,
                "{}: last packet is DISCONNECT",
                program.display()
            );
            delivered.push(fence(broker.port, None, &sub));
        }
        let (want, got) = (&delivered[0], &delivered[1]);
        assert_eq!(
            want.len(),
            2,
            "message and will from mosquitto_pub: {want:#?}"
        );
        assert!(want[1].topic.starts_with("will/"), "{want:#?}");
        assert_eq!(want, got, "{}", args.join(" "));
    }
}

/// A clean exit sends DISCONNECT, so the will is discarded (checked with the proxy forwarding it).
#[test]
fn clean_exit_discards_the_will() {
    let broker = Broker::start();
    let sub = Subscriber::start_v5(broker.port, "#", 2);
    let ours = Ours::new();
    let args = ["-t", "nowill/msg", "-m", "x", "--will-topic", "nowill/will"];
    let packets = packets(&ours.mosquitto_pub(), &broker, &args);
    let kinds: Vec<u8> = packets.iter().map(|p| p[0] & 0xF0).collect();
    assert_eq!(kinds, [0x10, 0x30, 0xE0], "CONNECT, PUBLISH, DISCONNECT");
    let got = fence(broker.port, None, &sub);
    let topics: Vec<&str> = got.iter().map(|m| m.topic.as_str()).collect();
    assert_eq!(topics, ["nowill/msg"], "payload: {}", show(&got[0].payload));
}
