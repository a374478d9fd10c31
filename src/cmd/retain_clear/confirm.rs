//! Asking before clearing everything. The question goes to the controlling terminal (`/dev/tty`) and
//! the answer is read from it, so piped input can never say yes by accident; without a terminal on
//! stdin there is nobody to ask and the run is refused unless `--yes` was given.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, IsTerminal, Write};

use tokio::sync::oneshot;

/// The user's terminal.
pub struct Terminal {
    tty: File,
}

impl Terminal {
    /// The terminal to ask on: stdin must be a terminal, and `/dev/tty` must open.
    pub fn open() -> Option<Terminal> {
        if !std::io::stdin().is_terminal() {
            return None;
        }
        let tty = OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/tty")
            .ok()?;
        Some(Terminal { tty })
    }

    /// Asks `question` and resolves to whether the answer was yes. The read blocks, so it runs on
    /// its own thread (not the runtime's blocking pool, whose shutdown would wait for it after
    /// Ctrl-C).
    pub fn ask(mut self, question: String) -> oneshot::Receiver<bool> {
        let (tx, rx) = oneshot::channel();
        std::thread::spawn(move || {
            let _ = write!(self.tty, "{question} [y/N] ");
            let _ = self.tty.flush();
            let mut answer = String::new();
            let read = BufReader::new(&self.tty).read_line(&mut answer);
            if !answer.ends_with('\n') {
                // End of input (Ctrl-D): finish the question's line.
                let _ = writeln!(self.tty);
            }
            let _ = tx.send(read.is_ok() && is_yes(&answer));
        });
        rx
    }
}

/// Whether an answer means yes: `y` or `yes`, any case, surrounding blanks ignored.
pub fn is_yes(answer: &str) -> bool {
    let answer = answer.trim().to_ascii_lowercase();
    answer == "y" || answer == "yes"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_y_and_yes_are_yes() {
        for yes in ["y", "Y", "yes", "YES", " yes\n", "y\r\n"] {
            assert!(is_yes(yes), "{yes:?}");
        }
        for no in ["", "\n", "n", "no", "yep", "sure", "ye s", "y y"] {
            assert!(!is_yes(no), "{no:?}");
        }
    }
}
