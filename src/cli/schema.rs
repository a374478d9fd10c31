//! `--proto` and `--message-type`: the protobuf schema of `--decode` (sub, rr) and `pub --encode`,
//! one definition flattened into each (sub also takes `--message`, see `definition.rs`); and
//! `--decode` with its schema, flattened into the commands that print messages.

use std::path::PathBuf;

use clap::Args;

/// The protobuf schema flags.
#[derive(Debug, Clone, Args)]
pub struct SchemaArgs {
    /// protobuf schema: a .proto file (compiled at start-up) or a descriptor set
    #[arg(
        long,
        value_name = "FILE",
        help_heading = "Binary payloads (mqtk only)"
    )]
    pub proto: Option<PathBuf>,

    /// The protobuf message type in --proto, with its package (pkg.Type)
    #[arg(
        long = "message-type",
        value_name = "TYPE",
        help_heading = "Binary payloads (mqtk only)"
    )]
    pub message_type: Option<String>,
}

/// `--decode` and its schema: how `sub` reads each payload, and `rr` each response.
#[derive(Debug, Clone, Args)]
pub struct DecodeArgs {
    /// Decode each payload as FORMAT for --where, --json-path, %{…}, --json and plain output (auto: by the v5 content type, else JSON)
    #[arg(long, value_name = "FORMAT", value_parser = ["json", "msgpack", "cbor", "protobuf", "sparkplug", "auto"], help_heading = "Binary payloads (mqtk only)")]
    pub decode: Option<String>,

    #[command(flatten)]
    pub schema: SchemaArgs,
}

impl DecodeArgs {
    /// The first of these options given, if any (mosquitto's clients do not know them).
    pub fn mqtk_extension(&self) -> Option<&'static str> {
        if self.decode.is_some() {
            Some("--decode")
        } else if self.schema.proto.is_some() {
            Some("--proto")
        } else if self.schema.message_type.is_some() {
            Some("--message-type")
        } else {
            None
        }
    }
}
