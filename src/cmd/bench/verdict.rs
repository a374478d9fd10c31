//! Whether a run measured what it was asked to. A benchmark whose broker died half way must not
//! read as a pass: the report keeps what was measured and says why it is incomplete.

use super::report::Report;
use super::{Config, Scenario};

/// Fills in `complete`, `error` and `unsent` from the counts the run ended with.
pub fn judge(cfg: &Config, report: &mut Report) {
    let publishes = matches!(cfg.scenario, Scenario::PubSub | Scenario::Pub);
    if publishes && let Some(count) = cfg.count {
        let asked = count.saturating_mul(u64::from(cfg.pubs));
        report.unsent = asked.saturating_sub(report.sent);
    }
    report.error = cause(cfg, report);
    report.complete = report.error.is_none();
}

/// The first reason the run is incomplete, as a phrase (no "Error:", no full stop).
fn cause(cfg: &Config, r: &Report) -> Option<String> {
    let clients = match cfg.scenario {
        Scenario::PubSub => cfg.pubs + cfg.subs,
        Scenario::Pub => cfg.pubs,
        Scenario::Sub => cfg.subs,
        Scenario::Conn => cfg.clients,
    };
    if r.connect_failures > 0 {
        return Some(format!(
            "{} of {clients} clients could not connect or subscribe",
            r.connect_failures
        ));
    }
    if r.connection_losses > 0 {
        return Some(format!(
            "the connection to the broker was lost during the run ({} of {clients} clients)",
            r.connection_losses
        ));
    }
    // `bench conn --duration`: a connection that dropped and was not open again when the hold ended
    // was not held as asked (drops that were taken up again are reported, not a failure).
    if let Some(h) = r.held.as_ref().filter(|h| h.down_at_end > 0) {
        return Some(format!(
            "{} of {clients} connections dropped while held and were not open again at the end \
             ({} drops, {} reconnects)",
            h.down_at_end, h.drops, h.reconnects
        ));
    }
    if r.unsent > 0 {
        return Some(format!(
            "{} of {} messages were never sent",
            r.unsent,
            r.unsent + r.sent
        ));
    }
    if cfg.scenario == Scenario::Sub {
        if r.received == 0 {
            return Some("no messages received".into());
        }
        if let Some(count) = cfg.count
            && r.received < count
        {
            return Some(format!("received {} of {count} messages", r.received));
        }
    }
    None
}
