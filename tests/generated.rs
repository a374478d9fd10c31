//! The checked-in shell completions (`completions/`) and man pages (`man/`) must be exactly what
//! `mqtk generate` writes today, so they never drift from the real flags.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::util::{mqtk, run};

/// The directories `mqtk generate DIR` writes into `DIR`, checked in at the crate root.
const GENERATED_DIRS: &[&str] = &["completions", "man"];

const HOW_TO_FIX: &str = "run `cargo run -- generate .` and commit the result";

/// Every regular file under `dir`, keyed by its path relative to `base`; empty if `dir` is missing.
fn files_under(base: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.expect("read_dir entry").path();
        if path.is_dir() {
            files_under(base, &path, out);
        } else {
            let rel = path.strip_prefix(base).expect("under base").to_path_buf();
            let data = fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
            out.insert(rel, data);
        }
    }
}

/// All generated files below `root` (only the `GENERATED_DIRS`).
fn generated_files(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    for dir in GENERATED_DIRS {
        files_under(root, &root.join(dir), &mut out);
    }
    out
}

/// Where two texts first differ, as `line N: expected … / actual …`.
fn first_difference(expected: &[u8], actual: &[u8]) -> String {
    let expected = String::from_utf8_lossy(expected);
    let actual = String::from_utf8_lossy(actual);
    let mut e = expected.lines();
    let mut a = actual.lines();
    for n in 1.. {
        match (e.next(), a.next()) {
            (Some(x), Some(y)) if x == y => {}
            (x, y) => {
                return format!(
                    "first difference at line {n}:\n    checked in: {}\n    generated:  {}",
                    x.map_or("<end of file>".into(), |s| format!("{s:?}")),
                    y.map_or("<end of file>".into(), |s| format!("{s:?}")),
                );
            }
        }
    }
    unreachable!()
}

#[test]
fn completions_and_man_pages_are_up_to_date() {
    let out = tempfile::Builder::new()
        .prefix("mqtk-generate-")
        .tempdir()
        .expect("temp dir");
    let dir = out.path().to_str().expect("UTF-8 temp dir");
    run(&mqtk(), &["generate", dir], None).assert_success();

    let fresh = generated_files(out.path());
    assert!(
        !fresh.is_empty(),
        "`mqtk generate {dir}` wrote nothing under {GENERATED_DIRS:?}"
    );
    let checked_in = generated_files(Path::new(env!("CARGO_MANIFEST_DIR")));

    let mut problems = Vec::new();
    for (path, data) in &fresh {
        match checked_in.get(path) {
            None => problems.push(format!(
                "{}: missing (generated but not checked in)",
                path.display()
            )),
            Some(old) if old != data => problems.push(format!(
                "{}: out of date, {}",
                path.display(),
                first_difference(old, data)
            )),
            Some(_) => {}
        }
    }
    for path in checked_in.keys().filter(|p| !fresh.contains_key(*p)) {
        problems.push(format!(
            "{}: extra (checked in but no longer generated)",
            path.display()
        ));
    }
    assert!(
        problems.is_empty(),
        "completions/ and man/ are stale; {HOW_TO_FIX}:\n  {}",
        problems.join("\n  ")
    );
}
