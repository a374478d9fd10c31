//! Where the mosquitto 2.1 reference programs are: the clients the differential tests compare with
//! and the 2.1 broker. `tests/reference/mosquitto-2.1/build.sh` builds them (`.ci/run` does).

use std::path::PathBuf;

/// `mosquitto_pub`, `mosquitto_sub`, `mosquitto_rr` or the broker `mosquitto` of the 2.1 build:
/// `$MOSQUITTO_21_DIR/bin/NAME`, else `$HOME/.cache/mosquitto-2.1/bin/NAME`.
pub fn mosquitto_21(name: &str) -> PathBuf {
    let dir = match std::env::var_os("MOSQUITTO_21_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/mosquitto-2.1")
        }
    };
    let path = dir.join("bin").join(name);
    assert!(
        path.exists(),
        "the mosquitto 2.1 reference {} is missing: run `bash tests/reference/mosquitto-2.1/build.sh` \
         (or set MOSQUITTO_21_DIR to its output directory)",
        path.display()
    );
    path
}

/// 2.0.11's output with the texts 2.1 changed spelled as 2.1 spells them (libmosquitto's error
/// texts lost their full stops, a missing client id is `null` except on the CONNACK line), for the
/// cases where mqtk keeps 2.0.11's behaviour but prints 2.1's texts.
pub fn as_2_1_texts(text: &[u8]) -> Vec<u8> {
    let mut s = String::from_utf8_lossy(text).into_owned();
    for (old, new) in [
        ("Client (null) sending", "Client null sending"),
        ("Client (null) received ", "Client null received "),
        (
            "Client null received CONNACK",
            "Client (null) received CONNACK",
        ),
        ("Invalid function arguments provided.", "Invalid input"),
        (
            "communicating with the broker.",
            "communicating with the broker",
        ),
        ("Lookup error.", "Lookup error"),
        ("The connection was refused.", "The connection was refused"),
        ("The connection was lost.", "The connection was lost"),
        (
            "This feature is not supported.",
            "This feature is not supported",
        ),
        (
            "Requested QoS not supported on server.",
            "Requested QoS not supported on server",
        ),
    ] {
        s = s.replace(old, new);
    }
    s.into_bytes()
}
