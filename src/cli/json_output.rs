//! The mqtk-only JSON output flags of the commands that print messages (`sub`, and `rr` for its
//! responses), flattened into each.

use clap::{ArgAction, Args};

/// `--json-path`, `--where`, `--strict`, `--json`.
#[derive(Debug, Clone, Default, Args)]
pub struct JsonArgs {
    /// Print the value(s) this JSONPath selects from each JSON payload instead of the payload (repeatable; not with -F)
    #[arg(long = "json-path", value_name = "PATH", allow_hyphen_values = true, action = ArgAction::Append, help_heading = "JSON (mqtk only)")]
    pub json_path: Vec<String>,

    /// Keep only messages for which this JSONPath selects something, e.g. '$[?@.temp > 30]' (repeatable: all must match)
    #[arg(long = "where", value_name = "PATH", allow_hyphen_values = true, action = ArgAction::Append, help_heading = "JSON (mqtk only)")]
    pub where_path: Vec<String>,

    /// Treat a non-JSON payload or a path that selects nothing as an error (exit 65)
    #[arg(long, help_heading = "JSON (mqtk only)")]
    pub strict: bool,

    /// Print each message as one JSON object per line (NDJSON; not with --json-path, -F, -v or -N)
    #[arg(long, help_heading = "JSON (mqtk only)")]
    pub json: bool,
}

impl JsonArgs {
    /// The first of these options given, if any (mosquitto's clients do not know them).
    pub fn mqtk_extension(&self) -> Option<&'static str> {
        if !self.json_path.is_empty() {
            Some("--json-path")
        } else if !self.where_path.is_empty() {
            Some("--where")
        } else if self.strict {
            Some("--strict")
        } else if self.json {
            Some("--json")
        } else {
            None
        }
    }
}
