//! Which message is the response. mosquitto_rr takes the first message on the response topic,
//! whatever it answers (it sets correlation-data only when `-D publish correlation-data` asks). `mqtk
//! rr` on MQTT v5 sends correlation data with every request (the user's, or a fresh random one) and
//! takes only messages that carry it back, so a late answer to an earlier request, another client's
//! answer or a stale retained message on a shared response topic is not taken for the response.

use std::hash::{BuildHasher, Hasher};

use bytes::Bytes;

use crate::conn::{Message, Properties, Property, Protocol};
use crate::personality::Personality;

/// How responses are recognised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    /// Any message on the response topic (mosquitto_rr, and MQTT 3.1.1, which has no properties).
    Any,
    /// Only messages whose correlation-data property is exactly this.
    Correlation(Bytes),
}

impl Match {
    /// The rule for a run, and the PUBLISH properties to send: with [`Match::Correlation`] they
    /// carry the correlation data (the user's own, from `-D`, is kept and matched on).
    pub fn choose(
        personality: Personality,
        protocol: Protocol,
        properties: &Properties,
    ) -> (Match, Properties) {
        let mut properties = properties.clone();
        if personality == Personality::Mosquitto || protocol != Protocol::V5 {
            return (Match::Any, properties);
        }
        let given = properties.0.iter().find_map(|p| match p {
            Property::CorrelationData(d) => Some(d.clone()),
            _ => None,
        });
        let data = given.unwrap_or_else(|| {
            let data = fresh();
            properties.0.push(Property::CorrelationData(data.clone()));
            data
        });
        (Match::Correlation(data), properties)
    }

    /// Whether `msg` is a response to our request.
    pub fn accepts(&self, msg: &Message) -> bool {
        match self {
            Match::Any => true,
            Match::Correlation(want) => msg
                .properties
                .as_ref()
                .and_then(|p| p.correlation_data.as_ref())
                .is_some_and(|got| got == want),
        }
    }
}

/// Fresh correlation data: 16 random hex digits (printable, so `%D` and logs show it as is).
/// `RandomState` is seeded from the operating system's random source per process; the clock and the
/// process id are mixed in so two requests of one process differ as well.
fn fresh() -> Bytes {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    hasher.write_u128(now);
    hasher.write_u32(std::process::id());
    Bytes::from(format!("{:016x}", hasher.finish()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conn::Qos;

    fn message(correlation: Option<&'static [u8]>) -> Message {
        let properties = correlation.map(|c| rumqttc::v5::mqttbytes::v5::PublishProperties {
            correlation_data: Some(Bytes::from_static(c)),
            ..Default::default()
        });
        Message {
            topic: Bytes::from_static(b"resp"),
            payload: Bytes::new(),
            qos: Qos::AtMostOnce,
            retain: false,
            dup: false,
            mid: 0,
            properties: properties.map(Box::new),
        }
    }

    #[test]
    fn mqtk_v5_generates_and_matches() {
        let (rule, props) = Match::choose(Personality::Mqtk, Protocol::V5, &Properties::default());
        let Match::Correlation(data) = &rule else {
            panic!("{rule:?}")
        };
        assert_eq!(data.len(), 16);
        assert_eq!(props.0, vec![Property::CorrelationData(data.clone())]);
        assert!(!rule.accepts(&message(None)));
        assert!(!rule.accepts(&message(Some(b"other"))));
        let mut right = message(None);
        right.properties = Some(Box::new(rumqttc::v5::mqttbytes::v5::PublishProperties {
            correlation_data: Some(data.clone()),
            ..Default::default()
        }));
        assert!(rule.accepts(&right));
    }

    #[test]
    fn given_correlation_data_is_kept() {
        let given = Properties(vec![Property::CorrelationData(Bytes::from_static(b"mine"))]);
        let (rule, props) = Match::choose(Personality::Mqtk, Protocol::V5, &given);
        assert_eq!(rule, Match::Correlation(Bytes::from_static(b"mine")));
        assert_eq!(props, given);
    }

    #[test]
    fn mosquitto_and_v311_take_anything() {
        let none = Properties::default();
        for (personality, protocol) in [
            (Personality::Mosquitto, Protocol::V5),
            (Personality::Mqtk, Protocol::V311),
        ] {
            let (rule, props) = Match::choose(personality, protocol, &none);
            assert_eq!(rule, Match::Any);
            assert!(props.is_empty());
            assert!(rule.accepts(&message(Some(b"whatever"))));
        }
    }
}
