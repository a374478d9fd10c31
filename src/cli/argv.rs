//! mosquitto's argument rules that clap cannot express, applied to argv before clap sees it:
//! a missing option value is reported with mosquitto's message, and `-D` takes three or four values
//! depending on the property (`user-property` has a key and a value).

use std::ffi::OsString;

use clap::Command;

use crate::exit::Failure;

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

/// Whether an argv word names an option of `cmd` that takes a value.
fn takes_value(cmd: &Command, word: &str) -> Option<bool> {
    cmd.get_arguments().find_map(|arg| {
        let short = arg.get_short().map(|c| format!("-{c}"));
        let long = arg.get_long().map(|l| format!("--{l}"));
        let named = short.as_deref() == Some(word) || long.as_deref() == Some(word);
        named.then(|| arg.get_action().takes_values())
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
        other => return format!("Error: {other} argument given but no value specified.\n\n"),
    };
    format!("Error: {what}.\n\n")
}

/// Scans argv (without the program name) as mosquitto does: left to right, each option's value is
/// the next word whatever it looks like.
pub fn scan(cmd: &Command, args: Vec<OsString>) -> Result<Scanned, Failure> {
    let mut out = Scanned::default();
    let mut i = 0;
    while i < args.len() {
        let word = args[i].to_string_lossy().into_owned();
        if word == "-D" || word == "--property" {
            let rest = &args[i + 1..];
            let needed = match rest
                .get(1)
                .map(|w| w.to_string_lossy().to_ascii_lowercase())
            {
                Some(name) if name == "user-property" => 4,
                _ => 3,
            };
            if rest.len() < needed {
                return Err(Failure::usage(
                    "Error: --property argument given but not enough arguments specified.\n\n",
                ));
            }
            let words = rest[..needed]
                .iter()
                .map(|w| w.to_string_lossy().into_owned())
                .collect();
            out.properties.push(PropertyArg { position: i, words });
            i += 1 + needed;
            continue;
        }
        match takes_value(cmd, &word) {
            Some(true) => {
                if i + 1 >= args.len() {
                    return Err(Failure::usage(missing_value(&word)));
                }
                if word == "-V" || word == "--protocol-version" {
                    out.last_version_position = Some(i);
                }
                out.args.push(args[i].clone());
                out.args.push(args[i + 1].clone());
                i += 2;
            }
            _ => {
                out.args.push(args[i].clone());
                i += 1;
            }
        }
    }
    Ok(out)
}
