//! Command-line definitions (clap types live here only) and their translation into the plain config
//! structs commands receive.
//!
//! Every command takes the same road: argv[0] or the word after `mqtk` → (command, personality) →
//! options file → the argv scan (mosquitto's rules, `-D`, per-value checks) → the command's one clap
//! definition → `resolve::<command>` → a plain config struct.
//!
//! House rules: explicit `short = 'x'` letters with mosquitto's meanings, implicit long names,
//! UPPERCASE value names, help and version long-only (`-h` is the host, `-V` the protocol version).

mod argv;
pub mod bench;
pub mod conn;
mod definition;
mod first_run;
#[cfg(test)]
mod flag_walk;
#[cfg(test)]
mod fuzz;
pub mod json_output;
mod numbers;
mod optfile;
pub mod payload;
mod printing;
mod properties;
pub mod publish;
mod resolve;
pub mod retain_clear;
pub mod rr;
mod scanned;
pub mod schema;
mod seconds;
pub mod subscribe;
mod subscription;

use std::ffi::OsString;
use std::path::PathBuf;

use crate::exit::{Code, Failure};
use crate::personality::{self, Command};
use optfile::DefaultFile;

pub use crate::personality::Personality;
pub use definition::Cli;
pub use first_run::hint;

/// What the command line asks for, ready to run.
#[derive(Debug)]
pub enum Request {
    Publish(resolve::PublishRequest),
    Subscribe(resolve::SubscribeRequest),
    Rr(resolve::RrRequest),
    Bench(crate::cmd::bench::Config),
    RetainClear(resolve::RetainClearRequest),
    Generate(PathBuf),
    /// Print text on stdout and exit (help, version).
    Print {
        text: String,
        status: u8,
    },
}

impl Request {
    /// The connection options of a request that connects to a broker.
    pub fn conn(&self) -> Option<&crate::conn::Options> {
        match self {
            Request::Publish(r) => Some(&r.conn),
            Request::Subscribe(r) => Some(&r.conn),
            Request::Rr(r) => Some(&r.conn),
            Request::RetainClear(r) => Some(&r.conn),
            Request::Bench(c) => Some(&c.conn),
            Request::Generate(_) | Request::Print { .. } => None,
        }
    }
}

/// A parsed command line: the request and who asked for it.
#[derive(Debug)]
pub struct Invocation {
    pub request: Request,
    pub personality: Personality,
    /// The program name usage hints use (`mosquitto_pub`, `mqtk pub`).
    pub program: String,
}

/// The argv scan's rules for a command under a personality.
fn rules(command: Command, personality: Personality) -> argv::Rules {
    argv::Rules {
        personality,
        whole_words: personality == Personality::Mosquitto,
        // mosquitto_pub and mosquitto_rr check each value as they parse it; the other commands
        // check values once parsing is done.
        check_values: matches!(command, Command::Pub | Command::Rr),
    }
}

/// The options file a command reads before argv under `personality`.
fn options_file(command: Command, personality: Personality) -> DefaultFile {
    let names = command.names();
    match (personality, names.mosquitto) {
        (Personality::Mosquitto, Some(program)) => DefaultFile::Mosquitto(program),
        _ => DefaultFile::Mqtk(names.word),
    }
}

/// Resolves a command's parsed flags into its request.
fn resolve(command: Command, parsed: &resolve::Parsed) -> Result<Request, Failure> {
    match command {
        Command::Pub => resolve::publish(parsed).map(Request::Publish),
        Command::Sub => resolve::subscribe(parsed).map(Request::Subscribe),
        Command::Rr => resolve::rr(parsed).map(Request::Rr),
        Command::Bench => resolve::bench(parsed).map(Request::Bench),
        Command::RetainClear => resolve::retain_clear(parsed).map(Request::RetainClear),
    }
}

/// Maps a clap error to mosquitto's message, or to help/version output.
fn clap_failure(
    err: clap::Error,
    personality: Personality,
    program: &str,
) -> Result<Request, Failure> {
    use clap::error::{ContextKind, ErrorKind};
    // mosquitto's --help and --version exit 1; under mqtk they succeed.
    let status = match personality {
        Personality::Mosquitto => Code::Error.number(),
        Personality::Mqtk => Code::Success.number(),
    };
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            Ok(Request::Print {
                text: err.render().to_string(),
                status,
            })
        }
        ErrorKind::DisplayVersion => {
            let text = match personality {
                Personality::Mosquitto => {
                    format!(
                        "{program} version 2.1.2 (mqtk {}) running on mqtk.\n",
                        env!("CARGO_PKG_VERSION")
                    )
                }
                Personality::Mqtk => format!("mqtk {}\n", env!("CARGO_PKG_VERSION")),
            };
            Ok(Request::Print { text, status })
        }
        ErrorKind::UnknownArgument | ErrorKind::InvalidSubcommand => {
            let arg = match err
                .get(ContextKind::InvalidArg)
                .or_else(|| err.get(ContextKind::InvalidSubcommand))
            {
                Some(clap::error::ContextValue::String(s)) => s.clone(),
                _ => String::new(),
            };
            Err(Failure::usage(format!("Error: Unknown option '{arg}'.\n")))
        }
        _ => {
            let text = err.render().to_string();
            let first = text
                .lines()
                .next()
                .unwrap_or("invalid arguments")
                .trim_start_matches("error: ");
            Err(Failure::usage(format!("Error: {first}\n")))
        }
    }
}

/// Parses one command's arguments (everything after `mqtk pub`, or after `mosquitto_pub`).
fn parse_command(
    command: Command,
    personality: Personality,
    program: &str,
    args: Vec<OsString>,
) -> Result<Request, Failure> {
    let explicit = optfile::prescan(&args)?;
    let file = optfile::load(explicit.as_ref(), options_file(command, personality))?;
    // Help and usage name the program as it was called.
    let cmd = definition::definition(command).name(program.to_string().leak() as &'static str);
    let scanned = argv::scan(&cmd, rules(command, personality), &file, args)?;
    let mut argv = vec![OsString::from(program)];
    argv.extend(scanned.args.iter().cloned());
    let matches = match cmd.clone().try_get_matches_from(argv) {
        Ok(m) => m,
        Err(e) => return clap_failure(e, personality, program),
    };
    options_file_seen(
        explicit.as_ref(),
        matches.get_one::<PathBuf>("options_file"),
    )?;
    let usage = || cmd.clone().render_help().to_string();
    let parsed = resolve::Parsed {
        matches: &matches,
        scanned: &scanned,
        personality,
        usage: &usage,
    };
    resolve(command, &parsed)
}

/// `-o` is found by a pre-scan of argv for the word `-o` (as in mosquitto 2.1); clap also accepts forms
/// the pre-scan cannot see (`-oFILE`, `-do FILE`) and that would leave the file unread.
fn options_file_seen(
    prescanned: Option<&OsString>,
    parsed: Option<&PathBuf>,
) -> Result<(), Failure> {
    match (parsed, prescanned) {
        (Some(parsed), Some(found)) if parsed.as_os_str() == found => Ok(()),
        (None, None) => Ok(()),
        _ => Err(Failure::usage(
            "Error: -o must be a word of its own, followed by the options file: -o FILE.\n",
        )),
    }
}

/// `mqtk` without a command word: help, version, `generate`, or an unknown command.
fn parse_top(rest: Vec<OsString>) -> Result<Request, Failure> {
    let mut argv = vec![OsString::from("mqtk")];
    argv.extend(rest);
    match Cli::command().try_get_matches_from(argv) {
        Ok(m) => match m
            .subcommand_matches("generate")
            .and_then(|g| g.get_one::<PathBuf>("dir"))
        {
            Some(dir) => Ok(Request::Generate(dir.clone())),
            None => Err(Failure::usage("Error: no command given.\n")),
        },
        Err(e) => clap_failure(e, Personality::Mqtk, "mqtk"),
    }
}

/// Parses the whole command line, argv[0] included. The error comes with the program name its usage
/// hint names.
pub fn parse(args: Vec<OsString>) -> Result<Invocation, (Failure, String)> {
    let mut args = args.into_iter();
    let argv0 = args.next().unwrap_or_else(|| OsString::from("mqtk"));
    let rest: Vec<OsString> = args.collect();
    let file_name = std::path::Path::new(&argv0)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let by_name = personality::of_program(file_name.strip_suffix(".exe").unwrap_or(&file_name));
    let (command, personality, program, rest) = match by_name {
        Some((command, personality)) => (command, personality, file_name, rest),
        None => match rest
            .first()
            .and_then(|w| w.to_str())
            .and_then(Command::from_word)
        {
            Some(command) => (
                command,
                Personality::Mqtk,
                format!("mqtk {}", command.word()),
                rest[1..].to_vec(),
            ),
            None => {
                let program = "mqtk".to_string();
                return match parse_top(rest) {
                    Ok(request) => Ok(Invocation {
                        request,
                        personality: Personality::Mqtk,
                        program,
                    }),
                    Err(f) => Err((f, program)),
                };
            }
        },
    };
    match parse_command(command, personality, &program, rest) {
        Ok(request) => Ok(Invocation {
            request,
            personality,
            program,
        }),
        Err(f) => Err((f, program)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::personality::COMMANDS;

    #[test]
    fn cli_definition_is_valid() {
        Cli::command().debug_assert();
        for names in &COMMANDS {
            definition::definition(names.command).debug_assert();
        }
    }
}
