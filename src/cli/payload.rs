//! The flags that give a message to send in one piece (`pub`, and `rr` for its request), flattened
//! into each. Only one may be given (the argv scan checks it, with mosquitto's message).

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{ArgAction, Args};

/// `-m`, `-f`, `-s`, `-n`.
#[derive(Debug, Clone, Default, Args)]
pub struct PayloadArgs {
    /// Send this message (bytes as given)
    #[arg(short = 'm', long, value_name = "MESSAGE", allow_hyphen_values = true, action = ArgAction::Append)]
    pub message: Vec<OsString>,

    /// Send the contents of a file as the message
    #[arg(short = 'f', long, value_name = "FILE", allow_hyphen_values = true, action = ArgAction::Append)]
    pub file: Vec<PathBuf>,

    /// Read all of stdin and send it as one message
    #[arg(short = 's', long = "stdin-file", action = ArgAction::Count)]
    pub stdin_file: u8,

    /// Send a zero-length message
    #[arg(short = 'n', long = "null-message", action = ArgAction::Count)]
    pub null_message: u8,
}
