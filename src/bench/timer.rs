//! A sub-millisecond timer for pacing publishers. tokio's timer wheel ticks in whole milliseconds, so a
//! publisher paced with it sends in bursts up to a millisecond late, and since latency counts from
//! the intended send time that lateness would be in every figure. This timer sleeps on a thread of its
//! own (a futex wait with the kernel's ~50 µs timer slack) and wakes the tasks whose time has come.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Condvar, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

/// Below this, waiting on the timer thread costs more than it saves: the task yields instead.
const SPIN: Duration = Duration::from_micros(20);

/// Deadlines and the tasks waiting for them.
#[derive(Default)]
struct State {
    /// Earliest first; the sequence number keeps equal deadlines apart.
    queue: BinaryHeap<Reverse<(Instant, u64)>>,
    wakers: std::collections::HashMap<u64, Waker>,
    next: u64,
    shutdown: bool,
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

/// The timer thread; it stops when the last handle is dropped.
pub struct Timer {
    shared: Arc<Shared>,
}

/// A handle publishers sleep with.
#[derive(Clone)]
pub struct Handle {
    shared: Arc<Shared>,
}

impl Timer {
    /// Starts the timer thread.
    pub fn start() -> std::io::Result<Timer> {
        let shared = Arc::new(Shared::default());
        let thread_shared = shared.clone();
        std::thread::Builder::new()
            .name("mqtk-bench-timer".into())
            .spawn(move || run(&thread_shared))?;
        Ok(Timer { shared })
    }

    pub fn handle(&self) -> Handle {
        Handle {
            shared: self.shared.clone(),
        }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        self.shared.state.lock().expect("timer lock").shutdown = true;
        self.shared.changed.notify_one();
    }
}

fn run(shared: &Shared) {
    let mut state = shared.state.lock().expect("timer lock");
    loop {
        if state.shutdown {
            return;
        }
        let now = Instant::now();
        while let Some(&Reverse((at, id))) = state.queue.peek() {
            if at > now {
                break;
            }
            state.queue.pop();
            if let Some(waker) = state.wakers.remove(&id) {
                waker.wake();
            }
        }
        state = match state.queue.peek() {
            Some(&Reverse((at, _))) => {
                shared
                    .changed
                    .wait_timeout(state, at - now)
                    .expect("timer lock")
                    .0
            }
            None => shared.changed.wait(state).expect("timer lock"),
        };
    }
}

impl Handle {
    /// Completes at `deadline`, typically within 100 µs after it.
    pub fn sleep_until(&self, deadline: Instant) -> Sleep<'_> {
        Sleep {
            handle: self,
            deadline,
            id: None,
        }
    }
}

/// The future of [`Handle::sleep_until`].
pub struct Sleep<'a> {
    handle: &'a Handle,
    deadline: Instant,
    id: Option<u64>,
}

impl Future for Sleep<'_> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let now = Instant::now();
        if now >= self.deadline {
            return Poll::Ready(());
        }
        if self.deadline - now < SPIN {
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        let shared = &self.handle.shared;
        let mut state = shared.state.lock().expect("timer lock");
        let id = match self.id {
            Some(id) => id,
            None => {
                let id = state.next;
                state.next += 1;
                let earliest = state
                    .queue
                    .peek()
                    .is_none_or(|Reverse((at, _))| self.deadline < *at);
                state.queue.push(Reverse((self.deadline, id)));
                if earliest {
                    shared.changed.notify_one();
                }
                id
            }
        };
        state.wakers.insert(id, cx.waker().clone());
        drop(state);
        self.id = Some(id);
        Poll::Pending
    }
}

impl Drop for Sleep<'_> {
    fn drop(&mut self) {
        // A sleep dropped before its time leaves its deadline queued; the waker is what matters.
        if let Some(id) = self.id {
            self.handle
                .shared
                .state
                .lock()
                .expect("timer lock")
                .wakers
                .remove(&id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn wakes_in_deadline_order_and_not_early() {
        let timer = Timer::start().unwrap();
        let start = Instant::now();
        let mut tasks = Vec::new();
        for ms in [30u64, 10, 20, 10] {
            let handle = timer.handle();
            tasks.push(tokio::spawn(async move {
                let at = start + Duration::from_millis(ms);
                handle.sleep_until(at).await;
                Instant::now().saturating_duration_since(at)
            }));
        }
        for t in tasks {
            let late = t.await.unwrap();
            assert!(late < Duration::from_millis(50), "woke {late:?} late");
        }
        // Past and very near deadlines complete without the thread.
        timer.handle().sleep_until(start).await;
        timer
            .handle()
            .sleep_until(Instant::now() + Duration::from_micros(5))
            .await;
    }
}
