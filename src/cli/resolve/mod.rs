//! From parsed flags to validated config structs, with mosquitto's checks, order and messages: one
//! file per command, the connection flags they share, and the per-value checks argv scanning makes.

mod bench;
mod connection;
mod publish;
mod subscribe;
mod transport;
mod values;

pub use bench::bench;
pub(crate) use connection::connection;
pub use publish::{PublishRequest, publish};
pub use subscribe::{SubscribeRequest, subscribe};
pub(super) use values::check_value;
