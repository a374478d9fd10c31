//! A message over the broker's v5 maximum packet size (CONNACK `maximum-packet-size`): rumqttc
//! refuses to send it and the connection ends. How `pub` reports it depends on the name: mosquitto_pub
//! `-l` says "Packet larger than supported by the server" and exits 25, while with `-m`/`-f` the
//! 2.1 client reports a lost connection (exit 7); mqtk says what was too large and exits 149, the v5
//! reason code "Packet too large", whatever the mode.

use crate::conn::ConnectFailure;
use crate::exit::{Code, Failure};
use crate::personality::Personality;

/// `pub`'s report of a connection failure, for the name it runs under and whether it reads lines.
pub fn publish_failure(f: ConnectFailure, personality: Personality, lines: bool) -> Failure {
    match (f, personality) {
        (ConnectFailure::TooLarge { size, max }, Personality::Mqtk) => {
            let rest = if lines { ", nor any line after it" } else { "" };
            Failure::code(
                Code::PacketTooLarge,
                format!(
                    "Error: a message is {size} bytes as a PUBLISH packet, over the broker's maximum \
                     packet size of {max} bytes; it was not published{rest}.\n"
                ),
            )
        }
        (ConnectFailure::TooLarge { .. }, Personality::Mosquitto) if !lines => {
            ConnectFailure::Lost.to_failure(true)
        }
        (f, _) => f.to_failure(true),
    }
}
