//! The first five minutes: a new user runs `mqtk pub …` before there is a broker on the machine, and
//! "Connection refused" alone does not say what to do next. Under the `mqtk` name a refused
//! connection to the default broker (localhost:1883) gets one more line; the mosquitto names print
//! exactly what mosquitto prints.

use super::{Invocation, Personality};
use crate::conn::{Endpoint, Transport};
use crate::exit::Failure;

/// What a refused TCP connection prints (the system's text, as mosquitto prints it).
const REFUSED: &str = "Error: Connection refused\n";

/// The line added under it.
pub const HINT: &str = "Hint: no MQTT broker is listening on localhost:1883. Point mqtk at one with \
-h HOST and -p PORT (or -L mqtt://HOST:PORT/TOPIC), or install one: sudo apt-get install mosquitto\n";

/// Whether a refused connection to `endpoint` gets the hint under `personality`: only the default
/// broker, and only under the mqtk name.
fn applies(personality: Personality, endpoint: &Endpoint) -> bool {
    personality == Personality::Mqtk
        && endpoint.host == "localhost"
        && endpoint.port == 1883
        && endpoint.transport == Transport::Tcp
        && endpoint.proxy.is_none()
}

/// Decided before the command runs (running consumes the request): whether a refused connection
/// will get the hint.
pub fn hint(invocation: &Invocation) -> impl Fn(Failure) -> Failure + use<> {
    let wanted = invocation
        .request
        .conn()
        .is_some_and(|c| applies(invocation.personality, &c.endpoint));
    move |failure: Failure| add(wanted, failure)
}

/// Adds the hint to a refused connection's failure when `wanted`.
fn add(wanted: bool, failure: Failure) -> Failure {
    if wanted && failure.text == REFUSED {
        Failure {
            text: format!("{REFUSED}{HINT}"),
            ..failure
        }
    } else {
        failure
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conn::ConnectFailure;

    fn endpoint(host: &str, port: u16) -> Endpoint {
        Endpoint {
            host: host.into(),
            port,
            transport: Transport::Tcp,
            proxy: None,
            bind: None,
        }
    }

    #[test]
    fn only_the_default_broker_under_mqtk() {
        let default = endpoint("localhost", 1883);
        assert!(applies(Personality::Mqtk, &default));
        assert!(!applies(Personality::Mosquitto, &default));
        assert!(!applies(Personality::Mqtk, &endpoint("localhost", 1884)));
        assert!(!applies(Personality::Mqtk, &endpoint("broker.lab", 1883)));
        let ws = Endpoint {
            transport: Transport::Ws {
                path: "/mqtt".into(),
            },
            ..default
        };
        assert!(!applies(Personality::Mqtk, &ws));
    }

    #[test]
    fn only_a_refused_connection() {
        // The failure the connection layer builds from the system's error.
        let refused = ConnectFailure::Io("Connection refused".into()).to_failure(true);
        let hinted = add(true, refused.clone());
        assert_eq!(hinted.text, format!("Error: Connection refused\n{HINT}"));
        assert_eq!(hinted.status, refused.status);
        assert_eq!(add(false, refused.clone()).text, refused.text);
        let lookup = ConnectFailure::Lookup.to_failure(true);
        assert_eq!(add(true, lookup.clone()).text, lookup.text);
    }
}
