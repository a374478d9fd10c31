//! From parsed flags to validated config structs, with mosquitto's checks, order and messages: one
//! file per command, the connection flags they share, and the per-value checks argv scanning makes.
//! Every resolver takes a [`Parsed`] and returns its command's request.

mod bench;
mod codec;
mod connection;
mod output;
mod publish;
mod retain_clear;
mod rr;
mod subscribe;
mod transport;
mod values;

use clap::ArgMatches;

use super::argv::Scanned;
use crate::exit::Failure;
use crate::personality::Personality;

pub use bench::bench;
pub use publish::{PublishRequest, publish};
pub use retain_clear::{RetainClearRequest, retain_clear};
pub use rr::{RrRequest, rr};
pub use subscribe::{SubscribeRequest, subscribe};
pub(super) use values::check_value;

/// What every resolver is handed: clap's matches, what the argv scan took out, and who is asking.
pub struct Parsed<'a> {
    pub matches: &'a ArgMatches,
    pub scanned: &'a Scanned,
    pub personality: Personality,
    /// The command's full help, rendered only when needed (pub prints it when the topic or the
    /// message is missing; rendering costs more than the rest of a one-shot publish).
    pub usage: &'a dyn Fn() -> String,
}

impl Parsed<'_> {
    /// The command's flags struct, from the matches.
    pub fn args<T: clap::FromArgMatches>(&self) -> Result<T, Failure> {
        T::from_arg_matches(self.matches).map_err(|e| Failure::usage(format!("Error: {e}\n")))
    }
}
