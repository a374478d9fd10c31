//! mosquitto's argument rules that clap cannot express, applied to argv before clap sees it: whole-word
//! options only (under the mosquitto names), each occurrence checked where it stands (so the first
//! mistake is the one reported), a missing option value reported with mosquitto's message, and `-D`
//! taking three or four values depending on the property (`user-property` has a key and a value).

use std::ffi::OsString;

use clap::Command;

use super::optfile::OptionsFile;
use super::{Personality, properties, resolve};
use crate::exit::Failure;

/// The rules a command's argv is scanned by, as the caller knows them.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    /// Numbers and `-D` values are read as this personality reads them.
    pub personality: Personality,
    /// mosquitto's whole-word rule for argv (the mosquitto names): anything that is not exactly an
    /// option name where an option is expected is an unknown option.
    pub whole_words: bool,
    /// Check each option's value where it stands, as mosquitto_pub does (so of several mistakes the
    /// first one is reported).
    pub check_values: bool,
}

/// One `-D`/`--property` occurrence: its position in argv and its words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertyArg {
    pub position: usize,
    pub words: Vec<String>,
}

/// argv with the `-D` occurrences taken out, and the position of the last `-V`.
#[derive(Debug, Default)]
pub struct Scanned {
    pub args: Vec<OsString>,
    pub properties: Vec<PropertyArg>,
    pub last_version_position: Option<usize>,
}

/// The id of the option of `cmd` an argv word names exactly, and whether it takes a value.
fn lookup<'c>(cmd: &'c Command, word: &str) -> Option<(&'c str, bool)> {
    cmd.get_arguments().find_map(|arg| {
        let short = arg.get_short().map(|c| format!("-{c}"));
        let long = arg.get_long().map(|l| format!("--{l}"));
        let named = short.as_deref() == Some(word) || long.as_deref() == Some(word);
        named.then(|| (arg.get_id().as_str(), arg.get_action().takes_values()))
    })
}

/// mosquitto's text for an option given last, with no value after it.
fn missing_value(word: &str) -> String {
    let what = match word {
        "-t" | "--topic" => "-t argument given but no topic specified",
        "-m" | "--message" => "-m argument given but no message specified",
        "-f" | "--file" => "-f argument given but no file specified",
        "-h" | "--host" => "-h argument given but no host specified",
        "-p" | "--port" => "-p argument given but no port specified",
        "-q" | "--qos" => "-q argument given but no QoS specified",
        "-i" | "--id" => "-i argument given but no id specified",
        "-I" | "--id-prefix" => "-I argument given but no id prefix specified",
        "-k" | "--keepalive" => "-k argument given but no keepalive specified",
        "-L" | "--url" => "-L argument given but no URL specified",
        "-M" => "-M argument given but max_inflight not specified",
        "-u" | "--username" => "-u argument given but no username specified",
        "-P" | "--pw" => "-P argument given but no password specified",
        "-V" | "--protocol-version" => "--protocol-version argument given but no version specified",
        "-x" => "-x argument given but no session expiry interval specified",
        "-A" => "-A argument given but no address specified",
        "-C" => "-C argument given but no count specified",
        "-F" => "-F argument given but no format specified",
        "-T" | "--filter-out" => "-T argument given but no topic filter specified",
        "-U" | "--unsubscribe" => "-U argument given but no unsubscribe topic specified",
        "-W" => "-W argument given but no timeout specified",
        "--random-filter" => "--random-filter argument given but no chance specified",
        "--repeat" => "--repeat argument given but no count specified",
        "--repeat-delay" => "--repeat-delay argument given but no time specified",
        "--will-payload" => "--will-payload argument given but no will payload specified",
        "--will-qos" => "--will-qos argument given but no will QoS specified",
        "--will-topic" => "--will-topic argument given but no will topic specified",
        "--unix" => "--unix argument given but no socket path specified",
        "--proxy" => "--proxy argument given but no proxy url specified",
        "--cafile" | "--cert" | "--key" => {
            return format!("Error: {word} argument given but no file specified.\n\n");
        }
        "--capath" => "--capath argument given but no directory specified",
        "--ciphers" => "--ciphers argument given but no ciphers specified",
        "--keyform" => "--keyform argument given but no keyform specified",
        "--psk" => "--psk argument given but no key specified",
        "--psk-identity" => "--psk-identity argument given but no identity specified",
        "--tls-alpn" => "--tls-alpn argument given but no protocol specified",
        "--tls-engine" => "--tls-engine argument given but no engine_id specified",
        "--tls-engine-kpass-sha1" => {
            "--tls-engine-kpass-sha1 argument given but no kpass sha1 specified"
        }
        "--tls-version" => "--tls-version argument given but no version specified",
        "--tls-keylog" => "--tls-keylog argument given but no file specified",
        "-e" => "-e argument given but no response topic specified",
        "--retain-handling" => "--retain-handling argument given but no option specified",
        "-o" => "-o argument given but no options file specified",
        other => return format!("Error: {other} argument given but no value specified.\n\n"),
    };
    format!("Error: {what}.\n\n")
}

/// Scans argv (without the program name) as mosquitto does, left to right: each option's value is the
/// next word whatever it looks like, and `--help`/`--version` end the scan. With
/// [`Rules::check_values`] each occurrence is checked as it is met (`-q 3 -q 1` fails on the first
/// `-q`), so that of several mistakes the first one is reported.
///
/// With [`Rules::whole_words`], anything that is not exactly an option name where an option is
/// expected is an unknown option, as in mosquitto: no bundled `-dv`, no `--topic=a`, no `--`.
///
/// An options file's `lines` come first. Each is scanned on its own, as its own argv (an option at the
/// end of a line never takes the next line's or argv's first word), and always strictly: a file line
/// is an exact option name and its value. `-o` in a file is ignored, as in mosquitto 2.1. Conflicts
/// (two message modes, `-i` with `-I`) are checked across file and argv.
pub fn scan(
    cmd: &Command,
    rules: Rules,
    file: &OptionsFile,
    args: Vec<OsString>,
) -> Result<Scanned, Failure> {
    let mut scanner = Scanner {
        cmd,
        rules,
        out: Scanned::default(),
        seen: Seen::default(),
        offset: 0,
    };
    let mosquitto = rules.personality == Personality::Mosquitto;
    for line in &file.lines {
        match scanner.segment(&line.words, true, true) {
            Ok(Flow::Stop) => return Ok(scanner.out),
            Ok(Flow::Continue) => {}
            Err(failure) if mosquitto => return Err(failure),
            Err(failure) => return Err(file.locate(failure, line)),
        }
    }
    scanner.segment(&args, rules.whole_words, false)?;
    Ok(scanner.out)
}

/// Whether scanning goes on after a segment.
#[derive(PartialEq, Eq)]
enum Flow {
    Continue,
    /// `--help` or `--version` was met.
    Stop,
}

/// The scan's state across options-file lines and argv.
struct Scanner<'c> {
    cmd: &'c Command,
    rules: Rules,
    out: Scanned,
    seen: Seen,
    /// Words scanned in earlier segments: positions count across all of them.
    offset: usize,
}

impl Scanner<'_> {
    fn segment(&mut self, args: &[OsString], strict: bool, file: bool) -> Result<Flow, Failure> {
        let personality = self.rules.personality;
        let out = &mut self.out;
        let mut i = 0;
        let flow = loop {
            let Some(arg) = args.get(i) else {
                break Flow::Continue;
            };
            let word = arg.to_string_lossy().into_owned();
            if word == "-D" || word == "--property" {
                let rest = &args[i + 1..];
                if rest.len() < 3 {
                    return Err(Failure::usage(
                        "Error: --property argument given but not enough arguments specified.\n\n",
                    ));
                }
                // A user property has a key and a value; with one word short, parsing reports it
                // after checking the command and property names.
                let is_pair = rest[1]
                    .to_string_lossy()
                    .eq_ignore_ascii_case("user-property");
                let count = if is_pair { rest.len().min(4) } else { 3 };
                let words = rest[..count]
                    .iter()
                    .map(|w| w.to_string_lossy().into_owned())
                    .collect();
                let property = PropertyArg {
                    position: self.offset + i,
                    words,
                };
                properties::parse_one(&property, personality)?;
                out.properties.push(property);
                i += 1 + count;
                continue;
            }
            let Some((id, takes_value)) = lookup(self.cmd, &word) else {
                if strict {
                    return Err(Failure::usage(format!("Error: Unknown option '{word}'.\n")));
                }
                // clap decides.
                out.args.push(arg.clone());
                i += 1;
                continue;
            };
            self.seen.before_value(id)?;
            if id == "help" || id == "version" {
                // Parsing stops here, as in mosquitto: later words are not looked at.
                out.args.push(arg.clone());
                break Flow::Stop;
            }
            if !takes_value {
                out.args.push(arg.clone());
                i += 1;
                continue;
            }
            let Some(value) = args.get(i + 1) else {
                return Err(Failure::usage(missing_value(&word)));
            };
            if id == "options_file" && file {
                // Already found in argv (mosquitto 2.1 skips it in a file).
                i += 2;
                continue;
            }
            if self.rules.check_values {
                resolve::check_value(personality, id, value)?;
            }
            if id == "protocol_version" {
                out.last_version_position = Some(self.offset + i);
            }
            out.args.push(arg.clone());
            out.args.push(value.clone());
            i += 2;
        };
        self.offset += args.len();
        Ok(flow)
    }
}

/// The options whose mere presence can conflict with an earlier one.
#[derive(Default)]
struct Seen {
    message_mode: bool,
    id: bool,
    id_prefix: bool,
}

impl Seen {
    /// mosquitto checks these conflicts before it looks for the option's value.
    fn before_value(&mut self, id: &str) -> Result<(), Failure> {
        const ONE_TYPE: &str = "Error: Only one type of message can be sent at once.\n\n";
        const BOTH_IDS: &str = "Error: -i and -I argument cannot be used together.\n\n";
        let conflict = match id {
            "message" | "file" | "stdin_file" | "stdin_line" | "null_message" => {
                std::mem::replace(&mut self.message_mode, true).then_some(ONE_TYPE)
            }
            "id" => {
                self.id = true;
                self.id_prefix.then_some(BOTH_IDS)
            }
            "id_prefix" => {
                self.id_prefix = true;
                self.id.then_some(BOTH_IDS)
            }
            _ => None,
        };
        match conflict {
            Some(text) => Err(Failure::usage(text)),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::personality;

    /// The command and rules a program name stands for (`mqtk pub` as `mqtk-pub`).
    fn command_and_rules(name: &str) -> (clap::Command, Rules) {
        let (command, personality) =
            personality::of_program(&name.replace(' ', "-")).expect("a program name");
        let rules = super::super::rules(command, personality);
        (super::super::definition::definition(command), rules)
    }

    fn scan_as(name: &str, words: &[&str]) -> Result<Scanned, Failure> {
        let (cmd, rules) = command_and_rules(name);
        let none = OptionsFile::default();
        scan(
            &cmd,
            rules,
            &none,
            words.iter().map(OsString::from).collect(),
        )
    }

    fn scan_file(name: &str, file: &[&[&str]], words: &[&str]) -> Result<Scanned, Failure> {
        let (cmd, rules) = command_and_rules(name);
        let os = |w: &[&str]| w.iter().map(OsString::from).collect::<Vec<_>>();
        let file = OptionsFile {
            path: None,
            lines: file
                .iter()
                .enumerate()
                .map(|(i, l)| super::super::optfile::Line {
                    number: i + 1,
                    words: os(l),
                })
                .collect(),
        };
        scan(&cmd, rules, &file, os(words))
    }

    fn error(name: &str, words: &[&str]) -> String {
        scan_as(name, words).unwrap_err().text
    }

    #[test]
    fn whole_words_only() {
        for word in ["-dr", "--qos=1", "-q1", "topic", "--"] {
            assert_eq!(
                error("mosquitto_pub", &["-t", "a", word]),
                format!("Error: Unknown option '{word}'.\n")
            );
        }
    }

    #[test]
    fn the_first_mistake_is_reported() {
        let qos = "Error: Invalid QoS given: 3\n";
        assert_eq!(error("mosquitto_pub", &["-q", "3", "--bogus"]), qos);
        assert_eq!(error("mosquitto_pub", &["-q", "3", "-q", "1"]), qos);
        assert_eq!(
            error("mosquitto_pub", &["-n", "-m"]),
            "Error: Only one type of message can be sent at once.\n\n"
        );
        assert_eq!(
            error("mosquitto_pub", &["-i", "x", "-I"]),
            "Error: -i and -I argument cannot be used together.\n\n"
        );
    }

    #[test]
    fn help_stops_the_scan() {
        let scanned = scan_as("mosquitto_pub", &["--help", "--bogus", "-q"]).unwrap();
        assert_eq!(scanned.args, ["--help"]);
    }

    #[test]
    fn numbers_follow_the_personality() {
        assert!(scan_as("mosquitto_pub", &["-q", "1x"]).is_ok());
        assert!(scan_as("mqtk pub", &["-q", "1x"]).is_err());
        assert!(scan_as("mqtk-pub", &["-q", "1x"]).is_err());
    }

    #[test]
    fn values_are_checked_for_pub_only() {
        assert!(scan_as("mosquitto_sub", &["-t", "a/#", "-q", "1"]).is_ok());
        assert_eq!(
            scan_as("mosquitto_sub", &["-t", "a", "-dv"])
                .unwrap_err()
                .text,
            "Error: Unknown option '-dv'.\n"
        );
    }

    #[test]
    fn each_file_line_is_scanned_on_its_own() {
        for name in ["mosquitto_pub", "mqtk pub"] {
            // `-p` alone on a line does not take the first argv word.
            assert_eq!(
                scan_file(name, &[&["-p"]], &["1883", "-t", "a", "-m", "x"])
                    .unwrap_err()
                    .text,
                "Error: -p argument given but no port specified.\n\n",
                "{name}"
            );
            // A -D line is two words: never enough, and argv's words are not borrowed.
            assert_eq!(
                scan_file(
                    name,
                    &[&["-D", "publish user-property a b"]],
                    &["c", "d", "e"]
                )
                .unwrap_err()
                .text,
                "Error: --property argument given but not enough arguments specified.\n\n",
                "{name}"
            );
            // A flag with a value on its line: the value is not an option.
            assert_eq!(
                scan_file(name, &[&["-r", "yes"]], &[]).unwrap_err().text,
                "Error: Unknown option 'yes'.\n",
                "{name}"
            );
            // File lines are exact option names, under mqtk too.
            assert_eq!(
                scan_file(name, &[&["--qos=1"]], &[]).unwrap_err().text,
                "Error: Unknown option '--qos=1'.\n",
                "{name}"
            );
        }
        let scanned = scan_file(
            "mqtk pub",
            &[&["-h", "broker"], &["-o", "ignored"], &["-V", "5"]],
            &["-D", "publish", "user-property", "k", "v", "-t", "a"],
        )
        .unwrap();
        assert_eq!(
            scanned.args,
            ["-h", "broker", "-V", "5", "-t", "a"].map(OsString::from)
        );
        // Positions count file words too: the -D in argv comes after the file's -V.
        assert_eq!(scanned.last_version_position, Some(4));
        assert_eq!(scanned.properties[0].position, 6);
    }

    #[test]
    fn conflicts_span_file_and_argv() {
        assert_eq!(
            scan_file("mosquitto_pub", &[&["-m", "from file"]], &["-n"])
                .unwrap_err()
                .text,
            "Error: Only one type of message can be sent at once.\n\n"
        );
        assert_eq!(
            scan_file("mqtk sub", &[&["-i", "x"]], &["-I", "p"])
                .unwrap_err()
                .text,
            "Error: -i and -I argument cannot be used together.\n\n"
        );
    }
}
