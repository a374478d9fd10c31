//! Sending at `--rate`: one thread sends for every paced publisher, in the order of their intended
//! send times. tokio's timer wheel ticks in whole milliseconds, so publishers paced with it would send
//! in bursts up to a millisecond late, and since latency counts from the intended time that lateness
//! would be in every figure. A thread of its own sleeps with the kernel's timer (~50 µs slack, which it
//! allows for) and publishes with no hand-over between a timer and the sender.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::{Duration, Instant};

use super::publisher::Sender;

/// The kernel may wake a sleeper this much late (Linux's default timer slack): sleep that much less,
/// then spin the rest.
const SLACK: Duration = Duration::from_micros(50);

/// Waits this short are spun: cheaper than any system call.
const SPIN: Duration = Duration::from_micros(5);

/// Starts the pacing thread for `senders`; each is finished (its results handed to its
/// acknowledgement reader) once it has sent everything or its connection failed.
/// Called from `engine::run`, which runs on the thread that entered the runtime, not on a worker:
/// the pacing thread inherits that thread's normal scheduling policy, not the workers' SCHED_BATCH
/// (`threads::step_aside`), so its wake-ups stay prompt.
pub fn start(senders: Vec<Sender>) -> std::io::Result<()> {
    let runtime = tokio::runtime::Handle::current();
    std::thread::Builder::new()
        .name("mqtk-bench-pacer".into())
        .spawn(move || run(&runtime, senders))
        .map(|_| ())
}

fn run(runtime: &tokio::runtime::Handle, senders: Vec<Sender>) {
    let mut senders: Vec<Option<Sender>> = senders.into_iter().map(Some).collect();
    // Earliest due first; the index keeps equal times apart.
    let mut due = BinaryHeap::new();
    let now = Instant::now();
    for (i, slot) in senders.iter_mut().enumerate() {
        match slot.as_ref().and_then(|s| s.next_due(now)) {
            Some(at) => due.push(Reverse((at, i))),
            None => finish(slot),
        }
    }
    while let Some(Reverse((at, i))) = due.pop() {
        wait_until(at);
        let Some(sender) = senders[i].as_mut() else {
            continue;
        };
        // Publishing only queues the request for the connection's task: this returns at once unless
        // that queue is full, and then the generator is behind (which its lag histogram shows).
        let sent = runtime.block_on(sender.send(at));
        match sent.and_then(|done| sender.next_due(done)) {
            Some(next) => due.push(Reverse((next, i))),
            None => finish(&mut senders[i]),
        }
    }
}

fn finish(slot: &mut Option<Sender>) {
    if let Some(sender) = slot.take() {
        sender.finish();
    }
}

/// Sleeps until `at`: early by the timer slack when the wait is long, then spins the rest. A wait
/// shorter than the slack is slept in full (the kernel wakes ~50–70 µs later and the messages due by
/// then go out together): spinning through every gap of a fast schedule would take a whole core and
/// wake the connection task once per message.
fn wait_until(at: Instant) {
    let now = Instant::now();
    if at <= now {
        return;
    }
    let wait = at - now;
    if wait > SLACK {
        std::thread::sleep(wait - SLACK);
    } else if wait > SPIN {
        std::thread::sleep(wait);
        return;
    }
    while Instant::now() < at {
        std::hint::spin_loop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_until_the_moment_and_not_much_longer() {
        for us in [0u64, 3, 30, 200, 2000] {
            let at = Instant::now() + Duration::from_micros(us);
            wait_until(at);
            let late = Instant::now() - at;
            assert!(
                late < Duration::from_millis(20),
                "{us} µs: woke {late:?} late"
            );
        }
    }
}
