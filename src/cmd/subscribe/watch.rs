//! `-w/--watch` (mosquitto 2.1): each topic's messages on a fixed terminal line, in the order the
//! topics first arrive, drawn with ANSI cursor moves exactly as mosquitto_sub draws them.

use std::collections::HashMap;

/// The line each topic is drawn on.
pub struct Watch {
    lines: HashMap<Vec<u8>, usize>,
    /// The line the next new topic gets (line 1 holds `Broker: HOST`).
    next: usize,
}

impl Watch {
    pub fn new() -> Self {
        Watch {
            lines: HashMap::new(),
            next: 2,
        }
    }

    /// What mosquitto_sub prints before connecting: clear the screen, `Broker: HOST` on line 1.
    pub fn start(host: &str) -> Vec<u8> {
        format!("\x1b[2J\x1b[1;1HBroker: {host}\n").into_bytes()
    }

    /// Moves the cursor to the start of the topic's line (a new topic gets the next line).
    pub fn before(&mut self, topic: &[u8]) -> Vec<u8> {
        let next = &mut self.next;
        let line = *self.lines.entry(topic.to_vec()).or_insert_with(|| {
            *next += 1;
            *next - 1
        });
        format!("\x1b[{line};1H").into_bytes()
    }

    /// After a message: the cursor to the start of the line below the last topic's.
    pub fn after(&self) -> Vec<u8> {
        format!("\x1b[{};1H\n", self.next - 1).into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_keep_their_lines() {
        let mut w = Watch::new();
        assert_eq!(w.before(b"a"), b"\x1b[2;1H");
        assert_eq!(w.after(), b"\x1b[2;1H\n");
        assert_eq!(w.before(b"b"), b"\x1b[3;1H");
        assert_eq!(w.before(b"a"), b"\x1b[2;1H");
        assert_eq!(w.after(), b"\x1b[3;1H\n");
        assert_eq!(Watch::start("h"), b"\x1b[2J\x1b[1;1HBroker: h\n");
    }
}
