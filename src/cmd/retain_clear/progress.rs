//! The progress line on stderr: only on a terminal, and only once a phase has run long enough to be
//! worth watching (large trees), redrawn at most ten times a second.

use std::io::Write;
use std::time::{Duration, Instant};

/// A phase shorter than this never draws: small trees finish without a flicker.
const SHOW_AFTER: Duration = Duration::from_millis(250);
/// The shortest time between two redraws.
const REDRAW_EVERY: Duration = Duration::from_millis(100);

/// One redrawn status line.
pub struct Progress {
    enabled: bool,
    phase_started: Instant,
    last_drawn: Option<Instant>,
}

impl Progress {
    /// A progress line that draws only when `enabled` (stderr is a terminal, no `--quiet`, no `-d`).
    pub fn new(enabled: bool) -> Self {
        Progress {
            enabled,
            phase_started: Instant::now(),
            last_drawn: None,
        }
    }

    /// A new phase begins: its line appears once it has run for a quarter of a second.
    pub fn start(&mut self) {
        self.phase_started = Instant::now();
    }

    /// Redraws the line with `text()` if it is due (the text is only built when it is drawn).
    pub fn update(&mut self, text: impl FnOnce() -> String) {
        if !self.enabled {
            return;
        }
        let now = Instant::now();
        let due = now.duration_since(self.phase_started) >= SHOW_AFTER
            && self
                .last_drawn
                .is_none_or(|t| now.duration_since(t) >= REDRAW_EVERY);
        if due {
            self.last_drawn = Some(now);
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "{}", line(&text()));
            let _ = err.flush();
        }
    }

    /// Erases the line, if one is drawn, so other output starts on a clean line.
    pub fn clear(&mut self) {
        if self.last_drawn.take().is_some() {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[K");
            let _ = err.flush();
        }
    }
}

/// The terminal bytes for one redraw: back to the start of the line, text, erase the rest.
fn line(text: &str) -> String {
    format!("\r{text}\x1b[K")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_nothing_when_disabled_or_early() {
        let mut p = Progress::new(false);
        p.update(|| unreachable!("disabled: the text is never built"));
        let mut p = Progress::new(true);
        p.start();
        p.update(|| unreachable!("too early: the text is never built"));
        p.clear();
        assert!(p.last_drawn.is_none());
    }

    #[test]
    fn redraw_overwrites_the_line() {
        assert_eq!(line("clearing: 1/2"), "\rclearing: 1/2\x1b[K");
    }
}
