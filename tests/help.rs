//! `mqtk --help`, `mqtk COMMAND --help` and `man/mqtk-COMMAND.1` come from one clap definition per
//! command, so they must agree: the same about line, the same options with the same descriptions.

use std::collections::BTreeMap;

use crate::util::{mqtk, run};

/// Options (by long name, else short name, else the positional's name) and their descriptions, with
/// white space folded and the `[default: …]`/`[possible values: …]` notes left out (man pages put
/// them elsewhere).
type Options = BTreeMap<String, String>;

fn fold(text: &str) -> String {
    let mut text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for note in ["[default: ", "[possible values: "] {
        while let Some(start) = text.find(note) {
            let end = text[start..]
                .find(']')
                .map_or(text.len(), |e| start + e + 1);
            text.replace_range(start..end, "");
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The key of an option from its spec (`-t, --topic <TOPIC>`, `-x <SECONDS>`, `[SCENARIO]`).
fn key(spec: &str) -> String {
    let words: Vec<&str> = spec.split([',', ' ']).filter(|w| !w.is_empty()).collect();
    words
        .iter()
        .find(|w| w.starts_with("--"))
        .or_else(|| words.iter().find(|w| w.starts_with('-')))
        .or(words.first())
        // `...` marks a repeatable flag in help, not in man pages.
        .map_or_else(String::new, |w| w.trim_end_matches("...").to_string())
}

/// The options of `COMMAND --help` output.
fn help_options(help: &str) -> Options {
    let mut out = Options::new();
    let mut current: Option<(String, String)> = None;
    for line in help.lines() {
        let indent = line.len() - line.trim_start().len();
        let body = line.trim_start();
        let starts_entry = (2..=6).contains(&indent)
            && (body.starts_with('-') || body.starts_with('[') || body.starts_with('<'));
        if starts_entry {
            if let Some((k, d)) = current.take() {
                out.insert(k, fold(&d));
            }
            // The spec ends at the first run of two spaces (or the line's end: the text follows).
            let (spec, rest) = body.split_once("  ").unwrap_or((body, ""));
            current = Some((key(spec), rest.to_string()));
        } else if indent > 6 {
            if let Some((_, d)) = current.as_mut() {
                d.push(' ');
                d.push_str(body);
            }
        } else if let Some((k, d)) = current.take() {
            out.insert(k, fold(&d));
        }
    }
    if let Some((k, d)) = current {
        out.insert(k, fold(&d));
    }
    out
}

/// roff text as it reads.
fn unroff(text: &str) -> String {
    text.replace("\\fB", "")
        .replace("\\fR", "")
        .replace("\\fI", "")
        .replace("\\-", "-")
        .replace("\\*(Aq", "'")
        .replace("\\(aq", "'")
}

/// The options of a man page (every `.TP` entry), and its NAME line's description.
fn man_options(man: &str) -> (String, Options) {
    let mut about = String::new();
    let mut out = Options::new();
    let mut section = "";
    let mut lines = man.lines().peekable();
    while let Some(line) = lines.next() {
        if let Some(name) = line.strip_prefix(".SH ") {
            section = name;
            continue;
        }
        match section {
            "NAME" => {
                if let Some((_, text)) = unroff(line).split_once(" - ") {
                    about = text.to_string();
                }
            }
            // OPTIONS, and a section per help heading (Connection, TLS, …).
            _ if line == ".TP" => {
                let spec = unroff(lines.next().unwrap_or_default());
                let mut text = String::new();
                while let Some(next) = lines.peek() {
                    if next.starts_with('.') {
                        break;
                    }
                    text.push(' ');
                    text.push_str(&unroff(next));
                    lines.next();
                }
                out.insert(key(&spec), fold(&text));
            }
            _ => {}
        }
    }
    (about, out)
}

/// `mqtk --help`'s commands and their about lines.
fn commands(help: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut last: Option<String> = None;
    let section = help
        .split_once("Commands:\n")
        .map(|(_, rest)| rest.split("\n\n").next().unwrap_or(""))
        .expect("`mqtk --help` lists its commands");
    for line in section.lines() {
        let body = line.trim_start();
        if line.len() - body.len() == 2 {
            let (name, about) = body.split_once(' ').unwrap_or((body, ""));
            out.insert(name.to_string(), about.trim().to_string());
            last = Some(name.to_string());
        } else if let Some(name) = &last {
            let about = out.get_mut(name).expect("just inserted");
            about.push(' ');
            about.push_str(body);
        }
    }
    out
}

#[test]
fn help_and_man_pages_agree() {
    let top = run(&mqtk(), &["--help"], None);
    top.assert_success();
    let listed = commands(&top.stdout_str());
    assert!(
        listed.contains_key("pub") && listed.contains_key("sub"),
        "{top}"
    );
    for (command, about) in &listed {
        let help = run(&mqtk(), &[command, "--help"], None);
        help.assert_success();
        let help = help.stdout_str();
        let first = help.lines().next().unwrap_or_default();
        assert_eq!(
            fold(about),
            fold(first),
            "`mqtk --help` and `mqtk {command} --help`"
        );

        let path = format!("{}/man/mqtk-{command}.1", env!("CARGO_MANIFEST_DIR"));
        let man = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let (man_about, man_options) = man_options(&man);
        assert_eq!(fold(about), fold(&man_about), "`mqtk --help` and {path}");
        let options = help_options(&help);
        assert!(options.contains_key("--help"), "{command}: {options:#?}");
        assert_eq!(options, man_options, "`mqtk {command} --help` and {path}");
    }
}

/// The comparison can fail: a description that differs is caught.
#[test]
fn a_different_description_is_caught() {
    let help = "Options:\n  -t, --topic <TOPIC>  Topic to publish to\n      --retain\n          Retain it\n";
    let man = ".SH OPTIONS\n.TP\n\\fB\\-t\\fR, \\fB\\-\\-topic\\fR \\fI<TOPIC>\\fR\nTopic to publish to\n.TP\n\\fB\\-\\-retain\\fR\nKeep it\n";
    let (_, from_man) = man_options(man);
    let from_help = help_options(help);
    assert_eq!(from_help["--topic"], from_man["--topic"]);
    assert_ne!(from_help, from_man);
}
