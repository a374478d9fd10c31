//! The running totals publishers and subscribers bump and the progress line reads: a leaf, so the
//! engine that starts them and the tasks that count share it without importing each other.

use std::sync::atomic::AtomicU64;

/// Running totals, read once a second for the live line and the series, and by `--prometheus`.
#[derive(Debug, Default)]
pub struct Counters {
    pub sent: Padded,
    pub acked: Padded,
    pub received: Padded,
    /// `bench conn`: connections open now.
    pub connected: Padded,
}

/// A counter on a cache line (pair) of its own: publishers and subscribers bump theirs once per
/// message from different threads, and sharing a line would make each bump a cache miss.
#[derive(Debug, Default)]
#[repr(align(128))]
pub struct Padded(AtomicU64);

impl std::ops::Deref for Padded {
    type Target = AtomicU64;

    fn deref(&self) -> &AtomicU64 {
        &self.0
    }
}
