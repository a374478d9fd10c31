//! One module per subcommand; each receives plain config structs, never clap types.

pub mod bench;
pub mod publish;
pub mod retain_clear;
pub mod subscribe;
