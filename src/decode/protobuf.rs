//! protobuf with a user's schema: a `.proto` file compiled at start-up by protox (a pure-Rust
//! compiler, so no protoc on the user's machine) or a compiled descriptor set, and messages read and
//! written by prost-reflect's `DynamicMessage` with the proto3 JSON mapping (bytes as base64).
//! prost's decoder has a recursion limit and checks every length against the bytes left.

use std::path::Path;

use prost::Message as _;
use prost_reflect::{
    DescriptorPool, DeserializeOptions, DynamicMessage, MessageDescriptor, SerializeOptions,
};
use serde_json::{Map, Value};

use super::base64;

/// The message type payloads are read as and written from.
#[derive(Clone)]
pub struct Schema {
    message: MessageDescriptor,
}

impl std::fmt::Debug for Schema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Schema({})", self.message.full_name())
    }
}

impl Schema {
    /// Loads `file` (a `.proto`, compiled with its directory as the import path, or a descriptor
    /// set as `protoc -o` writes it) and finds `message` (`package.Type`) in it.
    pub fn load(file: &Path, message: &str) -> Result<Schema, String> {
        let shown = file.display();
        let pool = if file.extension().is_some_and(|e| e == "proto") {
            let dir = file.parent().filter(|d| !d.as_os_str().is_empty());
            let dir = dir.unwrap_or(Path::new("."));
            let name = file.file_name().unwrap_or(file.as_os_str());
            protox::Compiler::new([dir])
                .and_then(|mut c| {
                    c.include_imports(true).open_file(name)?;
                    Ok(c.descriptor_pool())
                })
                .map_err(|e| format!("cannot compile {shown}: {e}"))?
        } else {
            let bytes = std::fs::read(file).map_err(|e| format!("cannot read {shown}: {e}"))?;
            DescriptorPool::decode(bytes.as_slice())
                .map_err(|e| format!("{shown} is not a descriptor set: {e}"))?
        };
        let message = pool.get_message_by_name(message).ok_or_else(|| {
            let known: Vec<String> = pool
                .all_messages()
                .map(|m| m.full_name().to_string())
                .filter(|n| !n.starts_with("google.protobuf."))
                .collect();
            format!(
                "no message type '{message}' in {shown} (it has: {})",
                known.join(", ")
            )
        })?;
        Ok(Schema { message })
    }

    /// Decodes one message as JSON: field names as in the .proto, every field present (defaults
    /// included, so a filter can test them), 64-bit integers as numbers, enums by name. Fields the
    /// schema does not know are kept under `_unknown` as `{field, wire_type, data}` (data: the
    /// field's encoded bytes in base64).
    pub fn decode(&self, payload: &[u8]) -> Result<Value, String> {
        let msg = DynamicMessage::decode(self.message.clone(), payload)
            .map_err(|e| format!("payload is not a {} ({e})", self.message.full_name()))?;
        let options = SerializeOptions::new()
            .skip_default_fields(false)
            .stringify_64_bit_integers(false)
            .use_proto_field_name(true);
        let mut value = msg
            .serialize_with_options(serde_json::value::Serializer, &options)
            .map_err(|e| format!("cannot show {} as JSON ({e})", self.message.full_name()))?;
        let unknown: Vec<Value> = msg
            .unknown_fields()
            .map(|field| {
                let mut data = Vec::new();
                field.encode(&mut data);
                let mut entry = Map::new();
                entry.insert("field".into(), Value::from(field.number()));
                entry.insert("wire_type".into(), Value::from(field.wire_type() as u8));
                entry.insert("data".into(), base64(&data));
                Value::Object(entry)
            })
            .collect();
        if let (false, Value::Object(map)) = (unknown.is_empty(), &mut value) {
            map.insert("_unknown".into(), Value::Array(unknown));
        }
        Ok(value)
    }

    /// Encodes a JSON document (proto3 JSON mapping; proto or camelCase names) as the message.
    pub fn encode(&self, doc: &Value) -> Result<Vec<u8>, String> {
        let options = DeserializeOptions::new().deny_unknown_fields(true);
        let msg = DynamicMessage::deserialize_with_options(self.message.clone(), doc, &options)
            .map_err(|e| format!("not a {}: {e}", self.message.full_name()))?;
        Ok(msg.encode_to_vec())
    }
}
