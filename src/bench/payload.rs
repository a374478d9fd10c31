//! The bench payload: a fixed header (publisher index, sequence number, intended send time) followed by
//! padding up to `--size`. Payloads are cut from one large buffer, so the hot path allocates once per
//! few thousand messages instead of once per message.

use bytes::{BufMut, Bytes, BytesMut};

/// Bytes taken by the header: publisher index (u32), sequence (u64), intended send time in ns (u64).
pub const HEADER: usize = 4 + 8 + 8;

/// What a received payload says about itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub publisher: u32,
    pub seq: u64,
    /// Intended send time, nanoseconds since the bench's start.
    pub sent_ns: u64,
}

/// Cuts payloads of one size out of a shared buffer.
pub struct PayloadMaker {
    size: usize,
    buf: BytesMut,
}

impl PayloadMaker {
    /// Payloads of `size` bytes (at least [`HEADER`]).
    pub fn new(size: usize) -> Self {
        let size = size.max(HEADER);
        PayloadMaker { size, buf: BytesMut::new() }
    }

    /// A payload carrying this header.
    pub fn make(&mut self, h: Header) -> Bytes {
        if self.buf.capacity() < self.size {
            self.buf.reserve((self.size * 1024).max(64 * 1024));
        }
        self.buf.put_u32(h.publisher);
        self.buf.put_u64(h.seq);
        self.buf.put_u64(h.sent_ns);
        self.buf.put_bytes(b'.', self.size - HEADER);
        self.buf.split().freeze()
    }
}

/// Reads the header of a bench payload; `None` for anything else.
pub fn parse(payload: &[u8]) -> Option<Header> {
    if payload.len() < HEADER {
        return None;
    }
    let u32_at = |i: usize| u32::from_be_bytes(payload[i..i + 4].try_into().unwrap_or_default());
    let u64_at = |i: usize| u64::from_be_bytes(payload[i..i + 8].try_into().unwrap_or_default());
    Some(Header { publisher: u32_at(0), seq: u64_at(4), sent_ns: u64_at(12) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let mut maker = PayloadMaker::new(64);
        let h = Header { publisher: 7, seq: 123_456, sent_ns: 42 };
        let p = maker.make(h);
        assert_eq!(p.len(), 64);
        assert_eq!(parse(&p), Some(h));
        let q = maker.make(Header { seq: 1, ..h });
        assert_eq!(parse(&q).unwrap().seq, 1);
        assert_eq!(parse(&p).unwrap().seq, 123_456, "earlier payloads stay intact");
        assert_eq!(parse(b"short"), None);
        assert_eq!(PayloadMaker::new(1).make(h).len(), HEADER);
    }
}
