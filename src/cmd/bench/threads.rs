//! The threads bench runs on. A broker on the same host needs a core, and bench must not take it:
//! on 2 shared cores bench's wake-ups (every few messages that arrive) cost more CPU than its work
//! and preempted the single-threaded broker, which then delivered less (README, "pub/sub against a
//! like-for-like ceiling").

/// How many worker threads: one core fewer than the machine has (at least one). On 2 cores a
/// second worker made bench cost 1.5–3× the CPU per message (each thread wakes on its own, and
/// tasks are handed across: ~0.2 context switches per message against 0.001–0.06 on one) and
/// 10→10 ran at 100,000–130,000 msg/s on two workers against 140,000–160,000 on one.
pub fn workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1).max(1))
}

/// Run on each worker thread as it starts: Linux's SCHED_BATCH, so that a worker woken by a few
/// bytes from the broker does not preempt the broker mid-slice; it runs when the broker blocks or
/// its slice ends, and then reads what has piled up. Under load, 1→1 without it fell into
/// trading the core with the broker in 5 of 8 runs (0.1–0.2 context switches and 3.3–3.9 µs of
/// bench CPU per message, 87,000–108,000 msg/s) and with it in none of 8 (0.7–1.1 µs,
/// 118,000–159,000 msg/s). Timing is not affected: the pacing thread (`--rate`) keeps the normal
/// policy. Best effort: where the policy cannot be set, the thread runs as before.
pub fn step_aside() {
    #[cfg(target_os = "linux")]
    {
        /// `struct sched_param`: only the priority, which must be 0 for SCHED_BATCH.
        #[repr(C)]
        struct SchedParam {
            sched_priority: std::ffi::c_int,
        }
        /// `SCHED_BATCH` in Linux's uapi `sched.h`.
        const SCHED_BATCH: std::ffi::c_int = 3;
        unsafe extern "C" {
            fn sched_setscheduler(
                pid: std::ffi::c_int,
                policy: std::ffi::c_int,
                param: *const SchedParam,
            ) -> std::ffi::c_int;
        }
        let param = SchedParam { sched_priority: 0 };
        // SAFETY: pid 0 is the calling thread; `param` outlives the call, which only reads it.
        // SCHED_BATCH needs no privilege; a failure leaves the policy as it was.
        let _ = unsafe { sched_setscheduler(0, SCHED_BATCH, &param) };
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_worker_thread_runs_as_sched_batch() {
        let policy = std::thread::spawn(|| {
            super::step_aside();
            // The policy is field 41 of /proc/thread-self/stat (after the command name).
            let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap();
            let after_name = &stat[stat.rfind(')').unwrap() + 2..];
            after_name.split(' ').nth(41 - 3).unwrap().to_string()
        })
        .join()
        .unwrap();
        assert_eq!(policy, "3", "SCHED_BATCH");
    }

    #[test]
    fn at_least_one_worker() {
        assert!(super::workers() >= 1);
    }
}
