//! The module layout, checked by reading src/ (what a grep would find): imports point one way.
//!
//! The rules, concretely:
//! 1. `crate::cli` appears only in `src/cli/`, `src/main.rs` and `src/generate.rs`.
//! 2. Nothing in `src/conn/` names `crate::trace`: tracing observes the connection through
//!    `conn::Observer`.
//! 3. Each top-level module imports only the modules [`ALLOWED`] lists for it, and that table is
//!    itself acyclic: nothing imports the layer that drives it.
//! 4. No file of one command (`src/cmd/<x>.rs`, `src/cmd/<x>/`) imports another command's module.
//! 5. Sibling files (the modules of one directory) import each other in one direction only.
//! 6. Exit statuses come from the table in `exit.rs`: no `Failure::…(1, …)` or `status: 1` with
//!    a literal number anywhere else.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Top-level module → the top-level modules it may import. `main`, the root, declares them all.
const ALLOWED: &[(&str, &[&str])] = &[
    ("generate", &["cli"]),
    (
        "cli",
        &[
            "cmd",
            "conn",
            "decode",
            "doc",
            "exit",
            "format",
            "jsonpath",
            "personality",
            "trace",
        ],
    ),
    (
        "cmd",
        &[
            "conn",
            "decode",
            "exit",
            "format",
            "jsonpath",
            "personality",
            "trace",
        ],
    ),
    (
        "format",
        &["conn", "decode", "doc", "exit", "jsonpath", "personality"],
    ),
    ("trace", &["conn"]),
    ("conn", &["exit"]),
    ("jsonpath", &["doc", "exit"]),
    ("exit", &[]),
    ("decode", &["doc"]),
    ("doc", &[]),
    ("personality", &[]),
    ("start", &[]),
];

/// One source file: its path under src/ and its text without comments.
struct Source {
    rel: PathBuf,
    code: String,
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .expect("read src/")
        .map(|e| e.expect("dir entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The text with `//` comments removed (doc links name modules without importing them).
fn strip_comments(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            // A `//` inside a string literal ("http://") is rare in paths; keep lines with quotes
            // before the slashes whole rather than guess.
            Some(i) if !line[..i].contains('"') => &line[..i],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn sources() -> Vec<Source> {
    let root = src_dir();
    let mut paths = Vec::new();
    walk(&root, &mut paths);
    paths
        .into_iter()
        .map(|path| Source {
            rel: path.strip_prefix(&root).expect("under src/").to_path_buf(),
            code: strip_comments(&fs::read_to_string(&path).expect("read source")),
        })
        .collect()
}

fn ident_at(text: &str) -> String {
    text.chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

/// The paths a file names, as module paths from the crate root: `crate::a::b`, `super::x` and
/// `self::x` (resolved against the file's own module path `own`), `{a, b}` groups spread out.
fn paths(code: &str, own: &[String]) -> BTreeSet<Vec<String>> {
    let mut out = BTreeSet::new();
    let bytes = code.as_bytes();
    for start in ["crate::", "super::", "self::"] {
        for (i, _) in code.match_indices(start) {
            // Only where a path begins (not the `super::` of `super::super::`, nor `x::self::`).
            if i > 0
                && (bytes[i - 1] == b':'
                    || bytes[i - 1].is_ascii_alphanumeric()
                    || bytes[i - 1] == b'_')
            {
                continue;
            }
            let mut rest = &code[i..];
            let mut base: Vec<String> = match start {
                "crate::" => {
                    rest = &rest["crate::".len()..];
                    Vec::new()
                }
                "self::" => {
                    rest = &rest["self::".len()..];
                    own.to_vec()
                }
                _ => {
                    let mut base = own.to_vec();
                    while let Some(r) = rest.strip_prefix("super::") {
                        base.pop();
                        rest = r;
                    }
                    base
                }
            };
            loop {
                if let Some(group) = rest.strip_prefix('{') {
                    for name in group_heads(group) {
                        let mut path = base.clone();
                        if name != "self" {
                            path.push(name);
                        }
                        out.insert(path);
                    }
                    break;
                }
                let name = ident_at(rest);
                if name.is_empty() {
                    out.insert(base);
                    break;
                }
                rest = &rest[name.len()..];
                base.push(name);
                match rest.strip_prefix("::") {
                    Some(r) => rest = r,
                    None => {
                        out.insert(base);
                        break;
                    }
                }
            }
        }
    }
    out
}

/// The first name of each part of a `{…}` group (the text after its `{`).
fn group_heads(group: &str) -> Vec<String> {
    let mut depth = 0;
    let mut heads = Vec::new();
    let mut part_start = true;
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => part_start = true,
            c if part_start && !c.is_whitespace() => {
                part_start = false;
                let name = ident_at(&group[i..]);
                if !name.is_empty() {
                    heads.push(name);
                }
            }
            _ => {}
        }
    }
    heads
}

/// A file's module path from the crate root: `[cmd, bench, engine]` for cmd/bench/engine.rs,
/// `[format]` for format/mod.rs, `[]` for main.rs.
fn module_path(rel: &Path) -> Vec<String> {
    if rel == Path::new("main.rs") {
        return Vec::new();
    }
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| {
            c.as_os_str()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_string()
        })
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The code a file's module paths apply to: an inline `mod tests` at the end is a module of its
/// own (its `super::` is the file).
fn without_inline_tests(code: &str) -> &str {
    code.split("#[cfg(test)]\nmod tests {")
        .next()
        .unwrap_or(code)
}

/// The top-level module a file belongs to (`cmd` for src/cmd/bench/engine.rs, `main` for main.rs).
fn top(rel: &Path) -> String {
    let first = rel.components().next().expect("non-empty path");
    let first = first.as_os_str().to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

fn allowed(module: &str) -> Option<&'static [&'static str]> {
    ALLOWED.iter().find(|(m, _)| *m == module).map(|(_, a)| *a)
}

#[test]
fn cli_is_named_only_by_the_front_end() {
    let offenders: Vec<_> = sources()
        .into_iter()
        .filter(|s| {
            !(s.rel.starts_with("cli")
                || s.rel == Path::new("main.rs")
                || s.rel == Path::new("generate.rs"))
        })
        .filter(|s| s.code.contains("crate::cli"))
        .map(|s| s.rel)
        .collect();
    assert!(
        offenders.is_empty(),
        "crate::cli outside the front end: {offenders:?}"
    );
}

#[test]
fn conn_does_not_name_trace() {
    let offenders: Vec<_> = sources()
        .into_iter()
        .filter(|s| s.rel.starts_with("conn") && s.code.contains("crate::trace"))
        .map(|s| s.rel)
        .collect();
    assert!(offenders.is_empty(), "conn names trace: {offenders:?}");
}

#[test]
fn top_level_modules_import_only_what_the_table_allows() {
    let mut broken = Vec::new();
    for s in sources() {
        let module = top(&s.rel);
        if module == "main" {
            continue;
        }
        let Some(may) = allowed(&module) else {
            broken.push(format!(
                "{}: module {module} is not in the table",
                s.rel.display()
            ));
            continue;
        };
        for path in paths(&s.code, &module_path(&s.rel)) {
            let Some(name) = path.first() else { continue };
            if *name != module && !may.contains(&name.as_str()) && allowed(name).is_some() {
                broken.push(format!("{} imports crate::{name}", s.rel.display()));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "imports against the table:\n{}",
        broken.join("\n")
    );
}

#[test]
fn the_table_is_acyclic() {
    // Depth-first search from every module; a module met again on the current path is a cycle.
    fn visit(module: &str, path: &mut Vec<String>, done: &mut BTreeSet<String>) {
        assert!(
            !path.iter().any(|m| m == module),
            "cycle in ALLOWED: {path:?} -> {module}"
        );
        if done.contains(module) {
            return;
        }
        path.push(module.to_string());
        for next in allowed(module).expect("every allowed module has a row") {
            visit(next, path, done);
        }
        path.pop();
        done.insert(module.to_string());
    }
    let mut done = BTreeSet::new();
    for (module, _) in ALLOWED {
        visit(module, &mut Vec::new(), &mut done);
    }
}

#[test]
fn commands_do_not_import_each_other() {
    let commands: BTreeSet<String> = fs::read_dir(src_dir().join("cmd"))
        .expect("read src/cmd")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| {
            p.file_stem()
                .expect("file name")
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name != "mod")
        .collect();
    assert!(
        commands.contains("publish") && commands.contains("bench"),
        "{commands:?}"
    );
    let mut broken = Vec::new();
    for s in sources() {
        let mut parts = s
            .rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned());
        if parts.next().as_deref() != Some("cmd") {
            continue;
        }
        let Some(own) = parts.next().map(|p| p.trim_end_matches(".rs").to_string()) else {
            continue;
        };
        if own == "mod" {
            continue;
        }
        for path in paths(&s.code, &module_path(&s.rel)) {
            if let [cmd, other, ..] = path.as_slice()
                && cmd == "cmd"
                && *other != own
                && commands.contains(other)
            {
                broken.push(format!("{} imports command {other}", s.rel.display()));
            }
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

/// Cycles still to remove. Remove a row when its cycle is gone (the test says so).
const KNOWN_CYCLES: &[&str] = &[];

#[test]
fn siblings_import_each_other_in_one_direction() {
    let all = sources();
    let modules: BTreeSet<Vec<String>> = all.iter().map(|s| module_path(&s.rel)).collect();
    // parent module → child → the siblings it imports. A file naming `a::b::x` from inside
    // `a::c::…` makes `c` import its sibling `b` (when `b` is a module: items of the parent
    // module `a` are its shared vocabulary, not a sibling).
    let mut graph: BTreeMap<Vec<String>, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for s in &all {
        let own = module_path(&s.rel);
        for path in paths(without_inline_tests(&s.code), &own) {
            let k = own.iter().zip(&path).take_while(|(a, b)| a == b).count();
            if k >= own.len() || k >= path.len() {
                continue; // a module naming itself, its own children or an ancestor's items
            }
            let parent = own[..k].to_vec();
            let mut target = parent.clone();
            target.push(path[k].clone());
            if modules.contains(&target) || modules.iter().any(|m| m.starts_with(&target)) {
                graph
                    .entry(parent)
                    .or_default()
                    .entry(own[k].clone())
                    .or_default()
                    .insert(path[k].clone());
            }
        }
    }
    let mut cycles = BTreeSet::new();
    for (parent, files) in &graph {
        let dir = if parent.is_empty() {
            "crate".to_string()
        } else {
            parent.join("::")
        };
        for start in files.keys() {
            if let Some(mut cycle) = cycle_from(start, files, &mut vec![start.clone()]) {
                // Each cycle once, starting from its smallest member.
                cycle.pop();
                let first = (0..cycle.len()).min_by_key(|&i| &cycle[i]).unwrap_or(0);
                cycle.rotate_left(first);
                cycle.push(cycle[0].clone());
                cycles.insert(format!("{dir}: {}", cycle.join(" -> ")));
            }
        }
    }
    assert_known_still_there("KNOWN_CYCLES", KNOWN_CYCLES, &cycles);
    let new: Vec<_> = cycles
        .iter()
        .filter(|c| !KNOWN_CYCLES.contains(&c.as_str()))
        .collect();
    assert!(
        new.is_empty(),
        "modules importing each other in a cycle:\n{new:#?}"
    );
}

/// A path of imports from the last file on `path` back to its first, if there is one.
fn cycle_from(
    file: &str,
    files: &BTreeMap<String, BTreeSet<String>>,
    path: &mut Vec<String>,
) -> Option<Vec<String>> {
    for next in files.get(file).into_iter().flatten() {
        if *next == path[0] {
            let mut cycle = path.clone();
            cycle.push(next.clone());
            return Some(cycle);
        }
        if !path.contains(next) {
            path.push(next.clone());
            if let Some(cycle) = cycle_from(next, files, path) {
                return Some(cycle);
            }
            path.pop();
        }
    }
    None
}

/// Files still passing a literal exit status: main.rs belongs to the cli branch during issue 11;
/// its two `Failure::runtime(1, …)` become `Failure::code(Code::Error, …)` there. Remove the row
/// when they have (the test says so).
const KNOWN_LITERAL_STATUS: &[&str] = &[];

/// The literal statuses in `code`: `Failure::…(1`, `status: 1`.
fn literal_statuses(code: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (i, _) in code.match_indices("Failure::") {
        let rest = &code[i + "Failure::".len()..];
        let name = ident_at(rest);
        let args = rest[name.len()..].trim_start_matches('(').trim_start();
        if args.starts_with(|c: char| c.is_ascii_digit()) {
            found.push(format!("Failure::{name}({}", ident_at(args)));
        }
    }
    for (i, _) in code.match_indices("status: ") {
        let value = &code[i + "status: ".len()..];
        if value.starts_with(|c: char| c.is_ascii_digit()) {
            found.push(format!("status: {}", ident_at(value)));
        }
    }
    found
}

#[test]
fn exit_statuses_come_from_the_table() {
    let mut broken = Vec::new();
    let mut known_seen = BTreeSet::new();
    for s in sources() {
        if s.rel == Path::new("exit.rs") {
            continue;
        }
        let found = literal_statuses(&s.code);
        let rel = s.rel.display().to_string();
        if KNOWN_LITERAL_STATUS.contains(&rel.as_str()) {
            if !found.is_empty() {
                known_seen.insert(rel);
            }
            continue;
        }
        broken.extend(found.into_iter().map(|f| format!("{rel}: {f}")));
    }
    assert_known_still_there("KNOWN_LITERAL_STATUS", KNOWN_LITERAL_STATUS, &known_seen);
    assert!(
        broken.is_empty(),
        "literal exit statuses (use exit::Code):\n{}",
        broken.join("\n")
    );
}

/// A known exception that no longer occurs must leave its list, so the list cannot hide a new one.
#[track_caller]
fn assert_known_still_there(list: &str, known: &[&str], seen: &BTreeSet<String>) {
    let gone: Vec<_> = known.iter().filter(|k| !seen.contains(**k)).collect();
    assert!(gone.is_empty(), "gone, remove them from {list}: {gone:?}");
}
