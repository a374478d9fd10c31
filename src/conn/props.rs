//! MQTT v5 properties as plain data, converted to rumqttc's per-packet types in one place.

use bytes::Bytes;

/// One v5 property with a typed value, as given with `-D COMMAND NAME VALUE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Property {
    PayloadFormatIndicator(u8),
    MessageExpiryInterval(u32),
    ContentType(String),
    ResponseTopic(String),
    CorrelationData(Bytes),
    SubscriptionIdentifier(u32),
    TopicAlias(u16),
    SessionExpiryInterval(u32),
    AuthenticationMethod(String),
    AuthenticationData(Bytes),
    RequestProblemInformation(u8),
    RequestResponseInformation(u8),
    ReceiveMaximum(u16),
    TopicAliasMaximum(u16),
    MaximumPacketSize(u32),
    WillDelayInterval(u32),
    ReasonString(String),
    User(String, String),
}

impl Property {
    /// The MQTT identifier of a property a PUBLISH can carry; `None` for the others.
    fn publish_id(&self) -> Option<u8> {
        Some(match self {
            Property::PayloadFormatIndicator(_) => 0x01,
            Property::MessageExpiryInterval(_) => 0x02,
            Property::ContentType(_) => 0x03,
            Property::ResponseTopic(_) => 0x08,
            Property::CorrelationData(_) => 0x09,
            Property::SubscriptionIdentifier(_) => 0x0B,
            Property::TopicAlias(_) => 0x23,
            Property::User(..) => 0x26,
            _ => return None,
        })
    }
}

/// The properties given for one packet type, in command-line order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Properties(pub Vec<Property>);

impl Properties {
    /// True when no property was given.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The user properties, in order.
    pub fn user(&self) -> Vec<(String, String)> {
        self.0
            .iter()
            .filter_map(|p| match p {
                Property::User(k, v) => Some((k.clone(), v.clone())),
                _ => None,
            })
            .collect()
    }

    /// The topic alias, if one was given.
    pub fn topic_alias(&self) -> Option<u16> {
        self.0.iter().find_map(|p| match p {
            Property::TopicAlias(a) => Some(*a),
            _ => None,
        })
    }

    /// rumqttc's PUBLISH properties.
    pub fn to_publish(&self) -> rumqttc::v5::mqttbytes::v5::PublishProperties {
        let mut out = rumqttc::v5::mqttbytes::v5::PublishProperties {
            user_properties: self.user(),
            ..Default::default()
        };
        for p in &self.0 {
            match p {
                Property::PayloadFormatIndicator(v) => out.payload_format_indicator = Some(*v),
                Property::MessageExpiryInterval(v) => out.message_expiry_interval = Some(*v),
                Property::ContentType(v) => out.content_type = Some(v.clone()),
                Property::ResponseTopic(v) => out.response_topic = Some(v.clone()),
                Property::CorrelationData(v) => out.correlation_data = Some(v.clone()),
                Property::TopicAlias(v) => out.topic_alias = Some(*v),
                Property::SubscriptionIdentifier(v) => {
                    out.subscription_identifiers.push(*v as usize)
                }
                _ => {}
            }
        }
        // On the wire in the order given, as mosquitto_pub writes them (the vendored rumqttc's
        // `order`, see vendor/rumqttc/PATCHES.md).
        out.order = self.0.iter().filter_map(Property::publish_id).collect();
        out
    }

    /// rumqttc's will properties.
    pub fn to_will(&self) -> rumqttc::v5::mqttbytes::v5::LastWillProperties {
        let mut out = rumqttc::v5::mqttbytes::v5::LastWillProperties {
            delay_interval: None,
            payload_format_indicator: None,
            message_expiry_interval: None,
            content_type: None,
            response_topic: None,
            correlation_data: None,
            user_properties: self.user(),
        };
        for p in &self.0 {
            match p {
                Property::WillDelayInterval(v) => out.delay_interval = Some(*v),
                Property::PayloadFormatIndicator(v) => out.payload_format_indicator = Some(*v),
                Property::MessageExpiryInterval(v) => out.message_expiry_interval = Some(*v),
                Property::ContentType(v) => out.content_type = Some(v.clone()),
                Property::ResponseTopic(v) => out.response_topic = Some(v.clone()),
                Property::CorrelationData(v) => out.correlation_data = Some(v.clone()),
                _ => {}
            }
        }
        out
    }

    /// Applies CONNECT properties to rumqttc's v5 options.
    pub fn apply_connect(&self, opts: &mut rumqttc::v5::MqttOptions) {
        let user = self.user();
        if !user.is_empty() {
            opts.set_user_properties(user);
        }
        for p in &self.0 {
            match p {
                Property::SessionExpiryInterval(v) => {
                    opts.set_session_expiry_interval(Some(*v));
                }
                Property::ReceiveMaximum(v) => {
                    opts.set_receive_maximum(Some(*v));
                }
                Property::MaximumPacketSize(v) => {
                    opts.set_max_packet_size(Some(*v));
                }
                Property::TopicAliasMaximum(v) => {
                    opts.set_topic_alias_max(Some(*v));
                }
                Property::RequestProblemInformation(v) => {
                    opts.set_request_problem_info(Some(*v));
                }
                Property::RequestResponseInformation(v) => {
                    opts.set_request_response_info(Some(*v));
                }
                Property::AuthenticationMethod(v) => {
                    opts.set_authentication_method(Some(v.clone()));
                }
                Property::AuthenticationData(v) => {
                    opts.set_authentication_data(Some(v.clone()));
                }
                _ => {}
            }
        }
    }

    /// rumqttc's SUBSCRIBE properties.
    pub fn to_subscribe(&self) -> rumqttc::v5::mqttbytes::v5::SubscribeProperties {
        rumqttc::v5::mqttbytes::v5::SubscribeProperties {
            id: self.0.iter().find_map(|p| match p {
                Property::SubscriptionIdentifier(v) => Some(*v as usize),
                _ => None,
            }),
            user_properties: self.user(),
        }
    }
}
