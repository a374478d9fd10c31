//! The process entry point, in place of std's runtime start-up (`#![no_main]` in main.rs).
//!
//! Before `main`, std's start-up asks glibc for the main thread's stack bounds to place its
//! stack-overflow guard, and glibc finds them by reading and parsing /proc/self/maps: with the
//! alternate signal stack it sets up, about a tenth of a one-shot `pub`'s CPU time, on every
//! start (mosquitto_pub does none of it). mqtk keeps the two parts of that start-up it relies on,
//! done here as std does them; a stack overflow is then a plain SIGSEGV instead of a message
//! and SIGABRT, both ending the process.

/// What std's start-up does that mqtk needs: SIGPIPE ignored, so a closed pipe or socket is an
/// EPIPE error where the write happens; descriptors 0-2 open (a closed one becomes /dev/null), so
/// no socket or file opened later takes the number of stdin, stdout or stderr.
pub fn prepare() {
    // SAFETY: setting a signal's disposition to SIG_IGN before any other thread exists.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
    let mut fds = [0, 1, 2].map(|fd| libc::pollfd {
        fd,
        events: 0,
        revents: 0,
    });
    // SAFETY: `fds` is an array of three initialised pollfd structures; a zero timeout.
    let polled = loop {
        match unsafe { libc::poll(fds.as_mut_ptr(), 3, 0) } {
            -1 if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted => {}
            n => break n,
        }
    };
    for pfd in fds {
        let closed = if polled == -1 {
            // poll refused (resource limits): ask each descriptor instead.
            // SAFETY: F_GETFD on a descriptor number only reads its flags.
            unsafe { libc::fcntl(pfd.fd, libc::F_GETFD) == -1 }
        } else {
            pfd.revents & libc::POLLNVAL != 0
        };
        // The lowest free number is the closed one: open takes it.
        // SAFETY: a NUL-terminated path literal.
        if closed && unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDWR) } == -1 {
            // std aborts here too: without /dev/null the descriptor cannot be kept taken.
            std::process::abort();
        }
    }
}
