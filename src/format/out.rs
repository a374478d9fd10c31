//! Where a rendered message goes: a buffer that spills to the writer in chunks, so `%2000000000p`
//! writes two gigabytes of padding without holding them (mosquitto_sub streams them too).

use std::io::{self, Write};

/// Bytes gathered before they are written.
const CHUNK: usize = 64 * 1024;

/// A rendering target: `buf`, spilled to `sink` (when there is one) whenever it holds a chunk.
pub struct Out<'a> {
    buf: &'a mut Vec<u8>,
    sink: Option<&'a mut dyn Write>,
    error: Option<io::Error>,
}

impl<'a> Out<'a> {
    /// Renders into `buf`; with a `sink`, full chunks go there and what is left stays in `buf`.
    pub fn new(buf: &'a mut Vec<u8>, sink: Option<&'a mut dyn Write>) -> Self {
        Out {
            buf,
            sink,
            error: None,
        }
    }

    pub fn push(&mut self, byte: u8) {
        self.buf.push(byte);
    }

    pub fn extend_from_slice(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
        self.spill();
    }

    /// `count` copies of `byte`, a chunk at a time.
    pub fn pad(&mut self, byte: u8, count: usize) {
        let mut left = count;
        while left > 0 {
            let n = left.min(CHUNK);
            self.buf.resize(self.buf.len() + n, byte);
            left -= n;
            self.spill();
        }
    }

    /// Lets a writer that produces little (a time, a JSON document) write to the buffer directly.
    pub fn with<T>(&mut self, write: impl FnOnce(&mut Vec<u8>) -> T) -> T {
        let value = write(self.buf);
        self.spill();
        value
    }

    /// The first write error, if the sink failed (what follows it was discarded).
    pub fn finish(self) -> io::Result<()> {
        self.error.map_or(Ok(()), Err)
    }

    fn spill(&mut self) {
        let Some(sink) = self.sink.as_mut() else {
            return;
        };
        if self.buf.len() < CHUNK {
            return;
        }
        if self.error.is_none()
            && let Err(e) = sink.write_all(self.buf)
        {
            self.error = Some(e);
        }
        self.buf.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts bytes and remembers the largest single write.
    #[derive(Default)]
    struct Counter {
        total: usize,
        largest: usize,
    }

    impl Write for Counter {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.total += b.len();
            self.largest = self.largest.max(b.len());
            Ok(b.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn padding_is_streamed_not_built() {
        let mut buf = Vec::new();
        let mut sink = Counter::default();
        let mut out = Out::new(&mut buf, Some(&mut sink));
        out.pad(b' ', 10_000_000);
        out.extend_from_slice(b"end");
        out.finish().unwrap();
        assert!(buf.len() < CHUNK, "left over: {}", buf.len());
        assert_eq!(sink.total + buf.len(), 10_000_003);
        assert!(sink.largest <= 2 * CHUNK, "{}", sink.largest);
    }
}
