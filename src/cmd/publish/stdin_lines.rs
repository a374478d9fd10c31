//! `-l`: stdin split into lines on a reader thread, handed over in batches through a bounded channel
//! so that publishing starts before stdin ends and a slow broker holds the reader back.

use std::io::Read;

use bytes::{Bytes, BytesMut};
use tokio::sync::mpsc;

use crate::conn::MAX_PACKET_SIZE;

/// How much stdin to read at once.
const CHUNK: usize = 64 * 1024;
/// Batches in flight between the reader and the publisher: bounded, so memory stays bounded.
const BATCHES: usize = 8;

/// Starts the reader; each batch holds the lines (without their `\n`, `\r` kept, as mosquitto does)
/// of one read. A final line without a newline is delivered at EOF.
pub fn spawn() -> mpsc::Receiver<std::io::Result<Vec<Bytes>>> {
    let (tx, rx) = mpsc::channel(BATCHES);
    std::thread::spawn(move || {
        let mut stdin = std::io::stdin().lock();
        let mut buf = BytesMut::with_capacity(CHUNK);
        let mut scanned = 0;
        loop {
            if buf.capacity() - buf.len() < CHUNK / 4 {
                buf.reserve(CHUNK);
            }
            let start = buf.len();
            buf.resize(start + CHUNK, 0);
            let n = match stdin.read(&mut buf[start..]) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {
                    buf.truncate(start);
                    continue;
                }
                Err(e) => {
                    let _ = tx.blocking_send(Err(e));
                    return;
                }
            };
            buf.truncate(start + n);
            if n == 0 {
                if !buf.is_empty() {
                    let _ = tx.blocking_send(Ok(vec![buf.split().freeze()]));
                }
                return;
            }
            // The complete lines of this read, frozen once and handed out as slices of it (a
            // reference count each, no copy); the bytes after the last newline wait for more.
            let mut batch = Vec::new();
            if let Some(last) = memchr::memrchr(b'\n', &buf[scanned..]) {
                let lines = buf.split_to(scanned + last + 1).freeze();
                let mut start = 0;
                for end in memchr::memchr_iter(b'\n', &lines) {
                    batch.push(lines.slice(start..end));
                    start = end + 1;
                }
            }
            scanned = buf.len();
            if !batch.is_empty() && tx.blocking_send(Ok(batch)).is_err() {
                return;
            }
            // A line this long can never be published: stop before it takes all the memory there is.
            if buf.len() > MAX_PACKET_SIZE {
                let too_long = std::io::Error::other(format!(
                    "a line is longer than {MAX_PACKET_SIZE} bytes, the MQTT limit"
                ));
                let _ = tx.blocking_send(Err(too_long));
                return;
            }
        }
    });
    rx
}
