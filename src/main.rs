//! mqtk: parse (argv[0] or the command word picks the command; see `cli`) → runtime → run → report
//! the error (with the first-run hint) → exit code. On glibc Linux the entry point is `start`'s
//! (std's runtime start-up reads /proc/self/maps on every start; see there); the unit tests keep
//! the test harness's own `main`, other targets std's.
#![cfg_attr(all(not(test), target_os = "linux", target_env = "gnu"), no_main)]

mod cli;
mod cmd;
mod conn;
mod decode;
mod doc;
mod exit;
mod format;
mod generate;
mod jsonpath;
mod personality;
#[cfg(all(not(test), target_os = "linux", target_env = "gnu"))]
mod start;
mod trace;

use std::io::{IsTerminal, Write};

use cli::Request;
use exit::Failure;

/// Prints a failure as mosquitto does: its text, then the usage hint for usage errors.
fn report(failure: &Failure, program: &str, quiet: bool) {
    if !failure.stdout.is_empty() {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(failure.stdout.as_bytes());
        let _ = out.flush();
    }
    if quiet && !failure.usage {
        return;
    }
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(failure.text.as_bytes());
    if failure.usage {
        let _ = write!(err, "\nUse '{program} --help' to see usage.\n");
    }
}

fn run(request: Request) -> Result<u8, Failure> {
    // One thread wherever the polling task and the command hand every packet to each other: sub,
    // one-shot pub (fewer context switches) and pub -l at every QoS. With rumqttc writing the queued
    // requests together, pub -l on one thread uses about a third less CPU per message than on the
    // multi-threaded runtime at QoS 1 and 2 and makes no futex calls (tests/bench/pub.sh reports the
    // CPU per message), which leaves the second core to the broker. Only the bench drives many connections on many threads.
    let mut builder = match &request {
        Request::Bench(_) => {
            let mut builder = tokio::runtime::Builder::new_multi_thread();
            builder.on_thread_start(cmd::bench::step_aside);
            // tokio's own override, for experiments, stays in force.
            if std::env::var_os("TOKIO_WORKER_THREADS").is_none() {
                builder.worker_threads(cmd::bench::workers());
            }
            builder
        }
        _ => tokio::runtime::Builder::new_current_thread(),
    };
    let runtime = builder.enable_all().build().map_err(|e| {
        Failure::code(
            exit::Code::Error,
            format!("Error: cannot start the runtime: {e}\n"),
        )
    })?;
    match request {
        Request::Publish(req) => {
            runtime.block_on(cmd::publish::run(req.conn, req.config, req.personality))
        }
        Request::Subscribe(req) => runtime.block_on(cmd::subscribe::run(req.conn, req.config)),
        Request::Rr(req) => runtime.block_on(cmd::rr::run(req.conn, req.config)),
        Request::Bench(config) => runtime.block_on(cmd::bench::run(config)),
        Request::RetainClear(req) => runtime.block_on(cmd::retain_clear::run(req.conn, req.config)),
        Request::Generate(dir) => generate::write_all(&dir)
            .map(|()| 0)
            .map_err(|e| Failure::code(exit::Code::Error, format!("mqtk: error: {e:#}\n"))),
        Request::Print { text, status } => {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(text.as_bytes());
            Ok(status)
        }
    }
}

/// The C entry point, called by glibc's start-up: std's runtime start-up is skipped (see `start`),
/// its exit path is not. Only where std reads the arguments without its start-up (glibc hands
/// them to an `.init_array` function std registers).
#[cfg(all(not(test), target_os = "linux", target_env = "gnu"))]
#[unsafe(no_mangle)]
extern "C" fn main(_argc: libc::c_int, _argv: *const *const libc::c_char) -> libc::c_int {
    start::prepare();
    // A panic ends the process with 101 after its message, as it would from std's `main`.
    let status = std::panic::catch_unwind(mqtk).unwrap_or(101);
    // std's exit flushes stdout, as returning from std's `main` does.
    std::process::exit(i32::from(status))
}

/// std's entry point elsewhere.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(mqtk())
}

/// mqtk itself; returns the exit status.
#[cfg_attr(test, allow(dead_code))]
fn mqtk() -> u8 {
    // Colour only on a terminal, and never when NO_COLOR is set (decided once, for all output).
    let colour = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    colored::control::set_override(colour);
    let args: Vec<_> = std::env::args_os().collect();
    let invocation = match cli::parse(args) {
        Ok(invocation) => invocation,
        Err((failure, program)) => {
            report(&failure, &program, false);
            return failure.status;
        }
    };
    let quiet = invocation.request.conn().is_some_and(|c| c.quiet);
    let hint = cli::hint(&invocation);
    match run(invocation.request) {
        Ok(status) => status,
        Err(failure) => {
            let failure = hint(failure);
            report(&failure, &invocation.program, quiet);
            failure.status
        }
    }
}
