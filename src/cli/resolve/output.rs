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

/// How each message is printed: `--json` before `--json-path` before `-F` before plain (`-v`).
pub(super) fn output(
    json: &JsonArgs,
    format: Option<&OsString>,
    verbose: bool,
    personality: Personality,
) -> Result<Output, Failure> {
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
