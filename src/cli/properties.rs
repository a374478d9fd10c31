//! `-D COMMAND NAME VALUE`: MQTT v5 properties by name, checked as mosquitto checks them: each `-D`
//! when it is parsed ([`parse_one`]), then each packet's whole list once parsing is done
//! ([`PropertySet::check`]).

use bytes::Bytes;

use super::Personality;
use super::numbers;
use super::scanned::PropertyArg;
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

/// The commands mosquitto knows by name (`mosquitto_string_to_command`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cmd {
    Connect,
    Connack,
    Publish,
    Puback,
    Pubrec,
    Pubrel,
    Pubcomp,
    Subscribe,
    Unsubscribe,
    Disconnect,
    Auth,
    Will,
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

/// Whether MQTT v5 allows property `id` in this command (libmosquitto's
/// `mosquitto_property_check_command`, CONNACK included).
fn allowed(cmd: Cmd, id: u8) -> bool {
    use Cmd::*;
    match id {
        1 | 2 | 3 | 8 | 9 => matches!(cmd, Publish | Will),
        11 => matches!(cmd, Publish | Subscribe),
        17 => matches!(cmd, Connect | Connack | Disconnect),
        21 | 22 => matches!(cmd, Connect | Connack | Auth),
        18 | 19 | 26 | 36 | 37 | 40 | 41 | 42 => cmd == Connack,
        24 => cmd == Will,
        23 | 25 => cmd == Connect,
        28 => matches!(cmd, Connack | Disconnect),
        31 => !matches!(cmd, Connect | Publish | Subscribe | Unsubscribe),
        33 | 34 | 39 => matches!(cmd, Connect | Connack),
        35 => cmd == Publish,
        38 => true,
        _ => false,
    }
}

fn command(name: &str) -> Option<Cmd> {
    use Cmd::*;
    Some(match name {
        "connect" => Connect,
        "connack" => Connack,
        "publish" => Publish,
        "puback" => Puback,
        "pubrec" => Pubrec,
        "pubrel" => Pubrel,
        "pubcomp" => Pubcomp,
        "subscribe" => Subscribe,
        "unsubscribe" => Unsubscribe,
        "disconnect" => Disconnect,
        "auth" => Auth,
        "will" => Will,
        _ => return None,
    })
}

/// mosquitto's message for a `-D` with too few words.
fn not_enough() -> Failure {
    Failure::usage("Error: --property argument given but not enough arguments specified.\n\n")
}

/// Where a parsed property goes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum List {
    Connect,
    Publish,
    Subscribe,
    Unsubscribe,
    Disconnect,
    Will,
}

/// Parses one `-D` occurrence with mosquitto's checks in mosquitto's order (`cfg_parse_property`).
/// `arg.words` holds at least three words; a `user-property` with only three lacks its value.
fn parse_property(
    arg: &PropertyArg,
    personality: Personality,
) -> Result<(List, Property), Failure> {
    let (cmd_name, prop_name) = (&arg.words[0], &arg.words[1]);
    let cmd = command(&cmd_name.to_ascii_lowercase()).ok_or_else(|| {
        Failure::usage(format!(
            "Error: Invalid command {cmd_name} given in --property argument.\n\n"
        ))
    })?;
    let (id, kind) = lookup(&prop_name.to_ascii_lowercase()).ok_or_else(|| {
        Failure::usage(format!(
            "Error: Invalid property name {prop_name} given in --property argument.\n\n"
        ))
    })?;
    if !allowed(cmd, id) {
        return Err(Failure::usage(format!(
            "Error: {prop_name} property not allowed for {cmd_name} in --property argument.\n\n"
        )));
    }
    if kind == Kind::Pair && arg.words.len() < 4 {
        return Err(not_enough());
    }
    let not_supported = || {
        Failure::usage(format!(
            "Error: {prop_name} property not supported for {cmd_name} in --property argument.\n\n"
        ))
    };
    let list = match cmd {
        Cmd::Connect => List::Connect,
        Cmd::Publish if id == 11 => return Err(not_supported()),
        Cmd::Publish => List::Publish,
        Cmd::Subscribe if !matches!(id, 11 | 38) => return Err(not_supported()),
        Cmd::Subscribe => List::Subscribe,
        Cmd::Unsubscribe => List::Unsubscribe,
        Cmd::Disconnect => List::Disconnect,
        Cmd::Will => List::Will,
        Cmd::Auth | Cmd::Puback | Cmd::Pubrec | Cmd::Pubrel | Cmd::Pubcomp => {
            return Err(not_supported());
        }
        // libmosquitto fails here without a message: only the usage hint follows.
        Cmd::Connack => return Err(Failure::usage("")),
    };
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
        (_, Kind::Pair) => Property::User(arg.words[2].clone(), value.clone()),
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
        // Server-only properties were rejected by `allowed` above (only CONNACK takes them).
        _ => return Err(Failure::usage("")),
    };
    Ok((list, property))
}

/// Checks one `-D` occurrence as it is parsed (the errors mosquitto reports at once).
pub fn parse_one(arg: &PropertyArg, personality: Personality) -> Result<(), Failure> {
    parse_property(arg, personality).map(|_| ())
}

/// Parses every `-D` occurrence and checks the lists as mosquitto does once parsing is done.
pub fn parse(args: &[PropertyArg], personality: Personality) -> Result<PropertySet, Failure> {
    let set = parse_lists(args, personality)?;
    set.check(None).map_err(Failure::usage)?;
    Ok(set)
}

/// Parses every `-D` occurrence into the per-packet lists, in command-line order, without the checks
/// on whole lists ([`PropertySet::check`]).
pub fn parse_lists(args: &[PropertyArg], personality: Personality) -> Result<PropertySet, Failure> {
    let mut set = PropertySet::default();
    for arg in args {
        let (list, property) = parse_property(arg, personality)?;
        let list = match list {
            List::Connect => &mut set.connect,
            List::Publish => &mut set.publish,
            List::Subscribe => &mut set.subscribe,
            List::Unsubscribe => &mut set.unsubscribe,
            List::Disconnect => &mut set.disconnect,
            List::Will => &mut set.will,
        };
        list.0.push(property);
    }
    Ok(set)
}

/// libmosquitto's `mosquitto_property_check_all` on one list: value rules and duplicates, property
/// by property in order. The error is `mosquitto_strerror`'s text.
fn check_list(list: &[Property]) -> Result<(), &'static str> {
    const PROTOCOL: &str = "A network protocol error occurred when communicating with the broker";
    const DUPLICATE: &str = "Duplicate property in property list";
    for (i, p) in list.iter().enumerate() {
        let invalid = match p {
            Property::RequestProblemInformation(v) | Property::RequestResponseInformation(v) => {
                *v > 1
            }
            Property::MaximumPacketSize(v) => *v == 0,
            Property::ReceiveMaximum(v) | Property::TopicAlias(v) => *v == 0,
            _ => false,
        };
        if invalid {
            return Err(PROTOCOL);
        }
        let duplicate = !matches!(p, Property::User(..))
            && list[i + 1..]
                .iter()
                .any(|q| std::mem::discriminant(p) == std::mem::discriminant(q));
        if duplicate {
            return Err(DUPLICATE);
        }
    }
    Ok(())
}

impl PropertySet {
    /// The checks mosquitto makes once parsing is done, list by list, in its order. In v5 the
    /// session expiry from `-x`/`-c` (`session_expiry`) is part of the CONNECT list, after the `-D`
    /// ones. The message is `Error in CONNECT properties: …` and the like.
    pub fn check(&self, session_expiry: Option<u32>) -> Result<(), String> {
        let mut connect = self.connect.0.clone();
        connect.extend(session_expiry.map(Property::SessionExpiryInterval));
        let lists = [
            ("CONNECT", &connect[..]),
            ("PUBLISH", &self.publish.0[..]),
            ("SUBSCRIBE", &self.subscribe.0[..]),
            ("UNSUBSCRIBE", &self.unsubscribe.0[..]),
            ("DISCONNECT", &self.disconnect.0[..]),
            ("Will", &self.will.0[..]),
        ];
        for (name, list) in lists {
            check_list(list).map_err(|e| format!("Error in {name} properties: {e}\n"))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arg(words: &[&str]) -> PropertyArg {
        PropertyArg {
            position: 0,
            words: words.iter().map(|w| w.to_string()).collect(),
        }
    }

    fn error(words: &[&str]) -> String {
        parse_one(&arg(words), Personality::Mosquitto)
            .unwrap_err()
            .text
    }

    #[test]
    fn parse_errors_in_mosquitto_order() {
        assert_eq!(
            error(&["bogus", "user-property", "k"]),
            "Error: Invalid command bogus given in --property argument.\n\n"
        );
        assert_eq!(
            error(&["publish", "user-property", "k"]),
            "Error: --property argument given but not enough arguments specified.\n\n"
        );
        assert_eq!(
            error(&["auth", "content-type", "x"]),
            "Error: content-type property not allowed for auth in --property argument.\n\n"
        );
        assert_eq!(
            error(&["auth", "reason-string", "x"]),
            "Error: reason-string property not supported for auth in --property argument.\n\n"
        );
        assert_eq!(error(&["connack", "user-property", "k", "v"]), "");
    }

    #[test]
    fn checks_after_parsing() {
        let set = |words: &[&[&str]]| {
            let args: Vec<_> = words.iter().map(|w| arg(w)).collect();
            parse_lists(&args, Personality::Mosquitto).unwrap()
        };
        let dup = set(&[
            &["publish", "content-type", "a"],
            &["publish", "content-type", "b"],
        ]);
        assert_eq!(
            dup.check(None).unwrap_err(),
            "Error in PUBLISH properties: Duplicate property in property list\n"
        );
        // The value rule of the first property is reported before a later duplicate.
        let zero = set(&[
            &["connect", "receive-maximum", "0"],
            &["connect", "receive-maximum", "1"],
        ]);
        assert!(
            zero.check(None)
                .unwrap_err()
                .contains("network protocol error")
        );
        let expiry = set(&[&["connect", "session-expiry-interval", "5"]]);
        assert!(expiry.check(None).is_ok());
        assert!(expiry.check(Some(100)).unwrap_err().contains("Duplicate"));
        let users = set(&[
            &["will", "user-property", "k", "1"],
            &["will", "user-property", "k", "2"],
        ]);
        assert!(users.check(None).is_ok());
    }
}
