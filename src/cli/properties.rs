//! `-D COMMAND NAME VALUE`: MQTT v5 properties by name, checked as mosquitto checks them.

use bytes::Bytes;

use super::Personality;
use super::argv::PropertyArg;
use super::numbers;
use crate::conn::{Properties, Property};
use crate::exit::Failure;

/// Properties given with `-D`, by the packet they go into.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PropertySet {
    pub connect: Properties,
    pub publish: Properties,
    pub subscribe: Properties,
    pub unsubscribe: Properties,
    pub disconnect: Properties,
    pub will: Properties,
}

impl PropertySet {
    /// True when no `-D` was given at all.
    pub fn is_empty(&self) -> bool {
        [
            &self.connect,
            &self.publish,
            &self.subscribe,
            &self.unsubscribe,
            &self.disconnect,
            &self.will,
        ]
        .iter()
        .all(|p| p.is_empty())
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Byte,
    U16,
    U32,
    VarInt,
    Str,
    Binary,
    Pair,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Cmd {
    Connect,
    Publish,
    Subscribe,
    Unsubscribe,
    Disconnect,
    Will,
    /// Packets a client cannot attach properties to.
    Other,
}

/// name → (MQTT identifier, value kind)
fn lookup(name: &str) -> Option<(u8, Kind)> {
    Some(match name {
        "payload-format-indicator" => (1, Kind::Byte),
        "message-expiry-interval" => (2, Kind::U32),
        "content-type" => (3, Kind::Str),
        "response-topic" => (8, Kind::Str),
        "correlation-data" => (9, Kind::Binary),
        "subscription-identifier" => (11, Kind::VarInt),
        "session-expiry-interval" => (17, Kind::U32),
        "assigned-client-identifier" => (18, Kind::Str),
        "server-keep-alive" => (19, Kind::U16),
        "authentication-method" => (21, Kind::Str),
        "authentication-data" => (22, Kind::Binary),
        "request-problem-information" => (23, Kind::Byte),
        "will-delay-interval" => (24, Kind::U32),
        "request-response-information" => (25, Kind::Byte),
        "response-information" => (26, Kind::Str),
        "server-reference" => (28, Kind::Str),
        "reason-string" => (31, Kind::Str),
        "receive-maximum" => (33, Kind::U16),
        "topic-alias-maximum" => (34, Kind::U16),
        "topic-alias" => (35, Kind::U16),
        "maximum-qos" => (36, Kind::Byte),
        "retain-available" => (37, Kind::Byte),
        "user-property" => (38, Kind::Pair),
        "maximum-packet-size" => (39, Kind::U32),
        "wildcard-subscription-available" => (40, Kind::Byte),
        "subscription-identifier-available" => (41, Kind::Byte),
        "shared-subscription-available" => (42, Kind::Byte),
        _ => return None,
    })
}

/// Whether MQTT v5 allows property `id` in packets of this command.
fn allowed(cmd: Cmd, id: u8) -> bool {
    match cmd {
        Cmd::Connect => matches!(id, 17 | 21 | 22 | 23 | 25 | 33 | 34 | 38 | 39),
        Cmd::Publish => matches!(id, 1 | 2 | 3 | 8 | 9 | 11 | 35 | 38),
        Cmd::Will => matches!(id, 1 | 2 | 3 | 8 | 9 | 24 | 38),
        Cmd::Subscribe => matches!(id, 11 | 38),
        Cmd::Unsubscribe => id == 38,
        Cmd::Disconnect => matches!(id, 17 | 28 | 31 | 38),
        Cmd::Other => true,
    }
}

fn command(name: &str) -> Option<Cmd> {
    Some(match name {
        "connect" => Cmd::Connect,
        "publish" => Cmd::Publish,
        "subscribe" => Cmd::Subscribe,
        "unsubscribe" => Cmd::Unsubscribe,
        "disconnect" => Cmd::Disconnect,
        "will" => Cmd::Will,
        "connack" | "puback" | "pubrec" | "pubrel" | "pubcomp" | "suback" | "unsuback" | "auth" => {
            Cmd::Other
        }
        _ => return None,
    })
}

/// Parses every `-D` occurrence.
pub fn parse(args: &[PropertyArg], personality: Personality) -> Result<PropertySet, Failure> {
    let mut set = PropertySet::default();
    for arg in args {
        let (cmd_name, prop_name) = (&arg.words[0], &arg.words[1]);
        let cmd = command(&cmd_name.to_ascii_lowercase()).ok_or_else(|| {
            Failure::usage("Error: Invalid command given in --property argument.\n\n")
        })?;
        let (id, kind) = lookup(&prop_name.to_ascii_lowercase()).ok_or_else(|| {
            Failure::usage("Error: Invalid property name given in --property argument.\n\n")
        })?;
        if !allowed(cmd, id) {
            return Err(Failure::usage(format!(
                "Error: {prop_name} property not allowed for {cmd_name} in --property argument.\n\n"
            )));
        }
        let unsupported = match cmd {
            Cmd::Publish => id == 11,
            Cmd::Subscribe => !matches!(id, 11 | 38),
            Cmd::Other => true,
            _ => false,
        };
        if unsupported {
            return Err(Failure::usage(format!(
                "Error: {prop_name} property not supported for {cmd_name} in --property argument.\n\n"
            )));
        }
        let value = arg.words.last().cloned().unwrap_or_default();
        let number = |max: i64| -> Result<i64, Failure> {
            let n = numbers::long(personality, "--property", &value)?;
            if n < 0 || n > max {
                return Err(Failure::usage(format!(
                    "Error: Property value ({n}) out of range for property {prop_name}.\n\n"
                )));
            }
            Ok(n)
        };
        let binary = || -> Result<Bytes, Failure> {
            if value.len() > 65_535 {
                return Err(Failure::usage(format!(
                    "Error: Property value too long for property {prop_name}.\n\n"
                )));
            }
            Ok(Bytes::from(value.clone().into_bytes()))
        };
        let property = match (id, kind) {
            (_, Kind::Pair) => Property::UserProperty(arg.words[2].clone(), value.clone()),
            (1, _) => Property::PayloadFormatIndicator(number(255)? as u8),
            (2, _) => Property::MessageExpiryInterval(number(u32::MAX.into())? as u32),
            (3, _) => Property::ContentType(value.clone()),
            (8, _) => Property::ResponseTopic(value.clone()),
            (9, _) => Property::CorrelationData(binary()?),
            (11, _) => Property::SubscriptionIdentifier(number(u32::MAX.into())? as u32),
            (17, _) => Property::SessionExpiryInterval(number(u32::MAX.into())? as u32),
            (21, _) => Property::AuthenticationMethod(value.clone()),
            (22, _) => Property::AuthenticationData(binary()?),
            (23, _) => Property::RequestProblemInformation(number(255)? as u8),
            (24, _) => Property::WillDelayInterval(number(u32::MAX.into())? as u32),
            (25, _) => Property::RequestResponseInformation(number(255)? as u8),
            (31, _) => Property::ReasonString(value.clone()),
            (33, _) => Property::ReceiveMaximum(number(65_535)? as u16),
            (34, _) => Property::TopicAliasMaximum(number(65_535)? as u16),
            (35, _) => Property::TopicAlias(number(65_535)? as u16),
            (39, _) => Property::MaximumPacketSize(number(u32::MAX.into())? as u32),
            // Server-only properties were rejected by `allowed` above.
            _ => {
                return Err(Failure::usage(
                    "Error: Invalid property name given in --property argument.\n\n",
                ));
            }
        };
        let list = match cmd {
            Cmd::Connect => &mut set.connect,
            Cmd::Publish => &mut set.publish,
            Cmd::Subscribe => &mut set.subscribe,
            Cmd::Unsubscribe => &mut set.unsubscribe,
            Cmd::Disconnect => &mut set.disconnect,
            Cmd::Will | Cmd::Other => &mut set.will,
        };
        let duplicate = !matches!(property, Property::UserProperty(..))
            && list
                .0
                .iter()
                .any(|p| std::mem::discriminant(p) == std::mem::discriminant(&property));
        if duplicate {
            let packet = cmd_name.to_ascii_uppercase();
            return Err(Failure::usage(format!(
                "Error in {packet} properties: Duplicate property in property list\n"
            )));
        }
        list.0.push(property);
    }
    Ok(set)
}
