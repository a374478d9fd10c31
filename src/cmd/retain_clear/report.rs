//! What a run reports: the summary line on stderr, the `--dry-run` list on stdout, and the `--json`
//! object on stdout (the [`Summary`] struct itself).

use std::io::Write;

use serde::Serialize;

use crate::conn::reason;

/// A topic and the payload size of its retained message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TopicBytes {
    pub topic: String,
    /// Payload size in bytes.
    pub bytes: usize,
}

/// A clear the broker refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefusedTopic {
    pub topic: String,
    /// The MQTT v5 PUBACK reason code.
    pub reason: u8,
    /// The reason code in words.
    pub reason_text: &'static str,
}

/// The `--verify` outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verify {
    /// True when no retained message in scope was left.
    pub ok: bool,
    /// Retained messages in scope found after clearing.
    pub remaining: Vec<TopicBytes>,
}

/// The summary of a run, printed with `--json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// True for `--dry-run`: nothing was cleared, and `cleared`/`bytes` say what would have been.
    pub dry_run: bool,
    /// Distinct topics with a retained message under the filters, excluded ones included.
    pub found: usize,
    /// Topics found but left alone: matched by `-T`, or `$` topics that no filter names.
    pub excluded: usize,
    /// Topics cleared, each acknowledged by the broker (dry run: topics that would be cleared).
    pub cleared: usize,
    /// Payload bytes of the retained messages cleared (dry run: that would be cleared).
    pub bytes: u64,
    /// Clears the broker refused (MQTT v5 PUBACK reason code ≥ 0x80).
    pub refused: Vec<RefusedTopic>,
    /// The `--verify` result; null without `--verify`.
    pub verify: Option<Verify>,
    /// Wall-clock time of the whole run, connecting included, in seconds.
    pub elapsed_s: f64,
    /// The topics cleared (dry run: to be cleared), sorted, with their payload sizes.
    pub topics: Vec<TopicBytes>,
    /// False when the run stopped part way (the counts say how far it got).
    pub complete: bool,
    /// Why the run stopped part way; null when complete.
    pub error: Option<String>,
}

impl RefusedTopic {
    /// A refused clear with its reason.
    pub fn new(topic: String, reason: u8) -> Self {
        RefusedTopic {
            topic,
            reason,
            reason_text: reason::reason_text(reason),
        }
    }
}

/// `1 topic`, `2 topics`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The human summary: `cleared N topics (M bytes)`, or `would clear …` for a dry run, plus the
/// number of excluded topics when there are any.
pub fn summary_line(s: &Summary) -> String {
    let verb = if s.dry_run { "would clear" } else { "cleared" };
    let mut line = format!(
        "{verb} {} ({})",
        count(s.cleared, "topic", "topics"),
        count(s.bytes as usize, "byte", "bytes")
    );
    if s.excluded > 0 {
        line.push_str(&format!("; {} excluded", s.excluded));
    }
    line
}

/// Everything for stderr, in order: refused clears, the summary line, the verify result.
pub fn human(s: &Summary) -> String {
    let mut out = String::new();
    for r in &s.refused {
        out.push_str(&format!(
            "Warning: the broker refused to clear '{}': {}.\n",
            r.topic, r.reason_text
        ));
    }
    out.push_str(&summary_line(s));
    out.push('\n');
    if let Some(v) = &s.verify {
        for t in &v.remaining {
            out.push_str(&format!(
                "still retained: {} ({})\n",
                t.topic,
                count(t.bytes, "byte", "bytes")
            ));
        }
        if v.ok {
            out.push_str("verified: no retained messages left\n");
        }
    }
    out
}

/// The `--dry-run` list: one `BYTES<TAB>TOPIC` line per topic, like `du`, so a topic containing
/// blanks or tabs still parses (everything after the first tab).
pub fn write_list(out: &mut impl Write, topics: &[TopicBytes]) -> std::io::Result<()> {
    for t in topics {
        writeln!(out, "{}\t{}", t.bytes, t.topic)?;
    }
    out.flush()
}

/// The `--json` object on one line.
pub fn json(s: &Summary) -> String {
    let mut text = serde_json::to_string(s).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary() -> Summary {
        Summary {
            dry_run: false,
            found: 3,
            excluded: 1,
            cleared: 2,
            bytes: 9,
            refused: vec![],
            verify: None,
            elapsed_s: 0.5,
            topics: vec![
                TopicBytes {
                    topic: "a/b".into(),
                    bytes: 4,
                },
                TopicBytes {
                    topic: "a/c d".into(),
                    bytes: 5,
                },
            ],
            complete: true,
            error: None,
        }
    }

    #[test]
    fn summary_lines() {
        let mut s = summary();
        assert_eq!(summary_line(&s), "cleared 2 topics (9 bytes); 1 excluded");
        s.dry_run = true;
        s.excluded = 0;
        assert_eq!(summary_line(&s), "would clear 2 topics (9 bytes)");
        s.dry_run = false;
        s.cleared = 1;
        s.bytes = 1;
        assert_eq!(summary_line(&s), "cleared 1 topic (1 byte)");
        s.cleared = 0;
        s.bytes = 0;
        assert_eq!(summary_line(&s), "cleared 0 topics (0 bytes)");
    }

    #[test]
    fn list_is_bytes_tab_topic() {
        let mut out = Vec::new();
        write_list(&mut out, &summary().topics).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "4\ta/b\n5\ta/c d\n");
    }

    #[test]
    fn json_shape() {
        let mut s = summary();
        s.refused = vec![RefusedTopic::new("x".into(), 135)];
        s.verify = Some(Verify {
            ok: false,
            remaining: vec![TopicBytes {
                topic: "x".into(),
                bytes: 1,
            }],
        });
        assert_eq!(
            json(&s),
            concat!(
                r#"{"dry_run":false,"found":3,"excluded":1,"cleared":2,"bytes":9,"#,
                r#""refused":[{"topic":"x","reason":135,"reason_text":"Not authorized"}],"#,
                r#""verify":{"ok":false,"remaining":[{"topic":"x","bytes":1}]},"elapsed_s":0.5,"#,
                r#""topics":[{"topic":"a/b","bytes":4},{"topic":"a/c d","bytes":5}],"#,
                r#""complete":true,"error":null}"#,
                "\n"
            )
        );
        assert_eq!(
            human(&s),
            concat!(
                "Warning: the broker refused to clear 'x': Not authorized.\n",
                "cleared 2 topics (9 bytes); 1 excluded\n",
                "still retained: x (1 byte)\n"
            )
        );
    }
}
