//! The bench payload: a fixed header (marker, publisher index, sequence number, intended send time)
//! followed by padding up to `--size`. Payloads are cut from one large buffer, so the hot path
//! allocates once per few thousand messages instead of once per message.

use bytes::{BufMut, Bytes, BytesMut};

/// Bytes taken by the header: marker (2), publisher index (u16), sequence (u64), intended send time in
/// ns (u64).
pub const HEADER: usize = 2 + 2 + 8 + 8;

/// Marks a bench payload. 0xC1 never occurs in UTF-8, so no text or JSON payload that `bench sub`
/// meets from other publishers is mistaken for one.
const MARKER: [u8; 2] = [0xC1, 0xB7];

/// The most publishers a payload can tell apart.
pub const MAX_PUBLISHERS: u32 = 1 << 16;

/// What a received payload says about itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// Publisher index, below [`MAX_PUBLISHERS`].
    pub publisher: u32,
    pub seq: u64,
    /// Intended send time, nanoseconds since the UNIX epoch (see [`super::clock::Clock`]).
    pub sent_ns: u64,
}

/// The largest `--size` whose PUBLISH still fits the MQTT limit for every publisher's topic: the
/// remaining length holds the topic (2 + its bytes), a packet id (2) and v5 properties (1, empty).
pub fn max_size(topic_template: &str, pubs: u32, id_prefix: &str) -> usize {
    let last = pubs.saturating_sub(1);
    let topic = super::expand(topic_template, last, &format!("{id_prefix}-pub-{last}"));
    crate::conn::MAX_PACKET_SIZE.saturating_sub(2 + topic.len() + 2 + 1)
}

/// Whether payloads of `size` bytes carry the header (sequence number and send time); smaller ones
/// are counted, not sequenced or timed.
pub fn sequenced(size: usize) -> bool {
    size >= HEADER
}

/// Payload bytes reserved at a time for small payloads, so they share allocations.
const CHUNK: usize = 64 * 1024;

/// Cuts payloads of one size (or filled templates) out of a shared buffer.
pub struct PayloadMaker {
    size: usize,
    buf: BytesMut,
    /// `--payload`: the template after the header, instead of padding.
    filler: Option<super::template::Filler>,
}

impl PayloadMaker {
    /// Payloads of `size` bytes: the header and padding, or only padding below [`HEADER`] bytes.
    pub fn new(size: usize) -> Self {
        PayloadMaker {
            size,
            buf: BytesMut::new(),
            filler: None,
        }
    }

    /// Payloads of the header and then the filled template.
    pub fn with_template(filler: super::template::Filler) -> Self {
        PayloadMaker {
            filler: Some(filler),
            ..PayloadMaker::new(HEADER)
        }
    }

    /// A payload carrying this header (when it fits).
    pub fn make(&mut self, h: Header) -> Bytes {
        // Memory follows what is in flight: small payloads share a chunk, a large one is its own
        // allocation, never a multiple of it.
        if self.buf.capacity() < self.size {
            self.buf.reserve(self.size.max(CHUNK));
        }
        if !sequenced(self.size) {
            self.buf.put_bytes(b'.', self.size);
            return self.buf.split().freeze();
        }
        self.buf.put_slice(&MARKER);
        // Indexes are validated below MAX_PUBLISHERS.
        self.buf.put_u16(h.publisher as u16);
        self.buf.put_u64(h.seq);
        self.buf.put_u64(h.sent_ns);
        match &mut self.filler {
            Some(filler) => filler.fill(&mut self.buf, h.seq, h.sent_ns),
            None => self.buf.put_bytes(b'.', self.size - HEADER),
        }
        self.buf.split().freeze()
    }
}

/// Reads the header of a bench payload; `None` for anything else.
pub fn parse(payload: &[u8]) -> Option<Header> {
    if payload.len() < HEADER || payload[..2] != MARKER {
        return None;
    }
    let u64_at = |i: usize| u64::from_be_bytes(payload[i..i + 8].try_into().unwrap_or_default());
    Some(Header {
        publisher: u32::from(u16::from_be_bytes([payload[2], payload[3]])),
        seq: u64_at(4),
        sent_ns: u64_at(12),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let mut maker = PayloadMaker::new(64);
        let h = Header {
            publisher: 65_535,
            seq: 123_456,
            sent_ns: 42,
        };
        let p = maker.make(h);
        assert_eq!(p.len(), 64);
        assert_eq!(parse(&p), Some(h));
        let q = maker.make(Header { seq: 1, ..h });
        assert_eq!(parse(&q).unwrap().seq, 1);
        assert_eq!(
            parse(&p).unwrap().seq,
            123_456,
            "earlier payloads stay intact"
        );
        assert_eq!(PayloadMaker::new(1).make(h).as_ref(), b".");
        assert_eq!(PayloadMaker::new(0).make(h).len(), 0);
        assert_eq!(parse(&PayloadMaker::new(HEADER - 1).make(h)), None);
    }

    #[test]
    fn a_large_payload_reserves_only_itself() {
        let mut maker = PayloadMaker::new(10_000_000);
        let h = Header {
            publisher: 0,
            seq: 0,
            sent_ns: 0,
        };
        let p = maker.make(h);
        assert_eq!(p.len(), 10_000_000);
        // Before, the maker reserved 1024 payloads at once: 10 GB here.
        assert!(
            maker.buf.capacity() < 10_000_000,
            "{}",
            maker.buf.capacity()
        );
    }

    #[test]
    fn the_largest_size_fits_the_packet_limit() {
        // Topic "bench/0" (7 bytes): 268,435,455 - 2 - 7 - 2 - 1.
        assert_eq!(max_size("bench/%i", 1, "x"), 268_435_443);
    }

    #[test]
    fn other_payloads_are_not_bench_payloads() {
        assert_eq!(parse(b"short"), None);
        assert_eq!(parse(&[b'0'; 64]), None, "a mosquitto_pub -l line");
        assert_eq!(parse(br#"{"temperature": 21.5, "unit": "C"}"#), None);
        assert_eq!(parse(&[0u8; 20]), None);
    }
}
