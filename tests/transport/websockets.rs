//! WebSockets: `--ws` (path `/mqtt`) and `ws://HOST:PORT/PATH` URLs, whose path is the WebSocket path
//! (the topic comes from `-t`), against a mosquitto `protocol websockets` listener.

use super::{all_commands, assert_fails, mqtk_run, retain};
use crate::broker::{Broker, free_port};

/// A broker with a WebSockets listener next to its plain one; returns it and the WebSockets port.
fn broker() -> (Broker, String) {
    let broker = Broker::with_config("listener {port2} 127.0.0.1\nprotocol websockets");
    let ws = broker.extra_port(2);
    (broker, ws.to_string())
}

#[test]
fn ws_flag_serves_every_command() {
    let (broker, ws) = broker();
    all_commands(&broker, &["-h", "127.0.0.1", "-p", &ws, "--ws"], "ws-flag");
}

#[test]
fn ws_url_serves_every_command() {
    let (broker, ws) = broker();
    let url = format!("ws://127.0.0.1:{ws}/mqtt");
    all_commands(&broker, &["-L", &url], "ws-url");
}

/// The URL's path is the WebSocket path, not a topic (`-t` names the topic), and `/mqtt` when the
/// URL has none.
#[test]
fn ws_url_path_is_not_the_topic() {
    let (broker, ws) = broker();
    retain(&broker, "ws/topic", "from -t");
    for path in ["/mqtt", "", "/", "/a/#"] {
        let url = format!("ws://127.0.0.1:{ws}{path}");
        let out = mqtk_run(&["sub", "-L", &url, "-t", "ws/topic", "-C", "1"]);
        assert_eq!(
            (out.code, out.stdout_str()),
            (0, "from -t\n".into()),
            "{out}"
        );
        let out = mqtk_run(&["pub", "-L", &url, "-t", "ws/other", "-m", "x"]);
        out.assert_success();
    }
}

#[test]
fn ws_failures() {
    let (broker, _ws) = broker();
    // Nothing listens: as for TCP.
    let closed = free_port().to_string();
    let out = mqtk_run(&["pub", "-p", &closed, "--ws", "-t", "a", "-m", "x"]);
    assert_fails(&out, 1, "Error: Connection refused\n");
    // A plain MQTT listener drops the WebSocket handshake.
    let out = mqtk_run(&[
        "pub",
        "-p",
        &broker.port_str(),
        "--ws",
        "-t",
        "a",
        "-m",
        "x",
    ]);
    assert_fails(&out, 7, "Error: The connection was lost\n");
}
