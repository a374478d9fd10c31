//! Command-line definitions (clap types live here only) and their translation into the plain config
//! structs commands receive.
//!
//! House rules: explicit `short = 'x'` letters with mosquitto's meanings, implicit long names,
//! UPPERCASE value names, help and version long-only (`-h` is the host, `-V` the protocol version).

mod argv;
pub mod bench;
pub mod conn;
#[cfg(test)]
mod fuzz;
mod numbers;
mod optfile;
mod properties;
pub mod publish;
mod resolve;
pub mod retain_clear;
mod seconds;
pub mod subscribe;

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{ArgAction, CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::exit::Failure;
use optfile::DefaultFile;

pub use crate::personality::Personality;

/// The subcommand an alias stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alias {
    Pub,
    Sub,
}

impl Alias {
    /// mosquitto's program name for this command (also the name of its options file).
    fn mosquitto_name(self) -> &'static str {
        match self {
            Alias::Pub => "mosquitto_pub",
            Alias::Sub => "mosquitto_sub",
        }
    }

    /// The options file read before argv under `personality`.
    fn options_file(self, personality: Personality) -> DefaultFile {
        match (personality, self) {
            (Personality::Mosquitto, _) => DefaultFile::Mosquitto(self.mosquitto_name()),
            (Personality::Mqtk, Alias::Pub) => DefaultFile::Mqtk("pub"),
            (Personality::Mqtk, Alias::Sub) => DefaultFile::Mqtk("sub"),
        }
    }
}

/// Decides behaviour from the program name: `mosquitto_pub`/`mqtk-pub` are `mqtk pub`.
pub fn alias_of(argv0: &std::ffi::OsStr) -> Option<(Alias, Personality)> {
    let name = std::path::Path::new(argv0)
        .file_name()?
        .to_string_lossy()
        .into_owned();
    let name = name.strip_suffix(".exe").unwrap_or(&name);
    match name {
        "mosquitto_pub" => Some((Alias::Pub, Personality::Mosquitto)),
        "mqtk-pub" => Some((Alias::Pub, Personality::Mqtk)),
        "mosquitto_sub" => Some((Alias::Sub, Personality::Mosquitto)),
        "mqtk-sub" => Some((Alias::Sub, Personality::Mqtk)),
        _ => None,
    }
}

/// mqtk: a fast MQTT toolkit for the command line.
#[derive(Debug, Parser)]
#[command(
    name = "mqtk",
    version,
    about = "A fast MQTT toolkit: publish, subscribe, trace and benchmark",
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    subcommand_required = true,
    arg_required_else_help = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: TopCommand,

    /// Print help
    #[arg(long, action = ArgAction::Help, global = true)]
    help: Option<bool>,

    /// Print version
    #[arg(long, action = ArgAction::Version)]
    version: Option<bool>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum TopCommand {
    /// Publish messages (drop-in for mosquitto_pub)
    #[command(
        name = "pub",
        args_override_self = true,
        disable_help_flag = true,
        disable_version_flag = true
    )]
    Pub(publish::PubArgs),

    /// Subscribe and print messages (drop-in for mosquitto_sub, plus JSONPath and NDJSON)
    #[command(
        name = "sub",
        args_override_self = true,
        disable_help_flag = true,
        disable_version_flag = true
    )]
    Sub(subscribe::SubArgs),

    /// Benchmark a broker: throughput, latency percentiles, loss
    #[command(args_override_self = true)]
    Bench(bench::BenchArgs),

    /// Find retained messages under topic filters and clear them safely
    #[command(name = "retain-clear", args_override_self = true)]
    RetainClear(retain_clear::RetainClearArgs),

    /// Write shell completions and man pages into a directory
    #[command(hide = true)]
    Generate {
        /// Output directory (completions/ and man/ are created in it)
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
}

/// What the command line asks for, ready to run.
#[derive(Debug)]
pub enum Request {
    Publish(resolve::PublishRequest),
    Subscribe(resolve::SubscribeRequest),
    Bench(crate::bench::Config),
    RetainClear(retain_clear::RetainClearRequest),
    Generate(PathBuf),
    /// Print text on stdout and exit (help, version).
    Print {
        text: String,
        status: u8,
    },
}

/// The clap command for an alias under a given program name, with `--help`/`--version` long-only.
fn alias_command(alias: Alias, name: &str) -> clap::Command {
    let base = clap::Command::new(name.to_string().leak() as &'static str)
        .version(env!("CARGO_PKG_VERSION"))
        .disable_help_flag(true)
        .disable_version_flag(true)
        .args_override_self(true);
    let cmd = match alias {
        Alias::Pub => publish::PubArgs::augment_args(
            base.about("Publish MQTT messages (mosquitto_pub compatible)"),
        ),
        Alias::Sub => subscribe::SubArgs::augment_args(
            base.about("Subscribe to MQTT topics (mosquitto_sub compatible)"),
        ),
    };
    cmd.arg(
        clap::Arg::new("help")
            .long("help")
            .action(ArgAction::Help)
            .help("Print help"),
    )
    .arg(
        clap::Arg::new("version")
            .long("version")
            .action(ArgAction::Version)
            .help("Print version"),
    )
}

use clap::Args as _;

/// Maps a clap error to mosquitto's message, or to help/version output.
fn clap_failure(
    err: clap::Error,
    personality: Personality,
    program: &str,
) -> Result<Request, Failure> {
    use clap::error::{ContextKind, ErrorKind};
    // mosquitto's --help and --version exit 1; under mqtk they succeed.
    let status = match personality {
        Personality::Mosquitto => 1,
        Personality::Mqtk => 0,
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
                        "{program} version 2.0.11 (mqtk {}) running on mqtk.\n",
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

/// Parses an alias's arguments (everything after `pub`/`sub`, or after `mosquitto_pub`/`mosquitto_sub`).
fn parse_alias(
    alias: Alias,
    args: Vec<OsString>,
    personality: Personality,
    program: &str,
) -> Result<Request, Failure> {
    let explicit = optfile::prescan(&args)?;
    let file = optfile::load(explicit.as_ref(), alias.options_file(personality))?;
    let cmd = alias_command(alias, program);
    let strict = personality == Personality::Mosquitto;
    let scanned = argv::scan(&cmd, &file, args, strict)?;
    let mut argv = vec![OsString::from(program)];
    argv.extend(scanned.args.iter().cloned());
    let matches = match cmd.clone().try_get_matches_from(argv) {
        Ok(m) => m,
        Err(e) => return clap_failure(e, personality, program),
    };
    let bad = |e: clap::Error| Failure::usage(format!("Error: {e}\n"));
    match alias {
        Alias::Pub => {
            let parsed = publish::PubArgs::from_arg_matches(&matches).map_err(bad)?;
            options_file_seen(explicit.as_ref(), &parsed.conn)?;
            // Rendering the help costs more than the rest of a one-shot publish: only when needed.
            let usage = || cmd.clone().render_help().to_string();
            resolve::publish(parsed, &matches, &scanned, personality, usage).map(Request::Publish)
        }
        Alias::Sub => {
            let parsed = subscribe::SubArgs::from_arg_matches(&matches).map_err(bad)?;
            options_file_seen(explicit.as_ref(), &parsed.conn)?;
            resolve::subscribe(parsed, &matches, &scanned, personality).map(Request::Subscribe)
        }
    }
}

/// `-o` is found by a pre-scan of argv for the word `-o` (as in mosquitto 2.1); clap also accepts forms
/// the pre-scan cannot see (`-oFILE`, `-do FILE`) and that would leave the file unread.
fn options_file_seen(prescanned: Option<&OsString>, conn: &conn::ConnArgs) -> Result<(), Failure> {
    match (&conn.options_file, prescanned) {
        (Some(parsed), Some(found)) if parsed.as_os_str() == found => Ok(()),
        (None, None) => Ok(()),
        _ => Err(Failure::usage(
            "Error: -o must be a word of its own, followed by the options file: -o FILE.\n",
        )),
    }
}

/// `mqtk bench`'s argv with its options file in front: each line checked on its own (as for pub and
/// sub), then clap parses the whole. Also returns the `-o` file found.
fn bench_argv(args: &[OsString]) -> Result<(Vec<OsString>, Option<OsString>), Failure> {
    let explicit = optfile::prescan(args)?;
    let file = optfile::load(explicit.as_ref(), DefaultFile::Mqtk("bench"))?;
    let definitions = bench::BenchArgs::augment_args(clap::Command::new("bench"));
    let scanned = argv::scan(&definitions, &file, Vec::new(), false)?;
    let mut argv = vec![OsString::from("mqtk"), OsString::from("bench")];
    argv.extend(scanned.args);
    argv.extend(args.iter().cloned());
    Ok((argv, explicit))
}

/// Parses the whole command line, argv[0] included.
pub fn parse(args: Vec<OsString>) -> Result<(Request, Personality, String), (Failure, String)> {
    let argv0 = args
        .first()
        .cloned()
        .unwrap_or_else(|| OsString::from("mqtk"));
    let rest: Vec<OsString> = args.into_iter().skip(1).collect();
    if let Some((alias, personality)) = alias_of(&argv0) {
        let program = std::path::Path::new(&argv0)
            .file_name()
            .map_or(alias.mosquitto_name().into(), |n| {
                n.to_string_lossy().into_owned()
            });
        return match parse_alias(alias, rest, personality, &program) {
            Ok(req) => Ok((req, personality, program)),
            Err(f) => Err((f, program)),
        };
    }
    // `mqtk pub …` / `mqtk sub …`: everything after the subcommand goes to the same parser as the alias.
    let sub = match rest.first().and_then(|a| a.to_str()) {
        Some("pub") => Some(Alias::Pub),
        Some("sub") => Some(Alias::Sub),
        _ => None,
    };
    if let Some(alias) = sub {
        let program = format!("mqtk {}", if alias == Alias::Pub { "pub" } else { "sub" });
        return match parse_alias(alias, rest[1..].to_vec(), Personality::Mqtk, &program) {
            Ok(req) => Ok((req, Personality::Mqtk, program)),
            Err(f) => Err((f, program)),
        };
    }
    // -D needs mosquitto's pre-scan (three or four words), so retain-clear is parsed on its own.
    if rest.first().and_then(|a| a.to_str()) == Some("retain-clear") {
        let program = "mqtk retain-clear".to_string();
        return match retain_clear::parse(rest[1..].to_vec(), &program) {
            Ok(req) => Ok((req, Personality::Mqtk, program)),
            Err(f) => Err((f, program)),
        };
    }
    let is_bench = rest.first().and_then(|a| a.to_str()) == Some("bench");
    let (argv, explicit) = if is_bench {
        bench_argv(&rest[1..]).map_err(|f| (f, "mqtk bench".to_string()))?
    } else {
        let mut argv = vec![OsString::from("mqtk")];
        argv.extend(rest);
        (argv, None)
    };
    // Usage hints name the subcommand the user typed.
    let program = if is_bench { "mqtk bench" } else { "mqtk" }.to_string();
    match Cli::command().try_get_matches_from(argv) {
        Ok(m) => match Cli::from_arg_matches(&m).map(|c| c.command) {
            Ok(TopCommand::Generate { dir }) => {
                Ok((Request::Generate(dir), Personality::Mqtk, program))
            }
            Ok(TopCommand::Bench(args)) => {
                let program = "mqtk bench".to_string();
                let sub = m.subcommand_matches("bench").unwrap_or(&m);
                let resolved = options_file_seen(explicit.as_ref(), &args.conn)
                    .and_then(|()| resolve::bench(args, sub));
                match resolved {
                    Ok(cfg) => Ok((Request::Bench(cfg), Personality::Mqtk, program)),
                    Err(f) => Err((f, program)),
                }
            }
            Ok(TopCommand::Pub(_) | TopCommand::Sub(_) | TopCommand::RetainClear(_)) => {
                unreachable!("handled above")
            }
            Err(e) => Err((Failure::usage(format!("Error: {e}\n")), program)),
        },
        Err(e) => match clap_failure(e, Personality::Mqtk, &program) {
            Ok(req) => Ok((req, Personality::Mqtk, program)),
            Err(f) => Err((f, program)),
        },
    }
}

/// The full clap command tree, for completions, man pages and the definition test.
pub fn command() -> clap::Command {
    Cli::command()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_definition_is_valid() {
        Cli::command().debug_assert();
        alias_command(Alias::Pub, "mosquitto_pub").debug_assert();
        alias_command(Alias::Sub, "mosquitto_sub").debug_assert();
    }

    #[test]
    fn aliases() {
        assert_eq!(
            alias_of("/usr/bin/mosquitto_pub".as_ref()),
            Some((Alias::Pub, Personality::Mosquitto))
        );
        assert_eq!(
            alias_of("mqtk-pub".as_ref()),
            Some((Alias::Pub, Personality::Mqtk))
        );
        assert_eq!(alias_of("mqtk".as_ref()), None);
        assert_eq!(alias_of("something".as_ref()), None);
    }
}
