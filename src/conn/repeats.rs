//! An endless reconnect loop is a failure, not a way of life: when the same packet ends the
//! connection several times in a row (a broker that replays something we cannot accept after each
//! reconnect, or refuses something we resend), reconnecting again would only repeat it while
//! nothing gets through. The driver stops with one line naming the packet instead.

use super::failure::ConnectFailure;

/// How many connections in a row the same packet may end before the driver gives up.
pub(super) const LIMIT: u32 = 3;

/// v5 DISCONNECT reasons that blame a packet (rather than the broker's own state): malformed
/// packet, protocol error, topic name invalid, receive maximum exceeded, topic alias invalid,
/// packet too large, payload format invalid.
const PACKET_REASONS: [u8; 7] = [0x81, 0x82, 0x90, 0x93, 0x94, 0x95, 0x99];

/// Counts the connections in a row that ended with the same packet-level failure.
#[derive(Debug, Default)]
pub(super) struct Repeats {
    last: Option<ConnectFailure>,
    count: u32,
}

impl Repeats {
    /// A connection that was up ended with `failure`. Returns the failure to stop with when this
    /// is the [`LIMIT`]th time in a row the same packet ended it.
    pub fn note(&mut self, failure: &ConnectFailure) -> Option<ConnectFailure> {
        let blames_a_packet = match failure {
            ConnectFailure::Protocol(_) => true,
            ConnectFailure::ServerDisconnect(reason) => PACKET_REASONS.contains(reason),
            _ => false,
        };
        if !blames_a_packet || self.last.as_ref() != Some(failure) {
            self.count = 0;
        }
        self.last = blames_a_packet.then(|| failure.clone());
        self.count += u32::from(blames_a_packet);
        (self.count >= LIMIT).then(|| give_up(failure))
    }
}

/// The one-line failure for the same packet ending the connection [`LIMIT`] times in a row.
fn give_up(failure: &ConnectFailure) -> ConnectFailure {
    let what = match failure {
        ConnectFailure::ServerDisconnect(reason) => format!(
            "the broker closed the connection with \"{}\" ({reason})",
            super::reason::reason_text(*reason)
        ),
        ConnectFailure::Protocol(detail) => detail.clone(),
        other => format!("{other:?}"),
    };
    ConnectFailure::Protocol(format!(
        "the same packet ended the connection {LIMIT} times in a row, so reconnecting stopped: {what}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// v5 DISCONNECT reasons (named, so tests/layout.rs does not take them for exit statuses).
    const SERVER_SHUTTING_DOWN: u8 = 0x8b;
    const PACKET_TOO_LARGE: u8 = 0x95;

    fn bad(detail: &str) -> ConnectFailure {
        ConnectFailure::Protocol(detail.into())
    }

    #[test]
    fn the_third_same_packet_in_a_row_gives_up() {
        let mut r = Repeats::default();
        assert_eq!(r.note(&bad("a")), None);
        assert_eq!(r.note(&bad("a")), None);
        let Some(ConnectFailure::Protocol(text)) = r.note(&bad("a")) else {
            panic!("no give-up on the third");
        };
        assert!(
            text.ends_with("3 times in a row, so reconnecting stopped: a"),
            "{text}"
        );
    }

    #[test]
    fn anything_else_in_between_starts_the_count_again() {
        let mut r = Repeats::default();
        r.note(&bad("a"));
        r.note(&bad("a"));
        assert_eq!(r.note(&ConnectFailure::Lost), None);
        assert_eq!(r.note(&bad("a")), None);
        assert_eq!(r.note(&bad("b")), None);
        assert_eq!(r.note(&bad("b")), None);
        assert!(r.note(&bad("b")).is_some());
        // A DISCONNECT that does not blame a packet (server shutting down) never counts.
        let mut r = Repeats::default();
        for _ in 0..5 {
            assert_eq!(
                r.note(&ConnectFailure::ServerDisconnect(SERVER_SHUTTING_DOWN)),
                None
            );
        }
        for _ in 0..2 {
            r.note(&ConnectFailure::ServerDisconnect(PACKET_TOO_LARGE));
        }
        assert!(
            r.note(&ConnectFailure::ServerDisconnect(PACKET_TOO_LARGE))
                .is_some()
        );
    }
}
