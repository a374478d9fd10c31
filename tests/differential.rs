//! The differential runner shared by the pub and sub tables: the same arguments go to mosquitto's
//! client and to ours, each case's two runs are compared (exit code, stdout by a [`Stdout`] rule,
//! stderr), and a table fails once, listing every case that differed with what differed.
//! How a case runs (fresh broker per case for pub, all cases at once for sub) stays with the
//! command's tests.

use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::util::{Run, assert_same_run};

/// How to compare stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stdout {
    /// Byte for byte.
    Same,
    /// The same lines, in any order (`-d` lines whose order depends on timing).
    SameLines,
    /// Not compared (mosquitto's usage text is not reproduced).
    Ignored,
}

/// Both runs of one case.
pub struct Outcome {
    pub label: String,
    /// mosquitto's client.
    pub real: Run,
    pub ours: Run,
}

impl Outcome {
    /// Applies `f` to stdout and stderr of both runs (to normalise the clock or client ids).
    pub fn normalise(mut self, f: impl Fn(&[u8]) -> Vec<u8>) -> Outcome {
        for r in [&mut self.real, &mut self.ours] {
            r.stdout = f(&r.stdout);
            r.stderr = f(&r.stderr);
        }
        self
    }

    /// What differs (exit code, stdout by `stdout`, stderr), one entry each; empty when nothing.
    pub fn differences(&self, stdout: Stdout) -> Vec<String> {
        let (r, o) = (&self.real, &self.ours);
        let mut parts = Vec::new();
        if r.code != o.code {
            parts.push(format!("exit code: mosquitto {}, ours {}", r.code, o.code));
        }
        let stdout_differs = match stdout {
            Stdout::Same => r.stdout != o.stdout,
            Stdout::SameLines => sorted_lines(&r.stdout) != sorted_lines(&o.stdout),
            Stdout::Ignored => false,
        };
        if stdout_differs {
            parts.push(both("stdout", &r.stdout, &o.stdout));
        }
        if r.stderr != o.stderr {
            parts.push(both("stderr", &r.stderr, &o.stderr));
        }
        parts
    }

    /// A report of what differs, byte for byte, headed by the case's label; `None` when nothing.
    pub fn mismatch(&self) -> Option<String> {
        let parts = self.differences(Stdout::Same);
        (!parts.is_empty()).then(|| format!("== {}\n{}", self.label, parts.join("\n")))
    }

    /// Exit code, stdout and stderr must match.
    #[track_caller]
    pub fn assert_same(&self) {
        assert_same_run(&self.label, &self.real, &self.ours);
    }
}

fn sorted_lines(text: &[u8]) -> Vec<&[u8]> {
    let mut lines: Vec<&[u8]> = text.split(|&b| b == b'\n').collect();
    lines.sort();
    lines
}

/// Both versions of an output, escaped so invisible differences show.
fn both(what: &str, real: &[u8], ours: &[u8]) -> String {
    format!(
        "{what}:\n  mosquitto: {}\n  ours:      {}",
        escaped(real),
        escaped(ours)
    )
}

/// Bytes as a Rust-style escaped string, so invisible differences show.
pub fn escaped(bytes: &[u8]) -> String {
    let s: String = bytes
        .iter()
        .flat_map(|&b| std::ascii::escape_default(b))
        .map(char::from)
        .collect();
    format!("\"{s}\"")
}

/// Asserts every outcome, reporting all mismatches at once.
#[track_caller]
pub fn assert_all_same(outcomes: &[Outcome]) {
    let failures: Vec<String> = outcomes.iter().filter_map(Outcome::mismatch).collect();
    if !failures.is_empty() {
        panic!(
            "{} of {} cases differ:\n{}",
            failures.len(),
            outcomes.len(),
            failures.join("\n")
        );
    }
}

/// Runs `check` on every case, each on its own (a panicking case does not stop the others; its
/// report is printed as it fails), then fails listing every case that failed.
#[track_caller]
pub fn check_each<C>(cases: &[C], name: impl Fn(&C) -> &str, check: impl Fn(&C)) {
    let failed: Vec<&str> = cases
        .iter()
        .filter(|case| catch_unwind(AssertUnwindSafe(|| check(case))).is_err())
        .map(&name)
        .collect();
    assert!(
        failed.is_empty(),
        "{} of {} cases failed (reports above): {failed:#?}",
        failed.len(),
        cases.len()
    );
}
