//! One module per subcommand; each receives plain config structs, never clap types.

pub mod bench;
mod closed_stdout;
pub mod ndjson;
mod oversize;
pub mod publish;
pub mod retain_clear;
pub mod stdin_lines;
pub mod sub_output;
pub mod subscribe;
