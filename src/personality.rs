//! Which program the user asked for. A leaf: every layer may ask it, and it imports nothing, so the
//! layers below the command line (format, cmd, conn) need not import `cli` to know it.

/// Which program the user asked for, decided by argv[0].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Personality {
    /// `mqtk …`: mosquitto's flags and output, with its harmful quirks fixed.
    Mqtk,
    /// `mosquitto_pub` / `mosquitto_sub`: mosquitto's behaviour, quirks included.
    Mosquitto,
}
