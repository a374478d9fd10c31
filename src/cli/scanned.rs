//! What the argv scan hands on: argv without its `-D` occurrences, and those occurrences. A leaf of
//! its own so that the scan (`argv`), which calls into `properties` and `resolve` to check values
//! where they stand, and those two, which read what the scan produced, import it one way.

use std::ffi::OsString;

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
