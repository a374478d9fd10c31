//! What a v5 broker announced in CONNACK that it accepts in a PUBLISH: a maximum QoS and whether it
//! keeps retained messages. A broker disconnects a client that exceeds them (mosquitto 2.0:
//! `max_qos`, `retain_available false`), losing the message, so publishers check before sending.

use super::Qos;
use super::event::ConnAck;
use crate::exit::Code;

/// The PUBLISH limits from the first CONNACK. v3.1.1 brokers announce none: everything is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The highest QoS the broker accepts (CONNACK property `maximum-qos`; absent means 2).
    pub max_qos: Qos,
    /// Whether the broker accepts retained messages (`retain-available`; absent means yes).
    pub retain_available: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_qos: Qos::ExactlyOnce,
            retain_available: true,
        }
    }
}

impl Limits {
    /// The limits a CONNACK announces.
    pub fn from_connack(ack: &ConnAck) -> Limits {
        Limits {
            // Only 0 and 1 are valid values; anything else leaves the default of 2.
            max_qos: match ack.max_qos {
                Some(0) => Qos::AtMostOnce,
                Some(1) => Qos::AtLeastOnce,
                _ => Qos::ExactlyOnce,
            },
            retain_available: ack.retain_available != Some(0),
        }
    }

    /// Whether a PUBLISH at `qos` with `retain` is within the limits. QoS is checked first, as
    /// libmosquitto does.
    pub fn check(&self, qos: Qos, retain: bool) -> Result<(), Exceeded> {
        if qos > self.max_qos {
            return Err(Exceeded::Qos {
                asked: qos,
                max: self.max_qos,
            });
        }
        if retain && !self.retain_available {
            return Err(Exceeded::Retain);
        }
        Ok(())
    }
}

/// A PUBLISH the broker said it would not accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exceeded {
    /// The QoS asked for is above the broker's maximum.
    Qos { asked: Qos, max: Qos },
    /// A retained message, and the broker keeps none.
    Retain,
}

impl Exceeded {
    /// mqtk's exit status for the refusal: the v5 reason code the broker would have answered with.
    pub fn code(self) -> Code {
        match self {
            Exceeded::Qos { .. } => Code::QosNotSupported,
            Exceeded::Retain => Code::RetainNotSupported,
        }
    }

    /// mqtk's one-line message: what the broker allows and what to change.
    pub fn message(self) -> String {
        match self {
            Exceeded::Qos { asked, max } => format!(
                "Error: Message QoS {} not supported on broker (maximum QoS {}); nothing was published. Try -q {}.",
                asked.number(),
                max.number(),
                max.number()
            ),
            Exceeded::Retain => "Error: Retained messages not supported on broker (retain available 0); nothing was published. Try without -r.".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ack(max_qos: Option<u8>, retain_available: Option<u8>) -> ConnAck {
        ConnAck {
            max_qos,
            retain_available,
            ..ConnAck::default()
        }
    }

    #[test]
    fn absent_properties_allow_everything() {
        let limits = Limits::from_connack(&ack(None, None));
        assert_eq!(limits, Limits::default());
        assert_eq!(limits.check(Qos::ExactlyOnce, true), Ok(()));
    }

    #[test]
    fn qos_above_the_maximum_is_refused_first() {
        let limits = Limits::from_connack(&ack(Some(1), Some(0)));
        assert_eq!(limits.check(Qos::AtLeastOnce, false), Ok(()));
        let qos = Exceeded::Qos {
            asked: Qos::ExactlyOnce,
            max: Qos::AtLeastOnce,
        };
        assert_eq!(limits.check(Qos::ExactlyOnce, true), Err(qos));
        assert_eq!(qos.code().number(), 155);
        assert_eq!(
            Limits::from_connack(&ack(Some(0), None)).check(Qos::AtLeastOnce, false),
            Err(Exceeded::Qos {
                asked: Qos::AtLeastOnce,
                max: Qos::AtMostOnce
            })
        );
    }

    #[test]
    fn retain_needs_retain_available() {
        let limits = Limits::from_connack(&ack(None, Some(0)));
        assert_eq!(limits.check(Qos::ExactlyOnce, false), Ok(()));
        assert_eq!(limits.check(Qos::AtMostOnce, true), Err(Exceeded::Retain));
        assert_eq!(Exceeded::Retain.code().number(), 154);
        let available = Limits::from_connack(&ack(None, Some(1)));
        assert_eq!(available.check(Qos::AtMostOnce, true), Ok(()));
    }
}
