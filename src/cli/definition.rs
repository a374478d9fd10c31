//! The one clap definition of each command, used alike for parsing, `--help`, the man pages and the
//! shell completions, and the top-level `mqtk` command that lists them.

use std::path::PathBuf;

use clap::{ArgAction, Args};

use super::{bench, publish, retain_clear, rr, subscribe};
use crate::personality::{COMMANDS, Command};

/// `--help` and `--version`, long only: `-h` is the host and `-V` the protocol version.
fn help_and_version(cmd: clap::Command) -> clap::Command {
    cmd.disable_help_flag(true)
        .disable_version_flag(true)
        .arg(
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

/// A command's flags and help, named by its word (`pub`). Its about line is the doc comment of its
/// flags struct.
pub fn definition(command: Command) -> clap::Command {
    let base = clap::Command::new(command.word())
        .version(env!("CARGO_PKG_VERSION"))
        .args_override_self(true);
    let flags = match command {
        Command::Pub => publish::PubArgs::augment_args(base),
        // The spelling `--message TYPE` is free on sub (on pub it is -m).
        Command::Sub => {
            subscribe::SubArgs::augment_args(base).mut_arg("message_type", |a| a.alias("message"))
        }
        // mosquitto_rr speaks MQTT v5 unless told otherwise.
        Command::Rr => rr::RrArgs::augment_args(base).mut_arg("protocol_version", |a| {
            a.help("MQTT version: 5, 311 or 31 (also mqttv5, mqttv311, mqttv31) [default: 5]")
        }),
        Command::Bench => bench::BenchArgs::augment_args(base),
        Command::RetainClear => retain_clear::RetainClearArgs::augment_args(base),
    };
    help_and_version(flags)
}

/// The `mqtk` command line: every command, and the hidden `generate`.
pub struct Cli;

impl Cli {
    /// The whole tree, for `mqtk --help`, completions, man pages and the definition test.
    pub fn command() -> clap::Command {
        let top = clap::Command::new("mqtk")
            .version(env!("CARGO_PKG_VERSION"))
            .about("A fast MQTT toolkit: publish, subscribe, trace and benchmark")
            .disable_help_subcommand(true)
            .subcommand_required(true)
            .arg_required_else_help(true)
            .subcommands(COMMANDS.iter().map(|names| definition(names.command)))
            .subcommand(
                clap::Command::new("generate")
                    .about("Write shell completions and man pages into a directory")
                    .hide(true)
                    .arg(
                        clap::Arg::new("dir")
                            .value_name("DIR")
                            .required(true)
                            .value_parser(clap::value_parser!(PathBuf))
                            .help("Output directory (completions/ and man/ are created in it)"),
                    ),
            );
        help_and_version(top)
    }
}
