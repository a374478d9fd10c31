//! The commands, one module each; each receives plain config structs, never clap types.
//!
//! Where code lives: what only one command uses lives under that command (`cmd/<command>.rs` runs
//! it, `cmd/<command>/` holds its parts); what two or more use lives in the shared module for its
//! concern (`conn` for the connection, `format` for message output formats, `trace` for packet
//! tracing, `jsonpath`, `exit`). A command never imports another command; every file here is a
//! command. tests/layout.rs checks these rules.

pub mod bench;
pub mod publish;
pub mod retain_clear;
pub mod rr;
pub mod subscribe;
