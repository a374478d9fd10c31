//! What the commands that print messages (`sub`, `rr`) share: how each message is printed
//! (`--json`, `--json-path`, `-F`, plain), `--where`, `-C`, and the receive maximum `-C` implies.

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

use crate::cli::Personality;
use crate::cli::json_output::JsonArgs;
use crate::cli::numbers;
use crate::conn::{Options, Property, Protocol};
use crate::exit::Failure;
use crate::format::Format;
use crate::format::printer::Output;
use crate::jsonpath::Path;

fn json_path(text: &str) -> Result<Path, Failure> {
    Path::parse(text).map_err(|e| Failure::usage(format!("Error: {e}\n")))
}

/// Output options that would silently lose to another: `--json` prints whole messages, one object
/// per line, so `--json-path`, `-F`, `-v` and `-N` would be ignored; `--json-path` replaces `-F`.
fn output_conflict(
    json: &JsonArgs,
    format: Option<&OsString>,
    verbose: bool,
    no_eol: bool,
) -> Result<(), Failure> {
    let json_with = [
        (!json.json_path.is_empty(), "--json-path"),
        (format.is_some(), "-F"),
        (verbose, "-v"),
        (no_eol, "-N"),
    ];
    let clash = match json_with.iter().find(|(given, _)| *given) {
        Some((_, other)) if json.json => Some(("--json", *other)),
        _ if !json.json_path.is_empty() && format.is_some() => Some(("--json-path", "-F")),
        _ => None,
    };
    match clash {
        Some((a, b)) => Err(Failure::usage(format!(
            "Error: {a} and {b} cannot be combined: each sets what is printed.\n"
        ))),
        None => Ok(()),
    }
}

/// How each message is printed: `--json` before `--json-path` before `-F` before plain (`-v`);
/// combinations where one would silently lose to another are refused.
pub(super) fn output(
    json: &JsonArgs,
    format: Option<&OsString>,
    verbose: bool,
    no_eol: bool,
    personality: Personality,
) -> Result<Output, Failure> {
    output_conflict(json, format, verbose, no_eol)?;
    Ok(if json.json {
        Output::Ndjson
    } else if !json.json_path.is_empty() {
        Output::JsonPath(
            json.json_path
                .iter()
                .map(|p| json_path(p))
                .collect::<Result<_, _>>()?,
        )
    } else if let Some(f) = format {
        Output::Format(Format::parse(f.as_bytes(), personality)?)
    } else {
        Output::Plain { verbose }
    })
}

/// The `--where` paths, each parsed.
pub(super) fn where_paths(json: &JsonArgs) -> Result<Vec<Path>, Failure> {
    json.where_path.iter().map(|p| json_path(p)).collect()
}

/// `-C`: how many messages, at least 1.
pub(super) fn count(personality: Personality, text: &str) -> Result<u64, Failure> {
    let n = numbers::int(personality, "-C", text)?;
    if n < 1 {
        return Err(Failure::usage(format!(
            "Error: Invalid message count \"{n}\".\n\n"
        )));
    }
    Ok(n as u64)
}

/// libmosquitto sets the v5 receive maximum to the number of messages awaited when it is below 20
/// (unless `-D connect receive-maximum` sets one).
pub(super) fn receive_maximum(conn: &mut Options, count: Option<u64>) {
    if conn.protocol == Protocol::V5
        && let Some(n) = count.filter(|&n| n < 20)
        && !conn
            .connect_properties
            .0
            .iter()
            .any(|p| matches!(p, Property::ReceiveMaximum(_)))
    {
        conn.connect_properties
            .0
            .push(Property::ReceiveMaximum(n as u16));
    }
}
