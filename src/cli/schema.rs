//! `--proto` and `--message-type`: the protobuf schema of `sub --decode` and `pub --encode`, one
//! definition flattened into both (sub also takes `--message`, see `definition.rs`).

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
