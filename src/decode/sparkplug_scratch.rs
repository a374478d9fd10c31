//! The payload Sparkplug B messages are decoded into, kept between messages so that its metric list
//! keeps its room. Its bytes fields (metric names) are views of the message that claim a static
//! lifetime, so that making and dropping each costs no atomic reference count (~20 per message, a
//! tenth of `sub --decode sparkplug`'s time with `Bytes` clones).
//!
//! That is sound because the decoded payload can only be reached through a `Reading`, which
//! borrows the message it was read from and empties the scratch when it goes; reading empties it
//! first (a leaked `Reading` never did), and `Debug` shows nothing of it.

use std::ops::Deref;

use bytes::Bytes;
use prost::Message as _;

use super::sparkplug_schema::Payload;

/// Payloads with more metrics than this do not keep their metric list for the next message.
const KEEP_METRICS: usize = 1024;

/// Room for one decoded message at a time.
#[derive(Default)]
pub struct Scratch {
    payload: Payload,
}

impl std::fmt::Debug for Scratch {
    /// Without the payload: between messages it holds nothing worth showing.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scratch").finish_non_exhaustive()
    }
}

/// A message decoded into the scratch, for as long as the message is borrowed.
pub struct Reading<'p> {
    scratch: &'p mut Scratch,
}

impl Scratch {
    /// Decodes `message` (prost's error when it is not a Sparkplug B payload).
    pub fn read<'p>(&'p mut self, message: &'p Bytes) -> Result<Reading<'p>, prost::DecodeError> {
        self.payload.clear();
        // SAFETY: the views made from this slice are read only through the `Reading`, which
        // borrows `message` for its whole life and empties the scratch when it goes (see the
        // module's comment).
        let view: &'static [u8] = unsafe { &*std::ptr::from_ref::<[u8]>(message) };
        // Made first, so that a payload that fails half way is emptied too.
        let reading = Reading { scratch: self };
        reading.scratch.payload.merge(Bytes::from_static(view))?;
        Ok(reading)
    }
}

impl Deref for Reading<'_> {
    type Target = Payload;

    fn deref(&self) -> &Payload {
        &self.scratch.payload
    }
}

impl Drop for Reading<'_> {
    /// Empties the scratch now, not at the next message: its views must not outlive the message,
    /// and its text, data sets and templates would stay allocated until then.
    fn drop(&mut self) {
        let p = &mut self.scratch.payload;
        if p.metrics.capacity() > KEEP_METRICS {
            *p = Payload::default();
        } else {
            p.clear();
        }
    }
}
